#include "yaml_emit.h"

#include <string.h>

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* libyaml refuses an implicit ("simple") key longer than 1024 characters;
 * longer keys are written in the explicit "? KEY" form.  Measured in bytes
 * of the written key, which is never fewer than its characters. */
enum { SIMPLE_KEY_MAX = 1000 };

/* Decode one UTF-8 sequence at s[0..len); returns its length, or 0 when
 * it is not valid UTF-8 (overlong, surrogate, truncated, out of range). */
static size_t utf8_decode(const unsigned char *s, size_t len, unsigned long *cp)
{
    unsigned char c = s[0];
    size_t n;
    unsigned long v, min;
    if (c < 0x80) {
        *cp = c;
        return 1;
    } else if ((c & 0xE0) == 0xC0) {
        n = 2, v = c & 0x1F, min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
        n = 3, v = c & 0x0F, min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
        n = 4, v = c & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if (n > len)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (s[i] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    *cp = v;
    return n;
}

/* Characters YAML does not allow raw in a stream, or that a reader takes
 * for a line break or strips (BOM): these are always escaped. */
static bool must_escape(unsigned long cp)
{
    if (cp < 0x20 || cp == 0x7F)
        return true;
    if (cp >= 0x80 && cp <= 0x9F) /* C1 controls, NEL (U+0085) among them */
        return true;
    return cp == 0x2028 || cp == 0x2029 || cp == 0xFEFF || cp == 0xFFFE || cp == 0xFFFF;
}

bool yaml_plain_safe(const char *text, size_t len)
{
    const unsigned char *s = (const unsigned char *)text;
    if (len == 0)
        return true; /* written as nothing after the colon: reads back as "" */
    if (s[0] != '\0' && strchr("!&*#|>'\"%@`,[]{}?:", s[0]))
        return false; /* an indicator would start something else */
    if (s[0] == '-' && (len == 1 || s[1] == ' '))
        return false; /* a sequence entry */
    if (s[0] == ' ' || s[len - 1] == ' ' || s[len - 1] == ':')
        return false; /* spaces would be trimmed; "a:" is a key */
    if (len >= 3 && (memcmp(s, "---", 3) == 0 || memcmp(s, "...", 3) == 0))
        return false; /* document markers */
    for (size_t i = 0; i < len;) {
        unsigned long cp;
        size_t n = utf8_decode(s + i, len - i, &cp);
        if (n == 0 || must_escape(cp))
            return false;
        if (cp == ':' && i + 1 < len && s[i + 1] == ' ')
            return false; /* "a: b" is a mapping */
        if (cp == '#' && i > 0 && s[i - 1] == ' ')
            return false; /* "a #b" starts a comment */
        i += n;
    }
    return true;
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

bool yaml_looks_typed(const char *text, size_t len)
{
    /* Null and boolean words of YAML 1.2's core schema and YAML 1.1, and
     * the special floats.  Matching is exact: "Yes" and "YES" are listed. */
    static const char *const words[] = {
        "~",     "null",  "Null",  "NULL",  "true",  "True", "TRUE", "false", "False", "FALSE",
        "yes",   "Yes",   "YES",   "no",    "No",    "NO",   "on",   "On",    "ON",    "off",
        "Off",   "OFF",   "y",     "Y",     "n",     "N",    ".inf", ".Inf",  ".INF",  "+.inf",
        "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF", ".nan", ".NaN", ".NAN",
    };
    if (len == 0)
        return true;
    for (size_t i = 0; i < COUNT(words); i++)
        if (strlen(words[i]) == len && memcmp(words[i], text, len) == 0)
            return true;
    /* Anything number-like: an optional sign, a digit (or a dot and a
     * digit), then only characters numbers, times and dates are made of
     * (1_000, 0x1F, 1e5, 12:30, 2024-01-31T10:00:00Z).  Deliberately wide:
     * it only decides whether a string keeps its quotes. */
    size_t i = (text[0] == '+' || text[0] == '-') ? 1 : 0;
    if (i < len &&
        (is_digit(text[i]) || (text[i] == '.' && i + 1 < len && is_digit(text[i + 1])))) {
        bool numeric = true;
        for (size_t j = i; j < len && numeric; j++) {
            char c = text[j];
            numeric = is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '.' ||
                      c == '_' || c == ':' || c == '+' || c == '-';
        }
        if (numeric)
            return true;
    }
    /* YAML 1.1 timestamps may hold spaces: "2001-12-14 21:59:43.10 -5". */
    if (len >= 8 && is_digit(text[0]) && is_digit(text[1]) && is_digit(text[2]) &&
        is_digit(text[3]) && text[4] == '-' && is_digit(text[5]))
        return true;
    return false;
}

/* "${": a secret or environment reference.  Quoted so that it reads as
 * one string in any YAML context (in flow style "{" would start a map) and
 * stands out in review. */
static bool has_reference(const char *text, size_t len)
{
    for (size_t i = 0; i + 1 < len; i++)
        if (text[i] == '$' && text[i + 1] == '{')
            return true;
    return false;
}

yaml_style yaml_scalar_style(const char *text, size_t len, bool is_string)
{
    if (!yaml_plain_safe(text, len) || has_reference(text, len))
        return YAML_STYLE_DOUBLE;
    if (is_string && yaml_looks_typed(text, len))
        return YAML_STYLE_DOUBLE;
    return YAML_STYLE_PLAIN;
}

void yaml_emit_double_quoted(strbuf *sb, const char *text, size_t len)
{
    const unsigned char *s = (const unsigned char *)text;
    strbuf_putc(sb, '"');
    for (size_t i = 0; i < len;) {
        unsigned long cp;
        size_t n = utf8_decode(s + i, len - i, &cp);
        if (n == 0) {
            /* Not UTF-8 (only possible for a model built in code): YAML
             * cannot carry raw bytes, so write the replacement character. */
            strbuf_puts(sb, "\\uFFFD");
            i++;
            continue;
        }
        switch (cp) {
        case '"':
            strbuf_puts(sb, "\\\"");
            break;
        case '\\':
            strbuf_puts(sb, "\\\\");
            break;
        case '\t':
            strbuf_puts(sb, "\\t");
            break;
        case '\n':
            strbuf_puts(sb, "\\n");
            break;
        case '\r':
            strbuf_puts(sb, "\\r");
            break;
        case 0:
            strbuf_puts(sb, "\\0");
            break;
        default:
            if (must_escape(cp) && cp < 0x80)
                strbuf_printf(sb, "\\x%02X", (unsigned)cp);
            else if (must_escape(cp))
                strbuf_printf(sb, "\\u%04lX", cp);
            else
                strbuf_add(sb, text + i, n);
        }
        i += n;
    }
    strbuf_putc(sb, '"');
}

void yaml_emit_scalar(strbuf *sb, const char *text, size_t len, bool is_string)
{
    if (!text)
        text = "", len = 0;
    if (yaml_scalar_style(text, len, is_string) == YAML_STYLE_DOUBLE)
        yaml_emit_double_quoted(sb, text, len);
    else
        strbuf_add(sb, text, len);
}

static void pad(strbuf *sb, int indent)
{
    for (int i = 0; i < indent; i++)
        strbuf_putc(sb, ' ');
}

static bool is_plain_empty(const value *v)
{
    return v->kind == VALUE_SCALAR && v->len == 0 && !v->quoted;
}

/* What follows "key:" or "-": " scalar\n", " []\n", or "\n" + block. */
static void emit_rest(strbuf *sb, int indent, const value *v)
{
    if (is_plain_empty(v)) {
        strbuf_putc(sb, '\n'); /* a null written as nothing, kept so */
    } else if (v->kind == VALUE_SCALAR) {
        strbuf_putc(sb, ' ');
        yaml_emit_scalar(sb, v->text, v->len, v->quoted);
        strbuf_putc(sb, '\n');
    } else if (v->n == 0) {
        strbuf_puts(sb, v->kind == VALUE_LIST ? " []\n" : " {}\n");
    } else {
        strbuf_putc(sb, '\n');
        yaml_emit_block(sb, indent + 2, v);
    }
}

void yaml_emit_key(strbuf *sb, int indent, const char *key, size_t key_len, bool is_string)
{
    strbuf k;
    strbuf_init(&k);
    if (key_len == 0)
        yaml_emit_double_quoted(&k, "", 0); /* an empty plain key reads as null */
    else
        yaml_emit_scalar(&k, key, key_len, is_string);
    pad(sb, indent);
    if (k.len > SIMPLE_KEY_MAX) {
        strbuf_puts(sb, "? ");
        strbuf_add(sb, k.data, k.len);
        strbuf_putc(sb, '\n');
        pad(sb, indent);
        strbuf_putc(sb, ':');
    } else {
        strbuf_add(sb, k.data, k.len);
        strbuf_putc(sb, ':');
    }
    strbuf_free(&k);
}

void yaml_emit_entry(strbuf *sb, int indent, const char *key, size_t key_len, bool key_is_string,
                     const value *v)
{
    yaml_emit_key(sb, indent, key ? key : "", key ? key_len : 0, key_is_string);
    emit_rest(sb, indent, v);
}

void yaml_emit_string_entry(strbuf *sb, int indent, const char *key, const char *text)
{
    yaml_emit_key(sb, indent, key, strlen(key), true);
    strbuf_putc(sb, ' ');
    yaml_emit_scalar(sb, text ? text : "", text ? strlen(text) : 0, true);
    strbuf_putc(sb, '\n');
}

void yaml_emit_string_list(strbuf *sb, int indent, char *const *items, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        pad(sb, indent);
        strbuf_puts(sb, "- ");
        yaml_emit_scalar(sb, items[i], strlen(items[i]), true);
        strbuf_putc(sb, '\n');
    }
}

void yaml_emit_comment(strbuf *sb, int indent, const char *comment)
{
    if (!comment)
        return;
    const unsigned char *s = (const unsigned char *)comment;
    size_t len = strlen(comment);
    pad(sb, indent);
    strbuf_putc(sb, '#');
    for (size_t i = 0; i < len;) {
        unsigned long cp = 0;
        size_t n = utf8_decode(s + i, len - i, &cp);
        if (n && (cp == '\n' || cp == '\r' || cp == 0x85 || cp == 0x2028 || cp == 0x2029)) {
            /* A line break a reader knows: the next line of the comment. */
            if (cp == '\r' && i + 1 < len && s[i + 1] == '\n')
                n = 2;
            strbuf_putc(sb, '\n');
            pad(sb, indent);
            strbuf_putc(sb, '#');
        } else if (n == 0 || (cp != '\t' && cp != 0xFEFF && must_escape(cp))) {
            /* Not UTF-8, or a character YAML refuses even in a comment
             * (only possible for a comment made in code). */
            strbuf_puts(sb, "\xEF\xBF\xBD");
            n = n ? n : 1;
        } else {
            strbuf_add(sb, comment + i, n);
        }
        i += n;
    }
    strbuf_putc(sb, '\n');
}

/* The first key written inside a collection: a list item's collection
 * starts on the dash's line, so that key's comment goes above the dash. */
static const value *first_key(const value *v)
{
    for (; v->kind != VALUE_SCALAR && v->n; v = &v->items[0])
        if (v->kind == VALUE_MAP)
            return &v->keys[0];
    return NULL;
}

static void emit_block(strbuf *sb, int indent, const value *v, const value *done);

/* done: a key whose comment was written already (above an outer dash). */
static void emit_item(strbuf *sb, int indent, const value *item, const value *done)
{
    if (item->kind == VALUE_SCALAR || item->n == 0) {
        pad(sb, indent);
        strbuf_putc(sb, '-');
        emit_rest(sb, indent, item);
        return;
    }
    const value *first = first_key(item);
    if (first && first != done)
        yaml_emit_comment(sb, indent, first->comment);
    /* A collection inside a list starts on the dash's line: "- key: v" or
     * "- - x".  Write it at the deeper indent, then pull its first line up. */
    strbuf inner;
    strbuf_init(&inner);
    emit_block(&inner, indent + 2, item, first);
    pad(sb, indent);
    strbuf_puts(sb, "- ");
    strbuf_add(sb, inner.data + indent + 2, inner.len - (size_t)(indent + 2));
    strbuf_free(&inner);
}

static void emit_block(strbuf *sb, int indent, const value *v, const value *done)
{
    for (size_t i = 0; i < v->n; i++) {
        if (v->kind == VALUE_MAP) {
            if (&v->keys[i] != done)
                yaml_emit_comment(sb, indent, v->keys[i].comment);
            yaml_emit_entry(sb, indent, v->keys[i].text, v->keys[i].len, v->keys[i].quoted,
                            &v->items[i]);
        } else {
            emit_item(sb, indent, &v->items[i], done);
        }
    }
}

void yaml_emit_block(strbuf *sb, int indent, const value *v)
{
    emit_block(sb, indent, v, NULL);
}
