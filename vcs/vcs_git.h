/* vcs_git: what the vcs modules share internally — the repository struct,
 * the one place libgit2 errors become messages, and the pipeline's file
 * sets (a revision's or the working folder's artifacts with their blob
 * ids).  Not for use outside vcs/. */
#ifndef WEIR_VCS_GIT_H
#define WEIR_VCS_GIT_H

#include <git2.h>
#include <stdint.h>
#include <sys/stat.h>

/* After <git2.h>: every git_foo below is a call through the table that
 * vcs_lib_init() fills (gitapi.h). */
#include "gitapi_defs.h"
#include "vcs.h"
#include "vcs_revdiff.h"

struct vcs_repo {
    git_repository *repo;
    char *dir;     /* the pipeline folder as given */
    char *workdir; /* repository working tree, realpath, ends with '/' */
    char *prefix;  /* pipeline folder relative to workdir: "" or "a/b/" */
};

/* Load libgit2 (gitapi.h) and initialise it, once for the life of the
 * process (thread-safe); every vcs entry point that calls libgit2 without
 * a vcs_repo (vcs_open, vcs_init, the merge driver) calls this first and
 * stops on failure.  A vcs_repo exists only after it succeeded.  VCS_ERROR
 * with "git support unavailable: ..." when the library or one of its
 * functions is missing; the same answer on every later call. */
vcs_rc vcs_lib_init(vcs_error *err);

/* Fill err from git_error_last() (the single libgit2 error wrapper):
 * "<what>: <libgit2 message>".  Returns VCS_ERROR, or VCS_LOCKED when
 * git_rc is GIT_ELOCKED (a lock file is in the way). */
vcs_rc vcs_git_fail(vcs_error *err, int git_rc, const char *what);

/* Fill err with a formatted message and code; returns code. */
vcs_rc vcs_fail(vcs_error *err, vcs_rc code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* True for a path (relative to the pipeline folder) weir versions. */
bool vcs_is_artifact(const char *rel);

typedef struct vcs_entry {
    char *path; /* relative to the pipeline folder */
    git_oid id;
    uint32_t mode;  /* GIT_FILEMODE_BLOB, _EXECUTABLE or _LINK */
    struct stat st; /* working files only */
} vcs_entry;

typedef struct vcs_fileset {
    vcs_entry *items; /* sorted by path */
    size_t n, cap;
} vcs_fileset;

void vcs_fileset_free(vcs_fileset *s);
const vcs_entry *vcs_fileset_find(const vcs_fileset *s, const char *path);

/* The commit a revision names (NULL rev: HEAD).  *out is NULL, with VCS_OK,
 * when rev is NULL and HEAD is unborn. */
vcs_rc vcs_lookup_commit(vcs_repo *r, const char *rev, git_commit **out, vcs_error *err);

/* The pipeline's artifacts in a tree (a commit's root tree; NULL tree: an
 * empty set), or in the working folder. */
vcs_rc vcs_fileset_from_tree(vcs_repo *r, git_tree *tree, vcs_fileset *out, vcs_error *err);
vcs_rc vcs_fileset_from_workdir(vcs_repo *r, vcs_fileset *out, vcs_error *err);
/* Re-read one working file's entry (after weir rewrote it). */
vcs_rc vcs_fileset_refresh(vcs_repo *r, vcs_fileset *set, const char *rel, vcs_error *err);
/* Either of the above for a revision (NULL: the working folder). */
vcs_rc vcs_fileset_for_rev(vcs_repo *r, const char *rev, vcs_fileset *out, vcs_error *err);

/* The old side of a comparison: rev, or HEAD when rev is NULL (an unborn
 * HEAD gives an empty set). */
vcs_rc vcs_fileset_old(vcs_repo *r, const char *rev, vcs_fileset *out, vcs_error *err);

/* A file of a set: from the working folder (working) or its blob.
 * VCS_NOT_FOUND, with no message, when the set does not have it. */
vcs_rc vcs_set_read(vcs_repo *r, const vcs_fileset *set, bool working, const char *path,
                    char **data, size_t *len, vcs_error *err);

/* The pipeline model of a set (working: pipeline_load of the folder). */
vcs_rc vcs_set_pipeline(vcs_repo *r, const vcs_fileset *s, bool working, pipeline *p,
                        diag_list *diags, vcs_error *err);

/* A unified diff between two buffers; NULL data = the file is absent. */
vcs_rc vcs_patch_text(const char *repo_path, const char *old_data, size_t old_len,
                      const char *new_data, size_t new_len, char **text, vcs_error *err);

/* A blob's bytes, or a working file's (by path relative to the folder). */
vcs_rc vcs_blob_read(vcs_repo *r, const git_oid *id, char **data, size_t *len, vcs_error *err);
vcs_rc vcs_work_read(vcs_repo *r, const char *rel, char **data, size_t *len, vcs_error *err);

/* Compare two file sets into a change list. */
void vcs_fileset_compare(const vcs_fileset *a, const vcs_fileset *b, vcs_changes *out);

/* vcs_rev_diff_compute on two file sets (b may be the working folder). */
vcs_rc vcs_rev_diff_sets(vcs_repo *r, const vcs_fileset *a, const vcs_fileset *b, bool b_working,
                         vcs_rev_diff *out, diag_list *diags, vcs_error *err);

#endif
