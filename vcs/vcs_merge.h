/* vcs_merge: the three-way merge behind `weir merge-driver` (a git merge
 * driver for pipeline.yaml and layout.yaml).
 *
 * pipeline.yaml is merged as a model, node by node and setting by
 * setting: a change made on one side only is taken; the same change on
 * both sides is taken once; inputs merge as sets (edges added on either
 * side are kept, removed on either side are removed); the version becomes
 * the larger one.  Only where both sides changed the same field of the
 * same node (or metadata field) differently — or one side deleted a node
 * the other changed — does the result get conflict markers, around just
 * those lines of the canonical output.  layout.yaml is merged position by
 * position the same way.  Text that does not parse as a pipeline falls
 * back to a line-based merge (git's own algorithm, through libgit2). */
#ifndef WEIR_VCS_MERGE_H
#define WEIR_VCS_MERGE_H

#include <stdbool.h>
#include <stddef.h>

/* The .gitattributes lines that make git merge a pipeline's files with
 * this driver (docs/git.md); `weir new` and the canvas's new pipeline
 * write them. */
#define VCS_GITATTRIBUTES "pipeline.yaml merge=weir\nlayout.yaml merge=weir\n"

typedef enum merge_kind { MERGE_PIPELINE, MERGE_LAYOUT } merge_kind;

typedef struct merge_result {
    char *text; /* the merged file, owned by the caller */
    size_t len;
    size_t n_conflicts; /* conflicting fields (0: clean) */
    bool line_merge;    /* a file did not parse: merged as plain text */
} merge_result;

/* Which merge a file gets: by its path's file name when given (git's %P),
 * else by its content. */
merge_kind merge_kind_for(const char *path, const char *text, size_t len);

/* Merge base/ours/theirs (base may be empty: the file was added on both
 * sides).  Returns false with a message only on an internal failure. */
bool merge_texts(merge_kind kind, const char *base, size_t base_len, const char *ours,
                 size_t ours_len, const char *theirs, size_t theirs_len, merge_result *out,
                 char *err, size_t err_size);

void merge_result_free(merge_result *r);

#endif
