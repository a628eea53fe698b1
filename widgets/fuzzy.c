#include "fuzzy.h"

#include <string.h>

static char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

int fuzzy_score(const char *pattern, const char *text)
{
    if (!*pattern)
        return 0;
    int score = 0, run = 0;
    const char *t = text;
    for (const char *p = pattern; *p; p++) {
        char want = lower(*p);
        const char *start = t;
        while (*t && lower(*t) != want)
            t++;
        if (!*t)
            return -1;
        if (t == start && p != pattern)
            run++;
        else
            run = 0;
        score += 4 + run * 6;
        if (t == text)
            score += 20;
        else if (t[-1] == '_' || t[-1] == '-' || t[-1] == ' ' || t[-1] == '.')
            score += 8;
        t++;
    }
    int len = (int)strlen(text);
    return score * 4 - (len > 60 ? 60 : len);
}
