/* plugapi: the `weir` table that plugin code sees (docs/plugins.md), and
 * running a plugin file in a sandbox (luarun's lua_box).
 *
 * Two users: the plugin host (plugins/host.c) runs each file once to collect
 * its declarations and keeps the state for check() and sql() calls on the
 * main thread; preview runs the file again in its own box on its worker
 * thread to call sql(), record(), records() and show().  Both go through
 * these functions, so a plugin sees the same API in both places. */
#ifndef WEIR_PLUGAPI_H
#define WEIR_PLUGAPI_H

#include <stdbool.h>
#include <stddef.h>

#include <lua.h>

#include "luarun.h"
#include "model.h"

enum { PLUGIN_API_VERSION = 1 };
/* weir.sql_fresh_name gives up past a name this long (an array of
 * thousands of near-identical names). */
enum { PLUGIN_NAME_FRESH_MAX = 1024 };

/* Run a plugin file's text in b, in a fresh global environment of its own
 * (reads fall through to the sandbox's globals; writes stay in the file's
 * environment) holding a `weir` table for this file.  weir.capability(name)
 * succeeds only for the PLUGIN_CAP_* bits in caps_allowed.
 *
 * Always pushes one value: an array with one entry per weir.node_type{...}
 * call, in call order: { line = <line of the call>, decl = <the table> }.
 * The declarations are not checked here (the host does that).  Returns
 * true, or false with "path:line: message" in err when the file failed
 * (syntax error, runtime error, budget); the array then holds the
 * declarations made before the failure. */
bool plugapi_run_file(lua_box *b, const char *text, size_t len, const char *path,
                      unsigned caps_allowed, char *err, size_t err_size);

/* The longest SELECT a sql(node) may return: preview's SQLite limit. */
enum { PLUGIN_SQL_MAX = 1024 * 1024 };

/* What is wrong with the value at idx as the result of sql(node), or NULL
 * when it is a usable SELECT text: not a string, a NUL byte inside, only
 * white space, longer than PLUGIN_SQL_MAX.  One rule for the host (fmt,
 * save, commit, validate) and for preview, so they never disagree.  The
 * message is written to buf. */
const char *plugapi_sql_problem(lua_State *L, int idx, char *buf, size_t size);

/* Push the node argument of docs/plugins.md ("The node argument"): id,
 * kind, type, inputs and settings, with the type's defaults filled in and
 * values converted by their declared setting type. */
void plugapi_push_node(lua_State *L, const node *n, const node_type *t);

#endif
