#include "value.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

void value_free(value *v)
{
    if (!v)
        return;
    /* Children first, even in an arena value: value_map_put may have put a
     * heap value into an arena map. */
    for (size_t i = 0; i < v->n; i++) {
        if (v->keys)
            value_free(&v->keys[i]);
        if (v->items)
            value_free(&v->items[i]);
    }
    if (!v->in_arena) {
        free(v->text);
        free(v->comment);
        free(v->keys);
        free(v->items);
    }
    memset(v, 0, sizeof(*v));
}

/* Lists and maps grow by doubling, so reading a list of n items costs O(n)
 * copying, not O(n^2).  value.h has no capacity field: the capacity of a
 * heap list is implicitly the smallest power of two >= n, and value_copy
 * allocates the same way.  (Arena lists have exactly n: value_list_push
 * moves them to the heap before growing them.) */
static size_t capacity_for(size_t n)
{
    size_t cap = 1;
    while (cap < n)
        cap *= 2;
    return cap;
}

void value_copy(value *dst, const value *src)
{
    *dst = *src;
    dst->in_arena = false;
    dst->text = src->text ? xstrndup(src->text, src->len) : NULL;
    dst->comment = src->comment ? xstrdup(src->comment) : NULL;
    dst->keys = dst->items = NULL;
    if (src->n) {
        dst->items = xcalloc(capacity_for(src->n), sizeof(value));
        if (src->keys)
            dst->keys = xcalloc(capacity_for(src->n), sizeof(value));
        for (size_t i = 0; i < src->n; i++) {
            value_copy(&dst->items[i], &src->items[i]);
            if (src->keys)
                value_copy(&dst->keys[i], &src->keys[i]);
        }
    }
}

/* Give an arena value heap storage of its own (children stay as they are,
 * each with its own flag), so that it can grow. */
static void move_to_heap(value *v)
{
    size_t cap = capacity_for(v->n);
    value *keys = NULL, *items = NULL;
    if (v->n) {
        items = xmalloc(cap * sizeof(value));
        memcpy(items, v->items, v->n * sizeof(value));
        if (v->keys) {
            keys = xmalloc(cap * sizeof(value));
            memcpy(keys, v->keys, v->n * sizeof(value));
        }
    }
    v->keys = keys;
    v->items = items;
    v->text = v->text ? xstrndup(v->text, v->len) : NULL;
    v->comment = v->comment ? xstrdup(v->comment) : NULL;
    v->in_arena = false;
}

/* Same content; with exact, also the same positions, flow style and
 * comments. */
static bool same(const value *a, const value *b, bool exact)
{
    if (a->kind != b->kind || a->n != b->n || a->quoted != b->quoted)
        return false;
    if (exact && (a->flow != b->flow || a->pos.line != b->pos.line || a->pos.col != b->pos.col ||
                  (a->comment == NULL) != (b->comment == NULL) ||
                  (a->comment && strcmp(a->comment, b->comment) != 0)))
        return false;
    if (a->kind == VALUE_SCALAR)
        return a->len == b->len && memcmp(a->text, b->text, a->len) == 0;
    for (size_t i = 0; i < a->n; i++) {
        if (a->kind == VALUE_MAP && !same(&a->keys[i], &b->keys[i], exact))
            return false;
        if (!same(&a->items[i], &b->items[i], exact))
            return false;
    }
    return true;
}

bool value_equal(const value *a, const value *b)
{
    return same(a, b, false);
}

bool value_identical(const value *a, const value *b)
{
    return same(a, b, true);
}

void value_set_scalar(value *v, const char *text)
{
    memset(v, 0, sizeof(*v));
    v->kind = VALUE_SCALAR;
    v->len = strlen(text);
    v->text = xstrndup(text, v->len);
}

void value_init_list(value *v)
{
    memset(v, 0, sizeof(*v));
    v->kind = VALUE_LIST;
}

void value_init_map(value *v)
{
    memset(v, 0, sizeof(*v));
    v->kind = VALUE_MAP;
}

value *value_list_push(value *list)
{
    if (list->in_arena)
        move_to_heap(list);
    size_t n = list->n;
    if (n == 0 || (n & (n - 1)) == 0) { /* full: n is 0 or a power of two */
        size_t cap = n ? 2 * n : 1;
        list->items = xrealloc(list->items, cap * sizeof(value));
        if (list->kind == VALUE_MAP)
            list->keys = xrealloc(list->keys, cap * sizeof(value));
    }
    memset(&list->items[list->n], 0, sizeof(value));
    if (list->keys)
        memset(&list->keys[list->n], 0, sizeof(value));
    return &list->items[list->n++];
}

value *value_map_put(value *map, const char *key)
{
    for (size_t i = 0; i < map->n; i++) {
        if (strcmp(map->keys[i].text, key) == 0) {
            value_free(&map->items[i]);
            return &map->items[i];
        }
    }
    value *item = value_list_push(map);
    value_set_scalar(&map->keys[map->n - 1], key);
    return item;
}

const value *value_map_get(const value *map, const char *key)
{
    if (!map || map->kind != VALUE_MAP)
        return NULL;
    for (size_t i = 0; i < map->n; i++)
        if (strcmp(map->keys[i].text, key) == 0)
            return &map->items[i];
    return NULL;
}

const char *value_kind_name(value_kind kind)
{
    switch (kind) {
    case VALUE_SCALAR:
        return "a scalar";
    case VALUE_LIST:
        return "a list";
    case VALUE_MAP:
        return "a mapping";
    }
    return "?";
}

bool value_as_int(const value *v, long long *out)
{
    if (!v || v->kind != VALUE_SCALAR || v->quoted || v->len == 0)
        return false;
    const char *s = v->text;
    size_t i = (s[0] == '-' || s[0] == '+') ? 1 : 0;
    if (i == v->len)
        return false;
    for (; i < v->len; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    errno = 0;
    long long n = strtoll(s, NULL, 10);
    if (errno)
        return false;
    *out = n;
    return true;
}

bool value_as_number(const value *v, double *out)
{
    if (!v || v->kind != VALUE_SCALAR || v->quoted || v->len == 0)
        return false;
    const char *s = v->text;
    size_t i = (s[0] == '-' || s[0] == '+') ? 1 : 0;
    bool digits = false, dot = false, exp = false;
    for (; i < v->len; i++) {
        char c = s[i];
        if (c >= '0' && c <= '9') {
            digits = true;
        } else if (c == '.' && !dot && !exp) {
            dot = true;
        } else if ((c == 'e' || c == 'E') && digits && !exp) {
            exp = true;
            digits = false;
            if (i + 1 < v->len && (s[i + 1] == '-' || s[i + 1] == '+'))
                i++;
        } else {
            return false;
        }
    }
    if (!digits)
        return false;
    *out = strtod(s, NULL);
    return true;
}

bool value_as_bool(const value *v, bool *out)
{
    if (!v || v->kind != VALUE_SCALAR || v->quoted)
        return false;
    if (strcmp(v->text, "true") == 0) {
        *out = true;
        return true;
    }
    if (strcmp(v->text, "false") == 0) {
        *out = false;
        return true;
    }
    return false;
}

bool value_is_null(const value *v)
{
    return v && v->kind == VALUE_SCALAR && !v->quoted &&
           (v->len == 0 || strcmp(v->text, "null") == 0 || strcmp(v->text, "~") == 0);
}
