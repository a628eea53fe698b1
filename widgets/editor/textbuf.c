/* textbuf: array-of-lines text model with grouped undo (see textbuf.h). */
#include "textbuf.h"

#include <stdlib.h>
#include <string.h>

#include "utf8w.h"
#include "util.h"

typedef struct tb_line {
    char *s;
    size_t len, cap;
} tb_line;

/* One primitive change; undo applies the inverse. */
typedef struct tb_op {
    bool insert;
    tb_pos at;
    char *text;
    size_t len;
} tb_op;

typedef struct tb_group {
    tb_op *ops;
    size_t n, cap;
    tb_pos before, after;
    unsigned id;
} tb_group;

/* Which edits may merge into the open undo group. */
typedef enum {
    GK_NONE,
    GK_WORD,
    GK_BLANK,
    GK_PUNCT,
    GK_BS_WORD,
    GK_BS_OTHER,
    GK_DEL_WORD,
    GK_DEL_OTHER
} group_kind;

typedef struct tb_stack {
    tb_group *g;
    size_t n, cap;
} tb_stack;

struct textbuf {
    tb_line *lines;
    size_t n, cap;
    tb_config cfg;
    tb_pos cur, anchor;
    bool sel, mark;
    int goal_x;
    tb_stack undo, redo;
    bool group_open;
    group_kind gkind;
    unsigned next_id, clean_id;
    char *reg;
    size_t reglen;
    bool reg_linewise;
    tb_change_fn fn;
    void *ud;
};

/* ---- lines ---------------------------------------------------------- */

static void line_reserve(tb_line *l, size_t need)
{
    if (need + 1 <= l->cap)
        return;
    size_t cap = l->cap ? l->cap : 16;
    while (cap < need + 1)
        cap *= 2;
    l->s = xrealloc(l->s, cap);
    l->cap = cap;
}

static void line_set(tb_line *l, const char *s, size_t n)
{
    line_reserve(l, n);
    memcpy(l->s, s, n);
    l->len = n;
    l->s[n] = '\0';
}

static void line_insert(tb_line *l, size_t at, const char *s, size_t n)
{
    line_reserve(l, l->len + n);
    memmove(l->s + at + n, l->s + at, l->len - at);
    memcpy(l->s + at, s, n);
    l->len += n;
    l->s[l->len] = '\0';
}

/* Open k empty lines after index `after`. */
static void lines_open(textbuf *tb, size_t after, size_t k)
{
    if (tb->n + k > tb->cap) {
        size_t cap = tb->cap ? tb->cap : 64;
        while (cap < tb->n + k)
            cap *= 2;
        tb->lines = xrealloc(tb->lines, cap * sizeof *tb->lines);
        tb->cap = cap;
    }
    memmove(tb->lines + after + 1 + k, tb->lines + after + 1,
            (tb->n - after - 1) * sizeof *tb->lines);
    memset(tb->lines + after + 1, 0, k * sizeof *tb->lines);
    tb->n += k;
}

static void notify(textbuf *tb, size_t first, size_t removed, size_t added)
{
    if (tb->fn)
        tb->fn(tb->ud, first, removed, added);
}

static tb_pos pos_clamp(const textbuf *tb, tb_pos p)
{
    if (p.line >= tb->n)
        p.line = tb->n - 1;
    const tb_line *l = &tb->lines[p.line];
    if (p.col > l->len)
        p.col = l->len;
    p.col = utf8w_snap(l->s, l->len, p.col);
    return p;
}

static int pos_cmp(tb_pos a, tb_pos b)
{
    if (a.line != b.line)
        return a.line < b.line ? -1 : 1;
    return a.col < b.col ? -1 : a.col > b.col;
}

static tb_pos pos_after(tb_pos at, const char *s, size_t n)
{
    const char *nl = NULL;
    for (size_t i = 0; i < n; i++)
        if (s[i] == '\n') {
            at.line++;
            nl = s + i;
        }
    if (nl)
        at.col = n - (size_t)(nl - s) - 1;
    else
        at.col += n;
    return at;
}

/* ---- primitive edits (no undo) -------------------------------------- */

static tb_pos raw_insert(textbuf *tb, tb_pos at, const char *s, size_t n)
{
    tb_line *l = &tb->lines[at.line];
    const char *nl = memchr(s, '\n', n);
    if (!nl) {
        line_insert(l, at.col, s, n);
        notify(tb, at.line, 1, 1);
        return (tb_pos){at.line, at.col + n};
    }
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += s[i] == '\n';
    char *tail = xstrndup(l->s + at.col, l->len - at.col);
    size_t tail_len = l->len - at.col;
    l->len = at.col;
    line_insert(l, at.col, s, (size_t)(nl - s));
    lines_open(tb, at.line, k);
    const char *p = nl + 1, *end = s + n;
    size_t line = at.line;
    while (p <= end) {
        line++;
        const char *e = memchr(p, '\n', (size_t)(end - p));
        if (!e)
            e = end;
        line_set(&tb->lines[line], p, (size_t)(e - p));
        p = e + 1;
    }
    tb_line *last = &tb->lines[line];
    tb_pos out = {line, last->len};
    line_insert(last, last->len, tail, tail_len);
    free(tail);
    notify(tb, at.line, 1, k + 1);
    return out;
}

char *textbuf_get_range(const textbuf *tb, tb_pos a, tb_pos b, size_t *len)
{
    if (pos_cmp(a, b) > 0) {
        tb_pos t = a;
        a = b;
        b = t;
    }
    strbuf sb;
    strbuf_init(&sb);
    for (size_t i = a.line; i <= b.line && i < tb->n; i++) {
        const tb_line *l = &tb->lines[i];
        size_t from = i == a.line ? a.col : 0;
        size_t to = i == b.line ? b.col : l->len;
        if (to > l->len)
            to = l->len;
        if (from < to)
            strbuf_add(&sb, l->s + from, to - from);
        if (i != b.line)
            strbuf_putc(&sb, '\n');
    }
    if (len)
        *len = sb.len;
    return strbuf_detach(&sb);
}

static void raw_delete(textbuf *tb, tb_pos a, tb_pos b)
{
    tb_line *la = &tb->lines[a.line];
    if (a.line == b.line) {
        memmove(la->s + a.col, la->s + b.col, la->len - b.col);
        la->len -= b.col - a.col;
        la->s[la->len] = '\0';
        notify(tb, a.line, 1, 1);
        return;
    }
    tb_line *lb = &tb->lines[b.line];
    la->len = a.col;
    line_insert(la, a.col, lb->s + b.col, lb->len - b.col);
    for (size_t i = a.line + 1; i <= b.line; i++)
        free(tb->lines[i].s);
    memmove(tb->lines + a.line + 1, tb->lines + b.line + 1,
            (tb->n - b.line - 1) * sizeof *tb->lines);
    tb->n -= b.line - a.line;
    notify(tb, a.line, b.line - a.line + 1, 1);
}

/* ---- undo ------------------------------------------------------------ */

static void group_free(tb_group *g)
{
    for (size_t i = 0; i < g->n; i++)
        free(g->ops[i].text);
    free(g->ops);
}

static void stack_clear(tb_stack *s)
{
    for (size_t i = 0; i < s->n; i++)
        group_free(&s->g[i]);
    s->n = 0;
}

static void stack_push(tb_stack *s, tb_group g)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 32;
        s->g = xrealloc(s->g, s->cap * sizeof *s->g);
    }
    s->g[s->n++] = g;
}

static void group_start(textbuf *tb, group_kind kind)
{
    stack_clear(&tb->redo);
    if (tb->undo.n >= TB_UNDO_MAX) {
        group_free(&tb->undo.g[0]);
        memmove(tb->undo.g, tb->undo.g + 1, (tb->undo.n - 1) * sizeof *tb->undo.g);
        tb->undo.n--;
    }
    tb_group g = {.before = tb->cur, .after = tb->cur, .id = ++tb->next_id};
    stack_push(&tb->undo, g);
    tb->group_open = true;
    tb->gkind = kind;
}

/* Record an op in the open group, merging with the previous op when the
 * new text continues it (typing forward, backspacing, deleting forward). */
static void group_add(textbuf *tb, bool insert, tb_pos at, const char *s, size_t n)
{
    tb_group *g = &tb->undo.g[tb->undo.n - 1];
    if (g->n) {
        tb_op *last = &g->ops[g->n - 1];
        if (insert && last->insert && !memchr(s, '\n', n) &&
            pos_cmp(pos_after(last->at, last->text, last->len), at) == 0) {
            last->text = xrealloc(last->text, last->len + n + 1);
            memcpy(last->text + last->len, s, n);
            last->len += n;
            last->text[last->len] = '\0';
            return;
        }
        if (!insert && !last->insert && pos_cmp(at, last->at) == 0) { /* Delete key */
            last->text = xrealloc(last->text, last->len + n + 1);
            memcpy(last->text + last->len, s, n);
            last->len += n;
            last->text[last->len] = '\0';
            return;
        }
        if (!insert && !last->insert && pos_cmp(pos_after(at, s, n), last->at) == 0) {
            char *t = xmalloc(n + last->len + 1); /* Backspace */
            memcpy(t, s, n);
            memcpy(t + n, last->text, last->len);
            t[n + last->len] = '\0';
            free(last->text);
            last->text = t;
            last->len += n;
            last->at = at;
            return;
        }
    }
    if (g->n == g->cap) {
        g->cap = g->cap ? g->cap * 2 : 4;
        g->ops = xrealloc(g->ops, g->cap * sizeof *g->ops);
    }
    g->ops[g->n++] = (tb_op){insert, at, xstrndup(s, n), n};
}

static void group_end(textbuf *tb)
{
    tb->undo.g[tb->undo.n - 1].after = tb->cur;
}

static void do_insert(textbuf *tb, const char *s, size_t n)
{
    if (!n)
        return;
    group_add(tb, true, tb->cur, s, n);
    tb->cur = raw_insert(tb, tb->cur, s, n);
}

static void do_delete(textbuf *tb, tb_pos a, tb_pos b)
{
    if (pos_cmp(a, b) >= 0)
        return;
    size_t n;
    char *t = textbuf_get_range(tb, a, b, &n);
    group_add(tb, false, a, t, n);
    free(t);
    raw_delete(tb, a, b);
    tb->cur = a;
}

static bool sel_range(const textbuf *tb, tb_pos *a, tb_pos *b)
{
    if (!tb->sel || pos_cmp(tb->anchor, tb->cur) == 0)
        return false;
    bool fwd = pos_cmp(tb->anchor, tb->cur) < 0;
    *a = fwd ? tb->anchor : tb->cur;
    *b = fwd ? tb->cur : tb->anchor;
    return true;
}

/* Start an edit of the given kind: merge into the open group when allowed,
 * and replace the selection (inside the same group). */
static void edit_begin(textbuf *tb, group_kind kind)
{
    tb_pos a, b;
    bool has_sel = sel_range(tb, &a, &b);
    bool merge = tb->group_open && tb->gkind == kind && kind != GK_NONE && kind != GK_PUNCT;
    if (!merge || has_sel)
        group_start(tb, kind);
    tb->gkind = kind;
    if (has_sel)
        do_delete(tb, a, b);
    tb->sel = tb->mark = false;
    tb->goal_x = -1;
}

static void edit_end(textbuf *tb)
{
    group_end(tb);
    tb->group_open = tb->gkind != GK_NONE;
}

static void apply_group(textbuf *tb, const tb_group *g, bool reverse)
{
    for (size_t k = 0; k < g->n; k++) {
        const tb_op *op = &g->ops[reverse ? g->n - 1 - k : k];
        bool insert = op->insert != reverse;
        if (insert)
            raw_insert(tb, op->at, op->text, op->len);
        else
            raw_delete(tb, op->at, pos_after(op->at, op->text, op->len));
    }
}

bool textbuf_undo(textbuf *tb)
{
    if (!tb->undo.n)
        return false;
    tb_group g = tb->undo.g[--tb->undo.n];
    apply_group(tb, &g, true);
    tb->cur = pos_clamp(tb, g.before);
    stack_push(&tb->redo, g);
    tb->sel = tb->mark = tb->group_open = false;
    tb->goal_x = -1;
    return true;
}

bool textbuf_redo(textbuf *tb)
{
    if (!tb->redo.n)
        return false;
    tb_group g = tb->redo.g[--tb->redo.n];
    apply_group(tb, &g, false);
    tb->cur = pos_clamp(tb, g.after);
    stack_push(&tb->undo, g);
    tb->sel = tb->mark = tb->group_open = false;
    tb->goal_x = -1;
    return true;
}

void textbuf_undo_boundary(textbuf *tb)
{
    tb->group_open = false;
}

size_t textbuf_undo_depth(const textbuf *tb)
{
    return tb->undo.n;
}

bool textbuf_dirty(const textbuf *tb)
{
    unsigned id = tb->undo.n ? tb->undo.g[tb->undo.n - 1].id : 0;
    return id != tb->clean_id;
}

void textbuf_set_clean(textbuf *tb)
{
    tb->clean_id = tb->undo.n ? tb->undo.g[tb->undo.n - 1].id : 0;
    tb->group_open = false;
}

/* ---- lifecycle ------------------------------------------------------- */

static tb_config config_fix(const tb_config *cfg)
{
    tb_config c = cfg ? *cfg : (tb_config){4, true, true};
    if (c.tab_width < 1 || c.tab_width > TB_MAX_TAB_WIDTH)
        c.tab_width = 4;
    return c;
}

textbuf *textbuf_new(const tb_config *cfg)
{
    textbuf *tb = xcalloc(1, sizeof *tb);
    tb->cfg = config_fix(cfg);
    tb->goal_x = -1;
    textbuf_set_text(tb, "", 0);
    return tb;
}

void textbuf_free(textbuf *tb)
{
    if (!tb)
        return;
    for (size_t i = 0; i < tb->n; i++)
        free(tb->lines[i].s);
    free(tb->lines);
    stack_clear(&tb->undo);
    stack_clear(&tb->redo);
    free(tb->undo.g);
    free(tb->redo.g);
    free(tb->reg);
    free(tb);
}

void textbuf_set_config(textbuf *tb, const tb_config *cfg)
{
    tb->cfg = config_fix(cfg);
}

tb_config textbuf_config(const textbuf *tb)
{
    return tb->cfg;
}

void textbuf_set_listener(textbuf *tb, tb_change_fn fn, void *ud)
{
    tb->fn = fn;
    tb->ud = ud;
}

void textbuf_set_text(textbuf *tb, const char *text, size_t len)
{
    size_t old = tb->n;
    for (size_t i = 0; i < tb->n; i++)
        free(tb->lines[i].s);
    tb->n = 1;
    if (!tb->cap) {
        tb->cap = 64;
        tb->lines = xmalloc(tb->cap * sizeof *tb->lines);
    }
    memset(&tb->lines[0], 0, sizeof tb->lines[0]);
    line_set(&tb->lines[0], "", 0);
    tb->cur = tb->anchor = (tb_pos){0, 0};
    tb->sel = tb->mark = tb->group_open = false;
    tb->goal_x = -1;
    stack_clear(&tb->undo);
    stack_clear(&tb->redo);
    tb->clean_id = 0;
    tb_change_fn fn = tb->fn;
    tb->fn = NULL;
    if (len)
        raw_insert(tb, tb->cur, text, len);
    tb->fn = fn;
    notify(tb, 0, old, tb->n);
}

char *textbuf_text(const textbuf *tb, size_t *len)
{
    return textbuf_get_range(tb, (tb_pos){0, 0}, (tb_pos){tb->n - 1, tb->lines[tb->n - 1].len},
                             len);
}

size_t textbuf_line_count(const textbuf *tb)
{
    return tb->n;
}

const char *textbuf_line(const textbuf *tb, size_t line, size_t *len)
{
    if (line >= tb->n) {
        *len = 0;
        return "";
    }
    *len = tb->lines[line].len;
    return tb->lines[line].s;
}

tb_pos textbuf_cursor(const textbuf *tb)
{
    return tb->cur;
}

int textbuf_cursor_x(const textbuf *tb)
{
    const tb_line *l = &tb->lines[tb->cur.line];
    return utf8w_col_to_x(l->s, l->len, tb->cur.col, tb->cfg.tab_width);
}

/* ---- motions and selection ------------------------------------------ */

void textbuf_set_cursor(textbuf *tb, tb_pos pos, bool extend)
{
    extend = extend || tb->mark;
    if (extend && !tb->sel) {
        tb->anchor = tb->cur;
        tb->sel = true;
    } else if (!extend) {
        tb->sel = false;
    }
    tb->cur = pos_clamp(tb, pos);
    tb->group_open = false;
}

static int32_t cp_at(const tb_line *l, size_t col)
{
    int32_t cp = -1;
    if (col < l->len)
        utf8w_decode(l->s, l->len, col, &cp);
    return cp;
}

static int char_class(int32_t cp)
{
    if (cp == ' ' || cp == '\t')
        return 0;
    return utf8w_is_word(cp) ? 1 : 2;
}

static tb_pos word_right(const textbuf *tb, tb_pos p)
{
    const tb_line *l = &tb->lines[p.line];
    if (p.col >= l->len)
        return p.line + 1 < tb->n ? (tb_pos){p.line + 1, 0} : p;
    while (p.col < l->len && char_class(cp_at(l, p.col)) == 0)
        p.col = utf8w_next(l->s, l->len, p.col);
    if (p.col < l->len) {
        int cls = char_class(cp_at(l, p.col));
        while (p.col < l->len && char_class(cp_at(l, p.col)) == cls)
            p.col = utf8w_next(l->s, l->len, p.col);
    }
    return p;
}

static tb_pos word_left(const textbuf *tb, tb_pos p)
{
    const tb_line *l = &tb->lines[p.line];
    if (p.col == 0)
        return p.line > 0 ? (tb_pos){p.line - 1, tb->lines[p.line - 1].len} : p;
    size_t c = p.col;
    while (c > 0) {
        size_t pc = utf8w_prev(l->s, l->len, c);
        if (char_class(cp_at(l, pc)) != 0)
            break;
        c = pc;
    }
    if (c > 0) {
        int cls = char_class(cp_at(l, utf8w_prev(l->s, l->len, c)));
        while (c > 0) {
            size_t pc = utf8w_prev(l->s, l->len, c);
            if (char_class(cp_at(l, pc)) != cls)
                break;
            c = pc;
        }
    }
    p.col = c;
    return p;
}

static size_t indent_len(const tb_line *l)
{
    size_t i = 0;
    while (i < l->len && (l->s[i] == ' ' || l->s[i] == '\t'))
        i++;
    return i;
}

static tb_pos vertical(textbuf *tb, tb_pos p, size_t count, bool up)
{
    if (tb->goal_x < 0)
        tb->goal_x = textbuf_cursor_x(tb);
    if (up)
        p.line = count > p.line ? 0 : p.line - count;
    else
        p.line = p.line + count >= tb->n ? tb->n - 1 : p.line + count;
    const tb_line *l = &tb->lines[p.line];
    p.col = utf8w_x_to_col(l->s, l->len, tb->goal_x, tb->cfg.tab_width);
    return p;
}

void textbuf_move(textbuf *tb, tb_motion m, size_t count, bool extend)
{
    tb_pos p = tb->cur;
    const tb_line *l = &tb->lines[p.line];
    int goal = -1;
    tb_pos a, b;
    bool had_sel = sel_range(tb, &a, &b) && !extend && !tb->mark;
    if (count == 0)
        count = 1;
    switch (m) {
    case TB_LEFT:
        if (had_sel)
            p = a; /* like VS Code: collapse to the selection start */
        else if (p.col > 0)
            p.col = utf8w_prev(l->s, l->len, p.col);
        else if (p.line > 0)
            p = (tb_pos){p.line - 1, tb->lines[p.line - 1].len};
        break;
    case TB_RIGHT:
        if (had_sel)
            p = b;
        else if (p.col < l->len)
            p.col = utf8w_next(l->s, l->len, p.col);
        else if (p.line + 1 < tb->n)
            p = (tb_pos){p.line + 1, 0};
        break;
    case TB_UP:
    case TB_PAGE_UP:
        p = vertical(tb, p, m == TB_UP ? 1 : count, true);
        goal = tb->goal_x;
        break;
    case TB_DOWN:
    case TB_PAGE_DOWN:
        p = vertical(tb, p, m == TB_DOWN ? 1 : count, false);
        goal = tb->goal_x;
        break;
    case TB_WORD_LEFT:
        p = word_left(tb, p);
        break;
    case TB_WORD_RIGHT:
        p = word_right(tb, p);
        break;
    case TB_HOME: {
        size_t ind = indent_len(l);
        p.col = p.col == ind ? 0 : ind;
        break;
    }
    case TB_LINE_START:
        p.col = 0;
        break;
    case TB_LINE_END:
        p.col = l->len;
        break;
    case TB_BUF_START:
        p = (tb_pos){0, 0};
        break;
    case TB_BUF_END:
        p = (tb_pos){tb->n - 1, tb->lines[tb->n - 1].len};
        break;
    }
    textbuf_set_cursor(tb, p, extend);
    tb->goal_x = goal;
}

void textbuf_goto_line(textbuf *tb, size_t line1)
{
    size_t line = line1 ? line1 - 1 : 0;
    textbuf_set_cursor(tb, (tb_pos){line, 0}, false);
    tb->goal_x = -1;
}

void textbuf_toggle_mark(textbuf *tb)
{
    if (tb->mark || tb->sel) {
        textbuf_clear_selection(tb);
        return;
    }
    tb->mark = tb->sel = true;
    tb->anchor = tb->cur;
}

bool textbuf_mark_active(const textbuf *tb)
{
    return tb->mark;
}

void textbuf_clear_selection(textbuf *tb)
{
    tb->sel = tb->mark = false;
}

bool textbuf_selection(const textbuf *tb, tb_pos *start, tb_pos *end)
{
    return sel_range(tb, start, end);
}

/* ---- editing --------------------------------------------------------- */

void textbuf_type(textbuf *tb, const char *s, size_t n)
{
    if (!n)
        return;
    int32_t cp;
    utf8w_decode(s, n, 0, &cp);
    group_kind kind = memchr(s, '\n', n)        ? GK_NONE
                      : utf8w_is_word(cp)       ? GK_WORD
                      : cp == ' ' || cp == '\t' ? GK_BLANK
                                                : GK_PUNCT;
    edit_begin(tb, kind);
    do_insert(tb, s, n);
    edit_end(tb);
}

void textbuf_newline(textbuf *tb)
{
    edit_begin(tb, GK_NONE);
    const tb_line *l = &tb->lines[tb->cur.line];
    size_t ind = tb->cfg.auto_indent ? indent_len(l) : 0;
    if (ind > tb->cur.col)
        ind = tb->cur.col;
    char *s = xmalloc(ind + 2);
    s[0] = '\n';
    memcpy(s + 1, l->s, ind);
    do_insert(tb, s, ind + 1);
    free(s);
    edit_end(tb);
}

void textbuf_tab(textbuf *tb)
{
    if (!tb->cfg.expandtab) {
        textbuf_type(tb, "\t", 1);
        return;
    }
    int w = tb->cfg.tab_width;
    int n = w - textbuf_cursor_x(tb) % w;
    char sp[TB_MAX_TAB_WIDTH];
    memset(sp, ' ', sizeof sp);
    textbuf_type(tb, sp, (size_t)n);
}

void textbuf_backspace(textbuf *tb)
{
    tb_pos a, b;
    if (sel_range(tb, &a, &b)) {
        edit_begin(tb, GK_NONE);
        edit_end(tb);
        return;
    }
    tb_pos p = tb->cur;
    if (p.col == 0 && p.line == 0)
        return;
    const tb_line *l = &tb->lines[p.line];
    tb_pos from;
    group_kind kind = GK_NONE;
    if (p.col == 0) {
        from = (tb_pos){p.line - 1, tb->lines[p.line - 1].len};
    } else {
        from = (tb_pos){p.line, utf8w_prev(l->s, l->len, p.col)};
        kind = utf8w_is_word(cp_at(l, from.col)) ? GK_BS_WORD : GK_BS_OTHER;
    }
    edit_begin(tb, kind);
    do_delete(tb, from, p);
    edit_end(tb);
}

void textbuf_delete(textbuf *tb)
{
    tb_pos a, b;
    if (sel_range(tb, &a, &b)) {
        edit_begin(tb, GK_NONE);
        edit_end(tb);
        return;
    }
    tb_pos p = tb->cur;
    const tb_line *l = &tb->lines[p.line];
    if (p.col >= l->len && p.line + 1 >= tb->n)
        return;
    tb_pos to;
    group_kind kind = GK_NONE;
    if (p.col >= l->len) {
        to = (tb_pos){p.line + 1, 0};
    } else {
        to = (tb_pos){p.line, utf8w_next(l->s, l->len, p.col)};
        kind = utf8w_is_word(cp_at(l, p.col)) ? GK_DEL_WORD : GK_DEL_OTHER;
    }
    edit_begin(tb, kind);
    do_delete(tb, p, to);
    edit_end(tb);
}

void textbuf_paste_text(textbuf *tb, const char *s, size_t n)
{
    edit_begin(tb, GK_NONE);
    do_insert(tb, s, n);
    edit_end(tb);
}

void textbuf_replace(textbuf *tb, tb_pos a, tb_pos b, const char *s, size_t n)
{
    a = pos_clamp(tb, a);
    b = pos_clamp(tb, b);
    if (pos_cmp(a, b) > 0) {
        tb_pos t = a;
        a = b;
        b = t;
    }
    tb->sel = tb->mark = false;
    edit_begin(tb, GK_NONE);
    do_delete(tb, a, b);
    tb->cur = a;
    do_insert(tb, s, n);
    edit_end(tb);
}

/* ---- register -------------------------------------------------------- */

static void reg_set(textbuf *tb, char *text, size_t len, bool linewise)
{
    free(tb->reg);
    tb->reg = text;
    tb->reglen = len;
    tb->reg_linewise = linewise;
}

void textbuf_copy(textbuf *tb)
{
    tb_pos a, b;
    size_t n;
    if (sel_range(tb, &a, &b)) {
        char *t = textbuf_get_range(tb, a, b, &n);
        reg_set(tb, t, n, false);
        return;
    }
    const tb_line *l = &tb->lines[tb->cur.line];
    char *t = xmalloc(l->len + 2);
    memcpy(t, l->s, l->len);
    t[l->len] = '\n';
    t[l->len + 1] = '\0';
    reg_set(tb, t, l->len + 1, true);
}

void textbuf_cut(textbuf *tb)
{
    textbuf_copy(tb);
    if (!tb->reg_linewise) {
        textbuf_backspace(tb); /* deletes the selection */
        return;
    }
    size_t line = tb->cur.line;
    tb_pos a = {line, 0}, b = {line + 1, 0};
    if (line + 1 >= tb->n) { /* last line: take the newline before it */
        b = (tb_pos){line, tb->lines[line].len};
        if (line > 0)
            a = (tb_pos){line - 1, tb->lines[line - 1].len};
    }
    tb->sel = tb->mark = false;
    edit_begin(tb, GK_NONE);
    do_delete(tb, a, b);
    tb->cur = pos_clamp(tb, (tb_pos){line, 0});
    edit_end(tb);
}

void textbuf_paste(textbuf *tb)
{
    if (!tb->reg)
        return;
    if (!tb->reg_linewise || textbuf_selection(tb, &(tb_pos){0, 0}, &(tb_pos){0, 0})) {
        textbuf_paste_text(tb, tb->reg, tb->reglen);
        return;
    }
    tb_pos keep = tb->cur;
    edit_begin(tb, GK_NONE);
    tb->cur = (tb_pos){keep.line, 0};
    do_insert(tb, tb->reg, tb->reglen);
    tb->cur = pos_clamp(tb, (tb_pos){tb->cur.line, keep.col});
    edit_end(tb);
}

const char *textbuf_register(const textbuf *tb, size_t *len)
{
    *len = tb->reg ? tb->reglen : 0;
    return tb->reg ? tb->reg : "";
}

/* ---- search ---------------------------------------------------------- */

static bool has_upper(const char *s)
{
    for (; *s; s++)
        if (*s >= 'A' && *s <= 'Z')
            return true;
    return false;
}

static int lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* First match of needle in l at or after from and starting before limit. */
static bool find_in(const tb_line *l, const char *needle, size_t nlen, bool icase, size_t from,
                    size_t limit, size_t *at)
{
    if (nlen > l->len)
        return false;
    for (size_t i = from; i + nlen <= l->len && i < limit; i++) {
        size_t k = 0;
        if (icase)
            while (k < nlen && lower((unsigned char)l->s[i + k]) == lower((unsigned char)needle[k]))
                k++;
        else
            while (k < nlen && l->s[i + k] == needle[k])
                k++;
        if (k == nlen && utf8w_snap(l->s, l->len, i) == i) {
            *at = i;
            return true;
        }
    }
    return false;
}

bool textbuf_find(textbuf *tb, const char *needle, bool next)
{
    size_t nlen = strlen(needle);
    if (!nlen || memchr(needle, '\n', nlen))
        return false;
    bool icase = !has_upper(needle);
    tb_pos c = tb->cur;
    size_t start = c.col;
    tb_pos a, b;
    if (next && !sel_range(tb, &a, &b))
        start = utf8w_next(tb->lines[c.line].s, tb->lines[c.line].len, c.col);
    for (size_t k = 0; k <= tb->n; k++) {
        size_t line = (c.line + k) % tb->n;
        const tb_line *l = &tb->lines[line];
        size_t from = k == 0 ? start : 0;
        size_t limit = k == tb->n ? start : (size_t)-1;
        size_t at;
        if (find_in(l, needle, nlen, icase, from, limit, &at)) {
            tb->anchor = (tb_pos){line, at};
            tb->cur = (tb_pos){line, at + nlen};
            tb->sel = true;
            tb->mark = false;
            tb->group_open = false;
            tb->goal_x = -1;
            return true;
        }
    }
    return false;
}
