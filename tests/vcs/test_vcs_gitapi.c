/* vcs: libgit2 loaded at run time (vcs/gitapi.h).  The soname meson
 * computed is the library a program linked with -lgit2 gets (this test is
 * one), every function in VCS_GIT_FUNCS resolves in it, and without it the
 * vcs entry points fail with a clear message instead of crashing. */
#define _GNU_SOURCE /* dladdr, RTLD_DEFAULT */
#include <dlfcn.h>
#include <git2.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "gitapi.h"
#include "vcs.h"
#include "vcs_merge.h"

#include "../tmpdir.h"

static const char *const names[] = {
#define NAME(f) #f,
    VCS_GIT_FUNCS(NAME)
#undef NAME
};
#define N_NAMES (sizeof(names) / sizeof(names[0]))

/* The linker records a library's SONAME as the program's DT_NEEDED, and
 * the loader maps it by that name: the file this test's libgit2 comes from
 * (it calls git_libgit2_version, so it links the library) is named exactly
 * the soname weir dlopens, libgit2.so.MAJOR.MINOR of its version. */
static void test_soname_is_the_linked_library(void **state)
{
    (void)state;
    unsetenv("WEIR_LIBGIT2");
    int major = 0, minor = 0, rev = 0;
    assert_int_equal(git_libgit2_version(&major, &minor, &rev), 0);
    char want[64];
    snprintf(want, sizeof(want), "libgit2.so.%d.%d", major, minor);
    assert_string_equal(vcs_gitapi_name(), want);
    void *sym = dlsym(RTLD_DEFAULT, "git_libgit2_version");
    assert_non_null(sym);
    Dl_info info;
    assert_true(dladdr(sym, &info) != 0);
    assert_non_null(info.dli_fname);
    const char *base = strrchr(info.dli_fname, '/');
    base = base ? base + 1 : info.dli_fname;
    assert_string_equal(base, vcs_gitapi_name());
}

static void test_every_listed_function_resolves(void **state)
{
    (void)state;
    unsetenv("WEIR_LIBGIT2");
    assert_true(N_NAMES >= 90); /* vcs/ uses about 98 */
    void *h = dlopen(vcs_gitapi_name(), RTLD_NOW | RTLD_LOCAL);
    if (!h)
        fail_msg("dlopen %s: %s", vcs_gitapi_name(), dlerror());
    for (size_t i = 0; i < N_NAMES; i++)
        if (!dlsym(h, names[i]))
            fail_msg("%s has no %s", vcs_gitapi_name(), names[i]);
    /* The table holds those very functions, from the copy linked here. */
    char err[256] = "";
    assert_true(vcs_gitapi_load(vcs_gitapi_name(), err, sizeof(err)));
    assert_string_equal(err, "");
    void *p;
    memcpy(&p, &vcs_gitapi.git_repository_open_ext, sizeof(p));
    assert_ptr_equal(p, dlsym(h, "git_repository_open_ext"));
    memcpy(&p, &vcs_gitapi.git_treebuilder_write, sizeof(p));
    assert_ptr_equal(p, dlsym(h, "git_treebuilder_write"));
    dlclose(h);
}

/* In a child (vcs_lib_init answers once per process): with WEIR_LIBGIT2 =
 * lib, every entry point that starts libgit2 fails with a message starting
 * with want, twice in a row.  Returns the child's failures. */
static int child_without_git(const char *lib, const char *want)
{
    setenv("WEIR_LIBGIT2", lib, 1);
    char dir[4096];
    if (!test_mkdtemp(dir, sizeof(dir), "weir-gitapi"))
        return 100;
    int bad = 0;
    for (int round = 0; round < 2; round++) {
        vcs_error err = {0};
        vcs_repo *r = (vcs_repo *)1;
        vcs_rc rc = vcs_open(dir, &r, &err);
        if (rc != VCS_ERROR || r != NULL || strncmp(err.message, want, strlen(want)) != 0) {
            fprintf(stderr, "vcs_open: rc %d, message '%s', want '%s...'\n", (int)rc, err.message,
                    want);
            bad++;
        }
        vcs_error err2 = {0};
        rc = vcs_init(dir, &err2);
        if (rc != VCS_ERROR || strncmp(err2.message, want, strlen(want)) != 0) {
            fprintf(stderr, "vcs_init: rc %d, message '%s'\n", (int)rc, err2.message);
            bad++;
        }
    }
    /* Not pipelines: the merge driver falls back to git's line merge. */
    merge_result res;
    char msg[512] = "";
    if (merge_texts(MERGE_PIPELINE, "a\n", 2, "b\n", 2, "c\n", 2, &res, msg, sizeof(msg)) ||
        strncmp(msg, want, strlen(want)) != 0) {
        fprintf(stderr, "merge_texts: message '%s'\n", msg);
        bad++;
    }
    char git_dir[4200];
    snprintf(git_dir, sizeof(git_dir), "%s/.git", dir);
    if (access(git_dir, F_OK) == 0) { /* vcs_init must not have made one */
        fprintf(stderr, "vcs_init created %s\n", git_dir);
        bad++;
    }
    rmdir(dir);
    return bad;
}

static void run_child(const char *lib, const char *want)
{
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0)
        _exit(child_without_git(lib, want));
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status)); /* never a crash */
    assert_int_equal(WEXITSTATUS(status), 0);
}

static void test_no_library_is_a_clear_error(void **state)
{
    (void)state;
    run_child("/nonexistent/libgit2.so.1",
              "git support unavailable: cannot load /nonexistent/libgit2.so.1: ");
}

/* A library that loads but is not libgit2 (libyaml: weir links it). */
static void test_missing_function_is_a_clear_error(void **state)
{
    (void)state;
    char want[128];
    snprintf(want, sizeof(want), "git support unavailable: libyaml-0.so.2 has no %s", names[0]);
    run_child("libyaml-0.so.2", want);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_soname_is_the_linked_library),
        cmocka_unit_test(test_every_listed_function_resolves),
        cmocka_unit_test(test_no_library_is_a_clear_error),
        cmocka_unit_test(test_missing_function_is_a_clear_error),
    };
    return cmocka_run_group_tests_name("vcs gitapi", tests, NULL, NULL);
}
