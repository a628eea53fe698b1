/* Tests for codegen/writer.c: canonical text, determinism, round trips over
 * the fixtures, and pipeline_save's atomicity and confinement.
 * argv[1]: the fixtures folder (tests/codegen/fixtures). */
#include <errno.h>
#include <signal.h>
#include <sys/resource.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "fsutil.h"
#include "load.h"
#include "model.h"
#include "testutil.h"
#include "writer.h"
#include "yaml_emit.h"

static const char *fixtures = "tests/codegen/fixtures";

/* ---- a model built in code -------------------------------------------- */

static value *put_scalar(node *n, const char *key, const char *text, bool quoted)
{
    value *v = value_map_put(&n->settings, key);
    value_set_scalar(v, text);
    v->quoted = quoted;
    return v;
}

/* Adds node `which` (0..3); reverse_settings inserts settings backwards. */
static void add_demo_node(pipeline *p, int which, bool reverse_settings)
{
    node *n;
    switch (which) {
    case 0:
        n = pipeline_add_node(p, "clicks", NODE_SOURCE, "http");
        n->description = xstrdup("Clicks: raw");
        if (reverse_settings) {
            put_scalar(n, "interval", "30", false);
            put_scalar(n, "method", "GET", false);
            put_scalar(n, "url", "https://x/c", false);
        } else {
            put_scalar(n, "url", "https://x/c", false);
            put_scalar(n, "method", "GET", false);
            put_scalar(n, "interval", "30", false);
        }
        n->has_xy = true;
        n->x = 1, n->y = 2;
        break;
    case 1: {
        n = pipeline_add_node(p, "accounts", NODE_SOURCE, "postgres");
        value *schema = value_map_put(&n->settings, "schema");
        value_init_map(schema);
        value_set_scalar(value_map_put(schema, "name"), "text"); /* column order kept */
        value_set_scalar(value_map_put(schema, "id"), "integer");
        if (reverse_settings) {
            put_scalar(n, "table", "crm.accounts", false);
            put_scalar(n, "connection", "${secret:CRM}", true);
        } else {
            put_scalar(n, "connection", "${secret:CRM}", true);
            put_scalar(n, "table", "crm.accounts", false);
        }
        break;
    }
    case 2:
        n = pipeline_add_node(p, "join", NODE_TRANSFORM, "sql");
        node_add_input(n, "clicks");
        node_add_input(n, "accounts");
        put_scalar(n, "sql", "sql/join.sql", false);
        n->has_xy = true;
        n->x = 20, n->y = 3;
        break;
    case 3:
        n = pipeline_add_node(p, "out", NODE_SINK, "stdout");
        node_add_input(n, "join");
        /* unknown settings keep their own order, after the declared ones */
        put_scalar(n, "colour", "yes", false);
        put_scalar(n, "note", "123", true);
        put_scalar(n, "format", "table", false);
        break;
    }
}

static void build_demo(pipeline *p, const int order[4], bool reverse_settings)
{
    pipeline_init(p);
    p->dir = xstrdup(".");
    p->name = xstrdup("demo");
    p->version = 3;
    p->owner = xstrdup("team-a");
    p->description = xstrdup("Demo: built in code");
    p->tags = xmalloc(2 * sizeof(char *));
    p->tags[p->n_tags++] = xstrdup("x");
    p->tags[p->n_tags++] = xstrdup("true");
    for (int i = 0; i < 4; i++)
        add_demo_node(p, order[i], reverse_settings);
}

static const char demo_yaml[] = "weir: 1\n"
                                "\n"
                                "pipeline:\n"
                                "  name: demo\n"
                                "  version: 3\n"
                                "  owner: team-a\n"
                                "  description: \"Demo: built in code\"\n"
                                "  tags:\n"
                                "    - x\n"
                                "    - \"true\"\n"
                                "\n"
                                "sources:\n"
                                "  accounts:\n"
                                "    type: postgres\n"
                                "    connection: \"${secret:CRM}\"\n"
                                "    table: crm.accounts\n"
                                "    schema:\n"
                                "      name: text\n"
                                "      id: integer\n"
                                "  clicks:\n"
                                "    type: http\n"
                                "    description: \"Clicks: raw\"\n"
                                "    url: https://x/c\n"
                                "    method: GET\n"
                                "    interval: 30\n"
                                "\n"
                                "transforms:\n"
                                "  join:\n"
                                "    type: sql\n"
                                "    inputs:\n"
                                "      - clicks\n"
                                "      - accounts\n"
                                "    sql: sql/join.sql\n"
                                "\n"
                                "sinks:\n"
                                "  out:\n"
                                "    type: stdout\n"
                                "    inputs:\n"
                                "      - join\n"
                                "    format: table\n"
                                "    colour: yes\n"
                                "    note: \"123\"\n";

static const char demo_layout[] = "weir: 1\n"
                                  "\n"
                                  "positions:\n"
                                  "  clicks:\n"
                                  "    x: 1\n"
                                  "    y: 2\n"
                                  "  join:\n"
                                  "    x: 20\n"
                                  "    y: 3\n";

static void test_canonical_from_code(void **state)
{
    (void)state;
    pipeline p;
    build_demo(&p, (const int[]){0, 1, 2, 3}, false);
    char *text = writer_pipeline_yaml(&p);
    assert_string_equal(text, demo_yaml);
    char *layout = writer_layout_yaml(&p);
    assert_string_equal(layout, demo_layout);
    free(text);
    free(layout);
    pipeline_free(&p);
}

static void test_empty_things_omitted(void **state)
{
    (void)state;
    pipeline p;
    pipeline_init(&p);
    p.name = xstrdup("bare");
    p.description = xstrdup(""); /* empty counts as none */
    node *n = pipeline_add_node(&p, "src", NODE_SOURCE, "file");
    node_set_setting(n, "type", "ignored"); /* reserved: cannot be a setting */
    char *text = writer_pipeline_yaml(&p);
    assert_string_equal(text, "weir: 1\n\npipeline:\n  name: bare\n  version: 0\n\n"
                              "sources:\n  src:\n    type: file\n");
    free(text);
    assert_false(writer_has_layout(&p));
    text = writer_layout_yaml(&p);
    assert_string_equal(text, "weir: 1\n");
    free(text);
    pipeline_free(&p);
}

/* Every insertion order of the nodes, settings either way round: one text. */
static void test_determinism(void **state)
{
    (void)state;
    int order[4] = {0, 1, 2, 3};
    size_t runs = 0;
    /* all 24 permutations (Heap's algorithm, iterative) */
    int c[4] = {0, 0, 0, 0};
    for (int i = 0;;) {
        for (int rev = 0; rev < 2; rev++) {
            pipeline p;
            build_demo(&p, order, rev);
            char *a = writer_pipeline_yaml(&p), *b = writer_pipeline_yaml(&p);
            assert_string_equal(a, b);
            assert_string_equal(a, demo_yaml);
            char *la = writer_layout_yaml(&p);
            assert_string_equal(la, demo_layout);
            free(a);
            free(b);
            free(la);
            pipeline_free(&p);
            runs++;
        }
        while (i < 4 && c[i] >= i) {
            c[i] = 0;
            i++;
        }
        if (i >= 4)
            break;
        int j = i % 2 ? c[i] : 0, t = order[j];
        order[j] = order[i];
        order[i] = t;
        c[i]++;
        i = 1;
    }
    assert_int_equal(runs, 48);
}

/* ---- model comparison: it must be able to say "different" ---------------- */

static void test_same_model_detects_changes(void **state)
{
    (void)state;
    pipeline a, b;
    build_demo(&a, (const int[]){0, 1, 2, 3}, false);
    build_demo(&b, (const int[]){3, 2, 1, 0}, true);
    assert_true(writer_same_model(&a, &b, NULL, 0));

    /* quoting that changes nothing: "crm.accounts" quoted or not */
    ((value *)node_setting(pipeline_find(&b, "accounts"), "table"))->quoted = true;
    assert_true(writer_same_model(&a, &b, NULL, 0));
    /* quoting that changes the type: 30 against "30" */
    value *interval = (value *)node_setting(pipeline_find(&b, "clicks"), "interval");
    interval->quoted = true;
    char why[128] = "";
    assert_false(writer_same_model(&a, &b, why, sizeof(why)));
    assert_non_null(strstr(why, "interval"));
    interval->quoted = false;
    assert_true(writer_same_model(&a, &b, NULL, 0));

    node_set_setting(pipeline_find(&b, "out"), "format", "csv");
    assert_false(writer_same_model(&a, &b, NULL, 0));
    node_set_setting(pipeline_find(&b, "out"), "format", "table");
    pipeline_find(&b, "join")->x = 21;
    assert_false(writer_same_model(&a, &b, NULL, 0));
    pipeline_find(&b, "join")->x = 20;
    node_remove_input(pipeline_find(&b, "join"), "accounts");
    assert_false(writer_same_model(&a, &b, NULL, 0));
    pipeline_free(&a);
    pipeline_free(&b);
}

/* ---- fixtures ------------------------------------------------------------ */

static bool load_dir(const char *dir, pipeline *p)
{
    diag_list diags;
    diag_list_init(&diags);
    bool ok = pipeline_load(dir, p, &diags) && diags.n_errors == 0;
    for (size_t i = 0; i < diags.n; i++) {
        char line[512];
        diag_format(&diags.items[i], line, sizeof(line));
        fprintf(stderr, "%s: %s\n", dir, line);
    }
    diag_list_free(&diags);
    return ok;
}

static const char *const canonical[] = {"minimal", "full", "unknown"};

/* A canonical folder: writing changes no byte, and nothing is rewritten. */
static void test_round_trip_canonical(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(canonical) / sizeof(canonical[0]); i++) {
        char *src = xasprintf("%s/canonical/%s", fixtures, canonical[i]);
        char *dir = tu_tempdir();
        tu_copy_files(src, dir);
        pipeline p;
        assert_true(load_dir(dir, &p));
        char *want = tu_read2(dir, "pipeline.yaml");
        char *got = writer_pipeline_yaml(&p);
        assert_string_equal(got, want);
        free(got);
        free(want);
        if (p.has_layout) {
            want = tu_read2(dir, "layout.yaml");
            got = writer_layout_yaml(&p);
            assert_string_equal(got, want);
            free(got);
            free(want);
        }
        ino_t before = tu_inode(dir, "pipeline.yaml");
        char *listing = tu_listing(dir);
        diag_list diags;
        diag_list_init(&diags);
        unsigned changed = 99;
        assert_true(pipeline_save_files(&p, dir, false, &changed, &diags));
        assert_int_equal(changed, 0);
        assert_int_equal(tu_inode(dir, "pipeline.yaml"), before); /* not rewritten */
        char *after = tu_listing(dir);
        assert_string_equal(after, listing);
        free(after);
        free(listing);
        diag_list_free(&diags);
        pipeline_free(&p);
        tu_rmtree(dir);
        free(dir);
        free(src);
    }
}

static const char *const messy[] = {"flow", "comments"};

/* A valid but non-canonical folder gives the expected canonical text, which
 * loads to the same model and is then a fixed point. */
static void test_non_canonical(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(messy) / sizeof(messy[0]); i++) {
        char *src = xasprintf("%s/messy/%s", fixtures, messy[i]);
        char *expected = xasprintf("%s/expected", src);
        char *dir = tu_tempdir();
        tu_copy_files(src, dir);
        char *original = tu_read2(dir, "pipeline.yaml");
        pipeline p;
        assert_true(load_dir(dir, &p));
        diag_list diags;
        diag_list_init(&diags);
        unsigned changed = 0;
        assert_true(pipeline_save_files(&p, dir, true, &changed, &diags)); /* dry run */
        assert_true(changed & WRITER_PIPELINE);
        char *still = tu_read2(dir, "pipeline.yaml");
        assert_string_equal(still, original); /* a dry run writes nothing */
        free(still);
        assert_true(pipeline_save(&p, dir, &diags));
        assert_int_equal(diags.n, 0);

        char *got = tu_read2(dir, "pipeline.yaml");
        char *want = tu_read2(expected, "pipeline.yaml");
        assert_non_null(want);
        assert_string_equal(got, want);
        char *want_layout = tu_read2(expected, "layout.yaml");
        char *got_layout = tu_read2(dir, "layout.yaml");
        if (want_layout)
            assert_string_equal(got_layout, want_layout);
        else
            assert_null(got_layout);

        pipeline back;
        assert_true(load_dir(dir, &back));
        char why[256] = "";
        if (!writer_same_model(&p, &back, why, sizeof(why)))
            fail_msg("%s: canonical text loads to another model: %s", messy[i], why);
        char *again = writer_pipeline_yaml(&back);
        assert_string_equal(again, got);
        changed = 99;
        assert_true(pipeline_save_files(&back, dir, false, &changed, &diags));
        assert_int_equal(changed, 0);

        free(again);
        free(got);
        free(want);
        free(got_layout);
        free(want_layout);
        free(original);
        pipeline_free(&back);
        pipeline_free(&p);
        diag_list_free(&diags);
        tu_rmtree(dir);
        free(dir);
        free(expected);
        free(src);
    }
}

/* ---- random models -------------------------------------------------------- */

static uint32_t rnd_state;

static uint32_t rnd(uint32_t n)
{
    rnd_state = rnd_state * 1103515245u + 12345u;
    return (rnd_state >> 8) % n;
}

/* Text from pieces that YAML treats specially. */
static char *random_text(bool allow_empty)
{
    static const char *const atoms[] = {
        "a",   "orders", "Z",   "0",    "42",    "-1",         "1.5",      " ",
        ": ",  "#",      " #",  "-",    "- ",    "?",          ",",        "[",
        "]",   "{",      "}",   "'",    "\"",    "\\",         "!",        "&",
        "*",   "|",      ">",   "%",    "@",     "`",          ".",        "~",
        "\t",  "\n",     "é",   "☕",    "true",  "no",         "null",     "${env:X}",
        "---", "...",    "1e5", "0x1F", "12:30", "2024-01-31", "\xc2\x85", "\xef\xbb\xbf",
    };
    char buf[256];
    size_t len = 0;
    int parts = (allow_empty ? 0 : 1) + (int)rnd(5);
    for (int i = 0; i < parts; i++) {
        const char *a = atoms[rnd(sizeof(atoms) / sizeof(atoms[0]))];
        size_t n = strlen(a);
        if (len + n >= sizeof(buf))
            break;
        memcpy(buf + len, a, n);
        len += n;
    }
    if (len == 0 && !allow_empty)
        buf[len++] = 'x';
    return xstrndup(buf, len);
}

static void random_scalar(value *v)
{
    char *text = random_text(true);
    value_set_scalar(v, text);
    free(text);
    v->quoted = rnd(2);
    /* A plain scalar that cannot be written plain never comes from a file;
     * when it also looks typed, writing it quoted would change its type. */
    if (!v->quoted && !yaml_plain_safe(v->text, v->len) && yaml_looks_typed(v->text, v->len))
        v->quoted = true;
}

static void random_value(value *v, int depth)
{
    uint32_t kind = depth > 3 ? 0 : rnd(4);
    if (kind <= 1) {
        random_scalar(v);
    } else if (kind == 2) {
        value_init_list(v);
        for (uint32_t i = rnd(4); i > 0; i--)
            random_value(value_list_push(v), depth + 1);
    } else {
        value_init_map(v);
        for (uint32_t i = rnd(4); i > 0; i--) {
            char *key = random_text(true);
            if (!value_map_get(v, key)) {
                random_value(value_map_put(v, key), depth + 1);
                v->keys[v->n - 1].quoted = rnd(2);
            }
            free(key);
        }
    }
}

static void random_model(pipeline *p)
{
    static const char *const types[NODE_KIND_COUNT][3] = {
        {"kafka", "file", "queue"}, {"sql", "lua", "wasm"}, {"stdout", "postgres", "s3"}};
    pipeline_init(p);
    p->dir = xstrdup(".");
    p->name = random_text(false);
    p->version = rnd(1000000);
    if (rnd(2))
        p->owner = random_text(true);
    if (rnd(2))
        p->description = random_text(true);
    p->n_tags = rnd(3);
    p->tags = xcalloc(p->n_tags + 1, sizeof(char *));
    for (size_t i = 0; i < p->n_tags; i++)
        p->tags[i] = random_text(true);
    p->has_layout = rnd(2);
    uint32_t n_nodes = rnd(8);
    for (uint32_t i = 0; i < n_nodes; i++) {
        char *raw = random_text(true);
        char *id = xasprintf("%s%u", raw, i); /* unique */
        free(raw);
        node_kind kind = (node_kind)rnd(NODE_KIND_COUNT);
        node *n = pipeline_add_node(p, id, kind, types[kind][rnd(3)]);
        free(id);
        if (rnd(2))
            n->description = random_text(true);
        for (uint32_t k = rnd(3); k > 0 && kind != NODE_SOURCE; k--) {
            char *in = random_text(false);
            node_add_input(n, in);
            free(in);
        }
        for (uint32_t k = rnd(5); k > 0; k--) {
            const node_type *t = node_type_find(kind, n->type);
            char *key = t && rnd(2) ? xstrdup(t->settings[rnd((uint32_t)t->n_settings)].name)
                                    : random_text(true);
            if (strcmp(key, "type") && strcmp(key, "description") && strcmp(key, "inputs") &&
                !value_map_get(&n->settings, key)) {
                random_value(value_map_put(&n->settings, key), 1);
                n->settings.keys[n->settings.n - 1].quoted = rnd(2);
            }
            free(key);
        }
        if (rnd(2)) {
            n->has_xy = true;
            n->x = (int)rnd(1000001);
            n->y = (int)rnd(1000001);
        }
    }
}

/* Whatever the model holds, its text loads back to the same model, and
 * writing that gives the same bytes. */
static void test_random_models_round_trip(void **state)
{
    (void)state;
    rnd_state = 7;
    for (int round = 0; round < 500; round++) {
        pipeline p;
        random_model(&p);
        char *text = writer_pipeline_yaml(&p);
        char *layout = writer_layout_yaml(&p);
        pipeline back;
        diag_list diags;
        diag_list_init(&diags);
        bool ok = pipeline_load_buffer(text, strlen(text), ".", &back, &diags);
        if (ok && writer_has_layout(&p))
            pipeline_load_layout_buffer(layout, strlen(layout), &back, &diags);
        if (!ok || diags.n) {
            char line[512] = "";
            if (diags.n)
                diag_format(&diags.items[0], line, sizeof(line));
            fail_msg("round %d: the text does not load cleanly: %s\n%s", round, line, text);
        }
        char why[256] = "";
        if (!writer_same_model(&p, &back, why, sizeof(why)))
            fail_msg("round %d: loads to another model: %s\n%s", round, why, text);
        char *again = writer_pipeline_yaml(&back), *again_layout = writer_layout_yaml(&back);
        assert_string_equal(again, text);
        assert_string_equal(again_layout, layout);
        free(again);
        free(again_layout);
        free(text);
        free(layout);
        diag_list_free(&diags);
        pipeline_free(&back);
        pipeline_free(&p);
    }
}

/* ---- pipeline_save: atomic, confined ----------------------------------- */

static void test_save_leaves_no_temp_files(void **state)
{
    (void)state;
    char *dir = tu_tempdir();
    pipeline p;
    build_demo(&p, (const int[]){0, 1, 2, 3}, false);
    diag_list diags;
    diag_list_init(&diags);
    unsigned changed = 0;
    assert_true(pipeline_save_files(&p, dir, false, &changed, &diags));
    assert_int_equal(changed, WRITER_PIPELINE | WRITER_LAYOUT);
    char *listing = tu_listing(dir);
    assert_string_equal(listing, "layout.yaml pipeline.yaml");
    free(listing);
    char *text = tu_read2(dir, "pipeline.yaml");
    assert_string_equal(text, demo_yaml);
    free(text);

    /* a change rewrites only the file it touches */
    ino_t layout_ino = tu_inode(dir, "layout.yaml");
    node_set_setting(pipeline_find(&p, "out"), "format", "csv");
    assert_true(pipeline_save_files(&p, dir, false, &changed, &diags));
    assert_int_equal(changed, WRITER_PIPELINE);
    assert_int_equal(tu_inode(dir, "layout.yaml"), layout_ino);
    listing = tu_listing(dir);
    assert_string_equal(listing, "layout.yaml pipeline.yaml");
    free(listing);
    diag_list_free(&diags);
    pipeline_free(&p);
    tu_rmtree(dir);
    free(dir);
}

static void test_save_failure_keeps_old_file(void **state)
{
    (void)state;
    char *dir = tu_tempdir();
    pipeline p;
    build_demo(&p, (const int[]){0, 1, 2, 3}, false);
    diag_list diags;
    diag_list_init(&diags);
    assert_true(pipeline_save(&p, dir, &diags));
    chmod(dir, 0555);
    /* root ignores folder permissions: then this case cannot be staged */
    char *probe = xasprintf("%s/probe", dir);
    int fd = open(probe, O_WRONLY | O_CREAT, 0600);
    if (fd >= 0) {
        close(fd);
        unlink(probe);
        free(probe);
        chmod(dir, 0700);
        diag_list_free(&diags);
        pipeline_free(&p);
        tu_rmtree(dir);
        free(dir);
        skip();
    }
    free(probe);
    node_set_setting(pipeline_find(&p, "out"), "format", "csv");
    assert_false(pipeline_save(&p, dir, &diags));
    assert_true(diags.n_errors > 0);
    chmod(dir, 0700);
    char *text = tu_read2(dir, "pipeline.yaml");
    assert_string_equal(text, demo_yaml);
    free(text);
    char *listing = tu_listing(dir);
    assert_string_equal(listing, "layout.yaml pipeline.yaml");
    free(listing);
    diag_list_free(&diags);
    pipeline_free(&p);
    tu_rmtree(dir);
    free(dir);
}

/* A write that fails half way (the file size limit, which binds root too):
 * the old file stays whole and no temporary file is left behind. */
static void test_save_failure_midway_keeps_old_file(void **state)
{
    (void)state;
    char *dir = tu_tempdir();
    pipeline p;
    build_demo(&p, (const int[]){0, 1, 2, 3}, false);
    diag_list diags;
    diag_list_init(&diags);
    assert_true(pipeline_save(&p, dir, &diags));
    node_set_setting(pipeline_find(&p, "out"), "format", "csv");
    pid_t pid = fork();
    if (pid == 0) {
        signal(SIGXFSZ, SIG_IGN);
        struct rlimit lim = {64, 64};
        setrlimit(RLIMIT_FSIZE, &lim);
        _exit(pipeline_save(&p, dir, &diags) ? 0 : 3);
    }
    int status;
    waitpid(pid, &status, 0);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 3); /* the save reported failure */
    char *text = tu_read2(dir, "pipeline.yaml");
    assert_string_equal(text, demo_yaml);
    free(text);
    char *listing = tu_listing(dir);
    assert_string_equal(listing, "layout.yaml pipeline.yaml");
    free(listing);
    diag_list_free(&diags);
    pipeline_free(&p);
    tu_rmtree(dir);
    free(dir);
}

/* pipeline.yaml and layout.yaml as symlinks leading out, or as folders:
 * refused, and nothing outside the pipeline folder changes. */
static void test_save_never_writes_outside(void **state)
{
    (void)state;
    char *outer = tu_tempdir();
    char *dir = xasprintf("%s/pipe", outer);
    assert_int_equal(mkdir(dir, 0700), 0);
    tu_write(outer, "victim.yaml", "precious\n");
    char *victim = xasprintf("%s/victim.yaml", outer);
    char *link = xasprintf("%s/pipeline.yaml", dir);
    assert_int_equal(symlink(victim, link), 0);
    char *outer_before = tu_listing(outer);

    pipeline p;
    build_demo(&p, (const int[]){0, 1, 2, 3}, false);
    diag_list diags;
    diag_list_init(&diags);
    assert_false(pipeline_save(&p, dir, &diags));
    assert_true(diags.n_errors > 0);
    char *text = tu_read(victim);
    assert_string_equal(text, "precious\n");
    free(text);
    char *outer_after = tu_listing(outer);
    assert_string_equal(outer_after, outer_before);
    free(outer_after);

    /* the same through layout.yaml */
    unlink(link);
    char *layout = xasprintf("%s/layout.yaml", dir);
    assert_int_equal(symlink(victim, layout), 0);
    diag_list_clear(&diags);
    assert_false(pipeline_save(&p, dir, &diags));
    text = tu_read(victim);
    assert_string_equal(text, "precious\n");
    free(text);
    outer_after = tu_listing(outer);
    assert_string_equal(outer_after, outer_before);
    free(outer_after);

    /* a folder where the file should be */
    unlink(layout);
    unlink(link);
    assert_int_equal(mkdir(link, 0700), 0);
    diag_list_clear(&diags);
    assert_false(pipeline_save(&p, dir, &diags));
    assert_true(fs_is_dir(link));

    /* a pipeline folder that does not exist is not created */
    char *missing = xasprintf("%s/nope", outer);
    diag_list_clear(&diags);
    assert_false(pipeline_save(&p, missing, &diags));
    assert_false(fs_exists(missing));

    free(missing);
    free(outer_before);
    free(layout);
    free(link);
    free(victim);
    diag_list_free(&diags);
    pipeline_free(&p);
    tu_rmtree(outer);
    free(dir);
    free(outer);
}

int main(int argc, char **argv)
{
    if (argc > 1)
        fixtures = argv[1];
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_canonical_from_code),
        cmocka_unit_test(test_empty_things_omitted),
        cmocka_unit_test(test_determinism),
        cmocka_unit_test(test_same_model_detects_changes),
        cmocka_unit_test(test_random_models_round_trip),
        cmocka_unit_test(test_round_trip_canonical),
        cmocka_unit_test(test_non_canonical),
        cmocka_unit_test(test_save_leaves_no_temp_files),
        cmocka_unit_test(test_save_failure_keeps_old_file),
        cmocka_unit_test(test_save_failure_midway_keeps_old_file),
        cmocka_unit_test(test_save_never_writes_outside),
    };
    return cmocka_run_group_tests_name("codegen_writer", tests, NULL, NULL);
}
