/* The plugin host: declaration validation (one case per error class, with
 * path:line and the exact message), search order and shadowing, isolation
 * of broken plugins, the sandbox limits inside plugins at load time,
 * capabilities, and the check / render_sql callbacks.
 *
 * Every test writes its plugins under a fresh mkdtemp folder and points the
 * user configuration folder there: nothing depends on $HOME. */
#define _XOPEN_SOURCE 700
#include <ftw.h>
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
#include "fsutil.h"
#include "host.h"
#include "load.h"
#include "model.h"
#include "util.h"
#include "validate.h"
#include "value.h"

static char root[512], pipe_dir[600], cfg_dir[600];

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static int setup(void **state)
{
    (void)state;
    if (!test_mkdtemp(root, sizeof(root), "weir-plugins"))
        return -1;
    snprintf(pipe_dir, sizeof(pipe_dir), "%s/pipe", root);
    snprintf(cfg_dir, sizeof(cfg_dir), "%s/cfg", root);
    char p[700];
    snprintf(p, sizeof(p), "%s/plugins", pipe_dir);
    char err[256];
    if (fs_mkdirs(p, err, sizeof(err)) != 0)
        return -1;
    snprintf(p, sizeof(p), "%s/plugins", cfg_dir);
    return fs_mkdirs(p, err, sizeof(err));
}

static int teardown(void **state)
{
    (void)state;
    nftw(root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    return 0;
}

/* dir is "pipe" or "cfg"; the file goes in its plugins/ (or at its top when
 * name has no ".lua"). */
static void put(const char *dir, const char *name, const char *text)
{
    char path[800];
    bool lua = strstr(name, ".lua") != NULL;
    snprintf(path, sizeof(path), "%s/%s/%s%s", root, dir, lua ? "plugins/" : "", name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static plugin_host *load_with(const plugin_text *shipped, size_t n_shipped)
{
    plugin_host_options o = {.config_dir = cfg_dir,
                             .shipped = shipped,
                             .n_shipped = n_shipped,
                             .no_shipped = shipped == NULL};
    return plugin_host_load(pipe_dir, &o);
}

static plugin_host *load(void)
{
    return load_with(NULL, 0);
}

static const diag *problem_at(const node_registry *r, const char *path, int line)
{
    for (size_t i = 0; i < r->problems.n; i++) {
        const diag *d = &r->problems.items[i];
        if (d->path && strcmp(d->path, path) == 0 && d->line == line)
            return d;
    }
    return NULL;
}

static void dump_problems(const node_registry *r)
{
    char line[2048];
    for (size_t i = 0; i < r->problems.n; i++) {
        diag_format(&r->problems.items[i], line, sizeof(line));
        print_message("  problem: %s\n", line);
    }
}

static const node_type *find(const node_registry *r, node_kind kind, const char *name)
{
    for (size_t i = 0; i < r->n_types; i++)
        if (r->types[i].kind == kind && strcmp(r->types[i].name, name) == 0)
            return &r->types[i];
    return NULL;
}

static const plugin_file *file_named(const node_registry *r, const char *path)
{
    for (size_t i = 0; i < r->n_files; i++)
        if (strcmp(r->files[i].path, path) == 0)
            return &r->files[i];
    return NULL;
}

static const setting_spec *setting(const node_type *t, const char *name)
{
    for (size_t i = 0; i < t->n_settings; i++)
        if (strcmp(t->settings[i].name, name) == 0)
            return &t->settings[i];
    return NULL;
}

/* ---- a good declaration becomes the right C declaration ---- */

static void test_declaration_fields(void **state)
{
    (void)state;
    put("pipe", "geo.lua",
        "weir.node_type {\n"
        "    kind = 'source', name = 'geo', title = 'Geo', description = 'Points',\n"
        "    settings = {\n"
        "        { name = 'host', type = 'string', required = true, help = 'where' },\n"
        "        { name = 'port', type = 'integer', default = 80, min = 1, max = 65535 },\n"
        "        { name = 'ratio', type = 'number', default = 0.5, min = 0, max = 1 },\n"
        "        { name = 'tls', type = 'boolean', default = false },\n"
        "        { name = 'mode', type = 'choice', choices = { 'a', 'b' }, default = 'b' },\n"
        "        { name = 'token', type = 'secret', default = '${env:GEO}' },\n"
        "        { name = 'tags', type = 'list', check = function(v) end },\n"
        "    },\n"
        "    records = function(node) return {} end,\n"
        "}\n"
        "weir.node_type { kind = 'source', name = 'raw', title = 'Raw', description = 'x',\n"
        "    sample = false }\n"
        "weir.node_type { kind = 'transform', name = 'q', title = 'Q', description = 'x',\n"
        "    code = { setting = 'query', language = 'sql' } }\n"
        "weir.node_type { kind = 'transform', name = 'f', title = 'F', description = 'x',\n"
        "    sql = function(node) return 'SELECT 1' end, max_inputs = 1 }\n"
        "weir.node_type { kind = 'transform', name = 'r', title = 'R', description = 'x',\n"
        "    record = function(r) return r end, max_inputs = 1000000 }\n"
        "weir.node_type { kind = 'sink', name = 'out', title = 'Out', description = 'x',\n"
        "    show = function(r) return r end, shadows = true, max_inputs = 3.0 }\n");
    plugin_host *h = load();
    const node_registry *r = plugin_host_registry(h);
    dump_problems(r);
    assert_int_equal(r->problems.n, 0);
    assert_int_equal(r->n_types, 6);
    /* Sorted by kind, then name. */
    assert_string_equal(r->types[0].name, "geo");
    assert_string_equal(r->types[1].name, "raw");
    assert_string_equal(r->types[2].name, "f");
    assert_int_equal(r->types[5].kind, NODE_SINK);

    const node_type *geo = find(r, NODE_SOURCE, "geo");
    assert_non_null(geo);
    assert_int_equal(geo->line, 1);
    assert_string_equal(geo->plugin->path, "plugins/geo.lua");
    assert_int_equal(geo->plugin->origin, PLUGIN_PIPELINE);
    assert_string_equal(geo->title, "Geo");
    assert_int_equal(geo->contributes, NT_SAMPLE | NT_RECORDS);
    assert_int_equal(geo->n_settings, 7 + 5); /* + the sample settings */
    assert_string_equal(geo->settings[0].name, "host");
    assert_true(geo->settings[0].required);
    assert_string_equal(geo->settings[0].help, "where");
    const setting_spec *port = setting(geo, "port");
    assert_int_equal(port->type, SETTING_INTEGER);
    assert_string_equal(port->default_value, "80");
    assert_int_equal(port->min, 1);
    assert_int_equal(port->max, 65535);
    const setting_spec *ratio = setting(geo, "ratio");
    assert_string_equal(ratio->default_value, "0.5");
    assert_true(ratio->number_min == 0.0 && ratio->number_max == 1.0);
    assert_string_equal(setting(geo, "tls")->default_value, "false");
    assert_string_equal(setting(geo, "mode")->choices, "a|b");
    assert_string_equal(setting(geo, "mode")->default_value, "b");
    assert_true(setting(geo, "tags")->has_check);
    assert_false(setting(geo, "host")->has_check);
    const setting_spec *limit = setting(geo, "limit");
    assert_non_null(limit);
    assert_string_equal(limit->default_value, "1000");
    assert_int_equal(limit->min, 1);
    assert_string_equal(setting(geo, "sample_format")->choices, "jsonl|csv");
    assert_int_equal(setting(geo, "schema")->type, SETTING_SCHEMA);

    const node_type *raw = find(r, NODE_SOURCE, "raw");
    assert_int_equal(raw->contributes, 0);
    assert_int_equal(raw->n_settings, 0);

    const node_type *q = find(r, NODE_TRANSFORM, "q");
    assert_int_equal(q->contributes, NT_CODE);
    assert_string_equal(q->code_setting, "query");
    assert_string_equal(q->code_dir, "sql");
    assert_string_equal(q->code_ext, ".sql");
    assert_string_equal(q->code_lang, "sql");
    /* The code file setting is added when the plugin does not declare it. */
    assert_int_equal(q->n_settings, 1);
    assert_int_equal(q->settings[0].type, SETTING_FILE);
    assert_true(q->settings[0].required);
    assert_int_equal(find(r, NODE_TRANSFORM, "f")->contributes, NT_SQL);
    assert_int_equal(find(r, NODE_TRANSFORM, "r")->contributes, NT_RECORD);
    const node_type *out = find(r, NODE_SINK, "out");
    assert_int_equal(out->contributes, NT_SHOW);
    assert_true(out->shadows);
    /* max_inputs: 0 (no limit) unless declared. */
    assert_int_equal(q->max_inputs, 0);
    assert_int_equal(geo->max_inputs, 0);
    assert_int_equal(find(r, NODE_TRANSFORM, "f")->max_inputs, 1);
    assert_int_equal(find(r, NODE_TRANSFORM, "r")->max_inputs, 1000000);
    assert_int_equal(out->max_inputs, 3);
    plugin_host_free(h);
}

/* ---- declaration validation: one case per error class ---- */

typedef struct bad_case {
    const char *decl; /* the body of weir.node_type { ... } on line 3 */
    const char *message;
} bad_case;

static const bad_case bad_cases[] = {
    /* required fields */
    {"kind = 'source', name = 'x', description = 'd'",
     "node type 'x': missing required field 'title'"},
    {"kind = 'source', title = 'X', description = 'd'",
     "weir.node_type: missing required field 'name'"},
    {"name = 'x', title = 'X', description = 'd'", "node type 'x': missing required field 'kind'"},
    /* types of fields */
    {"kind = 'source', name = 'x', title = 42, description = 'd'",
     "node type 'x': field 'title' must be a string, not a number"},
    {"kind = 'source', name = 'x', title = 'X', description = 'd', shadows = 'yes'",
     "node type 'x': field 'shadows' must be a boolean, not a string"},
    {"kind = 'source', name = 'x', title = 'X', description = 'd', settings = 'a'",
     "node type 'x': field 'settings' must be an array of tables, not a string"},
    {"kind = 'source', name = 'x', title = 'X', description = 'd', records = {}",
     "node type 'x': field 'records' must be a function, not a table"},
    /* unknown fields, with "did you mean" */
    {"kind = 'source', name = 'x', title = 'X', description = 'd', setings = {}",
     "node type 'x': unknown field 'setings' (did you mean 'settings'?)"},
    {"kind = 'source', name = 'x', title = 'X', description = 'd', zzzzzz = 1",
     "node type 'x': unknown field 'zzzzzz'"},
    /* name syntax */
    {"kind = 'source', name = 'Geo-IP', title = 'X', description = 'd'",
     "weir.node_type: name 'Geo-IP' is not a lowercase identifier ([a-z][a-z0-9_]*, at most 64 "
     "bytes)"},
    {"kind = 'source', name = string.rep('a', 65), title = 'X', description = 'd'",
     "weir.node_type: name "
     "'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' is not a lowercase "
     "identifier ([a-z][a-z0-9_]*, at most 64 bytes)"},
    /* kind */
    {"kind = 'pipe', name = 'x', title = 'X', description = 'd'",
     "node type 'x': kind must be \"source\", \"transform\" or \"sink\", not \"pipe\""},
    /* settings entries */
    {"kind = 'source', name = 'x', title = 'X', description = 'd', settings = { 'host' }",
     "node type 'x': setting 1 must be a table, not a string"},
    {"kind = 'source', name = 'x', title = 'X', description = 'd', settings = { { type = "
     "'string' } }",
     "node type 'x', setting 1: missing required field 'name'"},
    {"kind = 'source', name = 'x', title = 'X', description = 'd', settings = { { name = 'Host', "
     "type = 'string' } }",
     "node type 'x', setting 'Host': name is not a lowercase identifier ([a-z][a-z0-9_]*, at "
     "most 64 bytes)"},
    {"kind = 'source', name = 'x', title = 'X', description = 'd', settings = { { name = "
     "'inputs', type = 'string' } }",
     "node type 'x', setting 'inputs': 'inputs' is reserved (every node has type, inputs and "
     "description)"},
    {"kind = 'source', name = 'x', title = 'X', description = 'd', settings = { { name = 'a', "
     "type = 'string' }, { name = 'a', type = 'integer' } }",
     "node type 'x', setting 'a': declared twice"},
    {"kind = 'source', name = 'x', title = 'X', description = 'd', settings = { { name = 'a', "
     "type = 'strng' } }",
     "node type 'x', setting 'a': unknown type 'strng' (did you mean 'string'?) (string, integer, "
     "number, boolean, choice, secret, file, list or schema)"},
    {"kind = 'source', name = 'x', title = 'X', description = 'd', settings = { { name = 'a', "
     "type = 'string', requird = true } }",
     "node type 'x', setting 'a': unknown setting field 'requird' (did you mean 'required'?)"},
    {"kind = 'source', name = 'x', title = 'X', description = 'd', settings = { { name = 'a', "
     "type = 'choice' } }",
     "node type 'x', setting 'a': a choice setting needs 'choices', an array of strings"},
    {"kind = 'source', name = 'x', title = 'X', description = 'd', settings = { { name = 'a', "
     "type = 'string', choices = { 'p' } } }",
     "node type 'x', setting 'a': 'choices' is only for choice settings"},
    {"kind = 'source', name = 'x', title = 'X', description = 'd', settings = { { name = 'a', "
     "type = 'integer', min = 'one' } }",
     "node type 'x', setting 'a': 'min' must be a number, not a string"},
    {"kind = 'source', name = 'x', title = 'X', description = 'd', settings = { { name = 'a', "
     "type = 'integer', min = 1.5 } }",
     "node type 'x', setting 'a': 'min' must be a whole number"},
    {"kind = 'source', name = 'x', title = 'X', description = 'd', settings = { { name = 'a', "
     "type = 'integer', min = 9, max = 3 } }",
     "node type 'x', setting 'a': 'min' must be less than 'max'"},
    {"kind = 'source', name = 'x', title = 'X', description = 'd', settings = { { name = 'a', "
     "type = 'string', max = 3 } }",
     "node type 'x', setting 'a': 'max' is only for integer and number settings"},
    {"kind = 'source', name = 'x', title = 'X', description = 'd', settings = { { name = 'a', "
     "type = 'integer', default = 'ten' } }",
     "node type 'x', setting 'a': default must be a whole number (the setting's type is "
     "integer), not a string"},
    {"kind = 'source', name = 'x', title = 'X', description = 'd', settings = { { name = 'a', "
     "type = 'integer', min = 1, max = 5, default = 7 } }",
     "node type 'x', setting 'a': default 7 is outside min..max"},
    {"kind = 'source', name = 'x', title = 'X', description = 'd', settings = { { name = 'a', "
     "type = 'number', min = 0, max = 1, default = 1.5 } }",
     "node type 'x', setting 'a': default 1.5 is outside min..max"},
    {"kind = 'source', name = 'x', title = 'X', description = 'd', settings = { { name = 'a', "
     "type = 'choice', choices = { 'p', 'q' }, default = 'r' } }",
     "node type 'x', setting 'a': default 'r' is not one of the choices (p|q)"},
    {"kind = 'source', name = 'x', title = 'X', description = 'd', settings = { { name = 'a', "
     "type = 'secret', default = 'hunter2' } }",
     "node type 'x', setting 'a': default must be a reference, ${env:NAME} or ${secret:NAME}"},
    {"kind = 'source', name = 'x', title = 'X', description = 'd', settings = { { name = 'a', "
     "type = 'boolean', default = 'yes' } }",
     "node type 'x', setting 'a': default must be a boolean (the setting's type is boolean), not "
     "a string"},
    {"kind = 'source', name = 'x', title = 'X', description = 'd', settings = { { name = 'a', "
     "type = 'string', check = 'nonempty' } }",
     "node type 'x', setting 'a': 'check' must be a function(value, node), not a string"},
    {"kind = 'source', name = 'x', title = 'X', description = 'd', settings = { { name = "
     "'limit', type = 'integer' } }",
     "node type 'x', setting 'limit': 'limit' is one of the sample settings every source gets "
     "(declare sample = false to define it yourself)"},
    /* exactly one of code / sql / record */
    {"kind = 'transform', name = 'x', title = 'X', description = 'd'",
     "node type 'x': a transform has exactly one of 'code', 'sql' and 'record' (it has none)"},
    {"kind = 'transform', name = 'x', title = 'X', description = 'd', sql = function() end, "
     "record = function() end",
     "node type 'x': a transform has exactly one of 'code', 'sql' and 'record'"},
    /* fields for one kind only */
    {"kind = 'transform', name = 'x', title = 'X', description = 'd', records = function() end",
     "node type 'x': 'records' is only for sources"},
    {"kind = 'sink', name = 'x', title = 'X', description = 'd', sample = false",
     "node type 'x': 'sample' is only for sources"},
    {"kind = 'source', name = 'x', title = 'X', description = 'd', show = function() end",
     "node type 'x': 'show' is only for sinks"},
    {"kind = 'sink', name = 'x', title = 'X', description = 'd', sql = function() end",
     "node type 'x': 'sql' is only for transforms"},
    /* max_inputs: transforms and sinks, a whole number from 1 */
    {"kind = 'source', name = 'x', title = 'X', description = 'd', max_inputs = 1",
     "node type 'x': 'max_inputs' is only for transforms and sinks (a source has no inputs)"},
    {"kind = 'sink', name = 'x', title = 'X', description = 'd', max_inputs = 'one'",
     "node type 'x': field 'max_inputs' must be a number, not a string"},
    {"kind = 'sink', name = 'x', title = 'X', description = 'd', max_inputs = 0",
     "node type 'x': 'max_inputs' must be a whole number from 1 to 1000000"},
    {"kind = 'sink', name = 'x', title = 'X', description = 'd', max_inputs = -2",
     "node type 'x': 'max_inputs' must be a whole number from 1 to 1000000"},
    {"kind = 'sink', name = 'x', title = 'X', description = 'd', max_inputs = 1.5",
     "node type 'x': 'max_inputs' must be a whole number from 1 to 1000000"},
    {"kind = 'sink', name = 'x', title = 'X', description = 'd', max_inputs = 1000001",
     "node type 'x': 'max_inputs' must be a whole number from 1 to 1000000"},
    {"kind = 'sink', name = 'x', title = 'X', description = 'd', max_inputs = 0/0",
     "node type 'x': 'max_inputs' must be a whole number from 1 to 1000000"},
    {"kind = 'sink', name = 'x', title = 'X', description = 'd', max_input = 1",
     "node type 'x': unknown field 'max_input' (did you mean 'max_inputs'?)"},
    /* code */
    {"kind = 'transform', name = 'x', title = 'X', description = 'd', code = { setting = 'py', "
     "language = 'python' }",
     "node type 'x': code.language must be \"sql\" or \"lua\", not \"python\""},
    {"kind = 'transform', name = 'x', title = 'X', description = 'd', code = { language = 'sql' }",
     "node type 'x': missing required field 'code.setting'"},
    {"kind = 'transform', name = 'x', title = 'X', description = 'd', code = { setting = 'q', "
     "language = 'sql' }, settings = { { name = 'q', type = 'string' } }",
     "node type 'x': setting 'q' holds the code file, so its type is file, not string"},
};

static void test_declaration_errors(void **state)
{
    (void)state;
    char text[2048];
    for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
        teardown(NULL);
        assert_int_equal(setup(NULL), 0);
        /* The bad declaration is on line 3; the file's good one still loads. */
        snprintf(text, sizeof(text),
                 "-- case %zu\n\nweir.node_type { %s }\n"
                 "weir.node_type { kind = 'sink', name = 'good', title = 'G', description = 'g' "
                 "}\n",
                 i, bad_cases[i].decl);
        put("pipe", "bad.lua", text);
        plugin_host *h = load();
        const node_registry *r = plugin_host_registry(h);
        const diag *d = problem_at(r, "plugins/bad.lua", 3);
        if (!d || strcmp(d->message, bad_cases[i].message) != 0) {
            print_error("case %zu: %s\n", i, bad_cases[i].decl);
            dump_problems(r);
        }
        assert_non_null(d);
        assert_int_equal(d->severity, DIAG_ERROR);
        assert_string_equal(d->message, bad_cases[i].message);
        assert_int_equal(r->problems.n, 1);
        assert_int_equal(plugin_host_errors(h), 1);
        assert_non_null(find(r, NODE_SINK, "good"));
        assert_int_equal(r->n_types, 1);
        /* The file's error names the refusal, for nodes of that type. */
        const plugin_file *f = file_named(r, "plugins/bad.lua");
        assert_non_null(f->error);
        assert_true(strncmp(f->error, "plugins/bad.lua:3: ", 19) == 0);
        plugin_host_free(h);
    }
}

static void test_not_a_table(void **state)
{
    (void)state;
    put("pipe", "t.lua", "\nweir.node_type('kafka')\n");
    plugin_host *h = load();
    const node_registry *r = plugin_host_registry(h);
    const plugin_file *f = file_named(r, "plugins/t.lua");
    assert_non_null(f->error);
    assert_non_null(strstr(f->error, "plugins/t.lua:2: "));
    assert_non_null(strstr(f->error, "expects a table"));
    plugin_host_free(h);
}

/* ---- search order and shadowing ---- */

#define SRC(name, extra)                                                                           \
    "weir.node_type { kind = 'source', name = '" name "', title = 'T', description = 'd'" extra    \
    " }\n"

static const char shipped_kafka[] = "\n" SRC("kafka", "") SRC("only_shipped", "");
static const plugin_text shipped[] = {{"kafka.lua", shipped_kafka, sizeof(shipped_kafka) - 1}};

static void test_search_order(void **state)
{
    (void)state;
    put("pipe", "kafka.lua", SRC("kafka", ""));
    put("cfg", "kafka.lua", "\n\n" SRC("kafka", "") SRC("only_user", ""));
    plugin_host *h = load_with(shipped, 1);
    const node_registry *r = plugin_host_registry(h);
    dump_problems(r);
    /* Files in search order: pipeline, user, shipped. */
    assert_int_equal(r->n_files, 3);
    assert_int_equal(r->files[0].origin, PLUGIN_PIPELINE);
    assert_int_equal(r->files[1].origin, PLUGIN_USER);
    assert_int_equal(r->files[2].origin, PLUGIN_SHIPPED);
    /* The shipped kafka.lua is never shown as plugins/kafka.lua, the
     * pipeline's own file of that name. */
    assert_string_equal(r->files[0].path, "plugins/kafka.lua");
    assert_string_equal(r->files[2].path, "weir:plugins/kafka.lua");
    char user_path[800];
    snprintf(user_path, sizeof(user_path), "%s/plugins/kafka.lua", cfg_dir);
    assert_string_equal(r->files[1].path, user_path);

    const node_type *k = find(r, NODE_SOURCE, "kafka");
    assert_int_equal(k->plugin->origin, PLUGIN_PIPELINE);
    assert_int_equal(find(r, NODE_SOURCE, "only_user")->plugin->origin, PLUGIN_USER);
    assert_int_equal(find(r, NODE_SOURCE, "only_shipped")->plugin->origin, PLUGIN_SHIPPED);
    assert_int_equal(r->n_types, 3);

    /* Never silent: both later ones are warnings, and listed. */
    assert_int_equal(r->problems.n, 2);
    assert_int_equal(r->problems.n_warnings, 2);
    assert_int_equal(plugin_host_errors(h), 0);
    const diag *d = problem_at(r, user_path, 3);
    assert_non_null(d);
    assert_string_equal(d->message,
                        "source type 'kafka' is shadowed by plugins/kafka.lua:1 (pipeline)");
    d = problem_at(r, "weir:plugins/kafka.lua", 2);
    assert_non_null(d);
    assert_int_equal(d->severity, DIAG_WARNING);
    assert_null(problem_at(r, "plugins/kafka.lua", 2));
    assert_int_equal(plugin_host_shadowed_count(h), 2);
    const plugin_shadowed *s = plugin_host_shadowed_at(h, 0);
    assert_ptr_equal(s->plugin, &r->files[1]);
    assert_ptr_equal(s->by, &r->files[0]);
    assert_int_equal(s->by_line, 1);
    assert_false(s->deliberate);
    plugin_host_free(h);
}

static void test_user_over_shipped(void **state)
{
    (void)state;
    put("cfg", "mine.lua", SRC("kafka", ""));
    plugin_host *h = load_with(shipped, 1);
    const node_registry *r = plugin_host_registry(h);
    assert_int_equal(find(r, NODE_SOURCE, "kafka")->plugin->origin, PLUGIN_USER);
    assert_int_equal(r->problems.n_warnings, 1);
    assert_non_null(problem_at(r, "weir:plugins/kafka.lua", 2));
    plugin_host_free(h);
}

static void test_shadows_true_is_silent(void **state)
{
    (void)state;
    put("pipe", "kafka.lua", SRC("kafka", ", shadows = true"));
    plugin_host *h = load_with(shipped, 1);
    const node_registry *r = plugin_host_registry(h);
    assert_int_equal(r->problems.n, 0);
    assert_int_equal(find(r, NODE_SOURCE, "kafka")->plugin->origin, PLUGIN_PIPELINE);
    /* Still listed by `weir plugins`, as deliberate. */
    assert_int_equal(plugin_host_shadowed_count(h), 1);
    assert_true(plugin_host_shadowed_at(h, 0)->deliberate);
    plugin_host_free(h);
}

static void test_same_folder_duplicate(void **state)
{
    (void)state;
    put("pipe", "a.lua", SRC("dup", ""));
    put("pipe", "b.lua", "\n" SRC("dup", ", shadows = true"));
    plugin_host *h = load();
    const node_registry *r = plugin_host_registry(h);
    const diag *d = problem_at(r, "plugins/b.lua", 2);
    assert_non_null(d);
    assert_int_equal(d->severity, DIAG_ERROR);
    assert_string_equal(d->message, "source type 'dup' is already declared by plugins/a.lua:1");
    assert_string_equal(find(r, NODE_SOURCE, "dup")->plugin->path, "plugins/a.lua");
    assert_int_equal(plugin_host_errors(h), 1);
    plugin_host_free(h);
}

/* weir run on the configuration folder itself: its plugins/ is read once. */
static void test_pipeline_is_config_folder(void **state)
{
    (void)state;
    put("cfg", "k.lua", SRC("k", ""));
    plugin_host_options o = {.config_dir = cfg_dir, .no_shipped = true};
    plugin_host *h = plugin_host_load(cfg_dir, &o);
    const node_registry *r = plugin_host_registry(h);
    assert_int_equal(r->n_files, 1);
    assert_int_equal(r->files[0].origin, PLUGIN_PIPELINE);
    assert_int_equal(r->problems.n, 0);
    plugin_host_free(h);
}

/* Same name, other kind: no clash (kafka source and kafka sink). */
static void test_kinds_are_separate(void **state)
{
    (void)state;
    put("pipe", "kafka.lua",
        SRC("kafka", "") "weir.node_type { kind = 'sink', name = 'kafka', title = 'K', "
                         "description = 'd' }\n");
    plugin_host *h = load();
    const node_registry *r = plugin_host_registry(h);
    assert_int_equal(r->problems.n, 0);
    assert_int_equal(r->n_types, 2);
    plugin_host_free(h);
}

/* ---- broken plugins are isolated ---- */

static void test_broken_isolation(void **state)
{
    (void)state;
    put("pipe", "a_good.lua", SRC("good", ""));
    put("pipe", "syntax.lua", "-- ok\nweir.node_type { kind = 'source' name = 'x' }\n");
    put("pipe", "runtime.lua",
        SRC("early", "") "\n\n\nlocal t = nil\n\nerror('boom')\n" SRC("late", ""));
    put("pipe", "z_good.lua", SRC("good2", ""));
    plugin_host *h = load();
    const node_registry *r = plugin_host_registry(h);
    assert_non_null(find(r, NODE_SOURCE, "good"));
    assert_non_null(find(r, NODE_SOURCE, "good2"));
    assert_null(find(r, NODE_SOURCE, "early")); /* its file failed */
    assert_int_equal(r->n_types, 2);
    assert_int_equal(plugin_host_errors(h), 2);

    const plugin_file *syn = file_named(r, "plugins/syntax.lua");
    assert_non_null(syn->error);
    assert_true(strncmp(syn->error, "plugins/syntax.lua:2: ", 22) == 0);
    assert_non_null(problem_at(r, "plugins/syntax.lua", 2));
    const plugin_file *run = file_named(r, "plugins/runtime.lua");
    assert_string_equal(run->error, "plugins/runtime.lua:7: boom");
    const diag *d = problem_at(r, "plugins/runtime.lua", 7);
    assert_non_null(d);
    assert_string_equal(d->message, "boom");
    assert_null(file_named(r, "plugins/a_good.lua")->error);

    /* Nodes whose type the broken files would have declared find the error:
     * the file's stem and the names declared before the failure. */
    node_registry_use(r);
    assert_ptr_equal(node_type_broken("syntax"), syn);
    assert_ptr_equal(node_type_broken("runtime"), run);
    assert_ptr_equal(node_type_broken("early"), run);
    assert_null(node_type_broken("late"));
    assert_null(node_type_broken("good"));
    node_registry_use(NULL);
    plugin_host_free(h);
}

static void test_bad_declaration_is_broken_type(void **state)
{
    (void)state;
    put("pipe", "geo.lua",
        "weir.node_type { kind = 'source', name = 'geo', title = 'G', description = 'd', "
        "setings = {} }\n" SRC("fine", ""));
    plugin_host *h = load();
    const node_registry *r = plugin_host_registry(h);
    assert_non_null(find(r, NODE_SOURCE, "fine"));
    node_registry_use(r);
    const plugin_file *f = node_type_broken("geo");
    assert_non_null(f);
    assert_string_equal(f->error,
                        "plugins/geo.lua:1: node type 'geo': unknown field 'setings' (did you "
                        "mean 'settings'?)");
    node_registry_use(NULL);
    plugin_host_free(h);
}

static void test_file_too_large(void **state)
{
    (void)state;
    size_t n = PLUGIN_FILE_MAX_BYTES + 10;
    char *big = xmalloc(n + 1);
    memset(big, '-', n);
    big[n] = '\0';
    put("pipe", "big.lua", big);
    free(big);
    put("pipe", "ok.lua", SRC("ok", ""));
    plugin_host *h = load();
    const node_registry *r = plugin_host_registry(h);
    const plugin_file *f = file_named(r, "plugins/big.lua");
    assert_non_null(f->error);
    assert_true(strncmp(f->error, "plugins/big.lua: ", 17) == 0);
    assert_non_null(find(r, NODE_SOURCE, "ok"));
    plugin_host_free(h);
}

static void test_folder_file_limit(void **state)
{
    (void)state;
    char name[32];
    for (int i = 0; i <= PLUGIN_DIR_MAX_FILES; i++) {
        snprintf(name, sizeof(name), "f%04d.lua", i);
        put("pipe", name, "");
    }
    put("pipe", "notes.txt", "not a plugin");
    plugin_host *h = load();
    const node_registry *r = plugin_host_registry(h);
    assert_int_equal(r->n_files, PLUGIN_DIR_MAX_FILES);
    assert_string_equal(r->files[PLUGIN_DIR_MAX_FILES - 1].path, "plugins/f0511.lua");
    assert_int_equal(r->problems.n, 1);
    assert_string_equal(r->problems.items[0].message,
                        "more than 512 plugin files in one folder: f0512.lua and the files "
                        "after it are not read");
    assert_int_equal(plugin_host_errors(h), 1);
    plugin_host_free(h);
}

static void test_settings_limit(void **state)
{
    (void)state;
    char text[512];
    snprintf(text, sizeof(text),
             "local function many(n) local s = {}\n"
             "    for i = 1, n do s[i] = { name = 's' .. i, type = 'string' } end return s end\n"
             "weir.node_type { kind = 'sink', name = 'wide', title = 'W', description = 'd',\n"
             "    settings = many(%d) }\n"
             "weir.node_type { kind = 'sink', name = 'ok', title = 'W', description = 'd',\n"
             "    settings = many(%d) }\n",
             PLUGIN_TYPE_MAX_SETTINGS + 1, PLUGIN_TYPE_MAX_SETTINGS);
    put("pipe", "wide.lua", text);
    plugin_host *h = load();
    const node_registry *r = plugin_host_registry(h);
    const diag *d = problem_at(r, "plugins/wide.lua", 3);
    assert_non_null(d);
    assert_string_equal(d->message, "node type 'wide': more than 128 settings");
    const node_type *ok = find(r, NODE_SINK, "ok");
    assert_non_null(ok);
    assert_int_equal(ok->n_settings, PLUGIN_TYPE_MAX_SETTINGS);
    plugin_host_free(h);
}

/* ---- the sandbox inside plugins ---- */

static const plugin_file *load_one(plugin_host **h, const char *text)
{
    put("pipe", "p.lua", text);
    put("pipe", "q.lua", SRC("after", "")); /* the same box keeps working */
    *h = load();
    const node_registry *r = plugin_host_registry(*h);
    assert_non_null(find(r, NODE_SOURCE, "after"));
    return file_named(r, "plugins/p.lua");
}

static void test_endless_loop(void **state)
{
    (void)state;
    plugin_host *h;
    const plugin_file *f = load_one(&h, SRC("x", "") "\nwhile true do end\n");
    assert_non_null(f->error);
    print_message("%s\n", f->error);
    assert_true(strncmp(f->error, "plugins/p.lua:", 14) == 0);
    assert_non_null(strstr(f->error, "instruction budget"));
    assert_null(find(plugin_host_registry(h), NODE_SOURCE, "x"));
    plugin_host_free(h);
}

static void test_endless_loop_under_pcall(void **state)
{
    (void)state;
    plugin_host *h;
    const plugin_file *f =
        load_one(&h, "while true do pcall(function() while true do end end) end\n");
    assert_non_null(f->error);
    assert_non_null(strstr(f->error, "instruction budget"));
    plugin_host_free(h);
}

static void test_memory_bomb(void **state)
{
    (void)state;
    plugin_host *h;
    const plugin_file *f =
        load_one(&h, "local t = {}\nfor i = 1, 1e9 do t[i] = string.rep('x', 64) .. i end\n");
    assert_non_null(f->error);
    print_message("%s\n", f->error);
    assert_string_equal(f->error, "plugins/p.lua: memory limit of 64 MiB exceeded");
    const diag *d = problem_at(plugin_host_registry(h), "plugins/p.lua", 0);
    assert_non_null(d);
    assert_string_equal(d->message, "memory limit of 64 MiB exceeded");
    plugin_host_free(h);
}

/* Memory filled by the plugin and kept: reading its declarations afterwards
 * must fail cleanly (or succeed), never abort. */
static void test_memory_full_when_declaring(void **state)
{
    (void)state;
    plugin_host *h;
    load_one(&h, "keep = {}\n"
                 "pcall(function() for i = 1, 1e9 do keep[i] = ('x'):rep(200) .. i end end)\n"
                 "for i = 1, 50 do pcall(weir.node_type, { kind = 'source', name = 'm' .. i,\n"
                 "    title = 'M', description = ('d'):rep(100) }) end\n");
    plugin_host_free(h);
}

static void test_too_many_declarations(void **state)
{
    (void)state;
    plugin_host *h;
    char text[512];
    snprintf(text, sizeof(text),
             "for i = 1, %d do weir.node_type { kind = 'sink', name = 's' .. i, title = 'S', "
             "description = 'd' } end\n",
             PLUGIN_FILE_MAX_TYPES + 1);
    const plugin_file *f = load_one(&h, text);
    assert_non_null(f->error);
    assert_string_equal(f->error,
                        "plugins/p.lua: reading the declarations: more than 256 weir.node_type "
                        "calls in one file");
    assert_int_equal(plugin_host_registry(h)->n_types, 1); /* "after" only */
    plugin_host_free(h);
}

static void test_no_io_no_os(void **state)
{
    (void)state;
    static const char *const attempts[] = {
        "io.open('/etc/passwd')", "os.execute('true')",    "os.getenv('HOME')",
        "require('io')",          "dofile('/etc/passwd')", "loadfile('/etc/passwd')",
    };
    for (size_t i = 0; i < sizeof(attempts) / sizeof(attempts[0]); i++) {
        char text[256];
        snprintf(text, sizeof(text), "\nlocal r = %s\n", attempts[i]);
        plugin_host *h;
        const plugin_file *f = load_one(&h, text);
        if (!f->error)
            print_error("%s was allowed\n", attempts[i]);
        assert_non_null(f->error);
        assert_true(strncmp(f->error, "plugins/p.lua:2: ", 17) == 0);
        plugin_host_free(h);
    }
}

static void test_capability_refused_then_allowed(void **state)
{
    (void)state;
    const char *text = "local io = weir.capability('io')\n" SRC("reader", "");
    put("pipe", "geoip.lua", text);
    put("cfg", "mine.lua", text);
    plugin_host *h = load();
    const node_registry *r = plugin_host_registry(h);
    const plugin_file *f = file_named(r, "plugins/geoip.lua");
    assert_non_null(f->error);
    assert_non_null(strstr(f->error, "plugins/geoip.lua:1: "));
    assert_non_null(strstr(f->error, "not allowed"));
    assert_int_equal(f->caps_allowed, 0);
    assert_int_equal(plugin_host_errors(h), 2);
    plugin_host_free(h);

    /* A bare file name grants the user's plugin, never a pipeline's of the
     * same name (a cloned repository must not borrow the user's trust). */
    put("cfg", "plugins.allow",
        "# plugin file   capabilities\ngeoip.lua  io   # reads a db\nmine.lua io\n");
    h = load();
    r = plugin_host_registry(h);
    dump_problems(r);
    assert_non_null(file_named(r, "plugins/geoip.lua")->error);
    char mine[800];
    snprintf(mine, sizeof(mine), "%s/plugins/mine.lua", cfg_dir);
    f = file_named(r, mine);
    assert_null(f->error);
    assert_int_equal(f->caps_allowed, PLUGIN_CAP_IO);
    plugin_host_free(h);

    /* The pipeline's file is granted by its absolute path. */
    char allow[1024];
    snprintf(allow, sizeof(allow), "%s/plugins/geoip.lua io\n", pipe_dir);
    put("cfg", "plugins.allow", allow);
    h = load();
    r = plugin_host_registry(h);
    f = file_named(r, "plugins/geoip.lua");
    dump_problems(r);
    assert_null(f->error);
    assert_int_equal(f->caps_allowed, PLUGIN_CAP_IO);
    assert_non_null(find(r, NODE_SOURCE, "reader"));
    plugin_host_free(h);

    /* io is not os: asking for os is still refused. */
    put("pipe", "geoip.lua", "local os = weir.capability('os')\n");
    h = load();
    assert_non_null(file_named(plugin_host_registry(h), "plugins/geoip.lua")->error);
    plugin_host_free(h);
}

static void test_shipped_get_no_capability(void **state)
{
    (void)state;
    static const char text[] = "local io = weir.capability('io')\n";
    static const plugin_text ship[] = {{"geoip.lua", text, sizeof(text) - 1}};
    put("cfg", "plugins.allow", "geoip.lua io os\n");
    plugin_host *h = load_with(ship, 1);
    const plugin_file *f = file_named(plugin_host_registry(h), "weir:plugins/geoip.lua");
    assert_non_null(f);
    assert_int_equal(f->origin, PLUGIN_SHIPPED);
    assert_int_equal(f->caps_allowed, 0);
    assert_non_null(f->error);
    plugin_host_free(h);
}

static void test_allow_file_bad_lines(void **state)
{
    (void)state;
    put("cfg", "plugins.allow",
        "# comment\n\ngeo.lua net\nnotes.txt io\nlonely.lua\ngood.lua os io\n"
        "plugins/good.lua io\n");
    put("cfg", "good.lua", "local a, b = weir.capability('os'), weir.capability('io')\n");
    plugin_host *h = load();
    const node_registry *r = plugin_host_registry(h);
    char allow[800], good[800];
    snprintf(allow, sizeof(allow), "%s/plugins.allow", cfg_dir);
    snprintf(good, sizeof(good), "%s/plugins/good.lua", cfg_dir);
    const diag *d = problem_at(r, allow, 3);
    assert_non_null(d);
    assert_string_equal(d->message, "unknown capability 'net' for geo.lua (capabilities: io, os)");
    assert_non_null(problem_at(r, allow, 4));
    assert_non_null(problem_at(r, allow, 5));
    d = problem_at(r, allow, 7); /* a relative path */
    assert_non_null(d);
    assert_string_equal(d->message, "'plugins/good.lua' is not a plugin file name (NAME.lua) or "
                                    "the absolute path of one");
    assert_int_equal(r->problems.n, 4);
    assert_int_equal(file_named(r, good)->caps_allowed, PLUGIN_CAP_IO | PLUGIN_CAP_OS);
    assert_null(file_named(r, good)->error);
    plugin_host_free(h);
}

/* Each file has its own globals. */
static void test_files_do_not_share_globals(void **state)
{
    (void)state;
    put("pipe", "a.lua", "shared = 'a'\nstring.upper = nil\n");
    put("pipe", "b.lua",
        "assert(shared == nil, 'saw a global of a.lua')\n"
        "assert(string.upper('x') == 'X')\n" SRC("b", ""));
    plugin_host *h = load();
    const node_registry *r = plugin_host_registry(h);
    dump_problems(r);
    assert_non_null(find(r, NODE_SOURCE, "b"));
    plugin_host_free(h);
}

/* ---- callbacks ---- */

static void make_node(node *n, node_kind kind, const char *type)
{
    memset(n, 0, sizeof(*n));
    n->id = xstrdup("big_orders");
    n->kind = kind;
    n->type = xstrdup(type);
    value_init_map(&n->settings);
    node_add_input(n, "orders");
}

static const char callbacks_lua[] =
    "weir.node_type {\n"
    "    kind = 'transform', name = 'filter', title = 'F', description = 'd',\n"
    "    settings = {\n"
    "        { name = 'where', type = 'string', required = true },\n"
    "        { name = 'min', type = 'integer', default = 5,\n"
    "          check = function(v, node)\n"
    "              if math.type(v) ~= 'integer' then return 'not an integer' end\n"
    "              if v < 10 then return 'too small: ' .. v .. ' in ' .. node.id end\n"
    "          end },\n"
    "        { name = 'boom', type = 'string', check = function(v) error('check exploded') end "
    "},\n"
    "        { name = 'spin', type = 'string', check = function(v) while true do end end },\n"
    "        { name = 'odd', type = 'string', check = function(v) return 42 end },\n"
    "    },\n"
    "    sql = function(node)\n"
    "        return 'SELECT * FROM ' .. weir.sql_ident(node.inputs[1]) ..\n"
    "               ' WHERE ' .. node.settings.where .. ' AND n >= ' .. node.settings.min\n"
    "    end,\n"
    "}\n"
    "weir.node_type { kind = 'transform', name = 'badsql', title = 'B', description = 'd',\n"
    "    sql = function(node) return node.nothing.here end }\n"
    "weir.node_type { kind = 'transform', name = 'numsql', title = 'N', description = 'd',\n"
    "    sql = function(node) return 7 end }\n";

static void test_check_callback(void **state)
{
    (void)state;
    put("pipe", "filter.lua", callbacks_lua);
    plugin_host *h = load();
    node_registry *r = plugin_host_registry(h);
    dump_problems(r);
    assert_int_equal(r->problems.n, 0);
    assert_ptr_equal(r->host, h);
    assert_non_null(r->check);
    const node_type *t = find(r, NODE_TRANSFORM, "filter");
    node n;
    make_node(&n, NODE_TRANSFORM, "filter");
    node_set_setting(&n, "where", "amount > 1");
    node_set_setting(&n, "min", "3");
    const setting_spec *smin = setting(t, "min");
    char *msg = r->check(r->host, t, smin, &n, node_setting(&n, "min"));
    assert_non_null(msg);
    assert_string_equal(msg, "too small: 3 in big_orders");
    free(msg);
    node_set_setting(&n, "min", "12");
    msg = r->check(r->host, t, smin, &n, node_setting(&n, "min"));
    assert_null(msg);

    /* A check that fails names the plugin file and line. */
    node_set_setting(&n, "boom", "x");
    msg = r->check(r->host, t, setting(t, "boom"), &n, node_setting(&n, "boom"));
    assert_non_null(msg);
    print_message("%s\n", msg);
    assert_non_null(strstr(msg, "plugins/filter.lua:10: check exploded"));
    free(msg);
    node_set_setting(&n, "spin", "x");
    msg = r->check(r->host, t, setting(t, "spin"), &n, node_setting(&n, "spin"));
    assert_non_null(msg);
    assert_non_null(strstr(msg, "plugins/filter.lua:11: "));
    assert_non_null(strstr(msg, "instruction budget"));
    free(msg);
    /* The box works again after a budget trip. */
    node_set_setting(&n, "min", "4");
    msg = r->check(r->host, t, smin, &n, node_setting(&n, "min"));
    assert_string_equal(msg, "too small: 4 in big_orders");
    free(msg);
    node_set_setting(&n, "odd", "x");
    msg = r->check(r->host, t, setting(t, "odd"), &n, node_setting(&n, "odd"));
    assert_non_null(msg);
    assert_non_null(strstr(msg, "returned a number"));
    free(msg);
    /* A setting without check: nothing to say. */
    assert_null(r->check(r->host, t, setting(t, "where"), &n, node_setting(&n, "where")));
    node_free(&n);
    plugin_host_free(h);
}

/* The canvas validates after every edit: an unchanged node's check() and
 * sql(node) are answered from memory, a changed one runs the plugin again. */
static const char counting_lua[] =
    "local calls, renders = 0, 0\n"
    "weir.node_type {\n"
    "    kind = 'transform', name = 'counted', title = 'C', description = 'd',\n"
    "    settings = { { name = 'a', type = 'string',\n"
    "        check = function(v) calls = calls + 1; return 'call ' .. calls end } },\n"
    "    sql = function(node)\n"
    "        renders = renders + 1\n"
    "        return 'SELECT ' .. renders .. ' AS r FROM ' .. weir.sql_ident(node.inputs[1])\n"
    "    end,\n"
    "}\n";

static void test_answers_remembered(void **state)
{
    (void)state;
    put("pipe", "counted.lua", counting_lua);
    plugin_host *h = load();
    node_registry *r = plugin_host_registry(h);
    const node_type *t = find(r, NODE_TRANSFORM, "counted");
    const setting_spec *sa = setting(t, "a");
    node n;
    make_node(&n, NODE_TRANSFORM, "counted");
    node_set_setting(&n, "a", "x");
    char *msg = r->check(r->host, t, sa, &n, node_setting(&n, "a"));
    assert_string_equal(msg, "call 1");
    free(msg);
    msg = r->check(r->host, t, sa, &n, node_setting(&n, "a"));
    assert_string_equal(msg, "call 1"); /* remembered: the plugin did not run */
    free(msg);
    char *err = NULL, *sql = r->render_sql(r->host, t, &n, &err);
    assert_non_null(strstr(sql, "SELECT 1 AS r"));
    free(sql);
    sql = r->render_sql(r->host, t, &n, &err);
    assert_non_null(strstr(sql, "SELECT 1 AS r"));
    free(sql);
    /* A changed setting, then a changed input: asked again. */
    node_set_setting(&n, "a", "y");
    msg = r->check(r->host, t, sa, &n, node_setting(&n, "a"));
    assert_string_equal(msg, "call 2");
    free(msg);
    sql = r->render_sql(r->host, t, &n, &err);
    assert_non_null(strstr(sql, "SELECT 2 AS r"));
    free(sql);
    free(n.inputs[0]);
    n.inputs[0] = xstrdup("elsewhere");
    sql = r->render_sql(r->host, t, &n, &err);
    assert_non_null(strstr(sql, "SELECT 3 AS r FROM \"elsewhere\""));
    free(sql);
    assert_null(err);
    node_free(&n);
    plugin_host_free(h);
}

static void test_render_sql(void **state)
{
    (void)state;
    put("pipe", "filter.lua", callbacks_lua);
    plugin_host *h = load();
    node_registry *r = plugin_host_registry(h);
    node n;
    make_node(&n, NODE_TRANSFORM, "filter");
    node_set_setting(&n, "where", "amount > 1");
    char *err = NULL;
    char *sql = r->render_sql(r->host, find(r, NODE_TRANSFORM, "filter"), &n, &err);
    assert_null(err);
    assert_non_null(sql);
    /* min's default (5) reaches the template as an integer. */
    assert_string_equal(sql, "SELECT * FROM \"orders\" WHERE amount > 1 AND n >= 5");
    free(sql);

    sql = r->render_sql(r->host, find(r, NODE_TRANSFORM, "badsql"), &n, &err);
    assert_null(sql);
    assert_non_null(err);
    print_message("%s\n", err);
    assert_true(strncmp(err, "plugins/filter.lua:20: ", 23) == 0);
    free(err);
    sql = r->render_sql(r->host, find(r, NODE_TRANSFORM, "numsql"), &n, &err);
    assert_null(sql);
    assert_string_equal(err,
                        "plugins/filter.lua:21: sql(node) returned a number; return a SELECT (a "
                        "string)");
    free(err);
    node_free(&n);
    plugin_host_free(h);
}

/* ---- max_inputs, as validation reports it ---- */

static const char max_inputs_lua[] =
    "weir.node_type { kind = 'source', name = 'raw', title = 'R', description = 'd',\n"
    "    sample = false, records = function() return {} end }\n"
    "weir.node_type { kind = 'transform', name = 'single', title = 'S', description = 'd',\n"
    "    max_inputs = 1, record = function(r) return r end }\n"
    "weir.node_type { kind = 'transform', name = 'upto3', title = 'U', description = 'd',\n"
    "    max_inputs = 3, record = function(r) return r end }\n"
    "weir.node_type { kind = 'sink', name = 'one_sink', title = 'O', description = 'd',\n"
    "    max_inputs = 1 }\n"
    "weir.node_type { kind = 'sink', name = 'any_sink', title = 'A', description = 'd' }\n";

/* The error a node's inputs get, or NULL. */
static const diag *inputs_error(const diag_list *diags, const char *id)
{
    for (size_t i = 0; i < diags->n; i++) {
        const diag *d = &diags->items[i];
        if (d->node_id && strcmp(d->node_id, id) == 0 && strstr(d->message, " reads "))
            return d;
    }
    return NULL;
}

static void test_max_inputs_validation(void **state)
{
    (void)state;
    put("pipe", "types.lua", max_inputs_lua);
    strbuf y;
    strbuf_init(&y);
    strbuf_puts(&y, "weir: 1\n\npipeline:\n  name: p\n\nsources:\n"); /* lines 1-6 */
    for (int i = 1; i <= 12; i++)                                     /* lines 7-30 */
        strbuf_printf(&y, "  s%d:\n    type: raw\n", i);
    strbuf_puts(&y, "\ntransforms:\n"                                       /* 31-32 */
                    "  big:\n    type: single\n    inputs: [s1, s2]\n"      /* 33-35 */
                    "  fine:\n    type: single\n    inputs: [s1]\n"         /* 36-38 */
                    "  four:\n    type: upto3\n    inputs:\n"               /* 39-41 */
                    "      - s1\n      - s2\n      - s3\n      - big\n"     /* 42-45 */
                    "  three:\n    type: upto3\n    inputs: [s1, s2, s3]\n" /* 46-48 */
                    "  many:\n    type: upto3\n    inputs: [s1, s2, s3, s4, s5, s6, s7, s8, "
                    "s9, s10, s11, s12]\n"                                    /* 49-51 */
                    "\nsinks:\n"                                              /* 52-53 */
                    "  out:\n    type: one_sink\n    inputs: [fine, three]\n" /* 54-56 */
                    "  every:\n    type: any_sink\n"                          /* 57-58 */
                    "    inputs: [big, fine, four, three, many]\n");          /* 59 */
    put("pipe", "pipeline.yaml", y.data);
    strbuf_free(&y);

    plugin_host *h = load();
    node_registry_use(plugin_host_registry(h));
    dump_problems(plugin_host_registry(h));
    assert_int_equal(plugin_host_registry(h)->problems.n, 0);
    pipeline p;
    pipeline_init(&p);
    diag_list diags;
    diag_list_init(&diags);
    pipeline_check_folder(pipe_dir, &p, &diags);
    char line[2048];
    for (size_t i = 0; i < diags.n; i++) {
        diag_format(&diags.items[i], line, sizeof(line));
        print_message("  %s\n", line);
    }

    /* At the inputs, not at a setting; "one input" when the limit is 1. */
    const diag *d = inputs_error(&diags, "big");
    assert_non_null(d);
    assert_int_equal(d->severity, DIAG_ERROR);
    assert_string_equal(d->path, "pipeline.yaml");
    assert_string_equal(d->message, "single 'big' reads one input; it has 2 (inputs: s1, s2)");
    assert_int_equal(d->line, 35);
    assert_int_equal(d->col, 13);
    d = inputs_error(&diags, "four");
    assert_non_null(d);
    assert_string_equal(d->message,
                        "upto3 'four' reads at most 3 inputs; it has 4 (inputs: s1, s2, s3, big)");
    assert_int_equal(d->line, 42);
    assert_int_equal(d->col, 7);
    /* A long list is cut after ten ids; the count is whole. */
    d = inputs_error(&diags, "many");
    assert_non_null(d);
    assert_string_equal(d->message,
                        "upto3 'many' reads at most 3 inputs; it has 12 (inputs: s1, s2, s3, s4, "
                        "s5, s6, s7, s8, s9, s10, ...)");
    assert_int_equal(d->line, 51);
    /* Sinks too. */
    d = inputs_error(&diags, "out");
    assert_non_null(d);
    assert_string_equal(d->message,
                        "one_sink 'out' reads one input; it has 2 (inputs: fine, three)");
    assert_int_equal(d->line, 56);
    /* Within the limit, or no limit: nothing said. */
    assert_null(inputs_error(&diags, "fine"));
    assert_null(inputs_error(&diags, "three"));
    assert_null(inputs_error(&diags, "every"));
    assert_int_equal(diags.n_errors, 4);

    diag_list_free(&diags);
    pipeline_free(&p);
    node_registry_use(NULL);
    plugin_host_free(h);
}

/* ---- the shipped set ---- */

static void test_shipped_set_loads(void **state)
{
    (void)state;
    plugin_host_options o = {.config_dir = ""};
    plugin_host *h = plugin_host_load(NULL, &o);
    const node_registry *r = plugin_host_registry(h);
    dump_problems(r);
    assert_int_equal(r->problems.n, 0);
    assert_int_equal(r->n_files, plugin_shipped_count);
    assert_true(r->n_types >= 10);
    for (size_t i = 0; i < r->n_files; i++) {
        assert_int_equal(r->files[i].origin, PLUGIN_SHIPPED);
        /* Never "plugins/NAME.lua", which is a pipeline's own file. */
        assert_true(strncmp(r->files[i].path, "weir:plugins/", 13) == 0);
    }
    /* The one-input templates say so in their declaration (max_inputs),
     * not in a check of one of their settings. */
    static const char *const one_input[] = {"filter", "select", "dedupe", "tumbling_window",
                                            "hopping_window"};
    for (size_t i = 0; i < sizeof(one_input) / sizeof(one_input[0]); i++)
        assert_int_equal(find(r, NODE_TRANSFORM, one_input[i])->max_inputs, 1);
    assert_int_equal(find(r, NODE_TRANSFORM, "sql")->max_inputs, 0);
    assert_int_equal(find(r, NODE_SINK, "stdout")->max_inputs, 0);
    print_message("shipped set: %zu files, %zu types, loaded in %.0f us\n", r->n_files, r->n_types,
                  plugin_host_load_us(h));
    plugin_host_free(h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_declaration_fields, setup, teardown),
        cmocka_unit_test_setup_teardown(test_declaration_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_not_a_table, setup, teardown),
        cmocka_unit_test_setup_teardown(test_search_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_user_over_shipped, setup, teardown),
        cmocka_unit_test_setup_teardown(test_shadows_true_is_silent, setup, teardown),
        cmocka_unit_test_setup_teardown(test_same_folder_duplicate, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kinds_are_separate, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pipeline_is_config_folder, setup, teardown),
        cmocka_unit_test_setup_teardown(test_broken_isolation, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_declaration_is_broken_type, setup, teardown),
        cmocka_unit_test_setup_teardown(test_file_too_large, setup, teardown),
        cmocka_unit_test_setup_teardown(test_folder_file_limit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_settings_limit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_endless_loop, setup, teardown),
        cmocka_unit_test_setup_teardown(test_endless_loop_under_pcall, setup, teardown),
        cmocka_unit_test_setup_teardown(test_memory_bomb, setup, teardown),
        cmocka_unit_test_setup_teardown(test_memory_full_when_declaring, setup, teardown),
        cmocka_unit_test_setup_teardown(test_too_many_declarations, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_io_no_os, setup, teardown),
        cmocka_unit_test_setup_teardown(test_capability_refused_then_allowed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_shipped_get_no_capability, setup, teardown),
        cmocka_unit_test_setup_teardown(test_allow_file_bad_lines, setup, teardown),
        cmocka_unit_test_setup_teardown(test_files_do_not_share_globals, setup, teardown),
        cmocka_unit_test_setup_teardown(test_check_callback, setup, teardown),
        cmocka_unit_test_setup_teardown(test_render_sql, setup, teardown),
        cmocka_unit_test_setup_teardown(test_answers_remembered, setup, teardown),
        cmocka_unit_test_setup_teardown(test_max_inputs_validation, setup, teardown),
        cmocka_unit_test_setup_teardown(test_shipped_set_loads, setup, teardown),
    };
    return cmocka_run_group_tests_name("plugins", tests, NULL, NULL);
}
