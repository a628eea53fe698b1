/* jsonline: parse one JSON Lines record (an object) straight into a new
 * row of a table; see jsonline.c.  The state is reused across lines and
 * freed with jsonline_free. */
#ifndef WEIR_JSONLINE_H
#define WEIR_JSONLINE_H

#include <stdio.h>

#include "pvtable.h"

typedef struct jsonline_state {
    size_t *mark; /* per column: serial + 1 of the line that set it */
    size_t cap;
    size_t serial;
    strbuf key, val; /* unescaped keys and strings */
} jsonline_state;

/* 0: the row was added; 1: malformed (no row added; message in err, 1-based
 * character column in *col); 2: the line would add a column beyond
 * PV_MAX_COLUMNS. */
int jsonline_parse(jsonline_state *st, pv_table *t, const char *line, size_t len, char *err,
                   size_t err_size, int *col);
void jsonline_free(jsonline_state *st);

#endif
