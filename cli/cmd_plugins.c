/* weir plugins [DIR] [--format text|json]: every node type in the registry
 * and where it came from, then the shadowed declarations and the plugin
 * problems (broken files, refused declarations).  Exit 1 when a plugin file
 * is broken or a declaration was refused.
 *
 * Paths are printed as the user can open them from the current folder: the
 * pipeline's plugins/NAME.lua as DIR/plugins/NAME.lua (as `weir validate
 * DIR` prints them), the user's as their full path, and the shipped ones as
 * weir:plugins/NAME.lua (built into weir; no file on disk). */
#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "fsutil.h"
#include "host.h"
#include "util.h"

static const char *const contribution_names[] = {"sample", "records", "code",
                                                 "sql",    "record",  "show"};

/* The folder the pipeline's paths are relative to, as the user wrote it;
 * NULL when they are relative to the current folder already. */
static const char *shown_dir;

/* Only the pipeline's plugin paths are relative ("plugins/NAME.lua", or
 * "plugins" for the folder itself): the user's are absolute and the
 * shipped ones start with "weir:". */
static bool pipeline_path(const char *path)
{
    return path && strncmp(path, "plugins", 7) == 0 && (path[7] == '\0' || path[7] == '/');
}

/* path as openable from the current folder (malloc'd). */
static char *shown(const char *path)
{
    if (!path)
        return xstrdup("");
    if (!shown_dir || !pipeline_path(path))
        return xstrdup(path);
    size_t n = strlen(shown_dir);
    return xasprintf("%s%s%s", shown_dir, n && shown_dir[n - 1] == '/' ? "" : "/", path);
}

/* A "path:line: message" text that starts with path, shown as above. */
static char *shown_error(const char *text, const char *path)
{
    size_t n = strlen(path);
    if (!shown_dir || !pipeline_path(path) || strncmp(text, path, n) != 0)
        return xstrdup(text);
    char *p = shown(path);
    char *out = xasprintf("%s%s", p, text + n);
    free(p);
    return out;
}

static void print_text(plugin_host *h)
{
    const node_registry *r = plugin_host_registry(h);
    int w_name = 4, w_title = 5, w_origin = 6;
    for (size_t i = 0; i < r->n_types; i++) {
        const node_type *t = &r->types[i];
        int n = (int)strlen(t->name), ti = (int)strlen(t->title);
        int o = (int)strlen(plugin_origin_name(t->plugin->origin));
        w_name = n > w_name ? n : w_name;
        w_title = ti > w_title ? ti : w_title;
        w_origin = o > w_origin ? o : w_origin;
    }
    if (w_title > 40)
        w_title = 40;
    printf("%-9s  %-*s  %-*s  %-*s  %s\n", "KIND", w_name, "NAME", w_title, "TITLE", w_origin,
           "ORIGIN", "FILE");
    for (size_t i = 0; i < r->n_types; i++) {
        const node_type *t = &r->types[i];
        char *path = shown(t->plugin->path);
        printf("%-9s  %-*s  %-*.*s  %-*s  %s:%d\n", node_kind_name(t->kind), w_name, t->name,
               w_title, w_title, t->title, w_origin, plugin_origin_name(t->plugin->origin), path,
               t->line);
        free(path);
    }
    if (r->n_types == 0)
        printf("(no node types)\n");

    size_t n_shadowed = plugin_host_shadowed_count(h);
    if (n_shadowed) {
        printf("\nShadowed (not used):\n");
        for (size_t i = 0; i < n_shadowed; i++) {
            const plugin_shadowed *s = plugin_host_shadowed_at(h, i);
            char *path = shown(s->plugin->path), *by = shown(s->by->path);
            printf("  %s %s  %s:%d (%s)  by %s:%d (%s)%s\n", node_kind_name(s->kind), s->name, path,
                   s->line, plugin_origin_name(s->plugin->origin), by, s->by_line,
                   plugin_origin_name(s->by->origin),
                   s->deliberate ? ", which says shadows = true" : "");
            free(path);
            free(by);
        }
    }

    /* Every other problem: broken files, refused declarations, plugins.allow.
     * Shadowing warnings were listed above. */
    size_t n_shown = 0;
    char line[2048];
    for (size_t i = 0; i < r->problems.n; i++) {
        const diag *d = &r->problems.items[i];
        if (d->severity == DIAG_WARNING && strstr(d->message, " is shadowed by "))
            continue;
        if (!n_shown++)
            printf("\nProblems:\n");
        diag_format(d, line, sizeof(line));
        char *text = shown_error(line, d->path ? d->path : "");
        printf("  %s\n", text);
        free(text);
    }
}

/* A JSON string array of a choice setting's "a|b|c". */
static json_t *choices_json(const char *choices)
{
    json_t *a = json_array();
    for (const char *p = choices; p && *p;) {
        const char *bar = strchr(p, '|');
        size_t n = bar ? (size_t)(bar - p) : strlen(p);
        json_array_append_new(a, json_stringn(p, n));
        p = bar ? bar + 1 : NULL;
    }
    return a;
}

/* A default as the JSON value of its setting's type: integers and numbers
 * as numbers, booleans as booleans, the rest as strings.  The host wrote
 * the text itself (decl.c), so it parses; if not, the text stays a string. */
static json_t *default_json(const setting_spec *s)
{
    const char *text = s->default_value;
    if (!text)
        return json_null();
    char *end;
    errno = 0;
    if (s->type == SETTING_INTEGER) {
        long long v = strtoll(text, &end, 10);
        if (*text && !*end && errno == 0)
            return json_integer((json_int_t)v);
    } else if (s->type == SETTING_NUMBER) {
        double v = strtod(text, &end);
        if (*text && !*end && isfinite(v))
            return json_real(v);
    } else if (s->type == SETTING_BOOLEAN) {
        if (strcmp(text, "true") == 0 || strcmp(text, "false") == 0)
            return json_boolean(text[0] == 't');
    }
    return json_string(text);
}

/* min and max when the declaration set them (an unset bound of an integer
 * setting is LLONG_MIN / LLONG_MAX, of a number setting infinite). */
static void bounds_json(json_t *so, const setting_spec *s)
{
    if (s->type == SETTING_INTEGER && s->min < s->max) {
        if (s->min != LLONG_MIN)
            json_object_set_new(so, "min", json_integer((json_int_t)s->min));
        if (s->max != LLONG_MAX)
            json_object_set_new(so, "max", json_integer((json_int_t)s->max));
    } else if (s->type == SETTING_NUMBER && s->number_min < s->number_max) {
        if (isfinite(s->number_min))
            json_object_set_new(so, "min", json_real(s->number_min));
        if (isfinite(s->number_max))
            json_object_set_new(so, "max", json_real(s->number_max));
    }
}

static json_t *path_json(const char *path)
{
    char *p = shown(path);
    json_t *j = json_string(p);
    free(p);
    return j;
}

static json_t *type_json(const node_type *t)
{
    json_t *o = json_object();
    json_object_set_new(o, "kind", json_string(node_kind_name(t->kind)));
    json_object_set_new(o, "name", json_string(t->name));
    json_object_set_new(o, "title", json_string(t->title));
    json_object_set_new(o, "description", json_string(t->description));
    json_object_set_new(o, "origin", json_string(plugin_origin_name(t->plugin->origin)));
    json_object_set_new(o, "path", path_json(t->plugin->path));
    json_object_set_new(o, "line", json_integer(t->line));
    if (t->max_inputs > 0)
        json_object_set_new(o, "max_inputs", json_integer(t->max_inputs));
    json_t *c = json_array();
    for (size_t b = 0; b < sizeof(contribution_names) / sizeof(contribution_names[0]); b++)
        if (t->contributes & (1u << b))
            json_array_append_new(c, json_string(contribution_names[b]));
    json_object_set_new(o, "contributes", c);
    if (t->code_lang)
        json_object_set_new(o, "code_language", json_string(t->code_lang));
    json_t *settings = json_array();
    for (size_t i = 0; i < t->n_settings; i++) {
        const setting_spec *s = &t->settings[i];
        json_t *so = json_object();
        json_object_set_new(so, "name", json_string(s->name));
        json_object_set_new(so, "type", json_string(setting_type_name(s->type)));
        json_object_set_new(so, "required", json_boolean(s->required));
        json_object_set_new(so, "default", default_json(s));
        if (s->choices)
            json_object_set_new(so, "choices", choices_json(s->choices));
        bounds_json(so, s);
        json_object_set_new(so, "help", json_string(s->help ? s->help : ""));
        json_array_append_new(settings, so);
    }
    json_object_set_new(o, "settings", settings);
    return o;
}

static void print_json(plugin_host *h)
{
    const node_registry *r = plugin_host_registry(h);
    json_t *root = json_object();
    json_t *types = json_array();
    for (size_t i = 0; i < r->n_types; i++)
        json_array_append_new(types, type_json(&r->types[i]));
    json_object_set_new(root, "types", types);
    json_t *shadowed = json_array();
    for (size_t i = 0; i < plugin_host_shadowed_count(h); i++) {
        const plugin_shadowed *s = plugin_host_shadowed_at(h, i);
        json_t *o = json_object();
        json_object_set_new(o, "kind", json_string(node_kind_name(s->kind)));
        json_object_set_new(o, "name", json_string(s->name));
        json_object_set_new(o, "path", path_json(s->plugin->path));
        json_object_set_new(o, "line", json_integer(s->line));
        json_object_set_new(o, "origin", json_string(plugin_origin_name(s->plugin->origin)));
        json_object_set_new(o, "by_path", path_json(s->by->path));
        json_object_set_new(o, "by_line", json_integer(s->by_line));
        json_object_set_new(o, "by_origin", json_string(plugin_origin_name(s->by->origin)));
        json_object_set_new(o, "deliberate", json_boolean(s->deliberate));
        json_array_append_new(shadowed, o);
    }
    json_object_set_new(root, "shadowed", shadowed);
    json_t *files = json_array();
    for (size_t i = 0; i < r->n_files; i++) {
        const plugin_file *f = &r->files[i];
        json_t *o = json_object();
        json_object_set_new(o, "path", path_json(f->path));
        json_object_set_new(o, "origin", json_string(plugin_origin_name(f->origin)));
        if (f->error) {
            char *e = shown_error(f->error, f->path);
            json_object_set_new(o, "error", json_string(e));
            free(e);
        } else {
            json_object_set_new(o, "error", json_null());
        }
        json_array_append_new(files, o);
    }
    json_object_set_new(root, "files", files);
    json_t *problems = json_array();
    for (size_t i = 0; i < r->problems.n; i++) {
        const diag *d = &r->problems.items[i];
        json_t *o = json_object();
        json_object_set_new(o, "path", path_json(d->path));
        json_object_set_new(o, "line", json_integer(d->line));
        json_object_set_new(o, "severity",
                            json_string(d->severity == DIAG_ERROR ? "error" : "warning"));
        json_object_set_new(o, "message", json_string(d->message));
        json_array_append_new(problems, o);
    }
    json_object_set_new(root, "problems", problems);
    char *text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    puts(text);
    free(text);
    json_decref(root);
}

int cmd_plugins(int argc, char **argv)
{
    const char *dir = NULL, *format = "text";
    bool options = true; /* until "--" */
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int got = options ? cli_option_value("plugins", argc, argv, &i, "--format", &format) : 0;
        if (got < 0)
            return EXIT_USAGE;
        if (got > 0)
            continue;
        if (cli_other_arg("plugins", &options, &dir, a) != EXIT_OK)
            return EXIT_USAGE;
    }
    if (strcmp(format, "text") != 0 && strcmp(format, "json") != 0)
        return cli_usage_error("plugins", "--format is text or json, not '%s'", format);
    /* Without DIR, the current folder counts as a pipeline only when it is
     * one: weir's own source tree has a plugins/ folder too. */
    const char *pipeline = dir;
    if (dir && !fs_is_dir(dir)) {
        fprintf(stderr, "weir plugins: '%s' is not a folder\n", dir);
        return EXIT_USAGE;
    }
    if (!dir && fs_exists("pipeline.yaml"))
        pipeline = ".";

    /* Pipeline paths as openable from here, as `weir validate DIR` shows them. */
    shown_dir = pipeline && strcmp(pipeline, ".") != 0 ? pipeline : NULL;
    plugin_host *h = plugin_host_load(pipeline, NULL);
    if (strcmp(format, "json") == 0)
        print_json(h);
    else
        print_text(h);
    int rc = plugin_host_errors(h) ? EXIT_FAIL : EXIT_OK;
    plugin_host_free(h);
    return rc;
}
