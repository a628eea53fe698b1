/* sqlpos: where in a SQL text a name that an error is about appears.
 *
 * Some SQLite errors carry no offset (sqlite3_error_offset() is -1: a
 * column in a JOIN's ON clause, "no such table", an authorizer refusal,
 * weir's own duplicate-column check), yet they quote the name at fault.
 * These functions find that name in the statement, as a whole identifier
 * outside comments and string literals, so the diagnostic can point at
 * it rather than at line 1.  Nothing is allocated. */
#ifndef WEIR_SQLPOS_H
#define WEIR_SQLPOS_H

#include <stdbool.h>

/* Byte offset in sql of the nth (1-based) occurrence of name, or -1.
 * Identifiers compare as SQLite does (ASCII case-insensitive, quotes
 * "x", [x], `x` removed).  A dotted name ("c.nmae", "main.t") matches
 * those identifiers joined by dots ("c . nmae", "c"."nmae") and the offset
 * is that of its first part; so does one quoted identifier spelt with the
 * dot ("c.nmae").  main_select: count only from the statement's
 * main SELECT (the first one outside parentheses, i.e. after a WITH
 * clause), where the result columns are named. */
int sqlpos_find_name(const char *sql, const char *name, int nth, bool main_select);

/* For an error SQLite gave no offset: the offset of the name the message
 * quotes ("no such column: X", "no such table: X", "ambiguous column name:
 * X"), or -1 when the message quotes none or it is not in sql. */
int sqlpos_for_message(const char *sql, const char *msg);

#endif
