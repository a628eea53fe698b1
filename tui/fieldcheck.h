/* fieldcheck: whether a value typed into a settings field is acceptable,
 * checked as it is typed, with the reason when it is not.  The same rules
 * as validate.c, one field at a time.  No curses. */
#ifndef WEIR_FIELDCHECK_H
#define WEIR_FIELDCHECK_H

#include "nodetypes.h"

/* NULL when fine; otherwise a reason, in buf (returned). dir is the
 * pipeline folder (file settings are looked up there: a path inside it
 * that does not exist yet is fine, see field_check_note). */
const char *field_check(const setting_spec *spec, const char *text, const char *dir, char *buf,
                        size_t size);

/* A warning about a value field_check accepts: a file setting naming a
 * file inside the folder that does not exist yet ("samples/x.jsonl does
 * not exist yet: preview will fail until it does").  NULL when there is
 * nothing to say; otherwise the warning, in buf (returned). */
const char *field_check_note(const setting_spec *spec, const char *text, const char *dir, char *buf,
                             size_t size);

/* The choice after (step 1) or before (step -1) current in "a|b|c"; the
 * first one when current is not among them.  Writes into buf. */
const char *field_cycle_choice(const char *choices, const char *current, int step, char *buf,
                               size_t size);

/* A list setting as one line of text, and back.  Items are joined with
 * ", "; an item that is empty, holds a comma, a double quote or a
 * backslash, or starts or ends with a space is written in double quotes
 * with \" and \\ inside, so splitting the joined text gives the same items
 * back (SQL such as "round(sum(amount), 2) as revenue" keeps its comma).
 * Returns a malloc'd string. */
char *field_list_join(const char *const *items, size_t n);

/* Split text written as field_list_join writes it.  Unquoted items are
 * trimmed and empty ones dropped (so "a, , b" is two items).  On success
 * *out gets n malloc'd strings in a malloc'd array (free with
 * field_list_free) and NULL is returned; otherwise the reason, in buf. */
const char *field_list_split(const char *text, char ***out, size_t *n, char *buf, size_t size);
void field_list_free(char **items, size_t n);

#endif
