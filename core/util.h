/* util: allocation that never returns NULL (weir aborts on out-of-memory,
 * like git's xmalloc), and small string helpers shared by every module. */
#ifndef WEIR_UTIL_H
#define WEIR_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *ptr, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0), nonnull(1)));

/* Growable byte buffer; data is always NUL-terminated. */
typedef struct strbuf {
    char *data;
    size_t len, cap;
} strbuf;

void strbuf_init(strbuf *sb);
void strbuf_free(strbuf *sb);
void strbuf_add(strbuf *sb, const char *data, size_t len);
void strbuf_puts(strbuf *sb, const char *s);
void strbuf_putc(strbuf *sb, char c);
void strbuf_printf(strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *strbuf_detach(strbuf *sb); /* caller frees; sb is reset */

/* Levenshtein distance, capped: returns max+1 when it is larger. */
size_t edit_distance(const char *a, const char *b, size_t max);

/* The candidate closest to word, if close enough to be a likely typo. */
const char *closest_match(const char *word, const char *const *candidates, size_t n);

#endif
