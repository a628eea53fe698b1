/* jsonline: one JSON Lines record parsed straight into a table row.
 *
 * A DOM per line (jansson) costs an allocation per value; previews read
 * many lines of flat objects, so the top level is parsed here and only
 * nested objects and arrays go through jansson (to validate them and keep
 * them as compact JSON text).  Follows RFC 8259: strings must be valid
 * UTF-8 without raw control characters, numbers in JSON form, no duplicate
 * keys.  Integers beyond 64 bits become reals. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "jsonline.h"

typedef struct jp {
    const char *p, *end, *start;
    const char *err;
    const char *err_at;
} jp;

static bool fail(jp *j, const char *msg, const char *at)
{
    if (!j->err) {
        j->err = msg;
        j->err_at = at;
    }
    return false;
}

static void ws(jp *j)
{
    while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\r' || *j->p == '\n'))
        j->p++;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static bool hex4(jp *j, unsigned *out)
{
    if (j->end - j->p < 4)
        return fail(j, "invalid \\u escape", j->p);
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        int h = hexval(j->p[i]);
        if (h < 0)
            return fail(j, "invalid \\u escape", j->p);
        v = v * 16 + (unsigned)h;
    }
    j->p += 4;
    *out = v;
    return true;
}

static void put_utf8(strbuf *sb, unsigned cp)
{
    char b[4];
    size_t n;
    if (cp < 0x80) {
        b[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        b[0] = (char)(0xC0 | (cp >> 6));
        b[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        b[0] = (char)(0xE0 | (cp >> 12));
        b[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        b[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        b[0] = (char)(0xF0 | (cp >> 18));
        b[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        b[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        b[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    strbuf_add(sb, b, n);
}

/* Length of the valid UTF-8 sequence at s (n bytes available), or 0. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    size_t len;
    unsigned min;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        len = 2, min = 0x80;
    else if (c >= 0xE0 && c <= 0xEF)
        len = 3, min = 0x800;
    else if (c >= 0xF0 && c <= 0xF4)
        len = 4, min = 0x10000;
    else
        return 0;
    if (n < len)
        return 0;
    unsigned cp = c & (0x3F >> (len - 1));
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return len;
}

/* A string at j->p (the opening quote).  Sets *s and *len: either straight
 * into the line (no escapes) or into sb. */
static bool string(jp *j, strbuf *sb, const char **s, size_t *len)
{
    const char *q = ++j->p;
    /* Fast path: no escapes, ASCII or valid UTF-8. */
    while (q < j->end && *q != '"' && *q != '\\') {
        unsigned char c = (unsigned char)*q;
        if (c < 0x20)
            return fail(j, "control character in a string (escape it)", q);
        if (c < 0x80) {
            q++;
            continue;
        }
        size_t n = utf8_seq((const unsigned char *)q, (size_t)(j->end - q));
        if (!n)
            return fail(j, "invalid UTF-8 in a string", q);
        q += n;
    }
    if (q == j->end)
        return fail(j, "unterminated string", j->p - 1);
    if (*q == '"') {
        *s = j->p;
        *len = (size_t)(q - j->p);
        j->p = q + 1;
        return true;
    }
    sb->len = 0;
    strbuf_add(sb, j->p, (size_t)(q - j->p));
    j->p = q;
    while (j->p < j->end && *j->p != '"') {
        unsigned char c = (unsigned char)*j->p;
        if (c == '\\') {
            if (++j->p == j->end)
                break;
            char e = *j->p++;
            switch (e) {
            case '"':
            case '\\':
            case '/':
                strbuf_putc(sb, e);
                break;
            case 'b':
                strbuf_putc(sb, '\b');
                break;
            case 'f':
                strbuf_putc(sb, '\f');
                break;
            case 'n':
                strbuf_putc(sb, '\n');
                break;
            case 'r':
                strbuf_putc(sb, '\r');
                break;
            case 't':
                strbuf_putc(sb, '\t');
                break;
            case 'u': {
                unsigned cp, lo;
                const char *at = j->p - 2;
                if (!hex4(j, &cp))
                    return false;
                if (cp >= 0xD800 && cp <= 0xDBFF) {
                    if (j->end - j->p < 6 || j->p[0] != '\\' || j->p[1] != 'u')
                        return fail(j, "invalid Unicode surrogate pair", at);
                    j->p += 2;
                    if (!hex4(j, &lo))
                        return false;
                    if (lo < 0xDC00 || lo > 0xDFFF)
                        return fail(j, "invalid Unicode surrogate pair", at);
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                    return fail(j, "invalid Unicode surrogate pair", at);
                } else if (cp == 0) {
                    return fail(j, "\\u0000 is not allowed in a string", at);
                }
                put_utf8(sb, cp);
                break;
            }
            default:
                return fail(j, "invalid escape in a string", j->p - 2);
            }
            continue;
        }
        if (c < 0x20)
            return fail(j, "control character in a string (escape it)", j->p);
        size_t n = c < 0x80 ? 1 : utf8_seq((const unsigned char *)j->p, (size_t)(j->end - j->p));
        if (!n)
            return fail(j, "invalid UTF-8 in a string", j->p);
        strbuf_add(sb, j->p, n);
        j->p += n;
    }
    if (j->p == j->end)
        return fail(j, "unterminated string", q);
    j->p++;
    *s = sb->data ? sb->data : "";
    *len = sb->len;
    return true;
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool number(jp *j, pv_cell *cell)
{
    const char *s = j->p;
    bool integral = true;
    if (j->p < j->end && *j->p == '-')
        j->p++;
    if (j->p == j->end || !is_digit(*j->p))
        return fail(j, "invalid number", s);
    if (*j->p == '0' && j->p + 1 < j->end && is_digit(j->p[1]))
        return fail(j, "invalid number (leading zero)", s);
    while (j->p < j->end && is_digit(*j->p))
        j->p++;
    if (j->p < j->end && *j->p == '.') {
        integral = false;
        j->p++;
        if (j->p == j->end || !is_digit(*j->p))
            return fail(j, "invalid number", s);
        while (j->p < j->end && is_digit(*j->p))
            j->p++;
    }
    if (j->p < j->end && (*j->p == 'e' || *j->p == 'E')) {
        integral = false;
        j->p++;
        if (j->p < j->end && (*j->p == '+' || *j->p == '-'))
            j->p++;
        if (j->p == j->end || !is_digit(*j->p))
            return fail(j, "invalid number", s);
        while (j->p < j->end && is_digit(*j->p))
            j->p++;
    }
    size_t n = (size_t)(j->p - s);
    if (integral && pv_parse_int(s, n, &cell->v.i)) {
        cell->kind = PV_INT;
        return true;
    }
    char buf[400];
    if (n >= sizeof(buf))
        return fail(j, "number too long", s);
    memcpy(buf, s, n);
    buf[n] = '\0';
    cell->kind = PV_REAL;
    cell->v.r = strtod(buf, NULL);
    return true;
}

/* A nested object or array: find its end (strings skipped), then let
 * jansson validate it and print it compactly. */
static bool nested(jp *j, pv_table *t, pv_cell *cell)
{
    const char *s = j->p;
    int depth = 0;
    while (j->p < j->end) {
        char c = *j->p;
        if (c == '"') {
            j->p++;
            while (j->p < j->end && *j->p != '"')
                j->p += *j->p == '\\' && j->p + 1 < j->end ? 2 : 1;
            if (j->p == j->end)
                return fail(j, "unterminated string", s);
        } else if (c == '{' || c == '[') {
            if (++depth > 512)
                return fail(j, "nested too deeply", j->p);
        } else if (c == '}' || c == ']') {
            if (--depth == 0) {
                j->p++;
                break;
            }
        }
        j->p++;
    }
    if (depth != 0)
        return fail(j, "unterminated object or array", s);
    json_error_t jerr;
    json_t *v = json_loadb(s, (size_t)(j->p - s), JSON_REJECT_DUPLICATES, &jerr);
    if (!v)
        return fail(j, jerr.text[0] ? "invalid nested JSON" : "invalid JSON",
                    s + (jerr.position > 0 ? jerr.position - 1 : 0));
    char *text = json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER);
    pv_cell_set_json(t, cell, text, strlen(text));
    free(text);
    json_decref(v);
    return true;
}

static long find_column(pv_table *t, const char *key, size_t klen, size_t guess)
{
    if (guess < t->n_cols && strncmp(t->cols[guess].name, key, klen) == 0 &&
        t->cols[guess].name[klen] == '\0')
        return (long)guess;
    for (size_t i = 0; i < t->n_cols; i++)
        if (strncmp(t->cols[i].name, key, klen) == 0 && t->cols[i].name[klen] == '\0')
            return (long)i;
    return -1;
}

static bool literal(jp *j, const char *word, size_t n)
{
    if ((size_t)(j->end - j->p) < n || memcmp(j->p, word, n) != 0)
        return fail(j, "invalid literal", j->p);
    j->p += n;
    return true;
}

int jsonline_parse(jsonline_state *st, pv_table *t, const char *line, size_t len, char *err,
                   size_t err_size, int *col)
{
    jp j = {line, line + len, line, NULL, NULL};
    size_t row = t->n_rows;
    pv_table_add_row(t);
    ws(&j);
    int rc = 1;
    if (j.p == j.end || *j.p != '{') {
        fail(&j,
             j.p < j.end && *j.p == '[' ? "expected a JSON object, found an array"
                                        : "expected a JSON object",
             j.p);
        goto out;
    }
    j.p++;
    ws(&j);
    size_t guess = 0;
    if (j.p < j.end && *j.p == '}') {
        j.p++;
    } else {
        for (;;) {
            ws(&j);
            if (j.p == j.end || *j.p != '"') {
                fail(&j, "expected a key (a string)", j.p);
                goto out;
            }
            const char *key_at = j.p;
            const char *k;
            size_t klen;
            if (!string(&j, &st->key, &k, &klen))
                goto out;
            if (memchr(k, '\0', klen)) {
                fail(&j, "a key holds a NUL character", key_at);
                goto out;
            }
            long c = find_column(t, k, klen, guess);
            if (c < 0) {
                char *name = xstrndup(k, klen);
                c = pv_table_add_column(t, name, PV_TYPE_NULL);
                free(name);
                if (c < 0) {
                    rc = 2;
                    goto out;
                }
            }
            if ((size_t)c >= st->cap) {
                size_t ncap = (size_t)c * 2 + 16;
                st->mark = xrealloc(st->mark, ncap * sizeof(size_t));
                memset(st->mark + st->cap, 0, (ncap - st->cap) * sizeof(size_t));
                st->cap = ncap;
            }
            if (st->mark[c] == st->serial + 1) {
                fail(&j, "duplicate key", key_at);
                goto out;
            }
            st->mark[c] = st->serial + 1;
            guess = (size_t)c + 1;
            ws(&j);
            if (j.p == j.end || *j.p != ':') {
                fail(&j, "expected ':' after a key", j.p);
                goto out;
            }
            j.p++;
            ws(&j);
            pv_cell *cell = pv_table_cell(t, row, (size_t)c);
            if (j.p == j.end) {
                fail(&j, "expected a value", j.p);
                goto out;
            }
            bool ok = true;
            switch (*j.p) {
            case '"': {
                const char *s;
                size_t n;
                ok = string(&j, &st->val, &s, &n);
                if (ok)
                    pv_cell_set_text(t, cell, s, n);
                break;
            }
            case '{':
            case '[':
                ok = nested(&j, t, cell);
                break;
            case 't':
                ok = literal(&j, "true", 4);
                cell->kind = ok ? PV_BOOL : PV_NULL;
                cell->v.i = 1;
                break;
            case 'f':
                ok = literal(&j, "false", 5);
                cell->kind = ok ? PV_BOOL : PV_NULL;
                cell->v.i = 0;
                break;
            case 'n':
                ok = literal(&j, "null", 4);
                break;
            default:
                ok = number(&j, cell);
            }
            if (!ok)
                goto out;
            ws(&j);
            if (j.p < j.end && *j.p == ',') {
                j.p++;
                continue;
            }
            if (j.p < j.end && *j.p == '}') {
                j.p++;
                break;
            }
            fail(&j, "expected ',' or '}'", j.p);
            goto out;
        }
    }
    ws(&j);
    if (j.p != j.end) {
        fail(&j, "unexpected text after the object", j.p);
        goto out;
    }
    rc = 0;
out:
    st->serial++;
    if (rc != 0) {
        pv_table_truncate(t, row);
        if (rc == 1) {
            snprintf(err, err_size, "%s", j.err ? j.err : "invalid JSON");
            /* Column in characters, 1-based. */
            int cc = 1;
            for (const char *q = line; q < j.err_at && q < line + len; q++)
                if (((unsigned char)*q & 0xC0) != 0x80)
                    cc++;
            *col = cc;
        }
    }
    return rc;
}

void jsonline_free(jsonline_state *st)
{
    free(st->mark);
    strbuf_free(&st->key);
    strbuf_free(&st->val);
    memset(st, 0, sizeof(*st));
}
