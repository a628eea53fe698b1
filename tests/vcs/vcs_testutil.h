/* vcs_testutil: temporary repositories for the vcs tests.  Every test runs
 * in its own mkdtemp folder with HOME pointing there and the system config
 * switched off (for git and for libgit2), so nothing depends on the
 * machine's or the user's git configuration. */
#ifndef WEIR_VCS_TESTUTIL_H
#define WEIR_VCS_TESTUTIL_H

#include <stdbool.h>
#include <stddef.h>

/* Make a fresh temp folder, point HOME/XDG there; returns it (static). */
const char *tu_setup(void);
/* Pin libgit2's config search paths to the temp folder (tu_setup does). */
void tu_setup_paths(void);
void tu_teardown(void);
const char *tu_root(void);

/* Run a shell command (printf-style) in the temp root; returns the exit
 * status.  tu_out also captures stdout (trailing newline removed; static
 * buffer, valid until the next call). */
int tu_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
const char *tu_out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Files relative to the temp root. */
void tu_write(const char *rel, const char *text);
char *tu_read(const char *rel); /* NULL when absent; caller frees */
bool tu_exists(const char *rel);

/* Open the repository holding REL (relative to the temp root); fails the
 * test when there is none.  Close it with vcs_close. */
struct vcs_repo *tu_open_repo(const char *rel);

/* git init -b main REL with a test identity (unless no_identity). */
void tu_git_init(const char *rel, bool identity);

/* A small valid pipeline in REL: a file source with a sample, a SQL
 * transform (sql/big.sql) and a stdout sink; version v. */
void tu_pipeline(const char *rel, int version);

/* git fsck --strict passes and `git show HEAD:repo_path` equals the file
 * at rel (relative to the temp root), checked inside repo. */
void tu_assert_committed(const char *repo, const char *repo_path, const char *rel);

#endif
