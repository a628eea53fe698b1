/* vcs_restore: bring a revision's pipeline files back into the working
 * folder as uncommitted changes, and undo that.
 *
 * A vcs_snapshot is the full content of the pipeline's files at some point
 * (a revision, or the working folder before a restore).  Applying one
 * writes each file atomically (only those whose bytes differ) and removes
 * the pipeline's files the snapshot does not have — only artifact paths
 * inside the pipeline folder, never anything else.  Symlinks are neither
 * recreated nor removed.  The index and HEAD are not touched.  A snapshot
 * owns its data. */
#ifndef WEIR_VCS_RESTORE_H
#define WEIR_VCS_RESTORE_H

#include "vcs.h"

typedef struct vcs_snapshot_file {
    char *path; /* relative to the pipeline folder */
    char *data;
    size_t len;
    bool executable;
} vcs_snapshot_file;

typedef struct vcs_snapshot {
    vcs_snapshot_file *items; /* sorted by path */
    size_t n;
} vcs_snapshot;

/* The pipeline's files at rev (NULL: the working folder). */
vcs_rc vcs_snapshot_take(vcs_repo *r, const char *rev, vcs_snapshot *out, vcs_error *err);
void vcs_snapshot_free(vcs_snapshot *s);

/* Make the working folder's pipeline files equal to s.  *n_changed (may be
 * NULL) counts files written or removed. */
vcs_rc vcs_snapshot_apply(vcs_repo *r, const vcs_snapshot *s, size_t *n_changed, vcs_error *err);

/* Restore rev into the working folder.  When undo is not NULL it receives
 * the working files as they were, for vcs_snapshot_apply to undo. */
vcs_rc vcs_restore(vcs_repo *r, const char *rev, vcs_snapshot *undo, size_t *n_changed,
                   vcs_error *err);

#endif
