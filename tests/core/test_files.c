/* Tests for the files a pipeline refers to (sql/, lua/, samples/): missing,
 * absolute, '..', a symlink leading out, a symlink staying in, a folder in
 * place of a file; and loading a whole folder (pipeline.yaml + layout.yaml).
 * Every test builds its pipeline in a fresh mkdtemp folder. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsutil.h"
#include "helpers.h"
#include "util.h"

typedef struct fixture {
    char *root;   /* mkdtemp folder */
    char *dir;    /* root/pipe: the pipeline folder */
    char *secret; /* root/outside.sql: a file outside it */
} fixture;

static int setup(void **state)
{
    fixture *f = xcalloc(1, sizeof(*f));
    f->root = temp_dir();
    f->dir = xasprintf("%s/pipe", f->root);
    f->secret = xasprintf("%s/outside.sql", f->root);
    write_text(f->root, "outside.sql", "select 'secret'\n");
    write_text(f->dir, "sql/ok.sql", "select * from s\n");
    write_text(f->dir, "lua/ok.lua", "function transform(r) return r end\n");
    write_text(f->dir, "samples/s.csv", "id\n1\n");
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    remove_tree(f->root);
    free(f->root);
    free(f->dir);
    free(f->secret);
    free(f);
    return 0;
}

static void link_in(const fixture *f, const char *target, const char *rel)
{
    char *path = fs_join(f->dir, rel);
    assert_int_equal(symlink(target, path), 0);
    free(path);
}

static void want_folder(const fixture *f, const char *yaml, const char *expected)
{
    write_text(f->dir, "pipeline.yaml", yaml);
    char *got = check_folder(f->dir);
    assert_string_equal(got, expected);
    free(got);
}

#define HEAD                                                                                       \
    "weir: 1\npipeline: {name: x}\n"                                                               \
    "sources:\n  s: {type: file, path: p, format: csv, sample: samples/s.csv}\n"                   \
    "transforms:\n"

static void test_files_present(void **state)
{
    fixture *f = *state;
    want_folder(f,
                HEAD "  t: {type: sql, sql: sql/ok.sql, inputs: [s]}\n"
                     "  u: {type: lua, lua: lua/ok.lua, inputs: [t]}\n",
                "");
}

static void test_files_missing(void **state)
{
    fixture *f = *state;
    want_folder(f,
                "weir: 1\npipeline: {name: x}\n"
                "sources:\n  s: {type: file, path: p, format: csv, sample: samples/none.csv}\n"
                "transforms:\n"
                "  t: {type: sql, sql: sql/none.sql, inputs: [s]}\n"
                "  u: {type: lua, lua: lua/none.lua, inputs: [t]}\n"
                "  v: {type: lua, lua: nodir/none.lua, inputs: [t]}\n",
                "pipeline.yaml:4:49: error: sample 'samples/none.csv': no such file\n"
                "pipeline.yaml:6:23: error: sql 'sql/none.sql': no such file\n"
                "pipeline.yaml:7:23: error: lua 'lua/none.lua': no such file\n"
                "pipeline.yaml:8:23: error: lua 'nodir/none.lua': no such file");
}

static void test_files_absolute_and_dotdot(void **state)
{
    fixture *f = *state;
    char *yaml = xasprintf(HEAD "  t: {type: sql, sql: %s, inputs: [s]}\n"
                                "  u: {type: sql, sql: ../outside.sql, inputs: [s]}\n"
                                "  v: {type: sql, sql: sql/../../outside.sql, inputs: [s]}\n"
                                "  w: {type: sql, sql: sql/../sql/ok.sql, inputs: [s]}\n"
                                "  x: {type: lua, lua: ~/x.lua, inputs: [s]}\n",
                           f->secret);
    /* Even a '..' that would come back inside is refused: paths stay plain. */
    char *want = xasprintf(
        "pipeline.yaml:6:23: error: sql '%s': must be a path relative to the pipeline folder, "
        "not an absolute one\n"
        "pipeline.yaml:7:23: error: sql '../outside.sql': must stay inside the pipeline folder "
        "('..' is not allowed)\n"
        "pipeline.yaml:8:23: error: sql 'sql/../../outside.sql': must stay inside the pipeline "
        "folder ('..' is not allowed)\n"
        "pipeline.yaml:9:23: error: sql 'sql/../sql/ok.sql': must stay inside the pipeline "
        "folder ('..' is not allowed)\n"
        "pipeline.yaml:10:23: error: lua '~/x.lua': must be a path relative to the pipeline "
        "folder, not an absolute one",
        f->secret);
    want_folder(f, yaml, want);
    free(yaml);
    free(want);
}

static void test_files_symlinks(void **state)
{
    fixture *f = *state;
    link_in(f, f->secret, "sql/abs_out.sql");           /* absolute target, outside */
    link_in(f, "../../outside.sql", "sql/rel_out.sql"); /* relative target, outside */
    link_in(f, "ok.sql", "sql/in.sql");                 /* stays inside: fine */
    link_in(f, "../sql/ok.sql", "lua/up_in.sql");       /* '..' in the target, still inside */
    link_in(f, "/nonexistent/x.sql", "sql/dangling.sql");
    char *out_dir = xasprintf("%s/elsewhere", f->root);
    write_text(out_dir, "t.sql", "select 1\n");
    link_in(f, out_dir, "linked");                        /* a folder symlink leading out */
    link_in(f, "../sql/none.sql", "lua/dangling_in.sql"); /* dangling, but inside */
    want_folder(f,
                HEAD "  a: {type: sql, sql: sql/abs_out.sql, inputs: [s]}\n"
                     "  b: {type: sql, sql: sql/rel_out.sql, inputs: [s]}\n"
                     "  c: {type: sql, sql: sql/in.sql, inputs: [s]}\n"
                     "  d: {type: sql, sql: lua/up_in.sql, inputs: [s]}\n"
                     "  e: {type: sql, sql: sql/dangling.sql, inputs: [s]}\n"
                     "  g: {type: sql, sql: linked/t.sql, inputs: [s]}\n"
                     "  h: {type: sql, sql: linked/none.sql, inputs: [s]}\n"
                     "  i: {type: sql, sql: lua/dangling_in.sql, inputs: [s]}\n",
                "pipeline.yaml:6:23: error: sql 'sql/abs_out.sql': resolves outside the pipeline "
                "folder (through a symlink)\n"
                "pipeline.yaml:7:23: error: sql 'sql/rel_out.sql': resolves outside the pipeline "
                "folder (through a symlink)\n"
                "pipeline.yaml:10:23: error: sql 'sql/dangling.sql': resolves outside the "
                "pipeline folder (through a symlink)\n"
                "pipeline.yaml:11:23: error: sql 'linked/t.sql': resolves outside the pipeline "
                "folder (through a symlink)\n"
                "pipeline.yaml:12:23: error: sql 'linked/none.sql': resolves outside the pipeline "
                "folder (through a symlink)\n"
                "pipeline.yaml:13:23: error: sql 'lua/dangling_in.sql': no such file");
    free(out_dir);
}

static void test_files_not_regular(void **state)
{
    fixture *f = *state;
    char *sub = fs_join(f->dir, "sql/folder.sql");
    assert_int_equal(mkdir(sub, 0755), 0);
    free(sub);
    want_folder(f,
                HEAD "  a: {type: sql, sql: sql/folder.sql, inputs: [s]}\n"
                     "  b: {type: sql, sql: \"sql\\\\ok.sql\", inputs: [s]}\n"
                     "  c: {type: sql, sql: \"\", inputs: [s]}\n"
                     "  d: {type: sql, sql: \"sql/ok.sql\\t\", inputs: [s]}\n",
                "pipeline.yaml:6:23: error: sql 'sql/folder.sql': is not a regular file\n"
                "pipeline.yaml:7:23: error: sql 'sql\\ok.sql': contains a backslash or a control "
                "character\n"
                "pipeline.yaml:8:23: error: sql '': the path is empty\n"
                "pipeline.yaml:9:23: error: sql 'sql/ok.sql\t': contains a backslash or a "
                "control character");
}

static void test_folder_with_layout(void **state)
{
    fixture *f = *state;
    write_text(f->dir, "layout.yaml",
               "weir: 1\npositions:\n  s: {x: 1, y: 2}\n  t: {x: 1}\n  gone: {x: 0, y: 0}\n");
    want_folder(f, HEAD "  t: {type: sql, sql: sql/ok.sql, inputs: [s]}\n",
                "layout.yaml:4:6: error: the position of 't' needs 'x' and 'y'\n"
                "layout.yaml:5:3: warning: position for 'gone', which is not a node (it will be "
                "dropped on save)");
}

static void test_folder_without_pipeline(void **state)
{
    fixture *f = *state;
    char *got = check_folder(f->dir);
    char *want = xasprintf("pipeline.yaml: error: no such file (not a pipeline folder? create "
                           "one with: weir new %s)",
                           f->dir);
    assert_string_equal(got, want);
    free(got);
    free(want);
    /* A folder in its place is not readable as a file. */
    char *sub = fs_join(f->dir, "pipeline.yaml");
    assert_int_equal(mkdir(sub, 0755), 0);
    free(sub);
    got = check_folder(f->dir);
    assert_string_equal(got, "pipeline.yaml:1:1: error: not a regular file");
    free(got);
}

static void test_files_not_checked_when_off(void **state)
{
    (void)state;
    /* check_files false (the fuzzer, the TUI while typing): no disk access. */
    char *got = check_yaml(HEAD "  t: {type: sql, sql: /etc/passwd, inputs: [s]}\n");
    assert_string_equal(got, "");
    free(got);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_files_present, setup, teardown),
        cmocka_unit_test_setup_teardown(test_files_missing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_files_absolute_and_dotdot, setup, teardown),
        cmocka_unit_test_setup_teardown(test_files_symlinks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_files_not_regular, setup, teardown),
        cmocka_unit_test_setup_teardown(test_folder_with_layout, setup, teardown),
        cmocka_unit_test_setup_teardown(test_folder_without_pipeline, setup, teardown),
        cmocka_unit_test(test_files_not_checked_when_off),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
