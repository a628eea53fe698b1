/* decl: one weir.node_type{...} declaration, checked and turned into a
 * node_type (docs/plugins.md, "The declaration" and "Settings").  Part of
 * the plugin host (host.c), which runs the files and keeps the registry.
 *
 * Ownership: every string and array the node_type points into is put in
 * the caller's arena and lives until decl_arena_free.  The functions the
 * declaration holds (sql, check) are kept as references in the Lua
 * state's registry. */
#ifndef WEIR_PLUGIN_DECL_H
#define WEIR_PLUGIN_DECL_H

#include <stdbool.h>
#include <stddef.h>

#include <lua.h>

#include "nodetypes.h"

typedef struct decl_arena {
    void **items;
    size_t n, cap;
} decl_arena;

/* Keep p (malloc'd) until decl_arena_free; returns p. */
void *decl_arena_own(decl_arena *a, void *p);
void decl_arena_free(decl_arena *a);

typedef struct decl_out {
    node_type t;       /* plugin and line are the caller's to fill */
    int sql_ref;       /* sql(node) in L's registry, or LUA_NOREF */
    int *check_refs;   /* per declared setting: check(value, node) or LUA_NOREF (arena) */
    size_t n_declared; /* the settings the plugin declared: t.settings[0..n_declared) */
} decl_out;

/* Read the declaration at stack index idx.  Returns true, or false with the
 * refusal in msg ("node type 'geo': unknown field 'setings' (did you mean
 * 'settings'?)") and no reference left behind.  Either way out->t.name is
 * set when the declaration had a valid name.  Reading may need memory, so
 * a state at its memory limit raises: call it under lua_pcall. */
bool decl_read(lua_State *L, int idx, decl_arena *arena, decl_out *out, char *msg, size_t msg_size);

/* "a string", "a table", "nil", ...: for messages about a Lua value of
 * type t (LUA_T*). */
const char *decl_type_phrase(int t);

/* Release the references of a declaration that is not used. */
void decl_unref(lua_State *L, decl_out *out);

#endif
