/* sqlpos: see sqlpos.h.  A small tokenizer after SQLite's own rules
 * (tokenize.c): enough to tell identifiers from keywords' neighbours,
 * comments, string and blob literals, numbers and parameters. */
#include "sqlpos.h"

#include <stddef.h>
#include <string.h>

enum { TK_END, TK_IDENT, TK_DOT, TK_LPAREN, TK_RPAREN, TK_OTHER };

typedef struct token {
    int kind;
    size_t start;     /* byte offset of the token */
    const char *text; /* an identifier's text, without its quotes */
    size_t len;
    char quote; /* closing quote of a quoted identifier ('"', ']', '`'), else 0 */
} token;

static bool ident_start(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}

static bool ident_char(unsigned char c)
{
    return ident_start(c) || (c >= '0' && c <= '9') || c == '$';
}

static char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* Skip a quoted run opened at s[*i] and closed by q (doubled q inside is
 * one q, except for [ ]); *i ends past the closing quote, or at the end
 * of an unterminated run. */
static void skip_quoted(const char *s, size_t *i, char q)
{
    size_t k = *i + 1;
    for (; s[k]; k++) {
        if (s[k] != q)
            continue;
        if (q != ']' && s[k + 1] == q) {
            k++;
            continue;
        }
        k++;
        break;
    }
    *i = k;
}

/* The token at or after s[*i]; *i moves past it. */
static token next_token(const char *s, size_t *i)
{
    token t = {TK_END, 0, NULL, 0, 0};
    for (;;) {
        size_t k = *i;
        unsigned char c = (unsigned char)s[k];
        if (c == 0) {
            t.start = k;
            return t;
        }
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
            (*i)++;
            continue;
        }
        if (c == '-' && s[k + 1] == '-') {
            const char *nl = strchr(s + k, '\n');
            *i = nl ? (size_t)(nl - s) + 1 : k + strlen(s + k);
            continue;
        }
        if (c == '/' && s[k + 1] == '*') {
            const char *end = strstr(s + k + 2, "*/");
            *i = end ? (size_t)(end - s) + 2 : k + strlen(s + k);
            continue;
        }
        t.start = k;
        t.kind = TK_OTHER;
        if (c == '\'') {
            skip_quoted(s, i, '\'');
        } else if ((c == 'x' || c == 'X') && s[k + 1] == '\'') {
            (*i)++;
            skip_quoted(s, i, '\'');
        } else if (c == '"' || c == '`' || c == '[') {
            t.kind = TK_IDENT;
            t.quote = c == '[' ? ']' : (char)c;
            skip_quoted(s, i, t.quote);
            t.text = s + k + 1;
            /* Without the closing quote (when there is one). */
            t.len = *i - k - 1;
            if (t.len > 0 && s[*i - 1] == t.quote && *i - k >= 2)
                t.len--;
        } else if (ident_start(c)) {
            size_t e = k + 1;
            while (ident_char((unsigned char)s[e]))
                e++;
            t.kind = TK_IDENT;
            t.text = s + k;
            t.len = e - k;
            *i = e;
        } else if ((c >= '0' && c <= '9') || (c == '.' && s[k + 1] >= '0' && s[k + 1] <= '9')) {
            size_t e = k + 1; /* 12, 1.5e3, 0x1F, 1_000 */
            while (ident_char((unsigned char)s[e]) || s[e] == '.')
                e++;
            *i = e;
        } else if (c == '?' || c == ':' || c == '@' || c == '$' || c == '#') {
            size_t e = k + 1; /* a parameter: ?1, :name, @name, $name */
            while (ident_char((unsigned char)s[e]) || s[e] == ':')
                e++;
            *i = e;
        } else {
            t.kind = c == '.' ? TK_DOT : c == '(' ? TK_LPAREN : c == ')' ? TK_RPAREN : TK_OTHER;
            *i = k + 1;
        }
        return t;
    }
}

/* Does identifier token t spell name[0..n) (quotes removed, ASCII case
 * folded as SQLite compares identifiers)? */
static bool ident_is(const token *t, const char *name, size_t n)
{
    if (t->kind != TK_IDENT)
        return false;
    size_t j = 0;
    for (size_t k = 0; k < t->len; k++, j++) {
        if (j >= n || lower(t->text[k]) != lower(name[j]))
            return false;
        if (t->quote && t->quote != ']' && t->text[k] == t->quote)
            k++; /* a doubled quote is one character */
    }
    return j == n;
}

/* Does the name (parts separated by dots) start at token t, whose end is
 * at *after in sql? */
static bool name_at(const char *sql, token t, size_t after, const char *name, bool dotted)
{
    const char *part = name;
    for (;;) {
        const char *dot = dotted ? strchr(part, '.') : NULL;
        size_t n = dot ? (size_t)(dot - part) : strlen(part);
        if (!ident_is(&t, part, n))
            return false;
        if (!dot)
            return true;
        if (next_token(sql, &after).kind != TK_DOT)
            return false;
        t = next_token(sql, &after);
        part = dot + 1;
    }
}

/* Where the main SELECT starts: the first SELECT outside parentheses. */
static size_t main_select_start(const char *sql)
{
    size_t i = 0;
    int depth = 0;
    for (token t; (t = next_token(sql, &i)).kind != TK_END;) {
        if (t.kind == TK_LPAREN)
            depth++;
        else if (t.kind == TK_RPAREN && depth > 0)
            depth--;
        else if (depth == 0 && !t.quote && ident_is(&t, "select", 6))
            return t.start;
    }
    return 0;
}

int sqlpos_find_name(const char *sql, const char *name, int nth, bool main_select)
{
    if (!sql || !name || !*name || nth < 1)
        return -1;
    bool dotted = strchr(name, '.') != NULL;
    size_t i = main_select ? main_select_start(sql) : 0;
    int seen = 0;
    for (token t; (t = next_token(sql, &i)).kind != TK_END;) {
        bool hit = (dotted && name_at(sql, t, i, name, true)) || name_at(sql, t, i, name, false);
        if (hit && ++seen == nth)
            return t.start <= (size_t)0x7fffffff ? (int)t.start : -1;
    }
    return -1;
}

int sqlpos_for_message(const char *sql, const char *msg)
{
    static const char *const quoting[] = {
        "no such column: ", "no such table: ", "ambiguous column name: "};
    if (!msg)
        return -1;
    for (size_t k = 0; k < sizeof(quoting) / sizeof(quoting[0]); k++) {
        size_t n = strlen(quoting[k]);
        if (strncmp(msg, quoting[k], n) == 0)
            return sqlpos_find_name(sql, msg + n, 1, false);
    }
    return -1;
}
