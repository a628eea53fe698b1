/* vcs_commit: see vcs_commit.h. */
#include "vcs_commit.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "artifacts.h"
#include "fsutil.h"
#include "load.h"
#include "util.h"
#include "validate.h"
#include "vcs_git.h"
#include "writer.h"

/* Version arithmetic shared by the plan and the commit. */
typedef struct plan {
    bool bump;
    long long head_version, new_version;
} plan;

static bool is_code(const char *path)
{
    return strncmp(path, "sql/", 4) == 0 || strncmp(path, "lua/", 4) == 0 ||
           strncmp(path, "plugins/", 8) == 0;
}

/* working: the working pipeline as loaded; ch: HEAD -> working changes. */
static vcs_rc make_plan(vcs_repo *r, const vcs_fileset *head, const pipeline *working,
                        const vcs_changes *ch, plan *out, vcs_error *err)
{
    out->bump = false;
    out->head_version = -1;
    out->new_version = working->version;
    if (!vcs_fileset_find(head, PIPELINE_FILE))
        return VCS_OK; /* the first commit of this pipeline: nothing to compare with */
    bool code = false, yaml_changed = false;
    for (size_t i = 0; i < ch->n; i++) {
        code |= is_code(ch->items[i].path);
        yaml_changed |= strcmp(ch->items[i].path, PIPELINE_FILE) == 0;
    }
    if (!yaml_changed) { /* HEAD has these very bytes: no need to parse them */
        out->head_version = working->version;
        out->bump = code;
        if (code)
            out->new_version = working->version + 1;
        return VCS_OK;
    }
    diag_list ignore;
    diag_list_init(&ignore);
    pipeline hp;
    vcs_rc rc = vcs_set_pipeline(r, head, false, &hp, &ignore, err);
    if (rc == VCS_OK) {
        out->head_version = hp.version;
        graph_diff d;
        graph_diff_compute(&hp, working, &d);
        out->bump = code || graph_diff_topology_changed(&d);
        graph_diff_free(&d);
    } else if (rc == VCS_ERROR) {
        rc = VCS_OK; /* HEAD's pipeline.yaml does not parse: no version to go from */
    }
    pipeline_free(&hp);
    diag_list_free(&ignore);
    /* A user who already raised the version keeps theirs. */
    if (out->bump && out->head_version >= 0 && working->version <= out->head_version)
        out->new_version = out->head_version + 1;
    return rc;
}

vcs_rc vcs_version_plan(vcs_repo *r, bool *bump, long long *head_version, long long *new_version,
                        vcs_error *err)
{
    *bump = false;
    *head_version = *new_version = -1;
    vcs_fileset head, work;
    vcs_rc rc = vcs_fileset_old(r, NULL, &head, err);
    if (rc != VCS_OK)
        return rc;
    rc = vcs_fileset_from_workdir(r, &work, err);
    if (rc == VCS_OK) {
        diag_list ignore;
        diag_list_init(&ignore);
        pipeline p;
        rc = vcs_set_pipeline(r, &work, true, &p, &ignore, err);
        if (rc == VCS_OK) {
            plan pl;
            vcs_changes ch;
            vcs_fileset_compare(&head, &work, &ch);
            rc = make_plan(r, &head, &p, &ch, &pl, err);
            vcs_changes_free(&ch);
            *bump = pl.bump && pl.new_version != p.version;
            *head_version = pl.head_version;
            *new_version = pl.new_version;
        }
        pipeline_free(&p);
        diag_list_free(&ignore);
        vcs_fileset_free(&work);
    }
    vcs_fileset_free(&head);
    return rc;
}

static bool blank(const char *s)
{
    for (; s && *s; s++)
        if (!isspace((unsigned char)*s))
            return false;
    return true;
}

static vcs_rc rewrite_version(vcs_repo *r, pipeline *p, long long version, vcs_error *err)
{
    long long old = p->version;
    p->version = version;
    char *text = writer_pipeline_yaml(p);
    p->version = old;
    if (!text)
        return vcs_fail(err, VCS_ERROR, "cannot write %s", PIPELINE_FILE);
    char *path = fs_join(vcs_dir(r), PIPELINE_FILE);
    char msg[256];
    vcs_rc rc = VCS_OK;
    if (fs_write_atomic(path, text, strlen(text), msg, sizeof(msg)) != 0)
        rc = vcs_fail(err, VCS_ERROR, "%s", msg);
    free(path);
    free(text);
    return rc;
}

/* A change to the commit's tree: a repository path and its new blob, or
 * mode 0 for a removal. */
typedef struct tree_change {
    char *path;
    git_oid id;
    uint32_t mode;
} tree_change;

/* Write the tree for folder `dir` (dirlen bytes of each change's path, ""
 * at the root): base with the changes applied, rebuilding only the
 * folders on the changed paths, so the cost grows with the depth of the
 * pipeline folder, not the size of the repository.  *empty when nothing is
 * left (git stores no empty folders below the root). */
static int write_tree(git_repository *repo, const git_tree *base, size_t dirlen,
                      const tree_change *ch, size_t n, git_oid *out, bool *empty)
{
    git_treebuilder *bld = NULL;
    int rc = git_treebuilder_new(&bld, repo, base);
    for (size_t i = 0; rc == 0 && i < n;) {
        const char *rest = ch[i].path + dirlen;
        const char *slash = strchr(rest, '/');
        if (!slash) {
            if (ch[i].mode)
                rc = git_treebuilder_insert(NULL, bld, rest, &ch[i].id, ch[i].mode);
            else if (git_treebuilder_get(bld, rest))
                rc = git_treebuilder_remove(bld, rest);
            i++;
            continue;
        }
        size_t len = (size_t)(slash - rest) + 1, j = i;
        while (j < n && strncmp(ch[j].path + dirlen, rest, len) == 0)
            j++;
        char *name = xstrndup(rest, len - 1);
        const git_tree_entry *e = base ? git_tree_entry_byname(base, name) : NULL;
        git_tree *sub = NULL;
        if (e && git_tree_entry_type(e) == GIT_OBJECT_TREE)
            rc = git_tree_lookup(&sub, repo, git_tree_entry_id(e));
        git_oid sub_id;
        bool sub_empty = false;
        if (rc == 0)
            rc = write_tree(repo, sub, dirlen + len, ch + i, j - i, &sub_id, &sub_empty);
        if (rc == 0 && sub_empty && git_treebuilder_get(bld, name))
            rc = git_treebuilder_remove(bld, name);
        else if (rc == 0 && !sub_empty)
            rc = git_treebuilder_insert(NULL, bld, name, &sub_id, GIT_FILEMODE_TREE);
        git_tree_free(sub);
        free(name);
        i = j;
    }
    if (rc == 0) {
        *empty = git_treebuilder_entrycount(bld) == 0;
        if (!*empty || dirlen == 0)
            rc = git_treebuilder_write(out, bld);
    }
    git_treebuilder_free(bld);
    return rc;
}

static int change_cmp(const void *a, const void *b)
{
    return strcmp(((const tree_change *)a)->path, ((const tree_change *)b)->path);
}

/* The commit's tree: HEAD's tree with the changed pipeline paths replaced. */
static vcs_rc build_tree(vcs_repo *r, git_commit *head, const vcs_fileset *work,
                         const vcs_changes *ch, git_oid *tree_id, vcs_error *err)
{
    tree_change *tc = xcalloc(ch->n + 1, sizeof(*tc));
    vcs_rc rc = VCS_OK;
    int grc = 0;
    for (size_t i = 0; i < ch->n; i++) {
        tc[i].path = xasprintf("%s%s", vcs_prefix(r), ch->items[i].path);
        if (ch->items[i].change == VCS_DELETED || rc != VCS_OK)
            continue;
        const vcs_entry *e = vcs_fileset_find(work, ch->items[i].path);
        tc[i].mode = e->mode;
        /* Writes the blob, through the same filters the hash used. */
        grc = git_blob_create_from_workdir(&tc[i].id, r->repo, tc[i].path);
        if (grc < 0)
            rc = vcs_git_fail(err, grc, tc[i].path);
    }
    qsort(tc, ch->n, sizeof(*tc), change_cmp);
    git_tree *base = NULL;
    if (rc == VCS_OK && head && (grc = git_commit_tree(&base, head)) < 0)
        rc = vcs_git_fail(err, grc, "cannot read HEAD's tree");
    bool empty;
    if (rc == VCS_OK && (grc = write_tree(r->repo, base, 0, tc, ch->n, tree_id, &empty)) < 0)
        rc = vcs_git_fail(err, grc, "cannot write the tree");
    git_tree_free(base);
    for (size_t i = 0; i < ch->n; i++)
        free(tc[i].path);
    free(tc);
    return rc;
}

static bool same_entry(const git_index_entry *a, const git_index_entry *b)
{
    return git_oid_equal(&a->id, &b->id) && a->mode == b->mode && a->file_size == b->file_size &&
           a->mtime.seconds == b->mtime.seconds && a->mtime.nanoseconds == b->mtime.nanoseconds &&
           a->ino == b->ino && git_index_entry_stage(a) == 0;
}

/* Make the repository's index agree with the commit for the pipeline's
 * paths only: the rest of the index (the user's staging) is not touched. */
static vcs_rc update_index(vcs_repo *r, const vcs_fileset *work, vcs_error *err)
{
    git_index *idx = NULL;
    int grc = git_repository_index(&idx, r->repo);
    if (grc < 0)
        return vcs_git_fail(err, grc, "cannot open the index");
    bool dirty = false;
    grc = git_index_read(idx, 0);
    /* Entries for pipeline paths that are gone from the folder. */
    const char *prefix = vcs_prefix(r);
    size_t plen = strlen(prefix);
    char **gone = NULL;
    size_t n_gone = 0;
    size_t count = git_index_entrycount(idx);
    for (size_t i = 0; grc == 0 && i < count; i++) {
        const git_index_entry *ie = git_index_get_byindex(idx, i);
        if (strncmp(ie->path, prefix, plen) != 0 || !vcs_is_artifact(ie->path + plen))
            continue;
        if (!vcs_fileset_find(work, ie->path + plen)) {
            gone = xrealloc(gone, (n_gone + 1) * sizeof(*gone));
            gone[n_gone++] = xstrdup(ie->path);
        }
    }
    for (size_t i = 0; i < n_gone; i++) {
        if (grc == 0) {
            git_index_remove_bypath(idx, gone[i]);
            dirty = true;
        }
        free(gone[i]);
    }
    free(gone);
    for (size_t i = 0; grc == 0 && i < work->n; i++) {
        const vcs_entry *e = &work->items[i];
        char *repo_path = xasprintf("%s%s", prefix, e->path);
        git_index_entry entry;
        memset(&entry, 0, sizeof(entry));
        entry.path = repo_path;
        entry.mode = e->mode;
        entry.id = e->id;
        entry.ctime.seconds = (int32_t)e->st.st_ctim.tv_sec;
        entry.ctime.nanoseconds = (uint32_t)e->st.st_ctim.tv_nsec;
        entry.mtime.seconds = (int32_t)e->st.st_mtim.tv_sec;
        entry.mtime.nanoseconds = (uint32_t)e->st.st_mtim.tv_nsec;
        entry.dev = (uint32_t)e->st.st_dev;
        entry.ino = (uint32_t)e->st.st_ino;
        entry.uid = (uint32_t)e->st.st_uid;
        entry.gid = (uint32_t)e->st.st_gid;
        entry.file_size = (uint32_t)e->st.st_size;
        const git_index_entry *old = git_index_get_bypath(idx, repo_path, 0);
        bool conflicted = git_index_get_bypath(idx, repo_path, 1) ||
                          git_index_get_bypath(idx, repo_path, 2) ||
                          git_index_get_bypath(idx, repo_path, 3);
        if (!old || conflicted || !same_entry(old, &entry)) {
            if (conflicted)
                git_index_conflict_remove(idx, repo_path);
            grc = git_index_add(idx, &entry);
            dirty = true;
        }
        free(repo_path);
    }
    if (grc == 0 && dirty)
        grc = git_index_write(idx);
    vcs_rc rc = grc < 0 ? vcs_git_fail(err, grc,
                                       "the commit was made, but the index could not "
                                       "be updated (git status may show the pipeline's "
                                       "files as changed)")
                        : VCS_OK;
    git_index_free(idx);
    return rc;
}

/* The ref the commit moves must not be locked by another git: the branch
 * HEAD points to (HEAD itself when detached).  Found out here, with the
 * other refusals, rather than by git_commit_create after the blobs, the
 * tree and the commit object are already in .git/objects (and
 * pipeline.yaml bumped): a refusal touches nothing. */
static vcs_rc check_ref_unlocked(vcs_repo *r, vcs_error *err)
{
    git_reference *head = NULL;
    int grc = git_reference_lookup(&head, r->repo, "HEAD");
    if (grc < 0)
        return vcs_git_fail(err, grc, "cannot read HEAD");
    char *lock;
    if (git_reference_type(head) == GIT_REFERENCE_SYMBOLIC)
        lock = xasprintf("%s%s.lock", git_repository_commondir(r->repo),
                         git_reference_symbolic_target(head));
    else
        lock = xasprintf("%sHEAD.lock", git_repository_path(r->repo));
    git_reference_free(head);
    vcs_rc rc = VCS_OK;
    if (access(lock, F_OK) == 0)
        rc = vcs_fail(err, VCS_LOCKED,
                      "the branch is locked (%s exists): another git command is updating it, "
                      "or one crashed; remove the file once no git is running",
                      lock);
    free(lock);
    return rc;
}

vcs_rc vcs_commit(vcs_repo *r, const vcs_commit_opts *o, vcs_commit_result *res, diag_list *diags,
                  vcs_error *err)
{
    memset(res, 0, sizeof(*res));
    if (!o->message || blank(o->message))
        return vcs_fail(err, VCS_ERROR, "a commit needs a message");
    vcs_rc rc = vcs_check_ready(r, o->allow_detached, err);
    if (rc == VCS_OK)
        rc = check_ref_unlocked(r, err);
    if (rc != VCS_OK)
        return rc;
    git_signature *sig = NULL;
    {
        char *name, *email;
        if (o->author_name && o->author_email) {
            name = xstrdup(o->author_name);
            email = xstrdup(o->author_email);
        } else if ((rc = vcs_identity(r, &name, &email, err)) != VCS_OK) {
            return rc;
        }
        int grc = git_signature_now(&sig, name, email);
        free(name);
        free(email);
        if (grc < 0)
            return vcs_git_fail(err, grc, "invalid author identity");
    }
    git_buf msg = GIT_BUF_INIT;
    git_commit *head = NULL;
    vcs_fileset head_set = {0}, work = {0};
    vcs_changes ch = {0};
    pipeline p;
    pipeline_init(&p);

    if (o->model && !pipeline_save(o->model, vcs_dir(r), diags)) {
        rc = vcs_fail(err, VCS_ERROR, "cannot save the pipeline before committing");
        goto out;
    }
    size_t errors_before = diags->n_errors;
    if (!pipeline_load(vcs_dir(r), &p, diags)) {
        rc = vcs_fail(err, VCS_ERROR, "cannot read %s in %s", PIPELINE_FILE, vcs_dir(r));
        goto out;
    }
    validate_options vo = {.check_files = true};
    pipeline_validate(&p, &vo, diags);
    size_t n_errors = diags->n_errors - errors_before;
    if (n_errors && !o->allow_invalid) {
        rc = vcs_fail(err, VCS_INVALID,
                      "the pipeline has %zu error%s; fix %s, or commit it anyway as invalid",
                      n_errors, n_errors == 1 ? "" : "s", n_errors == 1 ? "it" : "them");
        goto out;
    }
    /* The SQL that template transforms generate (sql/ID.sql) follows the
     * settings being committed; a template that cannot render is a warning
     * here (validation above already judged the node). */
    diag_list gen;
    diag_list_init(&gen);
    artifacts_sync(&p, vcs_dir(r), false, NULL, &gen);
    for (size_t i = 0; i < gen.n; i++)
        diag_add(diags, DIAG_WARNING, gen.items[i].path, gen.items[i].line, gen.items[i].col,
                 gen.items[i].node_id, "%s", gen.items[i].message);
    diag_list_free(&gen);
    int grc = git_message_prettify(&msg, o->message, 0, '#');
    if (grc < 0) {
        rc = vcs_git_fail(err, grc, "bad commit message");
        goto out;
    }
    rc = vcs_lookup_commit(r, NULL, &head, err);
    if (rc == VCS_OK)
        rc = vcs_fileset_old(r, NULL, &head_set, err);
    if (rc == VCS_OK)
        rc = vcs_fileset_from_workdir(r, &work, err);
    if (rc != VCS_OK)
        goto out;
    vcs_fileset_compare(&head_set, &work, &ch);
    if (!ch.n) {
        rc = vcs_fail(err, VCS_NOTHING, "nothing to commit: the pipeline's files match HEAD");
        goto out;
    }
    res->version = p.version;
    if (!o->no_bump) {
        plan pl;
        rc = make_plan(r, &head_set, &p, &ch, &pl, err);
        if (rc != VCS_OK)
            goto out;
        if (pl.bump && pl.new_version != p.version) {
            if (n_errors) {
                res->bump_skipped = true;
            } else {
                rc = rewrite_version(r, &p, pl.new_version, err);
                if (rc != VCS_OK)
                    goto out;
                res->bumped = true;
                res->version = pl.new_version;
                vcs_changes_free(&ch);
                rc = vcs_fileset_refresh(r, &work, PIPELINE_FILE, err);
                if (rc != VCS_OK)
                    goto out;
                vcs_fileset_compare(&head_set, &work, &ch);
            }
        }
    }
    res->n_files = ch.n;

    git_oid tree_id, commit_id;
    rc = build_tree(r, head, &work, &ch, &tree_id, err);
    if (rc != VCS_OK)
        goto out;
    git_tree *tree = NULL;
    grc = git_tree_lookup(&tree, r->repo, &tree_id);
    if (grc == 0) {
        const git_commit *parents[1] = {head};
        grc = git_commit_create(&commit_id, r->repo, "HEAD", sig, sig, NULL, msg.ptr, tree,
                                head ? 1 : 0, parents);
    }
    git_tree_free(tree);
    if (grc < 0) {
        rc = vcs_git_fail(err, grc, "cannot create the commit");
        goto out;
    }
    git_oid_tostr(res->id, sizeof(res->id), &commit_id);
    /* The commit exists now; an index that cannot be updated is reported
     * but does not undo it. */
    vcs_error ierr;
    res->index_updated = update_index(r, &work, &ierr) == VCS_OK;
    if (!res->index_updated)
        diag_add(diags, DIAG_WARNING, NULL, 0, 0, NULL, "%s", ierr.message);
    rc = VCS_OK;
out:
    pipeline_free(&p);
    vcs_changes_free(&ch);
    vcs_fileset_free(&head_set);
    vcs_fileset_free(&work);
    git_commit_free(head);
    git_buf_dispose(&msg);
    git_signature_free(sig);
    return rc;
}
