/* highlight: SQL and Lua tokenizers and the per-line state cache. */
#include "highlight.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util.h"

enum { ST_NORMAL, ST_SQL_COMMENT, ST_SQL_STRING, ST_SQL_QIDENT, ST_LUA_COMMENT, ST_LUA_STRING };
#define ST_KIND(s) ((s)&7u)
#define ST_LEVEL(s) ((s) >> 3)
#define ST_MAKE(k, lvl) ((hl_state)(k) | ((hl_state)(lvl) << 3))
#define MAX_LEVEL 100000u /* "[" + 100000 "=" + "[" is absurd; clamp keeps it exact below */

static const char *sql_kw[] = {
    "ALL",       "AND",       "AS",     "ASC",       "BETWEEN",   "BY",       "CASE",   "CAST",
    "CROSS",     "CURRENT",   "DESC",   "DISTINCT",  "ELSE",      "END",      "ESCAPE", "EXCEPT",
    "EXISTS",    "FALSE",     "FILTER", "FIRST",     "FOLLOWING", "FROM",     "FULL",   "GLOB",
    "GROUP",     "HAVING",    "IN",     "INNER",     "INTERSECT", "INTERVAL", "IS",     "ISNULL",
    "JOIN",      "LAST",      "LEFT",   "LIKE",      "LIMIT",     "NATURAL",  "NOT",    "NOTNULL",
    "NULL",      "NULLS",     "OFFSET", "ON",        "OR",        "ORDER",    "OUTER",  "OVER",
    "PARTITION", "PRECEDING", "RANGE",  "RECURSIVE", "REGEXP",    "RIGHT",    "ROW",    "ROWS",
    "SELECT",    "THEN",      "TRUE",   "UNBOUNDED", "UNION",     "USING",    "VALUES", "WHEN",
    "WHERE",     "WINDOW",    "WITH",
};
static const char *sql_bi[] = {
    "ABS",    "AVG",      "BIGINT",     "BOOLEAN",      "CHAR",        "COALESCE",   "COUNT",
    "DATE",   "DATETIME", "DENSE_RANK", "DOUBLE",       "FIRST_VALUE", "FLOAT",      "GROUP_CONCAT",
    "IFNULL", "INSTR",    "INTEGER",    "JSON_EXTRACT", "LAG",         "LAST_VALUE", "LEAD",
    "LENGTH", "LOWER",    "LTRIM",      "MAX",          "MIN",         "NTILE",      "NULLIF",
    "RANK",   "REAL",     "REPLACE",    "ROUND",        "ROW_NUMBER",  "RTRIM",      "STRFTIME",
    "SUBSTR", "SUM",      "TEXT",       "TIMESTAMP",    "TOTAL",       "TRIM",       "TYPEOF",
    "UPPER",  "VARCHAR",
};
static const char *lua_kw[] = {
    "and",      "break",  "do",   "else", "elseif", "end",   "false", "for",
    "function", "goto",   "if",   "in",   "local",  "nil",   "not",   "or",
    "repeat",   "return", "then", "true", "until",  "while",
};
static const char *lua_bi[] = {
    "assert", "error",    "ipairs",   "math",   "next",   "pairs",  "pcall",
    "print",  "rawequal", "rawget",   "rawlen", "rawset", "select", "string",
    "table",  "tonumber", "tostring", "type",   "utf8",   "xpcall",
};

#define COUNT(a) (sizeof(a) / sizeof(a)[0])

const char *const *hl_keywords(hl_lang lang, size_t *n)
{
    switch (lang) {
    case HL_LANG_SQL:
        *n = COUNT(sql_kw);
        return sql_kw;
    case HL_LANG_LUA:
        *n = COUNT(lua_kw);
        return lua_kw;
    default:
        *n = 0;
        return NULL;
    }
}

const char *const *hl_builtins(hl_lang lang, size_t *n)
{
    switch (lang) {
    case HL_LANG_SQL:
        *n = COUNT(sql_bi);
        return sql_bi;
    case HL_LANG_LUA:
        *n = COUNT(lua_bi);
        return lua_bi;
    default:
        *n = 0;
        return NULL;
    }
}

const char *hl_class_name(hl_class c)
{
    static const char *names[] = {"text",   "keyword",  "builtin", "string",  "comment",
                                  "number", "operator", "ident",   "input_id"};
    return c < HL_CLASS_COUNT ? names[c] : "?";
}

/* The lists are sorted (a test checks it), so lookups are binary searches:
 * case-insensitive for SQL, exact for Lua. */
static bool in_list(const char *const *list, size_t n, const char *s, size_t len, bool icase)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        const char *w = list[mid];
        int c = icase ? strncasecmp(w, s, len) : strncmp(w, s, len);
        if (c == 0 && w[len] != '\0')
            c = 1;
        if (c == 0)
            return true;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return false;
}

static bool is_input(const hl_words *in, const char *s, size_t len, bool icase)
{
    if (!in)
        return false;
    for (size_t i = 0; i < in->n; i++) {
        const char *w = in->words[i];
        if (strlen(w) == len && (icase ? strncasecmp(w, s, len) : strncmp(w, s, len)) == 0)
            return true;
    }
    return false;
}

typedef struct tk {
    hl_token *out;
    size_t max, n;
} tk;

static void emit(tk *t, size_t start, size_t end, hl_class cls)
{
    if (t->n < t->max && end > start)
        t->out[t->n++] = (hl_token){(uint32_t)start, (uint32_t)(end - start), cls};
}

static bool ident_start(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}

static bool ident_char(unsigned char c)
{
    return ident_start(c) || (c >= '0' && c <= '9') || c == '$';
}

static bool is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

static bool is_op(unsigned char c)
{
    return c && strchr("+-*/%=<>!|&^~(),;.:[]{}#?@", c) != NULL;
}

static size_t scan_number(const char *s, size_t len, size_t i)
{
    bool hex = s[i] == '0' && i + 1 < len && (s[i + 1] == 'x' || s[i + 1] == 'X');
    if (hex)
        i += 2;
    while (i < len) {
        unsigned char c = (unsigned char)s[i];
        bool exp = hex ? (c == 'p' || c == 'P') : (c == 'e' || c == 'E');
        if (exp && i + 1 < len && (s[i + 1] == '+' || s[i + 1] == '-'))
            i += 2;
        else if (ident_char(c) || c == '.')
            i++;
        else
            break;
    }
    return i;
}

/* Lua long bracket "[" "="* "[" at s[i]: its level, or -1. */
static long long_open(const char *s, size_t len, size_t i)
{
    if (i >= len || s[i] != '[')
        return -1;
    size_t j = i + 1;
    while (j < len && s[j] == '=')
        j++;
    if (j < len && s[j] == '[')
        return (long)(j - i - 1);
    return -1;
}

/* End (just past) of the closing "]" "="*level "]" from i, or len+1. */
static size_t long_close(const char *s, size_t len, size_t i, size_t level)
{
    for (; i < len; i++) {
        if (s[i] != ']')
            continue;
        size_t j = i + 1, k = 0;
        while (j < len && s[j] == '=' && k < level)
            j++, k++;
        if (k == level && j < len && s[j] == ']')
            return j + 1;
    }
    return len + 1;
}

/* SQL quoted text from i (just past the opening q); doubled q escapes.
 * Returns the end just past the closing quote, or len+1. */
static size_t sql_quote_end(const char *s, size_t len, size_t i, char q)
{
    while (i < len) {
        if (s[i] == q) {
            if (i + 1 < len && s[i + 1] == q) {
                i += 2;
                continue;
            }
            return i + 1;
        }
        i++;
    }
    return len + 1;
}

static size_t find_sub(const char *s, size_t len, size_t i, const char *sub)
{
    size_t n = strlen(sub);
    for (; i + n <= len; i++)
        if (memcmp(s + i, sub, n) == 0)
            return i + n;
    return len + 1;
}

/* Continue a construct that began on an earlier line. */
static hl_state resume(hl_lang lang, const char *s, size_t len, hl_state st, tk *t, size_t *pos)
{
    size_t end;
    hl_class cls = HL_STRING;
    switch (ST_KIND(st)) {
    case ST_SQL_COMMENT:
        end = find_sub(s, len, 0, "*/");
        cls = HL_COMMENT;
        break;
    case ST_SQL_STRING:
        end = sql_quote_end(s, len, 0, '\'');
        break;
    case ST_SQL_QIDENT:
        end = sql_quote_end(s, len, 0, '"');
        cls = HL_IDENT;
        break;
    case ST_LUA_COMMENT:
        end = long_close(s, len, 0, ST_LEVEL(st));
        cls = HL_COMMENT;
        break;
    case ST_LUA_STRING:
        end = long_close(s, len, 0, ST_LEVEL(st));
        break;
    default:
        *pos = 0;
        return ST_NORMAL;
    }
    (void)lang;
    if (end > len) {
        emit(t, 0, len, cls);
        *pos = len;
        return st;
    }
    emit(t, 0, end, cls);
    *pos = end;
    return ST_NORMAL;
}

static hl_class word_class(hl_lang lang, const char *s, size_t len, const hl_words *inputs)
{
    bool sql = lang == HL_LANG_SQL;
    size_t nk, nb;
    const char *const *kw = hl_keywords(lang, &nk);
    const char *const *bi = hl_builtins(lang, &nb);
    if (is_input(inputs, s, len, sql))
        return HL_INPUT_ID;
    if (kw && in_list(kw, nk, s, len, sql))
        return HL_KEYWORD;
    if (bi && in_list(bi, nb, s, len, sql))
        return HL_BUILTIN;
    return HL_IDENT;
}

hl_state hl_tokenize(hl_lang lang, const char *s, size_t len, hl_state in, const hl_words *inputs,
                     hl_token *out, size_t max, size_t *n)
{
    tk t = {out, out ? max : 0, 0};
    size_t i = 0;
    hl_state st = ST_NORMAL;
    if (lang == HL_LANG_PLAIN) {
        if (n)
            *n = 0;
        return ST_NORMAL;
    }
    if (in != ST_NORMAL) {
        st = resume(lang, s, len, in, &t, &i);
        if (st != ST_NORMAL) {
            if (n)
                *n = t.n;
            return st;
        }
    }
    bool sql = lang == HL_LANG_SQL;
    while (i < len) {
        unsigned char c = (unsigned char)s[i];
        size_t start = i, end;
        if (c == ' ' || c == '\t') {
            i++;
            continue;
        }
        if (c == '-' && i + 1 < len && s[i + 1] == '-') {
            long lvl = sql ? -1 : long_open(s, len, i + 2);
            if (lvl < 0) {
                emit(&t, i, len, HL_COMMENT);
                break;
            }
            if ((size_t)lvl > MAX_LEVEL)
                lvl = MAX_LEVEL;
            end = long_close(s, len, i + 4 + (size_t)lvl, (size_t)lvl);
            if (end > len) {
                emit(&t, i, len, HL_COMMENT);
                st = ST_MAKE(ST_LUA_COMMENT, lvl);
                break;
            }
            emit(&t, i, end, HL_COMMENT);
            i = end;
        } else if (sql && c == '/' && i + 1 < len && s[i + 1] == '*') {
            end = find_sub(s, len, i + 2, "*/");
            if (end > len) {
                emit(&t, i, len, HL_COMMENT);
                st = ST_SQL_COMMENT;
                break;
            }
            emit(&t, i, end, HL_COMMENT);
            i = end;
        } else if (sql && (c == '\'' || c == '"' || c == '`')) {
            end = sql_quote_end(s, len, i + 1, (char)c);
            hl_class cls = HL_STRING;
            if (c != '\'') {
                size_t inner = (end > len ? len : end - 1) - (i + 1);
                cls = is_input(inputs, s + i + 1, inner, true) ? HL_INPUT_ID : HL_IDENT;
            }
            if (end > len) {
                emit(&t, i, len, cls);
                st = c == '\'' ? ST_SQL_STRING : c == '"' ? ST_SQL_QIDENT : ST_NORMAL;
                break;
            }
            emit(&t, i, end, cls);
            i = end;
        } else if (!sql && (c == '\'' || c == '"')) {
            i++;
            while (i < len && s[i] != (char)c)
                i += s[i] == '\\' && i + 1 < len ? 2 : 1;
            i = i < len ? i + 1 : len; /* unterminated: ends with the line */
            emit(&t, start, i, HL_STRING);
        } else if (!sql && c == '[' && long_open(s, len, i) >= 0) {
            size_t lvl = (size_t)long_open(s, len, i);
            if (lvl > MAX_LEVEL)
                lvl = MAX_LEVEL;
            end = long_close(s, len, i + 2 + lvl, lvl);
            if (end > len) {
                emit(&t, i, len, HL_STRING);
                st = ST_MAKE(ST_LUA_STRING, lvl);
                break;
            }
            emit(&t, i, end, HL_STRING);
            i = end;
        } else if (is_digit(c) || (c == '.' && i + 1 < len && is_digit((unsigned char)s[i + 1]))) {
            i = scan_number(s, len, i);
            emit(&t, start, i, HL_NUMBER);
        } else if (ident_start(c)) {
            while (i < len && ident_char((unsigned char)s[i]))
                i++;
            emit(&t, start, i, word_class(lang, s + start, i - start, inputs));
        } else if (c && strchr("()[]{},;", c)) {
            i++;
            emit(&t, start, i, HL_OPERATOR);
        } else if (is_op(c)) {
            i++;
            /* a run of operator characters, up to a bracket or a comment */
            while (i < len && is_op((unsigned char)s[i]) && !strchr("()[]{},;", s[i]) &&
                   !(s[i] == '-' && i + 1 < len && s[i + 1] == '-') &&
                   !(sql && s[i] == '/' && i + 1 < len && s[i + 1] == '*'))
                i++;
            emit(&t, start, i, HL_OPERATOR);
        } else {
            i++; /* control characters and the like */
        }
    }
    if (n)
        *n = t.n;
    return st;
}

/* ---- cache ------------------------------------------------------------ */

struct hl_cache {
    hl_lang lang;
    hl_state *start; /* start[i]: state at the start of line i */
    size_t n, cap;
    /* start[0..stale_from] is exact; beyond, values are the pre-edit ones,
     * exact again once a rescan past edit_end meets an equal stored value. */
    bool stale;
    size_t stale_from, edit_end;
    size_t scanned;
};

hl_cache *hl_cache_new(hl_lang lang)
{
    hl_cache *c = xcalloc(1, sizeof *c);
    hl_cache_reset(c, lang, 1);
    return c;
}

void hl_cache_free(hl_cache *c)
{
    if (!c)
        return;
    free(c->start);
    free(c);
}

hl_lang hl_cache_lang(const hl_cache *c)
{
    return c->lang;
}

static void reserve(hl_cache *c, size_t n)
{
    if (n <= c->cap)
        return;
    size_t cap = c->cap ? c->cap : 64;
    while (cap < n)
        cap *= 2;
    c->start = xrealloc(c->start, cap * sizeof *c->start);
    c->cap = cap;
}

void hl_cache_reset(hl_cache *c, hl_lang lang, size_t nlines)
{
    c->lang = lang;
    reserve(c, nlines + 1);
    c->n = nlines;
    memset(c->start, 0, (nlines + 1) * sizeof *c->start);
    /* Nothing stored is trustworthy: rescan to the end before converging. */
    c->stale = true;
    c->stale_from = 0;
    c->edit_end = nlines;
}

void hl_cache_edit(hl_cache *c, size_t first, size_t removed, size_t added)
{
    if (first > c->n)
        first = c->n;
    if (removed > c->n - first)
        removed = c->n - first;
    size_t nn = c->n - removed + added;
    reserve(c, nn + 1);
    /* start[first] stays exact.  The entries from the first line after the
     * edit on keep their pre-edit values (shifted), which is what a rescan
     * compares against to stop early. */
    size_t tail_from = first + removed; /* old index of the first unchanged line */
    size_t tail_to = first + added;     /* its new index */
    hl_state s0 = c->start[first];
    memmove(c->start + tail_to, c->start + tail_from, (c->n - tail_from + 1) * sizeof *c->start);
    c->start[first] = s0;
    size_t end = tail_to;
    if (c->stale && c->edit_end >= tail_from)
        end = c->edit_end - removed + added;
    if (!c->stale || c->stale_from > first)
        c->stale_from = first;
    c->stale = true;
    c->edit_end = end;
    c->n = nn;
}

hl_state hl_cache_state(hl_cache *c, size_t line, hl_line_fn fn, void *ud)
{
    if (line >= c->n)
        line = c->n ? c->n - 1 : 0;
    if (!c->stale || line <= c->stale_from)
        return c->start[line];
    size_t i = c->stale_from;
    while (i < line) {
        size_t len;
        const char *s = fn(ud, i, &len);
        hl_state end = hl_tokenize(c->lang, s, len, c->start[i], NULL, NULL, 0, NULL);
        c->scanned++;
        i++;
        bool same = c->start[i] == end;
        c->start[i] = end;
        if (same && i >= c->edit_end) {
            c->stale = false; /* converged: the rest is as before */
            return c->start[line];
        }
    }
    /* start[line] is exact now; from line + 1 on, the stored values are
     * still the old chain, which a rescan may only trust from there. */
    c->stale_from = line;
    if (c->edit_end < line + 1)
        c->edit_end = line + 1;
    if (c->stale_from + 1 >= c->n)
        c->stale = false; /* every line is known */
    return c->start[line];
}

size_t hl_cache_scanned(const hl_cache *c)
{
    return c->scanned;
}
