/* vcs_revdiff: see vcs_revdiff.h. */
#include "vcs_revdiff.h"

#include <stdlib.h>
#include <string.h>

#include "vcs_git.h"

static bool is_code(const char *path)
{
    return strncmp(path, "sql/", 4) == 0 || strncmp(path, "lua/", 4) == 0 ||
           strncmp(path, "plugins/", 8) == 0;
}

vcs_rc vcs_rev_diff_sets(vcs_repo *r, const vcs_fileset *a, const vcs_fileset *b, bool b_working,
                         vcs_rev_diff *out, diag_list *diags, vcs_error *err)
{
    memset(out, 0, sizeof(*out));
    pipeline pa, pb;
    pipeline_init(&pa);
    pipeline_init(&pb);
    vcs_rc rc = VCS_OK;
    if (vcs_fileset_find(a, "pipeline.yaml")) {
        rc = vcs_set_pipeline(r, a, false, &pa, diags, err);
        out->old_has_pipeline = rc == VCS_OK;
    }
    if (rc == VCS_OK && (b_working || vcs_fileset_find(b, "pipeline.yaml"))) {
        diag_list ignore;
        diag_list_init(&ignore);
        rc = vcs_set_pipeline(r, b, b_working, &pb, diags ? diags : &ignore, err);
        diag_list_free(&ignore);
        out->new_has_pipeline = rc == VCS_OK;
        if (rc == VCS_NOT_FOUND && b_working && vcs_fileset_find(b, "pipeline.yaml"))
            rc = vcs_fail(err, VCS_ERROR,
                          "the working pipeline.yaml does not load; fix it first (weir validate)");
        else if (rc == VCS_NOT_FOUND && b_working)
            rc = VCS_OK; /* a folder without pipeline.yaml: everything removed */
    }
    if (rc != VCS_OK) {
        pipeline_free(&pa);
        pipeline_free(&pb);
        return rc;
    }
    graph_diff_compute(&pa, &pb, &out->graph);
    pipeline_free(&pa);
    pipeline_free(&pb);

    vcs_changes ch;
    vcs_fileset_compare(a, b, &ch);
    out->files = xcalloc(ch.n + 1, sizeof(*out->files));
    for (size_t i = 0; i < ch.n && rc == VCS_OK; i++) {
        vcs_file_patch *f = &out->files[out->n_files++];
        f->path = xstrdup(ch.items[i].path);
        f->change = ch.items[i].change;
        f->code = is_code(f->path);
        if (!f->code)
            continue;
        char *od = NULL, *nd = NULL;
        size_t ol = 0, nl = 0;
        vcs_rc r1 = vcs_set_read(r, a, false, f->path, &od, &ol, err);
        vcs_rc r2 = vcs_set_read(r, b, b_working, f->path, &nd, &nl, err);
        if ((r1 != VCS_OK && r1 != VCS_NOT_FOUND) || (r2 != VCS_OK && r2 != VCS_NOT_FOUND)) {
            rc = r1 != VCS_OK && r1 != VCS_NOT_FOUND ? r1 : r2;
        } else {
            char *repo_path = xasprintf("%s%s", vcs_prefix(r), f->path);
            rc = vcs_patch_text(repo_path, r1 == VCS_OK ? od : NULL, ol, r2 == VCS_OK ? nd : NULL,
                                nl, &f->patch, err);
            free(repo_path);
        }
        free(od);
        free(nd);
    }
    vcs_changes_free(&ch);
    if (rc != VCS_OK)
        vcs_rev_diff_free(out);
    return rc;
}

vcs_rc vcs_rev_diff_compute(vcs_repo *r, const char *old_rev, const char *new_rev,
                            vcs_rev_diff *out, diag_list *diags, vcs_error *err)
{
    memset(out, 0, sizeof(*out));
    vcs_fileset a, b;
    vcs_rc rc = vcs_fileset_old(r, old_rev, &a, err);
    if (rc != VCS_OK)
        return rc;
    rc = vcs_fileset_for_rev(r, new_rev, &b, err);
    if (rc == VCS_OK) {
        rc = vcs_rev_diff_sets(r, &a, &b, !new_rev, out, diags, err);
        vcs_fileset_free(&b);
    }
    vcs_fileset_free(&a);
    return rc;
}

void vcs_rev_diff_free(vcs_rev_diff *d)
{
    graph_diff_free(&d->graph);
    for (size_t i = 0; i < d->n_files; i++) {
        free(d->files[i].path);
        free(d->files[i].patch);
    }
    free(d->files);
    memset(d, 0, sizeof(*d));
}

bool vcs_rev_diff_code_changed(const vcs_rev_diff *d)
{
    for (size_t i = 0; i < d->n_files; i++)
        if (d->files[i].code)
            return true;
    return false;
}

static void patch_colored(strbuf *sb, const char *patch, bool color)
{
    if (!color) {
        strbuf_puts(sb, patch);
        return;
    }
    const char *s = patch;
    bool header = true;
    while (*s) {
        const char *e = strchr(s, '\n');
        size_t n = e ? (size_t)(e - s) : strlen(s);
        if (strncmp(s, "@@", 2) == 0)
            header = false;
        const char *code = NULL;
        if (header)
            code = "\033[1m";
        else if (*s == '@')
            code = "\033[36m";
        else if (*s == '+')
            code = "\033[32m";
        else if (*s == '-')
            code = "\033[31m";
        if (strncmp(s, "diff --git", 10) == 0)
            header = true, code = "\033[1m";
        if (code)
            strbuf_puts(sb, code);
        strbuf_add(sb, s, n);
        if (code)
            strbuf_puts(sb, "\033[0m");
        strbuf_putc(sb, '\n');
        s = e ? e + 1 : s + n;
    }
}

void vcs_rev_diff_format(const vcs_rev_diff *d, strbuf *sb, bool color)
{
    if (!d->old_has_pipeline && d->new_has_pipeline)
        strbuf_puts(sb, "(no pipeline in the older version: everything is new)\n");
    else if (d->old_has_pipeline && !d->new_has_pipeline)
        strbuf_puts(sb, "(no pipeline in the newer version: everything was removed)\n");
    graph_diff_format(&d->graph, sb, color);
    if (d->n_files) {
        strbuf_printf(sb, "files: %zu changed\n", d->n_files);
        for (size_t i = 0; i < d->n_files; i++) {
            const vcs_file_patch *f = &d->files[i];
            const char *word = f->change == VCS_ADDED     ? "added"
                               : f->change == VCS_DELETED ? "deleted"
                                                          : "modified";
            strbuf_printf(sb, "  %c %s (%s)\n", (char)f->change, f->path, word);
        }
    }
    for (size_t i = 0; i < d->n_files; i++)
        if (d->files[i].patch && *d->files[i].patch) {
            strbuf_putc(sb, '\n');
            patch_colored(sb, d->files[i].patch, color);
        }
}
