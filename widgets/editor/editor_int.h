/* editor_int: the editor widget's private state, shared by editor.c (keys),
 * editor_draw.c (drawing) and editor_keys.c (keymap).  Not for other
 * modules. */
#ifndef WEIR_EDITOR_INT_H
#define WEIR_EDITOR_INT_H

#include "editor.h"
#include "util.h"

#define ED_MAX_TOKENS 1024
#define ED_PROMPT_MAX 256

/* Every action: id, keys as shown in help, what it does.  The binding table
 * in editor_keys.c maps key codes to these ids. */
#define EDITOR_ACTIONS(X)                                                                          \
    X(LEFT, "Left / Right", "move by character (Shift: select)")                                   \
    X(RIGHT, "", "")                                                                               \
    X(UP, "Up / Down", "move by line (Shift: select)")                                             \
    X(DOWN, "", "")                                                                                \
    X(WORD_LEFT, "Ctrl-Left / Ctrl-Right", "move by word (Shift: select)")                         \
    X(WORD_RIGHT, "", "")                                                                          \
    X(HOME, "Home, Ctrl-A", "line start: first non-blank, then column 1 (Shift: select)")          \
    X(END, "End, Ctrl-E", "line end (Shift: select)")                                              \
    X(PAGE_UP, "PgUp / PgDn", "page up / down (Shift: select)")                                    \
    X(PAGE_DOWN, "", "")                                                                           \
    X(BUF_START, "Ctrl-Home / Ctrl-End", "start / end of the file (Shift: select)")                \
    X(BUF_END, "", "")                                                                             \
    X(GOTO_LINE, "Ctrl-L", "go to line (prompt)")                                                  \
    X(NEWLINE, "Enter", "new line, keeping the indentation")                                       \
    X(BACKSPACE, "Backspace", "delete before the cursor (or the selection)")                       \
    X(DELETE, "Delete, Ctrl-D", "delete under the cursor (or the selection)")                      \
    X(TAB, "Tab", "complete after a word or a dot, else indent")                                   \
    X(COMPLETE, "Ctrl-Space", "complete")                                                          \
    X(MARK, "Ctrl-^, Ctrl-6", "set / clear the mark (motions then select)")                        \
    X(CUT, "Ctrl-X, Ctrl-K", "cut the selection, or the line")                                     \
    X(COPY, "Ctrl-C", "copy the selection, or the line")                                           \
    X(PASTE, "Ctrl-V", "paste (a cut line goes above the cursor line)")                            \
    X(UNDO, "Ctrl-Z", "undo (word by word)")                                                       \
    X(REDO, "Ctrl-Y", "redo")                                                                      \
    X(SEARCH, "Ctrl-F, Ctrl-W", "search (Enter on empty text repeats the last)")                   \
    X(SEARCH_NEXT, "F3, Ctrl-G", "search next (wraps around)")                                     \
    X(SAVE, "Ctrl-S, Ctrl-O", "save")                                                              \
    X(EXTERNAL, "F4, Ctrl-T", "open in $VISUAL / $EDITOR")                                         \
    X(HELP, "F1", "help")                                                                          \
    X(LEAVE, "Esc, F10, Ctrl-Q", "leave (Esc first closes a popup, prompt or selection)")

#define ED_ACTION_ENUM(id, keys, what) ACT_##id,
typedef enum { ACT_NONE, EDITOR_ACTIONS(ED_ACTION_ENUM) ACT_COUNT } ed_action;
#undef ED_ACTION_ENUM

typedef enum { PROMPT_NONE, PROMPT_SEARCH, PROMPT_GOTO } ed_prompt;

typedef struct ed_diag {
    int line, col;
    bool warning;
    char *message;
} ed_diag;

struct editor {
    editor_config cfg;
    textbuf *tb;
    hl_cache *hl;
    attr_t style[ED_STYLE_COUNT];

    /* inputs (deep copies) */
    cmp_table *inputs;
    size_t ninputs;
    const char **input_ids;

    ed_diag *diags;
    size_t ndiags;

    editor_change_fn on_change;
    void *on_change_ud;
    unsigned long changes; /* bumped by the textbuf listener */

    /* view */
    size_t top;
    int left;
    int rows, text_w; /* from the last draw */
    int cur_y, cur_x;
    bool cur_shown;

    /* escape sequences and bracketed paste */
    char esc[8];
    size_t esc_len;
    bool pasting;
    strbuf paste;
    bool paste_cr;
    bool paste_overflow;

    /* prompt */
    ed_prompt prompt;
    char prompt_text[ED_PROMPT_MAX];
    size_t prompt_len;
    char last_search[ED_PROMPT_MAX];

    /* completion popup */
    bool popup;
    cmp_list items;
    size_t sel, popup_top;
    size_t popup_anchor_col; /* byte column where the completed word starts */

    char message[256];
    bool message_error;
    long long last_key_ms;

    hl_token tokens[ED_MAX_TOKENS];
};

/* editor_keys.c */
ed_action editor_lookup_key(wint_t ch, bool keycode, bool *extend);
const char *editor_action_name(ed_action a);
int editor_paste_key(wint_t ch, bool keycode); /* 1 begin, 2 end, 0 other */
bool editor_action_bound(ed_action a);
FILE *editor_paste_tty(void);
/* set by editor_paste_mode(tty, true) */ /* for the help-drift test */

/* editor_draw.c */
const ed_diag *editor_diag_at(const editor *ed, size_t line0);

#endif
