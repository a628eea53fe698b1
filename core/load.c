#include "load.h"

#include <pthread.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "comments.h"
#include "fsutil.h"
#include "idindex.h"
#include "spawn.h"
#include "util.h"
#include "yaml_read.h"
#include "yaml_split.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

typedef struct loader {
    const char *path; /* file name used in diagnostics */
    diag_list *diags;
    pipeline *p;
    id_index ids; /* node id -> index, while loading pipeline.yaml */
    arena *mem;   /* the tree's arena, which the settings borrow */
} loader;

static void error_at(loader *l, src_pos pos, const char *node_id, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void error_at(loader *l, src_pos pos, const char *node_id, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = xvasprintf(fmt, ap);
    va_end(ap);
    diag_add(l->diags, DIAG_ERROR, l->path, pos.line, pos.col, node_id, "%s", msg);
    free(msg);
}

static void unknown_key(loader *l, const value *key, const char *where, const char *const *known,
                        size_t n_known)
{
    const char *near = closest_match(key->text, known, n_known);
    if (near)
        error_at(l, key->pos, NULL, "unknown key '%s' in %s (did you mean '%s'?)", key->text, where,
                 near);
    else
        error_at(l, key->pos, NULL, "unknown key '%s' in %s", key->text, where);
}

static bool expect_kind(loader *l, const value *v, value_kind kind, const char *what)
{
    if (v->kind == kind)
        return true;
    error_at(l, v->pos, NULL, "%s must be %s, not %s", what, value_kind_name(kind),
             value_kind_name(v->kind));
    return false;
}

static char *scalar_or_null(loader *l, const value *v, const char *what)
{
    if (value_is_null(v))
        return NULL;
    if (!expect_kind(l, v, VALUE_SCALAR, what))
        return NULL;
    return xstrndup(v->text, v->len);
}

static void load_metadata(loader *l, const value *meta)
{
    static const char *const keys[] = {"name", "version", "owner", "description", "tags"};
    if (!expect_kind(l, meta, VALUE_MAP, "'pipeline'"))
        return;
    bool seen_name = false;
    for (size_t i = 0; i < meta->n; i++) {
        const value *k = &meta->keys[i], *v = &meta->items[i];
        if (strcmp(k->text, "name") == 0) {
            /* One problem, one message: scalar_or_null reports a list, this
             * an empty or null name, the check after the loop a missing one. */
            seen_name = true;
            free(l->p->name);
            l->p->name = scalar_or_null(l, v, "'name'");
            if ((!l->p->name || !*l->p->name) && v->kind == VALUE_SCALAR)
                error_at(l, v->pos, NULL, "'name' cannot be empty");
        } else if (strcmp(k->text, "version") == 0) {
            long long n;
            if (!value_as_int(v, &n) || n < 0)
                error_at(l, v->pos, NULL, "'version' must be a whole number (0 or more)");
            else
                l->p->version = n;
        } else if (strcmp(k->text, "owner") == 0) {
            l->p->owner = scalar_or_null(l, v, "'owner'");
        } else if (strcmp(k->text, "description") == 0) {
            l->p->description = scalar_or_null(l, v, "'description'");
        } else if (strcmp(k->text, "tags") == 0) {
            if (value_is_null(v) || !expect_kind(l, v, VALUE_LIST, "'tags'"))
                continue;
            l->p->tags = xcalloc(v->n, sizeof(char *));
            for (size_t t = 0; t < v->n; t++) {
                char *tag = scalar_or_null(l, &v->items[t], "a tag");
                if (tag)
                    l->p->tags[l->p->n_tags++] = tag;
            }
        } else {
            unknown_key(l, k, "'pipeline'", keys, COUNT(keys));
        }
    }
    if (!seen_name)
        error_at(l, meta->pos, NULL, "'pipeline' needs a 'name'");
}

static void add_input(node *n, const value *v)
{
    n->inputs[n->n_inputs] = xstrndup(v->text, v->len);
    n->input_pos[n->n_inputs] = v->pos;
    n->n_inputs++;
}

static void load_inputs(loader *l, node *n, const value *v)
{
    n->inputs_pos = v->pos;
    if (value_is_null(v))
        return;
    if (v->kind == VALUE_SCALAR) {
        error_at(l, v->pos, n->id, "'inputs' is a list: write inputs: [%s]", v->text);
        /* Read it as meant, so the id is still checked and the node is not
         * also reported as having no input. */
        node_add_input(n, v->text);
        n->input_pos[n->n_inputs - 1] = v->pos;
        return;
    }
    if (!expect_kind(l, v, VALUE_LIST, "'inputs'") || v->n == 0)
        return;
    /* The arrays at their final size at once (node_add_input grows them
     * one by one); a repeated 'inputs' key was dropped by the reader. */
    n->inputs = xrealloc(n->inputs, (n->n_inputs + v->n) * sizeof(char *));
    n->input_pos = xrealloc(n->input_pos, (n->n_inputs + v->n) * sizeof(src_pos));
    for (size_t i = 0; i < v->n; i++) {
        const value *item = &v->items[i];
        if (item->kind != VALUE_SCALAR) {
            error_at(l, item->pos, n->id, "an input must be a node id, not %s",
                     value_kind_name(item->kind));
            continue;
        }
        add_input(n, item);
    }
}

static bool key_is(const value *k, const char *word, size_t len)
{
    return k->len == len && memcmp(k->text, word, len) == 0;
}

/* The keys of a node that are not settings. */
static bool is_node_key(const value *k)
{
    return key_is(k, "type", 4) || key_is(k, "description", 11) || key_is(k, "inputs", 6);
}

/* Every key of a node's body but type, description and inputs is a
 * setting, kept with its position; validate.c checks it against the node
 * type.  The settings borrow the tree's values, strings and all, instead
 * of copying them: the pipeline keeps the tree's arena (model.h).  Even
 * the arrays are the body's own: its entries are reordered in place,
 * settings first (in file order) and the node's own keys after them, and
 * the settings map is the front of the body's arrays.  The tree stays a
 * correct map of the same entries, which is all comments.c reads later. */
static void borrow_settings(node *n, value *body)
{
    /* type, description, inputs: each at most once (the reader drops a
     * repeated key; n_own < 3 only guards that promise) */
    value own_keys[3], own_items[3];
    size_t n_own = 0, n_settings = 0;
    for (size_t i = 0; i < body->n; i++) {
        if (is_node_key(&body->keys[i]) && n_own < 3) {
            own_keys[n_own] = body->keys[i];
            own_items[n_own++] = body->items[i];
        } else {
            body->keys[n_settings] = body->keys[i];
            body->items[n_settings++] = body->items[i];
        }
    }
    for (size_t i = 0; i < n_own; i++) {
        body->keys[n_settings + i] = own_keys[i];
        body->items[n_settings + i] = own_items[i];
    }
    if (n_settings == 0)
        return; /* keep pipeline_add_node's empty heap map */
    n->settings.in_arena = true;
    n->settings.keys = body->keys;
    n->settings.items = body->items;
    n->settings.n = n_settings;
}

static void load_node(loader *l, node_kind kind, const value *key, const value *body)
{
    ptrdiff_t prior_idx = id_index_get(&l->ids, key->text);
    const node *prior = prior_idx >= 0 ? &l->p->nodes[prior_idx] : NULL;
    if (prior) {
        error_at(l, key->pos, key->text, "id '%s' is already used by the %s at line %d", key->text,
                 node_kind_name(prior->kind), prior->pos.line);
        return;
    }
    if (body->kind != VALUE_MAP) {
        error_at(l, body->pos, key->text, "%s '%s' must be a mapping with at least a 'type'",
                 node_kind_name(kind), key->text);
        return;
    }
    const value *type = value_map_get(body, "type");
    bool type_ok = type && type->kind == VALUE_SCALAR && type->len > 0;
    node *n = pipeline_add_node(l->p, key->text, kind, type_ok ? type->text : "");
    n->pos = key->pos;
    id_index_put(&l->ids, n->id, l->p->n_nodes - 1);
    if (!type)
        error_at(l, key->pos, n->id, "%s '%s' needs a 'type'", node_kind_name(kind), n->id);
    else if (!type_ok)
        error_at(l, type->pos, n->id, "'type' must be a type name");
    else
        n->type_pos = type->pos;

    for (size_t i = 0; i < body->n; i++) {
        const value *k = &body->keys[i], *v = &body->items[i];
        if (key_is(k, "description", 11))
            n->description = scalar_or_null(l, v, "'description'");
        else if (key_is(k, "inputs", 6))
            load_inputs(l, n, v);
    }
    borrow_settings(n, (value *)body);
}

static void load_section(loader *l, node_kind kind, const value *section)
{
    if (value_is_null(section))
        return;
    char what[32];
    snprintf(what, sizeof(what), "'%s'", node_kind_section(kind));
    if (!expect_kind(l, section, VALUE_MAP, what))
        return;
    for (size_t i = 0; i < section->n; i++)
        load_node(l, kind, &section->keys[i], &section->items[i]);
}

static void load_root(loader *l, const value *root)
{
    static const char *const keys[] = {"weir", "pipeline", "sources", "transforms", "sinks"};
    if (root->kind != VALUE_MAP) {
        error_at(l, root->pos, NULL,
                 "the top level must be a mapping with 'weir', 'pipeline', 'sources', "
                 "'transforms' and 'sinks', not %s",
                 value_kind_name(root->kind));
        return;
    }
    const value *format = value_map_get(root, "weir");
    if (!format) {
        error_at(l, root->pos, NULL, "missing 'weir: %d' (the format version)",
                 WEIR_FORMAT_VERSION);
    } else {
        long long n;
        if (!value_as_int(format, &n))
            error_at(l, format->pos, NULL, "'weir' is the format version, a whole number");
        else if (n != WEIR_FORMAT_VERSION)
            error_at(l, format->pos, NULL,
                     "format version %lld is not supported; this weir reads version %d%s", n,
                     WEIR_FORMAT_VERSION, n > WEIR_FORMAT_VERSION ? " (upgrade weir)" : "");
        else
            l->p->format = n;
    }
    const value *meta = value_map_get(root, "pipeline");
    if (!meta)
        error_at(l, root->pos, NULL, "missing the 'pipeline' section (name, version, owner)");
    else
        load_metadata(l, meta);

    for (size_t i = 0; i < root->n; i++) {
        const value *k = &root->keys[i];
        bool known = false;
        for (size_t j = 0; j < COUNT(keys); j++)
            known |= strcmp(k->text, keys[j]) == 0;
        if (!known)
            unknown_key(l, k, "the top level", keys, COUNT(keys));
    }
    for (int kind = 0; kind < NODE_KIND_COUNT; kind++) {
        const value *section = value_map_get(root, node_kind_section((node_kind)kind));
        if (section)
            load_section(l, (node_kind)kind, section);
    }
}

/* The number of nodes pipeline.yaml declares, to size the id index once. */
static size_t count_nodes(const value *root)
{
    size_t n = 0;
    for (int kind = 0; root->kind == VALUE_MAP && kind < NODE_KIND_COUNT; kind++) {
        const value *section = value_map_get(root, node_kind_section((node_kind)kind));
        if (section && section->kind == VALUE_MAP)
            n += section->n;
    }
    return n;
}

/* Build p from pipeline.yaml's tree, which p keeps.  comments: keep the
 * file's comments in the model (comments.h), for callers that may write
 * the files back.  ids: when not NULL, receives the index of the nodes'
 * ids (for layout.yaml), which the caller frees. */
static void load_pipeline_doc(yaml_doc doc, pipeline *p, diag_list *diags, bool comments,
                              id_index *ids)
{
    loader l = {PIPELINE_FILE, diags, p, {0}, doc.mem};
    size_t expected = count_nodes(&doc.root);
    id_index_init(&l.ids, expected);
    if (expected) { /* the node array at its final size at once */
        p->nodes = xmalloc(expected * sizeof(node));
        p->cap_nodes = expected;
    }
    load_root(&l, &doc.root);
    if (comments && !comments_to_pipeline(p, &doc.root))
        error_at(&l, doc.root.pos, NULL, "weir could not keep every comment of this file (a bug)");
    p->mem = doc.mem; /* the settings borrow from it; the rest is unused */
    if (ids)
        *ids = l.ids;
    else
        id_index_free(&l.ids);
}

static void pipeline_begin(pipeline *p, const char *dir)
{
    pipeline_init(p);
    p->dir = xstrdup(dir ? dir : ".");
    p->version = 1;
}

static bool load_pipeline_text(const char *data, size_t len, const char *dir, pipeline *p,
                               diag_list *diags, bool comments)
{
    pipeline_begin(p, dir);
    yaml_doc doc;
    if (!yaml_doc_read(data, len, PIPELINE_FILE, comments, &doc, diags))
        return false;
    load_pipeline_doc(doc, p, diags, comments, NULL);
    return true;
}

bool pipeline_load_buffer(const char *data, size_t len, const char *dir, pipeline *p,
                          diag_list *diags)
{
    return load_pipeline_text(data, len, dir, p, diags, true);
}

bool pipeline_load_buffer_with(const char *data, size_t len, const char *dir,
                               const load_options *opts, pipeline *p, diag_list *diags)
{
    return load_pipeline_text(data, len, dir, p, diags, !(opts && opts->skip_comments));
}

static bool read_xy(loader *l, const value *v, const char *name, int *out)
{
    long long n;
    if (!v) {
        error_at(l, (src_pos){0, 0}, NULL, "a position needs '%s'", name);
        return false;
    }
    if (!value_as_int(v, &n) || n < 0 || n > 1000000) {
        error_at(l, v->pos, NULL, "'%s' must be a whole number from 0 to 1000000", name);
        return false;
    }
    *out = (int)n;
    return true;
}

/* Apply a parsed layout.yaml to p.  ids: the index of p's node ids, or
 * NULL to build one here.  Nothing borrows from the tree. */
static void apply_layout(const value *root, pipeline *p, const id_index *ids, diag_list *diags,
                         bool comments)
{
    static const char *const keys[] = {"weir", "positions"};
    loader l = {LAYOUT_FILE, diags, p, {0}, NULL};
    if (ids)
        l.ids = *ids; /* borrowed: not freed below */
    else
        id_index_build(&l.ids, p);
    p->has_layout = true;
    if (root->kind != VALUE_MAP) {
        error_at(&l, root->pos, NULL, "layout.yaml must be a mapping with 'weir' and 'positions'");
        if (!ids)
            id_index_free(&l.ids);
        return;
    }
    for (size_t i = 0; i < root->n; i++) {
        const value *k = &root->keys[i];
        if (strcmp(k->text, "weir") != 0 && strcmp(k->text, "positions") != 0)
            unknown_key(&l, k, "layout.yaml", keys, COUNT(keys));
    }
    const value *format = value_map_get(root, "weir");
    long long version;
    if (format && (!value_as_int(format, &version) || version != WEIR_LAYOUT_VERSION))
        error_at(&l, format->pos, NULL,
                 "layout format version '%s' is not supported; this weir reads version %d",
                 format->kind == VALUE_SCALAR ? format->text : "?", WEIR_LAYOUT_VERSION);
    const value *positions = value_map_get(root, "positions");
    if (positions && !value_is_null(positions) &&
        expect_kind(&l, positions, VALUE_MAP, "'positions'")) {
        for (size_t i = 0; i < positions->n; i++) {
            const value *k = &positions->keys[i], *v = &positions->items[i];
            ptrdiff_t idx = id_index_get(&l.ids, k->text);
            node *n = idx >= 0 ? &p->nodes[idx] : NULL;
            if (!n) {
                diag_add(diags, DIAG_WARNING, LAYOUT_FILE, k->pos.line, k->pos.col, NULL,
                         "position for '%s', which is not a node (it will be dropped on save)",
                         k->text);
                continue;
            }
            if (!expect_kind(&l, v, VALUE_MAP, "a position"))
                continue;
            int x = 0, y = 0;
            const value *vx = value_map_get(v, "x"), *vy = value_map_get(v, "y");
            if (!vx || !vy) {
                error_at(&l, v->pos, n->id, "the position of '%s' needs 'x' and 'y'", n->id);
                continue;
            }
            static const char *const xy[] = {"x", "y"};
            for (size_t j = 0; j < v->n; j++)
                if (strcmp(v->keys[j].text, "x") != 0 && strcmp(v->keys[j].text, "y") != 0)
                    unknown_key(&l, &v->keys[j], "a position", xy, COUNT(xy));
            /* Both, so a position with two bad numbers gets two messages. */
            bool ok_x = read_xy(&l, vx, "x", &x);
            bool ok_y = read_xy(&l, vy, "y", &y);
            if (ok_x && ok_y) {
                n->has_xy = true;
                n->x = x;
                n->y = y;
                n->xy_pos = k->pos;
            }
        }
    }
    if (!ids)
        id_index_free(&l.ids);
    if (comments && !comments_to_layout(p, root))
        error_at(&l, root->pos, NULL, "weir could not keep every comment of this file (a bug)");
}

static void load_layout_text(const char *data, size_t len, pipeline *p, diag_list *diags,
                             bool comments)
{
    yaml_doc doc;
    if (!yaml_doc_read(data, len, LAYOUT_FILE, comments, &doc, diags))
        return;
    apply_layout(&doc.root, p, NULL, diags, comments);
    yaml_doc_free(&doc);
}

void pipeline_load_layout_buffer(const char *data, size_t len, pipeline *p, diag_list *diags)
{
    load_layout_text(data, len, p, diags, true);
}

void pipeline_load_layout_buffer_with(const char *data, size_t len, const load_options *opts,
                                      pipeline *p, diag_list *diags)
{
    load_layout_text(data, len, p, diags, !(opts && opts->skip_comments));
}

bool pipeline_load(const char *dir, pipeline *p, diag_list *diags)
{
    return pipeline_load_with(dir, NULL, p, diags);
}

/* The second thread of a load.  It helps read pipeline.yaml when that is
 * read in pieces (yaml_split.h); then runs the caller's work (load_options.
 * meanwhile), lists the folders the file checks will look in, and says so
 * (`ready`); then reads layout.yaml, which nothing needs until its
 * positions are applied to the built model, so the first thread builds
 * (and a validating caller checks) the model meanwhile, and helps with
 * layout.yaml's pieces when it is done (bench/README.md, "validate and
 * fmt").  The thread touches nothing but its job; the first thread reads
 * the job's results after joining it. */
typedef struct layout_job {
    void (*meanwhile)(void *ctx); /* in: the caller's work (load_options) */
    void *meanwhile_ctx;
    char *path;             /* in: the file */
    bool comments;          /* in: keep its comments */
    fs_dir_cache *listings; /* in: folders to list (load_options) */
    yaml_split *pieces;     /* in: pipeline.yaml's pieces, or NULL */
    sem_t ready;            /* posted once meanwhile and the listings are done */
    /* out, as soon as known: layout.yaml's pieces; freed after the join */
    _Atomic(yaml_split *) layout_pieces;
    bool parsed;     /* out: doc holds the tree */
    yaml_doc doc;    /* out */
    diag_list diags; /* out: read and parse errors */
} layout_job;

static void read_layout(layout_job *job)
{
    char *data;
    size_t len;
    char err[256];
    if (!fs_exists(job->path))
        return; /* a pipeline need not have a layout yet */
    if (fs_read_file(job->path, YAML_MAX_FILE_BYTES, &data, &len, err, sizeof(err)) != 0) {
        diag_add(&job->diags, DIAG_ERROR, LAYOUT_FILE, 1, 1, NULL, "%s", err);
        return;
    }
    yaml_split *pieces = job->comments ? NULL : yaml_split_plan(data, len, LAYOUT_FILE, NULL);
    if (pieces) {
        atomic_store(&job->layout_pieces, pieces);
        yaml_split_work(pieces);
        job->parsed = yaml_split_finish(pieces, &job->doc);
    }
    if (!job->parsed)
        job->parsed = yaml_doc_read(data, len, LAYOUT_FILE, job->comments, &job->doc, &job->diags);
    free(data);
}

static void *layout_job_run(void *arg)
{
    layout_job *job = arg;
    if (job->pieces)
        yaml_split_work(job->pieces);
    if (job->meanwhile)
        job->meanwhile(job->meanwhile_ctx);
    /* Listing 8,000 files costs the kernel milliseconds: do it here too. */
    static const char *const folders[] = {"", "sql", "lua", "samples"};
    for (size_t i = 0; job->listings && i < COUNT(folders); i++)
        fs_dir_cache_prefetch(job->listings, folders[i]);
    sem_post(&job->ready);
    read_layout(job);
    return NULL;
}

bool pipeline_load_with(const char *dir, const load_options *opts, pipeline *p, diag_list *diags)
{
    bool comments = !(opts && opts->skip_comments);
    pipeline_begin(p, dir);
    char *path = fs_join(dir, PIPELINE_FILE);
    char *data = NULL;
    size_t len = 0;
    char err[256];
    bool readable = fs_read_file(path, YAML_MAX_FILE_BYTES, &data, &len, err, sizeof(err)) == 0;
    if (!readable) {
        if (!fs_exists(path))
            diag_add(diags, DIAG_ERROR, PIPELINE_FILE, 0, 0, NULL,
                     "no such file (not a pipeline folder? create one with: weir new %s)", dir);
        else
            diag_add(diags, DIAG_ERROR, PIPELINE_FILE, 1, 1, NULL, "%s", err);
    }
    free(path);

    layout_job job;
    memset(&job, 0, sizeof(job));
    job.path = fs_join(dir, LAYOUT_FILE);
    job.comments = comments;
    job.listings = opts ? opts->listings : NULL;
    job.meanwhile = opts ? opts->meanwhile : NULL;
    job.meanwhile_ctx = opts ? opts->meanwhile_ctx : NULL;
    /* A big pipeline.yaml is read in pieces by both threads; a text that
     * does not cut, or whose comments are kept, in one go by this one. */
    job.pieces = readable && !comments ? yaml_split_plan(data, len, PIPELINE_FILE, NULL) : NULL;
    sem_init(&job.ready, 0, 0);
    diag_list_init(&job.diags);
    pthread_t thread;
    bool threaded = spawn_thread(&thread, layout_job_run, &job);
    if (!threaded)
        layout_job_run(&job); /* no thread to be had: one after the other */

    yaml_doc doc;
    bool ok = false;
    if (job.pieces) {
        yaml_split_work(job.pieces);
        ok = yaml_split_finish(job.pieces, &doc);
    }
    if (readable && !ok)
        ok = yaml_doc_read(data, len, PIPELINE_FILE, comments, &doc, diags);
    free(data);
    id_index ids;
    if (ok)
        load_pipeline_doc(doc, p, diags, comments, &ids);
    sem_wait(&job.ready); /* the caller's work and the listings are done */
    if (ok && opts && opts->on_model)
        opts->on_model(p, opts->ctx);
    if (threaded) {
        yaml_split *layout_pieces = atomic_load(&job.layout_pieces);
        if (layout_pieces)
            yaml_split_work(layout_pieces); /* nothing else to do meanwhile */
        pthread_join(thread, NULL);
    }
    /* layout.yaml's problems come after pipeline.yaml's, as when the files
     * were read one after the other; none when pipeline.yaml failed. */
    if (ok) {
        diag_list_take_all(diags, &job.diags);
        if (job.parsed)
            apply_layout(&job.doc.root, p, &ids, diags, comments);
        id_index_free(&ids);
    }
    sem_destroy(&job.ready);
    yaml_split_free(job.pieces);
    yaml_split_free(atomic_load(&job.layout_pieces));
    yaml_doc_free(&job.doc);
    diag_list_free(&job.diags);
    free(job.path);
    return ok;
}
