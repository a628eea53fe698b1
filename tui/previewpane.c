/* previewpane: the preview pane at the bottom of the canvas (see
 * previewpane.h).  The engine runs on its worker thread; this file starts
 * jobs, polls them from the main loop, and draws what pvlayout computes. */
#include "previewpane.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli.h"
#include "draw.h"
#include "fsutil.h"
#include "idindex.h"
#include "input.h"
#include "preview.h"
#include "pvlayout.h"
#include "util.h"
#include "uwidth.h"

enum {
    PROGRESS_AFTER_MS = 100, /* shorter runs show no progress line */
    PROGRESS_EVERY_MS = 100, /* redraw the progress line this often */
    PANE_MIN_H = 4,          /* title, header, types, one row */
    WATCH_EVERY_MS = 500,    /* look at the files the shown node reads */
    CANVAS_MIN_H = 3,
};

/* One table the pane shows: the previewed node's output, or (side by side)
 * one of its inputs. */
typedef struct side {
    char *node;    /* the node it shows, NULL for none */
    bool have;     /* a result for node arrived */
    bool running;  /* a job for node is queued or running */
    bool ok;       /* the result is a table (else diags say why) */
    bool stopped;  /* the run was cancelled */
    char *unsaved; /* failed because this code file is not written yet */
    pv_table *t;   /* a reference, NULL when failed */
    pvl_layout lay;
    diag_list diags;
    double ms;
    size_t executed;
} side;

typedef struct schema_entry {
    char *id;
    bool known;
    pv_schema s;
} schema_entry;

static struct {
    bool open, detail, split, maximized;
    int grow;     /* rows added (or taken) by +/- */
    size_t input; /* side by side: which input */
    preview_engine *eng;
    bool have_model; /* the engine has a copy of the model */
    unsigned long seen_change, seen_saved;
    bool invalid; /* files changed: set the model again */
    bool badged;  /* a failure put an error badge on a node */
    side out, in; /* the output, and the input shown beside it */
    preview_job *job;
    side *job_side;
    bool cancel_asked;
    unsigned long long job_t0, last_progress;
    side *queue[2]; /* runs waiting for the worker */
    int n_queue;
    pvl_scroll sc; /* rows and columns of the table */
    size_t dtop;   /* first line of the detail view */
    schema_entry *schemas;
    size_t n_schemas;
    char note[160];                       /* why nothing runs (errors upstream, no selection) */
    unsigned long long files, last_watch; /* fingerprint of the files read */
} P;

static unsigned long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (unsigned long long)ts.tv_sec * 1000ull + (unsigned long long)ts.tv_nsec / 1000000ull;
}

static void side_clear_result(side *s)
{
    pv_table_unref(s->t);
    s->t = NULL;
    pvl_layout_free(&s->lay);
    diag_list_free(&s->diags);
    diag_list_init(&s->diags);
    s->have = s->ok = s->stopped = false;
    free(s->unsaved);
    s->unsaved = NULL;
}

static void side_reset(side *s)
{
    side_clear_result(s);
    free(s->node);
    s->node = NULL;
    s->running = false;
}

static bool same(const char *x, const char *y)
{
    return x && y ? strcmp(x, y) == 0 : x == y;
}

/* ---- layout of the screen ---- */

static int default_height(const app *a)
{
    int avail = a->rows - 2;
    if (P.maximized)
        return avail;
    int h = avail * 9 / 22 + P.grow; /* 9 of 22 rows at 80x24, as in DESIGN.md */
    int max = avail - CANVAS_MIN_H;
    if (h > max)
        h = max;
    if (h < PANE_MIN_H)
        h = PANE_MIN_H;
    if (h > avail - 1)
        h = avail - 1;
    return h < 0 ? 0 : h;
}

/* Keep a->preview_h right for the terminal; true when it changed. */
static bool fix_height(app *a)
{
    int h = P.open ? default_height(a) : 0;
    if (h == a->preview_h)
        return false;
    a->preview_h = h;
    app_layout(a);
    if (a->sel >= 0)
        app_ensure_visible(a, a->sel, false);
    return true;
}

/* Rows of the table body (under the header and types lines). */
static int page_rows(const app *a)
{
    int body = a->preview_h - 1 - 2 - (P.split ? 1 : 0);
    return body < 1 ? 1 : body;
}

static int table_width(const app *a)
{
    return P.split ? (a->cols - 1) / 2 - 1 : a->cols - 1;
}

/* ---- schemas ---- */

static void schemas_free(void)
{
    for (size_t i = 0; i < P.n_schemas; i++) {
        free(P.schemas[i].id);
        pv_schema_free(&P.schemas[i].s);
    }
    free(P.schemas);
    P.schemas = NULL;
    P.n_schemas = 0;
}

/* The schemas asked for since the last run, copied out of the engine (a
 * NULL-typed entry with no columns and known = false remembers "unknown").
 * The engine is never asked while a job runs; the copies answer then. */
static const pv_schema *schema_lookup(const char *id)
{
    for (size_t i = 0; i < P.n_schemas; i++)
        if (strcmp(P.schemas[i].id, id) == 0)
            return P.schemas[i].known ? &P.schemas[i].s : NULL;
    if (!P.eng || P.job)
        return NULL;
    P.schemas = xrealloc(P.schemas, (P.n_schemas + 1) * sizeof(schema_entry));
    schema_entry *e = &P.schemas[P.n_schemas++];
    e->id = xstrdup(id);
    e->known = preview_schema(P.eng, id, &e->s);
    if (!e->known)
        e->s = (pv_schema){NULL, 0};
    return e->known ? &e->s : NULL;
}

const pv_schema *previewpane_schema(app *a, const char *id)
{
    (void)a;
    return id ? schema_lookup(id) : NULL;
}

/* ---- running ---- */

static void start_next(void)
{
    while (!P.job && P.n_queue) {
        side *s = P.queue[0];
        memmove(P.queue, P.queue + 1, (size_t)(P.n_queue - 1) * sizeof(side *));
        P.n_queue--;
        if (!s->node)
            continue;
        P.job = preview_start(P.eng, s->node);
        if (!P.job) {
            s->running = false;
            continue;
        }
        P.job_side = s;
        P.cancel_asked = false;
        P.job_t0 = now_ms();
        P.last_progress = 0;
    }
}

/* Wait for the running job and drop its result (a newer run replaces it). */
static void drop_job(void)
{
    if (!P.job)
        return;
    preview_job_cancel(P.job);
    preview_result r;
    preview_job_finish(P.job, &r);
    preview_result_free(&r);
    P.job = NULL;
    if (P.job_side)
        P.job_side->running = false;
    P.job_side = NULL;
}

/* The preview failed: put the error badge on the node it names, the way
 * validation problems show on the canvas. */
static void badge_failure(app *a, const side *s)
{
    const char *id = s->node;
    for (size_t i = 0; i < s->diags.n; i++)
        if (s->diags.items[i].node_id && s->diags.items[i].severity == DIAG_ERROR) {
            id = s->diags.items[i].node_id;
            break;
        }
    ptrdiff_t k = app_find(a, id);
    if (k >= 0 && a->d.badges && a->d.badges[k] != BADGE_ERROR) {
        a->d.badges[k] = BADGE_ERROR;
        a->need_pic = true;
        P.badged = true;
    }
}

/* A node made or renamed in the canvas has its SQL/Lua file written on
 * save (doc_save); until then the run fails for want of it.  That is not an
 * error to badge (the validator does not either), just a step to take. */
static char *unsaved_code_file(app *a, const side *s)
{
    for (size_t i = 0; i < s->diags.n; i++) {
        const diag *g = &s->diags.items[i];
        const node *n = pipeline_find(&a->d.p, g->node_id ? g->node_id : s->node);
        const node_type *t = n ? node_type_find(n->kind, n->type) : NULL;
        const char *code = t && t->code_setting ? node_setting_text(n, t->code_setting) : NULL;
        if (!code || !a->d.p.dir)
            continue;
        char *path = fs_join(a->d.p.dir, code);
        bool missing = !fs_exists(path);
        free(path);
        if (missing && doc_dirty(&a->d))
            return xstrdup(code);
    }
    return NULL;
}

static void finish_job(app *a)
{
    preview_result r;
    preview_job_finish(P.job, &r);
    side *s = P.job_side;
    P.job = NULL;
    P.job_side = NULL;
    side_clear_result(s);
    s->running = false;
    s->have = true;
    s->ok = r.ok && r.table;
    s->stopped = P.cancel_asked && !r.ok;
    s->ms = r.elapsed_ms;
    s->executed = r.executed;
    for (size_t i = 0; i < r.diags.n; i++) {
        const diag *g = &r.diags.items[i];
        diag_add(&s->diags, g->severity, g->path, g->line, g->col, g->node_id, "%s", g->message);
    }
    if (s->ok) {
        s->t = pv_table_ref(r.table);
        pvl_layout_build(&s->lay, s->t, PVL_MAX_COL_WIDTH, a->ascii);
    }
    preview_result_free(&r);
    schemas_free(); /* ask the engine again: this run may have changed them */
    if (P.badged && s == &P.out) {
        /* the validator's badges again, without the last failure's */
        doc_validate(&a->d);
        a->need_pic = true;
        P.badged = false;
    }
    if (!s->ok && !s->stopped)
        s->unsaved = unsaved_code_file(a, s);
    if (!s->ok && !s->stopped && !s->unsaved)
        badge_failure(a, s);
    P.cancel_asked = false;
}

/* id and every node upstream of it, as indices (caller frees); cycles and
 * unknown inputs are fine.  Hashed ids keep it linear on big pipelines. */
static size_t upstream_of(app *a, const char *id, size_t **out)
{
    const pipeline *p = &a->d.p;
    *out = NULL;
    ptrdiff_t k = id ? app_find(a, id) : -1;
    if (k < 0)
        return 0;
    id_index ix;
    id_index_build(&ix, p);
    bool *seen = xcalloc(p->n_nodes, sizeof(bool));
    size_t *list = xmalloc(p->n_nodes * sizeof(size_t));
    size_t n = 0;
    list[n++] = (size_t)k;
    seen[k] = true;
    for (size_t i = 0; i < n; i++) {
        const node *nd = &p->nodes[list[i]];
        for (size_t j = 0; j < nd->n_inputs; j++) {
            ptrdiff_t q = id_index_get(&ix, nd->inputs[j]);
            if (q >= 0 && !seen[q]) {
                seen[q] = true;
                list[n++] = (size_t)q;
            }
        }
    }
    free(seen);
    id_index_free(&ix);
    *out = list;
    return n;
}

/* A node with validation errors on the way to id: the engine is not asked
 * to run a pipeline the validator refuses (a cycle, a missing input). */
static const char *blocked_by(app *a, const char *id)
{
    if (!a->d.badges)
        return NULL;
    size_t *list;
    size_t n = upstream_of(a, id, &list);
    const char *bad = NULL;
    for (size_t i = 0; i < n && !bad; i++) {
        if (a->d.badges[list[i]] != BADGE_ERROR)
            continue;
        /* only the validator's errors count, not an earlier preview's */
        const char *nid = a->d.p.nodes[list[i]].id;
        for (size_t j = 0; j < a->d.diags.n && !bad; j++)
            if (a->d.diags.items[j].severity == DIAG_ERROR &&
                same(a->d.diags.items[j].node_id, nid))
                bad = nid;
    }
    free(list);
    return bad;
}

/* A fingerprint of the files a preview of id reads (code and sample files
 * of id and everything upstream): size, mtime and inode, so an edit made
 * outside weir (another editor, a script) reruns the preview. */
static unsigned long long files_print(app *a, const char *id)
{
    const pipeline *p = &a->d.p;
    unsigned long long h = 1469598103934665603ull; /* FNV-1a */
    if (!p->dir)
        return h;
    size_t *list;
    size_t n = upstream_of(a, id, &list);
    for (size_t k = 0; k < n; k++) {
        const node *nd = &p->nodes[list[k]];
        const node_type *t = node_type_find(nd->kind, nd->type);
        const char *files[2] = {t && t->code_setting ? node_setting_text(nd, t->code_setting)
                                                     : NULL,
                                nd->kind == NODE_SOURCE ? node_setting_text(nd, "sample") : NULL};
        for (int i = 0; i < 2; i++) {
            if (!files[i])
                continue;
            char *path = fs_join(p->dir, files[i]);
            struct stat st;
            unsigned long long v[4] = {0, 0, 0, 0};
            if (stat(path, &st) == 0) {
                v[0] = (unsigned long long)st.st_size;
                v[1] = (unsigned long long)st.st_mtim.tv_sec;
                v[2] = (unsigned long long)st.st_mtim.tv_nsec;
                v[3] = (unsigned long long)st.st_ino;
            }
            free(path);
            for (int j = 0; j < 4; j++)
                h = (h ^ v[j]) * 1099511628211ull;
        }
    }
    free(list);
    return h;
}

/* Set the sides' nodes from the selection and queue what must run. */
static void restart(app *a, bool force)
{
    const char *want = app_sel_id(a);
    const node *n = want ? pipeline_find(&a->d.p, want) : NULL;
    const char *want_in = NULL;
    if (P.split && n && n->n_inputs)
        want_in = n->inputs[P.input % n->n_inputs];
    if (!force && same(want, P.out.node) && same(want_in, P.in.node))
        return;
    drop_job();
    P.n_queue = 0;
    if (!same(want, P.out.node)) {
        P.sc = (pvl_scroll){0, 0, 0};
        P.dtop = 0;
        P.detail = false;
        side_reset(&P.out);
    }
    if (!same(want_in, P.in.node))
        side_reset(&P.in);
    P.note[0] = '\0';
    if (!want) {
        snprintf(P.note, sizeof(P.note), "select a node to see its output");
        side_reset(&P.out);
        side_reset(&P.in);
        return;
    }
    const char *bad = blocked_by(a, want);
    if (bad) {
        snprintf(P.note, sizeof(P.note), "%s has problems to fix first (! lists them)", bad);
        side_clear_result(&P.out);
        side_clear_result(&P.in);
        free(P.out.node);
        P.out.node = xstrdup(want);
        return;
    }
    if (!P.have_model || P.invalid || a->d.change != P.seen_change ||
        a->d.saved_change != P.seen_saved) {
        preview_engine_set_pipeline(P.eng, &a->d.p);
        P.have_model = true;
        P.invalid = false;
        P.seen_change = a->d.change;
        P.seen_saved = a->d.saved_change;
    }
    if (!P.out.node)
        P.out.node = xstrdup(want);
    P.files = files_print(a, want);
    P.last_watch = now_ms();
    P.out.running = true;
    P.queue[P.n_queue++] = &P.out;
    if (want_in) {
        if (!P.in.node)
            P.in.node = xstrdup(want_in);
        P.in.running = true;
        P.queue[P.n_queue++] = &P.in;
    }
    start_next();
}

static bool model_changed(app *a)
{
    return P.invalid || a->d.change != P.seen_change || a->d.saved_change != P.seen_saved;
}

bool previewpane_tick(app *a)
{
    bool redraw = fix_height(a);
    if (!P.open)
        return redraw;
    if (P.job && preview_job_done(P.job)) {
        finish_job(a);
        start_next();
        redraw = true;
    }
    if (model_changed(a)) {
        restart(a, true);
        redraw = true;
    } else {
        const char *want = app_sel_id(a);
        if (!same(want, P.out.node) || (P.split && !P.in.node && want)) {
            restart(a, false);
            redraw = true;
        }
    }
    if (!P.job && P.out.node && !P.note[0] && now_ms() - P.last_watch >= WATCH_EVERY_MS) {
        P.last_watch = now_ms();
        if (files_print(a, P.out.node) != P.files) {
            restart(a, true);
            redraw = true;
        }
    }
    if (P.job) {
        unsigned long long t = now_ms();
        if (t - P.job_t0 >= PROGRESS_AFTER_MS && t - P.last_progress >= PROGRESS_EVERY_MS) {
            P.last_progress = t;
            redraw = true;
        }
    }
    return redraw;
}

bool previewpane_busy(void)
{
    return P.job != NULL;
}

void previewpane_invalidate(app *a)
{
    (void)a;
    P.invalid = true;
}

static void ensure_engine(void)
{
    if (!P.eng) {
        P.eng = preview_engine_new(NULL);
        diag_list_init(&P.out.diags);
        diag_list_init(&P.in.diags);
    }
}

int previewpane_toggle(app *a)
{
    if (P.open) {
        drop_job();
        P.n_queue = 0;
        P.open = false;
        P.detail = false;
        if (a->cmode == MODE_PREVIEW)
            a->cmode = MODE_CANVAS;
        fix_height(a);
        return EV_SCROLL | EV_REDRAW;
    }
    ensure_engine();
    P.open = true;
    fix_height(a);
    restart(a, true);
    return EV_SCROLL | EV_REDRAW;
}

int previewpane_focus(app *a)
{
    if (!P.open)
        previewpane_toggle(a);
    a->cmode = MODE_PREVIEW;
    return EV_SCROLL | EV_REDRAW;
}

int previewpane_cancel(app *a)
{
    if (!P.job) {
        if (a->cmode == MODE_PREVIEW)
            app_message(a, STYLE_DIM, "no preview is running");
        return EV_REDRAW;
    }
    P.cancel_asked = true;
    preview_job_cancel(P.job);
    P.n_queue = 0;
    if (P.in.running && P.job_side != &P.in)
        P.in.running = false;
    app_message(a, STYLE_DIM, "stopping the preview of %s", P.job_side->node);
    return EV_REDRAW;
}

void previewpane_free(app *a)
{
    (void)a;
    drop_job();
    side_reset(&P.out);
    side_reset(&P.in);
    diag_list_free(&P.out.diags);
    diag_list_free(&P.in.diags);
    schemas_free();
    preview_engine_free(P.eng);
    memset(&P, 0, sizeof(P));
}

/* ---- keys ---- */

static const side *shown(void)
{
    return &P.out;
}

static size_t shown_rows(void)
{
    return P.out.ok && P.out.t ? P.out.t->n_rows : 0;
}

static int toggle_split(app *a)
{
    if (P.split) {
        P.split = false;
        side_reset(&P.in);
        return EV_REDRAW;
    }
    const char *id = app_sel_id(a);
    const node *n = id ? pipeline_find(&a->d.p, id) : NULL;
    if (!n || !n->n_inputs) {
        app_message(a, STYLE_DIM, "%s has no inputs to show beside it",
                    n ? n->id : "nothing selected:");
        return EV_REDRAW;
    }
    P.split = true;
    P.detail = false;
    P.sc.col = 0; /* the two tables have different columns */
    P.input = 0;
    restart(a, false);
    return EV_REDRAW;
}

static int next_input(app *a)
{
    const char *id = app_sel_id(a);
    const node *n = id ? pipeline_find(&a->d.p, id) : NULL;
    if (!P.split || !n || !n->n_inputs) {
        app_message(a, STYLE_DIM, "i shows a transform's input beside its output first");
        return EV_REDRAW;
    }
    P.input = (P.input + 1) % n->n_inputs;
    restart(a, false);
    return EV_REDRAW;
}

static int resize(app *a, int delta)
{
    P.maximized = false;
    int before = default_height(a);
    P.grow += delta;
    int after = default_height(a);
    P.grow -= delta - (after - before); /* do not store rows the clamp refused */
    if (after == before)
        app_message(a, STYLE_DIM, "the pane is as %s as it gets", delta > 0 ? "tall" : "short");
    fix_height(a);
    return EV_SCROLL | EV_REDRAW;
}

static int detail_lines(app *a)
{
    if (!P.out.ok || !P.out.t || !P.out.t->n_rows)
        return 0;
    pvl_line *lines;
    size_t n = pvl_detail(P.out.t, P.sc.row, a->cols - 2, a->ascii, &lines);
    pvl_lines_free(lines, n);
    return (int)n;
}

static void detail_scroll(app *a, long delta)
{
    int n = detail_lines(a), page = a->preview_h - 1;
    long top = (long)P.dtop + delta;
    if (top > n - page)
        top = n - page;
    if (top < 0)
        top = 0;
    P.dtop = (size_t)top;
}

int previewpane_key(app *a, action act)
{
    size_t n_rows = shown_rows();
    int page = page_rows(a);
    switch (act) {
    case ACT_PV_UP:
        if (P.detail)
            detail_scroll(a, -1);
        else
            pvl_scroll_rows(&P.sc, -1, n_rows, page);
        return EV_REDRAW;
    case ACT_PV_DOWN:
        if (P.detail)
            detail_scroll(a, 1);
        else
            pvl_scroll_rows(&P.sc, 1, n_rows, page);
        return EV_REDRAW;
    case ACT_PV_LEFT:
    case ACT_PV_RIGHT: {
        long d = act == ACT_PV_LEFT ? -1 : 1;
        if (P.detail) {
            pvl_scroll_rows(&P.sc, d, n_rows, page);
            P.dtop = 0;
        } else {
            const side *s = shown();
            pvl_scroll_cols(&P.sc, d, &s->lay, table_width(a));
        }
        return EV_REDRAW;
    }
    case ACT_PV_PAGE_UP:
    case ACT_PV_PAGE_DOWN: {
        long d = act == ACT_PV_PAGE_UP ? -page : page;
        if (P.detail)
            detail_scroll(a, act == ACT_PV_PAGE_UP ? -(a->preview_h - 2) : a->preview_h - 2);
        else
            pvl_scroll_rows(&P.sc, d, n_rows, page);
        return EV_REDRAW;
    }
    case ACT_PV_TOP:
        P.sc.row = 0;
        pvl_scroll_clamp(&P.sc, n_rows, page);
        P.dtop = 0;
        return EV_REDRAW;
    case ACT_PV_BOTTOM:
        P.sc.row = n_rows ? n_rows - 1 : 0;
        pvl_scroll_clamp(&P.sc, n_rows, page);
        P.dtop = 0;
        return EV_REDRAW;
    case ACT_PV_DETAIL:
        if (!P.detail && !n_rows) {
            app_message(a, STYLE_DIM, "no row to show");
            return EV_REDRAW;
        }
        P.detail = !P.detail;
        P.dtop = 0;
        return EV_REDRAW;
    case ACT_PV_SPLIT:
        return toggle_split(a);
    case ACT_PV_NEXT_INPUT:
        return next_input(a);
    case ACT_PV_GROW:
        return resize(a, 2);
    case ACT_PV_SHRINK:
        return resize(a, -2);
    case ACT_PV_ZOOM:
        P.maximized = !P.maximized;
        fix_height(a);
        return EV_SCROLL | EV_REDRAW;
    case ACT_PV_RERUN: {
        /* Plugin files too: the worker reads the registry, so it is
         * stopped before the registry is replaced. */
        drop_job();
        const node_registry *types = cli_reload_plugins(a->d.p.dir);
        doc_validate(&a->d);
        if (types->problems.n_errors) {
            char first[300];
            diag_format(&types->problems.items[0], first, sizeof(first));
            app_message(a, STYLE_ERROR, "plugins: %s", first);
        }
        P.invalid = true;
        restart(a, true);
        return EV_RELAYOUT | EV_REDRAW;
    }
    case ACT_PV_CANCEL:
        return previewpane_cancel(a);
    case ACT_PV_BACK:
        if (P.detail) {
            P.detail = false;
            return EV_REDRAW;
        }
        a->cmode = MODE_CANVAS;
        return EV_REDRAW;
    case ACT_PV_CLOSE:
        return previewpane_toggle(a);
    case ACT_PV_HELP:
        help_open(a, MODE_PREVIEW);
        return EV_REDRAW;
    default:
        return 0;
    }
}

int previewpane_mouse(app *a, const MEVENT *ev)
{
    if (!P.open || a->preview_h <= 0)
        return 0;
    int y0 = a->rows - 1 - a->preview_h;
    if (ev->y < y0 || ev->y >= a->rows - 1) {
        /* a click on the canvas gives it the keys back, then acts there */
        if (a->cmode == MODE_PREVIEW && (ev->bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED)))
            a->cmode = MODE_CANVAS;
        return 0;
    }
    size_t n_rows = shown_rows();
    int page = page_rows(a);
    if (ev->bstate & (BUTTON4_PRESSED | BUTTON5_PRESSED)) {
        long d = ev->bstate & BUTTON4_PRESSED ? -3 : 3;
        if (P.detail)
            detail_scroll(a, d);
        else
            pvl_scroll_rows(&P.sc, d, n_rows, page);
        return EV_REDRAW;
    }
    if (ev->bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED | BUTTON1_RELEASED)) {
        a->cmode = MODE_PREVIEW;
        int first = y0 + 3 + (P.split ? 1 : 0);
        if (!P.detail && ev->y >= first && n_rows) {
            P.sc.row = P.sc.top + (size_t)(ev->y - first);
            pvl_scroll_clamp(&P.sc, n_rows, page);
        }
        return EV_REDRAW;
    }
    return EV_HANDLED;
}

/* ---- drawing ---- */

static void title_rule(int y, int x0, int x1, style_id s)
{
    for (int x = x0; x < x1; x++)
        draw_cp(stdscr, y, x, draw_ascii() ? '-' : 0x2500, s);
}

static void side_title(const side *s, const char *what, char *buf, size_t size, bool ascii)
{
    const char *dot = ascii ? " - " : " · ";
    if (!s->node) {
        snprintf(buf, size, "%s", what);
        return;
    }
    int n = snprintf(buf, size, "%s: %s", what, s->node);
    if (n < 0 || (size_t)n >= size)
        return;
    if (s->have && s->ok) {
        char rows[32], ms[32];
        pvl_count(s->t->n_rows, rows, sizeof(rows));
        pvl_duration(s->ms, ms, sizeof(ms));
        snprintf(buf + n, size - (size_t)n, "%s%s row%s%s%s%s", dot, rows,
                 s->t->n_rows == 1 ? "" : "s", dot, ms, s->executed ? "" : " (cached)");
    } else if (s->have && s->unsaved) {
        snprintf(buf + n, size - (size_t)n, "%snot saved yet", dot);
    } else if (s->have && s->stopped) {
        snprintf(buf + n, size - (size_t)n, "%sstopped", dot);
    } else if (s->have) {
        snprintf(buf + n, size - (size_t)n, "%sfailed", dot);
    }
}

static void draw_title(app *a, int y)
{
    bool focus = a->cmode == MODE_PREVIEW;
    char left[300], right[200];
    if (P.job && P.job_side == &P.out)
        snprintf(left, sizeof(left), "preview: %s", P.out.node); /* its figures are stale */
    else
        side_title(&P.out, "preview", left, sizeof(left), a->ascii);
    right[0] = '\0';
    const char *dot = a->ascii ? " - " : " · ";
    unsigned long long t = now_ms();
    if (P.job && t - P.job_t0 >= PROGRESS_AFTER_MS) {
        preview_progress pr;
        preview_job_progress(P.job, &pr);
        char rows[32], ms[32];
        pvl_count(pr.rows, rows, sizeof(rows));
        pvl_duration(pr.elapsed_ms, ms, sizeof(ms));
        snprintf(right, sizeof(right), "%s %s%s%s rows%s%s%s%s",
                 P.cancel_asked ? "stopping" : "running", pr.node[0] ? pr.node : P.job_side->node,
                 dot, rows, dot, ms, dot, focus ? "C-c stops" : "Esc stops");
    } else if (P.detail && shown_rows()) {
        char r[32], n[32];
        pvl_count(P.sc.row + 1, r, sizeof(r));
        pvl_count(shown_rows(), n, sizeof(n));
        snprintf(right, sizeof(right), "record %s of %s", r, n);
    } else if (shown_rows()) {
        char r[32], n[32];
        pvl_count(P.sc.row + 1, r, sizeof(r));
        pvl_count(shown_rows(), n, sizeof(n));
        snprintf(right, sizeof(right), "row %s of %s", r, n);
    }
    if (!focus && !P.job)
        snprintf(right + strlen(right), sizeof(right) - strlen(right), "%sw focus",
                 right[0] ? dot : "");
    style_id ts = focus ? STYLE_TITLE : STYLE_NORMAL;
    style_id bs = focus ? STYLE_HEADING : STYLE_BORDER;
    title_rule(y, 0, a->cols, bs);
    int x = 2;
    draw_cp(stdscr, y, x - 1, ' ', bs);
    x += draw_text(stdscr, y, x, left, a->cols - 6, ts);
    draw_cp(stdscr, y, x, ' ', bs);
    int rw = uw_width(right);
    if (rw > a->cols - x - 5)
        rw = a->cols - x - 5; /* cut the right part rather than lose it */
    if (rw >= 8) {
        int rx = a->cols - rw - 2;
        draw_cp(stdscr, y, rx - 1, ' ', bs);
        draw_text(stdscr, y, rx, right, rw, P.job ? STYLE_WARNING : STYLE_DIM);
        draw_cp(stdscr, y, rx + rw, ' ', bs);
    }
}

/* Lines of text in [y, y+h) x [x, x+w), wrapped. Returns lines used. */
static int draw_wrapped(int y, int x, int h, int w, const char *text, style_id s)
{
    char **lines;
    size_t n = pvl_wrap(text, w, 2, &lines);
    int used = 0;
    for (size_t i = 0; i < n; i++) {
        if (used < h)
            draw_text_pad(stdscr, y + used++, x, lines[i], w, s);
        free(lines[i]);
    }
    free(lines);
    return used;
}

/* "path:line:col: error: message", leaving out what is unknown (diag_format
 * writes a 0 column and puts the node id where the line would be). */
static void diag_format_short(const diag *g, char *buf, size_t size)
{
    const char *sev = g->severity == DIAG_ERROR ? "error" : "warning";
    const char *path = g->path ? g->path : "pipeline.yaml";
    if (g->line > 0 && g->col > 0)
        snprintf(buf, size, "%s:%d:%d: %s: %s", path, g->line, g->col, sev, g->message);
    else if (g->line > 0)
        snprintf(buf, size, "%s:%d: %s: %s", path, g->line, sev, g->message);
    else
        snprintf(buf, size, "%s: %s: %s", path, sev, g->message);
}

static void draw_error(app *a, const side *s, int y, int x, int h, int w)
{
    int used = 0;
    if (s->unsaved) {
        char buf[300];
        snprintf(buf, sizeof(buf),
                 "%s is written when the pipeline is saved (s); the preview runs then", s->unsaved);
        draw_wrapped(y, x, h, w, buf, STYLE_DIM);
        return;
    }
    char head[200];
    snprintf(head, sizeof(head), "%s %s: the preview %s", a->ascii ? "x" : "✗", s->node,
             s->stopped ? "was stopped (w, then r, runs it again)" : "failed");
    used += draw_wrapped(y, x, h, w, head, s->stopped ? STYLE_WARNING : STYLE_ERROR);
    for (size_t i = 0; i < s->diags.n && used < h; i++) {
        const diag *g = &s->diags.items[i];
        char buf[1200];
        diag_format_short(g, buf, sizeof(buf));
        if (g->node_id && !same(g->node_id, s->node)) {
            size_t l = strlen(buf);
            snprintf(buf + l, sizeof(buf) - l, " (in %s)", g->node_id);
        }
        used += draw_wrapped(y + used, x, h - used, w, buf,
                             g->severity == DIAG_ERROR ? STYLE_ERROR : STYLE_WARNING);
    }
}

/* The table of one side in [y, y+h) x [x, x+w).  cursor: highlight the
 * cursor row. */
static void draw_table(app *a, const side *s, int y, int x, int h, int w, bool cursor)
{
    const pv_table *t = s->t;
    const pvl_layout *l = &s->lay;
    pvl_scroll sc = P.sc;
    int page = h - 2;
    pvl_scroll_clamp(&sc, t->n_rows, page);
    if (sc.col > pvl_max_first_col(l, w - 1))
        sc.col = pvl_max_first_col(l, w - 1);
    if (s == &P.out) {
        P.sc.row = sc.row; /* a resize may have moved them */
        P.sc.top = sc.top;
    }
    const char *sep = a->ascii ? " | " : " │ ";
    size_t ncols = pvl_visible_cols(l, sc.col, w - 1);
    for (int r = 0; r < h; r++) {
        int yy = y + r;
        size_t row = sc.top + (size_t)(r - 2);
        bool data = r >= 2 && row < t->n_rows;
        bool sel = data && cursor && row == sc.row;
        style_id base = sel ? STYLE_SELECTED : STYLE_NORMAL;
        draw_fill(stdscr, yy, x, 1, w, base);
        if (r >= 2 && !data) {
            if (r == 2 && !t->n_rows)
                draw_text(stdscr, yy, x + 1, t->n_cols ? "(no rows)" : "(no columns, no rows)",
                          w - 1, STYLE_DIM);
            continue;
        }
        int cx = x + 1;
        size_t drawn = 0;
        bool last_cut = false;
        for (size_t k = 0; k < ncols; k++) {
            size_t c = sc.col + k;
            int sw = k ? PVL_SEP_WIDTH : 0;
            int cw = l->width[c];
            if (cw > x + w - cx - sw)
                cw = x + w - cx - sw;
            if (cw <= 0 || (cw < l->width[c] && cw < 4))
                break; /* a sliver of a column says nothing; ▶ says there is more */
            if (sw) {
                draw_text(stdscr, yy, cx, sep, sw, sel ? STYLE_SELECTED : STYLE_BORDER);
                cx += sw;
            }
            drawn++;
            last_cut = cw < l->width[c];
            char *text;
            style_id st = base;
            bool right = l->right[c];
            if (r == 0) {
                text = xstrdup(t->cols[c].name);
                st = sel ? base : STYLE_HEADING;
            } else if (r == 1) {
                text = xstrdup(pv_type_name(t->cols[c].type));
                st = STYLE_DIM;
            } else {
                pvl_kind kind;
                text = pvl_cell_text(pv_table_cget(t, row, c), t->cols[c].type, a->ascii, &kind);
                if (kind == PVL_NULL && !sel)
                    st = STYLE_DIM;
            }
            char *fit = pvl_fit(text, cw, right, a->ascii);
            draw_text(stdscr, yy, cx, fit, cw, st);
            free(fit);
            free(text);
            cx += cw;
        }
        /* more columns on either side */
        if (r == 0 && sc.col > 0)
            draw_text(stdscr, yy, x, a->ascii ? "<" : "◀", 1, STYLE_KEY);
        if (r == 0 && (sc.col + drawn < l->n_cols || last_cut))
            draw_text(stdscr, yy, x + w - 1, a->ascii ? ">" : "▶", 1, STYLE_KEY);
    }
}

static void draw_side(app *a, const side *s, int y, int x, int h, int w, bool cursor)
{
    draw_fill(stdscr, y, x, h, w, STYLE_NORMAL);
    if (h <= 0 || w <= 2)
        return;
    if (P.note[0] && s == &P.out) {
        draw_wrapped(y, x + 1, h, w - 1, P.note, STYLE_DIM);
        return;
    }
    if (!s->node)
        return;
    if (!s->have) {
        char buf[200];
        snprintf(buf, sizeof(buf), "running %s%s", s->node, a->ascii ? "..." : "…");
        draw_text(stdscr, y, x + 1, buf, w - 1, STYLE_DIM);
        return;
    }
    if (!s->ok) {
        draw_error(a, s, y, x + 1, h, w - 2);
        return;
    }
    draw_table(a, s, y, x, h, w, cursor);
}

static void draw_detail(app *a, int y, int h)
{
    int w = a->cols - 2;
    draw_fill(stdscr, y, 0, h, a->cols, STYLE_NORMAL);
    if (!P.out.ok || !P.out.t || P.sc.row >= P.out.t->n_rows)
        return;
    pvl_line *lines;
    size_t n = pvl_detail(P.out.t, P.sc.row, w, a->ascii, &lines);
    if (P.dtop + (size_t)h > n)
        P.dtop = n > (size_t)h ? n - (size_t)h : 0;
    for (int r = 0; r < h && P.dtop + (size_t)r < n; r++) {
        const pvl_line *ln = &lines[P.dtop + (size_t)r];
        size_t nb = uw_fit(ln->text, ln->name_cells, NULL);
        char *name = xstrndup(ln->text, nb);
        int used = draw_text(stdscr, y + r, 1, name, w, STYLE_HEADING);
        draw_text(stdscr, y + r, 1 + used, ln->text + nb, w - used,
                  ln->null ? STYLE_DIM : STYLE_NORMAL);
        free(name);
    }
    pvl_lines_free(lines, n);
}

void previewpane_draw(app *a)
{
    if (!P.open || a->preview_h <= 0 || a->rows < MIN_ROWS || a->cols < MIN_COLS)
        return;
    int y0 = a->rows - 1 - a->preview_h, h = a->preview_h - 1;
    draw_title(a, y0);
    int y = y0 + 1;
    bool cursor = a->cmode == MODE_PREVIEW;
    if (P.detail && !P.note[0]) {
        draw_detail(a, y, h);
        return;
    }
    if (!P.split || P.note[0]) {
        draw_side(a, &P.out, y, 0, h, a->cols, cursor);
        return;
    }
    int lw = (a->cols - 1) / 2, rx = lw + 1, rw = a->cols - rx;
    char lt[300], rt[300];
    const char *id = app_sel_id(a);
    const node *n = id ? pipeline_find(&a->d.p, id) : NULL;
    char what[64];
    snprintf(what, sizeof(what), "input %zu/%zu",
             n ? P.input % (n->n_inputs ? n->n_inputs : 1) + 1 : 0, n ? n->n_inputs : 0);
    side_title(&P.in, what, lt, sizeof(lt), a->ascii);
    side_title(&P.out, "output", rt, sizeof(rt), a->ascii);
    draw_text_pad(stdscr, y, 0, " ", 1, STYLE_NORMAL);
    draw_text_pad(stdscr, y, 1, lt, lw - 1, STYLE_TITLE);
    draw_text_pad(stdscr, y, rx, " ", 1, STYLE_NORMAL);
    draw_text_pad(stdscr, y, rx + 1, rt, rw - 1, STYLE_TITLE);
    draw_side(a, &P.in, y + 1, 0, h - 1, lw, false);
    draw_side(a, &P.out, y + 1, rx, h - 1, rw, cursor);
    for (int r = y; r < y + h; r++)
        draw_cp(stdscr, r, lw, draw_ascii() ? '|' : 0x2502, STYLE_BORDER);
}
