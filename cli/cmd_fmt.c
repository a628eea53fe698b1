/* weir fmt [DIR] [--check]: rewrite pipeline.yaml and layout.yaml in
 * canonical form (docs/format.md).
 *
 * Quiet like git: prints nothing when nothing changed, "formatted PATH" for
 * each file rewritten.  With --check, writes nothing, prints "would
 * reformat PATH" and exits 1 when a file would change.  Comments are kept,
 * each moved above the key it belongs to (docs/format.md, "Comments").
 *
 * fmt refuses (exit 1, the loader's diagnostics on stderr) when the files
 * do not load cleanly — a YAML syntax error, a duplicate key, a key weir
 * does not know at the top level or in 'pipeline', a bad layout: the model
 * would not hold everything the file says, so rewriting it would drop text.
 * Meaning-level problems (unknown node types or settings, bad inputs) do
 * not stop it: the model keeps those as written.  Exit 2 is for usage and
 * I/O errors (no such folder, no pipeline.yaml, a failed write). */
#include <stdlib.h>
#include <string.h>

#include "artifacts.h"
#include "cli.h"
#include "comments.h"
#include "load.h"
#include "util.h"
#include "writer.h"

static char *shown_path(const char *dir, const char *name)
{
    if (strcmp(dir, ".") == 0)
        return xstrdup(name);
    return xasprintf("%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", name);
}

static void print_changed(unsigned changed, const char *dir, bool check)
{
    static const struct {
        unsigned bit;
        const char *name;
    } files[] = {{WRITER_PIPELINE, PIPELINE_FILE}, {WRITER_LAYOUT, LAYOUT_FILE}};
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        if (!(changed & files[i].bit))
            continue;
        char *path = shown_path(dir, files[i].name);
        printf("%s %s\n", check ? "would reformat" : "formatted", path);
        free(path);
    }
}

/* Comment lines in canonical text: the lines whose first non-blank is '#'.
 * Exact for the writer's text only, where every scalar or key that starts
 * with '#' is quoted and no value spans lines. */
static size_t canonical_comment_lines(const char *text)
{
    size_t n = 0;
    for (const char *line = text; *line;) {
        const char *c = line;
        while (*c == ' ')
            c++;
        n += *c == '#';
        const char *end = strchr(c, '\n');
        line = end ? end + 1 : c + strlen(c);
    }
    return n;
}

/* Load the text the writer produced and compare it with the model, and
 * count its comment lines against the model's (which the loader checked
 * against the files'): a last guard so that a bug can never silently
 * change a pipeline or drop a comment. */
static bool writer_round_trips(const pipeline *p, char *why, size_t why_size)
{
    /* The model comparison ignores comments: no need to find them again. */
    const load_options no_comments = {.skip_comments = true};
    char *text = writer_pipeline_yaml(p);
    size_t lines = canonical_comment_lines(text);
    pipeline back;
    diag_list diags;
    diag_list_init(&diags);
    bool ok = pipeline_load_buffer_with(text, strlen(text), p->dir, &no_comments, &back, &diags) &&
              diags.n_errors == 0;
    free(text);
    size_t layout_lines = 0;
    if (ok && writer_has_layout(p)) {
        text = writer_layout_yaml(p);
        layout_lines = canonical_comment_lines(text);
        pipeline_load_layout_buffer_with(text, strlen(text), &no_comments, &back, &diags);
        free(text);
        ok = diags.n_errors == 0;
    }
    if (!ok)
        snprintf(why, why_size, "the canonical text does not load back");
    else
        ok = writer_same_model(p, &back, why, why_size);
    if (ok && (lines != pipeline_comment_lines(p, false) ||
               layout_lines != pipeline_comment_lines(p, true))) {
        snprintf(why, why_size, "the canonical text holds %zu + %zu comment lines, not %zu + %zu",
                 lines, layout_lines, pipeline_comment_lines(p, false),
                 pipeline_comment_lines(p, true));
        ok = false;
    }
    pipeline_free(&back);
    diag_list_free(&diags);
    return ok;
}

/* Find what would change, then write (unless check) and list the files. */
static int format_files(const pipeline *p, const char *dir, bool check)
{
    diag_list diags;
    diag_list_init(&diags);
    unsigned changed = 0;
    int rc = EXIT_OK;
    if (!pipeline_save_files(p, dir, true, &changed, &diags)) {
        rc = EXIT_USAGE;
    } else {
        if (!check && !pipeline_save_files(p, dir, false, &changed, &diags))
            rc = EXIT_USAGE;
        print_changed(changed, dir, check);
        if (rc == EXIT_OK && check && changed)
            rc = EXIT_FAIL;
    }
    /* The SQL that template transforms generate (sql/ID.sql). */
    artifact_changes generated = {0};
    if (rc != EXIT_USAGE) {
        if (!artifacts_sync(p, dir, check, &generated, &diags) && rc == EXIT_OK)
            rc = EXIT_FAIL;
        for (size_t i = 0; i < generated.n; i++) {
            char *path = shown_path(dir, generated.items[i].path);
            bool gone = generated.items[i].removed;
            printf("%s %s\n",
                   check ? (gone ? "would remove" : "would regenerate")
                         : (gone ? "removed" : "generated"),
                   path);
            free(path);
        }
        if (rc == EXIT_OK && check && generated.n)
            rc = EXIT_FAIL;
        artifact_changes_free(&generated);
    }
    cli_print_diags(stderr, &diags, dir);
    diag_list_free(&diags);
    return rc;
}

int cmd_fmt(int argc, char **argv)
{
    const char *dir = NULL;
    bool check = false;
    bool options = true; /* until "--" */
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (options && strcmp(a, "--check") == 0)
            check = true;
        else if (cli_other_arg("fmt", &options, &dir, a) != EXIT_OK)
            return EXIT_USAGE;
    }
    if (!dir)
        dir = ".";
    cli_use_plugins(dir, stderr);

    pipeline p;
    diag_list diags;
    diag_list_init(&diags);
    bool loaded = pipeline_load(dir, &p, &diags);
    diag_list_sort(&diags);
    int rc = EXIT_OK;
    if (!loaded && diags.n == 1 && diags.items[0].line == 0) {
        cli_print_diags(stderr, &diags, dir); /* no folder or no pipeline.yaml */
        rc = EXIT_USAGE;
    } else if (!loaded || diags.n_errors) {
        cli_print_diags(stderr, &diags, dir);
        fprintf(stderr,
                "weir fmt: not formatting: the files do not load cleanly (%zu error%s); "
                "fix them first\n",
                diags.n_errors, diags.n_errors == 1 ? "" : "s");
        rc = EXIT_FAIL;
    } else {
        cli_print_diags(stderr, &diags, dir); /* warnings, e.g. positions to drop */
        char why[256];
        if (!writer_round_trips(&p, why, sizeof(why))) {
            fprintf(stderr, "weir fmt: internal error, refusing to write: %s\n", why);
            rc = EXIT_USAGE;
        } else {
            rc = format_files(&p, dir, check);
        }
    }
    pipeline_free(&p);
    diag_list_free(&diags);
    return rc;
}
