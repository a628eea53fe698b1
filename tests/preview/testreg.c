/* testreg: see testreg.h. */
#include "testreg.h"

#include <stdlib.h>
#include <string.h>

enum { MAX_TYPES = 64, MAX_FILES = 32, MAX_BROKEN = 8 };

static node_type types[MAX_TYPES];
static broken_type broken[MAX_BROKEN];
static plugin_file files[MAX_FILES];
static node_registry reg;
static const node_registry *previous;
static bool in_use;

static void free_files(void)
{
    for (size_t i = 0; i < reg.n_files; i++) {
        free(files[i].path);
        free(files[i].source);
        free(files[i].error);
    }
    for (size_t i = 0; i < reg.n_broken; i++)
        free(broken[i].name);
    memset(broken, 0, sizeof(broken));
    memset(files, 0, sizeof(files));
}

void testreg_begin(void)
{
    if (in_use)
        testreg_end();
    free_files();
    memset(types, 0, sizeof(types));
    memset(&reg, 0, sizeof(reg));
    reg.types = types;
    reg.files = files;
    reg.broken = broken;
}

const plugin_file *testreg_file(const char *path, const char *source, unsigned caps_allowed)
{
    if (reg.n_files == MAX_FILES)
        abort();
    plugin_file *f = &files[reg.n_files++];
    f->path = strdup(path);
    f->source = strdup(source);
    f->source_len = strlen(source);
    f->caps_allowed = caps_allowed;
    f->origin = PLUGIN_PIPELINE;
    return f;
}

node_type *testreg_type(node_kind kind, const char *name, unsigned contributes,
                        const plugin_file *f, int line, const setting_spec *settings,
                        size_t n_settings)
{
    if (reg.n_types == MAX_TYPES)
        abort();
    node_type *t = &types[reg.n_types++];
    memset(t, 0, sizeof(*t));
    t->name = name;
    t->kind = kind;
    t->title = name;
    t->description = name;
    t->contributes = contributes;
    t->plugin = f;
    t->line = line;
    t->settings = settings;
    t->n_settings = n_settings;
    return t;
}

void testreg_broken(const char *name, const char *path, const char *error)
{
    if (reg.n_broken == MAX_BROKEN)
        abort();
    plugin_file *f = (plugin_file *)testreg_file(path, "", 0);
    f->error = strdup(error);
    broken[reg.n_broken].name = strdup(name);
    broken[reg.n_broken++].plugin = f;
}

void testreg_use(void)
{
    node_registry_sort(&reg);
    if (!in_use)
        previous = node_registry_current();
    in_use = true;
    node_registry_use(&reg);
}

void testreg_end(void)
{
    if (!in_use)
        return;
    node_registry_use(previous);
    in_use = false;
}

static const setting_spec sample_settings[] = {
    {.name = "sample", .type = SETTING_FILE},
    {.name = "sample_format", .type = SETTING_CHOICE, .choices = "jsonl|csv"},
    {.name = "delimiter", .type = SETTING_STRING},
    {.name = "limit", .type = SETTING_INTEGER},
    {.name = "schema", .type = SETTING_SCHEMA},
    {.name = "path", .type = SETTING_STRING},
    {.name = "format", .type = SETTING_STRING},
};

void testreg_use_standard(void)
{
    testreg_begin();
    /* Declarations only: these types run no plugin code in preview. */
    const plugin_file *f = testreg_file("plugins/standard.lua", "-- declared by hand\n", 0);
    testreg_type(NODE_SOURCE, "file", NT_SAMPLE, f, 1, sample_settings,
                 sizeof(sample_settings) / sizeof(sample_settings[0]));
    node_type *sql = testreg_type(NODE_TRANSFORM, "sql", NT_CODE, f, 2, NULL, 0);
    sql->code_setting = "sql";
    sql->code_dir = "sql";
    sql->code_ext = ".sql";
    sql->code_lang = "sql";
    node_type *lua = testreg_type(NODE_TRANSFORM, "lua", NT_CODE, f, 3, NULL, 0);
    lua->code_setting = "lua";
    lua->code_dir = "lua";
    lua->code_ext = ".lua";
    lua->code_lang = "lua";
    testreg_type(NODE_SINK, "stdout", 0, f, 4, NULL, 0);
    testreg_use();
}
