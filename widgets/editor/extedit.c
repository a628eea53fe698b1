/* extedit: run $VISUAL / $EDITOR on a file (see extedit.h). */
#include "extedit.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util.h"

const char *extedit_command(void)
{
    const char *v = getenv("VISUAL");
    if (v && *v)
        return v;
    v = getenv("EDITOR");
    if (v && *v)
        return v;
    return "vi";
}

char *extedit_shell_quote(const char *s)
{
    strbuf sb;
    strbuf_init(&sb);
    strbuf_putc(&sb, '\'');
    for (; *s; s++) {
        if (*s == '\'')
            strbuf_puts(&sb, "'\\''");
        else
            strbuf_putc(&sb, *s);
    }
    strbuf_putc(&sb, '\'');
    return strbuf_detach(&sb);
}

int extedit_run(const char *cmd, const char *path, char *err, size_t err_size)
{
    char *q = extedit_shell_quote(path);
    char *line = xasprintf("%s %s", cmd, q);
    free(q);
    struct sigaction ign = {.sa_handler = SIG_IGN}, old_int, old_quit;
    sigemptyset(&ign.sa_mask);
    sigaction(SIGINT, &ign, &old_int);
    sigaction(SIGQUIT, &ign, &old_quit);
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(err, err_size, "cannot start the editor: %s", strerror(errno));
        free(line);
        sigaction(SIGINT, &old_int, NULL);
        sigaction(SIGQUIT, &old_quit, NULL);
        return -1;
    }
    if (pid == 0) {
        sigaction(SIGINT, &old_int, NULL);
        sigaction(SIGQUIT, &old_quit, NULL);
        execl("/bin/sh", "sh", "-c", line, (char *)NULL);
        _exit(127);
    }
    free(line);
    int status = 0;
    pid_t r;
    do
        r = waitpid(pid, &status, 0);
    while (r < 0 && errno == EINTR);
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGQUIT, &old_quit, NULL);
    if (r < 0) {
        snprintf(err, err_size, "waiting for the editor: %s", strerror(errno));
        return -1;
    }
    if (WIFSIGNALED(status)) {
        snprintf(err, err_size, "the editor was killed by signal %d", WTERMSIG(status));
        return -1;
    }
    int code = WEXITSTATUS(status);
    if (code == 127)
        snprintf(err, err_size, "cannot run the editor: %s", cmd);
    else if (code)
        snprintf(err, err_size, "the editor exited with status %d", code);
    return code;
}
