/* lists: the views that are one picker — the finder (/), the problems
 * list (!) and the edge chooser for disconnecting (x).  The problems list
 * spans the terminal and shows the selected problem's whole message,
 * wrapped, under the list: a plugin's error ends in its file:line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "draw.h"
#include "input.h"
#include "picker.h"
#include "pvlayout.h"
#include "util.h"

typedef struct list_view list_view;
struct list_view {
    view base;
    picker pk;
    int (*pick)(app *a, list_view *lv, const pick_item *it);
    size_t node;       /* disconnect: the node */
    char **from, **to; /* disconnect: edges by tag */
    size_t n_edges;
    bool problems; /* the problems list: a detail box under the list */
};

/* The text of problem g as the detail box shows it, wrapped to width;
 * free with free_lines. */
static size_t problem_lines(const diag *g, int width, char ***out)
{
    return pvl_wrap(g->message ? g->message : "", width, 0, out);
}

static void free_lines(char **lines, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(lines[i]);
    free(lines);
}

/* The list above, the selected problem's message in full below.  The box
 * is as tall as the longest message needs (within the screen) so it does
 * not jump while moving through the list. */
static void problems_draw(list_view *lv, app *a)
{
    int w = a->cols - 4;
    int h = a->rows - 4 > 30 ? 30 : a->rows - 4;
    int y = (a->rows - h) / 2, x = (a->cols - w) / 2;
    int inner = w - 4;
    int most = 0;
    int room = h - 5 - 2; /* keep three rows of the list */
    for (size_t i = 0; i < a->d.diags.n && most < room; i++) {
        char **lines;
        size_t n = problem_lines(&a->d.diags.items[i], inner, &lines);
        free_lines(lines, n);
        if ((int)n > most)
            most = (int)n;
    }
    if (most > room)
        most = room;
    int dh = most > 0 ? most + 2 : 0;
    picker_draw(stdscr, &lv->pk, y, x, h - dh, w);
    const pick_item *it = picker_current(&lv->pk);
    if (!dh || !it || it->tag < 0 || (size_t)it->tag >= a->d.diags.n)
        return;
    const diag *g = &a->d.diags.items[it->tag];
    char title[300];
    if (g->path && g->line)
        snprintf(title, sizeof(title), "%s%s%s:%d", g->node_id ? g->node_id : "",
                 g->node_id ? (a->ascii ? " - " : " · ") : "", g->path, g->line);
    else
        snprintf(title, sizeof(title), "%s", g->node_id ? g->node_id : "the pipeline");
    int dy = y + h - dh;
    draw_frame(stdscr, dy, x, dh, w, title, STYLE_BORDER);
    char **lines;
    size_t n = problem_lines(g, inner, &lines);
    style_id s = g->severity == DIAG_ERROR ? STYLE_ERROR : STYLE_WARNING;
    for (size_t i = 0; i < n; i++)
        if ((int)i < most) {
            draw_text_pad(stdscr, dy + 1 + (int)i, x + 2, lines[i], inner, s);
            if ((int)i == most - 1 && i + 1 < n) /* longer than the screen */
                draw_text(stdscr, dy + 1 + (int)i, x + w - 2, a->ascii ? "~" : "…", 1, STYLE_DIM);
        }
    free_lines(lines, n);
}

static void list_draw(view *v, app *a)
{
    list_view *lv = (list_view *)v;
    if (lv->problems) {
        problems_draw(lv, a);
        return;
    }
    int w = a->cols - 4 > 90 ? 90 : a->cols - 4;
    int h = a->rows - 4 > 20 ? 20 : a->rows - 4;
    int y = (a->rows - h) / 2, x = (a->cols - w) / 2;
    picker_draw(stdscr, &lv->pk, y, x, h, w);
    if (lv->pk.has_filter)
        curs_set(1);
}

static int list_key(view *v, app *a, action act, int key)
{
    list_view *lv = (list_view *)v;
    switch (act) {
    case ACT_LIST_UP:
        picker_move(&lv->pk, -1);
        return EV_REDRAW;
    case ACT_LIST_DOWN:
        picker_move(&lv->pk, 1);
        return EV_REDRAW;
    case ACT_LIST_PAGE_UP:
        picker_move(&lv->pk, -10);
        return EV_REDRAW;
    case ACT_LIST_PAGE_DOWN:
        picker_move(&lv->pk, 10);
        return EV_REDRAW;
    case ACT_LIST_CLOSE:
        return EV_CLOSE | EV_REDRAW;
    case ACT_LIST_PICK: {
        const pick_item *it = picker_current(&lv->pk);
        return it ? lv->pick(a, lv, it) : EV_REDRAW;
    }
    default:
        if (!lv->pk.has_filter && (key == 'q' || key == '!'))
            return EV_CLOSE | EV_REDRAW;
        picker_filter_key(&lv->pk, key);
        return EV_REDRAW;
    }
}

static int list_mouse(view *v, app *a, const MEVENT *ev)
{
    list_view *lv = (list_view *)v;
    if (ev->bstate & BUTTON4_PRESSED) {
        picker_move(&lv->pk, -3);
        return EV_REDRAW;
    }
    if (ev->bstate & BUTTON5_PRESSED) {
        picker_move(&lv->pk, 3);
        return EV_REDRAW;
    }
    if (ev->bstate & (BUTTON1_CLICKED | BUTTON1_PRESSED)) {
        if (!picker_click(&lv->pk, ev->y, ev->x))
            return EV_REDRAW;
        if (ev->bstate & BUTTON1_PRESSED) {
            const pick_item *it = picker_current(&lv->pk);
            return it ? lv->pick(a, lv, it) : EV_REDRAW;
        }
    }
    return EV_REDRAW;
}

static void list_destroy(view *v)
{
    list_view *lv = (list_view *)v;
    picker_free(&lv->pk);
    for (size_t i = 0; i < lv->n_edges; i++) {
        free(lv->from[i]);
        free(lv->to[i]);
    }
    free(lv->from);
    free(lv->to);
    free(lv);
}

static const view_ops list_ops = {
    .name = "list",
    .mode = MODE_LIST,
    .draw = list_draw,
    .on_key = list_key,
    .on_mouse = list_mouse,
    .destroy = list_destroy,
};

static list_view *list_new(app *a, const char *title, bool filter, bool sort,
                           int (*pick)(app *, list_view *, const pick_item *))
{
    list_view *lv = xcalloc(1, sizeof(*lv));
    lv->base.ops = &list_ops;
    picker_init(&lv->pk, title, filter, sort);
    lv->pick = pick;
    (void)a;
    return lv;
}

static style_id kind_style(node_kind k)
{
    return k == NODE_SOURCE ? STYLE_SOURCE : k == NODE_TRANSFORM ? STYLE_TRANSFORM : STYLE_SINK;
}

/* ---- finder ---- */

static int finder_pick(app *a, list_view *lv, const pick_item *it)
{
    (void)lv;
    a->sel = it->tag;
    app_ensure_visible(a, a->sel, true);
    return EV_CLOSE | EV_SCROLL | EV_REDRAW;
}

view *finder_open(app *a)
{
    list_view *lv = list_new(a, "find a node (type part of its id)", true, true, finder_pick);
    for (size_t i = 0; i < a->d.p.n_nodes; i++) {
        const node *n = &a->d.p.nodes[i];
        char detail[160];
        snprintf(detail, sizeof(detail), "%s %s", n->type, node_kind_name(n->kind));
        picker_add(&lv->pk, n->id, detail, (int)i, kind_style(n->kind), false);
    }
    picker_refilter(&lv->pk);
    app_push(a, &lv->base);
    return &lv->base;
}

/* ---- problems ---- */

static int problems_pick(app *a, list_view *lv, const pick_item *it)
{
    (void)lv;
    const diag *g = &a->d.diags.items[it->tag];
    if (g->node_id) {
        app_jump_to(a, g->node_id);
        return EV_CLOSE | EV_SCROLL | EV_REDRAW;
    }
    app_message(a, STYLE_DIM, "this problem is about the whole pipeline (%s)",
                g->path ? g->path : "pipeline.yaml");
    return EV_CLOSE | EV_REDRAW;
}

view *problems_open(app *a)
{
    char title[64];
    snprintf(title, sizeof(title), "problems: %zu error%s, %zu warning%s", doc_errors(&a->d),
             doc_errors(&a->d) == 1 ? "" : "s", doc_warnings(&a->d),
             doc_warnings(&a->d) == 1 ? "" : "s");
    list_view *lv = list_new(a, title, false, false, problems_pick);
    lv->pk.text_w = 0;
    lv->problems = true;
    for (size_t i = 0; i < a->d.diags.n; i++) {
        const diag *g = &a->d.diags.items[i];
        char where[128];
        if (g->node_id)
            snprintf(where, sizeof(where), "%s %s",
                     g->severity == DIAG_ERROR ? (a->ascii ? "x" : "✗") : "!", g->node_id);
        else
            snprintf(where, sizeof(where), "%s %s:%d",
                     g->severity == DIAG_ERROR ? (a->ascii ? "x" : "✗") : "!",
                     g->path ? g->path : "", g->line);
        picker_add(&lv->pk, where, g->message, (int)i,
                   g->severity == DIAG_ERROR ? STYLE_ERROR : STYLE_WARNING, false);
    }
    if (!a->d.diags.n)
        picker_add(&lv->pk, "no problems", "the pipeline is valid", -1, STYLE_OK, true);
    picker_refilter(&lv->pk);
    app_push(a, &lv->base);
    return &lv->base;
}

/* ---- disconnect ---- */

static int disconnect_pick(app *a, list_view *lv, const pick_item *it)
{
    const char *from = lv->from[it->tag], *to = lv->to[it->tag];
    doc_begin(&a->d, app_sel_id(a), "disconnect");
    edit_disconnect(&a->d.p, from, to);
    doc_commit(&a->d);
    app_message(a, STYLE_OK, "disconnected %s %s %s (u undoes)", from, a->ascii ? "->" : "→", to);
    return EV_CLOSE | EV_RELAYOUT | EV_REDRAW;
}

static void add_edge(list_view *lv, const char *from, const char *to, const char *what, bool ascii)
{
    lv->from = xrealloc(lv->from, (lv->n_edges + 1) * sizeof(char *));
    lv->to = xrealloc(lv->to, (lv->n_edges + 1) * sizeof(char *));
    lv->from[lv->n_edges] = xstrdup(from);
    lv->to[lv->n_edges] = xstrdup(to);
    char text[300];
    snprintf(text, sizeof(text), "%s %s %s", from, ascii ? "->" : "→", to);
    picker_add(&lv->pk, text, what, (int)lv->n_edges, STYLE_NORMAL, false);
    lv->n_edges++;
}

view *disconnect_open(app *a, size_t idx)
{
    const pipeline *p = &a->d.p;
    const node *n = &p->nodes[idx];
    list_view *lv = list_new(a, "disconnect which edge?", false, false, disconnect_pick);
    lv->node = idx;
    for (size_t i = 0; i < n->n_inputs; i++)
        add_edge(lv, n->inputs[i], n->id, "input", a->ascii);
    for (size_t i = 0; i < p->n_nodes; i++)
        if (node_has_input(&p->nodes[i], n->id))
            add_edge(lv, n->id, p->nodes[i].id, "output", a->ascii);
    if (!lv->n_edges) {
        list_destroy(&lv->base);
        app_message(a, STYLE_DIM, "%s has no edges", n->id);
        return NULL;
    }
    picker_refilter(&lv->pk);
    app_push(a, &lv->base);
    return &lv->base;
}
