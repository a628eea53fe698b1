/* host: the plugin host.  Finds the plugin files (the pipeline's plugins/,
 * then the user's, then the shipped ones built into weir), runs each in a
 * sandbox, checks every weir.node_type{...} declaration and fills a
 * node_registry (core/nodetypes.h) with plain C declarations.
 *
 * The host keeps its Lua states alive so that the registry's check() and
 * render_sql() callbacks can call back into the plugins on the caller's
 * thread.  docs/plugins.md is the contract this module implements.
 *
 * Ownership: the host owns the registry and every string in it; both live
 * until plugin_host_free. */
#ifndef WEIR_PLUGIN_HOST_H
#define WEIR_PLUGIN_HOST_H

#include <stdbool.h>
#include <stddef.h>

#include "nodetypes.h"

/* Limits, each reported as a problem when a plugin goes past it. */
enum {
    PLUGIN_FILE_MAX_BYTES = 1 << 20, /* one plugin file's text */
    PLUGIN_DIR_MAX_FILES = 512,      /* .lua files read from one folder */
    PLUGIN_FILE_MAX_TYPES = 256,     /* weir.node_type calls in one file */
    PLUGIN_TYPE_MAX_SETTINGS = 128,  /* settings in one declaration */
    PLUGIN_NAME_MAX = 64,            /* type and setting names, in bytes */
    PLUGIN_MAX_INPUTS = 1000000,     /* the largest max_inputs a declaration may give */
    PLUGIN_MEMORY_LIMIT = 64 << 20,  /* bytes per Lua state (one per origin): preview's
                                        limit, so a plugin that previews also writes */
    PLUGIN_INSTRUCTIONS = 10000000,  /* per file load and per callback */
};

/* A plugin file given as text: the shipped set built into weir, or a
 * replacement set for tests. */
typedef struct plugin_text {
    const char *name; /* "kafka.lua" */
    const char *text;
    size_t len;
} plugin_text;

/* The shipped plugins (plugins/ *.lua, embedded at build time by embed.py),
 * in name order.  Their plugin_file path is PLUGIN_SHIPPED_PREFIX NAME
 * ("weir:plugins/kafka.lua"): no file of a pipeline or of the user has such
 * a path, so a shipped file is never taken for the pipeline's plugins/NAME. */
#define PLUGIN_SHIPPED_PREFIX "weir:plugins/"
extern const plugin_text plugin_shipped_files[];
extern const size_t plugin_shipped_count;

typedef struct plugin_host_options {
    /* The user's configuration folder, holding plugins/ and plugins.allow.
     * NULL: $XDG_CONFIG_HOME/weir, or ~/.config/weir; "": no user plugins
     * and no plugins.allow (tests).  plugins.allow lines are "FILE CAP...":
     * a bare file name grants the user's plugin of that name; a pipeline's
     * plugin is granted only by its absolute path; shipped ones get none. */
    const char *config_dir;
    /* Replace the shipped set (tests): used when `shipped` is not NULL or
     * `no_shipped` is true. */
    const plugin_text *shipped;
    size_t n_shipped;
    bool no_shipped;
    /* 0: PLUGIN_MEMORY_LIMIT / PLUGIN_INSTRUCTIONS. */
    size_t memory_limit;
    long long instructions;
} plugin_host_options;

typedef struct plugin_host plugin_host;

/* A declaration that lost to an earlier one of the same kind and name. */
typedef struct plugin_shadowed {
    node_kind kind;
    const char *name;
    const plugin_file *plugin; /* the file whose declaration is not used */
    int line;
    const plugin_file *by; /* the file whose declaration is used */
    int by_line;
    bool deliberate; /* the used one says shadows = true */
} plugin_shadowed;

/* Load every plugin for the pipeline in pipeline_dir (NULL: no pipeline
 * plugins).  Never NULL; problems (broken files, refused declarations,
 * shadowed types, bad plugins.allow lines) are in the registry's problems,
 * each as path:line.  o may be NULL for the defaults. */
plugin_host *plugin_host_load(const char *pipeline_dir, const plugin_host_options *o);
void plugin_host_free(plugin_host *h);

/* The registry (owned by h): pass it to node_registry_use. */
node_registry *plugin_host_registry(plugin_host *h);

/* Shadowed declarations, in search order. */
size_t plugin_host_shadowed_count(const plugin_host *h);
const plugin_shadowed *plugin_host_shadowed_at(const plugin_host *h, size_t i);

/* Declarations refused (bad declaration) or files that failed to run: the
 * count of error-level problems about plugin files. */
size_t plugin_host_errors(const plugin_host *h);

/* Microseconds plugin_host_load took (benchmarks). */
double plugin_host_load_us(const plugin_host *h);

#endif
