/* gitapi: loading libgit2 at run time into vcs_gitapi.  See gitapi.h.
 * This file includes gitapi.h but not gitapi_defs.h: here git_foo is the
 * libgit2 declaration, which the table's member names are spelled after. */
#include "gitapi.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef WEIR_LIBGIT2_SONAME
#error "meson passes WEIR_LIBGIT2_SONAME (vcs/meson.build)"
#endif

vcs_gitapi_table vcs_gitapi;

const char *vcs_gitapi_name(void)
{
    const char *name = getenv("WEIR_LIBGIT2");
    return name && *name ? name : WEIR_LIBGIT2_SONAME;
}

bool vcs_gitapi_load(const char *name, char *err, size_t err_size)
{
    /* RTLD_LAZY, as when weir linked libgit2: every function vcs/ calls
     * is checked by dlsym below, and RTLD_NOW would bind each of the
     * library's (and its ~18 dependencies') imports up front, 2 million
     * instructions, about 3% of a `weir commit`.  RTLD_LOCAL: its symbols
     * stay out of the global scope (plugins, sqlite, lua never see them). */
    void *h = dlopen(name, RTLD_LAZY | RTLD_LOCAL);
    if (!h) {
        const char *why = dlerror();
        snprintf(err, err_size, "cannot load %s: %s", name, why ? why : "unknown error");
        return false;
    }
    vcs_gitapi_table t;
    /* dlsym returns void *; POSIX guarantees it converts to a function
     * pointer, which memcpy spells without a cast ISO C lacks. */
#define VCS_GIT_RESOLVE(f)                                                                         \
    {                                                                                              \
        void *sym = dlsym(h, #f);                                                                  \
        if (!sym) {                                                                                \
            snprintf(err, err_size, "%s has no %s", name, #f);                                     \
            dlclose(h);                                                                            \
            return false;                                                                          \
        }                                                                                          \
        memcpy(&t.f, &sym, sizeof(t.f));                                                           \
    }
    VCS_GIT_FUNCS(VCS_GIT_RESOLVE)
#undef VCS_GIT_RESOLVE
    vcs_gitapi = t;
    return true; /* h stays open for the life of the process */
}
