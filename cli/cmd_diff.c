/* weir diff [DIR] [REV [REV]]: compare two versions of the pipeline as a
 * graph (nodes and edges added, removed, changed; which settings), then
 * the changed files and the unified diffs of changed SQL and Lua files.
 *
 * No REV: HEAD against the working folder; one: REV against the working
 * folder; two: the first against the second.  DIR is taken as the folder
 * when it is one.  Colour only on a terminal with NO_COLOR unset. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "fsutil.h"
#include "util.h"
#include "vcs.h"
#include "vcs_revdiff.h"

int cmd_diff(int argc, char **argv)
{
    const char *dir = NULL, *revs[2] = {NULL, NULL};
    size_t n_revs = 0;
    bool color = isatty(STDOUT_FILENO) && !getenv("NO_COLOR");
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--color") == 0) {
            color = true;
        } else if (strcmp(a, "--no-color") == 0) {
            color = false;
        } else if (a[0] == '-' && a[1]) {
            return cli_usage_error("diff", "unknown option '%s'", a);
        } else if (!dir && !n_revs && fs_is_dir(a)) {
            dir = a;
        } else if (n_revs < 2) {
            revs[n_revs++] = a;
        } else {
            return cli_usage_error("diff", "at most two revisions ('%s' is a third)", a);
        }
    }
    if (!dir)
        dir = ".";
    cli_use_plugins(dir, stderr);
    vcs_error err = {0};
    vcs_repo *r = NULL;
    vcs_rc rc = vcs_open(dir, &r, &err);
    vcs_rev_diff d;
    diag_list diags;
    diag_list_init(&diags);
    if (rc == VCS_OK)
        rc = vcs_rev_diff_compute(r, revs[0], n_revs == 2 ? revs[1] : NULL, &d, &diags, &err);
    if (rc != VCS_OK) {
        diag_list_sort(&diags);
        cli_print_diags(stderr, &diags, dir);
        fprintf(stderr, "weir diff: %s\n", err.message);
        diag_list_free(&diags);
        vcs_close(r);
        return EXIT_USAGE; /* an unknown revision is a usage error, as in git */
    }
    char a_id[41] = "", b_id[41] = "";
    const char *old_name = revs[0] ? revs[0] : "HEAD";
    const char *new_name = n_revs == 2 ? revs[1] : "working folder";
    if (vcs_resolve(r, old_name, a_id, &err) != VCS_OK)
        snprintf(a_id, sizeof(a_id), "no commits yet");
    if (n_revs == 2)
        vcs_resolve(r, new_name, b_id, &err);
    strbuf sb;
    strbuf_init(&sb);
    strbuf_printf(&sb, "weir diff %s (%.*s) -> %s", old_name,
                  isxdigit((unsigned char)a_id[0]) ? 7 : 40, a_id, new_name);
    if (*b_id)
        strbuf_printf(&sb, " (%.7s)", b_id);
    if (*vcs_prefix(r))
        strbuf_printf(&sb, ", pipeline in %s", vcs_prefix(r));
    strbuf_puts(&sb, "\n\n");
    vcs_rev_diff_format(&d, &sb, color);
    fputs(sb.data, stdout);
    strbuf_free(&sb);
    vcs_rev_diff_free(&d);
    diag_list_free(&diags);
    vcs_close(r);
    return EXIT_OK;
}
