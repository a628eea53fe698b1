/* textbuf: the editor's text model, with no curses code.
 *
 * The text is an array of lines (bytes, no '\n'); a keystroke touches one
 * line plus, for a line split or join, a memmove of line pointers, so edits
 * in the middle of a 10,000-line file cost microseconds.  Positions are
 * (line, col) with col a byte offset that is always on a grapheme boundary
 * (see utf8w.h): motions never split a UTF-8 sequence or a character from
 * its combining marks.  Invalid UTF-8 is kept byte for byte.
 *
 * Undo is grouped: a run of typed word characters (or of blanks) at one
 * place is one step; any motion, textbuf_undo_boundary() (the widget calls
 * it after a pause in typing) or a different kind of edit ends the group.
 * History is capped at TB_UNDO_MAX groups (oldest dropped).
 *
 * Ownership: the textbuf owns its lines; functions returning char * return
 * a malloc'ed copy the caller frees. */
#ifndef WEIR_TEXTBUF_H
#define WEIR_TEXTBUF_H

#include <stdbool.h>
#include <stddef.h>

#define TB_UNDO_MAX 2000
#define TB_MAX_TAB_WIDTH 16

typedef struct tb_pos {
    size_t line, col;
} tb_pos;

typedef struct tb_config {
    int tab_width;    /* 1..TB_MAX_TAB_WIDTH; default 4 */
    bool expandtab;   /* Tab inserts spaces */
    bool auto_indent; /* Enter copies the indentation of the line */
} tb_config;

typedef enum {
    TB_LEFT,
    TB_RIGHT,
    TB_UP,
    TB_DOWN,
    TB_WORD_LEFT,
    TB_WORD_RIGHT,
    TB_HOME, /* first non-blank, then column 0 (VS Code's smart home) */
    TB_LINE_START,
    TB_LINE_END,
    TB_PAGE_UP, /* count = page height */
    TB_PAGE_DOWN,
    TB_BUF_START,
    TB_BUF_END,
} tb_motion;

/* Called after every change: lines [first, first+removed) of the old text
 * became lines [first, first+added) of the new text. */
typedef void (*tb_change_fn)(void *ud, size_t first, size_t removed, size_t added);

typedef struct textbuf textbuf;

textbuf *textbuf_new(const tb_config *cfg); /* cfg may be NULL for defaults */
void textbuf_free(textbuf *tb);
void textbuf_set_config(textbuf *tb, const tb_config *cfg);
tb_config textbuf_config(const textbuf *tb);
void textbuf_set_listener(textbuf *tb, tb_change_fn fn, void *ud);

/* Replace all text (cursor to the start, history cleared, buffer clean). */
void textbuf_set_text(textbuf *tb, const char *text, size_t len);
char *textbuf_text(const textbuf *tb, size_t *len); /* lines joined by '\n' */

size_t textbuf_line_count(const textbuf *tb); /* >= 1 */
const char *textbuf_line(const textbuf *tb, size_t line, size_t *len);

tb_pos textbuf_cursor(const textbuf *tb);
/* Move the cursor to pos (clamped and snapped); extend keeps or starts a
 * selection from the old cursor, otherwise the selection is dropped. */
void textbuf_set_cursor(textbuf *tb, tb_pos pos, bool extend);
void textbuf_move(textbuf *tb, tb_motion m, size_t count, bool extend);
void textbuf_goto_line(textbuf *tb, size_t line1); /* 1-based, clamped */

/* Selection: shift+motion (extend) or the mark, which makes every motion
 * extend until the selection is dropped. */
void textbuf_toggle_mark(textbuf *tb);
bool textbuf_mark_active(const textbuf *tb);
void textbuf_clear_selection(textbuf *tb);
bool textbuf_selection(const textbuf *tb, tb_pos *start, tb_pos *end);
char *textbuf_get_range(const textbuf *tb, tb_pos a, tb_pos b, size_t *len);

/* Editing.  Typed text replaces the selection. */
void textbuf_type(textbuf *tb, const char *s, size_t n); /* one keystroke */
void textbuf_newline(textbuf *tb);                       /* Enter, auto-indent */
void textbuf_tab(textbuf *tb);                           /* '\t' or spaces */
void textbuf_backspace(textbuf *tb);
void textbuf_delete(textbuf *tb);
/* Insert verbatim (bracketed paste, the register): no auto-indent, one
 * undo step. */
void textbuf_paste_text(textbuf *tb, const char *s, size_t n);
/* Replace [a, b) with s as one undo step (completion, external tools). */
void textbuf_replace(textbuf *tb, tb_pos a, tb_pos b, const char *s, size_t n);

/* The internal register.  Without a selection, cut and copy take the whole
 * line, and pasting such a line puts it above the cursor line. */
void textbuf_copy(textbuf *tb);
void textbuf_cut(textbuf *tb);
void textbuf_paste(textbuf *tb);
const char *textbuf_register(const textbuf *tb, size_t *len);

/* Undo / redo; return false when there is nothing to do. */
bool textbuf_undo(textbuf *tb);
bool textbuf_redo(textbuf *tb);
void textbuf_undo_boundary(textbuf *tb);
size_t textbuf_undo_depth(const textbuf *tb);

/* Search for needle (no '\n') from the cursor, wrapping around; a needle
 * with no capital letter matches case-insensitively (ASCII).  next starts
 * one character after the cursor (search-next).  The match is selected
 * with the cursor at its end. */
bool textbuf_find(textbuf *tb, const char *needle, bool next);

/* Dirty tracking that survives undo: clean again after undoing back to the
 * state of the last textbuf_set_clean(). */
bool textbuf_dirty(const textbuf *tb);
void textbuf_set_clean(textbuf *tb);

/* Screen x of the cursor within its line (tabs, wide characters). */
int textbuf_cursor_x(const textbuf *tb);

#endif
