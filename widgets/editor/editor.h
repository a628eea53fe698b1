/* editor: the inline SQL / Lua editor widget (issue 4).
 *
 * A modeless editor for people who know nano and VS Code: it draws into a
 * rectangle of a caller's WINDOW, takes keys as wget_wch() returns them and
 * answers with a bitmask; the caller owns the screen, focus, files and
 * validation.  The text model, tokenizers and completion live in textbuf.h,
 * highlight.h and complete.h and have no curses code.
 *
 * Integration (the app):
 *   once, after initscr():   raw(); noecho(); keypad(win, TRUE);
 *                            editor_term_init(); editor_paste_mode(stdout, true);
 *   per node:   ed = editor_new(&cfg); editor_set_text(ed, bytes, len, false);
 *               editor_set_inputs(ed, tables, n);   (ids + schemas)
 *               editor_on_change(ed, fn, ud);       (debounce validation there;
 *                                                    called after a key or a paste
 *                                                    changed the text, never by
 *                                                    editor_set_text)
 *   each frame: editor_draw(ed, win, y, x, h, w, focused);
 *   each key:   int r = wget_wch(win, &ch);
 *               int f = editor_key(ed, ch, r == KEY_CODE_YES);
 *     f & ED_PENDING: an escape sequence is incomplete; read the next key
 *                     with a short timeout (wtimeout(win, 30)) and on ERR
 *                     call editor_key(ed, ED_KEY_TIMEOUT, true)
 *     f & ED_REDRAW:  redraw; f & ED_CHANGED: the text changed
 *     f & ED_SAVE:    editor_text(), fs_write_atomic(), editor_set_clean()
 *     f & ED_EXTERNAL: save, editor_external_edit(path, ...), reload with
 *                     editor_set_text(ed, bytes, len, true)
 *     f & ED_LEAVE:   give focus back (the text stays; check editor_dirty())
 *     f & ED_HELP:    show editor_help_table()
 *     f == 0:         not an editor key; the app may use it
 *   validation results: editor_set_diagnostics(ed, list, n)
 *
 * raw() (not cbreak()) is needed so Ctrl-Z/C/S/Q/V reach the editor.
 * Styles are semantic (enum editor_style); the defaults are monochrome
 * attributes and the app maps them to colour pairs with editor_set_style()
 * (or leaves them for NO_COLOR).
 *
 * Ownership: editor_new returns an editor the caller frees with
 * editor_free; every setter copies what it is given; editor_text returns a
 * malloc'ed copy. */
#ifndef WEIR_EDITOR_H
#define WEIR_EDITOR_H

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <wchar.h>

#include "complete.h"
#include "highlight.h"
#include "textbuf.h"

/* Result bits of editor_key(). */
enum {
    ED_HANDLED = 1 << 0,
    ED_REDRAW = 1 << 1,
    ED_CHANGED = 1 << 2,
    ED_SAVE = 1 << 3,
    ED_LEAVE = 1 << 4,
    ED_EXTERNAL = 1 << 5,
    ED_PENDING = 1 << 6,
    ED_HELP = 1 << 7,
};

/* Pseudo keys (pass with keycode = true). */
#define ED_KEY_TIMEOUT 0x7ff0     /* no key came after ED_PENDING */
#define ED_KEY_PASTE_BEGIN 0x7ff1 /* ESC [ 200 ~ (bound by editor_term_init) */
#define ED_KEY_PASTE_END 0x7ff2   /* ESC [ 201 ~ */

#define ED_PASTE_MAX (16u << 20) /* a bigger bracketed paste is refused */
#define ED_MAX_DIAGS 1000

/* The first HL_CLASS_COUNT styles follow hl_class. */
enum editor_style {
    ED_STYLE_TEXT,
    ED_STYLE_KEYWORD,
    ED_STYLE_BUILTIN,
    ED_STYLE_STRING,
    ED_STYLE_COMMENT,
    ED_STYLE_NUMBER,
    ED_STYLE_OPERATOR,
    ED_STYLE_IDENT,
    ED_STYLE_INPUT_ID,
    ED_STYLE_LINENO,
    ED_STYLE_LINENO_CURRENT,
    ED_STYLE_GUTTER_ERROR,
    ED_STYLE_GUTTER_WARNING,
    ED_STYLE_SELECTION,
    ED_STYLE_STATUS,
    ED_STYLE_STATUS_ERROR,
    ED_STYLE_POPUP,
    ED_STYLE_POPUP_SELECTED,
    ED_STYLE_COUNT,
};

typedef struct editor_config {
    hl_lang lang;
    tb_config text;    /* tab width, expandtab, auto-indent */
    bool line_numbers; /* default true */
    int undo_pause_ms; /* a pause this long ends an undo group; 0 = never */
} editor_config;

typedef struct editor_diag {
    int line, col; /* 1-based; col 0 = unknown */
    bool warning;
    const char *message;
} editor_diag;

typedef struct editor_help {
    const char *keys;
    const char *what;
} editor_help;

typedef struct editor editor;
typedef void (*editor_change_fn)(editor *ed, void *ud);

/* Terminal setup, after initscr()/newterm() (once per SCREEN): binds the
 * bracketed-paste markers, and finds the codes of Ctrl/Shift arrows in
 * terminfo, binding xterm's sequences where terminfo lacks them. */
void editor_term_init(void);
/* Write the bracketed-paste mode switch ("\033[?2004h" / "l") to tty. */
void editor_paste_mode(FILE *tty, bool on);

/* cfg may be NULL: SQL, 4-space tabs expanded, auto-indent, numbers. */
editor *editor_new(const editor_config *cfg);
void editor_free(editor *ed);
editor_config editor_default_config(void);

void editor_set_text(editor *ed, const char *text, size_t len, bool keep_cursor);
char *editor_text(const editor *ed, size_t *len);
void editor_set_lang(editor *ed, hl_lang lang);
/* The node's inputs: ids for highlighting, schemas for completion. */
void editor_set_inputs(editor *ed, const cmp_table *inputs, size_t n);
void editor_set_diagnostics(editor *ed, const editor_diag *d, size_t n);
void editor_on_change(editor *ed, editor_change_fn fn, void *ud);
void editor_set_style(editor *ed, enum editor_style s, attr_t attr);
attr_t editor_default_style(enum editor_style s);
/* A one-shot status message ("Saved"), cleared by the next key. */
void editor_set_message(editor *ed, const char *msg);

bool editor_dirty(const editor *ed);
void editor_set_clean(editor *ed);
textbuf *editor_buffer(editor *ed); /* the model, for tests and tools */

void editor_draw(editor *ed, WINDOW *win, int y, int x, int h, int w, bool focused);
int editor_key(editor *ed, wint_t ch, bool keycode);
/* Where the terminal cursor belongs after editor_draw (window coords). */
bool editor_cursor(const editor *ed, int *y, int *x);
/* 1-based cursor line and display column, and whether a popup is open. */
void editor_position(const editor *ed, size_t *line, size_t *col);
bool editor_popup_open(const editor *ed);

/* The key table shown by help; generated from the same list as the
 * dispatcher, so they cannot drift. */
const editor_help *editor_help_table(size_t *n);

/* Suspend curses, run $VISUAL/$EDITOR on path, restore the screen.
 * Returns as extedit_run(); the caller reloads the file. */
int editor_external_edit(const char *path, char *err, size_t err_size);

#endif
