/* vcs_restore: see vcs_restore.h. */
#include "vcs_restore.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsutil.h"
#include "util.h"
#include "vcs_git.h"

void vcs_snapshot_free(vcs_snapshot *s)
{
    for (size_t i = 0; i < s->n; i++) {
        free(s->items[i].path);
        free(s->items[i].data);
    }
    free(s->items);
    memset(s, 0, sizeof(*s));
}

vcs_rc vcs_snapshot_take(vcs_repo *r, const char *rev, vcs_snapshot *out, vcs_error *err)
{
    memset(out, 0, sizeof(*out));
    vcs_fileset set;
    vcs_rc rc = vcs_fileset_for_rev(r, rev, &set, err);
    if (rc != VCS_OK)
        return rc;
    out->items = xcalloc(set.n + 1, sizeof(*out->items));
    for (size_t i = 0; i < set.n && rc == VCS_OK; i++) {
        const vcs_entry *e = &set.items[i];
        if (e->mode == GIT_FILEMODE_LINK)
            continue; /* weir does not recreate symlinks */
        vcs_snapshot_file *f = &out->items[out->n];
        rc = vcs_set_read(r, &set, !rev, e->path, &f->data, &f->len, err);
        if (rc == VCS_NOT_FOUND) { /* removed while we read */
            rc = VCS_OK;
            continue;
        }
        if (rc != VCS_OK)
            break;
        f->path = xstrdup(e->path);
        f->executable = e->mode == GIT_FILEMODE_BLOB_EXECUTABLE;
        out->n++;
    }
    vcs_fileset_free(&set);
    if (rc != VCS_OK)
        vcs_snapshot_free(out);
    return rc;
}

static const vcs_snapshot_file *snapshot_find(const vcs_snapshot *s, const char *path)
{
    for (size_t i = 0; i < s->n; i++) /* snapshots are small; linear is fine */
        if (strcmp(s->items[i].path, path) == 0)
            return &s->items[i];
    return NULL;
}

static bool same_bytes(const char *full, const vcs_snapshot_file *f)
{
    char *data;
    size_t len;
    char msg[64];
    if (fs_read_file(full, f->len + 1, &data, &len, msg, sizeof(msg)) != 0)
        return false;
    bool same = len == f->len && memcmp(data, f->data, len) == 0;
    free(data);
    return same;
}

static vcs_rc write_one(vcs_repo *r, const vcs_snapshot_file *f, size_t *n, vcs_error *err)
{
    /* The path came from a tree: make sure it stays inside the folder. */
    path_check pc = fs_check_inside(vcs_dir(r), f->path, false);
    if (pc != PATH_OK && pc != PATH_NOT_FILE)
        return vcs_fail(err, VCS_ERROR, "%s: %s", f->path, path_check_message(pc));
    char *full = fs_join(vcs_dir(r), f->path);
    vcs_rc rc = VCS_OK;
    char msg[256];
    struct stat st;
    if (lstat(full, &st) == 0 && S_ISLNK(st.st_mode))
        unlink(full); /* replace a symlink by the file rather than write through it */
    if (!same_bytes(full, f)) {
        char *slash = strrchr(full, '/');
        *slash = '\0';
        if (fs_mkdirs(full, msg, sizeof(msg)) != 0)
            rc = vcs_fail(err, VCS_ERROR, "%s", msg);
        *slash = '/';
        if (rc == VCS_OK && fs_write_atomic(full, f->data, f->len, msg, sizeof(msg)) != 0)
            rc = vcs_fail(err, VCS_ERROR, "%s", msg);
        if (rc == VCS_OK)
            (*n)++;
    }
    if (rc == VCS_OK && lstat(full, &st) == 0) {
        mode_t want = f->executable ? (st.st_mode | 0111) : (st.st_mode & ~(mode_t)0111);
        if ((st.st_mode & 07777) != (want & 07777))
            chmod(full, want & 07777);
    }
    free(full);
    return rc;
}

vcs_rc vcs_snapshot_apply(vcs_repo *r, const vcs_snapshot *s, size_t *n_changed, vcs_error *err)
{
    size_t n = 0;
    vcs_fileset work;
    vcs_rc rc = vcs_fileset_from_workdir(r, &work, err);
    if (rc != VCS_OK)
        return rc;
    for (size_t i = 0; rc == VCS_OK && i < s->n; i++)
        rc = write_one(r, &s->items[i], &n, err);
    /* Files that did not exist then: removed, only pipeline paths. */
    for (size_t i = 0; rc == VCS_OK && i < work.n; i++) {
        /* Symlinks are never in a snapshot: leave the user's alone. */
        if (work.items[i].mode == GIT_FILEMODE_LINK || snapshot_find(s, work.items[i].path))
            continue;
        char *full = fs_join(vcs_dir(r), work.items[i].path);
        if (unlink(full) == 0)
            n++;
        else if (errno != ENOENT)
            rc = vcs_fail(err, VCS_ERROR, "cannot remove %s: %s", full, strerror(errno));
        /* Leave no empty sql/, lua/ ... folders behind. */
        for (char *slash = strrchr(full, '/'); rc == VCS_OK && slash; slash = strrchr(full, '/')) {
            *slash = '\0';
            if (strlen(full) <= strlen(vcs_dir(r)) || rmdir(full) != 0)
                break;
        }
        free(full);
    }
    vcs_fileset_free(&work);
    if (n_changed)
        *n_changed = n;
    return rc;
}

vcs_rc vcs_restore(vcs_repo *r, const char *rev, vcs_snapshot *undo, size_t *n_changed,
                   vcs_error *err)
{
    if (n_changed)
        *n_changed = 0;
    if (!rev)
        return vcs_fail(err, VCS_BAD_REV, "restore needs a revision");
    vcs_snapshot target;
    vcs_rc rc = vcs_snapshot_take(r, rev, &target, err);
    if (rc != VCS_OK)
        return rc;
    if (!snapshot_find(&target, "pipeline.yaml")) {
        vcs_snapshot_free(&target);
        return vcs_fail(err, VCS_NOT_FOUND, "%s has no pipeline in %s", rev,
                        *vcs_prefix(r) ? vcs_prefix(r) : "the repository's root");
    }
    if (undo) {
        rc = vcs_snapshot_take(r, NULL, undo, err);
        if (rc != VCS_OK) {
            vcs_snapshot_free(&target);
            return rc;
        }
    }
    rc = vcs_snapshot_apply(r, &target, n_changed, err);
    vcs_snapshot_free(&target);
    return rc;
}
