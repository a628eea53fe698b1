/* palette: add a node — every known type, grouped by kind, filtered as you
 * type, each with its one-line description and, for a type that does not
 * ship with weir, where it comes from ("pipeline plugin", "your plugin"):
 * a user's plugin that shadows a shipped type must not pass for it.  Types
 * whose plugin failed to load are listed last, disabled, with the reason.
 * The new node goes to the right of the selection and, when it can, reads
 * from it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "draw.h"
#include "edit.h"
#include "picker.h"
#include "util.h"
#include "uwidth.h"

/* Picker tags of the types whose plugin failed to load: -2, -3, ...
 * (-1 is a group heading's). */
#define BROKEN_TAG(i) (-2 - (int)(i))
#define BROKEN_INDEX(tag) ((size_t)(-2 - (tag)))

typedef struct palette_view {
    view base;
    picker pk;
    /* Per picker item: the description and where the type comes from
     * (NULL for shipped types); the item's detail is rebuilt from them
     * for the width so that the origin is never cut off. */
    char **desc;
    const char **origin;
    int fitted_w; /* the width the details were last fitted to */
} palette_view;

static const char *origin_tag(const node_type *t)
{
    if (!t->plugin)
        return NULL;
    switch (t->plugin->origin) {
    case PLUGIN_PIPELINE:
        return "pipeline plugin";
    case PLUGIN_USER:
        return "your plugin";
    default:
        return NULL;
    }
}

static void add_item(palette_view *pv, const char *text, const char *desc, const char *origin,
                     int tag, style_id style, bool header)
{
    size_t i = pv->pk.n;
    pv->desc = xrealloc(pv->desc, (i + 1) * sizeof(*pv->desc));
    pv->origin = xrealloc(pv->origin, (i + 1) * sizeof(*pv->origin));
    pv->desc[i] = desc ? xstrdup(desc) : NULL;
    pv->origin[i] = origin;
    picker_add(&pv->pk, text, desc, tag, style, header);
}

/* "description  · origin", the description cut so that the origin shows
 * within width cells. */
static void fit_details(palette_view *pv, int width, bool ascii)
{
    for (size_t i = 0; i < pv->pk.n; i++) {
        if (!pv->origin[i])
            continue;
        const char *sep = ascii ? "  - " : "  · ";
        int room = width - uw_width(sep) - uw_width(pv->origin[i]);
        const char *d = pv->desc[i] ? pv->desc[i] : "";
        char *cut = uw_width(d) > room ? uw_truncate(d, room > 1 ? room : 1, ascii) : xstrdup(d);
        free(pv->pk.items[i].detail);
        pv->pk.items[i].detail = xasprintf("%s%s%s", cut, sep, pv->origin[i]);
        free(cut);
    }
}

static void palette_draw(view *v, app *a)
{
    palette_view *pv = (palette_view *)v;
    int w = a->cols - 4 > 76 ? 76 : a->cols - 4;
    int h = a->rows - 4 > 20 ? 20 : a->rows - 4;
    /* The name column as wide as the longest name (up to half), fixed so
     * that the detail's width is known here. */
    int inner = w - 2, text_w = 0;
    for (size_t i = 0; i < pv->pk.n; i++)
        if (!pv->pk.items[i].header && uw_width(pv->pk.items[i].text) > text_w)
            text_w = uw_width(pv->pk.items[i].text);
    if (text_w > inner / 2)
        text_w = inner / 2;
    pv->pk.text_w = text_w > 0 ? text_w : 1;
    if (pv->fitted_w != w) {
        fit_details(pv, w - 5 - pv->pk.text_w, a->ascii);
        pv->fitted_w = w;
    }
    picker_draw(stdscr, &pv->pk, (a->rows - h) / 2, (a->cols - w) / 2, h, w);
    curs_set(1);
}

/* Place node idx beside the selection (or below everything) without
 * overlapping any box. */
static void place(app *a, size_t idx, ptrdiff_t beside)
{
    pipeline *p = &a->d.p;
    node *n = &p->nodes[idx];
    if (beside >= 0) {
        const node *s = &p->nodes[beside];
        int w, h;
        canvas_box_size(s, false, &w, &h);
        n->x = s->x + w + 8;
        n->y = s->y;
    } else if (p->n_nodes > 1) {
        canvas cv;
        canvas_build(&cv, p);
        n->x = n->kind == NODE_SOURCE ? (cv.min_x > 1 ? cv.min_x : 1) : cv.max_x + 8;
        n->y = cv.min_y > 1 ? cv.min_y : 1;
        canvas_free(&cv);
    } else {
        n->x = 2;
        n->y = 1;
    }
    n->has_xy = true;
    for (int guard = 0; guard < 2000; guard++) {
        canvas cv;
        canvas_build(&cv, p);
        bool bad = false;
        const cbox *b = &cv.box[idx];
        for (size_t j = 0; j < cv.n && !bad; j++) {
            const cbox *o = &cv.box[j];
            bad = j != idx && b->x < o->x + o->w + 2 && o->x < b->x + b->w + 2 &&
                  b->y < o->y + o->h + 1 && o->y < b->y + b->h + 1;
        }
        canvas_free(&cv);
        if (!bad)
            break;
        p->nodes[idx].y += 1;
    }
}

static int palette_pick(app *a, const pick_item *it)
{
    if (it->tag <= BROKEN_TAG(0)) {
        /* Disabled: say why, add nothing. */
        const node_registry *r = node_registry_current();
        size_t i = BROKEN_INDEX(it->tag);
        if (r && i < r->n_broken) {
            const plugin_file *f = r->broken[i].plugin;
            app_message(a, STYLE_ERROR, "%s is unavailable (its plugin failed to load): %s",
                        r->broken[i].name,
                        f && f->error  ? f->error
                        : f && f->path ? f->path
                                       : "unknown error");
        }
        return EV_CLOSE | EV_REDRAW;
    }
    const node_type *t = node_type_at((size_t)it->tag);
    char *id = edit_unique_id(&a->d.p, t->name);
    ptrdiff_t from = a->sel;
    const char *why;
    doc_begin(&a->d, app_sel_id(a), "add");
    node *n = edit_add(&a->d.p, t->kind, t->name, id, &why);
    if (!n) {
        doc_abort(&a->d);
        app_message(a, STYLE_ERROR, "cannot add: %s", why);
        free(id);
        return EV_CLOSE | EV_REDRAW;
    }
    size_t idx = a->d.p.n_nodes - 1;
    bool linked = false;
    char *from_id = from >= 0 ? xstrdup(a->d.p.nodes[from].id) : NULL;
    if (from_id && edit_can_connect(&a->d.p, from_id, id, NULL)) {
        edit_connect(&a->d.p, from_id, id, NULL);
        linked = true;
    }
    place(a, idx, from);
    doc_commit(&a->d);
    a->sel = (ptrdiff_t)idx;
    app_rebuild(a);
    app_ensure_visible(a, a->sel, false);
    if (linked)
        app_message(a, STYLE_OK, "added %s %s %s  (r rename, i settings, x disconnect)", from_id,
                    a->ascii ? "->" : "→", id);
    else
        app_message(a, STYLE_OK, "added %s  (r rename, i settings, c connect)", id);
    free(from_id);
    free(id);
    return EV_CLOSE | EV_RELAYOUT | EV_SCROLL | EV_REDRAW;
}

static int palette_key(view *v, app *a, action act, int key)
{
    palette_view *pv = (palette_view *)v;
    switch (act) {
    case ACT_LIST_UP:
        picker_move(&pv->pk, -1);
        return EV_REDRAW;
    case ACT_LIST_DOWN:
        picker_move(&pv->pk, 1);
        return EV_REDRAW;
    case ACT_LIST_PAGE_UP:
        picker_move(&pv->pk, -10);
        return EV_REDRAW;
    case ACT_LIST_PAGE_DOWN:
        picker_move(&pv->pk, 10);
        return EV_REDRAW;
    case ACT_LIST_CLOSE:
        return EV_CLOSE | EV_REDRAW;
    case ACT_LIST_PICK: {
        const pick_item *it = picker_current(&pv->pk);
        return it ? palette_pick(a, it) : EV_REDRAW;
    }
    default:
        picker_filter_key(&pv->pk, key);
        return EV_REDRAW;
    }
}

static int palette_mouse(view *v, app *a, const MEVENT *ev)
{
    palette_view *pv = (palette_view *)v;
    if (ev->bstate & BUTTON4_PRESSED)
        picker_move(&pv->pk, -3);
    else if (ev->bstate & BUTTON5_PRESSED)
        picker_move(&pv->pk, 3);
    else if ((ev->bstate & BUTTON1_PRESSED) && picker_click(&pv->pk, ev->y, ev->x)) {
        const pick_item *it = picker_current(&pv->pk);
        if (it)
            return palette_pick(a, it);
    }
    return EV_REDRAW;
}

static void palette_destroy(view *v)
{
    palette_view *pv = (palette_view *)v;
    for (size_t i = 0; i < pv->pk.n; i++)
        free(pv->desc[i]);
    free(pv->desc);
    free(pv->origin);
    picker_free(&pv->pk);
    free(pv);
}

static const view_ops palette_ops = {
    .name = "palette",
    .mode = MODE_LIST,
    .draw = palette_draw,
    .on_key = palette_key,
    .on_mouse = palette_mouse,
    .destroy = palette_destroy,
};

view *palette_open(app *a)
{
    palette_view *pv = xcalloc(1, sizeof(*pv));
    pv->base.ops = &palette_ops;
    const char *sel = app_sel_id(a);
    char title[160];
    if (sel && a->d.p.nodes[a->sel].kind != NODE_SINK)
        snprintf(title, sizeof(title), "add a node (it will read from %s)", sel);
    else
        snprintf(title, sizeof(title), "add a node");
    picker_init(&pv->pk, title, true, false);
    static const char *const groups[] = {"sources", "transforms", "sinks"};
    static const style_id styles[] = {STYLE_SOURCE, STYLE_TRANSFORM, STYLE_SINK};
    /* Offer what fits after the selection first: transforms and sinks
     * after a source or transform, sources when nothing is selected. */
    int order[3] = {0, 1, 2};
    if (sel && a->d.p.nodes[a->sel].kind != NODE_SINK) {
        order[0] = 1;
        order[1] = 2;
        order[2] = 0;
    }
    for (int g = 0; g < 3; g++) {
        int k = order[g];
        add_item(pv, groups[k], NULL, NULL, -1, STYLE_HEADING, true);
        for (size_t i = 0; i < node_type_count(); i++) {
            const node_type *t = node_type_at(i);
            if ((int)t->kind == k)
                add_item(pv, t->name, t->description, origin_tag(t), (int)i, styles[k], false);
        }
    }
    /* Typing the name of a type whose plugin is broken finds it, with the
     * reason, instead of an empty list. */
    const node_registry *r = node_registry_current();
    if (r && r->n_broken) {
        add_item(pv, "unavailable: their plugin failed to load", NULL, NULL, -1, STYLE_HEADING,
                 true);
        for (size_t i = 0; i < r->n_broken; i++) {
            const plugin_file *f = r->broken[i].plugin;
            char *why = xasprintf("unavailable: %s", f && f->error  ? f->error
                                                     : f && f->path ? f->path
                                                                    : "");
            for (char *c = why; *c; c++)
                if (*c == '\n' || *c == '\t')
                    *c = ' ';
            add_item(pv, r->broken[i].name, why, NULL, BROKEN_TAG(i), STYLE_DIM, false);
            free(why);
        }
    }
    picker_refilter(&pv->pk);
    app_push(a, &pv->base);
    return &pv->base;
}
