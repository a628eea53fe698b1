#include "uwidth.h"

#include <langinfo.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <utf8proc.h>

size_t uw_decode(const char *s, size_t len, int32_t *cp)
{
    if (len == 0) {
        *cp = 0;
        return 0;
    }
    utf8proc_int32_t c;
    utf8proc_ssize_t n =
        utf8proc_iterate((const utf8proc_uint8_t *)s, len > 4 ? 4 : (utf8proc_ssize_t)len, &c);
    if (n <= 0) {
        *cp = 0xFFFD;
        return 1;
    }
    *cp = c;
    return (size_t)n;
}

int uw_cp_width(int32_t cp)
{
    if (cp < 0x20 || cp == 0x7f)
        return 1;
    int w = utf8proc_charwidth(cp);
    if (w < 0)
        return 1;
    return w > 2 ? 2 : w;
}

int uw_width(const char *s)
{
    int cells = 0;
    size_t len = strlen(s);
    for (size_t i = 0; i < len;) {
        int32_t cp;
        i += uw_decode(s + i, len - i, &cp);
        cells += uw_cp_width(cp);
    }
    return cells;
}

size_t uw_fit(const char *s, int max_cells, int *cells)
{
    int used = 0;
    size_t len = strlen(s), i = 0;
    while (i < len) {
        int32_t cp;
        size_t n = uw_decode(s + i, len - i, &cp);
        int w = uw_cp_width(cp);
        if (used + w > max_cells)
            break;
        used += w;
        i += n;
    }
    if (cells)
        *cells = used;
    return i;
}

char *uw_truncate(const char *s, int max_cells, bool ascii)
{
    if (max_cells <= 0)
        return strdup("");
    if (uw_width(s) <= max_cells)
        return strdup(s);
    const char *ell = ascii ? "~" : "…";
    size_t n = uw_fit(s, max_cells - 1, NULL);
    char *out = malloc(n + strlen(ell) + 1);
    if (!out)
        abort();
    memcpy(out, s, n);
    strcpy(out + n, ell);
    return out;
}

size_t uw_prev(const char *s, size_t i)
{
    if (i == 0)
        return 0;
    i--;
    while (i > 0 && ((unsigned char)s[i] & 0xC0) == 0x80)
        i--;
    return i;
}

size_t uw_next(const char *s, size_t i)
{
    size_t len = strlen(s);
    if (i >= len)
        return len;
    int32_t cp;
    return i + uw_decode(s + i, len - i, &cp);
}

bool uw_locale_is_utf8(void)
{
    const char *cs = nl_langinfo(CODESET);
    return cs && (strcasecmp(cs, "UTF-8") == 0 || strcasecmp(cs, "utf8") == 0);
}
