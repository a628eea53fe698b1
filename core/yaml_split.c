#define _GNU_SOURCE /* sched_getaffinity: the CPUs this process may run on */
#include "yaml_split.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "idindex.h"
#include "spawn.h"
#include "util.h"

/* Why a confirmed cut gives the one-piece tree.
 *
 * The text is cut only before a line that starts, at column c, with a
 * plain key and a colon ("name:"), where c is 0 (a root entry) or the
 * column of the entries of the root's last section (a "section line").
 * Each piece is parsed as a document of its own; the cut holds when:
 *
 *   - every piece parses with no diagnostic, and its root is a block
 *     mapping at column c that starts on the piece's first line (piece 0:
 *     anywhere in it, at column 0);
 *   - before a section line, the tree so far ends with a root entry whose
 *     value is a block mapping at column c;
 *   - no piece ends the document explicitly ("..."), and the joined maps
 *     repeat no key.
 *
 * A piece ends before its cut line, so the scanner saw the same bytes up
 * to there as one parse would; a token still open at the cut (a quoted or
 * flow scalar, a flow collection) makes the piece fail.  What else could
 * continue across the cut is indented deeper than c: block scalar
 * content and plain scalar continuations must be indented past their
 * parent mapping's column, and the root's last value is a block mapping
 * at column c, so a line at column c ends them all and, in one parse,
 * starts the next entry of the mapping at column c.  Everything else
 * (libyaml's other line breaks, "\r", NEL, LS, PS, which would shift line
 * numbers) makes the text be read whole. */

enum { PIECES_MAX = 32 };

typedef struct piece {
    size_t start, end; /* its bytes in the text */
    yaml_piece where;
    int column;      /* of its root's keys: 0, or the section's entries' */
    yaml_doc doc;    /* out */
    size_t n_values; /* out */
    bool ok;         /* out: read with no diagnostic */
} piece;

struct yaml_split {
    const char *data;
    const char *path;
    piece pieces[PIECES_MAX + 1]; /* one more: where the last ends */
    size_t n;
    /* One region for the pieces' trees, each its share: one read's tree
     * sat on huge pages (arena.c), and pieces with arenas of their own
     * would touch as many 4 KiB pages, a page fault each. */
    arena *region;
    atomic_size_t next; /* the next piece nobody has taken */
    pthread_mutex_t lock;
    pthread_cond_t changed; /* done grew */
    size_t done;            /* pieces read */
};

static atomic_size_t joined_texts;

size_t yaml_split_joined(void)
{
    return atomic_load(&joined_texts);
}

yaml_split_options yaml_split_defaults(void)
{
    cpu_set_t cpus;
    unsigned n = 1;
    if (sched_getaffinity(0, sizeof(cpus), &cpus) == 0)
        n = (unsigned)CPU_COUNT(&cpus);
    /* On one CPU the pieces would be read one after the other: no gain. */
    yaml_split_options o = {n < 2 ? SIZE_MAX : 256 * 1024, 8, n < 1 ? 1 : n > 4 ? 4 : n};
    return o;
}

/* ASCII, not isalnum(): no locale may move a cut. */
static bool key_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* Whether the line at s starts, after `column` spaces, with "key:" for a
 * plain key of letters, digits, '_' and '-' (not first). */
static bool key_line(const char *s, const char *end, int column)
{
    for (int i = 0; i < column; i++)
        if (s + i >= end || s[i] != ' ')
            return false;
    const char *p = s + column, *q = p;
    if (q < end && key_char(*q)) {
        while (q < end && (key_char(*q) || *q == '-'))
            q++;
    }
    return q > p && q < end && *q == ':' && (q + 1 == end || q[1] == ' ' || q[1] == '\n');
}

/* libyaml also breaks lines at "\r" and at NEL, LS and PS. */
static bool has_other_breaks(const char *s, size_t len)
{
    if (memchr(s, '\r', len))
        return true;
    const unsigned char *u = (const unsigned char *)s, *end = u + len;
    for (const unsigned char *p = u; (p = memchr(p, 0xC2, (size_t)(end - p))); p++)
        if (p + 1 < end && p[1] == 0x85)
            return true;
    for (const unsigned char *p = u; (p = memchr(p, 0xE2, (size_t)(end - p))); p++)
        if (p + 2 < end && p[1] == 0x80 && (p[2] == 0xA8 || p[2] == 0xA9))
            return true;
    return false;
}

/* Cut the text into pieces of about len / max bytes; returns their number
 * (0: do not split). */
static size_t plan(const char *s, size_t len, size_t max, piece *out)
{
    if (max > PIECES_MAX)
        max = PIECES_MAX;
    if (max < 2 || has_other_breaks(s, len))
        return 0;
    const char *end = s + len;
    size_t target = len / max, n = 1;
    memset(&out[0], 0, sizeof(out[0]));
    int line = 0;
    int entries = -1;     /* column of the current section's entries; -1: not known */
    bool section = false; /* a root key was seen */
    for (const char *ls = s, *nl; ls < end; ls = nl ? nl + 1 : end, line++) {
        nl = memchr(ls, '\n', (size_t)(end - ls));
        size_t at = (size_t)(ls - s);
        piece *cur = &out[n - 1];
        int column;
        if (*ls == ' ') {
            if (!section)
                continue;
            if (entries < 0) { /* the section's first key line sets the column */
                int c = 0;
                while (ls + c < end && ls[c] == ' ')
                    c++;
                if (key_line(ls, end, c))
                    entries = c;
                continue;
            }
            if (at - cur->start < target || !key_line(ls, end, entries))
                continue;
            column = entries;
        } else if (key_line(ls, end, 0)) {
            section = true;
            entries = -1;
            /* A piece of section lines ends where the section does. */
            if (cur->column == 0 && at - cur->start < target)
                continue;
            column = 0;
        } else {
            continue;
        }
        if (n == PIECES_MAX)
            return 0;
        cur->end = at;
        out[n] = (piece){.start = at, .where = {line, column ? 1 : 0}, .column = column};
        n++;
    }
    out[n - 1].end = len;
    out[n].where.line0 = line; /* where a piece after the last would start */
    return n;
}

/* A tree takes about two values (64 bytes each) per line of text, plus the
 * text: 6.8 times the benchmark's pipeline.yaml, 11.5 its layout.yaml, to
 * within a few percent.  A piece that needs more gets blocks of its own. */
static size_t tree_size(const piece *pc, const piece *next)
{
    size_t lines = (size_t)(next->where.line0 - pc->where.line0) + 1;
    return (lines * 2 * sizeof(value) + (pc->end - pc->start) + 63) & ~(size_t)63;
}

static void share_region(yaml_split *s)
{
    size_t total = 0;
    for (size_t k = 0; k < s->n; k++)
        total += tree_size(&s->pieces[k], &s->pieces[k + 1]);
    s->region = arena_new();
    char *at = arena_alloc(s->region, total);
    for (size_t k = 0; k < s->n; k++) {
        s->pieces[k].where.mem = at;
        s->pieces[k].where.mem_size = tree_size(&s->pieces[k], &s->pieces[k + 1]);
        at += s->pieces[k].where.mem_size;
    }
}

void yaml_split_work(yaml_split *s)
{
    for (size_t k; (k = atomic_fetch_add(&s->next, 1)) < s->n;) {
        piece *pc = &s->pieces[k];
        diag_list diags;
        diag_list_init(&diags);
        pc->ok = yaml_piece_read(s->data + pc->start, pc->end - pc->start, s->path, &pc->where,
                                 &pc->doc, &pc->n_values, &diags) &&
                 diags.n == 0;
        diag_list_free(&diags);
        pthread_mutex_lock(&s->lock);
        s->done++;
        pthread_cond_broadcast(&s->changed);
        pthread_mutex_unlock(&s->lock);
    }
}

static bool same_key(const value *a, const value *b)
{
    return a->len == b->len && memcmp(a->text, b->text, a->len) == 0;
}

/* Whether a joined map repeats a key (each piece checked its own). */
static bool repeats_a_key(const value *map)
{
    if (map->n <= 16) {
        for (size_t i = 1; i < map->n; i++)
            for (size_t j = 0; j < i; j++)
                if (same_key(&map->keys[i], &map->keys[j]))
                    return true;
        return false;
    }
    id_index seen;
    id_index_init(&seen, map->n);
    bool repeat = false;
    for (size_t i = 0; i < map->n && !repeat; i++)
        repeat = id_index_put(&seen, map->keys[i].text, i) >= 0;
    id_index_free(&seen);
    return repeat;
}

/* A piece ends where the next begins, and libyaml places an empty value
 * (a key with nothing after it) at the token that follows it: in one
 * read, the next piece's first key; in the piece, the end of its text,
 * column 1 of the next piece's first line.  Such values can only end the
 * piece, on its last entries' path: move them where one read puts them. */
static void place_trailing_empties(value *v, src_pos end, src_pos next)
{
    for (;;) {
        if (v->pos.line == end.line && v->pos.col == end.col)
            v->pos = next;
        if (v->kind == VALUE_SCALAR || v->n == 0)
            return;
        if (v->kind == VALUE_MAP) {
            value *k = &v->keys[v->n - 1];
            if (k->pos.line == end.line && k->pos.col == end.col)
                k->pos = next;
        }
        v = &v->items[v->n - 1];
    }
}

static bool block_map_at(const value *v, int column)
{
    return v->kind == VALUE_MAP && !v->flow && v->n > 0 && v->pos.col == column + 1;
}

/* Check the pieces (the comment at the top) and join their trees into
 * out, in pieces[0]'s arena.  False: out is untouched. */
static bool join(piece *pcs, size_t n, yaml_doc *out)
{
    size_t values = 0, n_root = 0;
    const value *last = NULL; /* the root entry so far's last value */
    for (size_t k = 0; k < n; k++) {
        const value *root = &pcs[k].doc.root;
        if (!pcs[k].ok || !block_map_at(root, pcs[k].column) ||
            (k > 0 && root->pos.line != pcs[k].where.line0 + 1))
            return false;
        values += pcs[k].n_values;
        if (pcs[k].column == 0) {
            n_root += root->n;
            last = &root->items[root->n - 1];
        } else if (!last || !block_map_at(last, pcs[k].column)) {
            return false;
        }
    }
    if (values > YAML_MAX_VALUES)
        return false;
    for (size_t k = 0; k + 1 < n; k++) {
        int line = pcs[k + 1].where.line0 + 1;
        place_trailing_empties(&pcs[k].doc.root, (src_pos){line, 1},
                               (src_pos){line, pcs[k + 1].column + 1});
    }

    arena *mem = pcs[0].doc.mem;
    value root = pcs[0].doc.root;
    root.n = 0;
    root.keys = arena_alloc(mem, n_root * sizeof(value));
    root.items = arena_alloc(mem, n_root * sizeof(value));
    bool *grown = xcalloc(n_root, sizeof(bool));
    for (size_t k = 0; k < n; k++) {
        const value *part = &pcs[k].doc.root;
        if (pcs[k].column == 0) {
            memcpy(root.keys + root.n, part->keys, part->n * sizeof(value));
            memcpy(root.items + root.n, part->items, part->n * sizeof(value));
            root.n += part->n;
            continue;
        }
        /* A section's next entries: the section's arrays at their final
         * size at once, the first time it grows. */
        value *section = &root.items[root.n - 1];
        if (!grown[root.n - 1]) {
            size_t total = section->n;
            for (size_t m = k; m < n && pcs[m].column != 0; m++)
                total += pcs[m].doc.root.n;
            value *keys = arena_alloc(mem, total * sizeof(value));
            value *items = arena_alloc(mem, total * sizeof(value));
            memcpy(keys, section->keys, section->n * sizeof(value));
            memcpy(items, section->items, section->n * sizeof(value));
            section->keys = keys;
            section->items = items;
            grown[root.n - 1] = true;
        }
        memcpy(section->keys + section->n, part->keys, part->n * sizeof(value));
        memcpy(section->items + section->n, part->items, part->n * sizeof(value));
        section->n += part->n;
    }
    bool repeats = repeats_a_key(&root);
    for (size_t i = 0; i < root.n && !repeats; i++)
        repeats = grown[i] && repeats_a_key(&root.items[i]);
    free(grown);
    if (repeats)
        return false; /* the one-piece reader reports them, in order */

    for (size_t k = 1; k < n; k++) {
        arena_adopt(mem, pcs[k].doc.mem);
        pcs[k].doc.mem = NULL;
    }
    out->root = root;
    out->mem = mem;
    pcs[0].doc.mem = NULL;
    return true;
}

yaml_split *yaml_split_plan(const char *data, size_t len, const char *path,
                            const yaml_split_options *opts)
{
    yaml_split_options o = opts ? *opts : yaml_split_defaults();
    if (len < o.min_bytes || len > YAML_MAX_FILE_BYTES)
        return NULL;
    yaml_split *s = xcalloc(1, sizeof(*s));
    s->n = plan(data, len, o.max_pieces, s->pieces);
    if (s->n < 2) {
        free(s);
        return NULL;
    }
    share_region(s);
    s->data = data;
    s->path = path;
    atomic_init(&s->next, 0);
    pthread_mutex_init(&s->lock, NULL);
    pthread_cond_init(&s->changed, NULL);
    return s;
}

bool yaml_split_finish(yaml_split *s, yaml_doc *doc)
{
    pthread_mutex_lock(&s->lock);
    while (s->done < s->n)
        pthread_cond_wait(&s->changed, &s->lock);
    pthread_mutex_unlock(&s->lock);
    memset(doc, 0, sizeof(*doc));
    bool joined = join(s->pieces, s->n, doc);
    for (size_t k = 0; k < s->n; k++)
        yaml_doc_free(&s->pieces[k].doc); /* the joined arenas moved into doc */
    if (joined) {
        arena_adopt(doc->mem, s->region);
        s->region = NULL;
        atomic_fetch_add(&joined_texts, 1);
    }
    return joined;
}

void yaml_split_free(yaml_split *s)
{
    if (!s)
        return;
    arena_free(s->region); /* when the trees were not joined */
    pthread_mutex_destroy(&s->lock);
    pthread_cond_destroy(&s->changed);
    free(s);
}

static void *work_on(void *s)
{
    yaml_split_work(s);
    return NULL;
}

bool yaml_split_read(const char *data, size_t len, const char *path, const yaml_split_options *opts,
                     yaml_doc *doc)
{
    yaml_split_options o = opts ? *opts : yaml_split_defaults();
    yaml_split *s = yaml_split_plan(data, len, path, &o);
    if (!s)
        return false;
    pthread_t helpers[4];
    unsigned started = 0;
    while (started + 1 < o.threads && started + 1 < s->n && started < 4 &&
           spawn_thread(&helpers[started], work_on, s))
        started++;
    yaml_split_work(s); /* with no helper, this thread reads every piece */
    bool joined = yaml_split_finish(s, doc);
    for (unsigned i = 0; i < started; i++)
        pthread_join(helpers[i], NULL);
    yaml_split_free(s);
    return joined;
}
