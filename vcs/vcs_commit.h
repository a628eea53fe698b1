/* vcs_commit: commit the pipeline's files, and only them.
 *
 * The commit's tree is HEAD's tree with just the pipeline's artifact paths
 * replaced by the working files (built in an in-memory index), so the
 * user's other staged and unstaged work stays exactly as it was; then the
 * repository's index entries for those paths alone are updated, so
 * `git status` shows them clean.  Before committing: the refusals of
 * vcs_check_ready, the author identity, an optional save of the caller's
 * model, validation, and the version bump (pipeline.version goes to HEAD's
 * version + 1 when nodes, edges, settings, SQL or Lua changed since HEAD;
 * layout-only changes do not bump). */
#ifndef WEIR_VCS_COMMIT_H
#define WEIR_VCS_COMMIT_H

#include "vcs.h"

typedef struct vcs_commit_opts {
    const char *message;     /* summary line, then optionally a blank line and a body */
    bool allow_invalid;      /* commit a pipeline that does not validate */
    bool allow_detached;     /* commit on a detached HEAD */
    bool no_bump;            /* leave pipeline.version alone */
    const pipeline *model;   /* saved first (pipeline_save) when not NULL; the
                                CLI passes NULL and commits what is on disk */
    const char *author_name; /* both set: this author instead of git config's */
    const char *author_email;
} vcs_commit_opts;

typedef struct vcs_commit_result {
    char id[41];        /* the new commit */
    long long version;  /* pipeline.version as committed */
    bool bumped;        /* pipeline.yaml was rewritten with version + 1 */
    bool bump_skipped;  /* a bump was due but the pipeline has errors */
    size_t n_files;     /* files added, modified or deleted */
    bool index_updated; /* false: committed, but .git/index could not be updated */
} vcs_commit_result;

/* Validation problems go to diags (errors make it VCS_INVALID unless
 * allow_invalid).  Refusals (VCS_LOCKED, VCS_IN_PROGRESS, VCS_DETACHED,
 * VCS_NO_IDENTITY, VCS_NOTHING, VCS_INVALID) touch nothing; a caller model
 * is saved only after the refusals that do not depend on it. */
vcs_rc vcs_commit(vcs_repo *r, const vcs_commit_opts *opts, vcs_commit_result *res,
                  diag_list *diags, vcs_error *err);

/* What a commit would do to the version, for the commit dialog: *bump is
 * true when the working pipeline changed in topology, SQL or Lua since
 * HEAD; *head_version is HEAD's (-1 when HEAD has no pipeline) and
 * *new_version what would be committed. */
vcs_rc vcs_version_plan(vcs_repo *r, bool *bump, long long *head_version, long long *new_version,
                        vcs_error *err);

#endif
