/* vcs_history: the commits that touched the pipeline, newest first.
 *
 * A commit touched the pipeline when one of the artifact entries of the
 * pipeline folder (pipeline.yaml, layout.yaml, .gitattributes, sql/, lua/,
 * samples/, plugins/) differs from its first parent's — or, for a merge,
 * from every parent's (git's own history simplification).  A vcs_log owns
 * its strings. */
#ifndef WEIR_VCS_HISTORY_H
#define WEIR_VCS_HISTORY_H

#include "vcs.h"

typedef struct vcs_log_entry {
    char id[41];
    char short_id[12];
    char *author_name, *author_email;
    long long time;    /* seconds since the epoch */
    int tz_offset;     /* minutes east of UTC */
    char *summary;     /* the message's first line */
    long long version; /* pipeline.version at that commit; -1 when unreadable */
} vcs_log_entry;

typedef struct vcs_log {
    vcs_log_entry *items;
    size_t n;
} vcs_log;

/* Walk from rev (NULL: HEAD; an unborn HEAD gives an empty log) and keep at
 * most max entries (0: no limit). */
vcs_rc vcs_log_read(vcs_repo *r, const char *rev, size_t max, vcs_log *out, vcs_error *err);
void vcs_log_free(vcs_log *log);

#endif
