/* commands: what the canvas, move and connect modes do with an action. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "edit.h"
#include "journal.h"
#include "editpane.h"
#include "previewpane.h"
#include "util.h"
#include "vcsui.h"

static int select_dir(app *a, direction dir)
{
    if (a->sel < 0) {
        if (a->cv.n)
            app_select(a, 0);
        return EV_REDRAW;
    }
    ptrdiff_t n = canvas_nearest(&a->cv, (size_t)a->sel, dir);
    if (n >= 0)
        app_select(a, n);
    return EV_REDRAW;
}

static int select_topo(app *a, int step)
{
    size_t n = a->d.p.n_nodes;
    if (!n)
        return EV_REDRAW;
    size_t *order = canvas_topo_order(&a->d.p);
    size_t pos = 0;
    for (size_t i = 0; i < n; i++)
        if ((ptrdiff_t)order[i] == a->sel)
            pos = i;
    size_t next;
    if (a->sel < 0)
        next = step > 0 ? 0 : n - 1;
    else
        next = (pos + (step > 0 ? 1 : n - 1)) % n;
    app_select(a, (ptrdiff_t)order[next]);
    free(order);
    return EV_REDRAW;
}

/* Follow an edge: to the input (or consumer) nearest on screen; pressing
 * again from there keeps going. */
static int follow(app *a, bool upstream)
{
    if (a->sel < 0)
        return EV_REDRAW;
    const pipeline *p = &a->d.p;
    const node *cur = &p->nodes[a->sel];
    ptrdiff_t best = -1;
    int best_d = 0;
    for (size_t i = 0; i < p->n_nodes; i++) {
        bool linked =
            upstream ? node_has_input(cur, p->nodes[i].id) : node_has_input(&p->nodes[i], cur->id);
        if (!linked)
            continue;
        int d = abs(a->cv.box[i].y - a->cv.box[a->sel].y);
        if (best < 0 || d < best_d) {
            best = (ptrdiff_t)i;
            best_d = d;
        }
    }
    if (best < 0) {
        app_message(a, STYLE_DIM, "%s has no %s", cur->id, upstream ? "inputs" : "consumers");
        return EV_REDRAW;
    }
    app_select(a, best);
    return EV_REDRAW;
}

static int pan(app *a, int dx, int dy)
{
    a->view_x += dx;
    a->view_y += dy;
    return EV_SCROLL | EV_REDRAW;
}

static bool need_sel(app *a)
{
    if (a->sel >= 0)
        return true;
    app_message(a, STYLE_WARNING, "select a node first (Tab, arrows or /)");
    return false;
}

static int rename_done(app *a, const char *text, void *ctx)
{
    (void)ctx;
    const char *old = app_sel_id(a);
    if (!old || strcmp(old, text) == 0)
        return EV_CLOSE | EV_REDRAW;
    char *old_id = xstrdup(old);
    const char *why;
    doc_begin(&a->d, old_id, "rename");
    if (!edit_rename(&a->d.p, old_id, text, &why)) {
        doc_abort(&a->d);
        app_message(a, STYLE_ERROR, "cannot rename: %s", why);
        free(old_id);
        return EV_REDRAW; /* keep the prompt open */
    }
    code_origins_rename(&a->d.origins, old_id, text);
    doc_commit(&a->d);
    app_message(a, STYLE_OK, "renamed %s to %s; inputs follow", old_id, text);
    free(old_id);
    return EV_CLOSE | EV_RELAYOUT | EV_REDRAW;
}

static const char *rename_check(app *a, const char *text, void *ctx)
{
    (void)ctx;
    const char *why;
    if (!node_id_valid(text, &why))
        return why;
    const char *cur = app_sel_id(a);
    if (pipeline_find(&a->d.p, text) && !(cur && strcmp(cur, text) == 0))
        return "another node already has that id";
    return NULL;
}

static int delete_done(app *a, int key, void *ctx)
{
    (void)ctx;
    if (key != 'y' || a->sel < 0)
        return EV_CLOSE | EV_REDRAW;
    char *id = xstrdup(app_sel_id(a));
    doc_begin(&a->d, id, "delete");
    pipeline_remove_node(&a->d.p, id);
    doc_commit(&a->d);
    a->sel = -1;
    app_message(a, STYLE_OK, "deleted %s (u undoes)", id);
    free(id);
    return EV_CLOSE | EV_RELAYOUT | EV_REDRAW;
}

static int confirm_delete(app *a)
{
    const pipeline *p = &a->d.p;
    const node *n = &p->nodes[a->sel];
    size_t edges = n->n_inputs;
    for (size_t i = 0; i < p->n_nodes; i++)
        edges += node_has_input(&p->nodes[i], n->id);
    char body[256];
    snprintf(body, sizeof(body), "Delete %s (%s %s)%s%zu edge%s?", n->id, n->type,
             node_kind_name(n->kind), edges ? " and its " : "", edges, edges == 1 ? "" : "s");
    if (!edges)
        snprintf(body, sizeof(body), "Delete %s (%s %s)?", n->id, n->type, node_kind_name(n->kind));
    confirm_open(a, "delete", body, "y delete  n keep", "yn", delete_done, NULL);
    return EV_REDRAW;
}

static int duplicate(app *a)
{
    const char *id = app_sel_id(a);
    doc_begin(&a->d, id, "duplicate");
    char *src = xstrdup(id);
    char *nid = edit_duplicate(&a->d.p, src);
    if (!nid) {
        doc_abort(&a->d);
        free(src);
        return EV_REDRAW;
    }
    /* The copy starts from the original's code (copied on save). */
    const node *orig = pipeline_find(&a->d.p, src);
    const node_type *t = node_type_find(orig->kind, orig->type);
    const char *code = t && t->code_setting ? node_setting_text(orig, t->code_setting) : NULL;
    if (code) {
        char *path = xstrdup(code);
        code_origins_set(&a->d.origins, nid, path);
        free(path);
    }
    /* Nudge the copy down until it sits on nothing. */
    node *n = pipeline_find(&a->d.p, nid);
    canvas cv;
    for (int guard = 0; guard < 1000; guard++) {
        canvas_build(&cv, &a->d.p);
        bool bad = canvas_overlaps(&cv, (size_t)pipeline_index_of(&a->d.p, nid));
        canvas_free(&cv);
        if (!bad)
            break;
        n->y += 1;
    }
    doc_commit(&a->d);
    a->sel = pipeline_index_of(&a->d.p, nid);
    app_message(a, STYLE_OK, "duplicated %s as %s", src, nid);
    free(nid);
    free(src);
    return EV_RELAYOUT | EV_REDRAW;
}

static int layout_all(app *a)
{
    doc_begin(&a->d, app_sel_id(a), "arrange");
    canvas_autolayout(&a->d.p, false);
    doc_commit(&a->d);
    app_rebuild(a);
    a->view_x = a->cv.min_x - 2;
    a->view_y = a->cv.min_y - 1;
    app_ensure_visible(a, a->sel, false);
    app_message(a, STYLE_OK, "arranged the graph (u undoes)");
    return EV_SCROLL | EV_REDRAW;
}

static int do_undo_redo(app *a, bool redo)
{
    char *sel = app_sel_id(a) ? xstrdup(app_sel_id(a)) : NULL;
    const char *label;
    bool ok = redo ? doc_redo(&a->d, &sel, &label) : doc_undo(&a->d, &sel, &label);
    if (!ok) {
        app_message(a, STYLE_DIM, "nothing to %s", redo ? "redo" : "undo");
        free(sel);
        return EV_REDRAW;
    }
    app_message(a, STYLE_OK, "%s %s", redo ? "redid" : "undid", label);
    app_rebuild(a);
    a->sel = app_find(a, sel);
    app_ensure_visible(a, a->sel, false);
    free(sel);
    return EV_RELAYOUT | EV_REDRAW;
}

static int save_doc(app *a)
{
    diag_list diags;
    diag_list_init(&diags);
    if (doc_save(&a->d, &diags)) {
        size_t e = doc_errors(&a->d);
        char buf[300];
        if (diags.n) {
            diag_format(&diags.items[0], buf, sizeof(buf));
            app_message(a, STYLE_WARNING, "saved, but %s", buf);
        } else if (e)
            app_message(a, STYLE_WARNING, "saved, with %zu problem%s (! lists them)", e,
                        e == 1 ? "" : "s");
        else
            app_message(a, STYLE_OK, "saved %s", a->d.p.dir);
    } else {
        char buf[300];
        diag_format(&diags.items[0], buf, sizeof(buf));
        app_message(a, STYLE_ERROR, "not saved: %s", diags.n ? buf : "unknown error");
    }
    diag_list_free(&diags);
    return EV_RELAYOUT | EV_REDRAW;
}

/* The answer to "changed on disk": o overwrite, r reload, c / Esc cancel. */
static int disk_done(app *a, int key, void *ctx)
{
    (void)ctx;
    if (key == 'o')
        return save_doc(a) | EV_CLOSE;
    if (key == 'r') {
        char err[300];
        char *sel = app_sel_id(a) ? xstrdup(app_sel_id(a)) : NULL;
        if (!doc_reload(&a->d, sel, err, sizeof(err))) {
            app_message(a, STYLE_ERROR, "cannot reload: %s", err);
        } else {
            app_rebuild(a);
            a->sel = app_find(a, sel);
            app_ensure_visible(a, a->sel, false);
            app_message(a, STYLE_OK, "reloaded from disk (u brings your edits back, unsaved)");
        }
        free(sel);
        return EV_CLOSE | EV_RELAYOUT | EV_SCROLL | EV_REDRAW;
    }
    app_message(a, STYLE_WARNING, "not saved: the files on disk were left as they are");
    return EV_CLOSE | EV_REDRAW;
}

int commands_save(app *a)
{
    if (!editpane_save_if_dirty(a)) /* the editor's status line says why */
        app_message(a, STYLE_ERROR, "the editor's file was not saved");
    const char *which = NULL;
    if (a->d.exists && doc_disk_changed(&a->d, &which)) {
        /* Someone else wrote the file since weir read it: ask, never
         * overwrite silently.  From another question's answer, the new
         * question goes below it (the caller's EV_CLOSE pops that one). */
        char body[300];
        snprintf(body, sizeof(body),
                 "%s changed on disk since weir read it.\n"
                 "o overwrite it with weir's version\n"
                 "r reload from disk (your unsaved edits: u brings them back)\n"
                 "c cancel (nothing is saved)",
                 which);
        confirm_open_next(a, "changed on disk", body, "o overwrite  r reload  c cancel", "orc",
                          disk_done, NULL);
        app_message(a, STYLE_WARNING, "not saved: %s changed on disk", which);
        return EV_REDRAW;
    }
    return save_doc(a);
}

static int quit_done(app *a, int key, void *ctx)
{
    (void)ctx;
    if (key == 's') {
        commands_save(a);
        if (doc_dirty(&a->d))
            return EV_CLOSE | EV_REDRAW; /* the save failed: stay */
        return EV_CLOSE | EV_QUIT;
    }
    if (key == 'd') {
        journal_remove(a->d.p.dir);
        a->d.journal_change = a->d.change;
        return EV_CLOSE | EV_QUIT;
    }
    return EV_CLOSE | EV_REDRAW;
}

int commands_quit(app *a)
{
    if (editpane_dirty())
        return editpane_quit(a); /* one question for the buffer and the pipeline */
    if (!doc_dirty(&a->d))
        return EV_QUIT;
    confirm_open(a, "unsaved changes", "There are unsaved changes.\nSave them before quitting?",
                 "s save and quit  d discard and quit  Esc stay", "sd", quit_done, NULL);
    return EV_REDRAW;
}

static int start_move(app *a)
{
    if (a->overview) {
        app_message(a, STYLE_WARNING, "leave the overview (o) to move nodes");
        return EV_REDRAW;
    }
    node *n = &a->d.p.nodes[a->sel];
    a->move_x0 = n->x;
    a->move_y0 = n->y;
    doc_begin(&a->d, n->id, "move");
    a->cmode = MODE_MOVE;
    return EV_REDRAW;
}

int commands_canvas(app *a, action act)
{
    switch (act) {
    case ACT_SELECT_LEFT:
        return select_dir(a, DIR_LEFT);
    case ACT_SELECT_RIGHT:
        return select_dir(a, DIR_RIGHT);
    case ACT_SELECT_UP:
        return select_dir(a, DIR_UP);
    case ACT_SELECT_DOWN:
        return select_dir(a, DIR_DOWN);
    case ACT_NEXT_NODE:
        return select_topo(a, 1);
    case ACT_PREV_NODE:
        return select_topo(a, -1);
    case ACT_UPSTREAM:
        return follow(a, true);
    case ACT_DOWNSTREAM:
        return follow(a, false);
    case ACT_PAN_LEFT:
        return pan(a, -(a->cols / 4), 0);
    case ACT_PAN_RIGHT:
        return pan(a, a->cols / 4, 0);
    case ACT_PAN_UP:
        return pan(a, 0, -(a->height / 2));
    case ACT_PAN_DOWN:
        return pan(a, 0, a->height / 2);
    case ACT_CENTER:
        app_ensure_visible(a, a->sel, true);
        return EV_SCROLL | EV_REDRAW;
    case ACT_OVERVIEW:
        a->overview = !a->overview;
        app_rebuild(a);
        if (a->overview) {
            /* Centre the whole graph. */
            a->view_x = (a->cv.min_x + a->cv.max_x) / 2 - a->cols / 2;
            a->view_y = (a->cv.min_y + a->cv.max_y) / 2 - a->height / 2;
            if (a->cv.max_x - a->cv.min_x + 2 > a->cols)
                a->view_x = a->cv.min_x - 1;
            if (a->cv.max_y - a->cv.min_y + 2 > a->height)
                a->view_y = a->cv.min_y - 1;
        }
        app_ensure_visible(a, a->sel, false);
        app_message(a, STYLE_DIM,
                    a->overview ? "overview: o returns to the full view" : "full view");
        return EV_SCROLL | EV_REDRAW;
    case ACT_FIND:
        finder_open(a);
        return EV_REDRAW;
    case ACT_ADD:
        palette_open(a);
        return EV_REDRAW;
    case ACT_CONNECT:
        if (!need_sel(a))
            return EV_REDRAW;
        if (a->d.p.nodes[a->sel].kind == NODE_SINK) {
            app_message(a, STYLE_ERROR, "a sink is the end of the line: it feeds nothing");
            return EV_REDRAW;
        }
        a->conn_from = a->sel;
        a->cmode = MODE_CONNECT;
        return EV_REDRAW;
    case ACT_DISCONNECT:
        if (need_sel(a))
            disconnect_open(a, (size_t)a->sel);
        return EV_REDRAW;
    case ACT_MOVE:
        return need_sel(a) ? start_move(a) : EV_REDRAW;
    case ACT_EDIT: {
        if (!need_sel(a))
            return EV_REDRAW;
        const node *sn = &a->d.p.nodes[a->sel];
        const node_type *st = node_type_find(sn->kind, sn->type);
        if (st && st->code_setting) /* SQL / Lua: the editor pane */
            return editpane_open(a, (size_t)a->sel);
        props_open(a, (size_t)a->sel);
        return EV_REDRAW;
    }
    case ACT_PROPERTIES:
        if (need_sel(a))
            props_open(a, (size_t)a->sel);
        return EV_REDRAW;
    case ACT_RENAME:
        if (need_sel(a))
            prompt_open(a, "rename", app_sel_id(a), rename_check, rename_done, NULL);
        return EV_REDRAW;
    case ACT_DUPLICATE:
        return need_sel(a) ? duplicate(a) : EV_REDRAW;
    case ACT_DELETE:
        return need_sel(a) ? confirm_delete(a) : EV_REDRAW;
    case ACT_PREVIEW:
        return previewpane_toggle(a);
    case ACT_PREVIEW_FOCUS:
        return previewpane_focus(a);
    case ACT_PREVIEW_STOP:
        return previewpane_cancel(a);
    case ACT_EDIT_FULL:
        return editpane_toggle_full(a);
    case ACT_EDIT_CLOSE:
        return editpane_close(a);
    case ACT_LAYOUT:
        return layout_all(a);
    case ACT_UNDO:
    case ACT_REDO: {
        int vr = history_undo_hook(a, act == ACT_REDO); /* a restore puts files back */
        return vr ? vr : do_undo_redo(a, act == ACT_REDO);
    }
    case ACT_COMMIT: /* vcs */
        return commitdlg_open(a);
    case ACT_HISTORY: /* vcs */
        return history_open(a);
    case ACT_PROBLEMS:
        problems_open(a);
        return EV_REDRAW;
    case ACT_SAVE:
        return commands_save(a);
    case ACT_HELP:
        help_open(a, a->cmode);
        return EV_REDRAW;
    case ACT_REDRAW:
        clearok(curscr, TRUE);
        return EV_SCROLL | EV_REDRAW;
    case ACT_QUIT:
        return commands_quit(a);
    default:
        return 0;
    }
}

static int move_by(app *a, int dx, int dy)
{
    node *n = &a->d.p.nodes[a->sel];
    n->x = n->x + dx < 0 ? 0 : n->x + dx;
    n->y = n->y + dy < 0 ? 0 : n->y + dy;
    n->has_xy = true;
    app_rebuild(a);
    app_ensure_visible(a, a->sel, false);
    return EV_SCROLL | EV_REDRAW;
}

int commands_move(app *a, action act)
{
    node *n = &a->d.p.nodes[a->sel];
    switch (act) {
    case ACT_MOVE_LEFT:
        return move_by(a, -1, 0);
    case ACT_MOVE_RIGHT:
        return move_by(a, 1, 0);
    case ACT_MOVE_UP:
        return move_by(a, 0, -1);
    case ACT_MOVE_DOWN:
        return move_by(a, 0, 1);
    case ACT_MOVE_LEFT_FAR:
        return move_by(a, -8, 0);
    case ACT_MOVE_RIGHT_FAR:
        return move_by(a, 8, 0);
    case ACT_MOVE_UP_FAR:
        return move_by(a, 0, -4);
    case ACT_MOVE_DOWN_FAR:
        return move_by(a, 0, 4);
    case ACT_MOVE_DONE:
        a->cmode = MODE_CANVAS;
        if (n->x == a->move_x0 && n->y == a->move_y0) {
            doc_abort(&a->d);
        } else {
            doc_commit(&a->d);
            app_message(a, STYLE_OK, "moved %s", n->id);
        }
        return EV_RELAYOUT | EV_REDRAW;
    case ACT_MOVE_CANCEL:
        a->cmode = MODE_CANVAS;
        n->x = a->move_x0;
        n->y = a->move_y0;
        doc_abort(&a->d);
        return EV_RELAYOUT | EV_SCROLL | EV_REDRAW;
    case ACT_MOVE_HELP:
        help_open(a, MODE_MOVE);
        return EV_REDRAW;
    default:
        return 0;
    }
}

/* Connect from -> to, or say why not. */
int commands_connect_nodes(app *a, size_t from, size_t to);

int commands_connect_nodes(app *a, size_t from, size_t to)
{
    const char *why;
    char *f = xstrdup(a->d.p.nodes[from].id), *t = xstrdup(a->d.p.nodes[to].id);
    if (!edit_can_connect(&a->d.p, f, t, &why)) {
        app_message(a, STYLE_ERROR, "cannot connect %s to %s: %s", f, t, why);
    } else {
        doc_begin(&a->d, t, "connect");
        edit_connect(&a->d.p, f, t, &why);
        doc_commit(&a->d);
        app_message(a, STYLE_OK, "connected %s %s %s", f, a->ascii ? "->" : "→", t);
    }
    free(f);
    free(t);
    return EV_RELAYOUT | EV_REDRAW;
}

int commands_connect(app *a, action act)
{
    switch (act) {
    case ACT_CONN_LEFT:
        return select_dir(a, DIR_LEFT);
    case ACT_CONN_RIGHT:
        return select_dir(a, DIR_RIGHT);
    case ACT_CONN_UP:
        return select_dir(a, DIR_UP);
    case ACT_CONN_DOWN:
        return select_dir(a, DIR_DOWN);
    case ACT_CONN_NEXT:
        return select_topo(a, 1);
    case ACT_CONN_PREV:
        return select_topo(a, -1);
    case ACT_CONN_DONE: {
        a->cmode = MODE_CANVAS;
        ptrdiff_t from = a->conn_from;
        a->conn_from = -1;
        if (from < 0 || a->sel < 0)
            return EV_REDRAW;
        return commands_connect_nodes(a, (size_t)from, (size_t)a->sel);
    }
    case ACT_CONN_CANCEL:
        a->cmode = MODE_CANVAS;
        a->sel = a->conn_from;
        a->conn_from = -1;
        return EV_SCROLL | EV_REDRAW;
    case ACT_CONN_HELP:
        help_open(a, MODE_CONNECT);
        return EV_REDRAW;
    default:
        return 0;
    }
}
