/* weir commit [DIR] -m MSG: commit the pipeline's files, and only them.
 *
 * Commits what is on disk (run `weir fmt` or save in the editor first).
 * Refuses, touching nothing, when the index is locked, a merge or rebase is
 * in progress, HEAD is detached (unless --detach-ok), no author identity is
 * configured (unless --identity stores one), or the pipeline does not
 * validate (unless --allow-invalid).  Exit status: 0 committed, 1 refused or
 * nothing to commit, 2 usage or I/O error. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "util.h"
#include "vcs.h"
#include "vcs_commit.h"

/* "Name <email>" into its parts; false when it is not that shape. */
static bool parse_identity(const char *s, char **name, char **email)
{
    const char *lt = strchr(s, '<'), *gt = lt ? strchr(lt, '>') : NULL;
    if (!lt || !gt || gt[1] != '\0' || gt == lt + 1)
        return false;
    const char *end = lt;
    while (end > s && end[-1] == ' ')
        end--;
    if (end == s)
        return false;
    *name = xstrndup(s, (size_t)(end - s));
    *email = xstrndup(lt + 1, (size_t)(gt - lt - 1));
    return true;
}

static int refusal(vcs_rc rc, const vcs_error *err, const char *dir)
{
    fprintf(stderr, "weir commit: %s\n", err->message);
    switch (rc) {
    case VCS_NO_REPO:
        fprintf(stderr,
                "  create one here with:  weir commit --init %s -m MSG   (or: git init %s)\n", dir,
                dir);
        return EXIT_USAGE; /* as weir log and weir diff outside a repository */
    case VCS_NO_IDENTITY:
        fprintf(stderr,
                "  store one in this repository with:  weir commit %s --identity "
                "'Your Name <you@example.com>' -m MSG\n"
                "  or for every repository:  git config --global user.name ...; git "
                "config --global user.email ...\n",
                dir);
        return EXIT_FAIL;
    case VCS_DETACHED:
        fprintf(stderr,
                "  to commit on the detached HEAD anyway:  weir commit %s --detach-ok "
                "-m MSG\n",
                dir);
        return EXIT_FAIL;
    case VCS_INVALID:
        fprintf(stderr, "  to commit it anyway:  weir commit %s --allow-invalid -m MSG\n", dir);
        return EXIT_FAIL;
    case VCS_LOCKED:
    case VCS_IN_PROGRESS:
    case VCS_NOTHING:
        return EXIT_FAIL;
    default:
        return EXIT_USAGE;
    }
}

int cmd_commit(int argc, char **argv)
{
    const char *dir = NULL, *identity = NULL;
    strbuf msg;
    strbuf_init(&msg);
    vcs_commit_opts opts = {0};
    bool init = false, have_msg = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if ((strcmp(a, "-m") == 0 || strcmp(a, "--message") == 0) && i + 1 < argc) {
            /* Several -m are paragraphs, as in git. */
            if (have_msg)
                strbuf_puts(&msg, "\n\n");
            strbuf_puts(&msg, argv[++i]);
            have_msg = true;
        } else if (strncmp(a, "--message=", 10) == 0) {
            if (have_msg)
                strbuf_puts(&msg, "\n\n");
            strbuf_puts(&msg, a + 10);
            have_msg = true;
        } else if (strcmp(a, "--allow-invalid") == 0) {
            opts.allow_invalid = true;
        } else if (strcmp(a, "--detach-ok") == 0) {
            opts.allow_detached = true;
        } else if (strcmp(a, "--no-bump") == 0) {
            opts.no_bump = true;
        } else if (strcmp(a, "--init") == 0) {
            init = true;
        } else if (strcmp(a, "--identity") == 0 && i + 1 < argc) {
            identity = argv[++i];
        } else if (a[0] == '-' && a[1]) {
            strbuf_free(&msg);
            return cli_usage_error("commit", "unknown option '%s'", a);
        } else if (!dir) {
            dir = a;
        } else {
            strbuf_free(&msg);
            return cli_usage_error("commit", "one folder at a time ('%s' and '%s')", dir, a);
        }
    }
    if (!dir)
        dir = ".";
    cli_use_plugins(dir, stderr);
    if (!have_msg) {
        strbuf_free(&msg);
        return cli_usage_error("commit", "a message is needed: -m MSG");
    }
    opts.message = msg.data;

    vcs_error err = {0};
    vcs_repo *r = NULL;
    vcs_rc rc = vcs_open(dir, &r, &err);
    if (rc == VCS_NO_REPO && init) {
        rc = vcs_init(dir, &err);
        if (rc == VCS_OK) {
            fprintf(stderr, "weir commit: created a git repository in %s\n", dir);
            rc = vcs_open(dir, &r, &err);
        }
    }
    int code = EXIT_OK;
    if (rc != VCS_OK) {
        code = refusal(rc, &err, dir);
        goto done;
    }
    if (identity) {
        char *name, *email;
        if (!parse_identity(identity, &name, &email)) {
            code = cli_usage_error("commit", "--identity takes 'Name <email>'");
            goto done;
        }
        rc = vcs_set_identity(r, name, email, &err);
        free(name);
        free(email);
        if (rc != VCS_OK) {
            code = refusal(rc, &err, dir);
            goto done;
        }
    }
    diag_list diags;
    diag_list_init(&diags);
    vcs_commit_result res;
    rc = vcs_commit(r, &opts, &res, &diags, &err);
    diag_list_sort(&diags);
    if (rc != VCS_OK) {
        if (rc == VCS_INVALID)
            cli_print_diags(stderr, &diags, dir);
        code = refusal(rc, &err, dir);
    } else {
        if (diags.n_errors)
            fprintf(stderr, "weir commit: committed with %zu error%s (--allow-invalid)\n",
                    diags.n_errors, diags.n_errors == 1 ? "" : "s");
        for (size_t i = 0; i < diags.n; i++)
            if (diags.items[i].severity == DIAG_WARNING && !diags.items[i].path)
                fprintf(stderr, "weir commit: warning: %s\n", diags.items[i].message);
        vcs_head h;
        const char *branch = "HEAD";
        if (vcs_head_read(r, &h, &err) == VCS_OK && h.branch)
            branch = h.branch;
        const char *nl = strchr(opts.message, '\n');
        printf("[%s %.7s] %.*s\n", branch, res.id,
               nl ? (int)(nl - opts.message) : (int)strlen(opts.message), opts.message);
        printf(" %zu file%s changed; pipeline version %lld%s\n", res.n_files,
               res.n_files == 1 ? "" : "s", res.version, res.bumped ? " (bumped)" : "");
        if (res.bump_skipped)
            printf(" version not bumped: the pipeline has errors\n");
        vcs_head_free(&h);
    }
    diag_list_free(&diags);
done:
    vcs_close(r);
    strbuf_free(&msg);
    return code;
}
