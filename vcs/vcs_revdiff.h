/* vcs_revdiff: two versions of the pipeline compared — the graph diff of
 * their models plus the list of changed files, with a unified diff for
 * each changed code file (sql/, lua/, plugins/).  This is what `weir diff`
 * prints and what the history view shows beside the canvas.
 *
 * Revisions follow vcs.h: old_rev NULL = HEAD (empty when unborn), new_rev
 * NULL = the working folder.  A vcs_rev_diff owns everything in it. */
#ifndef WEIR_VCS_REVDIFF_H
#define WEIR_VCS_REVDIFF_H

#include "graphdiff.h"
#include "vcs.h"

typedef struct vcs_file_patch {
    char *path; /* relative to the pipeline folder */
    vcs_change change;
    bool code;   /* under sql/, lua/ or plugins/ */
    char *patch; /* unified diff for code files; NULL for the others */
} vcs_file_patch;

typedef struct vcs_rev_diff {
    graph_diff graph;
    bool old_has_pipeline, new_has_pipeline; /* pipeline.yaml on each side */
    vcs_file_patch *files;                   /* every changed file, by path */
    size_t n_files;
} vcs_rev_diff;

/* Problems reading either model go to diags (the diff still runs on what
 * was read). */
vcs_rc vcs_rev_diff_compute(vcs_repo *r, const char *old_rev, const char *new_rev,
                            vcs_rev_diff *out, diag_list *diags, vcs_error *err);
void vcs_rev_diff_free(vcs_rev_diff *d);

/* True when a SQL or Lua file (or a plugin) changed. */
bool vcs_rev_diff_code_changed(const vcs_rev_diff *d);

/* The whole comparison as text: the graph summary, the changed files, then
 * the code diffs.  Colour only when asked (tty and NO_COLOR unset). */
void vcs_rev_diff_format(const vcs_rev_diff *d, strbuf *out, bool color);

#endif
