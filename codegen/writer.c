#include "writer.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "comments.h"
#include "fsutil.h"
#include "idindex.h"
#include "load.h"
#include "util.h"
#include "yaml_emit.h"
#include "yaml_read.h"

static bool is_empty(const char *s)
{
    return !s || !*s;
}

/* Keys the loader reads as node fields, never as settings: a setting with
 * one of these names cannot be written (it would read back as the field). */
static bool reserved_setting(const char *key)
{
    return strcmp(key, "type") == 0 || strcmp(key, "description") == 0 ||
           strcmp(key, "inputs") == 0;
}

/* The text being written, and the comments of keys the canonical form
 * leaves out (an empty description, a section with no nodes): they go
 * above the next key written, or to the end, never away. */
typedef struct out {
    strbuf sb;
    char *pending;
} out;

/* The comments above a key about to be written: carried ones first. */
static void comment_above(out *o, int indent, const char *own)
{
    if (o->pending) {
        yaml_emit_comment(&o->sb, indent, o->pending);
        free(o->pending);
        o->pending = NULL;
    }
    yaml_emit_comment(&o->sb, indent, own);
}

static void carry(out *o, const char *comment)
{
    comment_append(&o->pending, comment);
}

/* What is still carried when the text ends: the file's last lines. */
static char *finish(out *o, const char *tail)
{
    carry(o, tail);
    if (o->pending) {
        strbuf_putc(&o->sb, '\n');
        comment_above(o, 0, NULL);
    }
    return strbuf_detach(&o->sb);
}

static void emit_setting(out *o, const value *key, const value *v)
{
    comment_above(o, 4, key->comment);
    yaml_emit_entry(&o->sb, 4, key->text, key->len, key->quoted, v);
}

/* type, description, inputs, then settings in the order the node type
 * declares them, then any others (unknown to the type) in file order. */
static void emit_node(out *o, const node *n)
{
    strbuf *sb = &o->sb;
    comment_above(o, 2, n->comment);
    yaml_emit_key(sb, 2, n->id, strlen(n->id), true);
    strbuf_putc(sb, '\n');
    comment_above(o, 4, n->type_comment);
    yaml_emit_string_entry(sb, 4, "type", n->type);
    if (!is_empty(n->description)) {
        comment_above(o, 4, n->description_comment);
        yaml_emit_string_entry(sb, 4, "description", n->description);
    } else {
        carry(o, n->description_comment);
    }
    if (n->n_inputs) {
        comment_above(o, 4, n->inputs_comment);
        strbuf_puts(sb, "    inputs:\n");
        yaml_emit_string_list(sb, 6, n->inputs, n->n_inputs);
    } else {
        carry(o, n->inputs_comment);
    }
    const value *s = &n->settings;
    if (s->kind != VALUE_MAP || s->n == 0)
        return;
    const node_type *type = node_type_find(n->kind, n->type);
    bool *done = xcalloc(s->n, sizeof(bool));
    for (size_t t = 0; type && t < type->n_settings; t++) {
        for (size_t i = 0; i < s->n; i++) {
            if (!done[i] && strcmp(s->keys[i].text, type->settings[t].name) == 0) {
                emit_setting(o, &s->keys[i], &s->items[i]);
                done[i] = true;
                break;
            }
        }
    }
    for (size_t i = 0; i < s->n; i++) {
        if (done[i])
            continue;
        if (reserved_setting(s->keys[i].text))
            carry(o, s->keys[i].comment);
        else
            emit_setting(o, &s->keys[i], &s->items[i]);
    }
    free(done);
}

/* A metadata string, or its comments carried when it is left out. */
static void emit_meta(out *o, const pipeline *p, int which, const char *key, const char *text)
{
    if (is_empty(text)) {
        carry(o, p->meta_comment[which]);
        return;
    }
    comment_above(o, 2, p->meta_comment[which]);
    yaml_emit_string_entry(&o->sb, 2, key, text);
}

char *writer_pipeline_yaml(const pipeline *p)
{
    out o = {{0}, NULL};
    strbuf_init(&o.sb);
    comment_above(&o, 0, p->head_comment);
    strbuf_printf(&o.sb, "weir: %lld\n", p->format ? p->format : (long long)WEIR_FORMAT_VERSION);

    strbuf_putc(&o.sb, '\n');
    comment_above(&o, 0, p->pipeline_comment);
    strbuf_puts(&o.sb, "pipeline:\n");
    comment_above(&o, 2, p->meta_comment[META_NAME]);
    yaml_emit_string_entry(&o.sb, 2, "name", p->name);
    comment_above(&o, 2, p->meta_comment[META_VERSION]);
    strbuf_printf(&o.sb, "  version: %lld\n", p->version);
    emit_meta(&o, p, META_OWNER, "owner", p->owner);
    emit_meta(&o, p, META_DESCRIPTION, "description", p->description);
    if (p->n_tags) {
        comment_above(&o, 2, p->meta_comment[META_TAGS]);
        strbuf_puts(&o.sb, "  tags:\n");
        yaml_emit_string_list(&o.sb, 4, p->tags, p->n_tags);
    } else {
        carry(&o, p->meta_comment[META_TAGS]);
    }

    const node **sorted = pipeline_sorted_nodes(p);
    size_t i = 0;
    for (int kind = 0; kind < NODE_KIND_COUNT; kind++) {
        if (i < p->n_nodes && sorted[i]->kind == (node_kind)kind) {
            strbuf_putc(&o.sb, '\n');
            comment_above(&o, 0, p->section_comment[kind]);
            strbuf_printf(&o.sb, "%s:\n", node_kind_section((node_kind)kind));
        } else {
            carry(&o, p->section_comment[kind]);
        }
        for (; i < p->n_nodes && sorted[i]->kind == (node_kind)kind; i++)
            emit_node(&o, sorted[i]);
    }
    free(sorted);
    return finish(&o, p->tail_comment);
}

static int compare_ids(const void *a, const void *b)
{
    const node *na = *(const node *const *)a, *nb = *(const node *const *)b;
    return strcmp(na->id, nb->id);
}

char *writer_layout_yaml(const pipeline *p)
{
    out o = {{0}, NULL};
    strbuf_init(&o.sb);
    comment_above(&o, 0, p->layout_head_comment);
    strbuf_printf(&o.sb, "weir: %d\n", WEIR_LAYOUT_VERSION);
    /* Placed nodes, and unplaced ones whose layout comments must go on. */
    const node **listed = xmalloc((p->n_nodes + 1) * sizeof(*listed));
    size_t n = 0, n_placed = 0;
    for (size_t i = 0; i < p->n_nodes; i++) {
        if (p->nodes[i].has_xy || p->nodes[i].layout_comment)
            listed[n++] = &p->nodes[i];
        n_placed += p->nodes[i].has_xy;
    }
    qsort(listed, n, sizeof(*listed), compare_ids);
    if (n_placed) {
        strbuf_putc(&o.sb, '\n');
        comment_above(&o, 0, p->layout_positions_comment);
        strbuf_puts(&o.sb, "positions:\n");
    } else {
        carry(&o, p->layout_positions_comment);
    }
    for (size_t i = 0; i < n; i++) {
        if (!listed[i]->has_xy) {
            carry(&o, listed[i]->layout_comment);
            continue;
        }
        comment_above(&o, 2, listed[i]->layout_comment);
        yaml_emit_key(&o.sb, 2, listed[i]->id, strlen(listed[i]->id), true);
        strbuf_printf(&o.sb, "\n    x: %d\n    y: %d\n", listed[i]->x, listed[i]->y);
    }
    free(listed);
    return finish(&o, p->layout_tail_comment);
}

bool writer_has_layout(const pipeline *p)
{
    if (p->has_layout)
        return true;
    for (size_t i = 0; i < p->n_nodes; i++)
        if (p->nodes[i].has_xy)
            return true;
    return false;
}

/* Compare text with the file at dir/name; write it when different. */
static bool save_one(const char *dir, const char *name, const char *text, bool dry_run,
                     bool *changed, diag_list *diags)
{
    *changed = false;
    path_check pc = fs_check_inside(dir, name, false);
    if (pc == PATH_MISSING && !fs_is_dir(dir)) {
        diag_add(diags, DIAG_ERROR, name, 0, 0, NULL, "cannot write %s: no folder %s", name, dir);
        return false;
    }
    if (pc != PATH_OK && pc != PATH_MISSING) {
        diag_add(diags, DIAG_ERROR, name, 0, 0, NULL, "will not write %s: it %s", name,
                 path_check_message(pc));
        return false;
    }
    char *path = fs_join(dir, name);
    size_t len = strlen(text);
    char *old = NULL;
    size_t old_len = 0;
    char err[512];
    bool same = fs_read_file(path, YAML_MAX_FILE_BYTES, &old, &old_len, err, sizeof(err)) == 0 &&
                old_len == len && memcmp(old, text, len) == 0;
    free(old);
    bool ok = true;
    if (!same) {
        if (!dry_run && fs_write_atomic(path, text, len, err, sizeof(err)) != 0) {
            diag_add(diags, DIAG_ERROR, name, 0, 0, NULL, "%s", err);
            ok = false;
        }
        *changed = ok;
    }
    free(path);
    return ok;
}

bool pipeline_save_files(const pipeline *p, const char *dir, bool dry_run, unsigned *changed,
                         diag_list *diags)
{
    unsigned mask = 0;
    bool one;
    char *text = writer_pipeline_yaml(p);
    bool ok = save_one(dir, PIPELINE_FILE, text, dry_run, &one, diags);
    free(text);
    if (one)
        mask |= WRITER_PIPELINE;
    if (ok && writer_has_layout(p)) {
        text = writer_layout_yaml(p);
        ok = save_one(dir, LAYOUT_FILE, text, dry_run, &one, diags);
        free(text);
        if (one)
            mask |= WRITER_LAYOUT;
    }
    if (changed)
        *changed = mask;
    return ok;
}

bool pipeline_save(const pipeline *p, const char *dir, diag_list *diags)
{
    return pipeline_save_files(p, dir, false, NULL, diags);
}

/* ---- model comparison ---------------------------------------------- */

static bool same_text(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "") == 0;
}

/* Same scalar for a reader: same text, and quoting differs only where it
 * cannot change the type a reader gives the text. */
static bool same_value(const value *a, const value *b)
{
    if (a->kind != b->kind || a->n != b->n)
        return false;
    if (a->kind == VALUE_SCALAR) {
        if (a->len != b->len || memcmp(a->text ? a->text : "", b->text ? b->text : "", a->len))
            return false;
        return a->quoted == b->quoted || !yaml_looks_typed(a->text ? a->text : "", a->len);
    }
    for (size_t i = 0; i < a->n; i++) {
        if (a->kind == VALUE_MAP && strcmp(a->keys[i].text, b->keys[i].text) != 0)
            return false;
        if (!same_value(&a->items[i], &b->items[i]))
            return false;
    }
    return true;
}

static bool differ(char *why, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static bool differ(char *why, size_t size, const char *fmt, ...)
{
    if (why && size) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(why, size, fmt, ap);
        va_end(ap);
    }
    return false;
}

/* A node's settings: the same keys with the same values, in any order
 * (the writer puts them in declaration order). */
static bool same_settings(const node *a, const node *b, char *why, size_t size)
{
    const value *sa = &a->settings, *sb = &b->settings;
    size_t na = sa->kind == VALUE_MAP ? sa->n : 0, nb = sb->kind == VALUE_MAP ? sb->n : 0;
    if (na != nb)
        return differ(why, size, "node '%s': %zu settings against %zu", a->id, na, nb);
    for (size_t i = 0; i < na; i++) {
        const value *other = value_map_get(sb, sa->keys[i].text);
        if (!other)
            return differ(why, size, "node '%s': setting '%s' is missing", a->id, sa->keys[i].text);
        if (!same_value(&sa->items[i], other))
            return differ(why, size, "node '%s': setting '%s' differs", a->id, sa->keys[i].text);
    }
    return true;
}

static bool same_node(const node *a, const node *b, char *why, size_t size)
{
    if (a->kind != b->kind || strcmp(a->type, b->type) != 0)
        return differ(why, size, "node '%s': kind or type differs", a->id);
    if (!same_text(a->description, b->description))
        return differ(why, size, "node '%s': description differs", a->id);
    if (a->n_inputs != b->n_inputs)
        return differ(why, size, "node '%s': %zu inputs against %zu", a->id, a->n_inputs,
                      b->n_inputs);
    for (size_t i = 0; i < a->n_inputs; i++)
        if (strcmp(a->inputs[i], b->inputs[i]) != 0)
            return differ(why, size, "node '%s': input %zu differs", a->id, i + 1);
    if (a->has_xy != b->has_xy || (a->has_xy && (a->x != b->x || a->y != b->y)))
        return differ(why, size, "node '%s': canvas position differs", a->id);
    return same_settings(a, b, why, size);
}

bool writer_same_model(const pipeline *a, const pipeline *b, char *why, size_t size)
{
    if (a->format != b->format)
        return differ(why, size, "format version differs");
    if (!same_text(a->name, b->name) || a->version != b->version)
        return differ(why, size, "name or version differs");
    if (!same_text(a->owner, b->owner) || !same_text(a->description, b->description))
        return differ(why, size, "owner or description differs");
    if (a->n_tags != b->n_tags)
        return differ(why, size, "%zu tags against %zu", a->n_tags, b->n_tags);
    for (size_t i = 0; i < a->n_tags; i++)
        if (strcmp(a->tags[i], b->tags[i]) != 0)
            return differ(why, size, "tag %zu differs", i + 1);
    if (a->n_nodes != b->n_nodes)
        return differ(why, size, "%zu nodes against %zu", a->n_nodes, b->n_nodes);
    id_index ix;
    id_index_build(&ix, b);
    bool same = true;
    for (size_t i = 0; i < a->n_nodes && same; i++) {
        ptrdiff_t j = id_index_get(&ix, a->nodes[i].id);
        if (j < 0)
            same = differ(why, size, "node '%s' is missing", a->nodes[i].id);
        else
            same = same_node(&a->nodes[i], &b->nodes[j], why, size);
    }
    id_index_free(&ix);
    return same;
}
