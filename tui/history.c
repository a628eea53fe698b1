/* history: the history view (G) — the commits that touched the pipeline,
 * and the selected one compared with the working pipeline as a graph on a
 * read-only canvas; the comparison as text (d); restore (r) with undo.
 *
 * The canvas shows the union of both versions, so removed nodes are drawn
 * too: that version's nodes at that version's places, plus the nodes added
 * since at their places now.  Added nodes and edges are STYLE_ADDED with a
 * `+` in the badge cell, removed ones STYLE_REMOVED with `-`, nodes whose
 * type, inputs or settings changed STYLE_CHANGED with `~` (readable
 * without colour).  "Working" is the canvas's model, unsaved edits
 * included; the text diff of SQL/Lua files compares the files on disk.
 *
 * A restore writes that version's files (vcs_restore) and pushes an edit
 * on the canvas's undo stack whose label the undo hook recognises: `u`
 * then writes the files back from the snapshot vcs_restore returned, and
 * `U` restores again. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "draw.h"
#include "editpane.h"
#include "graphdiff.h"
#include "journal.h"
#include "util.h"
#include "uwidth.h"
#include "vcs.h"
#include "vcs_history.h"
#include "vcs_restore.h"
#include "vcs_revdiff.h"
#include "vcsui.h"

enum { HIST_MAX = 2000, MARK_SAME = 0, MARK_ADDED, MARK_REMOVED, MARK_CHANGED };

typedef struct hist_view {
    view base;
    vcs_log log;
    size_t cur, top;
    int list_h, canvas_top, canvas_h, page;
    ptrdiff_t shown; /* the log entry compared, -1 for none */
    bool have;       /* old, merged, gd, cv and pic are built */
    pipeline old, merged;
    graph_diff gd;
    uint8_t *mark; /* per merged node */
    canvas cv;
    picture pic;
    uint8_t *edge; /* per picture cell: MARK_ADDED / MARK_REMOVED on edges */
    int view_x, view_y;
    ptrdiff_t sel;
    char problem[700];
} hist_view;

/* ---- the comparison ---- */

static void drop_compare(hist_view *hv)
{
    if (!hv->have)
        return;
    picture_free(&hv->pic);
    canvas_free(&hv->cv);
    graph_diff_free(&hv->gd);
    pipeline_free(&hv->old);
    pipeline_free(&hv->merged);
    free(hv->mark);
    free(hv->edge);
    hv->mark = hv->edge = NULL;
    hv->have = false;
}

static void mark_route(hist_view *hv, const route *rt, uint8_t m)
{
    const picture *pic = &hv->pic;
    for (int i = 0; i + 1 < rt->n; i++) {
        int x = rt->x[i], y = rt->y[i], x1 = rt->x[i + 1], y1 = rt->y[i + 1];
        int dx = x1 > x ? 1 : x1 < x ? -1 : 0, dy = y1 > y ? 1 : y1 < y ? -1 : 0;
        for (;;) {
            int cx = x - pic->x0, cy = y - pic->y0;
            if (cx >= 0 && cy >= 0 && cx < pic->w && cy < pic->h)
                hv->edge[(size_t)cy * (size_t)pic->w + (size_t)cx] = m;
            if (x == x1 && y == y1)
                break;
            x += dx;
            y += dy;
        }
    }
}

static uint8_t edge_change(const graph_diff *d, const char *from, const char *to)
{
    for (size_t i = 0; i < d->n_edges; i++)
        if (strcmp(d->edges[i].from, from) == 0 && strcmp(d->edges[i].to, to) == 0)
            return d->edges[i].change == GD_ADDED ? MARK_ADDED : MARK_REMOVED;
    return MARK_SAME;
}

static bool only_moved(const gd_node *g)
{
    return g->change == GD_CHANGED && !g->n_settings && !g->old_type && !g->description_changed &&
           !g->inputs_changed;
}

static void compare(app *a, hist_view *hv)
{
    if (hv->shown == (ptrdiff_t)hv->cur && hv->have)
        return;
    drop_compare(hv);
    hv->problem[0] = '\0';
    hv->shown = (ptrdiff_t)hv->cur;
    if (hv->cur >= hv->log.n)
        return;
    vcs_error err = {0};
    vcs_repo *r = NULL;
    if (vcs_open(a->d.p.dir, &r, &err) != VCS_OK) {
        snprintf(hv->problem, sizeof(hv->problem), "%s", err.message);
        return;
    }
    diag_list diags;
    diag_list_init(&diags);
    vcs_rc rc = vcs_pipeline_read(r, hv->log.items[hv->cur].id, &hv->old, &diags, &err);
    diag_list_free(&diags);
    vcs_close(r);
    if (rc != VCS_OK) {
        snprintf(hv->problem, sizeof(hv->problem), "cannot read that version: %s", err.message);
        pipeline_free(&hv->old);
        return;
    }
    graph_diff_compute(&hv->old, &a->d.p, &hv->gd);
    /* the union: that version, plus what the working pipeline added */
    pipeline_copy(&hv->merged, &hv->old);
    pipeline *m = &hv->merged;
    const pipeline *w = &a->d.p;
    for (size_t i = 0; i < w->n_nodes; i++) {
        node *n = pipeline_find(m, w->nodes[i].id);
        if (!n) {
            n = pipeline_add_node(m, w->nodes[i].id, w->nodes[i].kind, w->nodes[i].type);
            node_free(n);
            node_copy(n, &w->nodes[i]);
            continue;
        }
        for (size_t k = 0; k < w->nodes[i].n_inputs; k++)
            if (!node_has_input(n, w->nodes[i].inputs[k]))
                node_add_input(n, w->nodes[i].inputs[k]);
    }
    canvas_autolayout(m, true);
    hv->mark = xcalloc(m->n_nodes + 1, 1);
    for (size_t i = 0; i < m->n_nodes; i++) {
        const gd_node *g = graph_diff_node(&hv->gd, m->nodes[i].id);
        if (!g || only_moved(g))
            continue;
        hv->mark[i] = g->change == GD_ADDED     ? MARK_ADDED
                      : g->change == GD_REMOVED ? MARK_REMOVED
                                                : MARK_CHANGED;
    }
    /* an added node may sit where a removed one was: push it clear */
    for (size_t i = 0; i < m->n_nodes; i++) {
        if (hv->mark[i] != MARK_ADDED)
            continue;
        for (int guard = 0; guard < 400; guard++) {
            canvas cv;
            canvas_build(&cv, m);
            bool bad = canvas_overlaps(&cv, i);
            canvas_free(&cv);
            if (!bad)
                break;
            m->nodes[i].y += 1;
            m->nodes[i].has_xy = true;
        }
    }
    canvas_build(&hv->cv, m);
    picture_build(&hv->pic, &hv->cv, NULL, a->ascii);
    hv->edge = xcalloc((size_t)hv->pic.w * (size_t)hv->pic.h + 1, 1);
    /* changed edges first, then unchanged ones win the runs they share */
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < hv->pic.n_routes; i++) {
            const route *rt = &hv->pic.routes[i];
            uint8_t c = edge_change(&hv->gd, m->nodes[rt->from].id, m->nodes[rt->to].id);
            if ((pass == 0) == (c != MARK_SAME))
                mark_route(hv, rt, c);
        }
    hv->have = true;
    hv->sel = -1;
    hv->view_x = hv->cv.min_x - 2;
    hv->view_y = hv->cv.min_y - 1;
}

/* ---- drawing ---- */

static style_id mark_style(uint8_t m)
{
    return m == MARK_ADDED     ? STYLE_ADDED
           : m == MARK_REMOVED ? STYLE_REMOVED
           : m == MARK_CHANGED ? STYLE_CHANGED
                               : STYLE_NORMAL;
}

static style_id plain_style(uint8_t cs)
{
    switch (cs) {
    case CS_EDGE:
        return STYLE_EDGE;
    case CS_SOURCE:
        return STYLE_SOURCE;
    case CS_TRANSFORM:
        return STYLE_TRANSFORM;
    case CS_SINK:
        return STYLE_SINK;
    case CS_ID:
        return STYLE_NODE_ID;
    case CS_TYPE:
        return STYLE_NODE_TYPE;
    default:
        return STYLE_NORMAL;
    }
}

static void paint_canvas(app *a, hist_view *hv, int top, int h)
{
    int w = a->cols;
    for (int r = 0; r < h; r++) {
        int wy = hv->view_y + r;
        for (int c = 0; c < w; c++) {
            int wx = hv->view_x + c;
            const pcell *pc = hv->have ? picture_at(&hv->pic, wx, wy) : NULL;
            if (!pc || pc->ch == 0) {
                draw_cp(stdscr, top + r, c, ' ', STYLE_NORMAL);
                continue;
            }
            if (pc->ch == CELL_WIDE_TAIL) {
                if (c == 0)
                    draw_cp(stdscr, top + r, c, ' ', STYLE_NORMAL);
                continue;
            }
            uint32_t ch = pc->ch;
            style_id s = plain_style(pc->style);
            if (pc->box >= 0) {
                uint8_t m = hv->mark[pc->box];
                if (pc->style == CS_BADGE_OK || pc->style == CS_BADGE_WARN ||
                    pc->style == CS_BADGE_ERROR) {
                    ch = m == MARK_ADDED     ? '+'
                         : m == MARK_REMOVED ? '-'
                         : m == MARK_CHANGED ? '~'
                                             : ' ';
                    s = mark_style(m);
                } else if (m != MARK_SAME && pc->style != CS_TYPE) {
                    s = mark_style(m);
                }
                if (pc->box == hv->sel)
                    s = STYLE_SELECTED;
            } else if (pc->style == CS_EDGE) {
                size_t k =
                    (size_t)(wy - hv->pic.y0) * (size_t)hv->pic.w + (size_t)(wx - hv->pic.x0);
                if (hv->edge[k])
                    s = mark_style(hv->edge[k]);
            }
            if (uw_cp_width((int32_t)ch) == 2 && c + 1 >= w)
                ch = ' ';
            draw_cp(stdscr, top + r, c, ch, s);
        }
    }
}

static void entry_text(const vcs_log_entry *e, char *buf, size_t size)
{
    time_t t = (time_t)(e->time + (long long)e->tz_offset * 60);
    struct tm tm;
    gmtime_r(&t, &tm);
    char when[32];
    strftime(when, sizeof(when), "%Y-%m-%d %H:%M", &tm);
    char ver[24];
    if (e->version >= 0)
        snprintf(ver, sizeof(ver), "v%lld", e->version);
    else
        snprintf(ver, sizeof(ver), "v?");
    char *who = uw_truncate(e->author_name ? e->author_name : "", 16, draw_ascii());
    int pad = 16 - uw_width(who);
    snprintf(buf, size, "%s  %s  %-4s %s%*s  %s", e->short_id, when, ver, who, pad > 0 ? pad : 0,
             "", e->summary ? e->summary : "");
    free(who);
}

static void summary_line(app *a, hist_view *hv, char *buf, size_t size)
{
    if (hv->problem[0] || !hv->have) {
        snprintf(buf, size, "%s", hv->problem);
        return;
    }
    const vcs_log_entry *e = &hv->log.items[hv->cur];
    const graph_diff *d = &hv->gd;
    const char *arrow = a->ascii ? "->" : "→";
    if (!graph_diff_topology_changed(d)) {
        snprintf(buf, size, " v%lld %s %s working: the same nodes and edges%s ", e->version,
                 e->short_id, arrow, d->n_moved ? " (some moved)" : "");
        return;
    }
    snprintf(buf, size,
             " v%lld %s %s working: +%zu added  -%zu removed  ~%zu changed nodes, edges +%zu "
             "-%zu ",
             e->version, e->short_id, arrow, d->n_added, d->n_removed, d->n_changed,
             d->n_edges_added, d->n_edges_removed);
}

static void node_line(app *a, hist_view *hv, char *buf, size_t size)
{
    if (!hv->have || hv->sel < 0) {
        snprintf(buf, size,
                 "+ added since that version  - removed  ~ changed   Tab: a node's "
                 "changes  d: as text");
        return;
    }
    const node *n = &hv->merged.nodes[hv->sel];
    const gd_node *g = graph_diff_node(&hv->gd, n->id);
    long long v = hv->log.items[hv->cur].version;
    if (!g || only_moved(g)) {
        snprintf(buf, size, "  %s: unchanged since v%lld%s", n->id, v, g ? " (moved)" : "");
        return;
    }
    if (g->change != GD_CHANGED) {
        snprintf(buf, size, "%c %s (%s %s): %s since v%lld", g->change == GD_ADDED ? '+' : '-',
                 n->id, g->type, node_kind_name(g->kind),
                 g->change == GD_ADDED ? "added" : "removed", v);
        return;
    }
    strbuf sb;
    strbuf_init(&sb);
    const char *arrow = a->ascii ? "->" : "→";
    strbuf_printf(&sb, "~ %s:", n->id);
    if (g->old_type)
        strbuf_printf(&sb, " type %s %s %s;", g->old_type, arrow, g->type);
    if (g->inputs_changed)
        strbuf_printf(&sb, " inputs %s %s %s;", g->old_inputs, arrow, g->new_inputs);
    if (g->description_changed)
        strbuf_puts(&sb, " description;");
    for (size_t i = 0; i < g->n_settings; i++)
        strbuf_printf(&sb, " %s: %s %s %s;", g->settings[i].key,
                      g->settings[i].old_text ? g->settings[i].old_text : "(unset)", arrow,
                      g->settings[i].new_text ? g->settings[i].new_text : "(unset)");
    snprintf(buf, size, "%s", sb.data);
    strbuf_free(&sb);
}

static void hist_draw(view *v, app *a)
{
    hist_view *hv = (hist_view *)v;
    int top = a->top, bottom = a->rows - 1; /* rows [top, bottom) are ours */
    int avail = bottom - top;
    int lh = (int)hv->log.n;
    int maxl = avail / 3 > 3 ? avail / 3 : 3;
    if (lh > maxl)
        lh = maxl;
    if (lh < 1)
        lh = 1;
    hv->list_h = lh;
    char head[300];
    snprintf(head, sizeof(head), " history of %s: %zu commit%s touched it%s",
             a->d.p.name ? a->d.p.name : "?", hv->log.n, hv->log.n == 1 ? "" : "s",
             hv->log.n >= HIST_MAX ? " (the newest shown)" : "");
    draw_text_pad(stdscr, top, 0, head, a->cols, STYLE_HEADING);
    if (hv->cur < hv->top)
        hv->top = hv->cur;
    if (hv->cur >= hv->top + (size_t)lh)
        hv->top = hv->cur - (size_t)lh + 1;
    for (int r = 0; r < lh; r++) {
        size_t i = hv->top + (size_t)r;
        char line[600] = "";
        if (i < hv->log.n)
            entry_text(&hv->log.items[i], line, sizeof(line));
        else if (!hv->log.n && r == 0)
            snprintf(line, sizeof(line), "  no commits touch the pipeline yet (g commits)");
        draw_text(stdscr, top + 1 + r, 0, "  ", 2, STYLE_NORMAL);
        draw_text_pad(stdscr, top + 1 + r, 2, line, a->cols - 2,
                      i == hv->cur && i < hv->log.n ? STYLE_SELECTED : STYLE_NORMAL);
        if (i == hv->cur && i < hv->log.n)
            draw_text(stdscr, top + 1 + r, 0, a->ascii ? ">" : "▸", 1, STYLE_KEY);
    }
    int sep = top + 1 + lh;
    draw_fill(stdscr, sep, 0, 1, a->cols, STYLE_BORDER);
    for (int c = 0; c < a->cols; c++)
        draw_cp(stdscr, sep, c, a->ascii ? '-' : 0x2500, STYLE_BORDER);
    char sum[800];
    summary_line(a, hv, sum, sizeof(sum));
    draw_text(stdscr, sep, 2, sum, a->cols - 4, hv->problem[0] ? STYLE_ERROR : STYLE_TITLE);
    hv->canvas_top = sep + 1;
    hv->canvas_h = bottom - 1 - hv->canvas_top;
    if (hv->canvas_h < 1)
        hv->canvas_h = 1;
    paint_canvas(a, hv, hv->canvas_top, hv->canvas_h);
    char info[1024];
    node_line(a, hv, info, sizeof(info));
    const node *sn = hv->have && hv->sel >= 0 ? &hv->merged.nodes[hv->sel] : NULL;
    draw_text_pad(stdscr, bottom - 1, 0, info, a->cols,
                  sn ? mark_style(hv->mark[hv->sel]) : STYLE_DIM);
    hv->page = lh;
}

/* ---- the comparison as text ---- */

typedef struct text_view {
    view base;
    char *title;
    char **lines;
    size_t n;
    int top, page;
} text_view;

static void text_draw(view *v, app *a)
{
    text_view *tv = (text_view *)v;
    int h = a->rows - 2, w = a->cols;
    draw_frame(stdscr, 1, 0, h, w, tv->title, STYLE_BORDER);
    tv->page = h - 2;
    if (tv->top > (int)tv->n - tv->page)
        tv->top = (int)tv->n - tv->page;
    if (tv->top < 0)
        tv->top = 0;
    for (int r = 0; r < h - 2; r++) {
        size_t i = (size_t)(tv->top + r);
        const char *l = i < tv->n ? tv->lines[i] : "";
        size_t n = strlen(l);
        style_id s = STYLE_NORMAL;
        const char *t = l;
        while (*t == ' ')
            t++;
        if (strncmp(l, "+++", 3) == 0 || strncmp(l, "---", 3) == 0 || strncmp(l, "diff", 4) == 0)
            s = STYLE_DIM;
        else if (*t == '+')
            s = STYLE_ADDED;
        else if (*t == '-')
            s = STYLE_REMOVED;
        else if (*t == '~')
            s = STYLE_CHANGED;
        else if (strncmp(l, "@@", 2) == 0)
            s = STYLE_HEADING;
        (void)n;
        draw_text_pad(stdscr, 2 + r, 2, l, w - 4, s);
    }
}

static int text_key(view *v, app *a, action act, int key)
{
    (void)a;
    text_view *tv = (text_view *)v;
    switch (act) {
    case ACT_HELP_UP:
        tv->top--;
        return EV_REDRAW;
    case ACT_HELP_DOWN:
        tv->top++;
        return EV_REDRAW;
    case ACT_HELP_PAGE_UP:
        tv->top -= tv->page > 1 ? tv->page - 1 : 1;
        return EV_REDRAW;
    case ACT_HELP_PAGE_DOWN:
        tv->top += tv->page > 1 ? tv->page - 1 : 1;
        return EV_REDRAW;
    case ACT_HELP_CLOSE:
        return EV_CLOSE | EV_REDRAW;
    default:
        return key == 'd' ? EV_CLOSE | EV_REDRAW : EV_REDRAW;
    }
}

static void text_destroy(view *v)
{
    text_view *tv = (text_view *)v;
    for (size_t i = 0; i < tv->n; i++)
        free(tv->lines[i]);
    free(tv->lines);
    free(tv->title);
    free(tv);
}

static const view_ops text_ops = {
    .name = "diff",
    .mode = MODE_HELP,
    .draw = text_draw,
    .on_key = text_key,
    .destroy = text_destroy,
};

static void text_open(app *a, const char *title, const char *text)
{
    text_view *tv = xcalloc(1, sizeof(*tv));
    tv->base.ops = &text_ops;
    tv->title = xstrdup(title);
    for (const char *s = text; *s;) {
        size_t n = strcspn(s, "\n");
        char *l = xstrndup(s, n);
        for (char *t = l; *t; t++)
            if (*t == '\t')
                *t = ' ';
        tv->lines = xrealloc(tv->lines, (tv->n + 1) * sizeof(char *));
        tv->lines[tv->n++] = l;
        s += n;
        if (*s)
            s++;
    }
    app_push(a, &tv->base);
}

static int show_text_diff(app *a, hist_view *hv)
{
    if (hv->cur >= hv->log.n)
        return EV_REDRAW;
    const vcs_log_entry *e = &hv->log.items[hv->cur];
    vcs_error err = {0};
    vcs_repo *r = NULL;
    if (vcs_open(a->d.p.dir, &r, &err) != VCS_OK) {
        app_message(a, STYLE_ERROR, "git: %s", err.message);
        return EV_REDRAW;
    }
    vcs_rev_diff rd;
    diag_list diags;
    diag_list_init(&diags);
    vcs_rc rc = vcs_rev_diff_compute(r, e->id, NULL, &rd, &diags, &err);
    diag_list_free(&diags);
    vcs_close(r);
    if (rc != VCS_OK) {
        app_message(a, STYLE_ERROR, "cannot compare: %s", err.message);
        return EV_REDRAW;
    }
    strbuf sb;
    strbuf_init(&sb);
    if (doc_dirty(&a->d))
        strbuf_puts(&sb, "(the files as saved: the canvas has unsaved edits, not shown here)\n\n");
    vcs_rev_diff_format(&rd, &sb, false);
    vcs_rev_diff_free(&rd);
    char title[200];
    snprintf(title, sizeof(title), "v%lld %s %s working folder  (Esc closes, arrows scroll)",
             e->version, e->short_id, a->ascii ? "->" : "→");
    text_open(a, title, sb.data ? sb.data : "");
    strbuf_free(&sb);
    return EV_REDRAW;
}

/* ---- restore, and its undo ---- */

static struct {
    bool active;
    const char *label; /* the undo entry's label: identifies the restore */
    char id[41];
    vcs_snapshot before; /* the files as they were, for undo */
} rs;

static void mark_saved(app *a)
{
    a->d.saved_change = a->d.change;
    undo_mark(&a->d.undo, a->d.saved_change); /* undoing back here is "saved" */
    a->d.journal_change = a->d.change;
    journal_remove(a->d.p.dir);
    journal_note_disk(a->d.p.dir); /* later journals are against these files */
}

static void reselect(app *a, char *sel)
{
    app_rebuild(a);
    a->sel = app_find(a, sel);
    app_ensure_visible(a, a->sel, false);
    free(sel);
}

/* Write rev's files, then make the model the files (undo keeps the old). */
static int do_restore(app *a, const vcs_log_entry *e)
{
    vcs_error err = {0};
    vcs_repo *r = NULL;
    if (vcs_open(a->d.p.dir, &r, &err) != VCS_OK) {
        app_message(a, STYLE_ERROR, "git: %s", err.message);
        return EV_REDRAW;
    }
    vcs_snapshot before;
    size_t n = 0;
    if (vcs_restore(r, e->id, &before, &n, &err) != VCS_OK) {
        vcs_close(r);
        app_message(a, STYLE_ERROR, "not restored: %s", err.message);
        return EV_REDRAW;
    }
    char *dir = xstrdup(a->d.p.dir);
    doc tmp;
    char lerr[300];
    if (!doc_load(&tmp, dir, lerr, sizeof(lerr))) {
        vcs_snapshot_apply(r, &before, NULL, &err);
        vcs_snapshot_free(&before);
        vcs_close(r);
        doc_free(&tmp);
        free(dir);
        app_message(a, STYLE_ERROR, "that version cannot be read (%s); the files were put back",
                    lerr);
        return EV_REDRAW;
    }
    vcs_close(r);
    canvas_autolayout(&tmp.p, true);
    char label[96];
    snprintf(label, sizeof(label), "restore v%lld (%s)", e->version, e->short_id);
    char *sel = app_sel_id(a) ? xstrdup(app_sel_id(a)) : NULL;
    doc_begin(&a->d, sel, label);
    pipeline_free(&a->d.p);
    code_origins_free(&a->d.origins);
    diag_list_free(&a->d.load_diags);
    a->d.p = tmp.p;
    a->d.origins = tmp.origins;
    a->d.load_diags = tmp.load_diags;
    pipeline_init(&tmp.p);
    code_origins_init(&tmp.origins);
    diag_list_init(&tmp.load_diags);
    doc_free(&tmp);
    free(dir);
    doc_commit(&a->d);
    a->d.exists = true;
    mark_saved(a);
    if (rs.active)
        vcs_snapshot_free(&rs.before);
    rs.active = true;
    rs.before = before;
    snprintf(rs.id, sizeof(rs.id), "%s", e->id);
    rs.label = a->d.undo.undo[a->d.undo.n_undo - 1].label;
    vcsui_status_invalidate();
    app_message(a, STYLE_OK,
                "restored v%lld (%s): %zu file%s changed, uncommitted; u undoes, g commits",
                e->version, e->short_id, n, n == 1 ? "" : "s");
    reselect(a, sel);
    return EV_RELAYOUT | EV_SCROLL | EV_REDRAW;
}

int history_undo_hook(app *a, bool redo)
{
    if (!rs.active)
        return 0;
    undo_stack *u = &a->d.undo;
    if (redo ? !u->n_redo || u->redo[u->n_redo - 1].label != rs.label
             : !u->n_undo || u->undo[u->n_undo - 1].label != rs.label)
        return 0;
    vcs_error err = {0};
    vcs_repo *r = NULL;
    if (vcs_open(a->d.p.dir, &r, &err) != VCS_OK) {
        app_message(a, STYLE_ERROR, "cannot %s the restore: %s", redo ? "redo" : "undo",
                    err.message);
        return EV_REDRAW;
    }
    size_t n = 0;
    vcs_rc rc;
    if (redo) {
        vcs_snapshot nb;
        rc = vcs_restore(r, rs.id, &nb, &n, &err);
        if (rc == VCS_OK) {
            vcs_snapshot_free(&rs.before);
            rs.before = nb;
        }
    } else {
        rc = vcs_snapshot_apply(r, &rs.before, &n, &err);
    }
    vcs_close(r);
    if (rc != VCS_OK) {
        app_message(a, STYLE_ERROR, "cannot %s the restore: %s", redo ? "redo" : "undo",
                    err.message);
        return EV_REDRAW;
    }
    char *sel = app_sel_id(a) ? xstrdup(app_sel_id(a)) : NULL;
    const char *label = NULL;
    if (redo)
        doc_redo(&a->d, &sel, &label);
    else
        doc_undo(&a->d, &sel, &label);
    mark_saved(a);
    vcsui_status_invalidate();
    app_message(a, STYLE_OK, "%s %s: %zu file%s written back", redo ? "redid" : "undid",
                label ? label : "restore", n, n == 1 ? "" : "s");
    reselect(a, sel);
    return EV_RELAYOUT | EV_SCROLL | EV_REDRAW;
}

static int restore_done(app *a, int key, void *ctx)
{
    hist_view *hv = ctx;
    if (key != 'y')
        return EV_CLOSE | EV_REDRAW;
    vcs_log_entry e = hv->log.items[hv->cur]; /* hv is dropped after */
    int r = do_restore(a, &e);
    if (r & EV_RELAYOUT)
        vcsui_drop_below_top(a); /* restored: back to the canvas */
    return r | EV_CLOSE;
}

static int ask_restore(app *a, hist_view *hv, bool below_top)
{
    const vcs_log_entry *e = &hv->log.items[hv->cur];
    char body[900];
    snprintf(body, sizeof(body),
             "Restore v%lld (%s \"%s\") into %s?\n"
             "Its files replace the pipeline's files there; files it did not have\n"
             "are removed. Nothing is committed: HEAD and the index stay as they are,\n"
             "and u on the canvas puts the files back.",
             e->version, e->short_id, e->summary ? e->summary : "", a->d.p.dir);
    view *q = confirm_open(a, "restore this version?", body, "y restore  Esc cancel", "y",
                           restore_done, hv);
    if (below_top && a->n_views >= 2 && a->views[a->n_views - 1] == q) {
        a->n_views--;
        vcsui_push_below_top(a, q);
    }
    return EV_REDRAW;
}

static int save_then_restore(app *a, int key, void *ctx)
{
    if (key != 's')
        return EV_CLOSE | EV_REDRAW;
    commands_save(a);
    if (doc_dirty(&a->d) || editpane_dirty())
        return EV_CLOSE | EV_REDRAW;
    return ask_restore(a, ctx, true) | EV_CLOSE;
}

static int restore(app *a, hist_view *hv)
{
    if (hv->cur >= hv->log.n)
        return EV_REDRAW;
    if (editpane_is_open()) {
        app_message(a, STYLE_WARNING,
                    "close the SQL/Lua editor first (E): its buffer would not follow a restore");
        return EV_REDRAW;
    }
    if (doc_dirty(&a->d)) {
        confirm_open(a, "unsaved changes",
                     "The canvas has unsaved changes. Save them before restoring?\n"
                     "(Then u, after the restore, brings them back as saved.)",
                     "s save, then restore  Esc cancel", "s", save_then_restore, hv);
        return EV_REDRAW;
    }
    return ask_restore(a, hv, false);
}

/* ---- keys ---- */

static void next_changed(hist_view *hv, int step)
{
    if (!hv->have || !hv->merged.n_nodes)
        return;
    size_t *order = canvas_topo_order(&hv->merged);
    size_t n = hv->merged.n_nodes, pos = n - 1;
    if (step < 0)
        pos = 0;
    for (size_t i = 0; i < n; i++)
        if ((ptrdiff_t)order[i] == hv->sel)
            pos = i;
    for (size_t k = 1; k <= n; k++) {
        size_t i = (pos + (step > 0 ? k : n * 2 - k)) % n;
        if (hv->mark[order[i]] != MARK_SAME || k == n) {
            hv->sel = (ptrdiff_t)order[i];
            break;
        }
    }
    free(order);
    /* keep it on screen */
    const cbox *b = &hv->cv.box[hv->sel];
    if (b->x < hv->view_x || b->y < hv->view_y || b->y + b->h > hv->view_y + hv->canvas_h)
        hv->view_x = b->x - 4, hv->view_y = b->y - 1;
}

static int hist_key(view *v, app *a, action act, int key)
{
    (void)key;
    hist_view *hv = (hist_view *)v;
    size_t before = hv->cur;
    switch (act) {
    case ACT_HIST_UP:
        if (hv->cur)
            hv->cur--;
        break;
    case ACT_HIST_DOWN:
        if (hv->cur + 1 < hv->log.n)
            hv->cur++;
        break;
    case ACT_HIST_PAGE_UP:
        hv->cur = hv->cur > (size_t)hv->page ? hv->cur - (size_t)hv->page : 0;
        break;
    case ACT_HIST_PAGE_DOWN:
        hv->cur += (size_t)hv->page;
        if (hv->cur >= hv->log.n)
            hv->cur = hv->log.n ? hv->log.n - 1 : 0;
        break;
    case ACT_HIST_NEXT_NODE:
        next_changed(hv, 1);
        return EV_REDRAW;
    case ACT_HIST_PREV_NODE:
        next_changed(hv, -1);
        return EV_REDRAW;
    case ACT_HIST_PAN_LEFT:
        hv->view_x -= a->cols / 4;
        return EV_REDRAW;
    case ACT_HIST_PAN_RIGHT:
        hv->view_x += a->cols / 4;
        return EV_REDRAW;
    case ACT_HIST_PAN_UP:
        hv->view_y -= hv->canvas_h / 2;
        return EV_REDRAW;
    case ACT_HIST_PAN_DOWN:
        hv->view_y += hv->canvas_h / 2;
        return EV_REDRAW;
    case ACT_HIST_DIFF:
        return show_text_diff(a, hv);
    case ACT_HIST_RESTORE:
        return restore(a, hv);
    case ACT_HIST_CLOSE:
        return EV_CLOSE | EV_SCROLL | EV_REDRAW;
    case ACT_HIST_HELP:
        help_open(a, MODE_HISTORY);
        return EV_REDRAW;
    default:
        return EV_REDRAW;
    }
    if (hv->cur != before)
        compare(a, hv);
    return EV_REDRAW;
}

static void hist_destroy(view *v)
{
    hist_view *hv = (hist_view *)v;
    drop_compare(hv);
    vcs_log_free(&hv->log);
    free(hv);
}

static const view_ops hist_ops = {
    .name = "history",
    .mode = MODE_HISTORY,
    .draw = hist_draw,
    .on_key = hist_key,
    .destroy = hist_destroy,
};

int history_open(app *a)
{
    vcs_error err = {0};
    vcs_repo *r = NULL;
    vcs_rc rc = vcs_open(a->d.p.dir, &r, &err);
    if (rc == VCS_NO_REPO) {
        app_message(a, STYLE_WARNING, "no git repository: no history yet (g offers to create one)");
        return EV_REDRAW;
    }
    if (rc != VCS_OK) {
        app_message(a, STYLE_ERROR, "git: %s", err.message);
        return EV_REDRAW;
    }
    hist_view *hv = xcalloc(1, sizeof(*hv));
    hv->base.ops = &hist_ops;
    hv->shown = -1;
    hv->sel = -1;
    rc = vcs_log_read(r, NULL, HIST_MAX, &hv->log, &err);
    vcs_close(r);
    if (rc != VCS_OK) {
        free(hv);
        app_message(a, STYLE_ERROR, "cannot read the history: %s", err.message);
        return EV_REDRAW;
    }
    if (!hv->log.n) {
        vcs_log_free(&hv->log);
        free(hv);
        app_message(a, STYLE_WARNING, "no commit touches the pipeline yet: g commits it");
        return EV_REDRAW;
    }
    hv->cur = 0; /* HEAD's version first: what is not committed yet */
    compare(a, hv);
    app_push(a, &hv->base);
    return EV_REDRAW;
}
