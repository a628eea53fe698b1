/* fuzzy: subsequence matching for finders and filters ("enr" finds
 * "enrich", "oc" finds "orders_clean").  Case-insensitive on ASCII, no
 * curses, no allocation. */
#ifndef WEIR_FUZZY_H
#define WEIR_FUZZY_H

/* -1 when the characters of pattern do not all appear in order in text;
 * otherwise a score, higher for better matches (prefix, word starts,
 * consecutive runs, shorter text).  An empty pattern matches with 0. */
int fuzzy_score(const char *pattern, const char *text);

#endif
