/* luapattern: a worst-case cost estimate for Lua pattern matching, so the
 * sandbox can refuse catastrophic backtracking before it starts — the
 * matcher runs in C, where instruction hooks never fire.
 *
 * Model: the pattern is split into single items (a character class with an
 * optional quantifier).  A repeated item (*, +, -) can stop at many places
 * unless what follows pins it: the end of the pattern, a final $, or a
 * mandatory single item whose class is disjoint from the repeated one (then
 * only one stopping point can succeed).  With k unpinned repeated items and
 * q optional (?) items, one attempt costs at most C(n + k, k) * 2^q steps on
 * an n-byte subject, times n when a repeated item is followed by anything
 * (it may scan to the end before failing); an unanchored search makes n + 1
 * attempts.  Plain
 * finds cost (n - m + 1) * m.  The estimate is an upper bound, loose but
 * exact for the famous bad cases ("a*a*a*...b"). */
#include <ctype.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include "luapattern.h"

typedef struct cset {
    uint64_t w[4];
} cset;

static void cs_add(cset *s, unsigned c)
{
    s->w[c >> 6] |= 1ull << (c & 63);
}

static void cs_fill(cset *s)
{
    memset(s, 0xff, sizeof(*s));
}

static bool cs_disjoint(const cset *a, const cset *b)
{
    for (int i = 0; i < 4; i++)
        if (a->w[i] & b->w[i])
            return false;
    return true;
}

static void cs_invert(cset *s)
{
    for (int i = 0; i < 4; i++)
        s->w[i] = ~s->w[i];
}

/* The class %x (x a letter) or the literal x, computed over the 256 bytes
 * once: patterns are checked on every call, so this must be cheap. */
static cset class_table[256];
static pthread_once_t class_once = PTHREAD_ONCE_INIT;

static void class_compute(cset *s, unsigned char cl);

static void class_init(void)
{
    for (unsigned cl = 0; cl < 256; cl++)
        class_compute(&class_table[cl], (unsigned char)cl);
}

static void cs_class(cset *s, unsigned char cl)
{
    pthread_once(&class_once, class_init);
    for (int i = 0; i < 4; i++)
        s->w[i] |= class_table[cl].w[i];
}

static void class_compute(cset *s, unsigned char cl)
{
    int lower = tolower(cl);
    bool any = true;
    for (unsigned c = 0; c < 256; c++) {
        bool in;
        switch (lower) {
        case 'a':
            in = isalpha((int)c);
            break;
        case 'c':
            in = iscntrl((int)c);
            break;
        case 'd':
            in = isdigit((int)c);
            break;
        case 'g':
            in = isgraph((int)c);
            break;
        case 'l':
            in = islower((int)c);
            break;
        case 'p':
            in = ispunct((int)c);
            break;
        case 's':
            in = isspace((int)c);
            break;
        case 'u':
            in = isupper((int)c);
            break;
        case 'w':
            in = isalnum((int)c);
            break;
        case 'x':
            in = isxdigit((int)c);
            break;
        default:
            any = false;
            in = c == cl;
            break;
        }
        if (any && isupper(cl))
            in = !in;
        if (in)
            cs_add(s, c);
    }
}

/* Parse a [set] starting at p[i] == '['; returns the index after ']'. */
static size_t parse_set(const char *p, size_t lp, size_t i, cset *s)
{
    bool neg = false;
    i++;
    if (i < lp && p[i] == '^') {
        neg = true;
        i++;
    }
    bool first = true;
    while (i < lp && (p[i] != ']' || first)) {
        first = false;
        unsigned char c = (unsigned char)p[i];
        if (c == '%' && i + 1 < lp) {
            cs_class(s, (unsigned char)p[i + 1]);
            i += 2;
        } else if (i + 2 < lp && p[i + 1] == '-' && p[i + 2] != ']') {
            for (unsigned x = c; x <= (unsigned char)p[i + 2]; x++)
                cs_add(s, x);
            i += 3;
        } else {
            cs_add(s, c);
            i++;
        }
    }
    if (neg)
        cs_invert(s);
    return i < lp ? i + 1 : lp;
}

typedef struct item {
    cset set;
    char quant; /* 0, '*', '+', '-', '?' */
} item;

static double choose(double n, int k)
{
    double r = 1;
    for (int i = 1; i <= k && r < 1e300; i++)
        r = r * (n + i) / i;
    return r;
}

double luapattern_cost(const char *p, size_t lp, size_t n, bool anchor_allowed)
{
    const char *specials = "^$*+?.([%-";
    bool special = false;
    for (size_t i = 0; i < lp && !special; i++)
        special = strchr(specials, p[i]) != NULL && p[i] != '\0';
    if (!special) {
        if (lp == 0 || lp > n)
            return (double)n + 1;
        return ((double)(n - lp) + 1) * (double)lp;
    }
    size_t i = 0;
    bool anchored = false;
    if (anchor_allowed && lp && p[0] == '^') {
        anchored = true;
        i = 1;
    }
    /* At most one item per pattern byte. */
    item items[256];
    size_t n_items = 0;
    bool overflow = false, dollar = false;
    while (i < lp) {
        char c = p[i];
        if (c == '(' || c == ')') {
            i++;
            continue;
        }
        if (c == '$' && i + 1 == lp) {
            dollar = true;
            i++;
            continue;
        }
        item it = {{{0}}, 0};
        if (c == '%' && i + 1 < lp) {
            char d = p[i + 1];
            if (d == 'b') { /* deterministic, linear */
                i += 4;
                continue;
            }
            if (d == 'f') { /* zero-width frontier */
                i += 2;
                if (i < lp && p[i] == '[') {
                    cset tmp = {{0}};
                    i = parse_set(p, lp, i, &tmp);
                }
                continue;
            }
            if (d >= '0' && d <= '9') { /* a back-reference: one fixed string */
                i += 2;
                continue;
            }
            cs_class(&it.set, (unsigned char)d);
            i += 2;
        } else if (c == '[') {
            i = parse_set(p, lp, i, &it.set);
        } else if (c == '.') {
            cs_fill(&it.set);
            i++;
        } else {
            cs_add(&it.set, (unsigned char)c);
            i++;
        }
        if (i < lp && strchr("*+-?", p[i]) && p[i]) {
            it.quant = p[i];
            i++;
        }
        if (n_items < sizeof(items) / sizeof(items[0]))
            items[n_items++] = it;
        else
            overflow = true;
    }
    int k = 0, q = 0;
    bool scans = false; /* a repeated item before the end: each attempt may scan n bytes */
    for (size_t j = 0; j < n_items; j++) {
        if (items[j].quant == '?') {
            q++;
            continue;
        }
        if (!items[j].quant)
            continue;
        bool last = j + 1 == n_items;
        /* Followed by anything (a final $ included), a failing attempt may
         * scan to the end of the run first. */
        scans = scans || !last || dollar;
        bool pinned =
            last || (items[j + 1].quant != '?' && items[j + 1].quant != '*' &&
                     items[j + 1].quant != '-' && cs_disjoint(&items[j].set, &items[j + 1].set));
        if (!pinned)
            k++;
    }
    if (overflow)
        k += 64;
    double per_attempt = choose((double)n, k);
    for (int j = 0; j < q && per_attempt < 1e300; j++)
        per_attempt *= 2;
    double attempts = anchored ? 1 : (double)n + 1;
    return attempts * per_attempt * (scans ? (double)n + 1 : 1);
}
