/* vcs: the pipeline folder inside a git repository, through libgit2.
 *
 * A vcs_repo is the repository that contains a pipeline folder (which may
 * sit in a subfolder) plus that folder's path inside it.  weir versions the
 * pipeline's artifacts only: pipeline.yaml, layout.yaml, .gitattributes and
 * everything under sql/, lua/, samples/ and plugins/ of the folder (git's
 * ignore rules apply; .weir/ is never included).  Any other file in the
 * folder belongs to the user and is never staged, committed or removed.
 *
 * Revisions are anything git_revparse accepts ("HEAD", "main~2", an id);
 * NULL as a revision means the working folder — except as the old side of
 * a comparison, where it means HEAD.  A vcs_repo is for one thread at a
 * time.  libgit2 is loaded (dlopen: gitapi.h) and initialised on first use
 * (vcs_open, vcs_init, the merge driver) and stays so until the process
 * exits (atexit); when it cannot be loaded those fail with VCS_ERROR and
 * "git support unavailable: ...".
 *
 * Errors: every function returns a vcs_rc and, on failure, fills a
 * vcs_error with a one-line message.  Strings in returned structures are
 * owned by the structure; free them with the matching *_free function. */
#ifndef WEIR_VCS_H
#define WEIR_VCS_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "model.h"

/* Limits of a pipeline's artifact set in the working folder; past them a
 * listing fails with a clear message rather than walking on. */
enum {
    VCS_MAX_DEPTH = 16,    /* folders nested under sql/, samples/, ... */
    VCS_MAX_FILES = 20000, /* files in one pipeline (the default) */
};

/* Set the file limit (like sqlite3_limit: tests lower it to hit it
 * cheaply); returns the previous one.  0 leaves it unchanged. */
size_t vcs_limit_files(size_t max);

typedef enum vcs_rc {
    VCS_OK = 0,
    VCS_ERROR,       /* libgit2 or I/O failure; see the message */
    VCS_NO_REPO,     /* the folder is in no git repository (offer vcs_init) */
    VCS_NO_IDENTITY, /* user.name / user.email unset (offer vcs_set_identity) */
    VCS_LOCKED,      /* .git/index.lock exists: another git is running */
    VCS_IN_PROGRESS, /* a merge, rebase, cherry-pick... is in progress */
    VCS_DETACHED,    /* HEAD is detached and the caller did not allow it */
    VCS_INVALID,     /* the pipeline does not validate (see the diagnostics) */
    VCS_NOTHING,     /* nothing to commit: the pipeline's files match HEAD */
    VCS_BAD_REV,     /* a revision that does not name a commit */
    VCS_NOT_FOUND,   /* the pipeline is not in that revision */
} vcs_rc;

typedef struct vcs_error {
    vcs_rc code;
    char message[512];
} vcs_error;

typedef struct vcs_repo vcs_repo; /* opaque */

/* Find the repository containing dir (searching upwards).  VCS_NO_REPO
 * when there is none; a bare repository is an error. */
vcs_rc vcs_open(const char *dir, vcs_repo **out, vcs_error *err);
void vcs_close(vcs_repo *r);

/* Create a repository whose working tree is dir (git init dir). */
vcs_rc vcs_init(const char *dir, vcs_error *err);

const char *vcs_workdir(const vcs_repo *r); /* repository root, ends with '/' */
const char *vcs_prefix(const vcs_repo *r);  /* the folder in the repo: "" or "orders/" */
const char *vcs_dir(const vcs_repo *r);     /* the pipeline folder as given */

typedef enum vcs_state {
    VCS_STATE_CLEAN,
    VCS_STATE_MERGE,
    VCS_STATE_REBASE,
    VCS_STATE_CHERRY_PICK,
    VCS_STATE_REVERT,
    VCS_STATE_BISECT,
    VCS_STATE_OTHER,
} vcs_state;

typedef struct vcs_head {
    char *branch;      /* short branch name; NULL when detached */
    char short_id[12]; /* abbreviated HEAD commit; "" when unborn */
    bool detached, unborn;
    vcs_state state;
    bool index_locked;
} vcs_head;

vcs_rc vcs_head_read(vcs_repo *r, vcs_head *out, vcs_error *err);
void vcs_head_free(vcs_head *h);
const char *vcs_state_name(vcs_state s); /* "merge", "rebase", ... */

/* The refusals a commit or restore makes before touching anything: a
 * locked index, an operation in progress, a detached HEAD (unless
 * allow_detached).  VCS_OK when it is safe to go on. */
vcs_rc vcs_check_ready(vcs_repo *r, bool allow_detached, vcs_error *err);

typedef enum vcs_change { VCS_ADDED = 'A', VCS_MODIFIED = 'M', VCS_DELETED = 'D' } vcs_change;

typedef struct vcs_changed_file {
    char *path; /* relative to the pipeline folder, e.g. "sql/enrich.sql" */
    vcs_change change;
} vcs_changed_file;

typedef struct vcs_changes {
    vcs_changed_file *items; /* sorted by path */
    size_t n;
} vcs_changes;

/* The pipeline's files that differ between revisions old_rev (NULL: HEAD;
 * an unborn HEAD is empty) and new_rev (NULL: the working folder). */
vcs_rc vcs_changes_list(vcs_repo *r, const char *old_rev, const char *new_rev, vcs_changes *out,
                        vcs_error *err);
void vcs_changes_free(vcs_changes *c);

/* True when the pipeline's working files differ from HEAD (status bar). */
vcs_rc vcs_is_dirty(vcs_repo *r, bool *dirty, vcs_error *err);

/* Unified diff ("diff --git" header, 3 lines of context) of one pipeline
 * file between two revisions (same NULL conventions).  *text is "" when the
 * file is the same on both sides, and a one-line note for binary files.
 * Caller frees *text. */
vcs_rc vcs_file_diff(vcs_repo *r, const char *old_rev, const char *new_rev, const char *path,
                     char **text, vcs_error *err);

/* A pipeline file's bytes at a revision (NULL: the working folder).
 * VCS_NOT_FOUND when absent.  Caller frees *data (NUL-terminated). */
vcs_rc vcs_file_read(vcs_repo *r, const char *rev, const char *path, char **data, size_t *len,
                     vcs_error *err);

/* Identity: user.name and user.email from git config (repository, then
 * global).  VCS_NO_IDENTITY when either is missing.  Caller frees. */
vcs_rc vcs_identity(vcs_repo *r, char **name, char **email, vcs_error *err);
/* Store user.name and user.email in the repository's own config. */
vcs_rc vcs_set_identity(vcs_repo *r, const char *name, const char *email, vcs_error *err);

/* The pipeline at a revision (NULL: the working folder, as pipeline_load
 * reads it): pipeline.yaml and layout.yaml parsed into p, problems in
 * diags.  p->dir is the pipeline folder.  VCS_NOT_FOUND when the revision
 * has no pipeline.yaml there.  p is initialised in every case; free it. */
vcs_rc vcs_pipeline_read(vcs_repo *r, const char *rev, pipeline *p, diag_list *diags,
                         vcs_error *err);

/* Resolve a revision to its full commit id (41 bytes with the NUL). */
vcs_rc vcs_resolve(vcs_repo *r, const char *rev, char id[41], vcs_error *err);

#endif
