/* editor_draw: drawing the editor widget into a rectangle of a WINDOW. */
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "editor_int.h"
#include "utf8w.h"

#define POPUP_MAX_ROWS 8
#define POPUP_MAX_W 60

const ed_diag *editor_diag_at(const editor *ed, size_t line0)
{
    const ed_diag *found = NULL;
    for (size_t i = 0; i < ed->ndiags; i++) {
        const ed_diag *d = &ed->diags[i];
        if (d->line > 0 && (size_t)(d->line - 1) == line0 && (!found || found->warning))
            found = d;
    }
    return found;
}

/* A run of cells with one attribute, flushed with a single waddnstr. */
typedef struct run {
    WINDOW *win;
    char buf[512];
    size_t len;
    attr_t attr;
} run;

static void run_flush(run *r)
{
    if (!r->len)
        return;
    wattrset(r->win, r->attr);
    waddnstr(r->win, r->buf, (int)r->len);
    r->len = 0;
}

static void run_add(run *r, attr_t attr, const char *s, size_t n)
{
    if (attr != r->attr || r->len + n > sizeof r->buf) {
        run_flush(r);
        r->attr = attr;
    }
    memcpy(r->buf + r->len, s, n);
    r->len += n;
}

static void run_spaces(run *r, attr_t attr, int n)
{
    for (; n > 0; n--)
        run_add(r, attr, " ", 1);
}

/* Write s clipped to maxw cells; returns the cells used. */
static int put_clipped(run *r, attr_t attr, const char *s, int maxw)
{
    size_t len = strlen(s), i = 0;
    int used = 0;
    while (i < len) {
        size_t nx = utf8w_next(s, len, i);
        int w = utf8w_unit_width(s, len, i, used, 8);
        if (used + w > maxw)
            break;
        int32_t cp;
        utf8w_decode(s, len, i, &cp);
        if (cp < 0x20 || cp == 0x7f)
            run_spaces(r, attr, w);
        else
            run_add(r, attr, s + i, nx - i);
        used += w;
        i = nx;
    }
    return used;
}

static int str_width(const char *s)
{
    size_t len = strlen(s), i = 0;
    int w = 0;
    while (i < len) {
        w += utf8w_unit_width(s, len, i, w, 8);
        i = utf8w_next(s, len, i);
    }
    return w;
}

static const char *line_fn(void *ud, size_t line, size_t *len)
{
    return textbuf_line(ud, line, len);
}

static bool in_sel(bool has, tb_pos a, tb_pos b, size_t line, size_t col)
{
    if (!has || line < a.line || line > b.line)
        return false;
    if (line == a.line && col < a.col)
        return false;
    if (line == b.line && col >= b.col)
        return false;
    return true;
}

static void draw_text(editor *ed, run *r, size_t line, int text_w, bool has_sel, tb_pos sa,
                      tb_pos sb)
{
    size_t len;
    const char *s = textbuf_line(ed->tb, line, &len);
    hl_state st = hl_cache_state(ed->hl, line, line_fn, ed->tb);
    hl_words words = {ed->input_ids, ed->ninputs};
    size_t nt = 0;
    hl_tokenize(ed->cfg.lang, s, len, st, &words, ed->tokens, ED_MAX_TOKENS, &nt);
    int tabw = ed->cfg.text.tab_width, left = ed->left, vx = 0;
    size_t i = 0, ti = 0;
    while (i < len && vx < left + text_w) {
        size_t nx = utf8w_next(s, len, i);
        int uw = utf8w_unit_width(s, len, i, vx, tabw);
        if (vx + uw <= left) {
            vx += uw;
            i = nx;
            continue;
        }
        while (ti < nt && ed->tokens[ti].start + ed->tokens[ti].len <= i)
            ti++;
        hl_class cls = ti < nt && ed->tokens[ti].start <= i ? ed->tokens[ti].cls : HL_TEXT;
        attr_t attr =
            in_sel(has_sel, sa, sb, line, i) ? ed->style[ED_STYLE_SELECTION] : ed->style[cls];
        int32_t cp;
        utf8w_decode(s, len, i, &cp);
        if (vx < left || vx + uw > left + text_w) { /* cut by an edge */
            int from = vx < left ? left : vx;
            int to = vx + uw > left + text_w ? left + text_w : vx + uw;
            run_spaces(r, attr, to - from);
        } else if (cp == '\t') {
            run_spaces(r, attr, uw);
        } else if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0) ||
                   utf8proc_charwidth(cp) == 0) {
            run_add(r, attr, "?", 1); /* invalid byte, control or lone mark */
        } else {
            run_add(r, attr, s + i, nx - i);
        }
        vx += uw;
        i = nx;
    }
    int used = vx - left > 0 ? vx - left : 0;
    if (used < text_w && in_sel(has_sel, sa, sb, line, len) && line < sb.line) {
        run_spaces(r, ed->style[ED_STYLE_SELECTION], 1); /* the selected line break */
        used++;
    }
    run_spaces(r, ed->style[ED_STYLE_TEXT], text_w - used);
}

static void draw_status(editor *ed, WINDOW *win, int y, int x, int w)
{
    run r = {.win = win};
    wmove(win, y, x);
    attr_t st = ed->style[ED_STYLE_STATUS];
    char right[96];
    size_t line, col;
    editor_position(ed, &line, &col);
    snprintf(right, sizeof right, " %s%sLn %zu, Col %zu  %s ",
             textbuf_mark_active(ed->tb) ? "MARK  " : "", editor_dirty(ed) ? "[+]  " : "", line,
             col,
             ed->cfg.lang == HL_LANG_SQL   ? "SQL"
             : ed->cfg.lang == HL_LANG_LUA ? "Lua"
                                           : "Text");
    int rw = str_width(right);
    if (rw > w / 2)
        rw = 0;
    int lw = w - rw, used = 0;
    char left[ED_PROMPT_MAX + 400];
    attr_t la = st;
    const ed_diag *d;
    ed->cur_shown = true;
    if (ed->prompt) {
        snprintf(left, sizeof left, " %s: %s",
                 ed->prompt == PROMPT_SEARCH ? "Search" : "Go to line", ed->prompt_text);
    } else if (ed->message[0]) {
        snprintf(left, sizeof left, " %s", ed->message);
        if (ed->message_error)
            la = ed->style[ED_STYLE_STATUS_ERROR];
    } else if ((d = editor_diag_at(ed, textbuf_cursor(ed->tb).line))) {
        if (d->col > 0)
            snprintf(left, sizeof left, " %d:%d: %s", d->line, d->col, d->message);
        else
            snprintf(left, sizeof left, " %d: %s", d->line, d->message);
        la = d->warning ? st : ed->style[ED_STYLE_STATUS_ERROR];
    } else {
        left[0] = '\0';
    }
    used = put_clipped(&r, la, left, lw);
    if (ed->prompt) {
        ed->cur_y = y;
        ed->cur_x = x + used;
    }
    run_spaces(&r, st, lw - used);
    if (rw)
        put_clipped(&r, st, right, rw);
    run_flush(&r);
}

static void draw_popup(editor *ed, WINDOW *win, int y, int x, int h, int w, int anchor_x)
{
    size_t n = ed->items.n;
    int rows = (int)(n < POPUP_MAX_ROWS ? n : POPUP_MAX_ROWS);
    int below = y + h - 1 - (ed->cur_y + 1); /* rows left above the status line */
    int above = ed->cur_y - y;
    int top_y;
    if (below >= rows || below >= above) {
        if (rows > below)
            rows = below;
        top_y = ed->cur_y + 1;
    } else {
        if (rows > above)
            rows = above;
        top_y = ed->cur_y - rows;
    }
    if (rows <= 0)
        return;
    int pw = 0;
    for (size_t i = 0; i < n; i++) {
        int iw = str_width(ed->items.items[i].text) + str_width(ed->items.items[i].detail) + 4;
        if (iw > pw)
            pw = iw;
    }
    if (pw > POPUP_MAX_W)
        pw = POPUP_MAX_W;
    if (pw > w)
        pw = w;
    int px = anchor_x;
    if (px + pw > x + w)
        px = x + w - pw;
    if (px < x)
        px = x;
    if (ed->sel < ed->popup_top)
        ed->popup_top = ed->sel;
    if (ed->sel >= ed->popup_top + (size_t)rows)
        ed->popup_top = ed->sel - (size_t)rows + 1;
    for (int k = 0; k < rows; k++) {
        size_t i = ed->popup_top + (size_t)k;
        if (i >= n)
            break;
        const cmp_item *it = &ed->items.items[i];
        attr_t a = ed->style[i == ed->sel ? ED_STYLE_POPUP_SELECTED : ED_STYLE_POPUP];
        run r = {.win = win};
        wmove(win, top_y + k, px);
        int used = put_clipped(&r, a, " ", pw);
        used += put_clipped(&r, a, it->text, pw - used);
        int dw = str_width(it->detail);
        int gap = pw - used - dw - 1;
        if (gap < 1) {
            run_spaces(&r, a, pw - used);
        } else {
            run_spaces(&r, a, gap);
            used += gap;
            used += put_clipped(&r, a | A_DIM, it->detail, pw - used);
            run_spaces(&r, a, pw - used);
        }
        run_flush(&r);
    }
}

static int digits(size_t n)
{
    int d = 1;
    while (n >= 10) {
        n /= 10;
        d++;
    }
    return d;
}

void editor_draw(editor *ed, WINDOW *win, int y, int x, int h, int w, bool focused)
{
    if (h < 1 || w < 4)
        return;
    int rows = h >= 2 ? h - 1 : h;
    ed->rows = rows;
    textbuf *tb = ed->tb;
    size_t nlines = textbuf_line_count(tb);
    int nd = digits(nlines) < 3 ? 3 : digits(nlines);
    int gw = ed->cfg.line_numbers ? nd + 2 : 2;
    if (gw > w / 2)
        gw = 0;
    int text_w = w - gw;
    ed->text_w = text_w;

    tb_pos cur = textbuf_cursor(tb);
    /* no scrolling past the end: the last page is full when it can be */
    if (ed->top + (size_t)rows > nlines)
        ed->top = nlines > (size_t)rows ? nlines - (size_t)rows : 0;
    if (cur.line < ed->top)
        ed->top = cur.line;
    if (cur.line >= ed->top + (size_t)rows)
        ed->top = cur.line - (size_t)rows + 1;
    int cx = textbuf_cursor_x(tb);
    int margin = text_w >= 24 ? 4 : 0;
    if (cx < ed->left)
        ed->left = cx - margin > 0 ? cx - margin : 0;
    if (cx + 1 >= ed->left + text_w)
        ed->left = cx - text_w + 2 + margin;

    tb_pos sa, sb;
    bool has_sel = textbuf_selection(tb, &sa, &sb);
    const char *mark_err = MB_CUR_MAX > 1 ? "\u25cf" : "!";
    const char *mark_warn = MB_CUR_MAX > 1 ? "\u25b2" : "?";
    for (int k = 0; k < rows; k++) {
        size_t line = ed->top + (size_t)k;
        run r = {.win = win};
        wmove(win, y + k, x);
        if (line >= nlines) {
            run_spaces(&r, ed->style[ED_STYLE_TEXT], w);
            run_flush(&r);
            continue;
        }
        if (gw) {
            if (ed->cfg.line_numbers) {
                char num[32];
                snprintf(num, sizeof num, "%*zu", nd & 31, line + 1); /* nd <= 20 */
                run_add(&r, ed->style[line == cur.line ? ED_STYLE_LINENO_CURRENT : ED_STYLE_LINENO],
                        num, strlen(num));
            }
            const ed_diag *d = editor_diag_at(ed, line);
            if (d)
                run_add(&r, ed->style[d->warning ? ED_STYLE_GUTTER_WARNING : ED_STYLE_GUTTER_ERROR],
                        d->warning ? mark_warn : mark_err,
                        strlen(d->warning ? mark_warn : mark_err));
            else
                run_spaces(&r, ed->style[ED_STYLE_LINENO], 1);
            run_spaces(&r, ed->style[ED_STYLE_TEXT], 1);
        }
        draw_text(ed, &r, line, text_w, has_sel, sa, sb);
        run_flush(&r);
    }
    ed->cur_y = y + (int)(cur.line - ed->top);
    ed->cur_x = x + gw + cx - ed->left;
    if (h >= 2)
        draw_status(ed, win, y + h - 1, x, w);
    if (ed->popup && ed->items.n) {
        size_t len;
        const char *s = textbuf_line(tb, cur.line, &len);
        int ax = utf8w_col_to_x(s, len, ed->popup_anchor_col, ed->cfg.text.tab_width);
        draw_popup(ed, win, y, x, h, w, x + gw + ax - ed->left - 1);
    }
    wattrset(win, A_NORMAL);
    if (focused)
        wmove(win, ed->cur_y, ed->cur_x);
}

bool editor_cursor(const editor *ed, int *y, int *x)
{
    *y = ed->cur_y;
    *x = ed->cur_x;
    return ed->cur_shown;
}
