/* journal: unsaved edits, kept in DIR/.weir/journal so that a dropped SSH
 * connection or a kill loses at most the last second of work.
 *
 * The journal holds the canonical pipeline.yaml and layout.yaml text of the
 * unsaved model (what a save would write) and the code-file origins, each
 * as a length-prefixed part, written atomically.  DIR/.weir/.gitignore
 * ("*") keeps it out of git.  No curses. */
#ifndef WEIR_JOURNAL_H
#define WEIR_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "edit.h"
#include "model.h"
#include "util.h"

#define JOURNAL_DIR ".weir"
#define JOURNAL_FILE "journal"

/* Write the journal for p.  It also records the disk signature noted by
 * journal_note_disk, so a recovery can tell the files changed since.
 * Returns false with err on failure. */
bool journal_write(const pipeline *p, const code_origins *o, char *err, size_t err_size);

bool journal_exists(const char *dir);
void journal_remove(const char *dir);

/* Read journal `kept` of dir (0: DIR/.weir/journal, N: the kept
 * DIR/.weir/journal.N) into *p and *o (initialised here); *base (may be
 * NULL) gets the disk signature it was written against, or NULL for an
 * older journal (caller frees).  False with err when it is missing or
 * unreadable (a damaged journal is never half-used). */
bool journal_read(const char *dir, unsigned kept, pipeline *p, code_origins *o, char **base,
                  char *err, size_t err_size);

/* Kept journals.  At start-up the previous session's journal is moved aside
 * to DIR/.weir/journal.N (N one above the highest kept) before this session
 * can write its own, so no journal is ever overwritten; it is removed only
 * when the user recovers (renamed back to the journal) or discards it. */
bool journal_set_aside(const char *dir);
/* Number of kept journals; *first gets the lowest (oldest) N. */
size_t journal_kept(const char *dir, unsigned *first);
/* "DIR/.weir/journal.N" relative to DIR, for messages (caller frees). */
char *journal_kept_name(unsigned n);
bool journal_restore_kept(const char *dir, unsigned n, char *err, size_t err_size);
void journal_remove_kept(const char *dir, unsigned n);

/* Remember pipeline.yaml and layout.yaml of dir as they are on disk now
 * (size and hash): at start-up and after each save. */
void journal_note_disk(const char *dir);
/* Append a warning line per file that differs from `base` on disk now. */
void journal_disk_changes(const char *dir, const char *base, strbuf *out);

/* What recovering would change relative to the files on disk (`disk` may be
 * an empty pipeline when there are none): one line per node added,
 * removed, rewired, changed or moved, and one per pipeline metadata key
 * (name, version, owner, description, tags) that differs. */
void journal_describe(const pipeline *disk, const pipeline *rec, strbuf *out);

#endif
