/* gitapi: the libgit2 functions vcs/ calls, loaded at run time.
 *
 * weir does not link libgit2: commands that never touch git (validate,
 * fmt, graph, preview, plugins) would pay for mapping it and the ~18
 * libraries it pulls in at every start.  vcs_lib_init() (vcs_git.h)
 * dlopens it on first use and fills vcs_gitapi from VCS_GIT_FUNCS, the one
 * list of the functions.  The vcs sources include gitapi_defs.h (through
 * vcs_git.h), which gitapi.py generates at build time from this list: it
 * #defines each git_foo to (vcs_gitapi.git_foo), so calls read as usual.
 *
 * To call another libgit2 function from vcs/, add it here (in name
 * order); the weir binary then fails to link if one is missing.  The
 * table's pointers are NULL until vcs_lib_init() succeeded. */
#ifndef WEIR_GITAPI_H
#define WEIR_GITAPI_H

#include <git2.h>
#include <stdbool.h>
#include <stddef.h>

/* clang-format off */
#define VCS_GIT_FUNCS(X) \
    X(git_blob_create_from_workdir) \
    X(git_blob_free) \
    X(git_blob_lookup) \
    X(git_blob_rawcontent) \
    X(git_blob_rawsize) \
    X(git_buf_dispose) \
    X(git_commit_author) \
    X(git_commit_create) \
    X(git_commit_free) \
    X(git_commit_id) \
    X(git_commit_lookup) \
    X(git_commit_parent) \
    X(git_commit_parentcount) \
    X(git_commit_summary) \
    X(git_commit_time) \
    X(git_commit_time_offset) \
    X(git_commit_tree) \
    X(git_config_free) \
    X(git_config_open_level) \
    X(git_config_set_string) \
    X(git_diff_buffers) \
    X(git_diff_options_init) \
    X(git_error_last) \
    X(git_ignore_path_is_ignored) \
    X(git_index_add) \
    X(git_index_conflict_remove) \
    X(git_index_entry_stage) \
    X(git_index_entrycount) \
    X(git_index_find_prefix) \
    X(git_index_free) \
    X(git_index_get_byindex) \
    X(git_index_get_bypath) \
    X(git_index_read) \
    X(git_index_remove_bypath) \
    X(git_index_write) \
    X(git_libgit2_init) \
    X(git_libgit2_shutdown) \
    X(git_merge_file) \
    X(git_merge_file_input_init) \
    X(git_merge_file_options_init) \
    X(git_merge_file_result_free) \
    X(git_message_prettify) \
    X(git_object_free) \
    X(git_object_peel) \
    X(git_odb_hash) \
    X(git_oid_cpy) \
    X(git_oid_equal) \
    X(git_oid_is_zero) \
    X(git_oid_tostr) \
    X(git_patch_free) \
    X(git_patch_from_buffers) \
    X(git_patch_to_buf) \
    X(git_reference_free) \
    X(git_reference_lookup) \
    X(git_reference_shorthand) \
    X(git_reference_symbolic_target) \
    X(git_reference_target) \
    X(git_reference_type) \
    X(git_repository_commondir) \
    X(git_repository_config) \
    X(git_repository_free) \
    X(git_repository_hashfile) \
    X(git_repository_head) \
    X(git_repository_head_detached) \
    X(git_repository_head_unborn) \
    X(git_repository_index) \
    X(git_repository_init) \
    X(git_repository_is_bare) \
    X(git_repository_open_ext) \
    X(git_repository_path) \
    X(git_repository_state) \
    X(git_repository_workdir) \
    X(git_revparse_single) \
    X(git_revwalk_free) \
    X(git_revwalk_new) \
    X(git_revwalk_next) \
    X(git_revwalk_push) \
    X(git_revwalk_sorting) \
    X(git_signature_default) \
    X(git_signature_free) \
    X(git_signature_now) \
    X(git_tree_entry_byname) \
    X(git_tree_entry_bypath) \
    X(git_tree_entry_filemode) \
    X(git_tree_entry_free) \
    X(git_tree_entry_id) \
    X(git_tree_entry_name) \
    X(git_tree_entry_type) \
    X(git_tree_free) \
    X(git_tree_lookup) \
    X(git_tree_walk) \
    X(git_treebuilder_entrycount) \
    X(git_treebuilder_free) \
    X(git_treebuilder_get) \
    X(git_treebuilder_insert) \
    X(git_treebuilder_new) \
    X(git_treebuilder_remove) \
    X(git_treebuilder_write)
/* clang-format on */

typedef struct vcs_gitapi_table {
#define VCS_GIT_MEMBER(f) __typeof__(f) *f;
    VCS_GIT_FUNCS(VCS_GIT_MEMBER)
#undef VCS_GIT_MEMBER
} vcs_gitapi_table;

extern vcs_gitapi_table vcs_gitapi;

/* The name to dlopen: $WEIR_LIBGIT2 when set and not empty (a test and
 * diagnostic hook: docs/architecture.md), else the soname of the libgit2
 * weir was built against (WEIR_LIBGIT2_SONAME, from meson). */
const char *vcs_gitapi_name(void);

/* dlopen name (RTLD_LAZY | RTLD_LOCAL) and fill vcs_gitapi.  On failure the
 * table stays empty and err holds "cannot load NAME: <dlerror>" or "NAME
 * has no git_foo".  Not thread-safe: vcs_lib_init() calls it once. */
bool vcs_gitapi_load(const char *name, char *err, size_t err_size);

#endif
