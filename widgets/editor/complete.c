/* complete: completion candidates (see complete.h). */
#include "complete.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util.h"

void cmp_list_init(cmp_list *l)
{
    memset(l, 0, sizeof *l);
}

void cmp_list_free(cmp_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->items[i].text);
        free(l->items[i].detail);
    }
    free(l->items);
    cmp_list_init(l);
}

static bool word_char(unsigned char c)
{
    return isalnum(c) || c == '_' || c >= 0x80;
}

static bool has_prefix(const char *s, const char *p, size_t plen)
{
    return strlen(s) >= plen && strncasecmp(s, p, plen) == 0;
}

static void add(cmp_list *l, const char *text, const char *detail, cmp_kind kind)
{
    if (l->n >= CMP_MAX_ITEMS)
        return;
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->items[i].text, text) == 0)
            return;
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 32;
        l->items = xrealloc(l->items, l->cap * sizeof *l->items);
    }
    l->items[l->n++] = (cmp_item){xstrdup(text), xstrdup(detail ? detail : ""), kind};
}

/* Keywords typed in lower case complete in lower case. */
static void add_word(cmp_list *l, const char *w, const char *p, size_t plen, cmp_kind kind,
                     const char *detail, bool follow_case)
{
    if (!has_prefix(w, p, plen))
        return;
    bool lowercase = follow_case && plen && islower((unsigned char)p[0]);
    if (!lowercase) {
        add(l, w, detail, kind);
        return;
    }
    char *t = xstrdup(w);
    for (char *q = t; *q; q++)
        *q = (char)tolower((unsigned char)*q);
    add(l, t, detail, kind);
    free(t);
}

static void add_columns(cmp_list *l, const cmp_table *t, const char *p, size_t plen, bool qualified,
                        cmp_kind kind)
{
    for (size_t i = 0; i < t->ncols; i++) {
        const cmp_column *c = &t->cols[i];
        if (!c->name || !has_prefix(c->name, p, plen))
            continue;
        char *d = qualified ? xstrdup(c->type ? c->type : "")
                            : xasprintf("%s.%s %s", t->name, c->name, c->type ? c->type : "");
        add(l, c->name, d, kind);
        free(d);
    }
}

/* ---- SQL aliases --------------------------------------------------------- */

typedef struct word {
    const char *s;
    size_t len;
    hl_class cls;
} word;

/* Significant tokens of the whole text (comments and strings dropped). */
static word *sql_words(const char *text, size_t len, size_t *nw)
{
    size_t cap = 64, n = 0;
    word *w = xmalloc(cap * sizeof *w);
    hl_token tok[256];
    hl_state st = 0;
    size_t i = 0;
    while (i <= len) {
        const char *nl = memchr(text + i, '\n', len - i);
        size_t e = nl ? (size_t)(nl - text) : len;
        size_t nt;
        st = hl_tokenize(HL_LANG_SQL, text + i, e - i, st, NULL, tok, 256, &nt);
        for (size_t k = 0; k < nt; k++) {
            if (tok[k].cls == HL_COMMENT || tok[k].cls == HL_STRING)
                continue;
            if (n == cap)
                w = xrealloc(w, (cap *= 2) * sizeof *w);
            w[n++] = (word){text + i + tok[k].start, tok[k].len, tok[k].cls};
        }
        i = e + 1;
    }
    *nw = n;
    return w;
}

static bool word_is(const word *w, const char *kw)
{
    return strlen(kw) == w->len && strncasecmp(w->s, kw, w->len) == 0;
}

static bool name_eq(const char *name, const char *s, size_t len)
{
    if (len >= 2 && (s[0] == '"' || s[0] == '`') && s[len - 1] == s[0]) {
        s++;
        len -= 2;
    }
    return strlen(name) == len && strncasecmp(name, s, len) == 0;
}

static const cmp_table *find_input(const cmp_context *ctx, const char *s, size_t len)
{
    for (size_t i = 0; i < ctx->ninputs; i++)
        if (name_eq(ctx->inputs[i].name, s, len))
            return &ctx->inputs[i];
    return NULL;
}

static bool is_name(const word *w)
{
    return w->cls == HL_IDENT || w->cls == HL_INPUT_ID || w->cls == HL_BUILTIN;
}

const cmp_table *cmp_resolve_alias(const cmp_context *ctx, const char *text, size_t len,
                                   const char *qual, size_t qlen)
{
    const cmp_table *t = find_input(ctx, qual, qlen);
    if (t)
        return t;
    size_t n;
    word *w = sql_words(text, len, &n);
    const cmp_table *found = NULL;
    for (size_t i = 0; i + 1 < n && !found; i++) {
        if (!word_is(&w[i], "FROM") && !word_is(&w[i], "JOIN"))
            continue;
        /* FROM a [AS] x, b [AS] y ...   JOIN c [AS] z */
        size_t j = i + 1;
        while (j < n && is_name(&w[j])) {
            const cmp_table *tab = find_input(ctx, w[j].s, w[j].len);
            size_t k = j + 1;
            if (k < n && word_is(&w[k], "AS"))
                k++;
            if (k < n && is_name(&w[k])) {
                if (tab && w[k].len == qlen && strncasecmp(w[k].s, qual, qlen) == 0) {
                    found = tab;
                    break;
                }
                k++;
            }
            if (k < n && w[k].len == 1 && w[k].s[0] == ',')
                j = k + 1;
            else
                break;
        }
    }
    free(w);
    return found;
}

static void sql_complete(const cmp_context *ctx, const char *text, size_t len, size_t start,
                         size_t cursor, cmp_list *out)
{
    const char *p = text + start;
    size_t plen = cursor - start;
    if (start > 0 && text[start - 1] == '.') {
        size_t qe = start - 1, qs = qe;
        if (qs > 0 && text[qs - 1] == '"') { /* "quoted".col */
            qs--;
            while (qs > 0 && text[qs - 1] != '"')
                qs--;
            if (qs > 0)
                qs--;
        } else {
            while (qs > 0 && word_char((unsigned char)text[qs - 1]))
                qs--;
        }
        const cmp_table *t = cmp_resolve_alias(ctx, text, len, text + qs, qe - qs);
        if (t)
            add_columns(out, t, p, plen, true, CMP_COLUMN);
        return;
    }
    for (size_t i = 0; i < ctx->ninputs; i++)
        add_word(out, ctx->inputs[i].name, p, plen, CMP_INPUT, "input", false);
    for (size_t i = 0; i < ctx->ninputs; i++)
        add_columns(out, &ctx->inputs[i], p, plen, false, CMP_COLUMN);
    size_t nk, nb;
    const char *const *kw = hl_keywords(HL_LANG_SQL, &nk);
    const char *const *bi = hl_builtins(HL_LANG_SQL, &nb);
    for (size_t i = 0; i < nk; i++)
        add_word(out, kw[i], p, plen, CMP_KEYWORD, "keyword", true);
    for (size_t i = 0; i < nb; i++)
        add_word(out, bi[i], p, plen, CMP_FUNCTION, "function", true);
}

/* ---- Lua ------------------------------------------------------------------ */

/* The first parameter of transform(), or "record". */
static char *lua_record_name(const char *text, size_t len)
{
    static const char pat[] = "function transform";
    for (size_t i = 0; i + sizeof pat - 1 <= len; i++) {
        if (memcmp(text + i, pat, sizeof pat - 1) != 0)
            continue;
        size_t j = i + sizeof pat - 1;
        while (j < len && (text[j] == ' ' || text[j] == '\t'))
            j++;
        if (j >= len || text[j] != '(')
            continue;
        j++;
        while (j < len && (text[j] == ' ' || text[j] == '\t'))
            j++;
        size_t s = j;
        while (j < len && word_char((unsigned char)text[j]))
            j++;
        if (j > s)
            return xstrndup(text + s, j - s);
    }
    return xstrdup("record");
}

static bool ends_with_word(const char *text, size_t end, const char *w)
{
    size_t n = strlen(w);
    if (end < n || memcmp(text + end - n, w, n) != 0)
        return false;
    return end == n || !word_char((unsigned char)text[end - n - 1]);
}

static bool lua_ident(const char *s)
{
    if (!*s || isdigit((unsigned char)*s))
        return false;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '_')
            return false;
    return true;
}

static void lua_fields(const cmp_context *ctx, const char *p, size_t plen, bool ident_only,
                       cmp_list *out)
{
    for (size_t i = 0; i < ctx->ninputs; i++) {
        const cmp_table *t = &ctx->inputs[i];
        for (size_t k = 0; k < t->ncols; k++) {
            const cmp_column *c = &t->cols[k];
            if (!c->name || !has_prefix(c->name, p, plen) || (ident_only && !lua_ident(c->name)))
                continue;
            add(out, c->name, c->type, CMP_FIELD);
        }
    }
}

static void lua_complete(const cmp_context *ctx, const char *text, size_t len, size_t *start,
                         size_t cursor, cmp_list *out)
{
    char *rec = lua_record_name(text, len);
    size_t s = *start;
    /* record["fie|  or  record['fie| : the word may hold any character */
    size_t q = cursor;
    while (q > 0 && text[q - 1] != '"' && text[q - 1] != '\'' && text[q - 1] != '\n' &&
           cursor - q < 256)
        q--;
    if (q >= 2 && (text[q - 1] == '"' || text[q - 1] == '\'') && text[q - 2] == '[' &&
        ends_with_word(text, q - 2, rec)) {
        *start = q;
        lua_fields(ctx, text + q, cursor - q, false, out);
    } else if (s > 0 && text[s - 1] == '.' && ends_with_word(text, s - 1, rec)) {
        lua_fields(ctx, text + s, cursor - s, true, out);
    } else if (!(s > 0 && (text[s - 1] == '.' || text[s - 1] == ':'))) {
        const char *p = text + s;
        size_t plen = cursor - s, nk, nb;
        add_word(out, rec, p, plen, CMP_INPUT, "record", false);
        const char *const *kw = hl_keywords(HL_LANG_LUA, &nk);
        const char *const *bi = hl_builtins(HL_LANG_LUA, &nb);
        for (size_t i = 0; i < nk; i++)
            add_word(out, kw[i], p, plen, CMP_KEYWORD, "keyword", false);
        for (size_t i = 0; i < nb; i++)
            add_word(out, bi[i], p, plen, CMP_FUNCTION, "builtin", false);
    }
    free(rec);
}

size_t cmp_complete(const cmp_context *ctx, const char *text, size_t len, size_t cursor,
                    cmp_list *out)
{
    cmp_list_free(out);
    if (cursor > len)
        cursor = len;
    size_t start = cursor;
    while (start > 0 && word_char((unsigned char)text[start - 1]))
        start--;
    if (ctx->lang == HL_LANG_SQL)
        sql_complete(ctx, text, len, start, cursor, out);
    else if (ctx->lang == HL_LANG_LUA)
        lua_complete(ctx, text, len, &start, cursor, out);
    out->start = start;
    return out->n;
}
