/* vcs: finding the repository, HEAD and state, the pipeline's file sets
 * and the one libgit2 error wrapper.  See vcs.h. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fsutil.h"
#include "load.h"
#include "util.h"
#include "vcs_git.h"
#include "yaml_read.h"

static const char *const artifact_files[] = {PIPELINE_FILE, LAYOUT_FILE, ".gitattributes"};
static const char *const artifact_dirs[] = {"sql", "lua", "samples", "plugins"};
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static size_t max_files = VCS_MAX_FILES;

size_t vcs_limit_files(size_t max)
{
    size_t old = max_files;
    if (max)
        max_files = max;
    return old;
}

vcs_rc vcs_fail(vcs_error *err, vcs_rc code, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->message, sizeof(err->message), fmt, ap);
        va_end(ap);
        err->code = code;
    }
    return code;
}

vcs_rc vcs_git_fail(vcs_error *err, int git_rc, const char *what)
{
    const git_error *e = git_error_last();
    const char *msg = e && e->message ? e->message : "unknown libgit2 error";
    vcs_rc code = git_rc == GIT_ELOCKED ? VCS_LOCKED : VCS_ERROR;
    return vcs_fail(err, code, "%s: %s", what, msg);
}

bool vcs_is_artifact(const char *rel)
{
    for (size_t i = 0; i < COUNT(artifact_files); i++)
        if (strcmp(rel, artifact_files[i]) == 0)
            return true;
    for (size_t i = 0; i < COUNT(artifact_dirs); i++) {
        size_t n = strlen(artifact_dirs[i]);
        if (strncmp(rel, artifact_dirs[i], n) == 0 && rel[n] == '/' && rel[n + 1])
            return true;
    }
    return false;
}

/* ---- libgit2 ------------------------------------------------------------ */

/* libgit2 is loaded (gitapi.h: weir does not link it, so commands that
 * never touch git never map it) and initialised once, on first use, and
 * stays so until exit: git_libgit2_init() in Debian's build (mbedTLS)
 * parses the whole system CA bundle, about 4 ms, which an init/shutdown
 * pair around every vcs_open made the TUI pay on each status-bar refresh
 * and commit. */
static pthread_once_t lib_once = PTHREAD_ONCE_INIT;
static bool lib_ok;
static char lib_error[400];

static void lib_shutdown(void)
{
    git_libgit2_shutdown();
}

static void lib_start(void)
{
    const char *name = vcs_gitapi_name();
    char why[sizeof(lib_error) - 40];
    if (!vcs_gitapi_load(name, why, sizeof(why))) {
        snprintf(lib_error, sizeof(lib_error), "git support unavailable: %s", why);
        return;
    }
    int rc = git_libgit2_init();
    if (rc < 0) {
        const git_error *e = git_error_last();
        snprintf(lib_error, sizeof(lib_error), "git support unavailable: libgit2: %s",
                 e && e->message ? e->message : "initialisation failed");
        return;
    }
    atexit(lib_shutdown);
    lib_ok = true;
}

vcs_rc vcs_lib_init(vcs_error *err)
{
    pthread_once(&lib_once, lib_start);
    return lib_ok ? VCS_OK : vcs_fail(err, VCS_ERROR, "%s", lib_error);
}

/* ---- opening ---------------------------------------------------------- */

vcs_rc vcs_open(const char *dir, vcs_repo **out, vcs_error *err)
{
    *out = NULL;
    char real[PATH_MAX], realwd[PATH_MAX];
    if (!realpath(dir, real))
        return vcs_fail(err, VCS_ERROR, "%s: %s", dir, strerror(errno));
    if (!fs_is_dir(real))
        return vcs_fail(err, VCS_ERROR, "%s is not a folder", dir);
    if (vcs_lib_init(err) != VCS_OK)
        return VCS_ERROR;
    git_repository *repo = NULL;
    int rc = git_repository_open_ext(&repo, real, 0, NULL);
    if (rc == GIT_ENOTFOUND)
        return vcs_fail(err, VCS_NO_REPO, "%s is not inside a git repository", dir);
    if (rc < 0)
        return vcs_git_fail(err, rc, "cannot open the repository");
    const char *wd = git_repository_workdir(repo);
    if (!wd || git_repository_is_bare(repo)) {
        git_repository_free(repo);
        return vcs_fail(err, VCS_ERROR, "the repository containing %s is bare", dir);
    }
    if (!realpath(wd, realwd)) {
        git_repository_free(repo);
        return vcs_fail(err, VCS_ERROR, "%s: %s", wd, strerror(errno));
    }
    size_t n = strlen(realwd);
    if (strcmp(realwd, "/") == 0)
        n = 0;
    if (strncmp(real, realwd, n) != 0 || (real[n] != '/' && real[n] != '\0')) {
        git_repository_free(repo);
        return vcs_fail(err, VCS_ERROR, "%s is not in the working tree of %s", dir, realwd);
    }
    vcs_repo *r = xcalloc(1, sizeof(*r));
    r->repo = repo;
    r->dir = xstrdup(dir);
    r->workdir = n ? xasprintf("%s/", realwd) : xstrdup("/");
    r->prefix = real[n] ? xasprintf("%s/", real + n + 1) : xstrdup("");
    *out = r;
    return VCS_OK;
}

void vcs_close(vcs_repo *r)
{
    if (!r)
        return;
    git_repository_free(r->repo);
    free(r->dir);
    free(r->workdir);
    free(r->prefix);
    free(r);
}

vcs_rc vcs_init(const char *dir, vcs_error *err)
{
    if (vcs_lib_init(err) != VCS_OK)
        return VCS_ERROR;
    git_repository *repo = NULL;
    int rc = git_repository_init(&repo, dir, 0);
    vcs_rc out = rc < 0 ? vcs_git_fail(err, rc, "cannot create a repository") : VCS_OK;
    git_repository_free(repo);
    return out;
}

const char *vcs_workdir(const vcs_repo *r)
{
    return r->workdir;
}

const char *vcs_prefix(const vcs_repo *r)
{
    return r->prefix;
}

const char *vcs_dir(const vcs_repo *r)
{
    return r->dir;
}

/* ---- HEAD and state ----------------------------------------------------- */

const char *vcs_state_name(vcs_state s)
{
    static const char *const names[] = {"clean",  "merge",  "rebase",         "cherry-pick",
                                        "revert", "bisect", "other operation"};
    return names[s];
}

static vcs_state map_state(int s)
{
    switch (s) {
    case GIT_REPOSITORY_STATE_NONE:
        return VCS_STATE_CLEAN;
    case GIT_REPOSITORY_STATE_MERGE:
        return VCS_STATE_MERGE;
    case GIT_REPOSITORY_STATE_REBASE:
    case GIT_REPOSITORY_STATE_REBASE_INTERACTIVE:
    case GIT_REPOSITORY_STATE_REBASE_MERGE:
    case GIT_REPOSITORY_STATE_APPLY_MAILBOX_OR_REBASE:
        return VCS_STATE_REBASE;
    case GIT_REPOSITORY_STATE_CHERRYPICK:
    case GIT_REPOSITORY_STATE_CHERRYPICK_SEQUENCE:
        return VCS_STATE_CHERRY_PICK;
    case GIT_REPOSITORY_STATE_REVERT:
    case GIT_REPOSITORY_STATE_REVERT_SEQUENCE:
        return VCS_STATE_REVERT;
    case GIT_REPOSITORY_STATE_BISECT:
        return VCS_STATE_BISECT;
    default:
        return VCS_STATE_OTHER;
    }
}

static bool index_locked(vcs_repo *r)
{
    char *lock = xasprintf("%sindex.lock", git_repository_path(r->repo));
    bool locked = fs_exists(lock);
    free(lock);
    return locked;
}

vcs_rc vcs_head_read(vcs_repo *r, vcs_head *out, vcs_error *err)
{
    memset(out, 0, sizeof(*out));
    out->state = map_state(git_repository_state(r->repo));
    out->index_locked = index_locked(r);
    out->unborn = git_repository_head_unborn(r->repo) == 1;
    out->detached = git_repository_head_detached(r->repo) == 1;
    if (out->unborn) {
        git_reference *head = NULL;
        int rc = git_reference_lookup(&head, r->repo, "HEAD");
        if (rc < 0)
            return vcs_git_fail(err, rc, "cannot read HEAD");
        const char *target = git_reference_symbolic_target(head);
        if (target)
            out->branch = xstrdup(strncmp(target, "refs/heads/", 11) == 0 ? target + 11 : target);
        git_reference_free(head);
        return VCS_OK;
    }
    git_reference *head = NULL;
    int rc = git_repository_head(&head, r->repo);
    if (rc < 0)
        return vcs_git_fail(err, rc, "cannot read HEAD");
    if (!out->detached)
        out->branch = xstrdup(git_reference_shorthand(head));
    const git_oid *id = git_reference_target(head);
    if (id)
        git_oid_tostr(out->short_id, 8, id);
    git_reference_free(head);
    return VCS_OK;
}

void vcs_head_free(vcs_head *h)
{
    free(h->branch);
    h->branch = NULL;
}

vcs_rc vcs_check_ready(vcs_repo *r, bool allow_detached, vcs_error *err)
{
    vcs_head h;
    vcs_rc rc = vcs_head_read(r, &h, err);
    if (rc != VCS_OK)
        return rc;
    if (h.index_locked)
        rc = vcs_fail(err, VCS_LOCKED,
                      "the git index is locked (%sindex.lock exists): another git command is "
                      "running, or one crashed; remove the file once no git is running",
                      git_repository_path(r->repo));
    else if (h.state != VCS_STATE_CLEAN)
        rc = vcs_fail(err, VCS_IN_PROGRESS,
                      "a %s is in progress in this repository; finish or abort it with git "
                      "first",
                      vcs_state_name(h.state));
    else if (h.detached && !allow_detached)
        rc = vcs_fail(err, VCS_DETACHED,
                      "HEAD is detached (at %s): a commit would be on no branch and easy to lose; "
                      "check out a branch first, or allow a detached commit",
                      h.short_id);
    vcs_head_free(&h);
    return rc;
}

/* ---- file sets ---------------------------------------------------------- */

void vcs_fileset_free(vcs_fileset *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->items[i].path);
    free(s->items);
    memset(s, 0, sizeof(*s));
}

static vcs_entry *fileset_push(vcs_fileset *s, const char *path)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 16;
        s->items = xrealloc(s->items, s->cap * sizeof(*s->items));
    }
    vcs_entry *e = &s->items[s->n++];
    memset(e, 0, sizeof(*e));
    e->path = xstrdup(path);
    return e;
}

static int entry_cmp(const void *a, const void *b)
{
    return strcmp(((const vcs_entry *)a)->path, ((const vcs_entry *)b)->path);
}

static int path_cmp(const void *key, const void *item)
{
    return strcmp((const char *)key, ((const vcs_entry *)item)->path);
}

const vcs_entry *vcs_fileset_find(const vcs_fileset *s, const char *path)
{
    if (!s->n)
        return NULL;
    return bsearch(path, s->items, s->n, sizeof(*s->items), path_cmp);
}

vcs_rc vcs_lookup_commit(vcs_repo *r, const char *rev, git_commit **out, vcs_error *err)
{
    *out = NULL;
    if (!rev) {
        if (git_repository_head_unborn(r->repo) == 1)
            return VCS_OK;
        rev = "HEAD";
    }
    git_object *obj = NULL;
    int rc = git_revparse_single(&obj, r->repo, rev);
    if (rc == GIT_ENOTFOUND || rc == GIT_EAMBIGUOUS || rc == GIT_EINVALIDSPEC)
        return vcs_fail(err, VCS_BAD_REV, "'%s' does not name a commit in this repository", rev);
    if (rc < 0)
        return vcs_git_fail(err, rc, rev);
    git_object *peeled = NULL;
    rc = git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT);
    git_object_free(obj);
    if (rc < 0)
        return vcs_fail(err, VCS_BAD_REV, "'%s' does not name a commit", rev);
    *out = (git_commit *)peeled;
    return VCS_OK;
}

typedef struct walk_ctx {
    vcs_fileset *set;
    size_t base_len; /* bytes of root to strip: the prefix inside the folder tree */
} walk_ctx;

static int tree_walk_cb(const char *root, const git_tree_entry *entry, void *payload)
{
    walk_ctx *w = payload;
    git_object_t type = git_tree_entry_type(entry);
    const char *name = git_tree_entry_name(entry);
    if (type == GIT_OBJECT_TREE) {
        if (!*root) { /* top level of the folder: only the artifact folders */
            for (size_t i = 0; i < COUNT(artifact_dirs); i++)
                if (strcmp(name, artifact_dirs[i]) == 0)
                    return 0;
            return 1;
        }
        return 0;
    }
    if (type != GIT_OBJECT_BLOB)
        return 0; /* submodules are not pipeline files */
    char *rel = xasprintf("%s%s", root, name);
    if (vcs_is_artifact(rel)) {
        vcs_entry *e = fileset_push(w->set, rel);
        git_oid_cpy(&e->id, git_tree_entry_id(entry));
        e->mode = git_tree_entry_filemode(entry);
    }
    free(rel);
    return 0;
}

vcs_rc vcs_fileset_from_tree(vcs_repo *r, git_tree *tree, vcs_fileset *out, vcs_error *err)
{
    memset(out, 0, sizeof(*out));
    if (!tree)
        return VCS_OK;
    git_tree *folder = tree;
    if (*r->prefix) {
        char *sub = xstrndup(r->prefix, strlen(r->prefix) - 1);
        git_tree_entry *te = NULL;
        int rc = git_tree_entry_bypath(&te, tree, sub);
        free(sub);
        if (rc == GIT_ENOTFOUND)
            return VCS_OK;
        if (rc < 0)
            return vcs_git_fail(err, rc, "cannot read the pipeline folder's tree");
        if (git_tree_entry_type(te) != GIT_OBJECT_TREE) {
            git_tree_entry_free(te);
            return VCS_OK;
        }
        rc = git_tree_lookup(&folder, r->repo, git_tree_entry_id(te));
        git_tree_entry_free(te);
        if (rc < 0)
            return vcs_git_fail(err, rc, "cannot read the pipeline folder's tree");
    }
    walk_ctx w = {out, 0};
    int rc = git_tree_walk(folder, GIT_TREEWALK_PRE, tree_walk_cb, &w);
    if (folder != tree)
        git_tree_free(folder);
    if (rc < 0) {
        vcs_fileset_free(out);
        return vcs_git_fail(err, rc, "cannot walk the pipeline folder's tree");
    }
    qsort(out->items, out->n, sizeof(*out->items), entry_cmp);
    return VCS_OK;
}

typedef struct work_ctx {
    vcs_repo *r;
    vcs_fileset *set;
    git_index *index;
    long long index_mtime_s, index_mtime_ns; /* for the racy-git check */
    vcs_error *err;
} work_ctx;

/* The blob id of a working file: from the index when its stat data says
 * the file is unchanged (as git does), else by hashing it. */
static vcs_rc work_hash(work_ctx *w, vcs_entry *e, const char *full, const char *repo_path)
{
    if (S_ISLNK(e->st.st_mode)) {
        char target[PATH_MAX];
        ssize_t n = readlink(full, target, sizeof(target));
        if (n < 0)
            return vcs_fail(w->err, VCS_ERROR, "%s: %s", full, strerror(errno));
        int rc = git_odb_hash(&e->id, target, (size_t)n, GIT_OBJECT_BLOB);
        return rc < 0 ? vcs_git_fail(w->err, rc, full) : VCS_OK;
    }
    const git_index_entry *ie = w->index ? git_index_get_bypath(w->index, repo_path, 0) : NULL;
    if (ie && ie->file_size == (uint32_t)e->st.st_size &&
        ie->mtime.seconds == (int32_t)e->st.st_mtim.tv_sec &&
        ie->mtime.nanoseconds == (uint32_t)e->st.st_mtim.tv_nsec &&
        ie->ctime.seconds == (int32_t)e->st.st_ctim.tv_sec && ie->ino == (uint32_t)e->st.st_ino &&
        ie->mode == e->mode &&
        ((long long)e->st.st_mtim.tv_sec < w->index_mtime_s ||
         ((long long)e->st.st_mtim.tv_sec == w->index_mtime_s &&
          (long long)e->st.st_mtim.tv_nsec < w->index_mtime_ns))) {
        git_oid_cpy(&e->id, &ie->id);
        return VCS_OK;
    }
    int rc = git_repository_hashfile(&e->id, w->r->repo, full, GIT_OBJECT_BLOB, repo_path);
    return rc < 0 ? vcs_git_fail(w->err, rc, full) : VCS_OK;
}

/* Ignore rules apply to untracked files only (as in git): a path in the
 * index, or a folder holding one, is never ignored.  Asking the index
 * first also spares libgit2's per-path ignore lookup, the costly part of
 * a walk. */
static bool tracked(work_ctx *w, const char *repo_path, bool folder)
{
    if (!w->index)
        return false;
    if (!folder)
        return git_index_get_bypath(w->index, repo_path, 0) != NULL;
    size_t pos;
    return git_index_find_prefix(&pos, w->index, repo_path) == 0;
}

static bool ignored(work_ctx *w, const char *repo_path)
{
    int ign = 0;
    return git_ignore_path_is_ignored(&ign, w->r->repo, repo_path) == 0 && ign;
}

static vcs_rc work_add(work_ctx *w, const char *rel, int depth);

static vcs_rc work_dir(work_ctx *w, const char *rel, int depth)
{
    if (depth > VCS_MAX_DEPTH)
        return vcs_fail(w->err, VCS_ERROR, "%s: folders nested deeper than %d levels", rel,
                        VCS_MAX_DEPTH);
    char *full = xasprintf("%s%s%s", w->r->workdir, w->r->prefix, rel);
    DIR *d = opendir(full);
    if (!d) {
        vcs_rc rc = vcs_fail(w->err, VCS_ERROR, "%s: %s", full, strerror(errno));
        free(full);
        return rc;
    }
    free(full);
    vcs_rc rc = VCS_OK;
    struct dirent *de;
    while (rc == VCS_OK && (de = readdir(d))) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0 ||
            strcmp(de->d_name, ".git") == 0)
            continue;
        char *child = xasprintf("%s/%s", rel, de->d_name);
        rc = work_add(w, child, depth + 1);
        free(child);
    }
    closedir(d);
    return rc;
}

/* Add the working file or folder rel (relative to the pipeline folder). */
static vcs_rc work_add(work_ctx *w, const char *rel, int depth)
{
    char *full = xasprintf("%s%s%s", w->r->workdir, w->r->prefix, rel);
    char *repo_path = xasprintf("%s%s", w->r->prefix, rel);
    struct stat st;
    vcs_rc rc = VCS_OK;
    if (lstat(full, &st) != 0) {
        if (errno != ENOENT && errno != ENOTDIR)
            rc = vcs_fail(w->err, VCS_ERROR, "%s: %s", full, strerror(errno));
    } else if (S_ISDIR(st.st_mode)) {
        char *slashed = xasprintf("%s/", repo_path);
        if (tracked(w, slashed, true) || !ignored(w, slashed))
            rc = work_dir(w, rel, depth);
        free(slashed);
    } else if ((S_ISREG(st.st_mode) || S_ISLNK(st.st_mode)) && vcs_is_artifact(rel) &&
               (tracked(w, repo_path, false) || !ignored(w, repo_path))) {
        if (w->set->n >= max_files) {
            rc = vcs_fail(w->err, VCS_ERROR, "the pipeline has more than %zu files", max_files);
        } else {
            vcs_entry *e = fileset_push(w->set, rel);
            e->st = st;
            e->mode = S_ISLNK(st.st_mode)      ? GIT_FILEMODE_LINK
                      : (st.st_mode & S_IXUSR) ? GIT_FILEMODE_BLOB_EXECUTABLE
                                               : GIT_FILEMODE_BLOB;
            rc = work_hash(w, e, full, repo_path);
        }
    }
    free(full);
    free(repo_path);
    return rc;
}

vcs_rc vcs_fileset_from_workdir(vcs_repo *r, vcs_fileset *out, vcs_error *err)
{
    memset(out, 0, sizeof(*out));
    work_ctx w = {r, out, NULL, 0, 0, err};
    if (git_repository_index(&w.index, r->repo) == 0) {
        git_index_read(w.index, 0);
        char *path = xasprintf("%sindex", git_repository_path(r->repo));
        struct stat st;
        if (stat(path, &st) == 0) {
            w.index_mtime_s = (long long)st.st_mtim.tv_sec;
            w.index_mtime_ns = (long long)st.st_mtim.tv_nsec;
        }
        free(path);
    }
    vcs_rc rc = VCS_OK;
    for (size_t i = 0; rc == VCS_OK && i < COUNT(artifact_files); i++)
        rc = work_add(&w, artifact_files[i], 0);
    for (size_t i = 0; rc == VCS_OK && i < COUNT(artifact_dirs); i++)
        rc = work_add(&w, artifact_dirs[i], 0);
    git_index_free(w.index);
    if (rc != VCS_OK) {
        vcs_fileset_free(out);
        return rc;
    }
    qsort(out->items, out->n, sizeof(*out->items), entry_cmp);
    return VCS_OK;
}

vcs_rc vcs_fileset_refresh(vcs_repo *r, vcs_fileset *set, const char *rel, vcs_error *err)
{
    vcs_fileset one = {0};
    work_ctx w = {r, &one, NULL, 0, 0, err};
    vcs_rc rc = work_add(&w, rel, 0);
    if (rc != VCS_OK) {
        vcs_fileset_free(&one);
        return rc;
    }
    vcs_entry *old = (vcs_entry *)vcs_fileset_find(set, rel);
    if (old && one.n == 1) {
        free(old->path);
        *old = one.items[0];
        free(one.items);
        return VCS_OK;
    }
    /* Appeared or vanished: rare; rebuild the whole set. */
    vcs_fileset_free(&one);
    vcs_fileset_free(set);
    return vcs_fileset_from_workdir(r, set, err);
}

/* The pipeline's files in a commit's tree; frees the commit. */
static vcs_rc fileset_from_commit(vcs_repo *r, git_commit *c, vcs_fileset *out, vcs_error *err)
{
    git_tree *tree = NULL;
    int grc = git_commit_tree(&tree, c);
    git_commit_free(c);
    if (grc < 0)
        return vcs_git_fail(err, grc, "cannot read the commit's tree");
    vcs_rc rc = vcs_fileset_from_tree(r, tree, out, err);
    git_tree_free(tree);
    return rc;
}

vcs_rc vcs_fileset_for_rev(vcs_repo *r, const char *rev, vcs_fileset *out, vcs_error *err)
{
    memset(out, 0, sizeof(*out));
    if (!rev)
        return vcs_fileset_from_workdir(r, out, err);
    git_commit *c = NULL;
    vcs_rc rc = vcs_lookup_commit(r, rev, &c, err);
    if (rc != VCS_OK)
        return rc;
    return fileset_from_commit(r, c, out, err);
}

/* The old side of a comparison: NULL means HEAD (empty when unborn). */
vcs_rc vcs_fileset_old(vcs_repo *r, const char *rev, vcs_fileset *out, vcs_error *err)
{
    if (rev)
        return vcs_fileset_for_rev(r, rev, out, err);
    memset(out, 0, sizeof(*out));
    git_commit *c = NULL;
    vcs_rc rc = vcs_lookup_commit(r, NULL, &c, err);
    if (rc != VCS_OK || !c)
        return rc;
    return fileset_from_commit(r, c, out, err);
}

void vcs_fileset_compare(const vcs_fileset *a, const vcs_fileset *b, vcs_changes *out)
{
    memset(out, 0, sizeof(*out));
    out->items = xcalloc(a->n + b->n + 1, sizeof(*out->items));
    size_t i = 0, j = 0;
    while (i < a->n || j < b->n) {
        int c = i == a->n ? 1 : j == b->n ? -1 : strcmp(a->items[i].path, b->items[j].path);
        vcs_changed_file *f = &out->items[out->n];
        if (c < 0) {
            f->path = xstrdup(a->items[i++].path);
            f->change = VCS_DELETED;
            out->n++;
        } else if (c > 0) {
            f->path = xstrdup(b->items[j++].path);
            f->change = VCS_ADDED;
            out->n++;
        } else {
            if (!git_oid_equal(&a->items[i].id, &b->items[j].id) ||
                a->items[i].mode != b->items[j].mode) {
                f->path = xstrdup(a->items[i].path);
                f->change = VCS_MODIFIED;
                out->n++;
            }
            i++;
            j++;
        }
    }
}

void vcs_changes_free(vcs_changes *c)
{
    for (size_t i = 0; i < c->n; i++)
        free(c->items[i].path);
    free(c->items);
    memset(c, 0, sizeof(*c));
}

vcs_rc vcs_changes_list(vcs_repo *r, const char *old_rev, const char *new_rev, vcs_changes *out,
                        vcs_error *err)
{
    memset(out, 0, sizeof(*out));
    vcs_fileset a, b;
    vcs_rc rc = vcs_fileset_old(r, old_rev, &a, err);
    if (rc != VCS_OK)
        return rc;
    rc = vcs_fileset_for_rev(r, new_rev, &b, err);
    if (rc != VCS_OK) {
        vcs_fileset_free(&a);
        return rc;
    }
    vcs_fileset_compare(&a, &b, out);
    vcs_fileset_free(&a);
    vcs_fileset_free(&b);
    return VCS_OK;
}

vcs_rc vcs_is_dirty(vcs_repo *r, bool *dirty, vcs_error *err)
{
    vcs_changes c;
    *dirty = false;
    vcs_rc rc = vcs_changes_list(r, NULL, NULL, &c, err);
    if (rc == VCS_OK)
        *dirty = c.n > 0;
    vcs_changes_free(&c);
    return rc;
}

/* ---- reading files ------------------------------------------------------ */

vcs_rc vcs_blob_read(vcs_repo *r, const git_oid *id, char **data, size_t *len, vcs_error *err)
{
    git_blob *blob = NULL;
    int rc = git_blob_lookup(&blob, r->repo, id);
    if (rc < 0)
        return vcs_git_fail(err, rc, "cannot read a file from the repository");
    size_t n = (size_t)git_blob_rawsize(blob);
    *data = xmalloc(n + 1);
    memcpy(*data, git_blob_rawcontent(blob), n);
    (*data)[n] = '\0';
    *len = n;
    git_blob_free(blob);
    return VCS_OK;
}

vcs_rc vcs_work_read(vcs_repo *r, const char *rel, char **data, size_t *len, vcs_error *err)
{
    char *full = xasprintf("%s%s%s", r->workdir, r->prefix, rel);
    char msg[256];
    vcs_rc rc = VCS_OK;
    if (fs_read_file(full, YAML_MAX_FILE_BYTES * 4, data, len, msg, sizeof(msg)) != 0)
        rc = fs_exists(full) ? vcs_fail(err, VCS_ERROR, "%s: %s", rel, msg)
                             : vcs_fail(err, VCS_NOT_FOUND, "%s: no such file", rel);
    free(full);
    return rc;
}

vcs_rc vcs_set_read(vcs_repo *r, const vcs_fileset *set, bool working, const char *path,
                    char **data, size_t *len, vcs_error *err)
{
    *data = NULL;
    *len = 0;
    const vcs_entry *e = vcs_fileset_find(set, path);
    if (!e)
        return VCS_NOT_FOUND;
    return working ? vcs_work_read(r, path, data, len, err)
                   : vcs_blob_read(r, &e->id, data, len, err);
}

vcs_rc vcs_file_read(vcs_repo *r, const char *rev, const char *path, char **data, size_t *len,
                     vcs_error *err)
{
    vcs_fileset s;
    vcs_rc rc = vcs_fileset_for_rev(r, rev, &s, err);
    if (rc != VCS_OK)
        return rc;
    rc = vcs_set_read(r, &s, !rev, path, data, len, err);
    if (rc == VCS_NOT_FOUND)
        vcs_fail(err, VCS_NOT_FOUND, "%s is not in %s", path, rev ? rev : "the working folder");
    vcs_fileset_free(&s);
    return rc;
}

vcs_rc vcs_patch_text(const char *repo_path, const char *old_data, size_t old_len,
                      const char *new_data, size_t new_len, char **text, vcs_error *err)
{
    *text = NULL;
    git_patch *patch = NULL;
    git_diff_options opts;
    git_diff_options_init(&opts, GIT_DIFF_OPTIONS_VERSION);
    int grc = git_patch_from_buffers(&patch, old_data, old_len, repo_path, new_data, new_len,
                                     repo_path, &opts);
    if (grc < 0)
        return vcs_git_fail(err, grc, "cannot diff");
    git_buf buf = GIT_BUF_INIT;
    vcs_rc rc = VCS_OK;
    grc = git_patch_to_buf(&buf, patch);
    if (grc < 0)
        rc = vcs_git_fail(err, grc, "cannot format a diff");
    else
        *text = xstrndup(buf.ptr ? buf.ptr : "", buf.size);
    git_buf_dispose(&buf);
    git_patch_free(patch);
    return rc;
}

vcs_rc vcs_file_diff(vcs_repo *r, const char *old_rev, const char *new_rev, const char *path,
                     char **text, vcs_error *err)
{
    *text = NULL;
    vcs_fileset a, b;
    vcs_rc rc = vcs_fileset_old(r, old_rev, &a, err);
    if (rc != VCS_OK)
        return rc;
    rc = vcs_fileset_for_rev(r, new_rev, &b, err);
    if (rc != VCS_OK) {
        vcs_fileset_free(&a);
        return rc;
    }
    char *old_data = NULL, *new_data = NULL;
    size_t old_len = 0, new_len = 0;
    const vcs_entry *ea = vcs_fileset_find(&a, path), *eb = vcs_fileset_find(&b, path);
    if (ea && eb && git_oid_equal(&ea->id, &eb->id) && ea->mode == eb->mode) {
        *text = xstrdup("");
        goto done;
    }
    rc = vcs_set_read(r, &a, false, path, &old_data, &old_len, err);
    if (rc == VCS_OK || rc == VCS_NOT_FOUND)
        rc = vcs_set_read(r, &b, !new_rev, path, &new_data, &new_len, err);
    if (rc != VCS_OK && rc != VCS_NOT_FOUND)
        goto done;
    char *repo_path = xasprintf("%s%s", r->prefix, path);
    rc = vcs_patch_text(repo_path, ea ? old_data : NULL, old_len, eb ? new_data : NULL, new_len,
                        text, err);
    free(repo_path);
done:
    free(old_data);
    free(new_data);
    vcs_fileset_free(&a);
    vcs_fileset_free(&b);
    return rc;
}

/* ---- identity ----------------------------------------------------------- */

vcs_rc vcs_identity(vcs_repo *r, char **name, char **email, vcs_error *err)
{
    *name = *email = NULL;
    git_signature *sig = NULL;
    int rc = git_signature_default(&sig, r->repo);
    if (rc == GIT_ENOTFOUND ||
        (rc < 0 && git_error_last() && git_error_last()->klass == GIT_ERROR_INVALID))
        return vcs_fail(err, VCS_NO_IDENTITY,
                        "no author identity: set user.name and user.email (git config), or let "
                        "weir store them in this repository");
    if (rc < 0)
        return vcs_git_fail(err, rc, "cannot read the author identity");
    *name = xstrdup(sig->name);
    *email = xstrdup(sig->email);
    git_signature_free(sig);
    return VCS_OK;
}

static bool identity_part_ok(const char *s)
{
    if (!s || !*s)
        return false;
    for (; *s; s++)
        if (*s == '<' || *s == '>' || *s == '\n' || *s == '\r' || *s == '\0')
            return false;
    return true;
}

vcs_rc vcs_set_identity(vcs_repo *r, const char *name, const char *email, vcs_error *err)
{
    if (!identity_part_ok(name) || !identity_part_ok(email))
        return vcs_fail(err, VCS_ERROR,
                        "a name and an email are both needed, without '<', '>' or newlines");
    git_config *cfg = NULL, *local = NULL;
    int rc = git_repository_config(&cfg, r->repo);
    if (rc == 0)
        rc = git_config_open_level(&local, cfg, GIT_CONFIG_LEVEL_LOCAL);
    if (rc == 0)
        rc = git_config_set_string(local, "user.name", name);
    if (rc == 0)
        rc = git_config_set_string(local, "user.email", email);
    vcs_rc out = rc < 0 ? vcs_git_fail(err, rc, "cannot store the identity") : VCS_OK;
    git_config_free(local);
    git_config_free(cfg);
    return out;
}

/* ---- revisions and models ----------------------------------------------- */

vcs_rc vcs_resolve(vcs_repo *r, const char *rev, char id[41], vcs_error *err)
{
    git_commit *c = NULL;
    vcs_rc rc = vcs_lookup_commit(r, rev ? rev : "HEAD", &c, err);
    if (rc != VCS_OK)
        return rc;
    git_oid_tostr(id, 41, git_commit_id(c));
    git_commit_free(c);
    return VCS_OK;
}

vcs_rc vcs_set_pipeline(vcs_repo *r, const vcs_fileset *s, bool working, pipeline *p,
                        diag_list *diags, vcs_error *err)
{
    pipeline_init(p);
    if (working) {
        if (!pipeline_load(r->dir, p, diags))
            return vcs_fail(err, VCS_NOT_FOUND, "cannot read %s in %s", PIPELINE_FILE, r->dir);
        return VCS_OK;
    }
    char *data = NULL;
    size_t len = 0;
    vcs_rc rc = vcs_set_read(r, s, false, PIPELINE_FILE, &data, &len, err);
    if (rc == VCS_NOT_FOUND)
        return vcs_fail(err, VCS_NOT_FOUND, "no %s%s in that revision", r->prefix, PIPELINE_FILE);
    if (rc != VCS_OK)
        return rc;
    bool ok = pipeline_load_buffer(data, len, r->dir, p, diags);
    free(data);
    data = NULL;
    if (!ok)
        return vcs_fail(err, VCS_ERROR, "%s%s cannot be parsed", r->prefix, PIPELINE_FILE);
    if (vcs_set_read(r, s, false, LAYOUT_FILE, &data, &len, err) == VCS_OK)
        pipeline_load_layout_buffer(data, len, p, diags);
    free(data);
    return VCS_OK;
}

vcs_rc vcs_pipeline_read(vcs_repo *r, const char *rev, pipeline *p, diag_list *diags,
                         vcs_error *err)
{
    pipeline_init(p);
    if (!rev)
        return vcs_set_pipeline(r, NULL, true, p, diags, err);
    vcs_fileset s;
    vcs_rc rc = vcs_fileset_for_rev(r, rev, &s, err);
    if (rc == VCS_OK)
        rc = vcs_set_pipeline(r, &s, false, p, diags, err);
    vcs_fileset_free(&s);
    return rc;
}
