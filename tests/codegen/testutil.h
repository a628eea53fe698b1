/* Helpers shared by the codegen tests: temp folders, file I/O, running the
 * weir binary.  Header-only (static functions) so each test stays one file. */
#ifndef WEIR_TEST_CODEGEN_UTIL_H
#define WEIR_TEST_CODEGEN_UTIL_H

#include <dirent.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fsutil.h"
#include "util.h"

#include "../tmpdir.h"

static inline char *tu_tempdir(void)
{
    char tmpl[4096];
    if (!test_mkdtemp(tmpl, sizeof(tmpl), "weir-codegen")) {
        perror("mkdtemp");
        abort();
    }
    return xstrdup(tmpl);
}

static inline void tu_rmtree(const char *dir)
{
    chmod(dir, 0700); /* undo read-only test folders */
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d))) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            char *path = xasprintf("%s/%s", dir, e->d_name);
            struct stat st;
            if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode))
                tu_rmtree(path);
            else
                unlink(path);
            free(path);
        }
        closedir(d);
    }
    rmdir(dir);
}

static inline char *tu_read(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    strbuf sb;
    strbuf_init(&sb);
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
        strbuf_add(&sb, buf, n);
    fclose(f);
    return strbuf_detach(&sb);
}

static inline char *tu_read2(const char *dir, const char *name)
{
    char *path = fs_join(dir, name);
    char *text = tu_read(path);
    free(path);
    return text;
}

static inline void tu_write(const char *dir, const char *name, const char *text)
{
    char *path = xasprintf("%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f) {
        perror(path);
        abort();
    }
    fputs(text, f);
    fclose(f);
    free(path);
}

/* Copy the regular files directly inside src into dst. */
static inline void tu_copy_files(const char *src, const char *dst)
{
    DIR *d = opendir(src);
    if (!d) {
        perror(src);
        abort();
    }
    struct dirent *e;
    while ((e = readdir(d))) {
        char *path = xasprintf("%s/%s", src, e->d_name);
        struct stat st;
        if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
            char *text = tu_read(path);
            tu_write(dst, e->d_name, text);
            free(text);
        }
        free(path);
    }
    closedir(d);
}

/* The names in dir, sorted and joined by spaces (dot files included). */
static inline char *tu_listing(const char *dir)
{
    struct dirent **names;
    int n = scandir(dir, &names, NULL, alphasort);
    strbuf sb;
    strbuf_init(&sb);
    for (int i = 0; i < n; i++) {
        if (strcmp(names[i]->d_name, ".") != 0 && strcmp(names[i]->d_name, "..") != 0)
            strbuf_printf(&sb, "%s%s", sb.len ? " " : "", names[i]->d_name);
        free(names[i]);
    }
    free(names);
    return strbuf_detach(&sb);
}

static inline ino_t tu_inode(const char *dir, const char *name)
{
    char *path = xasprintf("%s/%s", dir, name);
    struct stat st;
    ino_t ino = stat(path, &st) == 0 ? st.st_ino : 0;
    free(path);
    return ino;
}

/* Run argv (argv[0] is a path) with stdout and stderr captured; returns the
 * exit status, or -1 when it did not exit normally. */
static inline int tu_run(char *const argv[], char **out, char **err)
{
    char *dir = tu_tempdir();
    char *out_path = xasprintf("%s/out", dir), *err_path = xasprintf("%s/err", dir);
    pid_t pid = fork();
    if (pid == 0) {
        int fo = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        int fe = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        int fi = open("/dev/null", O_RDONLY);
        dup2(fi, 0);
        dup2(fo, 1);
        dup2(fe, 2);
        execv(argv[0], argv);
        _exit(127);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    char *o = tu_read(out_path), *e = tu_read(err_path);
    if (out)
        *out = o ? o : xstrdup("");
    else
        free(o);
    if (err)
        *err = e ? e : xstrdup("");
    else
        free(e);
    tu_rmtree(dir);
    free(out_path);
    free(err_path);
    free(dir);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

#endif
