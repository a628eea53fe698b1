/* utf8w: UTF-8 boundaries and widths via utf8proc (see utf8w.h). */
#include "utf8w.h"

#include <utf8proc.h>

size_t utf8w_decode(const char *s, size_t len, size_t i, int32_t *cp)
{
    if (i >= len) {
        *cp = -1;
        return 1;
    }
    unsigned char c = (unsigned char)s[i];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    utf8proc_int32_t out;
    utf8proc_ssize_t n =
        utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(len - i), &out);
    if (n <= 0) {
        *cp = -1;
        return 1;
    }
    *cp = out;
    return (size_t)n;
}

size_t utf8w_next(const char *s, size_t len, size_t i)
{
    if (i >= len)
        return len;
    /* ASCII followed by ASCII is a whole grapheme (CR LF aside): the common
     * case, without utf8proc. */
    if ((unsigned char)s[i] < 0x80 && s[i] != '\r' &&
        (i + 1 == len || (unsigned char)s[i + 1] < 0x80))
        return i + 1;
    int32_t cp;
    i += utf8w_decode(s, len, i, &cp);
    if (cp < 0)
        return i;
    utf8proc_int32_t state = 0;
    while (i < len) {
        int32_t next;
        size_t n = utf8w_decode(s, len, i, &next);
        if (next < 0 || utf8proc_grapheme_break_stateful(cp, next, &state))
            break;
        cp = next;
        i += n;
    }
    return i;
}

size_t utf8w_prev(const char *s, size_t len, size_t i)
{
    if (i > len)
        i = len;
    if (i == 0)
        return 0;
    /* Graphemes can only be found walking forward; start from a point that
     * is surely a boundary: just before an ASCII character (nothing but
     * CR LF joins ASCII to what precedes it), at most 256 bytes back. */
    size_t start = i - 1;
    size_t floor = i > 256 ? i - 256 : 0;
    while (start > floor &&
           ((unsigned char)s[start] >= 0x80 || (s[start] == '\n' && s[start - 1] == '\r')))
        start--;
    size_t prev = start, at = start;
    while (at < i) {
        prev = at;
        at = utf8w_next(s, len, at);
    }
    return prev;
}

size_t utf8w_snap(const char *s, size_t len, size_t i)
{
    if (i >= len)
        return len;
    return utf8w_prev(s, len, i + 1);
}

int utf8w_unit_width(const char *s, size_t len, size_t i, int x, int tab_width)
{
    if (i < len && (unsigned char)s[i] >= 0x20 && (unsigned char)s[i] < 0x7f)
        return 1;
    int32_t cp;
    utf8w_decode(s, len, i, &cp);
    if (cp == '\t')
        return tab_width - x % tab_width;
    if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0))
        return 1; /* drawn as '?' (or invalid byte) */
    int w = utf8proc_charwidth(cp);
    return w <= 0 ? 1 : w;
}

int utf8w_col_to_x(const char *s, size_t len, size_t col, int tab_width)
{
    int x = 0;
    size_t i = 0;
    while (i < len && i < col) {
        size_t n = utf8w_next(s, len, i);
        if (n > col)
            break;
        x += utf8w_unit_width(s, len, i, x, tab_width);
        i = n;
    }
    return x;
}

size_t utf8w_x_to_col(const char *s, size_t len, int x, int tab_width)
{
    int at = 0;
    size_t i = 0;
    while (i < len) {
        int w = utf8w_unit_width(s, len, i, at, tab_width);
        if (at + w > x)
            return i;
        at += w;
        i = utf8w_next(s, len, i);
    }
    return len;
}

bool utf8w_is_word(int32_t cp)
{
    if (cp < 0)
        return false;
    if (cp < 0x80)
        return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9') ||
               cp == '_';
    switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
        return true;
    default:
        return false;
    }
}

bool utf8w_valid(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        int32_t cp;
        i += utf8w_decode(s, n, i, &cp);
        if (cp < 0)
            return false;
    }
    return true;
}
