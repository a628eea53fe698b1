/* Tests for comments surviving load -> write (core/comments.c, the writer):
 * canonical text with comments everywhere round-trips byte for byte;
 * comments in other places land where docs/format.md says and are then a
 * fixed point; '#' inside scalars is never a comment; copies keep
 * comments; validation skips them; hostile inputs still behave.
 * argv[1]: the weir binary; argv[2]: fuzz/corpus/load. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "comments.h"
#include "fsutil.h"
#include "load.h"
#include "model.h"
#include "testutil.h"
#include "validate.h"
#include "writer.h"
#include "yaml_read.h"

static const char *weir = "weir";
static const char *corpus = "fuzz/corpus/load";

/* ---- helpers ------------------------------------------------------------ */

/* Load text (and layout text, if any) as fmt and the canvas do; no errors. */
static void load_text(const char *yaml, const char *layout, pipeline *p)
{
    diag_list diags;
    diag_list_init(&diags);
    assert_true(pipeline_load_buffer(yaml, strlen(yaml), ".", p, &diags));
    if (layout)
        pipeline_load_layout_buffer(layout, strlen(layout), p, &diags);
    for (size_t i = 0; i < diags.n; i++)
        if (diags.items[i].severity == DIAG_ERROR)
            fail_msg("unexpected error at %d:%d: %s", diags.items[i].line, diags.items[i].col,
                     diags.items[i].message);
    diag_list_free(&diags);
}

/* Load, write; the written text is then a fixed point, and holds exactly
 * as many comment lines as the input. */
static void format_text(const char *yaml, const char *layout, char **out, char **out_layout)
{
    pipeline p;
    load_text(yaml, layout, &p);
    *out = writer_pipeline_yaml(&p);
    *out_layout = layout ? writer_layout_yaml(&p) : NULL;
    pipeline_free(&p);

    assert_int_equal(comments_count(*out, strlen(*out)), comments_count(yaml, strlen(yaml)));
    if (layout)
        assert_int_equal(comments_count(*out_layout, strlen(*out_layout)),
                         comments_count(layout, strlen(layout)));
    pipeline back;
    load_text(*out, *out_layout, &back);
    char *again = writer_pipeline_yaml(&back);
    assert_string_equal(again, *out);
    free(again);
    if (layout) {
        again = writer_layout_yaml(&back);
        assert_string_equal(again, *out_layout);
        free(again);
    }
    pipeline_free(&back);
}

/* The comment of key `key` in map v (NULL when none). */
static const char *key_comment(const value *v, const char *key)
{
    for (size_t i = 0; v && v->kind == VALUE_MAP && i < v->n; i++)
        if (strcmp(v->keys[i].text, key) == 0)
            return v->keys[i].comment;
    fail_msg("no key '%s'", key);
    return NULL;
}

/* ---- canonical text: byte for byte -------------------------------------- */

/* Comments above every kind of key the model has: the file's head, the
 * metadata, sections, node ids, type, description, inputs, settings,
 * nested keys, the first key of a list item (above its dash), the tail. */
static const char CANONICAL[] =
    "# The orders pipeline.\n"
    "#\n"
    "#   indented text, kept as written\n"
    "weir: 1\n"
    "\n"
    "# metadata\n"
    "pipeline:\n"
    "  # the name\n"
    "  name: orders\n"
    "  # bumped by weir commit\n"
    "  version: 7\n"
    "  #owner, no space after the hash\n"
    "  owner: team-payments\n"
    "  # what it is\n"
    "  description: \"Orders enriched with customer data # not a comment\"\n"
    "  # tags\n"
    "  tags:\n"
    "    - orders\n"
    "    - pii\n"
    "\n"
    "# where data comes from\n"
    "sources:\n"
    "  # the CRM\n"
    "  customers:\n"
    "    # type\n"
    "    type: postgres\n"
    "    # the DSN is a secret\n"
    "    connection: \"${secret:CRM_DSN}\"\n"
    "    table: crm.customers\n"
    "    sample: samples/customers.csv\n"
    "    # columns\n"
    "    schema:\n"
    "      # the key\n"
    "      customer_id: integer\n"
    "      name: text\n"
    "  orders:\n"
    "    type: kafka\n"
    "    # shown on the canvas\n"
    "    description: Web shop orders\n"
    "    brokers: kafka-1:9092\n"
    "    topic: orders.v1\n"
    "    format: json\n"
    "    sample: samples/orders.jsonl\n"
    "\n"
    "transforms:\n"
    "  enrich:\n"
    "    type: sql\n"
    "    # inputs, in order\n"
    "    inputs:\n"
    "      - orders\n"
    "      - customers\n"
    "    sql: sql/enrich.sql\n"
    "    # an unknown setting keeps its comments\n"
    "    mystery:\n"
    "      # first key of a list item\n"
    "      - name: a\n"
    "        # second key\n"
    "        kind: b\n"
    "      - name: c\n"
    "    grid:\n"
    "      # deep first key\n"
    "      - - k: v\n"
    "        - w\n"
    "    url: http://x/#frag\n"
    "\n"
    "# where it goes\n"
    "sinks:\n"
    "  warehouse:\n"
    "    type: postgres\n"
    "    inputs:\n"
    "      - enrich\n"
    "    connection: \"${secret:WAREHOUSE_DSN}\"\n"
    "    table: analytics.orders\n"
    "    mode: upsert\n"
    "    # upsert key\n"
    "    key:\n"
    "      - order_id\n"
    "\n"
    "# the end\n"
    "#\ta tab, kept\n";

static const char CANONICAL_LAYOUT[] = "# layout head\n"
                                       "weir: 1\n"
                                       "\n"
                                       "# positions\n"
                                       "positions:\n"
                                       "  # the CRM box\n"
                                       "  customers:\n"
                                       "    x: 2\n"
                                       "    y: 8\n"
                                       "  orders:\n"
                                       "    x: 2\n"
                                       "    y: 2\n"
                                       "\n"
                                       "# layout tail\n";

static void test_canonical_round_trip(void **state)
{
    (void)state;
    char *out, *layout;
    format_text(CANONICAL, CANONICAL_LAYOUT, &out, &layout);
    assert_string_equal(out, CANONICAL);
    assert_string_equal(layout, CANONICAL_LAYOUT);
    free(out);
    free(layout);

    /* And where the comments went in the model. */
    pipeline p;
    load_text(CANONICAL, CANONICAL_LAYOUT, &p);
    assert_string_equal(p.head_comment,
                        " The orders pipeline.\n\n   indented text, kept as written");
    assert_string_equal(p.pipeline_comment, " metadata");
    assert_string_equal(p.meta_comment[META_OWNER], "owner, no space after the hash");
    assert_string_equal(p.section_comment[NODE_SOURCE], " where data comes from");
    assert_null(p.section_comment[NODE_TRANSFORM]);
    assert_string_equal(p.tail_comment, " the end\n\ta tab, kept");
    const node *n = pipeline_find(&p, "customers");
    assert_string_equal(n->comment, " the CRM");
    assert_string_equal(n->type_comment, " type");
    assert_string_equal(n->layout_comment, " the CRM box");
    assert_string_equal(key_comment(&n->settings, "connection"), " the DSN is a secret");
    assert_string_equal(key_comment(node_setting(n, "schema"), "customer_id"), " the key");
    assert_string_equal(pipeline_find(&p, "orders")->description_comment, " shown on the canvas");
    assert_string_equal(pipeline_find(&p, "enrich")->inputs_comment, " inputs, in order");
    assert_string_equal(p.layout_head_comment, " layout head");
    assert_string_equal(p.layout_positions_comment, " positions");
    assert_string_equal(p.layout_tail_comment, " layout tail");
    assert_int_equal(pipeline_comment_lines(&p, false),
                     comments_count(CANONICAL, strlen(CANONICAL)));
    assert_int_equal(pipeline_comment_lines(&p, true), 4);
    pipeline_free(&p);
}

/* ---- other placements: the documented canonical result ------------------ */

static const char MESSY[] = "--- # document start\n"
                            "# above weir\n"
                            "weir: 1 # eol on weir\n"
                            "pipeline: {name: clicks, version: 3, owner: ~}   # flow meta\n"
                            "sinks:\n"
                            "  out:\n"
                            "    inputs: [agg]  # one input\n"
                            "    type: stdout\n"
                            "# between sections\n"
                            "sources:\n"
                            "  clicks:\n"
                            "    url: \"http://x/a # not a comment\"   # after a quoted string\n"
                            "    type: http\n"
                            "    token: '${env:T} # not either'\n"
                            "    # this one is\n"
                            "    interval: 30\n"
                            "  hook:   # eol on id\n"
                            "    type: http\n"
                            "    url: http://x/#frag\n"
                            "    method: GET#not\n"
                            "    description: |  # header comment\n"
                            "      # not a comment\n"
                            "      text\n"
                            "    format: >-\n"
                            "      folded # not\n"
                            "      too\n"
                            "  # between nodes\n"
                            "transforms:\n"
                            "  agg:\n"
                            "    type: sql\n"
                            "    inputs:\n"
                            "      # above first input\n"
                            "      - clicks # eol first\n"
                            "      # between inputs\n"
                            "      - hook\n"
                            "      # after the last input\n"
                            "    sql: sql/agg.sql\n"
                            "# the end\n"
                            "... # after end marker\n"
                            "# really the end\n";

/* Each comment above its key; an omitted key's (owner: ~) goes to the
 * next key written; the order of comments is kept. */
static const char MESSY_CANONICAL[] = "# document start\n"
                                      "# above weir\n"
                                      "# eol on weir\n"
                                      "weir: 1\n"
                                      "\n"
                                      "pipeline:\n"
                                      "  name: clicks\n"
                                      "  version: 3\n"
                                      "\n"
                                      "# flow meta\n"
                                      "# between sections\n"
                                      "sources:\n"
                                      "  clicks:\n"
                                      "    type: http\n"
                                      "    # after a quoted string\n"
                                      "    url: \"http://x/a # not a comment\"\n"
                                      "    # this one is\n"
                                      "    interval: 30\n"
                                      "    token: \"${env:T} # not either\"\n"
                                      "  # eol on id\n"
                                      "  hook:\n"
                                      "    type: http\n"
                                      "    # header comment\n"
                                      "    description: \"# not a comment\\ntext\\n\"\n"
                                      "    url: http://x/#frag\n"
                                      "    method: GET#not\n"
                                      "    format: \"folded # not too\"\n"
                                      "\n"
                                      "# between nodes\n"
                                      "transforms:\n"
                                      "  agg:\n"
                                      "    type: sql\n"
                                      "    # above first input\n"
                                      "    # eol first\n"
                                      "    # between inputs\n"
                                      "    inputs:\n"
                                      "      - clicks\n"
                                      "      - hook\n"
                                      "    # after the last input\n"
                                      "    sql: sql/agg.sql\n"
                                      "\n"
                                      "sinks:\n"
                                      "  out:\n"
                                      "    type: stdout\n"
                                      "    # one input\n"
                                      "    inputs:\n"
                                      "      - agg\n"
                                      "\n"
                                      "# the end\n"
                                      "# after end marker\n"
                                      "# really the end\n";

static void test_non_canonical_placements(void **state)
{
    (void)state;
    char *out, *layout;
    format_text(MESSY, NULL, &out, &layout);
    assert_string_equal(out, MESSY_CANONICAL);
    free(out);

    /* The same with CR LF line ends. */
    strbuf crlf;
    strbuf_init(&crlf);
    for (const char *c = MESSY; *c; c++) {
        if (*c == '\n')
            strbuf_puts(&crlf, "\r\n");
        else
            strbuf_putc(&crlf, *c);
    }
    format_text(crlf.data, NULL, &out, &layout);
    assert_string_equal(out, MESSY_CANONICAL);
    free(out);
    strbuf_free(&crlf);
}

/* Layout: end-of-line comments, comments of x and y (folded above the id),
 * of a position for no node (kept under positions:), key order. */
static void test_layout_placements(void **state)
{
    (void)state;
    const char *yaml = "weir: 1\npipeline: {name: p}\nsources:\n  a: {type: file}\n"
                       "  b: {type: file}\n";
    const char *layout = "positions:  # pos\n"
                         "  b: {x: 1, y: 2}  # b eol\n"
                         "  ghost:\n"
                         "    # ghost x\n"
                         "    x: 5\n"
                         "    y: 6\n"
                         "  a:\n"
                         "    x: 3\n"
                         "    # a y\n"
                         "    y: 4\n"
                         "weir: 1 # version\n"
                         "# tail\n";
    const char *want = "# version\n"
                       "weir: 1\n"
                       "\n"
                       "# pos\n"
                       "# ghost x\n"
                       "positions:\n"
                       "  # a y\n"
                       "  a:\n"
                       "    x: 3\n"
                       "    y: 4\n"
                       "  # b eol\n"
                       "  b:\n"
                       "    x: 1\n"
                       "    y: 2\n"
                       "\n"
                       "# tail\n";
    char *out, *out_layout;
    format_text(yaml, layout, &out, &out_layout);
    assert_string_equal(out_layout, want);
    free(out);
    free(out_layout);
}

/* The rule itself, on the value tree yaml_read builds. */
static void test_attach_rule(void **state)
{
    (void)state;
    const char *text = "# a1\n"
                       "a: 1 # a2\n"
                       "b:\n"
                       "  - x # b1\n"
                       "  # b2\n"
                       "  - y\n"
                       "#c1   \n"
                       "c: \"q # not\"\n"
                       "d: |  # d1\n"
                       "  # not\n"
                       "e: x#y\n"
                       "f: 'it''s # not'\n"
                       "g: [1, 2] #g1\n"
                       "h:\n"
                       "  i: 1\n"
                       "  # above j\n"
                       "  j: 2 # j1\n"
                       "# tail  \n"
                       "#\n";
    value root;
    diag_list diags;
    diag_list_init(&diags);
    assert_true(yaml_read_buffer_comments(text, strlen(text), "t.yaml", &root, &diags));
    assert_int_equal(diags.n, 0);
    assert_string_equal(key_comment(&root, "a"), " a1\n a2");
    assert_string_equal(key_comment(&root, "b"), " b1\n b2");
    assert_string_equal(key_comment(&root, "c"), "c1");
    assert_string_equal(key_comment(&root, "d"), " d1");
    assert_null(key_comment(&root, "e"));
    assert_null(key_comment(&root, "f"));
    assert_string_equal(key_comment(&root, "g"), "g1");
    assert_null(key_comment(&root, "h"));
    assert_null(key_comment(value_map_get(&root, "h"), "i"));
    assert_string_equal(key_comment(value_map_get(&root, "h"), "j"), " above j\n j1");
    assert_string_equal(root.comment, " tail\n");
    assert_string_equal(value_map_get(&root, "c")->text, "q # not");
    assert_string_equal(value_map_get(&root, "d")->text, "# not\n");
    assert_string_equal(value_map_get(&root, "e")->text, "x#y");
    assert_int_equal(comments_count(text, strlen(text)), 11);

    /* value_copy keeps comments; value_equal ignores them. */
    value copy;
    value_copy(&copy, &root);
    assert_string_equal(key_comment(&copy, "a"), " a1\n a2");
    free(copy.keys[0].comment);
    copy.keys[0].comment = NULL;
    assert_true(value_equal(&copy, &root));
    value_free(&copy);
    value_free(&root);

    /* Without the comments pass, none; with no '#', none either. */
    assert_true(yaml_read_buffer(text, strlen(text), "t.yaml", &root, &diags));
    assert_null(key_comment(&root, "a"));
    assert_null(root.comment);
    value_free(&root);
    assert_true(yaml_read_buffer_comments("a: 1\n", 5, "t.yaml", &root, &diags));
    assert_null(key_comment(&root, "a"));
    value_free(&root);
    /* A byte order mark is skipped by both passes alike. */
    const char *bom = "\xEF\xBB\xBF# c\na: 1 # d\n";
    assert_true(yaml_read_buffer_comments(bom, strlen(bom), "t.yaml", &root, &diags));
    assert_string_equal(key_comment(&root, "a"), " c\n d");
    value_free(&root);
    diag_list_free(&diags);
}

/* Keys the canonical form leaves out pass their comments on; built in code,
 * as the canvas would leave a model. */
static void test_omitted_keys_carry(void **state)
{
    (void)state;
    pipeline p;
    pipeline_init(&p);
    p.name = xstrdup("p");
    p.version = 1;
    p.meta_comment[META_TAGS] = xstrdup(" tags went");
    p.section_comment[NODE_TRANSFORM] = xstrdup(" no transforms");
    node *n = pipeline_add_node(&p, "a", NODE_SOURCE, "file");
    n->description_comment = xstrdup(" description went");
    n->inputs_comment = xstrdup(" inputs went");
    node_set_setting(n, "path", "x");
    n->settings.keys[0].comment = xstrdup(" path");
    n->layout_comment = xstrdup(" unplaced");
    p.has_layout = true;
    char *out = writer_pipeline_yaml(&p);
    assert_string_equal(out, "weir: 1\n"
                             "\n"
                             "pipeline:\n"
                             "  name: p\n"
                             "  version: 1\n"
                             "\n"
                             "# tags went\n"
                             "sources:\n"
                             "  a:\n"
                             "    type: file\n"
                             "    # description went\n"
                             "    # inputs went\n"
                             "    # path\n"
                             "    path: x\n"
                             "\n"
                             "# no transforms\n");
    free(out);
    out = writer_layout_yaml(&p);
    assert_string_equal(out, "weir: 1\n\n# unplaced\n");
    free(out);

    /* Copies keep every comment (the canvas copies nodes to edit them). */
    pipeline copy;
    pipeline_copy(&copy, &p);
    assert_string_equal(copy.meta_comment[META_TAGS], " tags went");
    assert_string_equal(copy.section_comment[NODE_TRANSFORM], " no transforms");
    node nc;
    node_copy(&nc, &p.nodes[0]);
    assert_string_equal(nc.description_comment, " description went");
    assert_string_equal(nc.inputs_comment, " inputs went");
    assert_string_equal(nc.layout_comment, " unplaced");
    assert_string_equal(nc.settings.keys[0].comment, " path");
    assert_ptr_not_equal(nc.layout_comment, p.nodes[0].layout_comment);
    node_free(&nc);
    char *a = writer_pipeline_yaml(&p), *b = writer_pipeline_yaml(&copy);
    assert_string_equal(a, b);
    free(a);
    free(b);
    pipeline_free(&copy);
    pipeline_free(&p);
}

/* A comment made in code with line breaks of every kind and characters
 * YAML refuses still gives text that loads, a fixed point. */
static void test_comment_made_in_code(void **state)
{
    (void)state;
    pipeline p;
    pipeline_init(&p);
    p.name = xstrdup("p");
    p.head_comment = xstrdup(" a\rb\r\nc\xC2\x85"
                             "d\xE2\x80\xA8"
                             "e \x01\x7F\xC2\x80\xFF|\tf");
    char *out = writer_pipeline_yaml(&p);
    assert_string_equal(out,
                        "# a\n#b\n#c\n#d\n#e \xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD|\tf\n"
                        "weir: 1\n\npipeline:\n  name: p\n  version: 0\n");
    char *again, *layout;
    format_text(out, NULL, &again, &layout);
    assert_string_equal(again, out);
    free(again);
    free(out);
    pipeline_free(&p);
}

/* ---- hostile input ------------------------------------------------------- */

/* Many comments on one key stay linear (appends double their buffer), and
 * odd line breaks (CR alone, NEL, LS, PS) end comments as libyaml's do. */
static void test_many_and_odd_comments(void **state)
{
    (void)state;
    strbuf sb;
    strbuf_init(&sb);
    strbuf_puts(&sb, "weir: 1\npipeline:\n  name: p\n");
    for (int i = 0; i < 200000; i++)
        strbuf_puts(&sb, "#\n");
    strbuf_puts(&sb, "sources: {}\n");
    pipeline p;
    load_text(sb.data, NULL, &p);
    assert_int_equal(comment_lines(p.section_comment[NODE_SOURCE]), 200000);
    pipeline_free(&p);
    strbuf_free(&sb);

    /* 100,000 positions for no node, each with a comment: all kept above
     * positions:, gathered in linear time (appending one by one to a
     * string would copy it 100,000 times). */
    strbuf_init(&sb);
    strbuf_puts(&sb, "weir: 1\npositions:\n");
    for (int i = 0; i < 100000; i++)
        strbuf_printf(&sb, "  # ghost %d\n  g%d: {x: 1, y: 1}\n", i, i);
    diag_list diags;
    diag_list_init(&diags);
    load_text("weir: 1\npipeline: {name: p}\n", NULL, &p);
    pipeline_load_layout_buffer(sb.data, sb.len, &p, &diags);
    assert_int_equal(diags.n_errors, 0);
    assert_int_equal(comment_lines(p.layout_positions_comment), 100000);
    pipeline_free(&p);
    diag_list_free(&diags);
    strbuf_free(&sb);

    /* A root that is not a mapping (an error): its comments stay, at the
     * end, and the loader's check that it kept them all holds. */
    const char *list = "# c\n- a: 1 # d\n";
    diag_list_init(&diags);
    assert_true(pipeline_load_buffer(list, strlen(list), ".", &p, &diags));
    assert_true(diags.n_errors > 0);
    for (size_t k = 0; k < diags.n; k++)
        assert_null(strstr(diags.items[k].message, "could not keep every comment"));
    assert_string_equal(p.tail_comment, " c\n d");
    pipeline_free(&p);
    diag_list_free(&diags);

    const char *odd = "weir: 1 # cr\rpipeline: # nel\xC2\x85  name: p # ls\xE2\x80\xA8"
                      "# ps\xE2\x80\xA9sources: {}\n";
    size_t n = comments_count(odd, strlen(odd));
    assert_int_equal(n, 4);
    char *out, *layout;
    format_text(odd, NULL, &out, &layout);
    free(out);
}

/* Every file of the fuzz corpus: loads (with comments) or fails cleanly;
 * what loads is written, reloaded, and keeps its comment lines. */
static void test_fuzz_corpus(void **state)
{
    (void)state;
    struct dirent **names;
    int n = scandir(corpus, &names, NULL, alphasort);
    if (n < 0)
        skip();
    int loaded = 0;
    for (int i = 0; i < n; i++) {
        char *path = xasprintf("%s/%s", corpus, names[i]->d_name);
        char *text = NULL, err[256];
        size_t len = 0;
        bool ok = names[i]->d_name[0] != '.' &&
                  fs_read_file(path, 64 * 1024 * 1024, &text, &len, err, sizeof(err)) == 0;
        free(path);
        free(names[i]);
        if (!ok)
            continue;
        pipeline p;
        diag_list diags;
        diag_list_init(&diags);
        if (pipeline_load_buffer(text, len, ".", &p, &diags)) {
            pipeline_load_layout_buffer(text, len, &p, &diags);
            /* the loader's own check that the model kept every comment */
            for (size_t k = 0; k < diags.n; k++)
                assert_null(strstr(diags.items[k].message, "could not keep every comment"));
            char *out = writer_pipeline_yaml(&p);
            pipeline back;
            diag_list d2;
            diag_list_init(&d2);
            assert_true(pipeline_load_buffer(out, strlen(out), ".", &back, &d2));
            assert_int_equal(pipeline_comment_lines(&back, false),
                             pipeline_comment_lines(&p, false));
            pipeline_free(&back);
            diag_list_free(&d2);
            free(out);
            loaded++;
        }
        pipeline_free(&p);
        diag_list_free(&diags);
        free(text);
    }
    free(names);
    assert_true(loaded > 0);
}

/* ---- the commands --------------------------------------------------------- */

static int run(char **out, char **err, const char *a1, const char *a2, const char *a3)
{
    char *argv[] = {(char *)weir, (char *)a1, (char *)a2, (char *)a3, NULL};
    return tu_run(argv, out, err);
}

static void test_fmt_and_validate(void **state)
{
    (void)state;
    char *dir = tu_tempdir();
    tu_write(dir, "pipeline.yaml", MESSY);
    char *out, *err;
    assert_int_equal(run(&out, &err, "fmt", "--check", dir), 1);
    assert_string_equal(err, "");
    free(out);
    free(err);
    assert_int_equal(run(&out, &err, "fmt", dir, NULL), 0);
    assert_string_equal(err, "");
    free(out);
    free(err);
    char *now = tu_read2(dir, "pipeline.yaml");
    assert_string_equal(now, MESSY_CANONICAL);
    free(now);
    assert_int_equal(run(&out, &err, "fmt", "--check", dir), 0);
    assert_string_equal(out, "");
    free(out);
    free(err);

    /* validate reads past comments (it skips the comment pass) */
    tu_write(dir, "pipeline.yaml", CANONICAL);
    tu_write(dir, "layout.yaml", CANONICAL_LAYOUT);
    assert_int_equal(run(&out, &err, "validate", dir, NULL), 1); /* files missing etc. */
    assert_false(strstr(out, "comment") || strstr(err, "comment"));
    free(out);
    free(err);
    assert_int_equal(run(&out, &err, "fmt", "--check", dir), 0);
    assert_string_equal(out, "");
    free(out);
    free(err);

    pipeline p;
    diag_list diags;
    diag_list_init(&diags);
    pipeline_check_folder(dir, &p, &diags);
    assert_null(p.head_comment);
    assert_null(p.layout_head_comment);
    assert_int_equal(pipeline_comment_lines(&p, false), 0);
    pipeline_free(&p);
    diag_list_free(&diags);
    diag_list_init(&diags);
    assert_true(pipeline_load(dir, &p, &diags));
    assert_non_null(p.head_comment);
    assert_non_null(p.layout_head_comment);
    pipeline_free(&p);
    const load_options skip = {.skip_comments = true};
    assert_true(pipeline_load_buffer_with(CANONICAL, strlen(CANONICAL), ".", &skip, &p, &diags));
    pipeline_load_layout_buffer_with(CANONICAL_LAYOUT, strlen(CANONICAL_LAYOUT), &skip, &p, &diags);
    assert_int_equal(pipeline_comment_lines(&p, false) + pipeline_comment_lines(&p, true), 0);
    pipeline_free(&p);
    diag_list_free(&diags);
    tu_rmtree(dir);
    free(dir);
}

int main(int argc, char **argv)
{
    if (argc > 1)
        weir = argv[1];
    if (argc > 2)
        corpus = argv[2];
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_canonical_round_trip),
        cmocka_unit_test(test_non_canonical_placements),
        cmocka_unit_test(test_layout_placements),
        cmocka_unit_test(test_attach_rule),
        cmocka_unit_test(test_omitted_keys_carry),
        cmocka_unit_test(test_comment_made_in_code),
        cmocka_unit_test(test_many_and_odd_comments),
        cmocka_unit_test(test_fuzz_corpus),
        cmocka_unit_test(test_fmt_and_validate),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
