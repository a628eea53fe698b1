/* diskmark: see diskmark.h. */
#include "diskmark.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fsutil.h"

enum { MARK_MAX_BYTES = 256 << 20 }; /* larger files are not marked */

static uint64_t fnv1a(const char *data, size_t len)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)data[i];
        h *= 1099511628211ull;
    }
    return h;
}

void diskmark_restat(disk_mark *m, const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        m->size = -1;
        m->mtime_ns = 0;
        m->ino = 0;
        return;
    }
    m->size = (long long)st.st_size;
    m->mtime_ns = (long long)st.st_mtim.tv_sec * 1000000000ll + st.st_mtim.tv_nsec;
    m->ino = (unsigned long long)st.st_ino;
}

void diskmark_set(disk_mark *m, const char *path, const char *data, size_t len)
{
    memset(m, 0, sizeof(*m));
    m->known = true;
    m->exists = data != NULL;
    m->hash = data ? fnv1a(data, len) : 0;
    diskmark_restat(m, path);
}

/* 1: read, 0: missing, -1: unreadable (then nothing can be compared). */
static int read_bytes(const char *path, char **data, size_t *len)
{
    char err[256];
    *data = NULL;
    *len = 0;
    if (!fs_exists(path))
        return 0;
    return fs_read_file(path, MARK_MAX_BYTES, data, len, err, sizeof(err)) == 0 ? 1 : -1;
}

void diskmark_take(disk_mark *m, const char *path)
{
    char *data;
    size_t len;
    int r = read_bytes(path, &data, &len);
    if (r < 0) {
        memset(m, 0, sizeof(*m)); /* unknown: never reported as changed */
        return;
    }
    diskmark_set(m, path, r ? data : NULL, len);
    free(data);
}

bool diskmark_changed(const disk_mark *m, const char *path)
{
    if (!m->known)
        return false;
    char *data;
    size_t len;
    int r = read_bytes(path, &data, &len);
    bool changed;
    if (r < 0)
        changed = false;
    else if (r == 0)
        changed = m->exists;
    else
        changed = !m->exists || fnv1a(data, len) != m->hash;
    free(data);
    return changed;
}

bool diskmark_stat_moved(const disk_mark *m, const char *path)
{
    if (!m->known)
        return false;
    disk_mark now = *m;
    diskmark_restat(&now, path);
    return now.size != m->size || now.mtime_ns != m->mtime_ns || now.ino != m->ino;
}
