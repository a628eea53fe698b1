#include "model.h"

#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "util.h"

void pipeline_init(pipeline *p)
{
    memset(p, 0, sizeof(*p));
    p->format = WEIR_FORMAT_VERSION;
}

void node_free(node *n)
{
    free(n->id);
    free(n->type);
    free(n->description);
    for (size_t i = 0; i < n->n_inputs; i++)
        free(n->inputs[i]);
    free(n->inputs);
    free(n->input_pos);
    value_free(&n->settings);
    free(n->comment);
    free(n->type_comment);
    free(n->description_comment);
    free(n->inputs_comment);
    free(n->layout_comment);
    memset(n, 0, sizeof(*n));
}

void pipeline_free(pipeline *p)
{
    free(p->dir);
    free(p->name);
    free(p->owner);
    free(p->description);
    for (size_t i = 0; i < p->n_tags; i++)
        free(p->tags[i]);
    free(p->tags);
    for (size_t i = 0; i < p->n_nodes; i++)
        node_free(&p->nodes[i]);
    free(p->nodes);
    free(p->head_comment);
    free(p->pipeline_comment);
    for (int i = 0; i < META_KEY_COUNT; i++)
        free(p->meta_comment[i]);
    for (int i = 0; i < NODE_KIND_COUNT; i++)
        free(p->section_comment[i]);
    free(p->tail_comment);
    free(p->layout_head_comment);
    free(p->layout_positions_comment);
    free(p->layout_tail_comment);
    arena_free(p->mem); /* after the nodes: their settings borrow from it */
    pipeline_init(p);
}

static char *dup_or_null(const char *s)
{
    return s ? xstrdup(s) : NULL;
}

void node_copy(node *dst, const node *src)
{
    *dst = *src;
    dst->id = xstrdup(src->id);
    dst->type = xstrdup(src->type);
    dst->description = dup_or_null(src->description);
    dst->inputs = src->n_inputs ? xmalloc(src->n_inputs * sizeof(char *)) : NULL;
    dst->input_pos = src->n_inputs ? xmalloc(src->n_inputs * sizeof(src_pos)) : NULL;
    for (size_t i = 0; i < src->n_inputs; i++) {
        dst->inputs[i] = xstrdup(src->inputs[i]);
        dst->input_pos[i] = src->input_pos[i];
    }
    value_copy(&dst->settings, &src->settings);
    dst->comment = dup_or_null(src->comment);
    dst->type_comment = dup_or_null(src->type_comment);
    dst->description_comment = dup_or_null(src->description_comment);
    dst->inputs_comment = dup_or_null(src->inputs_comment);
    dst->layout_comment = dup_or_null(src->layout_comment);
}

void pipeline_copy(pipeline *dst, const pipeline *src)
{
    *dst = *src;
    dst->dir = dup_or_null(src->dir);
    dst->name = dup_or_null(src->name);
    dst->owner = dup_or_null(src->owner);
    dst->description = dup_or_null(src->description);
    dst->tags = src->n_tags ? xmalloc(src->n_tags * sizeof(char *)) : NULL;
    for (size_t i = 0; i < src->n_tags; i++)
        dst->tags[i] = xstrdup(src->tags[i]);
    dst->cap_nodes = src->n_nodes;
    dst->nodes = src->n_nodes ? xmalloc(src->n_nodes * sizeof(node)) : NULL;
    for (size_t i = 0; i < src->n_nodes; i++)
        node_copy(&dst->nodes[i], &src->nodes[i]);
    dst->head_comment = dup_or_null(src->head_comment);
    dst->pipeline_comment = dup_or_null(src->pipeline_comment);
    for (int i = 0; i < META_KEY_COUNT; i++)
        dst->meta_comment[i] = dup_or_null(src->meta_comment[i]);
    for (int i = 0; i < NODE_KIND_COUNT; i++)
        dst->section_comment[i] = dup_or_null(src->section_comment[i]);
    dst->tail_comment = dup_or_null(src->tail_comment);
    dst->layout_head_comment = dup_or_null(src->layout_head_comment);
    dst->layout_positions_comment = dup_or_null(src->layout_positions_comment);
    dst->layout_tail_comment = dup_or_null(src->layout_tail_comment);
    dst->mem = NULL; /* node_copy made heap copies of the settings */
}

ptrdiff_t pipeline_index_of(const pipeline *p, const char *id)
{
    for (size_t i = 0; i < p->n_nodes; i++)
        if (strcmp(p->nodes[i].id, id) == 0)
            return (ptrdiff_t)i;
    return -1;
}

node *pipeline_find(const pipeline *p, const char *id)
{
    ptrdiff_t i = pipeline_index_of(p, id);
    return i < 0 ? NULL : &p->nodes[i];
}

node *pipeline_add_node(pipeline *p, const char *id, node_kind kind, const char *type)
{
    if (p->n_nodes == p->cap_nodes) {
        p->cap_nodes = p->cap_nodes ? p->cap_nodes * 2 : 16;
        p->nodes = xrealloc(p->nodes, p->cap_nodes * sizeof(node));
    }
    node *n = &p->nodes[p->n_nodes++];
    memset(n, 0, sizeof(*n));
    n->id = xstrdup(id);
    n->kind = kind;
    n->type = xstrdup(type);
    value_init_map(&n->settings);
    return n;
}

void pipeline_remove_node(pipeline *p, const char *id)
{
    ptrdiff_t idx = pipeline_index_of(p, id);
    if (idx < 0)
        return;
    node_free(&p->nodes[idx]);
    memmove(&p->nodes[idx], &p->nodes[idx + 1], (p->n_nodes - (size_t)idx - 1) * sizeof(node));
    p->n_nodes--;
    for (size_t i = 0; i < p->n_nodes; i++)
        while (node_remove_input(&p->nodes[i], id))
            ;
}

static int compare_canonical(const void *a, const void *b)
{
    const node *na = *(const node *const *)a, *nb = *(const node *const *)b;
    if (na->kind != nb->kind)
        return na->kind < nb->kind ? -1 : 1;
    return strcmp(na->id, nb->id);
}

const node **pipeline_sorted_nodes(const pipeline *p)
{
    const node **sorted = xmalloc((p->n_nodes + 1) * sizeof(*sorted));
    for (size_t i = 0; i < p->n_nodes; i++)
        sorted[i] = &p->nodes[i];
    qsort(sorted, p->n_nodes, sizeof(*sorted), compare_canonical);
    return sorted;
}

void node_add_input(node *n, const char *id)
{
    n->inputs = xrealloc(n->inputs, (n->n_inputs + 1) * sizeof(char *));
    n->input_pos = xrealloc(n->input_pos, (n->n_inputs + 1) * sizeof(src_pos));
    n->inputs[n->n_inputs] = xstrdup(id);
    memset(&n->input_pos[n->n_inputs], 0, sizeof(src_pos));
    n->n_inputs++;
}

bool node_remove_input(node *n, const char *id)
{
    for (size_t i = 0; i < n->n_inputs; i++) {
        if (strcmp(n->inputs[i], id) != 0)
            continue;
        free(n->inputs[i]);
        memmove(&n->inputs[i], &n->inputs[i + 1], (n->n_inputs - i - 1) * sizeof(char *));
        memmove(&n->input_pos[i], &n->input_pos[i + 1], (n->n_inputs - i - 1) * sizeof(src_pos));
        n->n_inputs--;
        return true;
    }
    return false;
}

bool node_has_input(const node *n, const char *id)
{
    for (size_t i = 0; i < n->n_inputs; i++)
        if (strcmp(n->inputs[i], id) == 0)
            return true;
    return false;
}

const value *node_setting(const node *n, const char *key)
{
    return value_map_get(&n->settings, key);
}

const char *node_setting_text(const node *n, const char *key)
{
    const value *v = node_setting(n, key);
    return v && v->kind == VALUE_SCALAR ? v->text : NULL;
}

void node_set_setting(node *n, const char *key, const char *text)
{
    if (n->settings.kind != VALUE_MAP)
        value_init_map(&n->settings);
    value *v = value_map_put(&n->settings, key);
    value_set_scalar(v, text);
}

void node_unset_setting(node *n, const char *key)
{
    value *m = &n->settings;
    for (size_t i = 0; i < m->n; i++) {
        if (strcmp(m->keys[i].text, key) != 0)
            continue;
        value_free(&m->keys[i]);
        value_free(&m->items[i]);
        memmove(&m->keys[i], &m->keys[i + 1], (m->n - i - 1) * sizeof(value));
        memmove(&m->items[i], &m->items[i + 1], (m->n - i - 1) * sizeof(value));
        m->n--;
        return;
    }
}

/* Words that cannot name a table without quoting in SQLite, Flink SQL or
 * ksqlDB: refusing them keeps every generated SQL file portable. */
static const char *const sql_reserved[] = {
    "all",    "and",     "as",         "asc",     "between",   "by",     "case",     "cast",
    "check",  "create",  "cross",      "default", "delete",    "desc",   "distinct", "drop",
    "else",   "end",     "except",     "exists",  "false",     "from",   "full",     "group",
    "having", "in",      "inner",      "insert",  "intersect", "into",   "is",       "join",
    "left",   "like",    "limit",      "not",     "null",      "on",     "or",       "order",
    "outer",  "primary", "references", "right",   "select",    "set",    "table",    "then",
    "true",   "union",   "unique",     "update",  "using",     "values", "when",     "where",
    "window", "with",
};

bool node_id_valid(const char *id, const char **why)
{
    const char *dummy;
    if (!why)
        why = &dummy;
    size_t n = strlen(id);
    if (n == 0) {
        *why = "an id cannot be empty";
        return false;
    }
    if (n > 63) {
        *why = "an id is at most 63 characters";
        return false;
    }
    if (!(id[0] >= 'a' && id[0] <= 'z')) {
        *why = "an id starts with a lowercase letter (a-z)";
        return false;
    }
    bool letters_only = true;
    for (size_t i = 0; i < n; i++) {
        char c = id[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) {
            *why = "an id holds only lowercase letters, digits and '_'";
            return false;
        }
        letters_only &= c >= 'a' && c <= 'z';
    }
    /* Keywords are letters only: an id with a digit or '_' (most) is none. */
    for (size_t i = 0; letters_only && i < sizeof(sql_reserved) / sizeof(sql_reserved[0]); i++) {
        if (id[0] == sql_reserved[i][0] && strcmp(id, sql_reserved[i]) == 0) {
            *why = "an id cannot be a SQL keyword";
            return false;
        }
    }
    return true;
}
