/* Editing without a terminal: connect refusals, rename (inputs and code
 * files follow), duplicate, undo/redo, the journal and field checks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "doc.h"
#include "edit.h"
#include "fieldcheck.h"
#include "fsutil.h"
#include "journal.h"

#include "../tmpdir.h"
#include "load.h"
#include "undo.h"
#include "util.h"
#include "writer.h"

static char tmpdir[256];

static int setup_dir(void **state)
{
    (void)state;
    return test_mkdtemp(tmpdir, sizeof(tmpdir), "weir-tui-test") ? 0 : -1;
}

static int remove_dir(void **state)
{
    (void)state;
    char cmd[300];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

static void chain(pipeline *p, const char *dir)
{
    pipeline_init(p);
    p->dir = xstrdup(dir);
    p->name = xstrdup("t");
    assert_non_null(edit_add(p, NODE_SOURCE, "kafka", "orders", NULL));
    assert_non_null(edit_add(p, NODE_TRANSFORM, "sql", "enrich", NULL));
    assert_non_null(edit_add(p, NODE_SINK, "stdout", "out", NULL));
    assert_true(edit_connect(p, "orders", "enrich", NULL));
    assert_true(edit_connect(p, "enrich", "out", NULL));
}

static void test_connect_refusals(void **state)
{
    (void)state;
    pipeline p;
    chain(&p, "/nonexistent");
    const char *why = NULL;
    assert_false(edit_can_connect(&p, "enrich", "enrich", &why));
    assert_non_null(strstr(why, "own input"));
    assert_false(edit_can_connect(&p, "out", "enrich", &why));
    assert_non_null(strstr(why, "sink"));
    assert_false(edit_can_connect(&p, "enrich", "orders", &why));
    assert_non_null(strstr(why, "source"));
    assert_false(edit_can_connect(&p, "orders", "enrich", &why));
    assert_non_null(strstr(why, "already"));
    assert_non_null(edit_add(&p, NODE_TRANSFORM, "lua", "later", NULL));
    assert_true(edit_connect(&p, "enrich", "later", NULL));
    assert_false(edit_can_connect(&p, "later", "enrich", &why));
    assert_non_null(strstr(why, "cycle"));
    assert_true(edit_disconnect(&p, "enrich", "later"));
    assert_false(edit_disconnect(&p, "enrich", "later"));
    assert_true(edit_can_connect(&p, "later", "enrich", NULL));
    pipeline_free(&p);
}

static void test_add_defaults_and_ids(void **state)
{
    (void)state;
    pipeline p;
    chain(&p, "/nonexistent");
    node *n = pipeline_find(&p, "enrich");
    assert_string_equal(node_setting_text(n, "sql"), "sql/enrich.sql");
    node *k = pipeline_find(&p, "orders");
    assert_string_equal(node_setting_text(k, "brokers"), "localhost:9092");
    assert_null(node_setting_text(k, "topic")); /* required, no default */
    char *id = edit_unique_id(&p, "orders");
    assert_string_equal(id, "orders_2");
    free(id);
    id = edit_unique_id(&p, "Select");
    assert_string_equal(id, "select_2"); /* "select" is a SQL keyword */
    free(id);
    id = edit_unique_id(&p, "9 lives");
    assert_string_equal(id, "node_9_lives");
    free(id);
    const char *why;
    assert_null(edit_add(&p, NODE_SOURCE, "kafka", "orders", &why));
    assert_null(edit_add(&p, NODE_SOURCE, "nosuch", "x", &why));
    pipeline_free(&p);
}

static void test_rename_follows(void **state)
{
    (void)state;
    pipeline p;
    chain(&p, tmpdir);
    const char *why;
    assert_false(edit_rename(&p, "enrich", "out", &why));
    assert_false(edit_rename(&p, "enrich", "Bad-Id", &why));
    assert_true(edit_rename(&p, "enrich", "joined", &why));
    assert_null(pipeline_find(&p, "enrich"));
    assert_true(node_has_input(pipeline_find(&p, "out"), "joined"));
    assert_string_equal(node_setting_text(pipeline_find(&p, "joined"), "sql"), "sql/joined.sql");
    /* A hand-chosen path stays. */
    node_set_setting(pipeline_find(&p, "joined"), "sql", "sql/custom.sql");
    assert_true(edit_rename(&p, "joined", "j2", &why));
    assert_string_equal(node_setting_text(pipeline_find(&p, "j2"), "sql"), "sql/custom.sql");
    pipeline_free(&p);
}

static void test_code_files_follow_rename_and_duplicate(void **state)
{
    (void)state;
    pipeline p;
    chain(&p, tmpdir);
    code_origins o;
    code_origins_init(&o);
    diag_list d;
    diag_list_init(&d);
    /* First save creates a starter file. */
    assert_true(edit_sync_code_files(&p, &o, &d));
    char *f = fs_join(tmpdir, "sql/enrich.sql");
    assert_true(fs_exists(f));
    assert_int_equal(fs_write_atomic(f, "SELECT 42\n", 10, NULL, 0), 0);
    free(f);
    /* Rename: the file moves, with its contents. */
    assert_true(edit_rename(&p, "enrich", "joined", NULL));
    code_origins_rename(&o, "enrich", "joined");
    char *dup = edit_duplicate(&p, "joined");
    assert_string_equal(dup, "joined_2");
    code_origins_set(&o, dup, node_setting_text(pipeline_find(&p, "joined"), "sql"));
    assert_true(edit_sync_code_files(&p, &o, &d));
    char *old = fs_join(tmpdir, "sql/enrich.sql"), *now = fs_join(tmpdir, "sql/joined.sql");
    char *copy = fs_join(tmpdir, "sql/joined_2.sql");
    assert_false(fs_exists(old));
    char *data;
    size_t len;
    char err[128];
    assert_int_equal(fs_read_file(now, 1000, &data, &len, err, sizeof(err)), 0);
    assert_string_equal(data, "SELECT 42\n");
    free(data);
    /* The duplicate got a copy of the original's file (it still exists). */
    assert_int_equal(fs_read_file(copy, 1000, &data, &len, err, sizeof(err)), 0);
    assert_string_equal(data, "SELECT 42\n");
    free(data);
    node *dn = pipeline_find(&p, dup);
    assert_true(node_has_input(dn, "orders"));
    free(dup);
    free(old);
    free(now);
    free(copy);
    assert_int_equal(d.n, 0);
    diag_list_free(&d);
    code_origins_free(&o);
    pipeline_free(&p);
}

static void test_undo_redo_unbounded(void **state)
{
    (void)state;
    undo_stack u;
    undo_init(&u);
    pipeline p;
    chain(&p, "/x");
    code_origins o;
    code_origins_init(&o);
    char *sel = NULL;
    const char *label;
    assert_false(undo_undo(&u, &p, &o, &sel, &label));
    /* 2000 moves, each its own step. */
    node *n = pipeline_find(&p, "orders");
    for (int i = 1; i <= 2000; i++) {
        undo_push(&u, &p, &o, "orders", "move");
        n = pipeline_find(&p, "orders");
        n->x = i;
    }
    for (int i = 1999; i >= 0; i--) {
        assert_true(undo_undo(&u, &p, &o, &sel, &label));
        assert_string_equal(label, "move");
        assert_int_equal(pipeline_find(&p, "orders")->x, i);
    }
    assert_false(undo_undo(&u, &p, &o, &sel, &label));
    assert_string_equal(sel, "orders");
    for (int i = 1; i <= 3; i++) {
        assert_true(undo_redo(&u, &p, &o, &sel, &label));
        assert_int_equal(pipeline_find(&p, "orders")->x, i);
    }
    /* A new edit drops what could be redone. */
    undo_push(&u, &p, &o, "orders", "delete");
    pipeline_remove_node(&p, "enrich");
    assert_false(undo_redo(&u, &p, &o, &sel, &label));
    assert_true(undo_undo(&u, &p, &o, &sel, &label));
    assert_string_equal(label, "delete");
    assert_non_null(pipeline_find(&p, "enrich"));
    assert_true(node_has_input(pipeline_find(&p, "out"), "enrich"));
    free(sel);
    undo_free(&u);
    code_origins_free(&o);
    pipeline_free(&p);
}

static void test_doc_dirty_and_validation(void **state)
{
    (void)state;
    doc d;
    doc_new(&d, tmpdir, "t");
    assert_true(doc_dirty(&d));
    doc_begin(&d, NULL, "add");
    edit_add(&d.p, NODE_TRANSFORM, "sql", "lonely", NULL);
    doc_commit(&d);
    /* "needs at least one input", but not "sql/lonely.sql does not exist":
     * saving creates that file. */
    assert_int_equal(doc_errors(&d), 1);
    assert_int_equal(d.badges[0], BADGE_ERROR);
    char *label_sel = NULL;
    const char *label;
    assert_true(doc_undo(&d, &label_sel, &label));
    assert_int_equal(d.p.n_nodes, 0);
    assert_int_equal(doc_errors(&d), 0);
    free(label_sel);
    doc_free(&d);
}

static void test_journal_roundtrip(void **state)
{
    (void)state;
    pipeline p;
    chain(&p, tmpdir);
    pipeline_find(&p, "orders")->has_xy = true;
    pipeline_find(&p, "orders")->x = 7;
    code_origins o;
    code_origins_init(&o);
    code_origins_set(&o, "enrich", "sql/old_name.sql");
    char err[256];
    assert_true(journal_write(&p, &o, err, sizeof(err)));
    assert_true(journal_exists(tmpdir));
    char *ign = fs_join(tmpdir, ".weir/.gitignore");
    char *data;
    size_t len;
    assert_int_equal(fs_read_file(ign, 100, &data, &len, err, sizeof(err)), 0);
    assert_string_equal(data, "*\n");
    free(data);
    free(ign);
    pipeline r;
    code_origins ro;
    assert_true(journal_read(tmpdir, 0, &r, &ro, NULL, err, sizeof(err)));
    assert_int_equal(r.n_nodes, 3);
    assert_int_equal(pipeline_find(&r, "orders")->x, 7);
    assert_true(node_has_input(pipeline_find(&r, "out"), "enrich"));
    assert_string_equal(code_origins_get(&ro, "enrich"), "sql/old_name.sql");
    /* What recovery would change, against an empty folder. */
    pipeline empty;
    pipeline_init(&empty);
    strbuf sb;
    strbuf_init(&sb);
    journal_describe(&empty, &r, &sb);
    assert_non_null(strstr(sb.data, "+ enrich (sql transform)"));
    strbuf_free(&sb);
    strbuf_init(&sb);
    journal_describe(&r, &r, &sb);
    assert_non_null(strstr(sb.data, "no differences"));
    strbuf_free(&sb);
    pipeline_free(&r);
    code_origins_free(&ro);
    /* A damaged journal is refused, never half-used. */
    char *jp = fs_join(tmpdir, ".weir/journal");
    assert_int_equal(
        fs_write_atomic(jp, "weir-journal 1\npipeline.yaml 999\nweir: 1\n", 40, err, sizeof(err)),
        0);
    assert_false(journal_read(tmpdir, 0, &r, &ro, NULL, err, sizeof(err)));
    assert_non_null(strstr(err, "damaged"));
    journal_remove(tmpdir);
    assert_false(journal_exists(tmpdir));
    free(jp);
    code_origins_free(&o);
    pipeline_free(&p);
}

/* recovery: undoing back to the saved state clears "unsaved"; an edit
 * made after undoing past the save loses that state for good. */
static void test_undo_back_to_saved(void **state)
{
    (void)state;
    doc d;
    doc_new(&d, tmpdir, "t");
    doc_begin(&d, NULL, "add");
    edit_add(&d.p, NODE_SOURCE, "kafka", "orders", NULL);
    doc_commit(&d);
    char *sel = NULL;
    const char *label;
    assert_true(doc_undo(&d, &sel, &label));
    assert_true(doc_dirty(&d)); /* never saved: the empty start is not "saved" */
    assert_true(doc_redo(&d, &sel, &label));
    diag_list out;
    diag_list_init(&out);
    assert_true(doc_save(&d, &out));
    assert_false(doc_dirty(&d));
    doc_begin(&d, NULL, "add");
    edit_add(&d.p, NODE_SINK, "stdout", "out", NULL);
    doc_commit(&d);
    assert_true(doc_dirty(&d));
    assert_true(doc_undo(&d, &sel, &label));
    assert_false(doc_dirty(&d));
    assert_true(doc_redo(&d, &sel, &label));
    assert_true(doc_dirty(&d));
    assert_true(doc_undo(&d, &sel, &label));
    assert_false(doc_dirty(&d));
    assert_true(doc_undo(&d, &sel, &label)); /* before the save */
    assert_true(doc_dirty(&d));
    assert_true(doc_redo(&d, &sel, &label));
    assert_false(doc_dirty(&d));
    /* undo past the save, then a new edit: the saved state is gone */
    assert_true(doc_undo(&d, &sel, &label));
    doc_begin(&d, NULL, "add");
    edit_add(&d.p, NODE_SINK, "stdout", "x", NULL);
    doc_commit(&d);
    assert_true(doc_undo(&d, &sel, &label));
    assert_true(doc_dirty(&d));
    diag_list_free(&out);
    free(sel);
    doc_free(&d);
    /* a loaded pipeline: the state it was loaded in is saved */
    char err[256];
    assert_true(doc_load(&d, tmpdir, err, sizeof(err)));
    doc_begin(&d, NULL, "add");
    edit_add(&d.p, NODE_SINK, "stdout", "y", NULL);
    doc_commit(&d);
    assert_true(doc_dirty(&d));
    sel = NULL;
    assert_true(doc_undo(&d, &sel, &label));
    assert_false(doc_dirty(&d));
    free(sel);
    doc_free(&d);
}

/* recovery: journals are set aside at start-up and never overwritten; the
 * journal knows the files it was made against. */
static void test_journal_kept_and_base(void **state)
{
    (void)state;
    pipeline p;
    chain(&p, tmpdir);
    code_origins o;
    code_origins_init(&o);
    char err[256];
    diag_list out;
    diag_list_init(&out);
    assert_true(pipeline_save(&p, tmpdir, &out));
    journal_note_disk(tmpdir);
    unsigned first = 99;
    assert_int_equal(journal_kept(tmpdir, &first), 0);
    assert_true(journal_set_aside(tmpdir)); /* nothing to set aside */
    assert_true(journal_write(&p, &o, err, sizeof(err)));
    assert_true(journal_set_aside(tmpdir));
    assert_false(journal_exists(tmpdir));
    free(p.owner);
    p.owner = xstrdup("team-new");
    assert_true(journal_write(&p, &o, err, sizeof(err)));
    assert_true(journal_set_aside(tmpdir));
    assert_int_equal(journal_kept(tmpdir, &first), 2);
    assert_int_equal(first, 1);
    pipeline r, disk;
    code_origins ro;
    char *base = NULL;
    assert_true(journal_read(tmpdir, 2, &r, &ro, &base, err, sizeof(err)));
    assert_string_equal(r.owner, "team-new");
    strbuf sb;
    strbuf_init(&sb);
    journal_disk_changes(tmpdir, base, &sb);
    assert_null(sb.data && sb.len ? sb.data : NULL); /* the files are as they were */
    diag_list_clear(&out);
    assert_true(pipeline_load(tmpdir, &disk, &out));
    journal_describe(&disk, &r, &sb);
    assert_non_null(strstr(sb.data, "~ owner: team-new (on disk: (none))"));
    strbuf_free(&sb);
    /* someone changes pipeline.yaml (git pull) */
    char *py = fs_join(tmpdir, "pipeline.yaml"), *data;
    size_t len;
    assert_int_equal(fs_read_file(py, 1 << 20, &data, &len, err, sizeof(err)), 0);
    assert_int_equal(fs_write_atomic(py, data, len - 1, err, sizeof(err)), 0);
    strbuf_init(&sb);
    journal_disk_changes(tmpdir, base, &sb);
    assert_non_null(strstr(sb.data, "pipeline.yaml changed on disk"));
    assert_null(strstr(sb.data, "layout.yaml"));
    strbuf_free(&sb);
    free(data);
    free(py);
    free(base);
    pipeline_free(&r);
    pipeline_free(&disk);
    code_origins_free(&ro);
    /* recovering moves it back to the journal; discarding removes it */
    assert_true(journal_restore_kept(tmpdir, 1, err, sizeof(err)));
    assert_true(journal_exists(tmpdir));
    assert_int_equal(journal_kept(tmpdir, &first), 1);
    assert_int_equal(first, 2);
    journal_remove_kept(tmpdir, 2);
    assert_int_equal(journal_kept(tmpdir, &first), 0);
    /* the next one set aside is numbered after the highest kept */
    assert_true(journal_set_aside(tmpdir));
    assert_int_equal(journal_kept(tmpdir, &first), 1);
    assert_int_equal(first, 1);
    diag_list_free(&out);
    code_origins_free(&o);
    pipeline_free(&p);
}

static void test_field_checks(void **state)
{
    (void)state;
    char buf[200];
    setting_spec limit = {.name = "limit",
                          .type = SETTING_INTEGER,
                          .default_value = "1000",
                          .min = 1,
                          .max = 100,
                          .help = "h"};
    assert_null(field_check(&limit, "50", "/", buf, sizeof(buf)));
    assert_null(field_check(&limit, "", "/", buf, sizeof(buf)));
    assert_non_null(field_check(&limit, "5x", "/", buf, sizeof(buf)));
    assert_non_null(strstr(field_check(&limit, "500", "/", buf, sizeof(buf)), "between 1 and 100"));
    setting_spec topic = {.name = "topic", .type = SETTING_STRING, .required = true, .help = "h"};
    assert_non_null(strstr(field_check(&topic, "", "/", buf, sizeof(buf)), "required"));
    assert_non_null(field_check(&topic, "postgres://u:pw@host/db", "/", buf, sizeof(buf)));
    setting_spec fmt = {
        .name = "format", .type = SETTING_CHOICE, .choices = "json|csv", .help = "h"};
    assert_null(field_check(&fmt, "csv", "/", buf, sizeof(buf)));
    assert_non_null(field_check(&fmt, "xml", "/", buf, sizeof(buf)));
    assert_string_equal(field_cycle_choice("json|csv", "json", 1, buf, sizeof(buf)), "csv");
    assert_string_equal(field_cycle_choice("json|csv", "csv", 1, buf, sizeof(buf)), "json");
    assert_string_equal(field_cycle_choice("json|csv", "json", -1, buf, sizeof(buf)), "csv");
    assert_string_equal(field_cycle_choice("json|csv", NULL, 1, buf, sizeof(buf)), "json");
    setting_spec pw = {.name = "password", .type = SETTING_SECRET, .help = "h"};
    assert_null(field_check(&pw, "${secret:PW}", "/", buf, sizeof(buf)));
    assert_non_null(field_check(&pw, "hunter2", "/", buf, sizeof(buf)));
    setting_spec flag = {.name = "flag", .type = SETTING_BOOLEAN, .help = "h"};
    assert_null(field_check(&flag, "true", "/", buf, sizeof(buf)));
    assert_non_null(field_check(&flag, "yes please", "/", buf, sizeof(buf)));
    setting_spec ratio = {
        .name = "ratio", .type = SETTING_NUMBER, .help = "h", .number_min = 0, .number_max = 1};
    assert_null(field_check(&ratio, "0.5", "/", buf, sizeof(buf)));
    assert_non_null(strstr(field_check(&ratio, "1.5", "/", buf, sizeof(buf)), "between 0 and 1"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_connect_refusals),
        cmocka_unit_test(test_add_defaults_and_ids),
        cmocka_unit_test_setup_teardown(test_rename_follows, setup_dir, remove_dir),
        cmocka_unit_test_setup_teardown(test_code_files_follow_rename_and_duplicate, setup_dir,
                                        remove_dir),
        cmocka_unit_test(test_undo_redo_unbounded),
        cmocka_unit_test_setup_teardown(test_doc_dirty_and_validation, setup_dir, remove_dir),
        cmocka_unit_test_setup_teardown(test_journal_roundtrip, setup_dir, remove_dir),
        cmocka_unit_test_setup_teardown(test_undo_back_to_saved, setup_dir, remove_dir),
        cmocka_unit_test_setup_teardown(test_journal_kept_and_base, setup_dir, remove_dir),
        cmocka_unit_test(test_field_checks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
