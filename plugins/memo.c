#include "memo.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

enum { MEMO_BUCKETS = 1024 };

typedef struct entry {
    struct entry *next;
    const node_type *t;
    const setting_spec *s;
    node key; /* a copy of the node as it was asked about */
    char *answer, *error;
} entry;

struct memo {
    entry *buckets[MEMO_BUCKETS];
};

memo *memo_new(void)
{
    return xcalloc(1, sizeof(memo));
}

static void entry_free(entry *e)
{
    node_free(&e->key);
    free(e->answer);
    free(e->error);
    free(e);
}

void memo_free(memo *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < MEMO_BUCKETS; i++)
        for (entry *e = m->buckets[i], *next; e; e = next) {
            next = e->next;
            entry_free(e);
        }
    free(m);
}

static size_t bucket_of(const node_type *t, const setting_spec *s, const char *id)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    uintptr_t parts[2] = {(uintptr_t)t, (uintptr_t)s};
    const unsigned char *p = (const unsigned char *)parts;
    for (size_t i = 0; i < sizeof(parts); i++)
        h = (h ^ p[i]) * 1099511628211ULL;
    for (; *id; id++)
        h = (h ^ (unsigned char)*id) * 1099511628211ULL;
    return (size_t)(h % MEMO_BUCKETS);
}

static entry **slot_of(memo *m, const node_type *t, const setting_spec *s, const node *n)
{
    entry **at = &m->buckets[bucket_of(t, s, n->id)];
    while (*at && !((*at)->t == t && (*at)->s == s && strcmp((*at)->key.id, n->id) == 0))
        at = &(*at)->next;
    return at;
}

/* What a plugin function sees of its node: inputs and settings. */
static bool same_node(const node *a, const node *b)
{
    if (a->n_inputs != b->n_inputs)
        return false;
    for (size_t i = 0; i < a->n_inputs; i++)
        if (strcmp(a->inputs[i], b->inputs[i]) != 0)
            return false;
    return value_equal(&a->settings, &b->settings);
}

static char *dup_or_null(const char *s)
{
    return s ? xstrdup(s) : NULL;
}

bool memo_get(memo *m, const node_type *t, const setting_spec *s, const node *n, char **answer,
              char **error)
{
    entry *e = *slot_of(m, t, s, n);
    if (!e || !same_node(&e->key, n))
        return false;
    *answer = dup_or_null(e->answer);
    if (error)
        *error = dup_or_null(e->error);
    return true;
}

void memo_put(memo *m, const node_type *t, const setting_spec *s, const node *n, const char *answer,
              const char *error)
{
    entry **at = slot_of(m, t, s, n);
    if (*at) {
        entry *old = *at;
        *at = old->next;
        entry_free(old);
    }
    entry *e = xcalloc(1, sizeof(*e));
    e->t = t;
    e->s = s;
    node_copy(&e->key, n);
    e->answer = dup_or_null(answer);
    e->error = dup_or_null(error);
    e->next = m->buckets[bucket_of(t, s, n->id)];
    m->buckets[bucket_of(t, s, n->id)] = e;
}
