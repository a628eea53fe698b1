#include "artifacts.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fsutil.h"
#include "idindex.h"
#include "load.h"
#include "util.h"

#define MARKER GENERATED_SQL_MARKER
enum { MAX_GENERATED = 4 * 1024 * 1024 };

static const node_type *template_type(const node *n)
{
    if (n->kind != NODE_TRANSFORM)
        return NULL;
    const node_type *t = node_type_find(n->kind, n->type);
    return t && (t->contributes & NT_SQL) ? t : NULL;
}

char *artifact_sql_text(const node *n, diag_list *diags)
{
    const node_type *t = template_type(n);
    const node_registry *reg = node_registry_current();
    if (!t || !reg || !reg->render_sql) {
        diag_add(diags, DIAG_ERROR, PIPELINE_FILE, n->pos.line, n->pos.col, n->id,
                 "%s '%s' has no SQL template", n->type, n->id);
        return NULL;
    }
    char *error = NULL;
    char *sql = reg->render_sql(reg->host, t, n, &error);
    if (!sql) {
        diag_add(diags, DIAG_ERROR, PIPELINE_FILE, n->pos.line, n->pos.col, n->id,
                 "%s '%s': cannot generate its SQL: %s", n->type, n->id,
                 error ? error : "the template returned nothing");
        free(error);
        return NULL;
    }
    size_t len = strlen(sql);
    char *text = xasprintf("%s%s' (%s): edit the node in pipeline.yaml, not this file\n%s%s",
                           MARKER, n->id, n->type, sql, len && sql[len - 1] == '\n' ? "" : "\n");
    free(sql);
    return text;
}

/* Read the file at full into *old (NULL when absent: *exists false) and
 * say whether it starts with the marker. */
static bool read_generated(const char *full, bool *exists, char **old, size_t *old_len)
{
    char err[128];
    *old = NULL;
    *old_len = 0;
    *exists = fs_exists(full);
    if (!*exists || fs_read_file(full, MAX_GENERATED, old, old_len, err, sizeof(err)) != 0)
        return false;
    return *old_len >= strlen(MARKER) && memcmp(*old, MARKER, strlen(MARKER)) == 0;
}

void artifact_changes_free(artifact_changes *c)
{
    for (size_t i = 0; i < c->n; i++)
        free(c->items[i].path);
    free(c->items);
    c->items = NULL;
    c->n = 0;
}

static void note_change(artifact_changes *changes, const char *rel, bool removed)
{
    if (!changes)
        return;
    changes->items = xrealloc(changes->items, (changes->n + 1) * sizeof(artifact_change));
    changes->items[changes->n++] = (artifact_change){xstrdup(rel), removed};
}

/* The file paths some node's settings name (sql: sql/x.sql, ...), sorted:
 * such a file is never removed, whatever its first line says — a SQL node
 * may have taken over a file that was generated. */
typedef struct named_files {
    const char **paths;
    size_t n;
    bool built;
} named_files;

static int compare_paths(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool is_named(named_files *nf, const pipeline *p, const char *rel)
{
    if (!nf->built) {
        size_t cap = 0;
        for (size_t i = 0; i < p->n_nodes; i++)
            cap += p->nodes[i].settings.n;
        nf->paths = xmalloc((cap ? cap : 1) * sizeof(char *));
        for (size_t i = 0; i < p->n_nodes; i++) {
            const value *s = &p->nodes[i].settings;
            for (size_t k = 0; k < s->n; k++)
                if (s->items[k].kind == VALUE_SCALAR && s->items[k].text)
                    nf->paths[nf->n++] = s->items[k].text;
        }
        qsort(nf->paths, nf->n, sizeof(char *), compare_paths);
        nf->built = true;
    }
    return bsearch(&rel, nf->paths, nf->n, sizeof(char *), compare_paths) != NULL;
}

/* Remove a generated file (only one with the marker, and that no node's
 * setting names); false on failure. */
static bool remove_generated(const pipeline *p, named_files *nf, const char *dir, const char *rel,
                             bool dry_run, artifact_changes *changes, const char *node_id,
                             diag_list *diags)
{
    char *full = fs_join(dir, rel);
    bool ok = true;
    if (fs_starts_with(full, MARKER) && !is_named(nf, p, rel)) {
        note_change(changes, rel, true);
        if (!dry_run && unlink(full) != 0) {
            diag_add(diags, DIAG_ERROR, rel, 0, 0, node_id, "cannot remove: %s", strerror(errno));
            ok = false;
        }
    }
    free(full);
    return ok;
}

/* A required setting the node lacks: the template cannot run without it,
 * and validation already names it. */
static const setting_spec *missing_required(const node *n, const node_type *t)
{
    for (size_t i = 0; i < t->n_settings; i++)
        if (t->settings[i].required && !node_setting(n, t->settings[i].name))
            return &t->settings[i];
    return NULL;
}

static bool sync_node(const pipeline *p, named_files *nf, const node *n, const char *dir,
                      bool dry_run, artifact_changes *changes, diag_list *diags)
{
    const node_type *t = template_type(n);
    const setting_spec *missing = missing_required(n, t);
    char *text = NULL;
    if (missing)
        diag_add(diags, DIAG_ERROR, PIPELINE_FILE, n->pos.line, n->pos.col, n->id,
                 "%s '%s': no SQL generated: it needs '%s'", n->type, n->id, missing->name);
    else
        text = artifact_sql_text(n, diags);
    if (!text) {
        char *rel = node_generated_sql_path(n->id);
        remove_generated(p, nf, dir, rel, dry_run, changes, n->id, diags);
        free(rel);
        return false;
    }
    char *rel = node_generated_sql_path(n->id), *full = fs_join(dir, rel), *old = NULL, err[256];
    size_t old_len = 0;
    bool exists, ok = true;
    bool gen = read_generated(full, &exists, &old, &old_len);
    if (exists && !gen) {
        diag_add(diags, DIAG_ERROR, rel, 0, 0, n->id,
                 "%s '%s' generates this file, but it holds SQL weir did not write; move it "
                 "away (weir never overwrites your own files)",
                 n->type, n->id);
        ok = false;
    } else if (!exists || old_len != strlen(text) || memcmp(old, text, old_len) != 0) {
        note_change(changes, rel, false);
        if (!dry_run) {
            char *sqldir = fs_join(dir, "sql");
            if (fs_mkdirs(sqldir, err, sizeof(err)) != 0 ||
                fs_write_atomic(full, text, strlen(text), err, sizeof(err)) != 0) {
                diag_add(diags, DIAG_ERROR, rel, 0, 0, n->id, "%s", err);
                ok = false;
            }
            free(sqldir);
        }
    }
    free(old);
    free(full);
    free(rel);
    free(text);
    return ok;
}

/* Generated files in sql/ whose node is gone or no longer a template. */
static bool remove_orphans(const pipeline *p, named_files *nf, const char *dir, bool dry_run,
                           artifact_changes *changes, diag_list *diags)
{
    char *sqldir = fs_join(dir, "sql");
    DIR *d = opendir(sqldir);
    bool ok = true;
    id_index ids; /* a pipeline of 6,000 SQL files must not search 6,000 times */
    id_index_build(&ids, p);
    for (struct dirent *e; d && (e = readdir(d));) {
        size_t len = strlen(e->d_name);
        if (len <= 4 || strcmp(e->d_name + len - 4, ".sql") != 0)
            continue;
        char *id = xstrndup(e->d_name, len - 4);
        ptrdiff_t j = id_index_get(&ids, id);
        const node *n = j >= 0 ? &p->nodes[j] : NULL;
        free(id);
        /* A node whose type is unknown now (its plugin failed to load)
         * keeps its file: removing it would lose it from the next commit. */
        if (n && (template_type(n) || !node_type_find(n->kind, n->type)))
            continue;
        char *rel = xasprintf("sql/%s", e->d_name);
        ok &= remove_generated(p, nf, dir, rel, dry_run, changes, NULL, diags);
        free(rel);
    }
    if (d)
        closedir(d);
    id_index_free(&ids);
    free(sqldir);
    return ok;
}

bool artifacts_sync(const pipeline *p, const char *dir, bool dry_run, artifact_changes *changes,
                    diag_list *diags)
{
    bool ok = true;
    named_files nf = {0};
    for (size_t i = 0; i < p->n_nodes; i++)
        if (template_type(&p->nodes[i]))
            ok &= sync_node(p, &nf, &p->nodes[i], dir, dry_run, changes, diags);
    ok &= remove_orphans(p, &nf, dir, dry_run, changes, diags);
    free(nf.paths);
    return ok;
}
