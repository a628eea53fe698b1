/* editor_keys: the editor's keymap, help table and terminal key setup. */
#include <string.h>
#include <term.h>

#include "editor_int.h"

#define ED_CTRL(c) ((c)&0x1f)

/* Keys ncurses only knows through terminfo's extended names (xterm-style
 * modifiers: 2 = Shift, 5 = Ctrl, 6 = Ctrl+Shift).  Where the terminal
 * description lacks one (TERM=screen inside tmux, which still sends the
 * xterm sequences), editor_term_init binds the xterm sequence itself. */
enum {
    DK_CLEFT,
    DK_CRIGHT,
    DK_CSLEFT,
    DK_CSRIGHT,
    DK_CHOME,
    DK_CEND,
    DK_CSHOME,
    DK_CSEND,
    DK_SUP,
    DK_SDOWN,
    DK_SLEFT,
    DK_SRIGHT,
    DK_SHOME,
    DK_SEND,
    DK_COUNT
};
static const struct {
    const char *name, *xterm;
} dyn_keys[DK_COUNT] = {
    {"kLFT5", "\033[1;5D"}, {"kRIT5", "\033[1;5C"}, {"kLFT6", "\033[1;6D"}, {"kRIT6", "\033[1;6C"},
    {"kHOM5", "\033[1;5H"}, {"kEND5", "\033[1;5F"}, {"kHOM6", "\033[1;6H"}, {"kEND6", "\033[1;6F"},
    {"kUP", "\033[1;2A"},   {"kDN", "\033[1;2B"},   {"kLFT", "\033[1;2D"},  {"kRIT", "\033[1;2C"},
    {"kHOM", "\033[1;2H"},  {"kEND", "\033[1;2F"},
};
#define ED_KEY_DYN_BASE 0x7f00 /* our codes for the xterm sequences */
static int dyn_code[DK_COUNT];

typedef struct binding {
    int key;
    bool keycode; /* KEY_* rather than a character */
    int dyn;      /* >= 0: key is dyn_code[dyn] */
    ed_action act;
    bool extend;
} binding;

#define K(k, a)                                                                                    \
    {                                                                                              \
        k, true, -1, ACT_##a, false                                                                \
    }
#define KS(k, a)                                                                                   \
    {                                                                                              \
        k, true, -1, ACT_##a, true                                                                 \
    }
#define C(c, a)                                                                                    \
    {                                                                                              \
        c, false, -1, ACT_##a, false                                                               \
    }
#define D(d, a, s)                                                                                 \
    {                                                                                              \
        0, true, d, ACT_##a, s                                                                     \
    }

static const binding bindings[] = {
    K(KEY_LEFT, LEFT),
    KS(KEY_SLEFT, LEFT),
    K(KEY_RIGHT, RIGHT),
    KS(KEY_SRIGHT, RIGHT),
    K(KEY_UP, UP),
    KS(KEY_SR, UP),
    D(DK_SUP, UP, true),
    K(KEY_DOWN, DOWN),
    KS(KEY_SF, DOWN),
    D(DK_SDOWN, DOWN, true),
    D(DK_CLEFT, WORD_LEFT, false),
    D(DK_CSLEFT, WORD_LEFT, true),
    D(DK_CRIGHT, WORD_RIGHT, false),
    D(DK_CSRIGHT, WORD_RIGHT, true),
    K(KEY_HOME, HOME),
    KS(KEY_SHOME, HOME),
    C(ED_CTRL('a'), HOME),
    K(KEY_END, END),
    KS(KEY_SEND, END),
    C(ED_CTRL('e'), END),
    K(KEY_PPAGE, PAGE_UP),
    KS(KEY_SPREVIOUS, PAGE_UP),
    K(KEY_NPAGE, PAGE_DOWN),
    KS(KEY_SNEXT, PAGE_DOWN),
    D(DK_SLEFT, LEFT, true),
    D(DK_SRIGHT, RIGHT, true),
    D(DK_SHOME, HOME, true),
    D(DK_SEND, END, true),
    D(DK_CHOME, BUF_START, false),
    D(DK_CSHOME, BUF_START, true),
    D(DK_CEND, BUF_END, false),
    D(DK_CSEND, BUF_END, true),
    C(ED_CTRL('l'), GOTO_LINE),
    C('\n', NEWLINE),
    C('\r', NEWLINE),
    K(KEY_ENTER, NEWLINE),
    K(KEY_BACKSPACE, BACKSPACE),
    C(127, BACKSPACE),
    C(ED_CTRL('h'), BACKSPACE),
    K(KEY_DC, DELETE),
    C(ED_CTRL('d'), DELETE),
    C('\t', TAB),
    C(0, COMPLETE),
    C(ED_CTRL('^'), MARK),
    C(ED_CTRL('x'), CUT),
    C(ED_CTRL('k'), CUT),
    C(ED_CTRL('c'), COPY),
    C(ED_CTRL('v'), PASTE),
    C(ED_CTRL('z'), UNDO),
    C(ED_CTRL('y'), REDO),
    C(ED_CTRL('f'), SEARCH),
    C(ED_CTRL('w'), SEARCH),
    K(KEY_F(3), SEARCH_NEXT),
    C(ED_CTRL('g'), SEARCH_NEXT),
    C(ED_CTRL('s'), SAVE),
    C(ED_CTRL('o'), SAVE),
    K(KEY_F(4), EXTERNAL),
    C(ED_CTRL('t'), EXTERNAL),
    K(KEY_F(1), HELP),
    K(KEY_F(10), LEAVE),
    C(ED_CTRL('q'), LEAVE),
};

ed_action editor_lookup_key(wint_t ch, bool keycode, bool *extend)
{
    for (size_t i = 0; i < sizeof bindings / sizeof bindings[0]; i++) {
        const binding *b = &bindings[i];
        int key = b->dyn >= 0 ? dyn_code[b->dyn] : b->key;
        if (b->dyn >= 0 && key <= 0)
            continue;
        if (b->keycode == keycode && (wint_t)key == ch) {
            *extend = b->extend;
            return b->act;
        }
    }
    *extend = false;
    return ACT_NONE;
}

#define ED_ACTION_NAME(id, keys, what) #id,
static const char *action_names[] = {"NONE", EDITOR_ACTIONS(ED_ACTION_NAME)};
#undef ED_ACTION_NAME

const char *editor_action_name(ed_action a)
{
    return a < ACT_COUNT ? action_names[a] : "?";
}

#define ED_ACTION_HELP(id, keys, what) {keys, what},
static const editor_help help_all[] = {EDITOR_ACTIONS(ED_ACTION_HELP)};
#undef ED_ACTION_HELP

const editor_help *editor_help_table(size_t *n)
{
    /* Entries with empty keys are the second half of a pair ("Left /
     * Right"); keep only the shown rows, in order. */
    static editor_help shown[sizeof help_all / sizeof help_all[0]];
    static size_t nshown;
    if (!nshown)
        for (size_t i = 0; i < sizeof help_all / sizeof help_all[0]; i++)
            if (help_all[i].keys[0])
                shown[nshown++] = help_all[i];
    *n = nshown;
    return shown;
}

static int paste_code[2] = {ED_KEY_PASTE_BEGIN, ED_KEY_PASTE_END};

int editor_paste_key(wint_t ch, bool keycode)
{
    if (!keycode)
        return 0;
    if (ch == (wint_t)paste_code[0] || ch == ED_KEY_PASTE_BEGIN)
        return 1;
    if (ch == (wint_t)paste_code[1] || ch == ED_KEY_PASTE_END)
        return 2;
    return 0;
}

void editor_term_init(void)
{
    /* Bind the paste markers unless the terminal description already does. */
    static const char *marks[2] = {"\033[200~", "\033[201~"};
    for (int i = 0; i < 2; i++) {
        int code = key_defined(marks[i]);
        paste_code[i] = code > 0 ? code : ED_KEY_PASTE_BEGIN + i;
        if (code <= 0)
            define_key(marks[i], ED_KEY_PASTE_BEGIN + i);
    }
    /* tmux and PuTTY send Home and End as ESC [ 1 ~ and ESC [ 4 ~, which
     * xterm's terminfo does not list. */
    if (key_defined("\033[1~") <= 0)
        define_key("\033[1~", KEY_HOME);
    if (key_defined("\033[4~") <= 0)
        define_key("\033[4~", KEY_END);
    for (int i = 0; i < DK_COUNT; i++) {
        int code = 0;
        char *s = tigetstr(dyn_keys[i].name);
        if (s && s != (char *)-1)
            code = key_defined(s);
        if (code <= 0)
            code = key_defined(dyn_keys[i].xterm);
        if (code <= 0 && define_key(dyn_keys[i].xterm, ED_KEY_DYN_BASE + i) == OK)
            code = ED_KEY_DYN_BASE + i;
        dyn_code[i] = code > 0 ? code : 0;
    }
}

static FILE *paste_tty; /* where bracketed paste is on, if anywhere */

void editor_paste_mode(FILE *tty, bool on)
{
    fputs(on ? "\033[?2004h" : "\033[?2004l", tty);
    fflush(tty);
    paste_tty = on ? tty : NULL;
}

FILE *editor_paste_tty(void)
{
    return paste_tty;
}

bool editor_action_bound(ed_action a)
{
    for (size_t i = 0; i < sizeof bindings / sizeof bindings[0]; i++)
        if (bindings[i].act == a)
            return true;
    return false;
}
