/* fsutil: file reading with a size limit, atomic writes, and the checks that
 * keep weir inside the pipeline folder.
 *
 * Every file weir writes goes through fs_write_atomic (or fs_write_new,
 * which never replaces): a temporary file in
 * the same folder, fsync, rename, fsync of the folder.  A kill at any moment
 * leaves either the old bytes or the new ones, never a truncated file. */
#ifndef WEIR_FSUTIL_H
#define WEIR_FSUTIL_H

#include <stdbool.h>
#include <stddef.h>

/* Read a whole file.  Returns 0, or -1 with a message in err (e.g. "cannot
 * open: No such file or directory", "file too large ...").  *data is
 * NUL-terminated and owned by the caller. */
int fs_read_file(const char *path, size_t max_bytes, char **data, size_t *len, char *err,
                 size_t err_size);

/* Write data atomically to path.  Returns 0, or -1 with a message in err. */
int fs_write_atomic(const char *path, const char *data, size_t len, char *err, size_t err_size);

/* The same, but only when path does not exist: an existing file (or one
 * made meanwhile) is never replaced.  Returns 0 written, 1 path exists,
 * -1 with a message in err. */
int fs_write_new(const char *path, const char *data, size_t len, char *err, size_t err_size);

/* mkdir -p for a folder (mode 0777 & ~umask). */
int fs_mkdirs(const char *path, char *err, size_t err_size);

bool fs_exists(const char *path);
/* Whether the file at path begins with prefix (reads only that much). */
bool fs_starts_with(const char *path, const char *prefix);
bool fs_is_dir(const char *path);

/* Join a folder and a relative path ("dir/rel"); caller frees. */
char *fs_join(const char *dir, const char *rel);

typedef enum {
    PATH_OK,
    PATH_EMPTY,
    PATH_ABSOLUTE,  /* "/etc/passwd" or "~/x" */
    PATH_DOTDOT,    /* a ".." component */
    PATH_MISSING,   /* does not exist */
    PATH_NOT_FILE,  /* a folder or a device */
    PATH_ESCAPES,   /* a symlink leads outside the folder */
    PATH_BAD_CHARS, /* backslash, NUL or control characters */
} path_check;

/* Check that rel names a regular file inside root (following symlinks, the
 * resolved path must stay under root).  With must_exist false, a missing
 * file is PATH_OK as long as its existing parents stay inside root. */
path_check fs_check_inside(const char *root, const char *rel, bool must_exist);
const char *path_check_message(path_check c);

/* The same check for many paths under one root (validating 8,000 file
 * settings): each folder is listed once and looked up by name, so a path
 * costs no system call.  Anything unusual (a symlink, a name the listing
 * cannot type) falls back to fs_check_inside.  The cache sees the folder as
 * it was when first listed: make a new one per validation. */
typedef struct fs_dir_cache fs_dir_cache;
fs_dir_cache *fs_dir_cache_new(const char *root);
void fs_dir_cache_free(fs_dir_cache *cache);
path_check fs_check_inside_cached(fs_dir_cache *cache, const char *rel, bool must_exist);

/* List the folder rel (relative to the root; "" for the root) now rather
 * than at its first check: the loader lists the format's folders on its
 * second thread while the main one parses (load.h).  The index of a
 * folder's names is left to its first check, on the thread that checks.
 * A cache is not thread-safe: one thread at a time. */
void fs_dir_cache_prefetch(fs_dir_cache *cache, const char *rel);

#endif
