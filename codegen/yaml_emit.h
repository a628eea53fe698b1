/* yaml_emit: the one place weir writes YAML text.
 *
 * weir's files use a small, fixed subset of YAML: block mappings and block
 * sequences indented by two spaces, plain or double-quoted scalars, and
 * `[]` / `{}` only for empty collections (block style cannot write them).
 * The quoting rule (docs/format.md, "Canonical form"):
 *
 *   a scalar is written double-quoted when
 *     - the plain form would not read back as the same text
 *       (yaml_plain_safe() is false), or
 *     - it holds "${" (a secret or environment reference), or
 *     - it is a string (was quoted, or is a model field that is always a
 *       string) and its plain form would read as a null, boolean or number
 *       in YAML 1.1 or 1.2 (yaml_looks_typed() is true);
 *   otherwise it is written plain.
 *
 * Comments are "# text" lines directly above the key they belong to, at
 * the key's indent; the first key of a collection inside a list has its
 * comment above the dash ("# c" / "- key: v").
 *
 * Every function appends to a strbuf the caller owns. */
#ifndef WEIR_YAML_EMIT_H
#define WEIR_YAML_EMIT_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"
#include "value.h"

typedef enum { YAML_STYLE_PLAIN, YAML_STYLE_DOUBLE } yaml_style;

/* True when text[len], written plain after "key: " or "- ", reads back as
 * exactly the same text (whatever type a reader then gives it). */
bool yaml_plain_safe(const char *text, size_t len);

/* True when a YAML 1.1 or 1.2 reader could take the plain text for a null,
 * a boolean, a number or a timestamp rather than a string. */
bool yaml_looks_typed(const char *text, size_t len);

/* The style the quoting rule picks.  is_string: the text must stay a
 * string (a quoted value, or a name / description / id from the model). */
yaml_style yaml_scalar_style(const char *text, size_t len, bool is_string);

/* Append the scalar as the rule says (no newline). */
void yaml_emit_scalar(strbuf *sb, const char *text, size_t len, bool is_string);

/* Append text double-quoted with escapes, always. */
void yaml_emit_double_quoted(strbuf *sb, const char *text, size_t len);

/* "KEY: VALUE\n" at the given indent, with a block collection below the key
 * when v is a non-empty list or map.  A key too long for a YAML simple key
 * is written in the explicit "? KEY" form. */
void yaml_emit_entry(strbuf *sb, int indent, const char *key, size_t key_len, bool key_is_string,
                     const value *v);

/* "KEY:" at the given indent, nothing after the colon (the caller goes on
 * with a newline and a block). */
void yaml_emit_key(strbuf *sb, int indent, const char *key, size_t key_len, bool key_is_string);

/* Same as yaml_emit_entry, for a string value that is always a string (model metadata). */
void yaml_emit_string_entry(strbuf *sb, int indent, const char *key, const char *text);

/* "- ITEM\n" lines for each string, at the given indent. */
void yaml_emit_string_list(strbuf *sb, int indent, char *const *items, size_t n);

/* The lines of a non-empty block collection at the given indent, with the
 * comments of its keys (value.comment) above them. */
void yaml_emit_block(strbuf *sb, int indent, const value *v);

/* One "# line" per line of a comment (comments.h), at the given indent;
 * nothing for NULL.  The text after '#' is written as it was read; in a
 * comment made in code, any line break starts a new "#" line, and what is
 * not UTF-8 or not allowed in YAML is written as U+FFFD. */
void yaml_emit_comment(strbuf *sb, int indent, const char *comment);

#endif
