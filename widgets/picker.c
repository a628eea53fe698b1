#include "picker.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "draw.h"
#include "fuzzy.h"
#include "uwidth.h"

static int last_y, last_x, last_h, last_w, last_list_y;

static char *dup(const char *s)
{
    if (!s)
        return NULL;
    char *d = strdup(s);
    if (!d)
        abort();
    return d;
}

void picker_init(picker *pk, const char *title, bool has_filter, bool sort_by_score)
{
    memset(pk, 0, sizeof(*pk));
    pk->title = dup(title);
    pk->has_filter = has_filter;
    pk->sort_by_score = sort_by_score;
}

void picker_free(picker *pk)
{
    for (size_t i = 0; i < pk->n; i++) {
        free(pk->items[i].text);
        free(pk->items[i].detail);
    }
    free(pk->items);
    free(pk->vis);
    free(pk->title);
    memset(pk, 0, sizeof(*pk));
}

void picker_add(picker *pk, const char *text, const char *detail, int tag, style_id style,
                bool header)
{
    if (pk->n == pk->cap) {
        pk->cap = pk->cap ? pk->cap * 2 : 32;
        pk->items = realloc(pk->items, pk->cap * sizeof(pick_item));
        pk->vis = realloc(pk->vis, pk->cap * sizeof(size_t));
        if (!pk->items || !pk->vis)
            abort();
    }
    pk->items[pk->n++] = (pick_item){dup(text), dup(detail), tag, style, header, 0};
}

static bool contains_nocase(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; *hay; hay++)
        if (strncasecmp(hay, needle, n) == 0)
            return true;
    return false;
}

static const picker *sort_pk;

static int by_score(const void *a, const void *b)
{
    const pick_item *x = &sort_pk->items[*(const size_t *)a];
    const pick_item *y = &sort_pk->items[*(const size_t *)b];
    if (x->score != y->score)
        return x->score > y->score ? -1 : 1;
    return *(const size_t *)a < *(const size_t *)b ? -1 : 1;
}

void picker_refilter(picker *pk)
{
    const char *f = pk->filter.buf;
    pk->n_vis = 0;
    for (size_t i = 0; i < pk->n; i++) {
        pick_item *it = &pk->items[i];
        if (it->header) {
            it->score = 0;
            if (!pk->sort_by_score || !*f)
                pk->vis[pk->n_vis++] = i;
            continue;
        }
        it->score = fuzzy_score(f, it->text);
        /* Descriptions match only as a plain substring: fuzzy matching a
         * whole sentence would match nearly anything. */
        if (it->score < 0 && it->detail && strlen(f) > 2 && contains_nocase(it->detail, f))
            it->score = 0;
        if (it->score >= 0)
            pk->vis[pk->n_vis++] = i;
    }
    if (pk->sort_by_score && *f) {
        sort_pk = pk;
        qsort(pk->vis, pk->n_vis, sizeof(size_t), by_score);
    }
    /* Drop headers whose group has no visible item. */
    size_t k = 0;
    for (size_t j = 0; j < pk->n_vis; j++) {
        bool hdr = pk->items[pk->vis[j]].header;
        if (hdr && (j + 1 == pk->n_vis || pk->items[pk->vis[j + 1]].header))
            continue;
        pk->vis[k++] = pk->vis[j];
    }
    pk->n_vis = k;
    pk->cur = 0;
    pk->top = 0;
    /* Grouped lists keep their order, but the cursor starts on the best
     * match: typing "sql" selects sql, not the filter whose description
     * mentions SQL and comes first in its group. */
    if (!pk->sort_by_score && *f) {
        int best = -1;
        for (size_t j = 0; j < pk->n_vis; j++) {
            const pick_item *it = &pk->items[pk->vis[j]];
            if (!it->header && it->score > best) {
                best = it->score;
                pk->cur = j;
            }
        }
    }
    picker_move(pk, 0);
}

void picker_move(picker *pk, int delta)
{
    if (pk->n_vis == 0)
        return;
    long cur = (long)pk->cur;
    int step = delta < 0 ? -1 : 1;
    int left = delta < 0 ? -delta : delta;
    /* Step over headers; a zero delta just leaves a header. */
    for (;;) {
        while (cur >= 0 && cur < (long)pk->n_vis && pk->items[pk->vis[cur]].header)
            cur += step;
        if (left == 0 || cur < 0 || cur >= (long)pk->n_vis)
            break;
        long next = cur + step;
        while (next >= 0 && next < (long)pk->n_vis && pk->items[pk->vis[next]].header)
            next += step;
        if (next < 0 || next >= (long)pk->n_vis)
            break;
        cur = next;
        left--;
    }
    if (cur < 0 || cur >= (long)pk->n_vis) {
        /* Ran off an end made of headers: search the other way. */
        cur = cur < 0 ? 0 : (long)pk->n_vis - 1;
        while (cur >= 0 && cur < (long)pk->n_vis && pk->items[pk->vis[cur]].header)
            cur += cur == 0 ? 1 : -1;
        if (cur < 0 || cur >= (long)pk->n_vis)
            cur = 0;
    }
    pk->cur = (size_t)cur;
}

void picker_home(picker *pk, bool end)
{
    pk->cur = end && pk->n_vis ? pk->n_vis - 1 : 0;
    picker_move(pk, 0);
}

bool picker_filter_key(picker *pk, int key)
{
    if (!pk->has_filter)
        return false;
    if (textinput_key(&pk->filter, key) != TI_CHANGED)
        return false;
    picker_refilter(pk);
    return true;
}

const pick_item *picker_current(const picker *pk)
{
    if (pk->cur >= pk->n_vis)
        return NULL;
    const pick_item *it = &pk->items[pk->vis[pk->cur]];
    return it->header ? NULL : it;
}

void picker_draw(WINDOW *win, picker *pk, int y, int x, int h, int w)
{
    last_y = y, last_x = x, last_h = h, last_w = w;
    draw_frame(win, y, x, h, w, pk->title, STYLE_BORDER);
    int row = y + 1, inner = w - 2;
    int cursor_x = -1;
    if (pk->has_filter) {
        draw_text(win, row, x + 1, "> ", 2, STYLE_KEY);
        cursor_x = textinput_draw(win, &pk->filter, row, x + 3, inner - 2, STYLE_INPUT);
        row++;
    }
    int rows = y + h - 1 - row;
    last_list_y = row;
    if (rows <= 0)
        return;
    if (pk->cur < pk->top)
        pk->top = pk->cur;
    if (pk->cur >= pk->top + (size_t)rows)
        pk->top = pk->cur - (size_t)rows + 1;
    int text_w = pk->text_w;
    if (!text_w) {
        for (size_t j = 0; j < pk->n_vis; j++) {
            const pick_item *it = &pk->items[pk->vis[j]];
            int tw = it->header ? 0 : uw_width(it->text);
            if (tw > text_w)
                text_w = tw;
        }
        if (text_w > inner / 2)
            text_w = inner / 2;
    }
    for (int r = 0; r < rows; r++) {
        size_t j = pk->top + (size_t)r;
        if (j >= pk->n_vis) {
            draw_fill(win, row + r, x + 1, 1, inner, STYLE_NORMAL);
            continue;
        }
        const pick_item *it = &pk->items[pk->vis[j]];
        bool sel = j == pk->cur;
        if (it->header) {
            draw_text_pad(win, row + r, x + 1, it->text, inner, STYLE_HEADING);
            continue;
        }
        style_id base = sel ? STYLE_SELECTED : it->style;
        draw_text_pad(win, row + r, x + 1, " ", 1, base);
        int used = draw_text(win, row + r, x + 2, it->text, text_w, base);
        draw_fill(win, row + r, x + 2 + used, 1, text_w - used + 2, base);
        int dx = x + 4 + text_w;
        if (dx < x + w - 1)
            draw_text_pad(win, row + r, dx, it->detail ? it->detail : "", x + w - 1 - dx,
                          sel ? STYLE_SELECTED : STYLE_DIM);
    }
    if (pk->n_vis > (size_t)rows) {
        /* A scroll indicator in the right border. */
        size_t pos = pk->n_vis > 1 ? pk->top * (size_t)(rows - 1) / (pk->n_vis - (size_t)rows) : 0;
        if (pos >= (size_t)rows)
            pos = (size_t)rows - 1;
        draw_cp(win, row + (int)pos, x + w - 1, draw_ascii() ? '#' : 0x2588, STYLE_BORDER);
    }
    if (cursor_x >= 0)
        wmove(win, y + 1, cursor_x);
}

bool picker_click(picker *pk, int y, int x)
{
    if (x <= last_x || x >= last_x + last_w - 1 || y < last_list_y || y >= last_y + last_h - 1)
        return false;
    size_t j = pk->top + (size_t)(y - last_list_y);
    if (j >= pk->n_vis || pk->items[pk->vis[j]].header)
        return false;
    pk->cur = j;
    return true;
}
