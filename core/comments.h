/* comments: keep the '#' comments of weir's YAML files.
 *
 * libyaml's parser does not report comments, so they are found with its
 * scanner: a comment is a '#' in a gap between two tokens (what libyaml
 * skips), or after the header of a block scalar (`key: | # note`).  A '#'
 * inside a quoted or block scalar, or inside a plain scalar (`url:
 * http://x/#frag`), is part of a token and never a comment.
 *
 * Each comment is attached to a mapping key (value.comment), by the rule
 * of docs/format.md, "Comments":
 *   - a comment alone on its line belongs to the next key in the document;
 *   - an end-of-line comment belongs to the last key before it (the key of
 *     its line, or the key whose value it follows);
 *   - a comment that meets a list item instead (between or after the items
 *     of a list) belongs to the key that holds the list;
 *   - comments after the last key are the document's tail (the root
 *     value's comment), and an end-of-line comment before the first key
 *     (`--- # x`) belongs to the first key;
 *   - comments keep their order: an end-of-line comment never goes to a
 *     key before the one the comment above it went to.
 * A comment's text is what follows its '#', with trailing blanks removed;
 * the comments of one key are joined with '\n'.
 *
 * The model keeps them in node and pipeline fields (model.h), filled by
 * comments_to_pipeline / comments_to_layout; the writer puts each back as
 * "# text" lines above its key.  Strings returned are owned by the
 * caller. */
#ifndef WEIR_COMMENTS_H
#define WEIR_COMMENTS_H

#include <stdbool.h>
#include <stddef.h>

#include "model.h"
#include "value.h"

/* Attach the comments of data[len] — the exact bytes libyaml parsed into
 * root — to root's keys and root itself.  The comment of a value with
 * in_arena set is put in mem (the arena of root's document); others are
 * heap strings.  Returns false when libyaml's scanner fails on the text,
 * which it cannot do on text its parser accepted. */
bool comments_attach(const char *data, size_t len, value *root, struct arena *mem);

/* The number of comments in data[len] (one per '#' line); SIZE_MAX when
 * the scanner fails. */
size_t comments_count(const char *data, size_t len);

/* The number of lines in a comment: 0 for NULL. */
size_t comment_lines(const char *comment);

/* Append more (NULL: nothing) to *dst as further lines. */
void comment_append(char **dst, const char *more);

/* Carry the comments of a loaded pipeline.yaml / layout.yaml tree into the
 * model that load.c built from the same tree (comments_to_layout replaces
 * the model's layout comments).  Returns false if the model does not end
 * up with every comment line of the tree: a bug, but one that must stop a
 * write rather than drop a comment. */
bool comments_to_pipeline(pipeline *p, const value *root);
bool comments_to_layout(pipeline *p, const value *root);

/* The comment lines a model holds for pipeline.yaml (layout false) or for
 * layout.yaml (layout true), those of settings included. */
size_t pipeline_comment_lines(const pipeline *p, bool layout);

#endif
