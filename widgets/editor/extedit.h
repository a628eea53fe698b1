/* extedit: hand a file to the user's own editor ($VISUAL, else $EDITOR,
 * else vi) and wait for it.  No curses here: editor_external_edit() in
 * editor.h wraps this with endwin()/refresh().
 *
 * The command is run as `/bin/sh -c "<cmd> '<path>'"` so that $EDITOR may
 * carry arguments ("code -w", "emacs -nw"); the path is single-quoted, so
 * spaces, quotes and $ in it are safe.  SIGINT and SIGQUIT are ignored in
 * weir while the editor runs (like system(3)). */
#ifndef WEIR_EXTEDIT_H
#define WEIR_EXTEDIT_H

#include <stddef.h>

/* $VISUAL, else $EDITOR (when set and not empty), else "vi".  The pointer
 * is into the environment or static. */
const char *extedit_command(void);

/* s as one shell word in single quotes; caller frees. */
char *extedit_shell_quote(const char *s);

/* Run cmd on path and wait.  Returns the editor's exit status (0 = fine),
 * or -1 with a message in err when it could not be started or was killed
 * by a signal. */
int extedit_run(const char *cmd, const char *path, char *err, size_t err_size);

#endif
