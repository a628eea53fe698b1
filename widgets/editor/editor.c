/* editor: the widget's state and key handling (drawing: editor_draw.c;
 * keymap: editor_keys.c). */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <utf8proc.h>

#include "editor_int.h"
#include "extedit.h"
#include "utf8w.h"

/* ---- lifecycle and setters -------------------------------------------- */

static void on_tb_change(void *ud, size_t first, size_t removed, size_t added)
{
    editor *ed = ud;
    hl_cache_edit(ed->hl, first, removed, added);
    ed->changes++;
    /* Keep diagnostics on their lines until the next validation. */
    for (size_t i = 0; i < ed->ndiags; i++) {
        size_t l = (size_t)(ed->diags[i].line > 0 ? ed->diags[i].line - 1 : 0);
        if (l >= first + removed)
            l = l + added - removed;
        else if (l >= first + added)
            l = first + added - 1;
        ed->diags[i].line = (int)l + 1;
    }
}

editor_config editor_default_config(void)
{
    return (editor_config){HL_LANG_SQL, {4, true, true}, true, 1000};
}

attr_t editor_default_style(enum editor_style s)
{
    switch (s) {
    case ED_STYLE_KEYWORD:
    case ED_STYLE_BUILTIN:
    case ED_STYLE_LINENO_CURRENT:
        return A_BOLD;
    case ED_STYLE_COMMENT:
    case ED_STYLE_LINENO:
        return A_DIM;
    case ED_STYLE_INPUT_ID:
        return A_UNDERLINE;
    case ED_STYLE_GUTTER_ERROR:
    case ED_STYLE_STATUS_ERROR:
        return A_BOLD | A_REVERSE;
    case ED_STYLE_GUTTER_WARNING:
        return A_BOLD;
    case ED_STYLE_SELECTION:
    case ED_STYLE_STATUS:
    case ED_STYLE_POPUP:
        return A_REVERSE;
    case ED_STYLE_POPUP_SELECTED:
        return A_BOLD;
    default:
        return A_NORMAL;
    }
}

editor *editor_new(const editor_config *cfg)
{
    editor *ed = xcalloc(1, sizeof *ed);
    ed->cfg = cfg ? *cfg : editor_default_config();
    if (ed->cfg.undo_pause_ms < 0)
        ed->cfg.undo_pause_ms = 0;
    ed->tb = textbuf_new(&ed->cfg.text);
    ed->cfg.text = textbuf_config(ed->tb);
    ed->hl = hl_cache_new(ed->cfg.lang);
    textbuf_set_listener(ed->tb, on_tb_change, ed);
    for (int i = 0; i < ED_STYLE_COUNT; i++)
        ed->style[i] = editor_default_style((enum editor_style)i);
    strbuf_init(&ed->paste);
    cmp_list_init(&ed->items);
    ed->rows = 20;
    return ed;
}

static void free_inputs(editor *ed)
{
    for (size_t i = 0; i < ed->ninputs; i++) {
        cmp_table *t = &ed->inputs[i];
        for (size_t k = 0; k < t->ncols; k++) {
            free((char *)t->cols[k].name);
            free((char *)t->cols[k].type);
        }
        free((cmp_column *)t->cols);
        free((char *)t->name);
    }
    free(ed->inputs);
    free(ed->input_ids);
    ed->inputs = NULL;
    ed->input_ids = NULL;
    ed->ninputs = 0;
}

static void free_diags(editor *ed)
{
    for (size_t i = 0; i < ed->ndiags; i++)
        free(ed->diags[i].message);
    free(ed->diags);
    ed->diags = NULL;
    ed->ndiags = 0;
}

void editor_free(editor *ed)
{
    if (!ed)
        return;
    textbuf_free(ed->tb);
    hl_cache_free(ed->hl);
    free_inputs(ed);
    free_diags(ed);
    strbuf_free(&ed->paste);
    cmp_list_free(&ed->items);
    free(ed);
}

void editor_set_text(editor *ed, const char *text, size_t len, bool keep_cursor)
{
    tb_pos keep = textbuf_cursor(ed->tb);
    size_t top = ed->top;
    textbuf_set_text(ed->tb, text, len);
    hl_cache_reset(ed->hl, ed->cfg.lang, textbuf_line_count(ed->tb));
    ed->popup = false;
    ed->prompt = PROMPT_NONE;
    ed->top = 0;
    ed->left = 0;
    if (keep_cursor) {
        textbuf_set_cursor(ed->tb, keep, false);
        ed->top = top;
    }
}

char *editor_text(const editor *ed, size_t *len)
{
    return textbuf_text(ed->tb, len);
}

void editor_set_lang(editor *ed, hl_lang lang)
{
    ed->cfg.lang = lang;
    hl_cache_reset(ed->hl, lang, textbuf_line_count(ed->tb));
}

void editor_set_inputs(editor *ed, const cmp_table *inputs, size_t n)
{
    free_inputs(ed);
    if (!n)
        return;
    ed->inputs = xcalloc(n, sizeof *ed->inputs);
    ed->input_ids = xcalloc(n, sizeof *ed->input_ids);
    for (size_t i = 0; i < n; i++) {
        cmp_table *t = &ed->inputs[i];
        t->name = xstrdup(inputs[i].name ? inputs[i].name : "");
        t->ncols = inputs[i].ncols;
        cmp_column *cols = xcalloc(t->ncols ? t->ncols : 1, sizeof *cols);
        for (size_t k = 0; k < t->ncols; k++) {
            cols[k].name = xstrdup(inputs[i].cols[k].name ? inputs[i].cols[k].name : "");
            cols[k].type = inputs[i].cols[k].type ? xstrdup(inputs[i].cols[k].type) : NULL;
        }
        t->cols = cols;
        ed->input_ids[i] = t->name;
    }
    ed->ninputs = n;
}

void editor_set_diagnostics(editor *ed, const editor_diag *d, size_t n)
{
    free_diags(ed);
    if (n > ED_MAX_DIAGS)
        n = ED_MAX_DIAGS;
    if (!n)
        return;
    ed->diags = xcalloc(n, sizeof *ed->diags);
    for (size_t i = 0; i < n; i++)
        ed->diags[i] =
            (ed_diag){d[i].line, d[i].col, d[i].warning, xstrdup(d[i].message ? d[i].message : "")};
    ed->ndiags = n;
}

void editor_on_change(editor *ed, editor_change_fn fn, void *ud)
{
    ed->on_change = fn;
    ed->on_change_ud = ud;
}

void editor_set_style(editor *ed, enum editor_style s, attr_t attr)
{
    if ((int)s >= 0 && s < ED_STYLE_COUNT)
        ed->style[s] = attr;
}

void editor_set_message(editor *ed, const char *msg)
{
    snprintf(ed->message, sizeof ed->message, "%s", msg ? msg : "");
    ed->message_error = false;
}

static void error_message(editor *ed, const char *msg)
{
    editor_set_message(ed, msg);
    ed->message_error = true;
}

bool editor_dirty(const editor *ed)
{
    return textbuf_dirty(ed->tb);
}

void editor_set_clean(editor *ed)
{
    textbuf_set_clean(ed->tb);
}

textbuf *editor_buffer(editor *ed)
{
    return ed->tb;
}

void editor_position(const editor *ed, size_t *line, size_t *col)
{
    *line = textbuf_cursor(ed->tb).line + 1;
    *col = (size_t)textbuf_cursor_x(ed->tb) + 1;
}

bool editor_popup_open(const editor *ed)
{
    return ed->popup;
}

/* ---- completion ----------------------------------------------------------- */

/* Completion reads the text around the cursor, not the whole file, so a
 * keystroke with the popup open stays cheap in a 10,000-line file. */
#define COMPLETE_CONTEXT_LINES 500

static char *completion_text(const editor *ed, size_t *len, size_t *off)
{
    tb_pos c = textbuf_cursor(ed->tb);
    size_t n = textbuf_line_count(ed->tb), l;
    size_t lo = c.line > COMPLETE_CONTEXT_LINES ? c.line - COMPLETE_CONTEXT_LINES : 0;
    size_t hi = c.line + COMPLETE_CONTEXT_LINES < n ? c.line + COMPLETE_CONTEXT_LINES : n - 1;
    *off = 0;
    for (size_t i = lo; i < c.line; i++) {
        textbuf_line(ed->tb, i, &l);
        *off += l + 1;
    }
    *off += c.col;
    textbuf_line(ed->tb, hi, &l);
    return textbuf_get_range(ed->tb, (tb_pos){lo, 0}, (tb_pos){hi, l}, len);
}

static void popup_close(editor *ed)
{
    ed->popup = false;
    cmp_list_free(&ed->items);
}

static void popup_accept(editor *ed)
{
    if (ed->sel < ed->items.n) {
        tb_pos c = textbuf_cursor(ed->tb);
        const char *t = ed->items.items[ed->sel].text;
        textbuf_replace(ed->tb, (tb_pos){c.line, ed->popup_anchor_col}, c, t, strlen(t));
    }
    popup_close(ed);
}

/* Compute candidates; with open, show them (one is inserted directly). */
static size_t complete_at_cursor(editor *ed, bool open)
{
    size_t len, off;
    char *text = completion_text(ed, &len, &off);
    cmp_context ctx = {ed->cfg.lang, ed->inputs, ed->ninputs};
    size_t n = cmp_complete(&ctx, text, len, off, &ed->items);
    free(text);
    tb_pos c = textbuf_cursor(ed->tb);
    ed->popup_anchor_col = c.col - (off - ed->items.start);
    ed->sel = 0;
    ed->popup_top = 0;
    if (n == 0) {
        popup_close(ed);
        return 0;
    }
    if (open && n == 1 && !ed->popup) {
        ed->popup = true;
        popup_accept(ed);
        return 1;
    }
    ed->popup = true;
    return n;
}

/* Tab completes right after a word, a '.' or `["`; elsewhere it indents. */
static bool tab_completes(editor *ed)
{
    tb_pos a, b;
    if (textbuf_selection(ed->tb, &a, &b))
        return false;
    tb_pos c = textbuf_cursor(ed->tb);
    if (c.col == 0)
        return false;
    size_t len;
    const char *s = textbuf_line(ed->tb, c.line, &len);
    int32_t cp;
    utf8w_decode(s, len, utf8w_prev(s, len, c.col), &cp);
    return utf8w_is_word(cp) || cp == '.' ||
           ((cp == '"' || cp == '\'') && c.col >= 2 && s[c.col - 2] == '[');
}

/* ---- search and go to line ------------------------------------------------ */

static void search(editor *ed, const char *needle, bool next)
{
    if (!*needle) {
        error_message(ed, "No search text (Ctrl-F)");
        return;
    }
    if (!textbuf_find(ed->tb, needle, next)) {
        char m[ED_PROMPT_MAX + 16];
        snprintf(m, sizeof m, "Not found: %s", needle);
        error_message(ed, m);
    }
}

static int prompt_finish(editor *ed)
{
    ed_prompt p = ed->prompt;
    ed->prompt = PROMPT_NONE;
    ed->prompt_text[ed->prompt_len] = '\0';
    if (p == PROMPT_SEARCH) {
        if (ed->prompt_len)
            memcpy(ed->last_search, ed->prompt_text, ed->prompt_len + 1);
        search(ed, ed->last_search, false);
    } else if (p == PROMPT_GOTO) {
        char *end;
        unsigned long n = strtoul(ed->prompt_text, &end, 10);
        if (end == ed->prompt_text || *end || n == 0)
            error_message(ed, "Go to line: type a line number");
        else
            textbuf_goto_line(ed->tb, n);
    }
    return ED_HANDLED | ED_REDRAW;
}

static void prompt_add(editor *ed, const char *s, size_t n)
{
    if (ed->prompt_len + n >= ED_PROMPT_MAX)
        return;
    memcpy(ed->prompt_text + ed->prompt_len, s, n);
    ed->prompt_len += n;
    ed->prompt_text[ed->prompt_len] = '\0';
}

static size_t encode(wint_t ch, char *buf)
{
    utf8proc_ssize_t n = utf8proc_encode_char((utf8proc_int32_t)ch, (utf8proc_uint8_t *)buf);
    return n > 0 ? (size_t)n : 0;
}

static bool printable(wint_t ch, bool keycode)
{
    return !keycode && ch >= 0x20 && ch != 0x7f && !(ch >= 0x80 && ch < 0xa0) && ch <= 0x10ffff;
}

static int prompt_key(editor *ed, wint_t ch, bool keycode)
{
    bool extend;
    ed_action a = editor_lookup_key(ch, keycode, &extend);
    if (printable(ch, keycode)) {
        char buf[4];
        prompt_add(ed, buf, encode(ch, buf));
    } else if (a == ACT_BACKSPACE) {
        ed->prompt_len = utf8w_prev(ed->prompt_text, ed->prompt_len, ed->prompt_len);
        ed->prompt_text[ed->prompt_len] = '\0';
    } else if (a == ACT_NEWLINE || (ed->prompt == PROMPT_SEARCH && a == ACT_SEARCH_NEXT)) {
        return prompt_finish(ed);
    } else if (a == ACT_LEAVE || a == ACT_COPY) {
        ed->prompt = PROMPT_NONE;
    }
    return ED_HANDLED | ED_REDRAW;
}

static void prompt_open(editor *ed, ed_prompt p)
{
    ed->prompt = p;
    ed->prompt_len = 0;
    ed->prompt_text[0] = '\0';
}

/* ---- bracketed paste and escape sequences ----------------------------- */

static void paste_add(editor *ed, wint_t ch, bool keycode)
{
    if (keycode) {
        if (ch != KEY_ENTER)
            return;
        ch = '\n';
    }
    if (ch == '\n' && ed->paste_cr) { /* CR LF: one line break */
        ed->paste_cr = false;
        return;
    }
    ed->paste_cr = ch == '\r';
    if (ch == '\r')
        ch = '\n';
    if (ch < 0x20 && ch != '\n' && ch != '\t')
        return;
    char buf[4];
    size_t n = encode(ch, buf);
    if (ed->paste.len + n > ED_PASTE_MAX) {
        ed->paste_overflow = true;
        return;
    }
    strbuf_add(&ed->paste, buf, n);
}

static int paste_end(editor *ed)
{
    ed->pasting = false;
    int r = ED_HANDLED | ED_REDRAW;
    if (ed->paste_overflow) {
        char m[80];
        snprintf(m, sizeof m, "Paste refused: more than %u MiB", ED_PASTE_MAX >> 20);
        error_message(ed, m);
    } else if (ed->prompt) {
        size_t n = strcspn(ed->paste.data ? ed->paste.data : "", "\n");
        prompt_add(ed, ed->paste.data, n);
    } else if (ed->paste.len) {
        if (ed->popup)
            popup_close(ed);
        unsigned long before = ed->changes;
        textbuf_paste_text(ed->tb, ed->paste.data, ed->paste.len);
        textbuf_undo_boundary(ed->tb);
        if (ed->changes != before) {
            r |= ED_CHANGED;
            if (ed->on_change)
                ed->on_change(ed, ed->on_change_ud);
        }
    }
    strbuf_free(&ed->paste);
    ed->paste_overflow = false;
    return r;
}

/* Esc: close the popup or prompt, drop the selection, else leave. */
static int escape_action(editor *ed)
{
    tb_pos a, b;
    if (ed->popup)
        popup_close(ed);
    else if (ed->prompt)
        ed->prompt = PROMPT_NONE;
    else if (textbuf_selection(ed->tb, &a, &b) || textbuf_mark_active(ed->tb))
        textbuf_clear_selection(ed->tb);
    else
        return ED_HANDLED | ED_LEAVE;
    return ED_HANDLED | ED_REDRAW;
}

enum { ESC_MORE, ESC_DONE, ESC_PASTE_BEGIN, ESC_PASTE_END, ESC_NOT };

/* Feed one more byte of an escape sequence: "\033[200~" and "\033[201~"
 * are the paste markers; other CSI / SS3 sequences are swallowed whole. */
static int esc_feed(editor *ed, wint_t ch)
{
    if (ch > 0x7e || ed->esc_len + 1 >= sizeof ed->esc) {
        ed->esc_len = 0;
        return ESC_DONE;
    }
    ed->esc[ed->esc_len++] = (char)ch;
    ed->esc[ed->esc_len] = '\0';
    if (ed->esc_len == 2 && ch != '[' && ch != 'O') {
        ed->esc_len = 0;
        return ESC_NOT; /* Esc followed by an ordinary key */
    }
    if (strcmp(ed->esc, "\033[200~") == 0 || strcmp(ed->esc, "\033[201~") == 0) {
        ed->esc_len = 0;
        return ed->esc[4] == '0' ? ESC_PASTE_BEGIN : ESC_PASTE_END;
    }
    bool final = ed->esc_len >= 3 && ch >= 0x40 && ch <= 0x7e;
    if (final || (ed->esc[1] == 'O' && ed->esc_len == 3)) {
        ed->esc_len = 0;
        return ESC_DONE;
    }
    return ESC_MORE;
}

/* ---- keys -------------------------------------------------------------- */

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int popup_key(editor *ed, wint_t ch, bool keycode);

static int action(editor *ed, ed_action a, bool extend, wint_t ch, bool keycode)
{
    textbuf *tb = ed->tb;
    size_t page = ed->rows > 1 ? (size_t)ed->rows - 1 : 1;
    int r = ED_HANDLED | ED_REDRAW;
    switch (a) {
    case ACT_NONE:
        if (!printable(ch, keycode))
            return 0;
        char buf[4];
        textbuf_type(tb, buf, encode(ch, buf));
        break;
    case ACT_LEFT:
        textbuf_move(tb, TB_LEFT, 1, extend);
        break;
    case ACT_RIGHT:
        textbuf_move(tb, TB_RIGHT, 1, extend);
        break;
    case ACT_UP:
        textbuf_move(tb, TB_UP, 1, extend);
        break;
    case ACT_DOWN:
        textbuf_move(tb, TB_DOWN, 1, extend);
        break;
    case ACT_WORD_LEFT:
        textbuf_move(tb, TB_WORD_LEFT, 1, extend);
        break;
    case ACT_WORD_RIGHT:
        textbuf_move(tb, TB_WORD_RIGHT, 1, extend);
        break;
    case ACT_HOME:
        textbuf_move(tb, TB_HOME, 1, extend);
        break;
    case ACT_END:
        textbuf_move(tb, TB_LINE_END, 1, extend);
        break;
    case ACT_PAGE_UP:
        textbuf_move(tb, TB_PAGE_UP, page, extend);
        ed->top = ed->top > page ? ed->top - page : 0;
        break;
    case ACT_PAGE_DOWN:
        textbuf_move(tb, TB_PAGE_DOWN, page, extend);
        ed->top += page;
        if (ed->top > textbuf_cursor(tb).line)
            ed->top = textbuf_cursor(tb).line;
        break;
    case ACT_BUF_START:
        textbuf_move(tb, TB_BUF_START, 1, extend);
        break;
    case ACT_BUF_END:
        textbuf_move(tb, TB_BUF_END, 1, extend);
        break;
    case ACT_GOTO_LINE:
        prompt_open(ed, PROMPT_GOTO);
        break;
    case ACT_NEWLINE:
        textbuf_newline(tb);
        break;
    case ACT_BACKSPACE:
        textbuf_backspace(tb);
        break;
    case ACT_DELETE:
        textbuf_delete(tb);
        break;
    case ACT_TAB:
        if (!tab_completes(ed) || complete_at_cursor(ed, true) == 0)
            textbuf_tab(tb);
        break;
    case ACT_COMPLETE:
        if (complete_at_cursor(ed, true) == 0)
            error_message(ed, "No completions here");
        break;
    case ACT_MARK:
        textbuf_toggle_mark(tb);
        editor_set_message(ed, textbuf_mark_active(tb) ? "Mark set" : "Mark cleared");
        break;
    case ACT_CUT:
        textbuf_cut(tb);
        break;
    case ACT_COPY:
        textbuf_copy(tb);
        editor_set_message(ed, "Copied");
        break;
    case ACT_PASTE:
        textbuf_paste(tb);
        break;
    case ACT_UNDO:
        if (!textbuf_undo(tb))
            error_message(ed, "Nothing to undo");
        break;
    case ACT_REDO:
        if (!textbuf_redo(tb))
            error_message(ed, "Nothing to redo");
        break;
    case ACT_SEARCH:
        prompt_open(ed, PROMPT_SEARCH);
        break;
    case ACT_SEARCH_NEXT:
        search(ed, ed->last_search, true);
        break;
    case ACT_SAVE:
        r |= ED_SAVE;
        break;
    case ACT_EXTERNAL:
        r |= ED_EXTERNAL;
        break;
    case ACT_HELP:
        r |= ED_HELP;
        break;
    case ACT_LEAVE:
        if (ed->popup)
            popup_close(ed);
        r |= ED_LEAVE;
        break;
    case ACT_COUNT:
        return 0;
    }
    return r;
}

static int popup_key(editor *ed, wint_t ch, bool keycode)
{
    bool extend;
    ed_action a = editor_lookup_key(ch, keycode, &extend);
    size_t n = ed->items.n;
    switch (a) {
    case ACT_UP:
        ed->sel = ed->sel ? ed->sel - 1 : n - 1;
        return ED_HANDLED | ED_REDRAW;
    case ACT_DOWN:
        ed->sel = ed->sel + 1 < n ? ed->sel + 1 : 0;
        return ED_HANDLED | ED_REDRAW;
    case ACT_PAGE_UP:
        ed->sel = ed->sel > 8 ? ed->sel - 8 : 0;
        return ED_HANDLED | ED_REDRAW;
    case ACT_PAGE_DOWN:
        ed->sel = ed->sel + 8 < n ? ed->sel + 8 : n - 1;
        return ED_HANDLED | ED_REDRAW;
    case ACT_NEWLINE:
    case ACT_TAB:
        popup_accept(ed);
        return ED_HANDLED | ED_REDRAW;
    case ACT_COMPLETE:
        return ED_HANDLED;
    case ACT_BACKSPACE: {
        int r = action(ed, a, false, ch, keycode);
        if (textbuf_cursor(ed->tb).col <= ed->popup_anchor_col)
            popup_close(ed);
        else
            complete_at_cursor(ed, false);
        return r;
    }
    case ACT_NONE:
        if (printable(ch, keycode) && (ch >= 0x80 || utf8w_is_word((int32_t)ch))) {
            int r = action(ed, a, false, ch, keycode);
            complete_at_cursor(ed, false);
            return r;
        }
        break;
    default:
        break;
    }
    popup_close(ed);
    return -1; /* handle the key normally */
}

int editor_key(editor *ed, wint_t ch, bool keycode)
{
    int pk = editor_paste_key(ch, keycode);
    bool esc_then_key = false;
    if (ed->esc_len) {
        if (keycode && ch == ED_KEY_TIMEOUT) {
            bool lone = ed->esc_len == 1;
            ed->esc_len = 0;
            return lone && !ed->pasting ? escape_action(ed) : ED_HANDLED;
        }
        if (keycode) {
            ed->esc_len = 0; /* an interrupted sequence: forget it */
        } else {
            switch (esc_feed(ed, ch)) {
            case ESC_MORE:
                return ED_HANDLED | ED_PENDING;
            case ESC_PASTE_BEGIN:
                pk = 1;
                break;
            case ESC_PASTE_END:
                pk = 2;
                break;
            case ESC_NOT:
                esc_then_key = true;
                break;
            default:
                return ED_HANDLED;
            }
        }
    }
    if (!pk && !keycode && ch == 27 && !esc_then_key) {
        ed->esc[0] = 27;
        ed->esc_len = 1;
        return ED_HANDLED | ED_PENDING;
    }
    if (pk == 1) {
        ed->pasting = true;
        ed->paste_cr = false;
        strbuf_free(&ed->paste);
        strbuf_init(&ed->paste);
        return ED_HANDLED;
    }
    if (pk == 2)
        return ed->pasting ? paste_end(ed) : ED_HANDLED;
    if (ed->pasting) {
        paste_add(ed, ch, keycode);
        return ED_HANDLED;
    }
    if (keycode && ch == ED_KEY_TIMEOUT)
        return 0;

    int pre = 0;
    if (esc_then_key) { /* Esc pressed, then this key */
        pre = escape_action(ed);
        if (pre & ED_LEAVE)
            return pre;
    }
    long long now = now_ms();
    if (ed->cfg.undo_pause_ms > 0 && now - ed->last_key_ms > ed->cfg.undo_pause_ms)
        textbuf_undo_boundary(ed->tb);
    ed->last_key_ms = now;
    ed->message[0] = '\0';
    ed->message_error = false;

    if (ed->prompt)
        return pre | prompt_key(ed, ch, keycode);
    unsigned long before = ed->changes;
    int r = -1;
    if (ed->popup)
        r = popup_key(ed, ch, keycode);
    if (r < 0) {
        bool extend;
        ed_action a = editor_lookup_key(ch, keycode, &extend);
        r = action(ed, a, extend, ch, keycode);
    }
    if (ed->changes != before) {
        r |= ED_CHANGED;
        if (ed->on_change)
            ed->on_change(ed, ed->on_change_ud);
    }
    return pre | r;
}

/* ---- $EDITOR hand-off ------------------------------------------------- */

int editor_external_edit(const char *path, char *err, size_t err_size)
{
    FILE *tty = editor_paste_tty();
    def_prog_mode();
    endwin();
    if (tty) /* the user's editor sets its own modes */
        editor_paste_mode(tty, false);
    int rc = extedit_run(extedit_command(), path, err, err_size);
    if (tty)
        editor_paste_mode(tty, true);
    reset_prog_mode();
    clearok(curscr, TRUE);
    refresh();
    return rc;
}
