/* SQL transforms: execution, typing, reads, and the lock-down. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "reader.h"
#include "sqlrun.h"

static pv_table *orders, *customers;

static int setup(void **state)
{
    (void)state;
    reader_options o = {.path = "x"};
    diag_list d;
    diag_list_init(&d);
    const char *oj =
        "{\"id\": 1, \"cust\": 1, \"amount\": 10.5, \"at\": \"2024-01-01T00:00:00Z\"}\n"
        "{\"id\": 2, \"cust\": 2, \"amount\": 4, \"at\": \"2024-01-02T00:00:00Z\"}\n"
        "{\"id\": 3, \"cust\": 1, \"amount\": 1.5, \"at\": \"2024-01-03T00:00:00Z\"}\n";
    orders = reader_jsonl_buffer(oj, strlen(oj), &o, &d);
    const char *cc = "id,name,vip\n1,Ada,true\n2,Grace,false\n";
    customers = reader_csv_buffer(cc, strlen(cc), &o, &d);
    diag_list_free(&d);
    return orders && customers ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    pv_table_unref(orders);
    pv_table_unref(customers);
    return 0;
}

static pv_table *run(const char *sql, double budget, sql_reads *reads, diag_list *d)
{
    sql_input in[] = {{"orders", orders, NULL, 0}, {"customers", customers, NULL, 0}};
    sql_options o = {budget, NULL, NULL};
    return sql_run(NULL, sql, "sql/t.sql", "t", in, 2, &o, reads, d);
}

/* The first error's message, asserting there is one. */
static const char *fails(const char *sql, diag_list *d)
{
    pv_table *t = run(sql, 1.0, NULL, d);
    assert_null(t);
    assert_true(d->n_errors >= 1);
    return d->items[0].message;
}

static void test_join_group_types_and_reads(void **state)
{
    (void)state;
    diag_list d;
    diag_list_init(&d);
    sql_reads reads = {0};
    pv_table *t = run("SELECT c.name, c.vip, count(*) AS n, sum(o.amount) AS total,\n"
                      "       max(o.at) AS last_at\n"
                      "FROM orders o JOIN customers c ON c.id = o.cust\n"
                      "GROUP BY c.name ORDER BY c.name",
                      1.0, &reads, &d);
    assert_non_null(t);
    assert_int_equal(d.n, 0);
    assert_int_equal(t->n_rows, 2);
    assert_string_equal(t->cols[0].name, "name");
    assert_int_equal(t->cols[0].type, PV_TYPE_TEXT);
    assert_int_equal(t->cols[1].type, PV_TYPE_BOOLEAN); /* declared type of the input */
    assert_int_equal(pv_table_cget(t, 0, 1)->kind, PV_BOOL);
    assert_int_equal(t->cols[2].type, PV_TYPE_INTEGER);
    assert_int_equal(pv_table_cget(t, 0, 2)->v.i, 2);
    assert_int_equal(t->cols[3].type, PV_TYPE_REAL);
    assert_true(pv_table_cget(t, 0, 3)->v.r == 12.0);
    assert_int_equal(t->cols[4].type, PV_TYPE_TIMESTAMP); /* inferred from values */
    assert_int_equal(reads.n_tables, 2);
    bool saw_amount = false, saw_name = false;
    for (size_t i = 0; i < reads.n_columns; i++) {
        saw_amount |= strcmp(reads.columns[i], "orders.amount") == 0;
        saw_name |= strcmp(reads.columns[i], "customers.name") == 0;
    }
    assert_true(saw_amount && saw_name);
    sql_reads_free(&reads);
    pv_table_unref(t);
    diag_list_free(&d);
}

static void test_json_functions(void **state)
{
    (void)state;
    /* json columns can be taken apart with SQLite's JSON functions */
    reader_options ro = {.path = "x"};
    diag_list d;
    diag_list_init(&d);
    const char *j = "{\"id\": 1, \"tags\": [\"a\", \"b\"]}\n";
    pv_table *in = reader_jsonl_buffer(j, strlen(j), &ro, &d);
    sql_input si[] = {{"orders", in, NULL, 0}};
    sql_options o = {1.0, NULL, NULL};
    pv_table *t = sql_run(NULL,
                          "SELECT o.id, t.value AS tag, json_extract(o.tags, '$[1]') AS second\n"
                          "FROM orders o, json_each(o.tags) t",
                          "q.sql", "q", si, 1, &o, NULL, &d);
    assert_non_null(t);
    assert_int_equal(t->n_rows, 2);
    assert_string_equal(pv_table_cget(t, 1, 1)->v.s, "b");
    assert_string_equal(pv_table_cget(t, 0, 2)->v.s, "b");
    pv_table_unref(t);
    pv_table_unref(in);
    diag_list_free(&d);
}

static void test_error_position(void **state)
{
    (void)state;
    diag_list d;
    diag_list_init(&d);
    const char *msg = fails("SELECT id,\n       nosuch FROM orders", &d);
    assert_non_null(strstr(msg, "nosuch"));
    assert_string_equal(d.items[0].path, "sql/t.sql");
    assert_int_equal(d.items[0].line, 2);
    assert_int_equal(d.items[0].col, 8);
    diag_list_free(&d);
}

/* Double quotes always name a column: a misspelt "amout" is an error, not
 * the text 'amout' (SQLite's legacy rule, turned off in sqlrun). */
static void test_double_quotes_are_identifiers(void **state)
{
    (void)state;
    diag_list d;
    diag_list_init(&d);
    const char *msg = fails("SELECT \"amout\" FROM orders", &d);
    assert_non_null(strstr(msg, "no such column: amout"));
    diag_list_free(&d);
    diag_list_init(&d);
    pv_table *t = run("SELECT \"amount\" FROM \"orders\"", 1.0, NULL, &d);
    assert_non_null(t);
    assert_int_equal(t->n_rows, 3);
    pv_table_unref(t);
    diag_list_free(&d);
}

/* count(*) over a CTE SQLite materialises reads it with no database and
 * no column: that is not a read of a table outside the inputs. */
static void test_count_over_materialised_cte(void **state)
{
    (void)state;
    diag_list d;
    diag_list_init(&d);
    pv_table *t = run("WITH x AS (SELECT DISTINCT cust FROM orders) SELECT count(*) AS n FROM x",
                      1.0, NULL, &d);
    assert_non_null(t);
    assert_int_equal(t->n_rows, 1);
    assert_int_equal(pv_table_cget(t, 0, 0)->v.i, 2);
    pv_table_unref(t);
    diag_list_free(&d);
    diag_list_init(&d);
    const char *msg = fails("SELECT * FROM sqlite_master", &d);
    assert_non_null(strstr(msg, "not an input"));
    diag_list_free(&d);
}

static void test_attach_refused(void **state)
{
    (void)state;
    diag_list d;
    diag_list_init(&d);
    assert_non_null(strstr(fails("ATTACH DATABASE '/tmp/weir-evil.db' AS evil", &d), "ATTACH"));
    diag_list_clear(&d);
    /* Smuggled after a SELECT: still one statement only. */
    fails("SELECT 1; ATTACH DATABASE '/tmp/weir-evil.db' AS evil", &d);
    assert_int_equal(d.items[0].line, 1);
    assert_non_null(strstr(d.items[0].message, "one SELECT"));
    diag_list_free(&d);
    FILE *f = fopen("/tmp/weir-evil.db", "r");
    assert_null(f);
}

static void test_load_extension_refused(void **state)
{
    (void)state;
    diag_list d;
    diag_list_init(&d);
    assert_non_null(strstr(fails("SELECT load_extension('/tmp/nope.so')", &d), "load_extension"));
    diag_list_free(&d);
}

static void test_pragma_and_ddl_refused(void **state)
{
    (void)state;
    diag_list d;
    diag_list_init(&d);
    assert_non_null(strstr(fails("PRAGMA writable_schema = 1", &d), "PRAGMA"));
    diag_list_clear(&d);
    fails("CREATE TABLE x(a)", &d);
    diag_list_clear(&d);
    fails("DROP TABLE orders", &d);
    diag_list_clear(&d);
    fails("BEGIN", &d);
    diag_list_clear(&d);
    assert_non_null(strstr(fails("SELECT * FROM sqlite_master", &d), "not an input"));
    diag_list_clear(&d);
    assert_non_null(strstr(fails("SELECT * FROM pragma_table_info('orders')", &d), "PRAGMA"));
    diag_list_clear(&d);
    fails("UPDATE sqlite_master SET sql = 'x'", &d);
    diag_list_free(&d);
}

static void test_writes_to_inputs_refused(void **state)
{
    (void)state;
    diag_list d;
    diag_list_init(&d);
    assert_non_null(strstr(fails("DELETE FROM orders", &d), "writing to 'orders'"));
    diag_list_clear(&d);
    assert_non_null(strstr(fails("INSERT INTO customers VALUES (3, 'Eve', 0)", &d), "writing"));
    diag_list_clear(&d);
    assert_non_null(strstr(fails("UPDATE orders SET amount = 0", &d), "writing"));
    diag_list_clear(&d);
    fails("WITH x AS (SELECT 1) DELETE FROM orders", &d);
    diag_list_free(&d);
}

static void test_endless_recursive_cte_interrupted(void **state)
{
    (void)state;
    diag_list d;
    diag_list_init(&d);
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    pv_table *t = run("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c)\n"
                      "SELECT max(x) FROM c",
                      0.1, NULL, &d);
    clock_gettime(CLOCK_MONOTONIC, &b);
    double s = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
    assert_null(t);
    assert_non_null(strstr(d.items[0].message, "query ran longer than 0.1 s"));
    assert_true(s < 2.0);
    diag_list_free(&d);
}

static void test_limits(void **state)
{
    (void)state;
    diag_list d;
    diag_list_init(&d);
    strbuf sb;
    strbuf_init(&sb);
    /* expression depth 500 */
    strbuf_puts(&sb, "SELECT 1");
    for (int i = 0; i < 600; i++)
        strbuf_puts(&sb, " + 1");
    assert_non_null(strstr(fails(sb.data, &d), "maximum depth 500"));
    diag_list_clear(&d);
    /* a value past the 64 MiB length limit */
    assert_non_null(strstr(fails("SELECT length(zeroblob(100000000))", &d), "too big"));
    strbuf_free(&sb);
    diag_list_free(&d);
}

static void test_not_a_select(void **state)
{
    (void)state;
    diag_list d;
    diag_list_init(&d);
    assert_non_null(strstr(fails("-- nothing here\n", &d), "no SELECT"));
    diag_list_clear(&d);
    /* Two columns with one name would make an unusable table downstream. */
    assert_non_null(strstr(fails("SELECT o.id, c.id FROM orders o, customers c", &d), "alias"));
    diag_list_free(&d);
}

static void test_inspect_without_running(void **state)
{
    (void)state;
    pv_schema s1;
    pv_table_schema(orders, &s1);
    sql_input in[] = {{"orders", NULL, &s1, 0}};
    pv_schema out;
    sql_reads reads = {0};
    diag_list d;
    diag_list_init(&d);
    assert_true(sql_inspect("SELECT id, amount * 2 AS double_amount FROM orders", "q.sql", "q", in,
                            1, &out, &reads, &d));
    assert_int_equal(out.n, 2);
    assert_int_equal(out.cols[0].type, PV_TYPE_INTEGER);
    assert_string_equal(out.cols[1].name, "double_amount");
    assert_int_equal(reads.n_columns, 2);
    pv_schema_free(&out);
    sql_reads_free(&reads);
    assert_false(sql_inspect("SELECT nope FROM orders", "q.sql", "q", in, 1, &out, NULL, &d));
    assert_int_equal(d.items[0].col, 8);
    pv_schema_free(&s1);
    diag_list_free(&d);
}

/* Errors SQLite gives no offset for point at the name they quote (its
 * first use as a whole word outside comments and strings; the second use
 * in the main SELECT for a duplicate column), else stay unpositioned. */
static void test_position_without_offset(void **state)
{
    (void)state;
    diag_list d;
    diag_list_init(&d);
    /* A column in an ON clause: SQLite's error has no offset. */
    const char *msg = fails("-- c.idd: customers.id\n"
                            "SELECT c.name, 'c.idd' AS s, o.cust AS idd\n"
                            "FROM orders o\n"
                            "JOIN customers c ON c.idd = o.cust",
                            &d);
    assert_non_null(strstr(msg, "no such column: c.idd"));
    assert_int_equal(d.items[0].line, 4);
    assert_int_equal(d.items[0].col, 21);
    diag_list_clear(&d);
    /* A table that does not exist. */
    assert_non_null(strstr(fails("SELECT *\nFROM orders o\n  JOIN nosuch n ON n.id = o.id", &d),
                           "no such table: nosuch"));
    assert_int_equal(d.items[0].line, 3);
    assert_int_equal(d.items[0].col, 8);
    diag_list_clear(&d);
    /* Two result columns named id: at the second, in the main SELECT. */
    assert_non_null(strstr(fails("WITH x AS (SELECT id FROM orders)\n"
                                 "SELECT o.id,\n"
                                 "       c.id FROM orders o, customers c",
                                 &d),
                           "named 'id'"));
    assert_int_equal(d.items[0].line, 3);
    assert_int_equal(d.items[0].col, 10);
    diag_list_clear(&d);
    /* A table the authorizer refuses. */
    assert_non_null(strstr(fails("SELECT *\n  FROM sqlite_master", &d), "not an input"));
    assert_int_equal(d.items[0].line, 2);
    assert_int_equal(d.items[0].col, 8);
    diag_list_clear(&d);
    /* No name to find: no position (not a made-up line 1). */
    fails("SELECT id FROM orders\nUNION SELECT id, name FROM customers", &d);
    assert_int_equal(d.items[0].line, 0);
    assert_int_equal(d.items[0].col, 0);
    diag_list_free(&d);
}

/* The same through sql_inspect (the editor, `weir validate --code`), and a
 * table loaded for another node that this one may not read. */
static void test_inspect_position_without_offset(void **state)
{
    (void)state;
    pv_schema s1, s2;
    pv_table_schema(orders, &s1);
    pv_table_schema(customers, &s2);
    sql_input in[] = {{"orders", NULL, &s1, 0}, {"customers", NULL, &s2, 0}};
    pv_schema out;
    diag_list d;
    diag_list_init(&d);
    assert_false(sql_inspect("SELECT c.name\nFROM orders o JOIN customers c ON c.nmae = o.cust",
                             "q.sql", "q", in, 2, &out, NULL, &d));
    assert_int_equal(d.items[0].line, 2);
    assert_int_equal(d.items[0].col, 35);
    pv_schema_free(&out);
    diag_list_clear(&d);
    sql_db *db = sql_db_new();
    sql_input rows[] = {{"orders", orders, NULL, 0}, {"customers", customers, NULL, 0}};
    sql_options o = {1.0, NULL, NULL};
    pv_table *t = sql_run(db, "SELECT 1 AS one", "a.sql", "a", rows, 2, &o, NULL, &d);
    assert_non_null(t);
    pv_table_unref(t);
    t = sql_run(db, "SELECT o.id\nFROM orders o, customers c", "b.sql", "b", rows, 1, &o, NULL, &d);
    assert_null(t);
    assert_non_null(strstr(d.items[0].message, "'customers' is not an input"));
    assert_int_equal(d.items[0].line, 2);
    assert_int_equal(d.items[0].col, 16);
    sql_db_free(db);
    pv_schema_free(&s1);
    pv_schema_free(&s2);
    diag_list_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_join_group_types_and_reads),
        cmocka_unit_test(test_json_functions),
        cmocka_unit_test(test_error_position),
        cmocka_unit_test(test_double_quotes_are_identifiers),
        cmocka_unit_test(test_count_over_materialised_cte),
        cmocka_unit_test(test_attach_refused),
        cmocka_unit_test(test_load_extension_refused),
        cmocka_unit_test(test_pragma_and_ddl_refused),
        cmocka_unit_test(test_writes_to_inputs_refused),
        cmocka_unit_test(test_endless_recursive_cte_interrupted),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_not_a_select),
        cmocka_unit_test(test_inspect_without_running),
        cmocka_unit_test(test_position_without_offset),
        cmocka_unit_test(test_inspect_position_without_offset),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
