/* A file setting typed into the properties form (tui/fieldcheck.c): a path
 * inside the pipeline folder that does not exist yet is accepted, with a
 * warning from field_check_note; a path outside the folder never is (.., an
 * absolute path, a symlink out).  Each test makes its folder under $TMPDIR (tests/tmpdir.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "../tmpdir.h"
#include "fieldcheck.h"

static const setting_spec sample = {.name = "sample", .type = SETTING_FILE, .help = "h"};

typedef struct fixture {
    char dir[512];
} fixture;

static void write_file(const char *dir, const char *rel, const char *text)
{
    char path[600];
    snprintf(path, sizeof(path), "%s/%s", dir, rel);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static int setup(void **state)
{
    fixture *fx = calloc(1, sizeof(*fx));
    if (!test_mkdtemp(fx->dir, sizeof(fx->dir), "weir-fieldfile"))
        return -1;
    char sub[600];
    snprintf(sub, sizeof(sub), "%s/samples", fx->dir);
    mkdir(sub, 0777);
    write_file(fx->dir, "samples/orders.jsonl", "{}\n");
    char link[600];
    snprintf(link, sizeof(link), "%s/out", fx->dir);
    if (symlink("/tmp", link) != 0)
        return -1;
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    char cmd[600];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fx->dir);
    int rc = system(cmd);
    free(fx);
    return rc == 0 ? 0 : -1;
}

static void test_existing_file_fine_and_quiet(void **state)
{
    fixture *fx = *state;
    char buf[300];
    assert_null(field_check(&sample, "samples/orders.jsonl", fx->dir, buf, sizeof(buf)));
    assert_null(field_check_note(&sample, "samples/orders.jsonl", fx->dir, buf, sizeof(buf)));
    assert_null(field_check_note(&sample, "", fx->dir, buf, sizeof(buf)));
}

static void test_missing_inside_accepted_with_warning(void **state)
{
    fixture *fx = *state;
    char buf[300];
    /* the old check refused it: "no such file" */
    assert_null(field_check(&sample, "samples/x.jsonl", fx->dir, buf, sizeof(buf)));
    const char *note = field_check_note(&sample, "samples/x.jsonl", fx->dir, buf, sizeof(buf));
    assert_non_null(note);
    assert_string_equal(note,
                        "samples/x.jsonl does not exist yet: preview will fail until it does");
    /* a folder that does not exist yet either */
    assert_null(field_check(&sample, "later/deeper/x.csv", fx->dir, buf, sizeof(buf)));
    assert_non_null(field_check_note(&sample, "later/deeper/x.csv", fx->dir, buf, sizeof(buf)));
}

static void test_outside_refused(void **state)
{
    fixture *fx = *state;
    char buf[300];
    const char *const bad[] = {"../x.jsonl",           "samples/../../x.jsonl", "/etc/passwd",
                               "/tmp/not-there.jsonl", "out/not-there.jsonl",   "samples"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        const char *why = field_check(&sample, bad[i], fx->dir, buf, sizeof(buf));
        if (!why)
            fail_msg("accepted %s", bad[i]);
        /* and no "does not exist yet" for a path that could never do */
        assert_null(field_check_note(&sample, bad[i], fx->dir, buf, sizeof(buf)));
    }
}

static void test_note_only_for_files(void **state)
{
    fixture *fx = *state;
    char buf[300];
    setting_spec text = {.name = "topic", .type = SETTING_STRING, .help = "h"};
    assert_null(field_check_note(&text, "samples/x.jsonl", fx->dir, buf, sizeof(buf)));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_existing_file_fine_and_quiet, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_inside_accepted_with_warning, setup, teardown),
        cmocka_unit_test_setup_teardown(test_outside_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_note_only_for_files, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
