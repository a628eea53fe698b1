#include "edit.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fsutil.h"
#include "idindex.h"
#include "util.h"

bool edit_reaches(const pipeline *p, const char *from, const char *to)
{
    /* Walk upstream from `to` looking for `from`. */
    id_index ix;
    id_index_build(&ix, p);
    ptrdiff_t start = id_index_get(&ix, to);
    bool found = false;
    if (start >= 0) {
        unsigned char *seen = xcalloc(p->n_nodes, 1);
        size_t *stack = xmalloc(p->n_nodes * sizeof(size_t));
        size_t depth = 0;
        stack[depth++] = (size_t)start;
        seen[start] = 1;
        while (depth && !found) {
            const node *n = &p->nodes[stack[--depth]];
            for (size_t i = 0; i < n->n_inputs; i++) {
                if (strcmp(n->inputs[i], from) == 0) {
                    found = true;
                    break;
                }
                ptrdiff_t up = id_index_get(&ix, n->inputs[i]);
                if (up >= 0 && !seen[up]) {
                    seen[up] = 1;
                    stack[depth++] = (size_t)up;
                }
            }
        }
        free(seen);
        free(stack);
    }
    id_index_free(&ix);
    return found;
}

bool edit_can_connect(const pipeline *p, const char *from, const char *to, const char **why)
{
    const char *dummy;
    if (!why)
        why = &dummy;
    const node *a = pipeline_find(p, from), *b = pipeline_find(p, to);
    if (!a || !b) {
        *why = "no such node";
        return false;
    }
    if (a == b) {
        *why = "a node cannot be its own input";
        return false;
    }
    if (a->kind == NODE_SINK) {
        *why = "a sink is the end of the line: it feeds nothing";
        return false;
    }
    if (b->kind == NODE_SOURCE) {
        *why = "a source reads from outside the pipeline: it takes no inputs";
        return false;
    }
    if (node_has_input(b, from)) {
        *why = "these two are already connected";
        return false;
    }
    if (edit_reaches(p, to, from)) {
        *why = "that would make a cycle: the target already feeds the source";
        return false;
    }
    return true;
}

bool edit_connect(pipeline *p, const char *from, const char *to, const char **why)
{
    if (!edit_can_connect(p, from, to, why))
        return false;
    node_add_input(pipeline_find(p, to), from);
    return true;
}

bool edit_disconnect(pipeline *p, const char *from, const char *to)
{
    node *b = pipeline_find(p, to);
    return b && node_remove_input(b, from);
}

char *edit_unique_id(const pipeline *p, const char *base)
{
    /* Keep only id characters, so any type name gives a valid id. */
    strbuf sb;
    strbuf_init(&sb);
    for (const char *s = base; *s && sb.len < 50; s++) {
        char c = *s;
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')
            strbuf_putc(&sb, c);
        else if (sb.len && sb.data[sb.len - 1] != '_')
            strbuf_putc(&sb, '_');
    }
    if (sb.len == 0 || !(sb.data[0] >= 'a' && sb.data[0] <= 'z')) {
        char *rest = strbuf_detach(&sb);
        strbuf_puts(&sb, "node_");
        strbuf_puts(&sb, rest);
        free(rest);
    }
    char *stem = strbuf_detach(&sb);
    char *id = xstrdup(stem);
    for (int n = 2; !node_id_valid(id, NULL) || pipeline_find(p, id); n++) {
        free(id);
        id = xasprintf("%s_%d", stem, n);
    }
    free(stem);
    return id;
}

char *edit_code_path(node_kind kind, const char *type, const char *id)
{
    const node_type *t = node_type_find(kind, type);
    if (!t || !t->code_setting)
        return NULL;
    return xasprintf("%s/%s%s", t->code_dir, id, t->code_ext);
}

node *edit_add(pipeline *p, node_kind kind, const char *type, const char *id, const char **why)
{
    const char *dummy;
    if (!why)
        why = &dummy;
    const node_type *t = node_type_find(kind, type);
    if (!t) {
        *why = "unknown node type";
        return NULL;
    }
    if (!node_id_valid(id, why))
        return NULL;
    if (pipeline_find(p, id)) {
        *why = "another node already has that id";
        return NULL;
    }
    node *n = pipeline_add_node(p, id, kind, type);
    for (size_t i = 0; i < t->n_settings; i++) {
        const setting_spec *s = &t->settings[i];
        if (s->required && s->default_value)
            node_set_setting(n, s->name, s->default_value);
    }
    char *code = edit_code_path(kind, type, id);
    if (code) {
        node_set_setting(n, t->code_setting, code);
        free(code);
    }
    return n;
}

bool edit_rename(pipeline *p, const char *old_id, const char *new_id, const char **why)
{
    const char *dummy;
    if (!why)
        why = &dummy;
    node *n = pipeline_find(p, old_id);
    if (!n) {
        *why = "no such node";
        return false;
    }
    if (strcmp(old_id, new_id) == 0)
        return true;
    if (!node_id_valid(new_id, why))
        return false;
    if (pipeline_find(p, new_id)) {
        *why = "another node already has that id";
        return false;
    }
    char *old = xstrdup(old_id);
    const node_type *t = node_type_find(n->kind, n->type);
    if (t && t->code_setting) {
        /* Only a file at the default path follows: a hand-chosen path is kept. */
        char *was = edit_code_path(n->kind, n->type, old);
        const char *cur = node_setting_text(n, t->code_setting);
        if (cur && strcmp(cur, was) == 0) {
            char *now = edit_code_path(n->kind, n->type, new_id);
            node_set_setting(n, t->code_setting, now);
            free(now);
        }
        free(was);
    }
    free(n->id);
    n->id = xstrdup(new_id);
    for (size_t i = 0; i < p->n_nodes; i++) {
        node *m = &p->nodes[i];
        for (size_t j = 0; j < m->n_inputs; j++) {
            if (strcmp(m->inputs[j], old) == 0) {
                free(m->inputs[j]);
                m->inputs[j] = xstrdup(new_id);
            }
        }
    }
    free(old);
    return true;
}

char *edit_duplicate(pipeline *p, const char *id)
{
    ptrdiff_t idx = pipeline_index_of(p, id);
    if (idx < 0)
        return NULL;
    /* "enrich_2" duplicates as "enrich_3", not "enrich_2_2". */
    char *base = xstrdup(id);
    char *us = strrchr(base, '_');
    if (us && us[1] && strspn(us + 1, "0123456789") == strlen(us + 1))
        *us = '\0';
    char *new_id = edit_unique_id(p, base);
    free(base);
    node copy;
    node_copy(&copy, &p->nodes[idx]);
    memset(&copy.pos, 0, sizeof(copy.pos));
    memset(&copy.type_pos, 0, sizeof(copy.type_pos));
    memset(&copy.inputs_pos, 0, sizeof(copy.inputs_pos));
    for (size_t i = 0; i < copy.n_inputs; i++)
        memset(&copy.input_pos[i], 0, sizeof(src_pos));
    free(copy.id);
    copy.id = xstrdup(new_id);
    const node_type *t = node_type_find(copy.kind, copy.type);
    if (t && t->code_setting) {
        char *path = edit_code_path(copy.kind, copy.type, new_id);
        node_set_setting(&copy, t->code_setting, path);
        free(path);
    }
    copy.y += 4;
    copy.x += 2;
    node *n = pipeline_add_node(p, new_id, copy.kind, copy.type);
    node_free(n);
    *n = copy;
    return new_id;
}

/* ---- code files ---- */

void code_origins_init(code_origins *o)
{
    memset(o, 0, sizeof(*o));
}

void code_origins_free(code_origins *o)
{
    for (size_t i = 0; i < o->n; i++) {
        free(o->ids[i]);
        free(o->paths[i]);
    }
    free(o->ids);
    free(o->paths);
    code_origins_init(o);
}

void code_origins_copy(code_origins *dst, const code_origins *src)
{
    code_origins_init(dst);
    for (size_t i = 0; i < src->n; i++)
        code_origins_set(dst, src->ids[i], src->paths[i]);
}

static ptrdiff_t origin_find(const code_origins *o, const char *id)
{
    for (size_t i = 0; i < o->n; i++)
        if (strcmp(o->ids[i], id) == 0)
            return (ptrdiff_t)i;
    return -1;
}

const char *code_origins_get(const code_origins *o, const char *id)
{
    ptrdiff_t i = origin_find(o, id);
    return i < 0 ? NULL : o->paths[i];
}

void code_origins_set(code_origins *o, const char *id, const char *path)
{
    ptrdiff_t i = origin_find(o, id);
    if (i >= 0) {
        free(o->paths[i]);
        o->paths[i] = xstrdup(path);
        return;
    }
    o->ids = xrealloc(o->ids, (o->n + 1) * sizeof(char *));
    o->paths = xrealloc(o->paths, (o->n + 1) * sizeof(char *));
    o->ids[o->n] = xstrdup(id);
    o->paths[o->n] = xstrdup(path);
    o->n++;
}

void code_origins_rename(code_origins *o, const char *old_id, const char *new_id)
{
    ptrdiff_t i = origin_find(o, old_id);
    if (i < 0)
        return;
    free(o->ids[i]);
    o->ids[i] = xstrdup(new_id);
}

static const char *code_path_of(const node *n)
{
    const node_type *t = node_type_find(n->kind, n->type);
    return t && t->code_setting ? node_setting_text(n, t->code_setting) : NULL;
}

void code_origins_from(code_origins *o, const pipeline *p)
{
    code_origins_free(o);
    for (size_t i = 0; i < p->n_nodes; i++) {
        const char *path = code_path_of(&p->nodes[i]);
        if (path)
            code_origins_set(o, p->nodes[i].id, path);
    }
}

char *edit_starter_body(const node *n, const char *const *cols, size_t n_cols)
{
    const char *in = n->n_inputs ? n->inputs[0] : "input";
    const node_type *t = node_type_find(n->kind, n->type);
    if (t && t->code_lang && strcmp(t->code_lang, "lua") == 0)
        return xasprintf("-- %s: called once per record; return the record to emit it,\n"
                         "-- nil to drop it, or a list of records to emit several.\n"
                         "function transform(record)\n  return record\nend\n",
                         n->id);
    if (!n_cols)
        return xasprintf("SELECT *\nFROM %s\n", in);
    /* The input's columns, one a line, so the query is easy to trim. */
    strbuf b;
    strbuf_init(&b);
    strbuf_puts(&b, "SELECT\n");
    for (size_t i = 0; i < n_cols; i++) {
        bool plain = cols[i][0] && !isdigit((unsigned char)cols[i][0]);
        for (const char *c = cols[i]; *c; c++)
            plain = plain && (isalnum((unsigned char)*c) || *c == '_');
        strbuf_puts(&b, plain ? "  " : "  \"");
        for (const char *c = cols[i]; *c; c++) {
            if (*c == '"')
                strbuf_putc(&b, '"'); /* SQL doubles a quote inside quotes */
            strbuf_putc(&b, *c);
        }
        strbuf_puts(&b, plain ? "" : "\"");
        strbuf_puts(&b, i + 1 < n_cols ? ",\n" : "\n");
    }
    strbuf_printf(&b, "FROM %s\n", in);
    return strbuf_detach(&b);
}

static bool path_used(const pipeline *p, const char *path)
{
    for (size_t i = 0; i < p->n_nodes; i++) {
        const char *c = code_path_of(&p->nodes[i]);
        if (c && strcmp(c, path) == 0)
            return true;
    }
    return false;
}

static bool make_parent(const char *full, diag_list *diags, const char *rel)
{
    char *dir = xstrdup(full);
    char *slash = strrchr(dir, '/');
    bool ok = true;
    char err[256];
    if (slash) {
        *slash = '\0';
        if (fs_mkdirs(dir, err, sizeof(err)) != 0) {
            diag_add(diags, DIAG_ERROR, rel, 0, 0, NULL, "cannot create folder: %s", err);
            ok = false;
        }
    }
    free(dir);
    return ok;
}

static bool wanted_by_other(const pipeline *p, const node *self, const char *path)
{
    for (size_t i = 0; i < p->n_nodes; i++) {
        const char *c = code_path_of(&p->nodes[i]);
        if (&p->nodes[i] != self && c && strcmp(c, path) == 0)
            return true;
    }
    return false;
}

/* Give node n its code file: rename from its origin when nobody else uses
 * that file, copy it when someone does, or start a new one. */
static bool sync_one(const pipeline *p, const node *n, const char *want, const char *from,
                     diag_list *diags)
{
    char err[256];
    char *full = fs_join(p->dir, want);
    bool ok = make_parent(full, diags, want);
    char *src = ok && from && strcmp(from, want) != 0 ? fs_join(p->dir, from) : NULL;
    if (!ok) {
        /* reported */
    } else if (src && fs_exists(src) && !path_used(p, from)) {
        if (rename(src, full) != 0) {
            diag_add(diags, DIAG_ERROR, want, 0, 0, n->id, "cannot rename %s: %s", from,
                     strerror(errno));
            ok = false;
        }
    } else {
        char *data = NULL;
        size_t len = 0;
        if (!(src && fs_exists(src) &&
              fs_read_file(src, 16 << 20, &data, &len, err, sizeof(err)) == 0)) {
            data = edit_starter_body(n, NULL, 0);
            len = strlen(data);
        }
        if (fs_write_atomic(full, data, len, err, sizeof(err)) != 0) {
            diag_add(diags, DIAG_ERROR, want, 0, 0, n->id, "cannot write: %s", err);
            ok = false;
        }
        free(data);
    }
    free(src);
    free(full);
    return ok;
}

bool edit_sync_code_files(const pipeline *p, code_origins *o, diag_list *diags)
{
    bool ok = true;
    /* Two passes: a copy whose origin is another node's new file (a
     * duplicate of a renamed node) waits until that file is in place. */
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < p->n_nodes; i++) {
            const node *n = &p->nodes[i];
            const char *want = code_path_of(n);
            if (!want || fs_check_inside(p->dir, want, false) != PATH_OK)
                continue; /* validation reports bad paths */
            const char *from = code_origins_get(o, n->id);
            bool later = from && wanted_by_other(p, n, from);
            if (later != (pass == 1))
                continue;
            char *full = fs_join(p->dir, want);
            bool exists = fs_exists(full);
            free(full);
            if (!exists && !sync_one(p, n, want, from, diags))
                ok = false;
        }
    }
    if (ok)
        code_origins_from(o, p);
    return ok;
}
