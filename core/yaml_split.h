/* yaml_split: read a big YAML document in pieces, on several cores.
 *
 * libyaml reads one text on one core, and a 10,000-node pipeline.yaml is
 * some 12 ms of it: most of `weir validate`'s time (bench/README.md,
 * "validate and fmt").  Such a file is a root mapping of a few keys whose
 * values are big mappings of nodes.  yaml_split cuts its text at lines
 * that start an entry of the root (column 0) or of such a section (its
 * entries' column), parses the pieces in parallel as documents of their
 * own, and joins their trees into the tree one parse would have built.
 *
 * A cut is a guess from the text; the pieces' trees confirm it (see
 * yaml_split.c).  Whenever they do not — a piece that does not parse, a
 * duplicate key across pieces, any diagnostic at all — yaml_split_read
 * declines and the caller reads the text in one piece, so every error and
 * its position comes from the one-piece reader. */
#ifndef WEIR_YAML_SPLIT_H
#define WEIR_YAML_SPLIT_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "yaml_read.h"

typedef struct yaml_split_options {
    size_t min_bytes;  /* a smaller text is not worth the threads */
    size_t max_pieces; /* at most this many pieces */
    unsigned threads;  /* parse on this many threads, the caller's included */
} yaml_split_options;

/* The defaults: texts of 256 KiB and more, in up to 8 pieces, on as many
 * threads as this process has CPUs (at most 4); never on one CPU. */
yaml_split_options yaml_split_defaults(void);

/* A text cut into pieces, that threads read together: one thread plans,
 * any threads call yaml_split_work, one calls yaml_split_finish, and
 * yaml_split_free follows once no thread is in yaml_split_work. */
typedef struct yaml_split yaml_split;

/* Cut data[len] (which must outlive the split) into pieces; NULL when the
 * text is too small or does not cut (read it whole). */
yaml_split *yaml_split_plan(const char *data, size_t len, const char *path,
                            const yaml_split_options *opts);

/* Read pieces until none is left to take. */
void yaml_split_work(yaml_split *s);

/* Wait until every piece is read, then join the trees: true with doc
 * filled (see yaml_split_read), false when the text must be read whole. */
bool yaml_split_finish(yaml_split *s, yaml_doc *doc);
void yaml_split_free(yaml_split *s); /* NULL is fine */

/* How many texts were read in pieces and joined in this process (for
 * tests: a split that always declined would pass them unseen). */
size_t yaml_split_joined(void);

/* All of the above on threads of its own (opts NULL: the defaults).
 * True: doc holds the
 * tree, exactly as yaml_doc_read without comments would have built it, and
 * the text had nothing to diagnose.  False: nothing was kept; read the
 * text whole. */
bool yaml_split_read(const char *data, size_t len, const char *path, const yaml_split_options *opts,
                     yaml_doc *doc);

/* Where a piece sits in its file. */
typedef struct yaml_piece {
    int line0;  /* lines of the file before the piece */
    int depth0; /* depth of the piece's root in the file: 0, or 1 for a section's entries */
    void *mem;  /* room for the piece's tree (arena_new_in), or NULL */
    size_t mem_size;
} yaml_piece;

/* yaml_read.c's reader on one piece (no comments): positions count from
 * the file's start, nesting from the file's root, and an explicit document
 * end ("...") fails the piece.  n_values receives the values read. */
bool yaml_piece_read(const char *data, size_t len, const char *path, const yaml_piece *piece,
                     yaml_doc *doc, size_t *n_values, diag_list *diags);

#endif
