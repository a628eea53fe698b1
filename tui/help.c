/* help: every key of the current mode (then the other modes), generated
 * from the action table that the dispatcher uses. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "draw.h"
#include "util.h"

typedef struct help_line {
    char *keys, *text;
    bool heading;
} help_line;

typedef struct help_view {
    view base;
    help_line *lines;
    size_t n;
    int top, page;
} help_view;

static void add(help_view *hv, const char *keys, const char *text, bool heading)
{
    hv->lines = xrealloc(hv->lines, (hv->n + 1) * sizeof(help_line));
    hv->lines[hv->n++] = (help_line){xstrdup(keys), xstrdup(text), heading};
}

static void add_mode(help_view *hv, ui_mode m, bool ascii)
{
    char title[64];
    snprintf(title, sizeof(title), "%s keys", mode_name(m));
    add(hv, "", title, true);
    for (int i = 0; i < ACT_COUNT; i++) {
        if (action_mode((action)i) != m)
            continue;
        char keys[128];
        keys_display(action_keys((action)i), keys, sizeof(keys), ascii);
        add(hv, keys, action_help((action)i), false);
    }
    if (m == MODE_LIST)
        add(hv, "(typing)", "filter: letters in order, e.g. enr finds enrich", false);
    add(hv, "", "", false);
}

static void help_draw(view *v, app *a)
{
    help_view *hv = (help_view *)v;
    int w = a->cols - 2 > 88 ? 88 : a->cols - 2;
    int h = a->rows - 2;
    int y = (a->rows - h) / 2, x = (a->cols - w) / 2;
    draw_frame(stdscr, y, x, h, w, "help  (Esc closes, arrows scroll)", STYLE_BORDER);
    hv->page = h - 2;
    int max_top = (int)hv->n - hv->page;
    if (hv->top > max_top)
        hv->top = max_top;
    if (hv->top < 0)
        hv->top = 0;
    int kw = 18;
    for (int r = 0; r < h - 2; r++) {
        size_t i = (size_t)(hv->top + r);
        if (i >= hv->n) {
            draw_fill(stdscr, y + 1 + r, x + 1, 1, w - 2, STYLE_NORMAL);
            continue;
        }
        const help_line *l = &hv->lines[i];
        if (l->heading) {
            draw_text_pad(stdscr, y + 1 + r, x + 2, l->text, w - 3, STYLE_HEADING);
            continue;
        }
        draw_text_pad(stdscr, y + 1 + r, x + 2, l->keys, kw, STYLE_KEY);
        draw_text_pad(stdscr, y + 1 + r, x + 2 + kw, l->text, w - 3 - kw, STYLE_NORMAL);
    }
}

static int help_key(view *v, app *a, action act, int key)
{
    (void)a;
    (void)key;
    help_view *hv = (help_view *)v;
    switch (act) {
    case ACT_HELP_UP:
        hv->top--;
        return EV_REDRAW;
    case ACT_HELP_DOWN:
        hv->top++;
        return EV_REDRAW;
    case ACT_HELP_PAGE_UP:
        hv->top -= hv->page;
        return EV_REDRAW;
    case ACT_HELP_PAGE_DOWN:
        hv->top += hv->page;
        return EV_REDRAW;
    case ACT_HELP_CLOSE:
        return EV_CLOSE | EV_REDRAW;
    default:
        return EV_REDRAW;
    }
}

static int help_mouse(view *v, app *a, const MEVENT *ev)
{
    (void)a;
    help_view *hv = (help_view *)v;
    if (ev->bstate & BUTTON4_PRESSED)
        hv->top -= 3;
    else if (ev->bstate & BUTTON5_PRESSED)
        hv->top += 3;
    return EV_REDRAW;
}

static void help_destroy(view *v)
{
    help_view *hv = (help_view *)v;
    for (size_t i = 0; i < hv->n; i++) {
        free(hv->lines[i].keys);
        free(hv->lines[i].text);
    }
    free(hv->lines);
    free(hv);
}

static const view_ops help_ops = {
    .name = "help",
    .mode = MODE_HELP,
    .draw = help_draw,
    .on_key = help_key,
    .on_mouse = help_mouse,
    .destroy = help_destroy,
};

view *help_open(app *a, ui_mode m)
{
    help_view *hv = xcalloc(1, sizeof(*hv));
    hv->base.ops = &help_ops;
    add_mode(hv, m, a->ascii);
    if (m == MODE_CANVAS) {
        add(hv, "", "on the canvas", true);
        add(hv, a->ascii ? "o * #" : "◉ λ ▣", "source, transform, sink", false);
        add(hv, a->ascii ? "+ ! x" : "✓ ! ✗", "valid, warning, error", false);
        add(hv, "mouse", "click selects, drag moves, drop on a node connects, wheel pans", false);
        add(hv, "", "", false);
    }
    for (int k = 0; k < MODE_COUNT; k++)
        if (k != (int)m && k != MODE_HELP)
            add_mode(hv, (ui_mode)k, a->ascii);
    app_push(a, &hv->base);
    return &hv->base;
}
