#include "nodetypes.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* The process's registry (see nodetypes.h for why there is one). */
static const node_registry *current;

void node_registry_use(const node_registry *r)
{
    current = r;
}

const node_registry *node_registry_current(void)
{
    return current;
}

size_t node_type_count(void)
{
    return current ? current->n_types : 0;
}

const node_type *node_type_at(size_t i)
{
    return current && i < current->n_types ? &current->types[i] : NULL;
}

/* The first bytes compared inline: most names differ there, and the
 * lookups below run for every node and every setting of a pipeline. */
static int compare_names(const char *a, const char *b)
{
    if (a[0] != b[0])
        return (unsigned char)a[0] < (unsigned char)b[0] ? -1 : 1;
    return a[0] ? strcmp(a + 1, b + 1) : 0;
}

static int compare_kind_name(node_kind ka, const char *na, node_kind kb, const char *nb)
{
    if (ka != kb)
        return ka < kb ? -1 : 1;
    return compare_names(na, nb);
}

/* Binary search: validation looks a type up for every node. */
const node_type *node_type_find(node_kind kind, const char *name)
{
    if (!current || !name)
        return NULL;
    size_t lo = 0, hi = current->n_types;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const node_type *t = &current->types[mid];
        int c = compare_kind_name(kind, name, t->kind, t->name);
        if (c == 0)
            return t;
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

const setting_spec *node_type_setting(const node_type *type, const char *name)
{
    for (size_t i = 0; i < type->n_settings; i++)
        if (compare_names(type->settings[i].name, name) == 0)
            return &type->settings[i];
    return NULL;
}

const plugin_file *node_type_broken(const char *name)
{
    if (!current || !name)
        return NULL;
    for (size_t i = 0; i < current->n_broken; i++)
        if (strcmp(current->broken[i].name, name) == 0)
            return current->broken[i].plugin;
    return NULL;
}

char *node_generated_sql_path(const char *node_id)
{
    return xasprintf("sql/%s.sql", node_id);
}

static int compare_types(const void *a, const void *b)
{
    const node_type *x = a, *y = b;
    return compare_kind_name(x->kind, x->name, y->kind, y->name);
}

void node_registry_sort(node_registry *r)
{
    if (r->n_types > 1)
        qsort(r->types, r->n_types, sizeof(r->types[0]), compare_types);
}

static const char *const kind_names[] = {"source", "transform", "sink"};

const char *node_kind_name(node_kind kind)
{
    return kind_names[kind];
}

const char *node_kind_section(node_kind kind)
{
    static const char *const names[] = {"sources", "transforms", "sinks"};
    return names[kind];
}

bool node_kind_parse(const char *name, node_kind *out)
{
    for (size_t i = 0; i < COUNT(kind_names); i++)
        if (strcmp(kind_names[i], name) == 0) {
            *out = (node_kind)i;
            return true;
        }
    return false;
}

static const char *const setting_type_names[SETTING_TYPE_COUNT] = {
    "string", "integer", "number", "boolean", "choice", "secret", "file", "list", "schema"};

const char *setting_type_name(setting_type type)
{
    return setting_type_names[type];
}

bool setting_type_parse(const char *name, setting_type *out)
{
    for (size_t i = 0; i < SETTING_TYPE_COUNT; i++)
        if (strcmp(setting_type_names[i], name) == 0) {
            *out = (setting_type)i;
            return true;
        }
    return false;
}

const char *plugin_origin_name(plugin_origin origin)
{
    static const char *const names[] = {"pipeline", "user", "shipped"};
    return names[origin];
}

const char *const schema_type_names[] = {"boolean", "integer", "json", "real", "text", "timestamp"};
const size_t schema_type_count = COUNT(schema_type_names);

bool schema_type_valid(const char *name)
{
    for (size_t i = 0; i < schema_type_count; i++)
        if (strcmp(schema_type_names[i], name) == 0)
            return true;
    return false;
}
