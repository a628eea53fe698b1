#include "fieldcheck.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fsutil.h"
#include "util.h"
#include "validate.h"

static bool in_choices(const char *choices, const char *text)
{
    size_t n = strlen(text);
    for (const char *s = choices; *s;) {
        size_t len = strcspn(s, "|");
        if (len == n && strncmp(s, text, n) == 0)
            return true;
        s += len;
        if (*s)
            s++;
    }
    return false;
}

const char *field_check(const setting_spec *spec, const char *text, const char *dir, char *buf,
                        size_t size)
{
    if (!*text) {
        if (!spec->required)
            return NULL;
        snprintf(buf, size, "'%s' is required", spec->name);
        return buf;
    }
    switch (spec->type) {
    case SETTING_INTEGER: {
        char *end;
        errno = 0;
        long long v = strtoll(text, &end, 10);
        if (*end || errno) {
            snprintf(buf, size, "a whole number, e.g. %s",
                     spec->default_value ? spec->default_value : "10");
            return buf;
        }
        if (spec->min < spec->max && (v < spec->min || v > spec->max)) {
            snprintf(buf, size, "between %lld and %lld", spec->min, spec->max);
            return buf;
        }
        return NULL;
    }
    case SETTING_NUMBER: {
        char *end;
        double v = strtod(text, &end);
        if (*end) {
            snprintf(buf, size, "a number, e.g. 1.5");
            return buf;
        }
        if (spec->number_min < spec->number_max && (v < spec->number_min || v > spec->number_max)) {
            snprintf(buf, size, "between %g and %g", spec->number_min, spec->number_max);
            return buf;
        }
        return NULL;
    }
    case SETTING_BOOLEAN:
        if (strcmp(text, "true") && strcmp(text, "false")) {
            snprintf(buf, size, "true or false");
            return buf;
        }
        return NULL;
    case SETTING_CHOICE:
        if (!in_choices(spec->choices, text)) {
            snprintf(buf, size, "one of %s", spec->choices);
            return buf;
        }
        return NULL;
    case SETTING_SECRET:
        if (!secret_ref_valid(text)) {
            snprintf(buf, size, "a reference: ${secret:NAME} or ${env:NAME}, never the value");
            return buf;
        }
        return NULL;
    case SETTING_FILE: {
        /* A file that is not there yet is fine here (field_check_note warns):
         * the user may set the setting before creating the file.  Outside
         * the folder never is.  weir validate still reports it missing. */
        path_check pc = fs_check_inside(dir ? dir : ".", text, false);
        if (pc != PATH_OK) {
            snprintf(buf, size, "%s", path_check_message(pc));
            return buf;
        }
        return NULL;
    }
    case SETTING_LIST: {
        char **items;
        size_t n;
        const char *why = field_list_split(text, &items, &n, buf, size);
        if (why)
            return why;
        field_list_free(items, n);
        return NULL;
    }
    case SETTING_STRING: {
        const char *scheme = strstr(text, "://");
        const char *at = scheme ? strchr(scheme + 3, '@') : NULL;
        const char *colon = scheme ? strchr(scheme + 3, ':') : NULL;
        if (at && colon && colon < at && !strstr(text, "${")) {
            snprintf(buf, size, "holds a password: use a secret, ${secret:NAME}");
            return buf;
        }
        return NULL;
    }
    default:
        return NULL;
    }
}

const char *field_check_note(const setting_spec *spec, const char *text, const char *dir, char *buf,
                             size_t size)
{
    if (spec->type != SETTING_FILE || !*text)
        return NULL;
    const char *root = dir ? dir : ".";
    if (fs_check_inside(root, text, false) != PATH_OK ||
        fs_check_inside(root, text, true) != PATH_MISSING)
        return NULL;
    snprintf(buf, size, "%s does not exist yet: preview will fail until it does", text);
    return buf;
}

const char *field_cycle_choice(const char *choices, const char *current, int step, char *buf,
                               size_t size)
{
    /* Split into at most 32 options. */
    const char *opt[32];
    size_t len[32], n = 0;
    for (const char *s = choices; *s && n < 32;) {
        size_t l = strcspn(s, "|");
        opt[n] = s;
        len[n++] = l;
        s += l;
        if (*s)
            s++;
    }
    if (!n) {
        snprintf(buf, size, "%s", current ? current : "");
        return buf;
    }
    size_t at = n; /* not found */
    for (size_t i = 0; current && i < n; i++)
        if (strlen(current) == len[i] && strncmp(current, opt[i], len[i]) == 0)
            at = i;
    size_t next = at == n ? 0 : (at + n + (size_t)(step > 0 ? 1 : n - 1)) % n;
    snprintf(buf, size, "%.*s", (int)len[next], opt[next]);
    return buf;
}

static bool needs_quotes(const char *item)
{
    size_t len = strlen(item);
    return len == 0 || item[0] == ' ' || item[len - 1] == ' ' || strpbrk(item, ",\"\\") != NULL;
}

char *field_list_join(const char *const *items, size_t n)
{
    strbuf sb;
    strbuf_init(&sb);
    strbuf_puts(&sb, "");
    for (size_t i = 0; i < n; i++) {
        if (i)
            strbuf_puts(&sb, ", ");
        if (!needs_quotes(items[i])) {
            strbuf_puts(&sb, items[i]);
            continue;
        }
        strbuf_putc(&sb, '"');
        for (const char *c = items[i]; *c; c++) {
            if (*c == '"' || *c == '\\')
                strbuf_putc(&sb, '\\');
            strbuf_putc(&sb, *c);
        }
        strbuf_putc(&sb, '"');
    }
    return strbuf_detach(&sb);
}

void field_list_free(char **items, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(items[i]);
    free(items);
}

const char *field_list_split(const char *text, char ***out, size_t *n, char *buf, size_t size)
{
    char **items = NULL;
    size_t count = 0;
    const char *p = text;
    for (;;) {
        while (*p == ' ')
            p++;
        if (!*p)
            break;
        strbuf sb;
        strbuf_init(&sb);
        strbuf_puts(&sb, "");
        bool keep;
        if (*p == '"') {
            const char *start = p++;
            while (*p && *p != '"') {
                if (*p == '\\' && (p[1] == '"' || p[1] == '\\'))
                    p++;
                strbuf_putc(&sb, *p++);
            }
            if (*p != '"') {
                strbuf_free(&sb);
                field_list_free(items, count);
                snprintf(buf, size, "the quote at column %zu is not closed (\" ends it)",
                         (size_t)(start - text) + 1);
                return buf;
            }
            p++;
            while (*p == ' ')
                p++;
            if (*p && *p != ',') {
                strbuf_free(&sb);
                field_list_free(items, count);
                snprintf(buf, size,
                         "a comma must follow a quoted item (column %zu); quote the whole item",
                         (size_t)(p - text) + 1);
                return buf;
            }
            keep = true; /* "" is an empty item, on purpose */
        } else {
            size_t len = strcspn(p, ",");
            while (len && p[len - 1] == ' ')
                len--;
            strbuf_add(&sb, p, len);
            p += len;
            while (*p == ' ')
                p++;
            keep = len > 0;
        }
        if (keep) {
            items = xrealloc(items, (count + 1) * sizeof(*items));
            items[count++] = strbuf_detach(&sb);
        } else {
            strbuf_free(&sb);
        }
        if (*p == ',')
            p++;
    }
    *out = items;
    *n = count;
    return NULL;
}
