#include "doc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "artifacts.h"
#include "fsutil.h"
#include "idindex.h"
#include "journal.h"
#include "load.h"
#include "util.h"
#include "validate.h"
#include "writer.h"

/* Remember both files as they are now (after a load or a save). */
static void doc_mark(doc *d)
{
    char *pp = fs_join(d->p.dir, PIPELINE_FILE), *lp = fs_join(d->p.dir, LAYOUT_FILE);
    diskmark_take(&d->pipe_mark, pp);
    diskmark_take(&d->layout_mark, lp);
    free(pp);
    free(lp);
}

static void doc_init(doc *d)
{
    memset(d, 0, sizeof(*d));
    pipeline_init(&d->p);
    code_origins_init(&d->origins);
    diag_list_init(&d->load_diags);
    diag_list_init(&d->diags);
    undo_init(&d->undo);
}

bool doc_load(doc *d, const char *dir, char *err, size_t err_size)
{
    doc_init(d);
    char *path = fs_join(dir, PIPELINE_FILE);
    bool exists = fs_exists(path);
    free(path);
    if (!exists) {
        snprintf(err, err_size, "no %s in %s", PIPELINE_FILE, dir);
        return false;
    }
    if (!pipeline_load(dir, &d->p, &d->load_diags)) {
        snprintf(err, err_size, "%s",
                 d->load_diags.n ? d->load_diags.items[0].message : "cannot read pipeline.yaml");
        return false;
    }
    d->exists = true;
    doc_mark(d);
    undo_mark(&d->undo, d->saved_change); /* recovery: undoing back here is "saved" */
    code_origins_from(&d->origins, &d->p);
    doc_validate(d);
    return true;
}

void doc_new(doc *d, const char *dir, const char *name)
{
    doc_init(d);
    d->p.dir = xstrdup(dir);
    d->p.name = xstrdup(name);
    d->p.version = 1;
    d->change = 1; /* unsaved from the start */
    doc_validate(d);
}

void doc_free(doc *d)
{
    pipeline_free(&d->p);
    code_origins_free(&d->origins);
    diag_list_free(&d->load_diags);
    diag_list_free(&d->diags);
    free(d->badges);
    undo_free(&d->undo);
    memset(d, 0, sizeof(*d));
}

void doc_begin(doc *d, const char *selected, const char *label)
{
    undo_push(&d->undo, &d->p, &d->origins, selected, label);
}

void doc_commit(doc *d)
{
    d->change++;
    doc_validate(d);
}

void doc_abort(doc *d)
{
    undo_drop(&d->undo);
}

/* (recovery) Undo / redo landed on the saved state: it is not unsaved. */
static void doc_back_at_saved(doc *d)
{
    if (undo_at_mark(&d->undo, d->saved_change)) {
        d->saved_change = d->change;
        undo_mark(&d->undo, d->saved_change);
    }
}

bool doc_undo(doc *d, char **selected, const char **label)
{
    if (!undo_undo(&d->undo, &d->p, &d->origins, selected, label))
        return false;
    d->change++;
    doc_back_at_saved(d); /* recovery */
    doc_validate(d);
    return true;
}

bool doc_redo(doc *d, char **selected, const char **label)
{
    if (!undo_redo(&d->undo, &d->p, &d->origins, selected, label))
        return false;
    d->change++;
    doc_back_at_saved(d); /* recovery */
    doc_validate(d);
    return true;
}

bool doc_dirty(const doc *d)
{
    return d->change != d->saved_change;
}

/* A code file the next save creates (or renames into place) is not a
 * problem yet: "sql 'sql/x.sql': does not exist" would only confuse. */
static bool save_will_fix(const doc *d, const diag *g)
{
    if (!g->node_id)
        return false;
    const node *n = pipeline_find(&d->p, g->node_id);
    if (!n)
        return false;
    const node_type *t = node_type_find(n->kind, n->type);
    const char *path = t && t->code_setting ? node_setting_text(n, t->code_setting) : NULL;
    if (!path)
        return false;
    char *prefix = xasprintf("%s '%s': ", t->code_setting, path);
    bool match = strncmp(g->message, prefix, strlen(prefix)) == 0 &&
                 fs_check_inside(d->p.dir, path, false) == PATH_OK;
    free(prefix);
    return match;
}

static void copy_diag(diag_list *to, const diag *g)
{
    diag_add(to, g->severity, g->path, g->line, g->col, g->node_id, "%s", g->message);
}

void doc_validate(doc *d)
{
    diag_list raw;
    diag_list_init(&raw);
    validate_options opts = {true};
    pipeline_validate(&d->p, &opts, &raw);
    diag_list_clear(&d->diags);
    for (size_t i = 0; i < d->load_diags.n; i++)
        copy_diag(&d->diags, &d->load_diags.items[i]);
    for (size_t i = 0; i < raw.n; i++)
        if (!save_will_fix(d, &raw.items[i]))
            copy_diag(&d->diags, &raw.items[i]);
    diag_list_free(&raw);
    diag_list_sort(&d->diags);
    free(d->badges);
    d->badges = xcalloc(d->p.n_nodes + 1, sizeof(badge));
    id_index ix;
    id_index_build(&ix, &d->p);
    for (size_t i = 0; i < d->diags.n; i++) {
        const diag *g = &d->diags.items[i];
        ptrdiff_t k = g->node_id ? id_index_get(&ix, g->node_id) : -1;
        if (k < 0)
            continue;
        badge b = g->severity == DIAG_ERROR ? BADGE_ERROR : BADGE_WARN;
        if (b > d->badges[k])
            d->badges[k] = b;
    }
    id_index_free(&ix);
}

size_t doc_errors(const doc *d)
{
    return d->diags.n_errors;
}

size_t doc_warnings(const doc *d)
{
    return d->diags.n_warnings;
}

bool doc_save(doc *d, diag_list *out)
{
    char err[256];
    if (fs_mkdirs(d->p.dir, err, sizeof(err)) != 0) {
        diag_add(out, DIAG_ERROR, NULL, 0, 0, NULL, "cannot create %s: %s", d->p.dir, err);
        return false;
    }
    if (!edit_sync_code_files(&d->p, &d->origins, out))
        return false;
    if (!pipeline_save(&d->p, d->p.dir, out))
        return false;
    /* The SQL of template transforms: a template that fails does not undo
     * the save; its problem is reported as a warning. */
    diag_list gen;
    diag_list_init(&gen);
    artifacts_sync(&d->p, d->p.dir, false, NULL, &gen);
    for (size_t i = 0; i < gen.n; i++)
        diag_add(out, DIAG_WARNING, gen.items[i].path, gen.items[i].line, gen.items[i].col,
                 gen.items[i].node_id, "%s", gen.items[i].message);
    diag_list_free(&gen);
    d->exists = true;
    doc_mark(d);
    d->saved_change = d->change;
    undo_mark(&d->undo, d->saved_change); /* recovery */
    d->journal_change = d->change;
    journal_remove(d->p.dir);
    journal_note_disk(d->p.dir); /* recovery: later journals are against these files */
    diag_list_clear(&d->load_diags);
    doc_validate(d);
    return true;
}

bool doc_disk_changed(const doc *d, const char **which)
{
    char *pp = fs_join(d->p.dir, PIPELINE_FILE), *lp = fs_join(d->p.dir, LAYOUT_FILE);
    bool changed = true;
    if (diskmark_changed(&d->pipe_mark, pp))
        *which = PIPELINE_FILE;
    else if (diskmark_changed(&d->layout_mark, lp))
        *which = LAYOUT_FILE;
    else
        changed = false;
    free(pp);
    free(lp);
    return changed;
}

bool doc_reload(doc *d, const char *selected, char *err, size_t err_size)
{
    doc nd;
    if (!doc_load(&nd, d->p.dir, err, err_size)) {
        doc_free(&nd);
        return false;
    }
    doc_begin(d, selected, "reload from disk");
    /* take the new model; nd keeps empty shells for doc_free */
    pipeline_free(&d->p);
    d->p = nd.p;
    pipeline_init(&nd.p);
    code_origins_free(&d->origins);
    d->origins = nd.origins;
    code_origins_init(&nd.origins);
    diag_list_free(&d->load_diags);
    d->load_diags = nd.load_diags;
    diag_list_init(&nd.load_diags);
    d->pipe_mark = nd.pipe_mark;
    d->layout_mark = nd.layout_mark;
    doc_free(&nd);
    d->exists = true;
    d->change++;
    d->saved_change = d->change;
    d->journal_change = d->change;
    journal_remove(d->p.dir); /* the user chose to drop the unsaved edits */
    /* recovery: undoing back here is "saved"; later journals are against these files */
    undo_mark(&d->undo, d->saved_change);
    journal_note_disk(d->p.dir);
    doc_validate(d);
    return true;
}
