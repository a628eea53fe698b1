/* testdir: see testdir.h. */
#include "testdir.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fsutil.h"
#include "load.h"
#include "testreg.h"

#include "../tmpdir.h"

static char dir[4096];
static char prefix_seen[64]; /* "/PREFIX-": what testdir_remove insists on */

bool testdir_make(const char *prefix)
{
    snprintf(prefix_seen, sizeof(prefix_seen), "/%s-", prefix);
    return test_mkdtemp(dir, sizeof(dir), prefix);
}

const char *testdir_path(void)
{
    return dir;
}

void testdir_put(const char *rel, const char *text)
{
    char *path = fs_join(dir, rel);
    char err[128];
    char *slash = strrchr(path, '/');
    *slash = '\0';
    fs_mkdirs(path, err, sizeof(err));
    *slash = '/';
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    free(path);
}

preview_engine *testdir_engine(pipeline *p, const preview_options *opts)
{
    diag_list d;
    diag_list_init(&d);
    assert_true(pipeline_load(dir, p, &d));
    assert_int_equal(d.n_errors, 0);
    diag_list_free(&d);
    preview_engine *e = preview_engine_new(opts);
    preview_engine_set_pipeline(e, p);
    return e;
}

void testdir_remove(void)
{
    /* Only a folder testdir_make made: never rm -rf anything else. */
    if (!dir[0] || !prefix_seen[1] || !strstr(dir, prefix_seen))
        return;
    size_t n = strlen(dir) + 16;
    char *cmd = malloc(n);
    snprintf(cmd, n, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
    free(cmd);
    dir[0] = '\0';
}

int testdir_teardown(void **state)
{
    (void)state;
    testreg_end();
    testdir_remove();
    return 0;
}
