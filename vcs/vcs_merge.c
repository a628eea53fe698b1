/* vcs_merge: see vcs_merge.h.
 *
 * How conflicts become markers: the merge builds two results, "ours" and
 * "theirs", identical except at conflicting fields (ours' value in one,
 * theirs' in the other).  Both are written canonically by the writer; a
 * line diff of the two texts then finds exactly the conflicting lines, and
 * only those are wrapped in <<<<<<< ======= >>>>>>>.  No formatting
 * knowledge is duplicated here. */
#include "vcs_merge.h"

#include <git2.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "load.h"
#include "vcs_git.h"
#include "util.h"
#include "writer.h"
#include "yaml_read.h"

static bool str_eq(const char *a, const char *b)
{
    if (!a || !b)
        return a == b;
    return strcmp(a, b) == 0;
}

static bool val_eq(const value *a, const value *b)
{
    if (!a || !b)
        return a == b;
    return value_equal(a, b);
}

static bool blank(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (s[i] != ' ' && s[i] != '\n' && s[i] != '\r' && s[i] != '\t')
            return false;
    return true;
}

merge_kind merge_kind_for(const char *path, const char *text, size_t len)
{
    if (path) {
        const char *base = strrchr(path, '/');
        base = base ? base + 1 : path;
        if (strcmp(base, LAYOUT_FILE) == 0)
            return MERGE_LAYOUT;
        if (strcmp(base, PIPELINE_FILE) == 0)
            return MERGE_PIPELINE;
    }
    /* No usable name: layout.yaml is the one with positions and no nodes. */
    const char *s = text;
    const char *end = text + len;
    while (s && s < end) {
        if (strncmp(s, "positions:", 10) == 0)
            return MERGE_LAYOUT;
        if (strncmp(s, "pipeline:", 9) == 0 || strncmp(s, "sources:", 8) == 0)
            return MERGE_PIPELINE;
        s = memchr(s, '\n', (size_t)(end - s));
        if (s)
            s++;
    }
    return MERGE_PIPELINE;
}

void merge_result_free(merge_result *r)
{
    free(r->text);
    memset(r, 0, sizeof(*r));
}

/* ---- the line-based fallback ---------------------------------------------- */

static bool line_merge(const char *base, size_t base_len, const char *ours, size_t ours_len,
                       const char *theirs, size_t theirs_len, merge_result *out, char *err,
                       size_t err_size)
{
    vcs_error e;
    if (vcs_lib_init(&e) != VCS_OK) {
        snprintf(err, err_size, "%s", e.message);
        return false;
    }
    git_merge_file_input in_base, in_ours, in_theirs;
    git_merge_file_input_init(&in_base, GIT_MERGE_FILE_INPUT_VERSION);
    git_merge_file_input_init(&in_ours, GIT_MERGE_FILE_INPUT_VERSION);
    git_merge_file_input_init(&in_theirs, GIT_MERGE_FILE_INPUT_VERSION);
    in_base.ptr = base;
    in_base.size = base_len;
    in_ours.ptr = ours;
    in_ours.size = ours_len;
    in_theirs.ptr = theirs;
    in_theirs.size = theirs_len;
    git_merge_file_options opts;
    git_merge_file_options_init(&opts, GIT_MERGE_FILE_OPTIONS_VERSION);
    opts.ancestor_label = "base";
    opts.our_label = "ours";
    opts.their_label = "theirs";
    git_merge_file_result res;
    memset(&res, 0, sizeof(res));
    int rc = git_merge_file(&res, &in_base, &in_ours, &in_theirs, &opts);
    bool ok = rc == 0;
    if (ok) {
        out->text = xstrndup(res.ptr ? res.ptr : "", res.len);
        out->len = res.len;
        out->n_conflicts = res.automergeable ? 0 : 1;
        out->line_merge = true;
    } else {
        vcs_git_fail(&e, rc, "line merge failed");
        snprintf(err, err_size, "%s", e.message);
    }
    git_merge_file_result_free(&res);
    return ok;
}

/* ---- markers from two canonical texts ------------------------------------ */

typedef struct hunk {
    int old_start, old_lines, new_start, new_lines;
} hunk;

typedef struct hunks {
    hunk *items;
    size_t n, cap;
} hunks;

static int hunk_cb(const git_diff_delta *delta, const git_diff_hunk *h, void *payload)
{
    (void)delta;
    hunks *hs = payload;
    if (hs->n == hs->cap) {
        hs->cap = hs->cap ? hs->cap * 2 : 8;
        hs->items = xrealloc(hs->items, hs->cap * sizeof(*hs->items));
    }
    hs->items[hs->n++] = (hunk){h->old_start, h->old_lines, h->new_start, h->new_lines};
    return 0;
}

typedef struct lines {
    const char **start;
    size_t *len; /* including the newline */
    size_t n;
} lines;

static void split_lines(const char *text, lines *l)
{
    size_t n = 0, total = strlen(text);
    for (size_t i = 0; i < total; i++)
        n += text[i] == '\n';
    n += total && text[total - 1] != '\n';
    l->start = xcalloc(n + 1, sizeof(*l->start));
    l->len = xcalloc(n + 1, sizeof(*l->len));
    l->n = 0;
    const char *s = text, *end = text + total;
    while (s < end) {
        const char *e = memchr(s, '\n', (size_t)(end - s));
        size_t len = e ? (size_t)(e - s) + 1 : (size_t)(end - s);
        l->start[l->n] = s;
        l->len[l->n++] = len;
        s += len;
    }
}

static void put_line(strbuf *sb, const lines *l, size_t i)
{
    strbuf_add(sb, l->start[i], l->len[i]);
    if (l->start[i][l->len[i] - 1] != '\n')
        strbuf_putc(sb, '\n');
}

static bool with_markers(const char *ours, const char *theirs, merge_result *out, char *err,
                         size_t err_size)
{
    vcs_error e;
    if (vcs_lib_init(&e) != VCS_OK) {
        snprintf(err, err_size, "%s", e.message);
        return false;
    }
    hunks hs = {0};
    git_diff_options opts;
    git_diff_options_init(&opts, GIT_DIFF_OPTIONS_VERSION);
    opts.context_lines = 0;
    opts.interhunk_lines = 0;
    int rc = git_diff_buffers(ours, strlen(ours), NULL, theirs, strlen(theirs), NULL, &opts, NULL,
                              NULL, hunk_cb, NULL, &hs);
    if (rc < 0) {
        vcs_git_fail(&e, rc, "diff failed");
        snprintf(err, err_size, "%s", e.message);
        free(hs.items);
        return false;
    }
    lines lo, lt;
    split_lines(ours, &lo);
    split_lines(theirs, &lt);
    strbuf sb;
    strbuf_init(&sb);
    size_t next = 0; /* next line of ours to copy, 0-based */
    for (size_t h = 0; h < hs.n; h++) {
        const hunk *k = &hs.items[h];
        /* A pure insertion's old_start is the line before it. */
        size_t first = k->old_lines ? (size_t)k->old_start - 1 : (size_t)k->old_start;
        for (; next < first && next < lo.n; next++)
            put_line(&sb, &lo, next);
        strbuf_puts(&sb, "<<<<<<< ours\n");
        for (int i = 0; i < k->old_lines && next < lo.n; i++, next++)
            put_line(&sb, &lo, next);
        strbuf_puts(&sb, "=======\n");
        size_t tfirst = k->new_lines ? (size_t)k->new_start - 1 : (size_t)k->new_start;
        for (int i = 0; i < k->new_lines && tfirst + (size_t)i < lt.n; i++)
            put_line(&sb, &lt, tfirst + (size_t)i);
        strbuf_puts(&sb, ">>>>>>> theirs\n");
    }
    for (; next < lo.n; next++)
        put_line(&sb, &lo, next);
    free(lo.start);
    free(lo.len);
    free(lt.start);
    free(lt.len);
    free(hs.items);
    out->len = sb.len;
    out->text = strbuf_detach(&sb);
    return true;
}

/* ---- pipeline.yaml --------------------------------------------------------- */

typedef struct merger {
    pipeline ours_r, theirs_r; /* the two results; equal but for conflicts */
    size_t n_conflicts;
} merger;

/* Write the merged result canonically: ours_r as it is when nothing
 * conflicts, else ours_r and theirs_r line-merged with conflict markers
 * around the lines that differ.  Frees both results. */
static bool emit_merged(merger *m, char *(*write)(const pipeline *), const char *what,
                        merge_result *out, char *err, size_t err_size)
{
    char *to = write(&m->ours_r);
    char *tt = m->n_conflicts ? write(&m->theirs_r) : NULL;
    bool ok = to != NULL;
    if (!ok) {
        snprintf(err, err_size, "cannot write the merged %s", what);
    } else if (!m->n_conflicts) {
        out->len = strlen(to);
        out->text = to;
        to = NULL;
    } else {
        ok = tt && with_markers(to, tt, out, err, err_size);
    }
    out->n_conflicts = m->n_conflicts;
    free(to);
    free(tt);
    pipeline_free(&m->ours_r);
    pipeline_free(&m->theirs_r);
    return ok;
}

/* Three-way choice for one field: returns which side wins, or -1 for a
 * conflict.  0 = ours, 1 = theirs. */
static int choose(bool ours_eq_theirs, bool ours_eq_base, bool theirs_eq_base)
{
    if (ours_eq_theirs || theirs_eq_base)
        return 0;
    if (ours_eq_base)
        return 1;
    return -1;
}

static void set_str(char **dst, const char *src)
{
    free(*dst);
    *dst = src ? xstrdup(src) : NULL;
}

static void merge_str(merger *m, size_t off, const char *b, const char *o, const char *t)
{
    int c = choose(str_eq(o, t), str_eq(o, b), str_eq(t, b));
    char **ro = (char **)((char *)&m->ours_r + off), **rt = (char **)((char *)&m->theirs_r + off);
    if (c == 1) {
        set_str(ro, t);
        set_str(rt, t);
    } else if (c < 0) {
        set_str(rt, t);
        m->n_conflicts++;
    }
}

static bool tags_eq(const pipeline *a, const pipeline *b)
{
    if (a->n_tags != b->n_tags)
        return false;
    for (size_t i = 0; i < a->n_tags; i++)
        if (strcmp(a->tags[i], b->tags[i]) != 0)
            return false;
    return true;
}

static void copy_tags(pipeline *dst, const pipeline *src)
{
    for (size_t i = 0; i < dst->n_tags; i++)
        free(dst->tags[i]);
    free(dst->tags);
    dst->n_tags = src->n_tags;
    dst->tags = src->n_tags ? xcalloc(src->n_tags, sizeof(char *)) : NULL;
    for (size_t i = 0; i < src->n_tags; i++)
        dst->tags[i] = xstrdup(src->tags[i]);
}

static void merge_meta(merger *m, const pipeline *b, const pipeline *o, const pipeline *t)
{
    merge_str(m, offsetof(pipeline, name), b->name, o->name, t->name);
    merge_str(m, offsetof(pipeline, owner), b->owner, o->owner, t->owner);
    merge_str(m, offsetof(pipeline, description), b->description, o->description, t->description);
    int c = choose(tags_eq(o, t), tags_eq(o, b), tags_eq(t, b));
    if (c == 1) {
        copy_tags(&m->ours_r, t);
        copy_tags(&m->theirs_r, t);
    } else if (c < 0) {
        copy_tags(&m->theirs_r, t);
        m->n_conflicts++;
    }
    /* Both sides bump on commit: the larger version is the merged one. */
    long long v = o->version > t->version ? o->version : t->version;
    m->ours_r.version = m->theirs_r.version = v;
}

static bool node_eq(const node *a, const node *b)
{
    if (!a || !b)
        return a == b;
    if (a->kind != b->kind || !str_eq(a->type, b->type) ||
        !str_eq(a->description, b->description) || a->n_inputs != b->n_inputs ||
        !value_equal(&a->settings, &b->settings))
        return false;
    for (size_t i = 0; i < a->n_inputs; i++)
        if (strcmp(a->inputs[i], b->inputs[i]) != 0)
            return false;
    return true;
}

/* Drop a node without touching other nodes' inputs (pipeline_remove_node
 * would also drop the edges into others, which the merge decides apart). */
static void pipeline_remove_node_only(pipeline *p, const char *id)
{
    ptrdiff_t i = pipeline_index_of(p, id);
    if (i < 0)
        return;
    node_free(&p->nodes[i]);
    memmove(&p->nodes[i], &p->nodes[i + 1], (p->n_nodes - (size_t)i - 1) * sizeof(node));
    p->n_nodes--;
}

static void put_node(pipeline *p, const node *src)
{
    pipeline_remove_node_only(p, src->id);
    node *n = pipeline_add_node(p, src->id, src->kind, src->type);
    free(n->id);
    free(n->type);
    value_free(&n->settings);
    node_copy(n, src);
}

static void set_setting(node *n, const char *key, const value *v)
{
    if (!v) {
        node_unset_setting(n, key);
        return;
    }
    if (n->settings.kind != VALUE_MAP)
        value_init_map(&n->settings);
    value *slot = value_map_put(&n->settings, key);
    value_copy(slot, v);
}

static void add_key(const char ***keys, size_t *n, const value *map)
{
    if (!map || map->kind != VALUE_MAP)
        return;
    for (size_t i = 0; i < map->n; i++) {
        bool seen = false;
        for (size_t j = 0; j < *n && !seen; j++)
            seen = strcmp((*keys)[j], map->keys[i].text) == 0;
        if (!seen) {
            *keys = xrealloc(*keys, (*n + 1) * sizeof(**keys));
            (*keys)[(*n)++] = map->keys[i].text;
        }
    }
}

/* Inputs merge as sets: theirs' additions and removals applied to ours. */
static void merge_inputs(node *r, const node *b, const node *t)
{
    for (size_t i = 0; b && i < b->n_inputs; i++)
        if (!node_has_input(t, b->inputs[i]))
            node_remove_input(r, b->inputs[i]);
    for (size_t i = 0; i < t->n_inputs; i++)
        if ((!b || !node_has_input(b, t->inputs[i])) && !node_has_input(r, t->inputs[i]))
            node_add_input(r, t->inputs[i]);
}

/* Field by field, for a node both sides have (b may be NULL: added twice). */
static void merge_node_fields(merger *m, const node *b, const node *o, const node *t)
{
    node *ro = pipeline_find(&m->ours_r, o->id), *rt = pipeline_find(&m->theirs_r, o->id);
    /* kind and type as one field */
    bool ot = o->kind == t->kind && str_eq(o->type, t->type);
    bool ob = b && o->kind == b->kind && str_eq(o->type, b->type);
    bool tb = b && t->kind == b->kind && str_eq(t->type, b->type);
    int c = choose(ot, ob, tb);
    if (c != 0) {
        /* Kind moves a node between sections: rebuild it from ours with
         * theirs' kind/type, keeping the merge of the other fields below. */
        node copy;
        node_copy(&copy, ro);
        copy.kind = t->kind;
        set_str(&copy.type, t->type);
        if (c == 1)
            put_node(&m->ours_r, &copy);
        put_node(&m->theirs_r, &copy);
        node_free(&copy);
        if (c < 0)
            m->n_conflicts++;
        ro = pipeline_find(&m->ours_r, o->id);
        rt = pipeline_find(&m->theirs_r, o->id);
    }
    c = choose(str_eq(o->description, t->description), b && str_eq(o->description, b->description),
               b && str_eq(t->description, b->description));
    if (c != 0) {
        if (c == 1)
            set_str(&ro->description, t->description);
        set_str(&rt->description, t->description);
        if (c < 0)
            m->n_conflicts++;
    }
    merge_inputs(ro, b, t);
    merge_inputs(rt, b, t);

    const char **keys = NULL;
    size_t n_keys = 0;
    add_key(&keys, &n_keys, b ? &b->settings : NULL);
    add_key(&keys, &n_keys, &o->settings);
    add_key(&keys, &n_keys, &t->settings);
    for (size_t i = 0; i < n_keys; i++) {
        const value *vb = b ? value_map_get(&b->settings, keys[i]) : NULL;
        const value *vo = value_map_get(&o->settings, keys[i]);
        const value *vt = value_map_get(&t->settings, keys[i]);
        c = choose(val_eq(vo, vt), b && val_eq(vo, vb), b && val_eq(vt, vb));
        if (c == 0)
            continue;
        if (c == 1)
            set_setting(ro, keys[i], vt);
        set_setting(rt, keys[i], vt);
        if (c < 0)
            m->n_conflicts++;
    }
    free(keys);
}

static void merge_nodes(merger *m, const pipeline *b, const pipeline *o, const pipeline *t)
{
    /* Ours' nodes (already in both results), then theirs' additions. */
    for (size_t i = 0; i < o->n_nodes; i++) {
        const node *on = &o->nodes[i];
        const node *bn = pipeline_find(b, on->id), *tn = pipeline_find(t, on->id);
        if (tn) {
            merge_node_fields(m, bn, on, tn);
        } else if (bn) { /* theirs deleted it */
            if (node_eq(on, bn)) {
                pipeline_remove_node_only(&m->ours_r, on->id);
                pipeline_remove_node_only(&m->theirs_r, on->id);
            } else { /* and ours changed it: a conflict over the whole node */
                pipeline_remove_node_only(&m->theirs_r, on->id);
                m->n_conflicts++;
            }
        }
    }
    for (size_t i = 0; i < t->n_nodes; i++) {
        const node *tn = &t->nodes[i];
        if (pipeline_find(o, tn->id))
            continue;
        const node *bn = pipeline_find(b, tn->id);
        if (!bn) { /* added by theirs */
            put_node(&m->ours_r, tn);
            put_node(&m->theirs_r, tn);
        } else if (!node_eq(tn, bn)) { /* ours deleted it, theirs changed it */
            put_node(&m->theirs_r, tn);
            m->n_conflicts++;
        }
    }
}

static bool load_side(const char *data, size_t len, pipeline *p)
{
    pipeline_init(p);
    if (blank(data, len))
        return true; /* absent on that side (git gives an empty file) */
    diag_list diags;
    diag_list_init(&diags);
    bool ok = pipeline_load_buffer(data, len, ".", p, &diags) && diags.n_errors == 0;
    diag_list_free(&diags);
    return ok;
}

static bool merge_pipeline(const char *base, size_t base_len, const char *ours, size_t ours_len,
                           const char *theirs, size_t theirs_len, merge_result *out, char *err,
                           size_t err_size)
{
    pipeline b, o, t;
    bool parsed = load_side(base, base_len, &b);
    parsed = load_side(ours, ours_len, &o) && parsed;
    parsed = load_side(theirs, theirs_len, &t) && parsed;
    /* Anything the model cannot carry (errors, an empty side) merges as text. */
    if (!parsed || !o.name || !t.name) {
        pipeline_free(&b);
        pipeline_free(&o);
        pipeline_free(&t);
        return line_merge(base, base_len, ours, ours_len, theirs, theirs_len, out, err, err_size);
    }
    merger m;
    pipeline_copy(&m.ours_r, &o);
    pipeline_copy(&m.theirs_r, &o);
    m.n_conflicts = 0;
    merge_meta(&m, &b, &o, &t);
    merge_nodes(&m, &b, &o, &t);
    bool ok = emit_merged(&m, writer_pipeline_yaml, "pipeline", out, err, err_size);
    pipeline_free(&b);
    pipeline_free(&o);
    pipeline_free(&t);
    return ok;
}

/* ---- layout.yaml ------------------------------------------------------------ */

/* Positions as fake nodes (only id and x/y matter to the layout writer). */
static bool load_layout(const char *data, size_t len, value *root, const value **positions)
{
    *positions = NULL;
    value_init_map(root);
    if (blank(data, len))
        return true;
    diag_list diags;
    diag_list_init(&diags);
    bool ok = yaml_read_buffer(data, len, LAYOUT_FILE, root, &diags) && diags.n_errors == 0 &&
              root->kind == VALUE_MAP;
    diag_list_free(&diags);
    if (!ok)
        return false;
    const value *pos = value_map_get(root, "positions");
    if (pos && !value_is_null(pos)) {
        if (pos->kind != VALUE_MAP)
            return false;
        for (size_t i = 0; i < pos->n; i++) {
            long long x, y;
            const value *v = &pos->items[i];
            if (v->kind != VALUE_MAP || !value_map_get(v, "x") || !value_map_get(v, "y") ||
                !value_as_int(value_map_get(v, "x"), &x) ||
                !value_as_int(value_map_get(v, "y"), &y))
                return false;
        }
        *positions = pos;
    }
    return true;
}

static void put_position(pipeline *p, const char *id, const value *v)
{
    pipeline_remove_node_only(p, id);
    if (!v)
        return;
    long long x = 0, y = 0;
    value_as_int(value_map_get(v, "x"), &x);
    value_as_int(value_map_get(v, "y"), &y);
    node *n = pipeline_add_node(p, id, NODE_SOURCE, "file");
    n->has_xy = true;
    n->x = (int)x;
    n->y = (int)y;
}

static bool merge_layout(const char *base, size_t base_len, const char *ours, size_t ours_len,
                         const char *theirs, size_t theirs_len, merge_result *out, char *err,
                         size_t err_size)
{
    value vb, vo, vt;
    const value *pb, *po, *pt;
    bool parsed = load_layout(base, base_len, &vb, &pb);
    parsed = load_layout(ours, ours_len, &vo, &po) && parsed;
    parsed = load_layout(theirs, theirs_len, &vt, &pt) && parsed;
    if (!parsed) {
        value_free(&vb);
        value_free(&vo);
        value_free(&vt);
        return line_merge(base, base_len, ours, ours_len, theirs, theirs_len, out, err, err_size);
    }
    merger m;
    pipeline_init(&m.ours_r);
    pipeline_init(&m.theirs_r);
    m.ours_r.name = xstrdup("merge");
    m.theirs_r.name = xstrdup("merge");
    m.n_conflicts = 0;
    const char **keys = NULL;
    size_t n_keys = 0;
    add_key(&keys, &n_keys, pb);
    add_key(&keys, &n_keys, po);
    add_key(&keys, &n_keys, pt);
    for (size_t i = 0; i < n_keys; i++) {
        const value *b = pb ? value_map_get(pb, keys[i]) : NULL;
        const value *o = po ? value_map_get(po, keys[i]) : NULL;
        const value *t = pt ? value_map_get(pt, keys[i]) : NULL;
        int c = choose(val_eq(o, t), val_eq(o, b), val_eq(t, b));
        put_position(&m.ours_r, keys[i], c == 1 ? t : o);
        put_position(&m.theirs_r, keys[i], c == 0 ? o : t);
        if (c < 0)
            m.n_conflicts++;
    }
    free(keys);
    bool ok = emit_merged(&m, writer_layout_yaml, "layout", out, err, err_size);
    value_free(&vb);
    value_free(&vo);
    value_free(&vt);
    return ok;
}

bool merge_texts(merge_kind kind, const char *base, size_t base_len, const char *ours,
                 size_t ours_len, const char *theirs, size_t theirs_len, merge_result *out,
                 char *err, size_t err_size)
{
    memset(out, 0, sizeof(*out));
    if (kind == MERGE_LAYOUT)
        return merge_layout(base, base_len, ours, ours_len, theirs, theirs_len, out, err, err_size);
    return merge_pipeline(base, base_len, ours, ours_len, theirs, theirs_len, out, err, err_size);
}
