#include "vcs_testutil.h"

#include <git2.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "fsutil.h"
#include "util.h"
#include "vcs.h"

#include "../tmpdir.h"

static char root[4096];
static char out_buf[65536];

const char *tu_root(void)
{
    return root;
}

const char *tu_setup(void)
{
    if (!test_mkdtemp(root, sizeof(root), "weir-vcs"))
        fail_msg("mkdtemp failed");
    setenv("HOME", root, 1);
    setenv("XDG_CONFIG_HOME", root, 1);
    setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
    setenv("TZ", "UTC", 1);
    unsetenv("GIT_DIR");
    unsetenv("GIT_WORK_TREE");
    unsetenv("GIT_INDEX_FILE");
    unsetenv("GIT_AUTHOR_NAME");
    unsetenv("GIT_AUTHOR_EMAIL");
    unsetenv("GIT_COMMITTER_NAME");
    unsetenv("GIT_COMMITTER_EMAIL");
    unsetenv("EMAIL");
    tu_setup_paths();
    return root;
}

void tu_setup_paths(void)
{
    /* libgit2 reads its config search paths at init: pin them here.  The
     * test's main keeps one git_libgit2_init() alive so they stick. */
    char *nosys = xasprintf("%s/.nosystem", root);
    git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, GIT_CONFIG_LEVEL_SYSTEM, nosys);
    git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, GIT_CONFIG_LEVEL_PROGRAMDATA, nosys);
    git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, GIT_CONFIG_LEVEL_GLOBAL, root);
    git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, GIT_CONFIG_LEVEL_XDG, root);
    free(nosys);
}

void tu_teardown(void)
{
    if (root[0] && strstr(root, "/weir-vcs-") && !getenv("WEIR_KEEP_TMP"))
        tu_sh("rm -rf '%s'", root);
    root[0] = '\0';
}

static char *command(const char *fmt, va_list ap)
{
    char *cmd = xvasprintf(fmt, ap);
    char *full = xasprintf("cd '%s' && (%s)", root, cmd);
    free(cmd);
    return full;
}

int tu_sh(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *full = command(fmt, ap);
    va_end(ap);
    int rc = system(full);
    free(full);
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : 128;
}

const char *tu_out(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *full = command(fmt, ap);
    va_end(ap);
    FILE *f = popen(full, "r");
    free(full);
    size_t n = f ? fread(out_buf, 1, sizeof(out_buf) - 1, f) : 0;
    if (f)
        pclose(f);
    out_buf[n] = '\0';
    while (n && out_buf[n - 1] == '\n')
        out_buf[--n] = '\0';
    return out_buf;
}

void tu_write(const char *rel, const char *text)
{
    char *path = fs_join(root, rel);
    char *slash = strrchr(path, '/');
    *slash = '\0';
    char err[256];
    assert_int_equal(fs_mkdirs(path, err, sizeof(err)), 0);
    *slash = '/';
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    free(path);
}

char *tu_read(const char *rel)
{
    char *path = fs_join(root, rel);
    char *data;
    size_t len;
    char err[256];
    int rc = fs_read_file(path, 1 << 24, &data, &len, err, sizeof(err));
    free(path);
    return rc == 0 ? data : NULL;
}

bool tu_exists(const char *rel)
{
    char *path = fs_join(root, rel);
    bool e = fs_exists(path);
    free(path);
    return e;
}

void tu_git_init(const char *rel, bool identity)
{
    assert_int_equal(tu_sh("git init -q -b main '%s'", rel), 0);
    if (identity)
        assert_int_equal(tu_sh("git -C '%s' config user.name 'Test User' && git -C '%s' config "
                               "user.email test@example.com",
                               rel, rel),
                         0);
}

void tu_pipeline(const char *rel, int version)
{
    char *p = xasprintf("%s/pipeline.yaml", rel);
    char *text = xasprintf("weir: 1\n"
                           "\n"
                           "pipeline:\n"
                           "  name: orders\n"
                           "  version: %d\n"
                           "\n"
                           "sources:\n"
                           "  orders:\n"
                           "    type: file\n"
                           "    path: /data/orders.jsonl\n"
                           "    format: jsonl\n"
                           "    sample: samples/orders.jsonl\n"
                           "\n"
                           "transforms:\n"
                           "  big:\n"
                           "    type: sql\n"
                           "    inputs: [orders]\n"
                           "    sql: sql/big.sql\n"
                           "\n"
                           "sinks:\n"
                           "  out:\n"
                           "    type: stdout\n"
                           "    inputs: [big]\n",
                           version);
    tu_write(p, text);
    free(p);
    free(text);
    p = xasprintf("%s/layout.yaml", rel);
    tu_write(p, "weir: 1\n\npositions:\n  orders:\n    x: 0\n    y: 0\n  big:\n    x: 20\n"
                "    y: 0\n  out:\n    x: 40\n    y: 0\n");
    free(p);
    p = xasprintf("%s/sql/big.sql", rel);
    tu_write(p, "SELECT id, amount FROM orders WHERE amount > 10\n");
    free(p);
    p = xasprintf("%s/samples/orders.jsonl", rel);
    tu_write(p, "{\"id\": 1, \"amount\": 5}\n{\"id\": 2, \"amount\": 50}\n");
    free(p);
}

void tu_assert_committed(const char *repo, const char *repo_path, const char *rel)
{
    assert_int_equal(tu_sh("git -C '%s' fsck --strict --no-progress --no-dangling 2>&1", repo), 0);
    char *disk = tu_read(rel);
    assert_non_null(disk);
    const char *shown = tu_out("git -C '%s' show 'HEAD:%s'", repo, repo_path);
    /* tu_out drops trailing newlines; so compare without them. */
    size_t n = strlen(disk);
    while (n && disk[n - 1] == '\n')
        disk[--n] = '\0';
    assert_string_equal(shown, disk);
    free(disk);
}

vcs_repo *tu_open_repo(const char *rel)
{
    char *dir = xasprintf("%s/%s", root, rel);
    vcs_repo *r = NULL;
    vcs_error err = {0};
    vcs_rc rc = vcs_open(dir, &r, &err);
    free(dir);
    if (rc != VCS_OK)
        fail_msg("vcs_open: %s", err.message);
    return r;
}
