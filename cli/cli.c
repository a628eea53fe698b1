#include "cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const cli_command commands[] = {
    {"new", cmd_new, "Create a pipeline folder that validates at once",
     "usage: weir new DIR [--name NAME]\n"
     "\n"
     "Creates DIR with pipeline.yaml, layout.yaml, a sample source with sample\n"
     "data, a SQL transform, a Lua transform and a sink.  DIR must not exist or\n"
     "must be empty.\n"},
    {"validate", cmd_validate, "Check a pipeline and report every problem",
     "usage: weir validate [DIR] [--code] [--format text|json] [--quiet]\n"
     "\n"
     "Loads the pipeline in DIR (default: the current folder) and reports every\n"
     "problem as path:line:col: severity: message.\n"
     "\n"
     "  --format json   one JSON object: {\"valid\": bool, \"errors\": n, ...,\n"
     "                  \"diagnostics\": [{path, line, col, severity, node, message}]}\n"
     "  --code          also check the transforms as code: each SQL file is\n"
     "                  prepared against its inputs' schemas (read from the\n"
     "                  samples), each generated SELECT (filter, windows, ...)\n"
     "                  is run on the samples, and each Lua file is compiled;\n"
     "                  for CI\n"
     "  -q, --quiet     print nothing; only the exit code speaks\n"
     "\n"
     "Exit status: 0 valid (warnings allowed), 1 invalid, 2 usage or I/O error.\n"},
    {"fmt", cmd_fmt, "Rewrite pipeline files in canonical form",
     "usage: weir fmt [DIR] [--check]\n"
     "\n"
     "Rewrites pipeline.yaml and layout.yaml canonically (fixed key order, nodes\n"
     "sorted by id, stable quoting), and writes the SQL that template transforms\n"
     "(filter, windows, ...) generate to sql/ID.sql.  Every write is atomic.\n"
     "\n"
     "  --check   write nothing; list the files that would change and exit 1\n"
     "            if any would (for CI and pre-commit hooks)\n"},
    {"graph", cmd_graph, "Print the pipeline graph as dot, mermaid or ascii",
     "usage: weir graph [DIR] [--format dot|mermaid|ascii]\n"
     "\n"
     "Prints the topology to standard output (default format: ascii).\n"},
    {"preview", cmd_preview, "Run the pipeline on sample data and print a node's output",
     "usage: weir preview [DIR] NODE [--limit N] [--format table|jsonl|csv] [--budget SECONDS]\n"
     "\n"
     "Runs NODE and everything upstream of it on the sources' sample data.\n"
     "\n"
     "  --limit N       read at most N records from each source's sample (the\n"
     "                  node's own output may be larger or smaller)\n"
     "  --format F      table (default), jsonl or csv\n"
     "  --budget S      stop a SQL query or Lua call after S seconds (default 1)\n"
     "\n"
     "Exit status: 0 ok, 1 the node failed, 2 usage or I/O error.\n"},
    {"commit", cmd_commit, "Save, validate and commit the pipeline's files",
     "usage: weir commit [DIR] -m MSG [--allow-invalid] [--detach-ok] [--no-bump]\n"
     "                   [--init] [--identity 'NAME <EMAIL>']\n"
     "\n"
     "Commits only the pipeline's artifacts (pipeline.yaml, layout.yaml,\n"
     ".gitattributes, sql/, lua/, samples/, plugins/); other staged or unstaged\n"
     "work is left as it was.  Bumps pipeline.version when nodes, edges,\n"
     "settings, SQL or Lua changed since HEAD.\n"
     "\n"
     "  --allow-invalid  commit even when the pipeline does not validate\n"
     "  --detach-ok      commit on a detached HEAD\n"
     "  --no-bump        leave pipeline.version as it is\n"
     "  --init           create a repository in DIR when there is none\n"
     "  --identity 'NAME <EMAIL>'  store the author in the repository's config\n"
     "\n"
     "See docs/git.md.\n"},
    {"log", cmd_log, "List the commits that touched the pipeline",
     "usage: weir log [DIR] [--format text|json] [-n N]\n"
     "\n"
     "Lists the commits that changed the pipeline's files, newest first, with\n"
     "author, date, summary and the pipeline version at that commit.\n"},
    {"diff", cmd_diff, "Compare versions as a graph: nodes and edges added, removed, changed",
     "usage: weir diff [DIR] [REV [REV]] [--color|--no-color]\n"
     "\n"
     "With no REV, compares HEAD with the working folder; with one, REV with the\n"
     "working folder; with two, the first with the second.\n"},
    {"plugins", cmd_plugins, "List every node type and the plugin file it came from",
     "usage: weir plugins [DIR] [--format text|json]\n"
     "\n"
     "Loads the node types as every other command does: the pipeline's own\n"
     "plugins/ (DIR, or the current folder when it holds a pipeline.yaml), then\n"
     "$XDG_CONFIG_HOME/weir/plugins (default ~/.config/weir/plugins), then the\n"
     "plugins shipped with weir.  Prints each type's kind, name, title, origin\n"
     "and file:line; then the declarations shadowed by an earlier one, and every\n"
     "plugin problem (a broken file, a refused declaration) as path:line.\n"
     "\n"
     "  --format json   one JSON object: {\"types\": [...], \"shadowed\": [...],\n"
     "                  \"files\": [...], \"problems\": [...]}\n"
     "\n"
     "See docs/plugins.md.\n"
     "\n"
     "Exit status: 0 every plugin loaded, 1 a plugin file is broken or a\n"
     "declaration was refused, 2 usage error.\n"},
    {"merge-driver", cmd_merge_driver, "Git merge driver for pipeline.yaml and layout.yaml",
     "usage: weir merge-driver BASE OURS THEIRS [PATH]\n"
     "\n"
     "Configure with:\n"
     "  git config merge.weir.driver 'weir merge-driver %O %A %B %P'\n"
     "  echo 'pipeline.yaml merge=weir' >> .gitattributes\n"},
};

const cli_command *cli_find(const char *name)
{
    for (size_t i = 0; i < COUNT(commands); i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

bool cli_handles(const char *arg)
{
    return cli_find(arg) || strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0 ||
           strcmp(arg, "--version") == 0 || strcmp(arg, "help") == 0;
}

static void print_help(FILE *out)
{
    fputs("usage: weir [--ascii] [DIR]    open the pipeline in DIR (default: .) on the canvas\n"
          "       weir COMMAND [ARGS]\n"
          "       weir --version\n\n"
          "  --ascii   draw with plain ASCII (automatic when the locale is not UTF-8)\n\n"
          "Commands:\n",
          out);
    for (size_t i = 0; i < COUNT(commands); i++)
        fprintf(out, "  %-13s %s\n", commands[i].name, commands[i].summary);
    fputs("\nRun 'weir COMMAND --help' for a command's options.\n", out);
}

bool cli_wants_help(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0)
            break;
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
            return true;
    }
    return false;
}

int cli_usage_error(const char *command, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "weir %s: ", command);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    const cli_command *cmd = cli_find(command);
    if (cmd) {
        const char *nl = strchr(cmd->usage, '\n');
        fprintf(stderr, "%.*s\n", nl ? (int)(nl - cmd->usage) : (int)strlen(cmd->usage),
                cmd->usage);
    }
    return EXIT_USAGE;
}

void cli_put_text(FILE *out, const char *s)
{
    /* Messages may quote what a plugin or a file said: control characters
     * would move the cursor, clear the screen or retitle the terminal, and
     * a runaway message would flood it.  One line, bounded, printable. */
    enum { MAX_TEXT = 4096 };
    size_t n = 0;
    for (; *s && n < MAX_TEXT; s++, n++) {
        unsigned char c = (unsigned char)*s;
        fputc(c == '\t' || c == '\n' ? ' ' : c < 0x20 || c == 0x7f ? '?' : c, out);
    }
    if (*s)
        fputs("…", out);
}

void cli_print_diags(FILE *out, const diag_list *diags, const char *dir)
{
    char line[2048];
    bool here = !dir || strcmp(dir, ".") == 0;
    for (size_t i = 0; i < diags->n; i++) {
        diag_format(&diags->items[i], line, sizeof(line));
        /* Paths outside the folder (a shipped plugin, weir:plugins/...,
         * or a user's, absolute) are shown as they are. */
        const char *path = diags->items[i].path;
        bool outside = path && (strncmp(path, "weir:", 5) == 0 || path[0] == '/');
        if (!here && !outside)
            fprintf(out, "%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/");
        cli_put_text(out, line);
        fputc('\n', out);
    }
}

int cli_option_value(const char *command, int argc, char **argv, int *i, const char *name,
                     const char **value)
{
    const char *a = argv[*i];
    size_t n = strlen(name);
    if (strncmp(a, name, n) != 0)
        return 0;
    if (a[n] == '=') {
        *value = a + n + 1;
        return 1;
    }
    if (a[n] != '\0')
        return 0;
    if (*i + 1 >= argc) {
        cli_usage_error(command, "%s needs a value", name);
        return -1;
    }
    *value = argv[++*i];
    return 1;
}

int cli_folder_arg(const char *command, const char **dir, const char *arg)
{
    if (*dir)
        return cli_usage_error(command, "one folder at a time ('%s' and '%s')", *dir, arg);
    *dir = arg;
    return EXIT_OK;
}

int cli_other_arg(const char *command, bool *options, const char **dir, const char *arg)
{
    if (*options && strcmp(arg, "--") == 0) {
        *options = false;
        return EXIT_OK;
    }
    if (*options && arg[0] == '-' && arg[1])
        return cli_usage_error(command, "unknown option '%s'", arg);
    return cli_folder_arg(command, dir, arg) == EXIT_OK ? EXIT_OK : EXIT_USAGE;
}

/* The process's plugin host.  It lives until the exit, which frees it
 * faster than closing its Lua states one by one (0.4 ms of every command);
 * this static keeps it reachable, so leak checkers stay quiet. */
static plugin_host *plugins;

const node_registry *cli_reload_plugins(const char *dir)
{
    plugin_host *old = plugins;
    plugins = NULL;
    const node_registry *reg = cli_use_plugins(dir, NULL);
    plugin_host_free(old); /* after the new registry is current */
    return reg;
}

const node_registry *cli_use_plugins(const char *dir, FILE *report)
{
    if (plugins)
        return plugin_host_registry(plugins);
    plugins = plugin_host_load(dir, NULL);
    node_registry *reg = plugin_host_registry(plugins);
    node_registry_use(reg);
    if (report)
        cli_report_plugin_problems(dir, report, true);
    return reg;
}

/* Whether a plugin problem is about one of the pipeline's own files. */
static bool in_pipeline_plugins(const node_registry *reg, const diag *d)
{
    for (size_t f = 0; f < reg->n_files && d->path; f++)
        if (reg->files[f].origin == PLUGIN_PIPELINE && strcmp(reg->files[f].path, d->path) == 0)
            return true;
    return false;
}

void cli_report_plugin_problems(const char *dir, FILE *out, bool pipeline_too)
{
    const node_registry *reg = plugins ? plugin_host_registry(plugins) : NULL;
    /* Broken or shadowed plugins: git-style warnings on every run, never
     * silent, never fatal (nodes of a missing type fail validation). */
    char line[2048];
    bool here = !dir || strcmp(dir, ".") == 0;
    for (size_t i = 0; reg && i < reg->problems.n; i++) {
        const diag *d = &reg->problems.items[i];
        bool own = in_pipeline_plugins(reg, d);
        if (own && !pipeline_too)
            continue;
        diag_format(d, line, sizeof(line));
        fprintf(out, "weir: %s%s", own && !here ? dir : "",
                own && !here && dir[strlen(dir) - 1] != '/' ? "/" : "");
        cli_put_text(out, line);
        fputc('\n', out);
    }
}

void cli_pipeline_plugin_problems(diag_list *diags)
{
    const node_registry *reg = plugins ? plugin_host_registry(plugins) : NULL;
    for (size_t i = 0; reg && i < reg->problems.n; i++) {
        const diag *d = &reg->problems.items[i];
        if (in_pipeline_plugins(reg, d))
            diag_add(diags, d->severity, d->path, d->line, d->col, d->node_id, "%s", d->message);
    }
}

int cli_main(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        (strcmp(argv[1], "help") == 0 && argc == 2)) {
        print_help(stdout);
        return EXIT_OK;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("weir %s\n", WEIR_VERSION);
        return EXIT_OK;
    }
    const char *name = strcmp(argv[1], "help") == 0 ? argv[2] : argv[1];
    const cli_command *cmd = cli_find(name);
    if (!cmd) {
        fprintf(stderr, "weir: '%s' is not a weir command. See 'weir --help'.\n", name);
        return EXIT_USAGE;
    }
    if (strcmp(argv[1], "help") == 0 || cli_wants_help(argc - 1, argv + 1)) {
        fputs(cmd->usage, stdout);
        return EXIT_OK;
    }
    return cmd->run(argc - 1, argv + 1);
}
