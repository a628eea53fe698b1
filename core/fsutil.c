#include "fsutil.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arena.h"
#include "idindex.h"
#include "util.h"

/* "16 MiB", "512 KiB" or "100 bytes": a limit as a person would write it. */
static void limit_text(size_t limit, char *buf, size_t size)
{
    if (limit >= 1024 * 1024 && limit % (1024 * 1024) == 0)
        snprintf(buf, size, "%zu MiB", limit / (1024 * 1024));
    else if (limit >= 1024 && limit % 1024 == 0)
        snprintf(buf, size, "%zu KiB", limit / 1024);
    else
        snprintf(buf, size, "%zu bytes", limit);
}

int fs_read_file(const char *path, size_t max_bytes, char **data, size_t *len, char *err,
                 size_t err_size)
{
    *data = NULL;
    *len = 0;
    char limit[32];
    limit_text(max_bytes, limit, sizeof(limit));
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, err_size, "cannot open: %s", strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        snprintf(err, err_size, "not a regular file");
        close(fd);
        return -1;
    }
    if ((unsigned long long)st.st_size > max_bytes) {
        snprintf(err, err_size, "file too large (%lld bytes; the limit is %s)",
                 (long long)st.st_size, limit);
        close(fd);
        return -1;
    }
    size_t cap = (size_t)st.st_size + 1, n = 0;
    char *buf = xmalloc(cap);
    for (;;) {
        if (n + 1 >= cap) {
            if (cap > max_bytes + 1) {
                snprintf(err, err_size, "file too large (the limit is %s)", limit);
                free(buf);
                close(fd);
                return -1;
            }
            cap *= 2;
            buf = xrealloc(buf, cap);
        }
        ssize_t got = read(fd, buf + n, cap - n - 1);
        if (got < 0) {
            if (errno == EINTR)
                continue;
            snprintf(err, err_size, "cannot read: %s", strerror(errno));
            free(buf);
            close(fd);
            return -1;
        }
        if (got == 0)
            break;
        n += (size_t)got;
    }
    close(fd);
    if (n > max_bytes) {
        snprintf(err, err_size, "file too large (the limit is %s)", limit);
        free(buf);
        return -1;
    }
    buf[n] = '\0';
    *data = buf;
    *len = n;
    return 0;
}

static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return xstrdup(".");
    if (slash == path)
        return xstrdup("/");
    return xstrndup(path, (size_t)(slash - path));
}

/* The temporary file written and synced, then put in place: renamed over
 * path, or (replace false) linked, which never replaces a file made
 * meanwhile.  Returns 0, 1 when !replace and path exists, -1 on error. */
static int write_via_temp(const char *path, const char *data, size_t len, bool replace, char *err,
                          size_t err_size)
{
    if (!replace && access(path, F_OK) == 0)
        return 1; /* no temporary file for nothing; link() below still guards the race */
    char *dir = dir_of(path);
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    char *tmp = xasprintf("%s/.%s.weir-tmp-XXXXXX", dir, base);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        snprintf(err, err_size, "cannot create a temporary file in %s: %s", dir, strerror(errno));
        goto fail_early;
    }
    /* Keep the mode an existing file had; new files get 0644 & ~umask. */
    struct stat st;
    if (stat(path, &st) == 0) {
        fchmod(fd, st.st_mode & 07777);
    } else {
        mode_t mask = umask(0);
        umask(mask);
        fchmod(fd, 0666 & ~mask);
    }
    size_t off = 0;
    while (off < len) {
        ssize_t w = write(fd, data + off, len - off);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            snprintf(err, err_size, "cannot write %s: %s", path, strerror(errno));
            goto fail;
        }
        off += (size_t)w;
    }
    if (fsync(fd) != 0) {
        snprintf(err, err_size, "cannot sync %s: %s", path, strerror(errno));
        goto fail;
    }
    if (close(fd) != 0) {
        fd = -1;
        snprintf(err, err_size, "cannot close %s: %s", path, strerror(errno));
        goto fail;
    }
    fd = -1;
    int placed = replace ? rename(tmp, path) : link(tmp, path);
    if (placed != 0 && !replace && errno == EEXIST) {
        unlink(tmp);
        free(tmp);
        free(dir);
        return 1;
    }
    if (placed != 0) {
        snprintf(err, err_size, "cannot %s %s: %s", replace ? "replace" : "create", path,
                 strerror(errno));
        goto fail;
    }
    if (!replace)
        unlink(tmp); /* path is the link that stays */
    /* Make the rename itself durable. */
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
    free(tmp);
    free(dir);
    return 0;
fail:
    if (fd >= 0)
        close(fd);
    unlink(tmp);
fail_early:
    free(tmp);
    free(dir);
    return -1;
}

int fs_write_atomic(const char *path, const char *data, size_t len, char *err, size_t err_size)
{
    return write_via_temp(path, data, len, true, err, err_size);
}

int fs_write_new(const char *path, const char *data, size_t len, char *err, size_t err_size)
{
    return write_via_temp(path, data, len, false, err, err_size);
}

int fs_mkdirs(const char *path, char *err, size_t err_size)
{
    char *p = xstrdup(path);
    for (char *s = p + 1; *s; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        if (mkdir(p, 0777) != 0 && errno != EEXIST) {
            snprintf(err, err_size, "cannot create %s: %s", p, strerror(errno));
            free(p);
            return -1;
        }
        *s = '/';
    }
    if (mkdir(p, 0777) != 0 && errno != EEXIST) {
        snprintf(err, err_size, "cannot create %s: %s", p, strerror(errno));
        free(p);
        return -1;
    }
    free(p);
    return 0;
}

bool fs_starts_with(const char *path, const char *prefix)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    size_t want = strlen(prefix);
    char buf[256];
    bool same =
        want <= sizeof(buf) && fread(buf, 1, want, f) == want && memcmp(buf, prefix, want) == 0;
    fclose(f);
    return same;
}

bool fs_exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

bool fs_is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

char *fs_join(const char *dir, const char *rel)
{
    size_t n = strlen(dir);
    if (n && dir[n - 1] == '/')
        return xasprintf("%s%s", dir, rel);
    return xasprintf("%s/%s", dir, rel);
}

static bool has_dotdot(const char *rel)
{
    const char *s = rel;
    while (*s) {
        const char *e = strchr(s, '/');
        size_t n = e ? (size_t)(e - s) : strlen(s);
        if (n == 2 && s[0] == '.' && s[1] == '.')
            return true;
        if (!e)
            break;
        s = e + 1;
    }
    return false;
}

static bool under(const char *real_root, const char *real_path)
{
    size_t n = strlen(real_root);
    if (strcmp(real_root, "/") == 0)
        return true;
    return strncmp(real_root, real_path, n) == 0 && (real_path[n] == '/' || real_path[n] == '\0');
}

/* Whether the deepest existing folder above path resolves inside root. */
static bool parent_inside(const char *real_root, const char *path)
{
    char real[PATH_MAX] = "";
    char *parent = dir_of(path);
    while (!realpath(parent, real)) {
        char *up = dir_of(parent);
        bool stuck = strcmp(up, parent) == 0;
        free(parent);
        parent = up;
        if (stuck)
            break;
    }
    bool inside = under(real_root, real);
    free(parent);
    return inside;
}

/* What the text alone says: empty, absolute, bad characters, "..". */
static path_check check_syntax(const char *rel)
{
    if (!rel || !*rel)
        return PATH_EMPTY;
    if (rel[0] == '/' || rel[0] == '~')
        return PATH_ABSOLUTE;
    for (const unsigned char *s = (const unsigned char *)rel; *s; s++)
        if (*s < 0x20 || *s == 0x7f || *s == '\\')
            return PATH_BAD_CHARS;
    if (has_dotdot(rel))
        return PATH_DOTDOT;
    return PATH_OK;
}

/* The common case, cheaply: no component below root is a symlink, so with
 * no ".." the path cannot leave root and realpath() (a readlink per
 * component of the whole absolute path) is not needed.  One lstat per
 * component.  Returns false when the answer needs the full resolution. */
static bool check_plain_path(const char *root, const char *rel, path_check *out)
{
    char path[PATH_MAX];
    size_t n = (size_t)snprintf(path, sizeof(path), "%s/", root);
    if (n >= sizeof(path))
        return false;
    for (const char *s = rel; *s;) {
        const char *e = strchr(s, '/');
        size_t len = e ? (size_t)(e - s) : strlen(s);
        if (len == 0 || (len == 1 && s[0] == '.')) {
            s = e ? e + 1 : s + len;
            continue;
        }
        if (n + len + 1 >= sizeof(path))
            return false;
        memcpy(path + n, s, len);
        n += len;
        path[n] = '\0';
        struct stat st;
        if (lstat(path, &st) != 0 || S_ISLNK(st.st_mode))
            return false; /* missing or a link: let realpath() judge */
        if (!e) {
            *out = S_ISREG(st.st_mode) ? PATH_OK : PATH_NOT_FILE;
            return true;
        }
        if (!S_ISDIR(st.st_mode))
            return false;
        path[n++] = '/';
        s = e + 1;
    }
    return false; /* "dir/" or only "." components */
}

path_check fs_check_inside(const char *root, const char *rel, bool must_exist)
{
    path_check syntax = check_syntax(rel);
    if (syntax != PATH_OK)
        return syntax;
    path_check fast;
    if (check_plain_path(root, rel, &fast))
        return fast;

    char real_root[PATH_MAX];
    if (!realpath(root, real_root))
        return PATH_MISSING;
    char *full = fs_join(root, rel);
    char real[PATH_MAX];
    path_check result = PATH_OK;
    if (realpath(full, real)) {
        struct stat st;
        if (!under(real_root, real))
            result = PATH_ESCAPES;
        else if (stat(real, &st) != 0 || !S_ISREG(st.st_mode))
            result = PATH_NOT_FILE;
    } else {
        /* Not there (or a dangling symlink): what it would resolve to must
         * still be inside, judged by its deepest existing parent. */
        struct stat st;
        char *would = NULL;
        if (lstat(full, &st) == 0 && S_ISLNK(st.st_mode)) {
            char target[PATH_MAX];
            ssize_t n = readlink(full, target, sizeof(target) - 1);
            if (n > 0) {
                target[n] = '\0';
                char *dir = dir_of(full);
                would = target[0] == '/' ? xstrdup(target) : fs_join(dir, target);
                free(dir);
            }
        }
        if (!parent_inside(real_root, would ? would : full))
            result = PATH_ESCAPES;
        else if (must_exist)
            result = PATH_MISSING;
        free(would);
    }
    free(full);
    return result;
}

const char *path_check_message(path_check c)
{
    switch (c) {
    case PATH_OK:
        return "ok";
    case PATH_EMPTY:
        return "the path is empty";
    case PATH_ABSOLUTE:
        return "must be a path relative to the pipeline folder, not an absolute one";
    case PATH_DOTDOT:
        return "must stay inside the pipeline folder ('..' is not allowed)";
    case PATH_MISSING:
        return "no such file";
    case PATH_NOT_FILE:
        return "is not a regular file";
    case PATH_ESCAPES:
        return "resolves outside the pipeline folder (through a symlink)";
    case PATH_BAD_CHARS:
        return "contains a backslash or a control character";
    }
    return "?";
}

typedef struct dir_entry {
    char *name;
    unsigned char type; /* DT_REG, DT_DIR, DT_LNK, ... */
} dir_entry;

typedef struct dir_listing {
    char *rel; /* "" for the root, else "sql", "a/b" */
    size_t rel_len;
    dir_entry *entries;
    size_t n;
    id_index by_name; /* name -> index in entries; built at the first lookup */
    bool readable;
} dir_listing;

struct fs_dir_cache {
    char *root;
    dir_listing *dirs;
    size_t n_dirs;
    arena *names; /* every entry's name: thousands of small strings */
};

fs_dir_cache *fs_dir_cache_new(const char *root)
{
    fs_dir_cache *c = xcalloc(1, sizeof(*c));
    c->root = xstrdup(root);
    c->names = arena_new();
    return c;
}

void fs_dir_cache_free(fs_dir_cache *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->n_dirs; i++) {
        free(c->dirs[i].entries);
        free(c->dirs[i].rel);
        id_index_free(&c->dirs[i].by_name);
    }
    arena_free(c->names);
    free(c->dirs);
    free(c->root);
    free(c);
}

/* The listing of rel (rel_len bytes), listed now if it was not yet. */
static dir_listing *list_dir(fs_dir_cache *c, const char *rel, size_t rel_len)
{
    for (size_t i = 0; i < c->n_dirs; i++)
        if (c->dirs[i].rel_len == rel_len &&
            (rel_len == 0 || memcmp(c->dirs[i].rel, rel, rel_len) == 0))
            return &c->dirs[i];
    c->dirs = xrealloc(c->dirs, (c->n_dirs + 1) * sizeof(*c->dirs));
    dir_listing *d = &c->dirs[c->n_dirs++];
    memset(d, 0, sizeof(*d));
    d->rel = xstrdup(rel);
    d->rel_len = rel_len;
    char *path = *rel ? fs_join(c->root, rel) : xstrdup(c->root);
    DIR *dir = opendir(path);
    free(path);
    if (!dir)
        return d;
    d->readable = true;
    size_t cap = 0;
    struct dirent *e;
    while ((e = readdir(dir))) {
        if (d->n == cap) {
            cap = cap ? cap * 2 : 64;
            d->entries = xrealloc(d->entries, cap * sizeof(*d->entries));
        }
        d->entries[d->n].name = arena_strndup(c->names, e->d_name, strlen(e->d_name));
        d->entries[d->n].type = e->d_type;
        d->n++;
    }
    closedir(dir);
    return d;
}

/* The entry named name in d, or NULL.  The index is built here, by the
 * thread that looks names up, not by one that listed the folder ahead
 * (fs_dir_cache_prefetch): each lookup into a table another CPU wrote
 * fetched its cache line from that CPU, and building it here took a third
 * off the file checks of a 10,000-node validation. */
static const dir_entry *find_entry(dir_listing *d, const char *name)
{
    if (!d->by_name.slots) {
        id_index_init(&d->by_name, d->n);
        for (size_t i = 0; i < d->n; i++)
            id_index_put(&d->by_name, d->entries[i].name, i);
    }
    ptrdiff_t at = id_index_get(&d->by_name, name);
    return at < 0 ? NULL : &d->entries[at];
}

void fs_dir_cache_prefetch(fs_dir_cache *c, const char *rel)
{
    list_dir(c, rel, strlen(rel));
}

path_check fs_check_inside_cached(fs_dir_cache *c, const char *rel, bool must_exist)
{
    /* Whatever check_syntax refuses (an empty or absolute path, a control
     * character, a backslash, a ".." component) and whatever the listings
     * cannot answer is left to fs_check_inside.  The walk checks each name
     * as it copies it: no answer is given before every byte was seen. */
    if (!rel || !*rel || rel[0] == '/' || rel[0] == '~')
        return fs_check_inside(c->root, rel, must_exist);
    char prefix[PATH_MAX]; /* not "= \"\"": that would clear 4 KiB per call */
    prefix[0] = '\0';
    size_t n = 0;
    for (const char *s = rel; *s;) {
        char name[NAME_MAX + 1];
        size_t len = 0;
        for (; s[len] && s[len] != '/'; len++) {
            unsigned char ch = (unsigned char)s[len];
            if (ch < 0x20 || ch == 0x7f || ch == '\\' || len == NAME_MAX)
                return fs_check_inside(c->root, rel, must_exist);
            name[len] = (char)ch;
        }
        name[len] = '\0';
        bool last = s[len] == '\0';
        s += last ? len : len + 1;
        if (len == 0 || (len == 1 && name[0] == '.'))
            continue;
        if (len == 2 && name[0] == '.' && name[1] == '.')
            break;
        dir_listing *d = list_dir(c, prefix, n);
        const dir_entry *hit = d->readable ? find_entry(d, name) : NULL;
        if (!hit)
            break; /* missing: the slow path says whether it would escape */
        if (last) {
            if (hit->type == DT_REG)
                return PATH_OK;
            if (hit->type == DT_DIR)
                return PATH_NOT_FILE;
            break; /* a link or an untyped entry */
        }
        if (hit->type != DT_DIR || n + 1 + len >= sizeof(prefix))
            break;
        if (n)
            prefix[n++] = '/';
        memcpy(prefix + n, name, len);
        n += len;
        prefix[n] = '\0';
    }
    return fs_check_inside(c->root, rel, must_exist);
}
