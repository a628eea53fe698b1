/* weir validate [DIR] [--format text|json] [--quiet] */
#include <jansson.h>
#include <string.h>

#include "cli.h"
#include "codecheck.h"
#include "validate.h"

static void use_plugins(void *dir)
{
    cli_use_plugins(dir, NULL);
}

static void print_json(const diag_list *diags, bool valid)
{
    json_t *list = json_array();
    for (size_t i = 0; i < diags->n; i++) {
        const diag *d = &diags->items[i];
        json_t *o = json_object();
        json_object_set_new(o, "path", json_string(d->path ? d->path : "pipeline.yaml"));
        json_object_set_new(o, "line", json_integer(d->line));
        json_object_set_new(o, "col", json_integer(d->col));
        json_object_set_new(o, "severity",
                            json_string(d->severity == DIAG_ERROR ? "error" : "warning"));
        json_object_set_new(o, "node", d->node_id ? json_string(d->node_id) : json_null());
        json_object_set_new(o, "message", json_string(d->message));
        json_array_append_new(list, o);
    }
    json_t *root = json_object();
    json_object_set_new(root, "valid", json_boolean(valid));
    json_object_set_new(root, "errors", json_integer((json_int_t)diags->n_errors));
    json_object_set_new(root, "warnings", json_integer((json_int_t)diags->n_warnings));
    json_object_set_new(root, "diagnostics", list);
    char *text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    puts(text);
    free(text);
    json_decref(root);
}

int cmd_validate(int argc, char **argv)
{
    const char *dir = NULL, *format = "text";
    bool quiet = false, code = false;
    bool options = true; /* until "--" */
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int got = options ? cli_option_value("validate", argc, argv, &i, "--format", &format) : 0;
        if (got < 0)
            return EXIT_USAGE;
        if (got > 0)
            continue;
        if (options && (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0)) {
            quiet = true;
        } else if (options && strcmp(a, "--code") == 0) {
            code = true;
        } else if (cli_other_arg("validate", &options, &dir, a) != EXIT_OK) {
            return EXIT_USAGE;
        }
    }
    if (strcmp(format, "text") != 0 && strcmp(format, "json") != 0)
        return cli_usage_error("validate", "--format is text or json, not '%s'", format);
    if (!dir)
        dir = ".";
    /* The node types' plugins load on the loader's second thread while
     * pipeline.yaml is read.  The pipeline's own plugins are part of it:
     * their problems are counted below; the user's and the shipped ones
     * only warn. */
    pipeline p;
    diag_list diags;
    diag_list_init(&diags);
    bool loaded = pipeline_check_folder_with(dir, use_plugins, (void *)dir, &p, &diags);
    cli_report_plugin_problems(dir, stderr, false);
    if (loaded) {
        cli_pipeline_plugin_problems(&diags);
        diag_list_sort(&diags);
    }
    /* SQL and Lua are checked only on a pipeline whose shape is sound: an
     * input that names no node would only repeat as SQL errors. */
    if (code && loaded && diags.n_errors == 0) {
        code_check(&p, &diags);
        diag_list_sort(&diags);
    }
    bool valid = loaded && diags.n_errors == 0;
    /* A folder that is not there, or has no pipeline.yaml, is an I/O error. */
    bool io_error = !loaded && diags.n == 1 && diags.items[0].line == 0;

    if (!quiet) {
        if (strcmp(format, "json") == 0) {
            print_json(&diags, valid);
        } else {
            cli_print_diags(valid ? stdout : stderr, &diags, dir);
            if (valid)
                printf("%s: valid (%zu nodes%s%zu warning%s)\n", p.name ? p.name : dir, p.n_nodes,
                       ", ", diags.n_warnings, diags.n_warnings == 1 ? "" : "s");
            else if (!io_error)
                fprintf(stderr, "%zu error%s, %zu warning%s\n", diags.n_errors,
                        diags.n_errors == 1 ? "" : "s", diags.n_warnings,
                        diags.n_warnings == 1 ? "" : "s");
        }
    }
    /* The process ends right after this, and freeing a 10,000-node
     * pipeline one string at a time was a tenth of the run (bench/README.md,
     * "validate and fmt"): the exit frees it.  It stays reachable from this
     * static (freed by a next call), so leak checkers do not report it. */
    static pipeline kept;
    pipeline_free(&kept);
    kept = p;
    diag_list_free(&diags);
    return valid ? EXIT_OK : io_error ? EXIT_USAGE : EXIT_FAIL;
}
