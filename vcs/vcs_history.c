/* vcs_history: see vcs_history.h. */
#include "vcs_history.h"

#include <stdlib.h>
#include <string.h>

#include "load.h"
#include "util.h"
#include "vcs_git.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const char *const artifact_names[] = {PIPELINE_FILE, LAYOUT_FILE, ".gitattributes", "sql",
                                             "lua",         "samples",   "plugins"};

/* The ids of the folder's artifact entries in a commit (zero when absent):
 * comparing these says whether the pipeline changed, without walking
 * whole trees. */
typedef struct fingerprint {
    git_oid ids[COUNT(artifact_names)];
    git_oid pipeline_blob;
    bool has_pipeline;
} fingerprint;

static int commit_fingerprint(vcs_repo *r, const git_commit *c, fingerprint *fp)
{
    memset(fp, 0, sizeof(*fp));
    git_tree *root = NULL;
    int rc = git_commit_tree(&root, c);
    if (rc < 0)
        return rc;
    git_tree *folder = root;
    const char *prefix = vcs_prefix(r);
    if (*prefix) {
        char *sub = xstrndup(prefix, strlen(prefix) - 1);
        git_tree_entry *te = NULL;
        rc = git_tree_entry_bypath(&te, root, sub);
        free(sub);
        folder = NULL;
        if (rc == 0 && git_tree_entry_type(te) == GIT_OBJECT_TREE)
            rc = git_tree_lookup(&folder, r->repo, git_tree_entry_id(te));
        git_tree_entry_free(te);
        if (rc == GIT_ENOTFOUND)
            rc = 0;
    }
    if (folder) {
        for (size_t i = 0; i < COUNT(artifact_names); i++) {
            const git_tree_entry *e = git_tree_entry_byname(folder, artifact_names[i]);
            if (e)
                git_oid_cpy(&fp->ids[i], git_tree_entry_id(e));
            if (e && i == 0 && git_tree_entry_type(e) == GIT_OBJECT_BLOB) {
                fp->has_pipeline = true;
                git_oid_cpy(&fp->pipeline_blob, git_tree_entry_id(e));
            }
        }
    }
    if (folder != root)
        git_tree_free(folder);
    git_tree_free(root);
    return rc;
}

static bool same_fingerprint(const fingerprint *a, const fingerprint *b)
{
    for (size_t i = 0; i < COUNT(artifact_names); i++)
        if (!git_oid_equal(&a->ids[i], &b->ids[i]))
            return false;
    return true;
}

static bool fingerprint_empty(const fingerprint *a)
{
    for (size_t i = 0; i < COUNT(artifact_names); i++)
        if (!git_oid_is_zero(&a->ids[i]))
            return false;
    return true;
}

/* The canonical block form ("pipeline:" then "  version: N"), found by a
 * line scan: a history of a big pipeline then costs no YAML parse per
 * commit.  -1 when the text is not in that form. */
static long long scan_version(const char *data, size_t len)
{
    const char *s = data, *end = data + len;
    bool in_meta = false;
    while (s < end) {
        const char *e = memchr(s, '\n', (size_t)(end - s));
        size_t n = e ? (size_t)(e - s) : (size_t)(end - s);
        if (n && s[0] != ' ' && s[0] != '#') {
            if (in_meta)
                return -1; /* left the section without a version */
            in_meta = n == 9 && strncmp(s, "pipeline:", 9) == 0;
        } else if (in_meta && n > 11 && strncmp(s, "  version: ", 11) == 0) {
            long long v = 0;
            size_t i = 11;
            for (; i < n && s[i] >= '0' && s[i] <= '9' && v < 1000000000000LL; i++)
                v = v * 10 + (s[i] - '0');
            return i == n && i > 11 ? v : -1;
        }
        s += n + 1;
    }
    return -1;
}

/* pipeline.version from the blob, without a full validation. */
static long long blob_version(vcs_repo *r, const git_oid *id)
{
    char *data;
    size_t len;
    if (vcs_blob_read(r, id, &data, &len, NULL) != VCS_OK)
        return -1;
    long long fast = scan_version(data, len);
    if (fast >= 0) {
        free(data);
        return fast;
    }
    diag_list diags;
    diag_list_init(&diags);
    pipeline p;
    long long v = -1;
    if (pipeline_load_buffer(data, len, ".", &p, &diags))
        v = p.version;
    pipeline_free(&p);
    diag_list_free(&diags);
    free(data);
    return v;
}

static void entry_fill(vcs_repo *r, vcs_log_entry *e, const git_commit *c, const fingerprint *fp)
{
    git_oid_tostr(e->id, sizeof(e->id), git_commit_id(c));
    git_oid_tostr(e->short_id, 8, git_commit_id(c));
    const git_signature *a = git_commit_author(c);
    e->author_name = xstrdup(a && a->name ? a->name : "");
    e->author_email = xstrdup(a && a->email ? a->email : "");
    e->time = a ? (long long)a->when.time : (long long)git_commit_time(c);
    e->tz_offset = a ? a->when.offset : git_commit_time_offset(c);
    const char *summary = git_commit_summary((git_commit *)c);
    e->summary = xstrdup(summary ? summary : "");
    e->version = fp->has_pipeline ? blob_version(r, &fp->pipeline_blob) : -1;
}

vcs_rc vcs_log_read(vcs_repo *r, const char *rev, size_t max, vcs_log *out, vcs_error *err)
{
    memset(out, 0, sizeof(*out));
    git_commit *start = NULL;
    vcs_rc rc = vcs_lookup_commit(r, rev, &start, err);
    if (rc != VCS_OK || !start)
        return rc;
    git_revwalk *walk = NULL;
    int grc = git_revwalk_new(&walk, r->repo);
    if (grc == 0)
        grc = git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME);
    if (grc == 0)
        grc = git_revwalk_push(walk, git_commit_id(start));
    git_commit_free(start);
    if (grc < 0) {
        git_revwalk_free(walk);
        return vcs_git_fail(err, grc, "cannot walk the history");
    }
    size_t cap = 0;
    git_oid id, cached_id;
    fingerprint cached;
    bool have_cached = false;
    while ((max == 0 || out->n < max) && (grc = git_revwalk_next(&id, walk)) == 0) {
        git_commit *c = NULL;
        if ((grc = git_commit_lookup(&c, r->repo, &id)) < 0)
            break;
        fingerprint fp;
        if (have_cached && git_oid_equal(&cached_id, &id)) {
            fp = cached; /* computed as the previous commit's first parent */
        } else if ((grc = commit_fingerprint(r, c, &fp)) < 0) {
            git_commit_free(c);
            break;
        }
        have_cached = false;
        unsigned n_parents = git_commit_parentcount(c);
        bool touched = n_parents == 0 ? !fingerprint_empty(&fp) : true;
        for (unsigned i = 0; i < n_parents && touched; i++) {
            git_commit *parent = NULL;
            fingerprint pfp;
            if ((grc = git_commit_parent(&parent, c, i)) < 0 ||
                (grc = commit_fingerprint(r, parent, &pfp)) < 0) {
                git_commit_free(parent);
                break;
            }
            if (i == 0) { /* the walk usually visits it next */
                cached = pfp;
                git_oid_cpy(&cached_id, git_commit_id(parent));
                have_cached = true;
            }
            if (same_fingerprint(&fp, &pfp))
                touched = false;
            git_commit_free(parent);
        }
        if (grc < 0) {
            git_commit_free(c);
            break;
        }
        if (touched) {
            if (out->n == cap) {
                cap = cap ? cap * 2 : 16;
                out->items = xrealloc(out->items, cap * sizeof(*out->items));
            }
            entry_fill(r, &out->items[out->n++], c, &fp);
        }
        git_commit_free(c);
    }
    git_revwalk_free(walk);
    if (grc < 0 && grc != GIT_ITEROVER) {
        vcs_log_free(out);
        return vcs_git_fail(err, grc, "cannot walk the history");
    }
    return VCS_OK;
}

void vcs_log_free(vcs_log *log)
{
    for (size_t i = 0; i < log->n; i++) {
        free(log->items[i].author_name);
        free(log->items[i].author_email);
        free(log->items[i].summary);
    }
    free(log->items);
    memset(log, 0, sizeof(*log));
}
