/* Unit tests for the loader's helpers: value.c (scalar interpretation),
 * util.c (edit distance, suggestions, strbuf), fsutil.c (inside checks,
 * atomic writes, read limits) and idindex.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsutil.h"
#include "helpers.h"
#include "idindex.h"
#include "util.h"
#include "value.h"

static value scalar(const char *text, bool quoted)
{
    value v;
    value_set_scalar(&v, text);
    v.quoted = quoted;
    return v;
}

static bool as_int(const char *text, bool quoted, long long *out)
{
    value v = scalar(text, quoted);
    bool ok = value_as_int(&v, out);
    value_free(&v);
    return ok;
}

static bool as_number(const char *text, double *out)
{
    value v = scalar(text, false);
    bool ok = value_as_number(&v, out);
    value_free(&v);
    return ok;
}

static void test_value_as_int(void **state)
{
    (void)state;
    long long n = 0;
    assert_true(as_int("42", false, &n));
    assert_int_equal(n, 42);
    assert_true(as_int("-7", false, &n));
    assert_int_equal(n, -7);
    assert_true(as_int("+3", false, &n));
    assert_int_equal(n, 3);
    assert_true(as_int("007", false, &n));
    assert_int_equal(n, 7);
    assert_true(as_int("9223372036854775807", false, &n));
    assert_true(n == 9223372036854775807LL);
    assert_true(as_int("-9223372036854775808", false, &n));
    assert_false(as_int("9223372036854775808", false, &n)); /* overflow */
    assert_false(as_int("42", true, &n));                   /* "42" is a string */
    assert_false(as_int("", false, &n));
    assert_false(as_int("-", false, &n));
    assert_false(as_int("1.0", false, &n));
    assert_false(as_int("0x10", false, &n));
    assert_false(as_int("1e3", false, &n));
    assert_false(as_int(" 1", false, &n));
    assert_false(as_int("1_000", false, &n));
    assert_false(value_as_int(NULL, &n));
    value list;
    value_init_list(&list);
    assert_false(value_as_int(&list, &n));
}

static void test_value_as_number(void **state)
{
    (void)state;
    double d = 0;
    assert_true(as_number("1.5", &d));
    assert_true(d == 1.5);
    assert_true(as_number("-2", &d));
    assert_true(d == -2.0);
    assert_true(as_number(".5", &d));
    assert_true(d == 0.5);
    assert_true(as_number("1e3", &d));
    assert_true(d == 1000.0);
    assert_true(as_number("2.5E-1", &d));
    assert_true(d == 0.25);
    assert_true(as_number("5.", &d));
    assert_false(as_number(".", &d));
    assert_false(as_number("e3", &d));
    assert_false(as_number("1e", &d));
    assert_false(as_number("1e+", &d));
    assert_false(as_number("1.2.3", &d));
    assert_false(as_number("1e3.5", &d));
    assert_false(as_number("nan", &d));
    assert_false(as_number(".inf", &d));
    assert_false(as_number("0x1p3", &d));
    value q = scalar("1.5", true);
    assert_false(value_as_number(&q, &d));
    value_free(&q);
}

static void test_value_as_bool_and_null(void **state)
{
    (void)state;
    bool b = false;
    value v = scalar("true", false);
    assert_true(value_as_bool(&v, &b));
    assert_true(b);
    value_free(&v);
    v = scalar("false", false);
    assert_true(value_as_bool(&v, &b));
    assert_false(b);
    value_free(&v);
    /* YAML 1.1 spellings are not booleans in weir (the core schema). */
    static const char *const not_bool[] = {"yes", "no", "on", "off", "True", "TRUE", "y", ""};
    for (size_t i = 0; i < sizeof(not_bool) / sizeof(not_bool[0]); i++) {
        v = scalar(not_bool[i], false);
        assert_false(value_as_bool(&v, &b));
        value_free(&v);
    }
    v = scalar("true", true);
    assert_false(value_as_bool(&v, &b));
    value_free(&v);

    static const char *const nulls[] = {"", "~", "null"};
    for (size_t i = 0; i < 3; i++) {
        v = scalar(nulls[i], false);
        assert_true(value_is_null(&v));
        value_free(&v);
        v = scalar(nulls[i], true); /* "null" quoted is the string */
        assert_false(value_is_null(&v));
        value_free(&v);
    }
    v = scalar("Null", false);
    assert_false(value_is_null(&v));
    value_free(&v);
    assert_false(value_is_null(NULL));
}

static void test_value_tree(void **state)
{
    (void)state;
    value map;
    value_init_map(&map);
    value_set_scalar(value_map_put(&map, "a"), "1");
    value *list = value_map_put(&map, "b");
    value_init_list(list);
    value_set_scalar(value_list_push(list), "x");
    value_set_scalar(value_map_put(&map, "a"), "2"); /* replaces */
    assert_int_equal(map.n, 2);
    assert_string_equal(value_map_get(&map, "a")->text, "2");
    assert_null(value_map_get(&map, "c"));
    assert_null(value_map_get(list, "a"));
    value copy;
    value_copy(&copy, &map);
    assert_true(value_equal(&copy, &map));
    value_set_scalar(value_list_push((value *)value_map_get(&copy, "b")), "y");
    assert_false(value_equal(&copy, &map));
    value_free(&copy);
    value_free(&map);
    assert_string_equal(value_kind_name(VALUE_MAP), "a mapping");
}

static void test_edit_distance(void **state)
{
    (void)state;
    assert_int_equal(edit_distance("kitten", "sitting", 5), 3);
    assert_int_equal(edit_distance("", "abc", 5), 3);
    assert_int_equal(edit_distance("abc", "abc", 0), 0);
    assert_int_equal(edit_distance("topik", "topic", 2), 1);
    assert_int_equal(edit_distance("ab", "ba", 2), 2);
    /* Capped: anything over max reports max + 1. */
    assert_int_equal(edit_distance("kitten", "sitting", 2), 3);
    assert_int_equal(edit_distance("a", "abcdefgh", 3), 4);
    /* Words over 64 bytes are never compared. */
    char longw[80];
    memset(longw, 'a', 79);
    longw[79] = '\0';
    assert_int_equal(edit_distance(longw, longw, 3), 4);
}

static void test_closest_match(void **state)
{
    (void)state;
    static const char *const keys[] = {"sources", "transforms", "sinks", "weir", "pipeline"};
    assert_string_equal(closest_match("source", keys, 5), "sources");
    assert_string_equal(closest_match("sinkz", keys, 5), "sinks");
    assert_string_equal(closest_match("transfroms", keys, 5), "transforms");
    assert_string_equal(closest_match("wier", keys, 5), "weir");
    assert_string_equal(closest_match("pipelines", keys, 5), "pipeline");
    assert_null(closest_match("extras", keys, 5));
    assert_null(closest_match("", keys, 5));
    assert_null(closest_match("sources", keys, 0));
    /* Short words allow one edit, but not replacing the whole word. */
    static const char *const xy[] = {"x", "y"};
    assert_null(closest_match("z", xy, 2));
    static const char *const ab[] = {"ab", "cd"};
    assert_string_equal(closest_match("ac", ab, 2), "ab");
    /* Ties go to the first candidate. */
    static const char *const tie[] = {"cat", "bat"};
    assert_string_equal(closest_match("at", tie, 2), "cat");
}

static void test_strbuf(void **state)
{
    (void)state;
    strbuf sb;
    strbuf_init(&sb);
    for (int i = 0; i < 1000; i++)
        strbuf_printf(&sb, "%d,", i % 10);
    strbuf_putc(&sb, '!');
    assert_int_equal(sb.len, 2001);
    assert_int_equal(sb.data[2000], '!');
    char *s = strbuf_detach(&sb);
    assert_null(sb.data);
    free(s);
    s = strbuf_detach(&sb);
    assert_string_equal(s, "");
    free(s);
}

/* ---- fsutil ----------------------------------------------------------- */

/* root/out.sql, and in dir (root/p): sql/out.sql leading out to it,
 * sql/in.sql to sql/a.sql, up to the root.  Returns out.sql's path. */
static char *add_links(const char *root, const char *dir)
{
    write_text(root, "out.sql", "x");
    char *out = xasprintf("%s/out.sql", root);
    static const char *const links[][2] = {
        {"sql/out.sql", NULL}, {"sql/in.sql", "a.sql"}, {"up", ".."}};
    for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
        char *l = fs_join(dir, links[i][0]);
        assert_int_equal(symlink(links[i][1] ? links[i][1] : out, l), 0);
        free(l);
    }
    return out;
}

static void test_fs_check_inside(void **state)
{
    (void)state;
    char *root = temp_dir();
    char *dir = xasprintf("%s/p", root);
    write_text(dir, "sql/a.sql", "x");
    char *out = add_links(root, dir);
    char *l = fs_join(dir, "self");
    assert_int_equal(symlink("self", l), 0);
    free(l);

    assert_int_equal(fs_check_inside(dir, "sql/a.sql", true), PATH_OK);
    assert_int_equal(fs_check_inside(dir, "./sql/a.sql", true), PATH_OK);
    assert_int_equal(fs_check_inside(dir, "sql//a.sql", true), PATH_OK);
    assert_int_equal(fs_check_inside(dir, "sql/in.sql", true), PATH_OK);
    assert_int_equal(fs_check_inside(dir, "", true), PATH_EMPTY);
    assert_int_equal(fs_check_inside(dir, NULL, true), PATH_EMPTY);
    assert_int_equal(fs_check_inside(dir, "/etc/passwd", true), PATH_ABSOLUTE);
    assert_int_equal(fs_check_inside(dir, "~/x", true), PATH_ABSOLUTE);
    assert_int_equal(fs_check_inside(dir, "../out.sql", true), PATH_DOTDOT);
    assert_int_equal(fs_check_inside(dir, "sql/..", true), PATH_DOTDOT);
    assert_int_equal(fs_check_inside(dir, "..", false), PATH_DOTDOT);
    assert_int_equal(fs_check_inside(dir, "sql/..x", true), PATH_MISSING); /* a name */
    assert_int_equal(fs_check_inside(dir, "sql/none.sql", true), PATH_MISSING);
    assert_int_equal(fs_check_inside(dir, "sql", true), PATH_NOT_FILE);
    assert_int_equal(fs_check_inside(dir, "sql/out.sql", true), PATH_ESCAPES);
    assert_int_equal(fs_check_inside(dir, "up/out.sql", true), PATH_ESCAPES);
    assert_int_equal(fs_check_inside(dir, "up/none.sql", true), PATH_ESCAPES);
    assert_int_equal(fs_check_inside(dir, "self", true), PATH_MISSING); /* a loop */
    assert_int_equal(fs_check_inside(dir, "sql\\a.sql", true), PATH_BAD_CHARS);
    assert_int_equal(fs_check_inside(dir, "sql/a\n.sql", true), PATH_BAD_CHARS);
    assert_int_equal(fs_check_inside(dir, "sql/a\x7f", true), PATH_BAD_CHARS);
    /* must_exist false: a file about to be written. */
    assert_int_equal(fs_check_inside(dir, "sql/new.sql", false), PATH_OK);
    assert_int_equal(fs_check_inside(dir, "new/deeper/x.sql", false), PATH_OK);
    assert_int_equal(fs_check_inside(dir, "up/new.sql", false), PATH_ESCAPES);
    assert_int_equal(fs_check_inside(dir, "sql/out.sql", false), PATH_ESCAPES);
    /* A root that is not there. */
    char *gone = xasprintf("%s/gone", root);
    assert_int_equal(fs_check_inside(gone, "a", true), PATH_MISSING);
    for (int c = PATH_OK; c <= PATH_BAD_CHARS; c++)
        assert_non_null(strstr(path_check_message((path_check)c), c == PATH_OK ? "ok" : " "));
    free(gone);
    free(out);
    free(dir);
    remove_tree(root);
    free(root);
}

/* The cached check gives fs_check_inside's answer for every path, whether
 * its folders were listed ahead (as the loader does) or at the first
 * check, and again once its listings and their indexes exist. */
static void test_fs_check_inside_cached(void **state)
{
    (void)state;
    char *root = temp_dir();
    char *dir = xasprintf("%s/p", root);
    write_text(dir, "sql/a.sql", "x");
    write_text(dir, "sql/b.sql", "x");
    write_text(dir, "samples/deep/er/s.csv", "x");
    write_text(dir, "top.txt", "x");
    write_text(dir, "lua/x.lua", "x"); /* a folder name as long as sql's */
    /* Names that exist but that no setting may use. */
    write_text(dir, "sql/b\\ad.sql", "x");
    write_text(dir, "sql/c\x01.sql", "x");
    write_text(dir, "~x", "x");
    char *out = add_links(root, dir);
    static const char *const paths[] = {"sql/a.sql",
                                        "./sql/a.sql",
                                        "sql//b.sql",
                                        "sql/./a.sql",
                                        "sql/in.sql",
                                        "sql/out.sql",
                                        "sql/none.sql",
                                        "sql",
                                        "sql/",
                                        "top.txt",
                                        "top.txt/x",
                                        "samples/deep/er/s.csv",
                                        "samples/deep/er",
                                        "samples/deep/none/s.csv",
                                        "samples/deep/er/s.csv/",
                                        "up/out.sql",
                                        "up/none.sql",
                                        "none/x.sql",
                                        "",
                                        "/etc/passwd",
                                        "../out.sql",
                                        "sql/..",
                                        "sql\\a.sql",
                                        "a.sql",
                                        "b",
                                        "sql/a.sq",
                                        "sql/a.sqll",
                                        "s",
                                        "samples",
                                        "lua/x.lua",
                                        "lua/a.sql",
                                        "sql/x.lua",
                                        "sql/a\x01.sql",
                                        "sql/b\\ad.sql",
                                        "sql/c\x01.sql",
                                        "~x",
                                        "sq\x1fl/a.sql",
                                        "sql/a.sql\x7f",
                                        "sql\\a.sql",
                                        "~/sql/a.sql",
                                        "..",
                                        "sql/../sql/a.sql",
                                        "./../sql/a.sql",
                                        "sql/..x",
                                        ".",
                                        "./",
                                        "//",
                                        NULL};
    size_t n_paths = 0;
    while (paths[n_paths])
        n_paths++;
    /* Names of 255 and 256 bytes, and a path longer than PATH_MAX that
     * names sql/a.sql through 3,000 "./". */
    char name255[300], name256[300];
    memset(name255, 'n', 255);
    strcpy(name255 + 255, "");
    memset(name256, 'n', 256);
    strcpy(name256 + 256, "");
    write_text(dir, name255, "x");
    strbuf dots;
    strbuf_init(&dots);
    for (int i = 0; i < 3000; i++)
        strbuf_puts(&dots, "./");
    strbuf_puts(&dots, "sql/a.sql");
    char *sub255 = xasprintf("sql/%s", name255);
    const char *long_paths[] = {name255, name256, dots.data, sub255, NULL};
    for (int ahead = 0; ahead < 2; ahead++) {
        for (int must_exist = 0; must_exist < 2; must_exist++) {
            fs_dir_cache *c = fs_dir_cache_new(dir);
            if (ahead) {
                fs_dir_cache_prefetch(c, "");
                fs_dir_cache_prefetch(c, "sql");
                fs_dir_cache_prefetch(c, "nowhere");
            }
            for (int round = 0; round < 2; round++)
                for (size_t i = 0; i < n_paths || long_paths[i - n_paths]; i++) {
                    const char *path = i < n_paths ? paths[i] : long_paths[i - n_paths];
                    path_check want = fs_check_inside(dir, path, must_exist);
                    path_check got = fs_check_inside_cached(c, path, must_exist);
                    if (got != want)
                        fail_msg("'%.60s' (must_exist %d, listed ahead %d): %d, not %d", path,
                                 must_exist, ahead, got, want);
                }
            fs_dir_cache_free(c);
        }
    }
    assert_int_equal(fs_check_inside(dir, name255, true), PATH_OK);
    assert_int_equal(fs_check_inside(dir, dots.data, true), PATH_OK);
    strbuf_free(&dots);
    free(sub255);
    assert_int_equal(fs_check_inside(dir, "samples/deep/er/s.csv", true), PATH_OK);
    assert_int_equal(fs_check_inside(dir, "sql/out.sql", true), PATH_ESCAPES);
    free(out);
    free(dir);
    remove_tree(root);
    free(root);
}

static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, ".."))
            n++;
    closedir(d);
    return n;
}

static void test_fs_write_atomic(void **state)
{
    (void)state;
    char *root = temp_dir();
    char *path = fs_join(root, "f.yaml");
    char err[256];
    assert_int_equal(fs_write_atomic(path, "first\n", 6, err, sizeof(err)), 0);
    char *data;
    size_t len;
    assert_int_equal(fs_read_file(path, 1024, &data, &len, err, sizeof(err)), 0);
    assert_string_equal(data, "first\n");
    free(data);
    /* Replaces the content, keeps the mode, leaves no temporary file. */
    assert_int_equal(chmod(path, 0600), 0);
    assert_int_equal(fs_write_atomic(path, "second", 6, err, sizeof(err)), 0);
    assert_int_equal(fs_read_file(path, 1024, &data, &len, err, sizeof(err)), 0);
    assert_string_equal(data, "second");
    assert_int_equal(len, 6);
    free(data);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0600);
    assert_int_equal(count_entries(root), 1);
    /* Empty content is a valid write. */
    assert_int_equal(fs_write_atomic(path, "", 0, err, sizeof(err)), 0);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_size, 0);
    /* A folder that is not there: an error, and still nothing left over. */
    char *bad = fs_join(root, "no/such/f.yaml");
    assert_int_equal(fs_write_atomic(bad, "x", 1, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "cannot create a temporary file"));
    assert_int_equal(count_entries(root), 1);
    free(bad);
    free(path);
    remove_tree(root);
    free(root);
}

/* fs_write_new: written whole when the file is not there; an existing file
 * is never replaced, and no temporary file is left either way. */
static void test_fs_write_new(void **state)
{
    (void)state;
    char *root = temp_dir();
    char *path = fs_join(root, ".gitattributes");
    char err[256], *data;
    size_t len;
    assert_int_equal(fs_write_new(path, "mine\n", 5, err, sizeof(err)), 0);
    assert_int_equal(fs_read_file(path, 1024, &data, &len, err, sizeof(err)), 0);
    assert_string_equal(data, "mine\n");
    free(data);
    assert_int_equal(count_entries(root), 1);
    assert_int_equal(fs_write_new(path, "theirs\n", 7, err, sizeof(err)), 1);
    assert_int_equal(fs_read_file(path, 1024, &data, &len, err, sizeof(err)), 0);
    assert_string_equal(data, "mine\n");
    free(data);
    assert_int_equal(count_entries(root), 1);
    char *bad = fs_join(root, "no/such/f");
    assert_int_equal(fs_write_new(bad, "x", 1, err, sizeof(err)), -1);
    assert_int_equal(count_entries(root), 1);
    free(bad);
    free(path);
    remove_tree(root);
    free(root);
}

static void test_fs_read_file_limit(void **state)
{
    (void)state;
    char *root = temp_dir();
    write_text(root, "ten", "0123456789");
    char *path = fs_join(root, "ten");
    char *data = (char *)1;
    size_t len = 99;
    char err[256];
    assert_int_equal(fs_read_file(path, 10, &data, &len, err, sizeof(err)), 0);
    assert_int_equal(len, 10);
    assert_int_equal(data[10], '\0');
    free(data);
    assert_int_equal(fs_read_file(path, 9, &data, &len, err, sizeof(err)), -1);
    assert_null(data);
    assert_string_equal(err, "file too large (10 bytes; the limit is 9 bytes)");
    char *none = fs_join(root, "none");
    assert_int_equal(fs_read_file(none, 10, &data, &len, err, sizeof(err)), -1);
    assert_string_equal(err, "cannot open: No such file or directory");
    assert_int_equal(fs_read_file(root, 10, &data, &len, err, sizeof(err)), -1);
    assert_string_equal(err, "not a regular file");
    /* A device that reports size 0 but never ends is refused too. */
    assert_int_equal(fs_read_file("/dev/zero", 10, &data, &len, err, sizeof(err)), -1);
    assert_string_equal(err, "not a regular file");
    free(none);
    free(path);
    remove_tree(root);
    free(root);
}

static void test_fs_helpers(void **state)
{
    (void)state;
    char *j = fs_join("a/", "b");
    assert_string_equal(j, "a/b");
    free(j);
    j = fs_join("a", "b/c");
    assert_string_equal(j, "a/b/c");
    free(j);
    char *root = temp_dir();
    char *deep = xasprintf("%s/x/y/z", root);
    char err[256];
    assert_int_equal(fs_mkdirs(deep, err, sizeof(err)), 0);
    assert_int_equal(fs_mkdirs(deep, err, sizeof(err)), 0); /* already there */
    assert_true(fs_is_dir(deep));
    assert_true(fs_exists(deep));
    write_text(root, "f", "x");
    char *f = fs_join(root, "f");
    assert_false(fs_is_dir(f));
    char *under_file = fs_join(f, "sub");
    assert_int_equal(fs_mkdirs(under_file, err, sizeof(err)), -1);
    free(under_file);
    free(f);
    free(deep);
    remove_tree(root);
    free(root);
}

/* ---- idindex ---------------------------------------------------------- */

static void test_id_index(void **state)
{
    (void)state;
    id_index ix;
    id_index_init(&ix, 0);
    assert_int_equal(id_index_get(&ix, "a"), -1);
    enum { N = 5000 };
    static char ids[N][16];
    for (size_t i = 0; i < N; i++) {
        snprintf(ids[i], sizeof(ids[i]), "node_%zu", i);
        id_index_put(&ix, ids[i], i);
    }
    assert_int_equal(ix.n, N);
    for (size_t i = 0; i < N; i++)
        assert_int_equal(id_index_get(&ix, ids[i]), (ptrdiff_t)i);
    assert_int_equal(id_index_get(&ix, "node_5000"), -1);
    assert_int_equal(id_index_get(&ix, ""), -1);
    /* The first one wins. */
    id_index_put(&ix, "node_7", 99);
    assert_int_equal(id_index_get(&ix, "node_7"), 7);
    assert_int_equal(ix.n, N);
    id_index_free(&ix);

    pipeline p;
    pipeline_init(&p);
    pipeline_add_node(&p, "a", NODE_SOURCE, "file");
    pipeline_add_node(&p, "b", NODE_SINK, "stdout");
    pipeline_add_node(&p, "a", NODE_SINK, "stdout"); /* duplicate: first wins */
    id_index_build(&ix, &p);
    assert_int_equal(id_index_get(&ix, "a"), 0);
    assert_int_equal(id_index_get(&ix, "b"), 1);
    assert_int_equal(id_index_get(&ix, "c"), -1);
    id_index_free(&ix);
    pipeline_free(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_value_as_int),
        cmocka_unit_test(test_value_as_number),
        cmocka_unit_test(test_value_as_bool_and_null),
        cmocka_unit_test(test_value_tree),
        cmocka_unit_test(test_edit_distance),
        cmocka_unit_test(test_closest_match),
        cmocka_unit_test(test_strbuf),
        cmocka_unit_test(test_fs_check_inside),
        cmocka_unit_test(test_fs_check_inside_cached),
        cmocka_unit_test(test_fs_write_atomic),
        cmocka_unit_test(test_fs_write_new),
        cmocka_unit_test(test_fs_read_file_limit),
        cmocka_unit_test(test_fs_helpers),
        cmocka_unit_test(test_id_index),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
