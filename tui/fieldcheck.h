/* fieldcheck: whether a value typed into a settings field is acceptable,
 * checked as it is typed, with the reason when it is not.  The same rules
 * as validate.c, one field at a time.  No curses. */
#ifndef WEIR_FIELDCHECK_H
#define WEIR_FIELDCHECK_H

#include "nodetypes.h"

/* NULL when fine; otherwise a reason, in buf (returned). dir is the
 * pipeline folder (file settings are looked up there). */
const char *field_check(const setting_spec *spec, const char *text, const char *dir, char *buf,
                        size_t size);

/* The choice after (step 1) or before (step -1) current in "a|b|c"; the
 * first one when current is not among them.  Writes into buf. */
const char *field_cycle_choice(const char *choices, const char *current, int step, char *buf,
                               size_t size);

#endif
