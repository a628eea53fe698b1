#include "yaml_read.h"

#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "arena.h"
#include "comments.h"
#include "fsutil.h"
#include "idindex.h"
#include "util.h"
#include "yaml_split.h"

typedef struct frame {
    value v;       /* the collection being built; its children wait in scratch */
    size_t base;   /* where its children start in the scratch stack */
    bool have_key; /* maps: a key is waiting for its value */
    value key;
} frame;

typedef struct reader {
    const char *data;
    size_t len;
    const char *path;
    /* A piece of a bigger document (yaml_split.c): the lines before it in
     * the file, and the depth of its root there (a section's entries: 1). */
    int line0, depth0;
    bool piece;
    diag_list *diags;
    arena *mem; /* every string and array of the tree */
    size_t n_values;
    frame stack[YAML_MAX_DEPTH + 1];
    int depth;
    bool failed;
    /* Children of the open collections, innermost last: a finished
     * collection copies its children into one exact arena array instead
     * of growing an array item by item (most maps hold two to eight keys). */
    value *scratch_keys, *scratch_items;
    size_t scratch_n, scratch_cap;
} reader;

static void scratch_push(reader *r, const value *key, const value *item)
{
    if (r->scratch_n == r->scratch_cap) {
        r->scratch_cap = r->scratch_cap ? r->scratch_cap * 2 : 256;
        r->scratch_keys = xrealloc(r->scratch_keys, r->scratch_cap * sizeof(value));
        r->scratch_items = xrealloc(r->scratch_items, r->scratch_cap * sizeof(value));
    }
    if (key)
        r->scratch_keys[r->scratch_n] = *key;
    else
        memset(&r->scratch_keys[r->scratch_n], 0, sizeof(value));
    r->scratch_items[r->scratch_n++] = *item;
}

/* Move the children of the innermost frame out of scratch into f->v. */
static void scratch_take(reader *r, frame *f)
{
    size_t n = r->scratch_n - f->base;
    f->v.n = n;
    if (n) {
        f->v.items = arena_alloc(r->mem, n * sizeof(value));
        memcpy(f->v.items, r->scratch_items + f->base, n * sizeof(value));
        if (f->v.kind == VALUE_MAP) {
            f->v.keys = arena_alloc(r->mem, n * sizeof(value));
            memcpy(f->v.keys, r->scratch_keys + f->base, n * sizeof(value));
        }
    }
    r->scratch_n = f->base;
}

static src_pos mark_pos(const reader *r, yaml_mark_t m)
{
    src_pos p = {r->line0 + (int)m.line + 1, (int)m.column + 1};
    return p;
}

/* libyaml reports reader (encoding) errors as a byte offset only. */
static src_pos offset_pos(const reader *r, size_t offset)
{
    src_pos p = {r->line0 + 1, 1};
    for (size_t i = 0; i < offset && i < r->len; i++) {
        unsigned char c = (unsigned char)r->data[i];
        if (c == '\n') {
            p.line++;
            p.col = 1;
        } else if ((c & 0xC0) != 0x80) {
            p.col++;
        }
    }
    return p;
}

static void fail(reader *r, src_pos p, const char *msg)
{
    if (!r->failed)
        diag_add(r->diags, DIAG_ERROR, r->path, p.line, p.col, NULL, "%s", msg);
    r->failed = true;
}

static bool same_key(const value *a, const value *b)
{
    return a->len == b->len && memcmp(a->text, b->text, a->len) == 0;
}

/* Note that key i repeats key j in first[] (made on the first repeat:
 * first[k] == k for a key seen for the first time). */
static size_t *mark_repeat(size_t *first, size_t n, size_t i, size_t j)
{
    if (!first) {
        first = xmalloc(n * sizeof(size_t));
        for (size_t k = 0; k < n; k++)
            first[k] = k;
    }
    first[i] = j;
    return first;
}

/* Report every repeated key in a finished map and drop the repeats, in
 * source order: each repeat names the line of the first. */
static void check_duplicate_keys(reader *r, value *map)
{
    if (map->n < 2)
        return;
    /* Most maps are small: compare pairwise; a big one (a section of
     * 10,000 nodes) goes through a hash. */
    size_t *first = NULL;
    if (map->n <= 16) {
        for (size_t i = 1; i < map->n; i++) {
            size_t j = 0;
            while (j < i && !same_key(&map->keys[i], &map->keys[j]))
                j++;
            if (j < i)
                first = mark_repeat(first, map->n, i, j);
        }
    } else {
        id_index seen;
        id_index_init(&seen, map->n);
        for (size_t i = 0; i < map->n; i++) {
            ptrdiff_t j = id_index_put(&seen, map->keys[i].text, i);
            if (j >= 0)
                first = mark_repeat(first, map->n, i, (size_t)j);
        }
        id_index_free(&seen);
    }
    if (!first)
        return;
    size_t out = 0;
    for (size_t i = 0; i < map->n; i++) {
        if (first[i] != i) {
            const value *k = &map->keys[i];
            diag_add(r->diags, DIAG_ERROR, r->path, k->pos.line, k->pos.col, NULL,
                     "duplicate key '%s' (first defined at line %d)", k->text,
                     map->keys[first[i]].pos.line);
            continue; /* arena storage: nothing to free */
        }
        map->keys[out] = map->keys[i];
        map->items[out] = map->items[i];
        out++;
    }
    map->n = out;
    free(first);
}

/* Hand a finished value to the collection on top of the stack, or make it
 * the document root. */
static void attach(reader *r, value *v, value *root, bool *have_root)
{
    if (r->depth == 0) {
        *root = *v;
        *have_root = true;
        return;
    }
    frame *f = &r->stack[r->depth - 1];
    if (f->v.kind == VALUE_LIST) {
        scratch_push(r, NULL, v);
        return;
    }
    if (!f->have_key) {
        if (v->kind != VALUE_SCALAR) {
            fail(r, v->pos, "a mapping key must be a plain scalar");
            return;
        }
        f->key = *v;
        f->have_key = true;
        return;
    }
    scratch_push(r, &f->key, v);
    f->have_key = false;
}

static bool count_value(reader *r, src_pos p)
{
    if (++r->n_values > YAML_MAX_VALUES) {
        fail(r, p, "document too large (over 2,000,000 values)");
        return false;
    }
    return true;
}

static void handle_event(reader *r, yaml_event_t *ev, value *root, bool *have_root, int *n_docs)
{
    src_pos p = mark_pos(r, ev->start_mark);
    value v;
    memset(&v, 0, sizeof(v));
    switch (ev->type) {
    case YAML_DOCUMENT_START_EVENT:
        if (++*n_docs > 1)
            fail(r, p, "a second YAML document in one file; a weir file holds exactly one");
        break;
    case YAML_DOCUMENT_END_EVENT:
        /* A piece ending in "..." would hide a second document. */
        if (r->piece && !ev->data.document_end.implicit)
            fail(r, p, "an explicit document end in a piece");
        break;
    case YAML_ALIAS_EVENT:
        fail(r, p, "YAML aliases (*name) are not allowed in weir files; write the value out");
        break;
    case YAML_SCALAR_EVENT:
        if (!count_value(r, p))
            break;
        if (ev->data.scalar.length > YAML_MAX_SCALAR_BYTES) {
            fail(r, p, "value too long (over 64 KiB)");
            break;
        }
        if (memchr(ev->data.scalar.value, '\0', ev->data.scalar.length)) {
            fail(r, p, "value contains a NUL character");
            break;
        }
        v.kind = VALUE_SCALAR;
        v.pos = p;
        v.len = ev->data.scalar.length;
        v.text = arena_strndup(r->mem, (const char *)ev->data.scalar.value, v.len);
        v.in_arena = true;
        v.quoted = ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE;
        attach(r, &v, root, have_root);
        break;
    case YAML_SEQUENCE_START_EVENT:
    case YAML_MAPPING_START_EVENT:
        if (!count_value(r, p))
            break;
        if (r->depth0 + r->depth >= YAML_MAX_DEPTH) {
            fail(r, p, "nesting too deep (over 64 levels)");
            break;
        }
        if (r->depth > 0 && r->stack[r->depth - 1].v.kind == VALUE_MAP &&
            !r->stack[r->depth - 1].have_key) {
            fail(r, p, "a mapping key must be a plain scalar");
            break;
        }
        memset(&r->stack[r->depth], 0, sizeof(frame));
        if (ev->type == YAML_SEQUENCE_START_EVENT)
            value_init_list(&r->stack[r->depth].v);
        else
            value_init_map(&r->stack[r->depth].v);
        r->stack[r->depth].v.pos = p;
        r->stack[r->depth].v.in_arena = true;
        r->stack[r->depth].v.flow = ev->type == YAML_SEQUENCE_START_EVENT
                                        ? ev->data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE
                                        : ev->data.mapping_start.style == YAML_FLOW_MAPPING_STYLE;
        r->stack[r->depth].base = r->scratch_n;
        r->depth++;
        break;
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT: {
        frame *f = &r->stack[--r->depth];
        scratch_take(r, f);
        v = f->v;
        if (v.kind == VALUE_MAP)
            check_duplicate_keys(r, &v);
        attach(r, &v, root, have_root);
        break;
    }
    default:
        break;
    }
}

static void report_parser_error(reader *r, const yaml_parser_t *parser)
{
    char msg[512];
    const char *problem = parser->problem ? parser->problem : "invalid YAML";
    src_pos p;
    if (parser->error == YAML_READER_ERROR) {
        size_t at = parser->problem_offset;
        /* libyaml points at the bad continuation byte; point at the
         * character it belongs to, where an editor shows the damage. */
        if (strstr(problem, "trailing")) {
            size_t back = 0;
            while (at > 0 && back < 3 && ((unsigned char)r->data[at - 1] & 0xC0) == 0x80) {
                at--;
                back++;
            }
            if (at > 0 && (unsigned char)r->data[at - 1] >= 0xC0)
                at--;
        }
        p = offset_pos(r, at);
        if (parser->problem_offset < r->len && r->data[parser->problem_offset] == '\0')
            snprintf(msg, sizeof(msg), "a NUL byte is not allowed in a YAML file");
        else if (strstr(problem, "invalid") || strstr(problem, "incomplete"))
            snprintf(msg, sizeof(msg), "not valid UTF-8 (%s)", problem);
        else
            snprintf(msg, sizeof(msg), "%s", problem);
    } else {
        p = mark_pos(r, parser->problem_mark);
        if (parser->context)
            snprintf(msg, sizeof(msg), "YAML syntax error: %s %s (line %d)", problem,
                     parser->context, r->line0 + (int)parser->context_mark.line + 1);
        else
            snprintf(msg, sizeof(msg), "YAML syntax error: %s", problem);
    }
    fail(r, p, msg);
}

/* Parse data[len]: a whole file (piece NULL), or a piece of one. */
static bool read_doc(const char *data, size_t len, const char *path, const yaml_piece *piece,
                     bool comments, yaml_doc *doc, size_t *n_values, diag_list *diags)
{
    reader r;
    memset(&r, 0, sizeof(r));
    memset(doc, 0, sizeof(*doc));
    if (piece) {
        r.line0 = piece->line0;
        r.depth0 = piece->depth0;
        r.piece = true;
    }
    /* Editors on Windows may start a file with a UTF-8 byte order mark; with
     * the encoding forced to UTF-8, libyaml would read it as text. */
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
        data += 3;
        len -= 3;
    }
    r.data = data;
    r.len = len;
    r.path = path;
    r.diags = diags;

    if (len > YAML_MAX_FILE_BYTES) {
        src_pos p = {1, 1};
        char msg[128];
        snprintf(msg, sizeof(msg), "file too large (%zu bytes; the limit is 16 MiB)", len);
        fail(&r, p, msg);
        return false;
    }

    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser)) {
        src_pos p = {1, 1};
        fail(&r, p, "cannot initialise the YAML parser");
        return false;
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)data, len);
    yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);

    /* A tree takes some seven times its text (6.8 for the benchmark's
     * pipeline.yaml, 11.5 for its layout.yaml of small numbers). */
    r.mem = piece && piece->mem ? arena_new_in(piece->mem, piece->mem_size)
                                : arena_new_expecting(len * 7);
    bool have_root = false;
    int n_docs = 0;
    for (;;) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&parser, &ev)) {
            report_parser_error(&r, &parser);
            break;
        }
        bool done = ev.type == YAML_STREAM_END_EVENT;
        handle_event(&r, &ev, &doc->root, &have_root, &n_docs);
        yaml_event_delete(&ev);
        if (done || r.failed)
            break;
    }
    yaml_parser_delete(&parser);
    /* Whatever a failure left half built is arena storage: freed below. */
    free(r.scratch_keys);
    free(r.scratch_items);
    if (!r.failed && !have_root)
        fail(&r, (src_pos){1, 1}, "file is empty");
    /* No '#', no comment: skip the second (token) pass. */
    if (!r.failed && comments && memchr(data, '#', len) &&
        !comments_attach(data, len, &doc->root, r.mem)) {
        /* Never drop comments silently: a writer must not use this tree. */
        fail(&r, (src_pos){1, 1}, "cannot read the comments of this file");
    }
    if (r.failed) {
        arena_free(r.mem);
        memset(doc, 0, sizeof(*doc));
        return false;
    }
    doc->mem = r.mem;
    if (n_values)
        *n_values = r.n_values;
    return true; /* duplicate keys were reported, but the tree is usable */
}

bool yaml_piece_read(const char *data, size_t len, const char *path, const yaml_piece *piece,
                     yaml_doc *doc, size_t *n_values, diag_list *diags)
{
    return read_doc(data, len, path, piece, false, doc, n_values, diags);
}

bool yaml_doc_read(const char *data, size_t len, const char *path, bool comments, yaml_doc *doc,
                   diag_list *diags)
{
    return read_doc(data, len, path, NULL, comments, doc, NULL, diags);
}

void yaml_doc_free(yaml_doc *doc)
{
    arena_free(doc->mem);
    memset(doc, 0, sizeof(*doc));
}

/* The value API's callers get a heap tree: a copy of the document's. */
static bool read_copy(const char *data, size_t len, const char *path, bool comments, value *out,
                      diag_list *diags)
{
    yaml_doc doc;
    memset(out, 0, sizeof(*out));
    if (!yaml_doc_read(data, len, path, comments, &doc, diags))
        return false;
    value_copy(out, &doc.root);
    yaml_doc_free(&doc);
    return true;
}

bool yaml_read_buffer(const char *data, size_t len, const char *path, value *out, diag_list *diags)
{
    return read_copy(data, len, path, false, out, diags);
}

bool yaml_read_buffer_comments(const char *data, size_t len, const char *path, value *out,
                               diag_list *diags)
{
    return read_copy(data, len, path, true, out, diags);
}

bool yaml_read_file(const char *fs_path, const char *path, value *out, diag_list *diags)
{
    char *data;
    size_t len;
    char err[256];
    memset(out, 0, sizeof(*out));
    int rc = fs_read_file(fs_path, YAML_MAX_FILE_BYTES, &data, &len, err, sizeof(err));
    if (rc != 0) {
        diag_add(diags, DIAG_ERROR, path, 1, 1, NULL, "%s", err);
        return false;
    }
    bool ok = yaml_read_buffer(data, len, path, out, diags);
    free(data);
    return ok;
}
