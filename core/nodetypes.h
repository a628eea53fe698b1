/* nodetypes: the node types weir knows, as declarations.
 *
 * Validation, the canvas palette and the properties form are all driven by
 * these declarations; none keeps its own list of types.  For now the table
 * is fixed in C (nodetypes.c); the plugin registry will fill the same
 * structures from Lua declarations. */
#ifndef WEIR_NODETYPES_H
#define WEIR_NODETYPES_H

#include <stdbool.h>
#include <stddef.h>

typedef enum { NODE_SOURCE, NODE_TRANSFORM, NODE_SINK } node_kind;
enum { NODE_KIND_COUNT = 3 };

/* "source", "transform", "sink" and the pipeline.yaml sections "sources", ... */
const char *node_kind_name(node_kind kind);
const char *node_kind_section(node_kind kind);

typedef enum {
    SETTING_STRING,
    SETTING_INTEGER,
    SETTING_NUMBER,
    SETTING_BOOLEAN,
    SETTING_CHOICE,  /* one of spec->choices, '|'-separated */
    SETTING_SECRET,  /* only ${env:NAME} or ${secret:NAME} */
    SETTING_FILE,    /* a path inside the pipeline folder that must exist */
    SETTING_LIST,    /* a list of strings */
    SETTING_SCHEMA,  /* a map column -> type (integer, real, text, ...) */
} setting_type;

const char *setting_type_name(setting_type type);

typedef struct setting_spec {
    const char *name;
    setting_type type;
    bool required;
    const char *default_value; /* shown in forms; NULL when none */
    const char *choices;       /* SETTING_CHOICE: "json|csv" */
    long long min, max;        /* SETTING_INTEGER bounds, when min < max */
    const char *help;          /* one line */
} setting_spec;

typedef struct node_type {
    const char *name; /* "kafka", "sql", ... unique within its kind */
    node_kind kind;
    const char *title;
    const char *description; /* one line, for the palette */
    const setting_spec *settings;
    size_t n_settings;
    /* Transforms whose code lives in its own file: the setting naming it,
     * the folder and the extension (sql, "sql", ".sql"). */
    const char *code_setting;
    const char *code_dir;
    const char *code_ext;
} node_type;

size_t node_type_count(void);
const node_type *node_type_at(size_t i);
const node_type *node_type_find(node_kind kind, const char *name);
const setting_spec *node_type_setting(const node_type *type, const char *name);

/* Column types a source schema may declare. */
bool schema_type_valid(const char *name);
extern const char *const schema_type_names[];
extern const size_t schema_type_count;

#endif
