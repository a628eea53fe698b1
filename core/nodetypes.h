/* nodetypes: the registry of node types.
 *
 * Every node type, shipped or not, is declared by a Lua plugin
 * (docs/plugins.md).  The plugin host (plugins/host.c) runs the plugin files
 * and fills a node_registry with plain C declarations; core only reads them.
 * Validation, the canvas palette and the properties form are all driven by
 * these declarations; none keeps its own list of types.
 *
 * One registry is current for the process (node_registry_use): a weir
 * process works on one pipeline folder, whose own plugins/ are part of its
 * registry.  The registry is filled before any other thread starts and is
 * read-only afterwards, so the preview worker may read it freely. */
#ifndef WEIR_NODETYPES_H
#define WEIR_NODETYPES_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"

struct node;
struct value;

typedef enum { NODE_SOURCE, NODE_TRANSFORM, NODE_SINK } node_kind;
enum { NODE_KIND_COUNT = 3 };

/* "source", "transform", "sink" and the pipeline.yaml sections "sources", ... */
const char *node_kind_name(node_kind kind);
const char *node_kind_section(node_kind kind);
/* "source" -> NODE_SOURCE; false for anything else. */
bool node_kind_parse(const char *name, node_kind *out);

typedef enum {
    SETTING_STRING,
    SETTING_INTEGER,
    SETTING_NUMBER,
    SETTING_BOOLEAN,
    SETTING_CHOICE, /* one of spec->choices, '|'-separated */
    SETTING_SECRET, /* only ${env:NAME} or ${secret:NAME} */
    SETTING_FILE,   /* a path inside the pipeline folder that must exist */
    SETTING_LIST,   /* a list of strings */
    SETTING_SCHEMA, /* a map column -> type (integer, real, text, ...) */
} setting_type;
enum { SETTING_TYPE_COUNT = 9 };

const char *setting_type_name(setting_type type);
/* "integer" -> SETTING_INTEGER; false for an unknown name. */
bool setting_type_parse(const char *name, setting_type *out);

typedef struct setting_spec {
    const char *name;
    setting_type type;
    bool required;
    const char *default_value;     /* shown in forms and given to plugins; NULL when none */
    const char *choices;           /* SETTING_CHOICE: "json|csv" */
    long long min, max;            /* SETTING_INTEGER bounds, when min < max */
    const char *help;              /* one line */
    double number_min, number_max; /* SETTING_NUMBER bounds, when number_min < number_max */
    bool has_check;                /* the plugin declared check(value, node): see node_registry */
} setting_spec;

/* Where plugin files come from, in search order: an earlier origin wins,
 * and a later one that declares the same type is reported, never silently
 * used (docs/plugins.md, "Search order"). */
typedef enum { PLUGIN_PIPELINE, PLUGIN_USER, PLUGIN_SHIPPED } plugin_origin;
const char *plugin_origin_name(plugin_origin origin); /* "pipeline", "user", "shipped" */

/* Capabilities a plugin may ask for with weir.capability(NAME); granted only
 * when the user allowed them (docs/plugins.md, "Capabilities"). */
enum { PLUGIN_CAP_IO = 1 << 0, PLUGIN_CAP_OS = 1 << 1 };

typedef struct plugin_file {
    char *path; /* as shown: "plugins/geo.lua" (the pipeline's), the full path (the
                   user's), "weir:plugins/kafka.lua" (shipped, built into weir) */
    plugin_origin origin;
    char *source; /* the file's text: preview runs it again in its own sandbox */
    size_t source_len;
    unsigned caps_allowed; /* PLUGIN_CAP_* the user allowed for this file */
    char *error;           /* "path:line: message" when the file failed to load, else NULL */
} plugin_file;

/* What a type contributes to preview and to the artifacts (bits). */
enum {
    NT_SAMPLE = 1 << 0,  /* source: reads its `sample` file (the sample settings are added) */
    NT_RECORDS = 1 << 1, /* source: records(node) returns the preview records */
    NT_CODE = 1 << 2,    /* transform: runs its own code file (code_setting, code_lang) */
    NT_SQL = 1 << 3,     /* transform: sql(node) returns a SELECT over the inputs; the
                            SELECT is also written to sql/ID.sql as a generated artifact */
    NT_RECORD = 1 << 4,  /* transform: record(record, node) runs per record */
    NT_SHOW = 1 << 5,    /* sink: show(record, node) shapes what preview shows */
};

typedef struct node_type {
    const char *name; /* "kafka", "sql", ... unique within its kind */
    node_kind kind;
    const char *title;
    const char *description; /* one line, for the palette */
    const setting_spec *settings;
    size_t n_settings;
    /* Transforms whose code lives in its own file: the setting naming it,
     * the folder, the extension and the language (sql, "sql", ".sql", "sql"). */
    const char *code_setting;
    const char *code_dir;
    const char *code_ext;
    const char *code_lang;
    unsigned contributes;      /* NT_* */
    const plugin_file *plugin; /* the file that declared it */
    int line;                  /* of its weir.node_type{...} call */
    bool shadows;              /* declared `shadows = true`: replacing a later type is meant */
    int max_inputs;            /* transforms and sinks: most inputs a node may have; 0: no limit */
} node_type;

/* A type that a broken plugin file was expected to declare: its name is the
 * file's name (geo.lua -> geo), or a declaration in it named it before the
 * error.  Validation names the error on nodes of that type. */
typedef struct broken_type {
    char *name;
    const plugin_file *plugin;
} broken_type;

typedef struct node_registry {
    node_type *types; /* sorted by kind, then name */
    size_t n_types;
    plugin_file *files; /* every file looked at, in search order */
    size_t n_files;
    broken_type *broken;
    size_t n_broken;
    diag_list problems; /* broken files, bad declarations, shadowed types */
    /* Lua-declared behaviour, run by the plugin host on the caller's thread
     * (never the preview worker).  NULL when the host has none. */
    void *host;
    /* check(value, node) of a setting: NULL when fine, else a message (malloc'd). */
    char *(*check)(void *host, const node_type *t, const setting_spec *s, const struct node *n,
                   const struct value *v);
    /* sql(node) of an NT_SQL transform: the SELECT (malloc'd), or NULL with
     * *error set (malloc'd, "path:line: message"). */
    char *(*render_sql)(void *host, const node_type *t, const struct node *n, char **error);
} node_registry;

/* Make r the process's registry (NULL: none; every type is then unknown).
 * The caller keeps ownership and must keep r alive while it is current. */
void node_registry_use(const node_registry *r);
const node_registry *node_registry_current(void);

/* Lookups in the current registry. */
size_t node_type_count(void);
const node_type *node_type_at(size_t i);
const node_type *node_type_find(node_kind kind, const char *name);
const setting_spec *node_type_setting(const node_type *type, const char *name);
/* The broken plugin file that explains an unknown type name, or NULL. */
const plugin_file *node_type_broken(const char *name);

/* The SELECT of an NT_SQL transform is written to sql/ID.sql (by
 * codegen/artifacts.c), and the file starts with this text, then the id.
 * Only a file starting so is ever rewritten or removed by weir. */
#define GENERATED_SQL_MARKER "-- generated by weir from transform '"
char *node_generated_sql_path(const char *node_id); /* "sql/ID.sql"; caller frees */

/* The registry's own helpers for whoever fills one. */
void node_registry_sort(node_registry *r); /* by kind, then name */

/* Column types a source schema may declare. */
bool schema_type_valid(const char *name);
extern const char *const schema_type_names[];
extern const size_t schema_type_count;

#endif
