/* diskmark: what a file held on disk when weir last read or wrote it, so a
 * save can tell that someone else (a hand edit, `git pull`, another pane)
 * changed it in the meantime and ask instead of overwriting.
 *
 * The mark is a hash of the bytes (files weir edits are small) plus the
 * stat fields, which make the idle check cheap: only when size, mtime or
 * inode moved are the bytes read and hashed again.  No curses; no memory
 * is owned by a mark. */
#ifndef WEIR_DISKMARK_H
#define WEIR_DISKMARK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct disk_mark {
    bool known;  /* a mark was taken at all */
    bool exists; /* the file was there */
    uint64_t hash;
    long long size, mtime_ns;
    unsigned long long ino;
} disk_mark;

/* Read path and remember its bytes (a missing file is a mark too). */
void diskmark_take(disk_mark *m, const char *path);

/* Remember bytes weir has just read from or written to path. */
void diskmark_set(disk_mark *m, const char *path, const char *data, size_t len);

/* True when path's bytes (or existence) differ from the mark.  Reads the
 * file; an unknown mark never differs. */
bool diskmark_changed(const disk_mark *m, const char *path);

/* Cheap: true when stat says the file may have changed (size, mtime,
 * inode or existence moved). */
bool diskmark_stat_moved(const disk_mark *m, const char *path);

/* Refresh only the stat fields (the bytes were found to be the same). */
void diskmark_restat(disk_mark *m, const char *path);

#endif
