#include "comments.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "arena.h"
#include "idindex.h"
#include "util.h"

/* ---- finding comments: libyaml's tokens, and the gaps between them ---- */

typedef void (*found_fn)(void *ctx, src_pos pos, bool own_line, const char *text, size_t len);

/* A walk over the text in step with libyaml's marks.  Marks count
 * characters (index) and lines and columns from 0; the walk also keeps the
 * byte offset, to cut the text out. */
typedef struct cursor {
    const unsigned char *s;
    size_t len, byte;
    size_t index, line, col;
    bool content; /* a token's text is on this line before the cursor */
} cursor;

static size_t char_width(unsigned char c)
{
    return c < 0xC0 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
}

/* The line breaks libyaml knows: LF, CR, NEL, LS, PS (CR LF is one). */
static bool at_break(const cursor *c)
{
    const unsigned char *s = c->s + c->byte;
    size_t left = c->len - c->byte;
    if (s[0] == '\n' || s[0] == '\r')
        return true;
    if (left >= 2 && s[0] == 0xC2 && s[1] == 0x85)
        return true;
    return left >= 3 && s[0] == 0xE2 && s[1] == 0x80 && (s[2] == 0xA8 || s[2] == 0xA9);
}

static void step(cursor *c, bool in_token)
{
    unsigned char ch = c->s[c->byte];
    if (ch == ' ') { /* most of what is not a token: indentation */
        c->byte++;
        c->index++;
        c->col++;
        return;
    }
    bool brk = at_break(c);
    bool cr_of_crlf = ch == '\r' && c->byte + 1 < c->len && c->s[c->byte + 1] == '\n';
    size_t w = char_width(ch);
    if (w > c->len - c->byte)
        w = c->len - c->byte;
    c->byte += w;
    c->index++;
    if (brk && !cr_of_crlf) {
        c->line++;
        c->col = 0;
        c->content = false;
    } else {
        c->col++;
        /* blanks and a byte order mark are not content */
        if (!brk && ch != ' ' && ch != '\t' && (in_token || ch != 0xEF))
            c->content = true;
    }
}

/* The cursor is on a '#': report the comment, up to the end of its line
 * (and never past `to`, the next token). */
static void read_comment(cursor *c, size_t to, found_fn fn, void *ctx)
{
    src_pos pos = {(int)c->line + 1, (int)c->col + 1};
    bool own_line = !c->content;
    step(c, false);
    size_t start = c->byte;
    while (c->index < to && c->byte < c->len && !at_break(c))
        step(c, false);
    size_t end = c->byte;
    while (end > start && (c->s[end - 1] == ' ' || c->s[end - 1] == '\t'))
        end--;
    c->content = true;
    fn(ctx, pos, own_line, (const char *)c->s + start, end - start);
}

/* Whitespace, line breaks and comments: all libyaml skips between tokens. */
static void scan_gap(cursor *c, size_t to, found_fn fn, void *ctx)
{
    while (c->index < to && c->byte < c->len) {
        if (c->s[c->byte] == '#')
            read_comment(c, to, fn, ctx);
        else
            step(c, false);
    }
}

/* A token's text.  libyaml eats a comment after a block scalar's header
 * (`| # note`) as part of the scalar's token; report it.  The rest holds
 * no comment: skip it fast, counting characters by their first bytes. */
static void scan_token(cursor *c, const yaml_token_t *t, found_fn fn, void *ctx)
{
    size_t to = t->end_mark.index;
    if (c->index >= to)
        return; /* zero width: KEY, BLOCK-END and the like */
    if (t->type == YAML_SCALAR_TOKEN && (t->data.scalar.style == YAML_LITERAL_SCALAR_STYLE ||
                                         t->data.scalar.style == YAML_FOLDED_SCALAR_STYLE)) {
        if (c->index < to && c->byte < c->len)
            step(c, true); /* | or > */
        while (c->index < to && c->byte < c->len && c->s[c->byte] &&
               strchr("0123456789+-", c->s[c->byte]))
            step(c, true);
        while (c->index < to && c->byte < c->len && (c->s[c->byte] == ' ' || c->s[c->byte] == '\t'))
            step(c, true);
        if (c->index < to && c->byte < c->len && c->s[c->byte] == '#')
            read_comment(c, to, fn, ctx);
    }
    while (c->index < to && c->byte < c->len) {
        c->byte++;
        while (c->byte < c->len && (c->s[c->byte] & 0xC0) == 0x80)
            c->byte++;
        c->index++;
    }
    /* Where the token ends, from its mark: text before the cursor on this
     * line unless it ends at a line start (a block scalar's last break). */
    c->line = t->end_mark.line;
    c->col = t->end_mark.column;
    c->content = c->col > 0;
}

static void sync(cursor *c, const yaml_mark_t *m)
{
    if (c->index == m->index) { /* libyaml's line count is the reference */
        c->line = m->line;
        c->col = m->column;
    }
}

/* Call fn for every comment of data[len], in document order. */
static bool scan_comments(const char *data, size_t len, found_fn fn, void *ctx)
{
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser))
        return false;
    yaml_parser_set_input_string(&parser, (const unsigned char *)data, len);
    yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);
    cursor c = {(const unsigned char *)data, len, 0, 0, 0, 0, false};
    bool ok = true;
    for (;;) {
        yaml_token_t t;
        if (!yaml_parser_scan(&parser, &t)) {
            ok = false;
            break;
        }
        if (t.start_mark.index >= c.index) {
            scan_gap(&c, t.start_mark.index, fn, ctx);
            sync(&c, &t.start_mark);
            scan_token(&c, &t, fn, ctx);
            sync(&c, &t.end_mark);
        } else {
            /* Tokens come in text order; should one not, its text was
             * walked already and holds no comment. */
            while (c.index < t.end_mark.index && c.byte < c.len)
                step(&c, true);
        }
        bool done = t.type == YAML_STREAM_END_TOKEN;
        yaml_token_delete(&t);
        if (done)
            break;
    }
    yaml_parser_delete(&parser);
    return ok;
}

static void count_one(void *ctx, src_pos pos, bool own_line, const char *text, size_t len)
{
    (void)pos, (void)own_line, (void)text, (void)len;
    ++*(size_t *)ctx;
}

size_t comments_count(const char *data, size_t len)
{
    size_t n = 0;
    return scan_comments(data, len, count_one, &n) ? n : SIZE_MAX;
}

/* ---- attaching comments to keys --------------------------------------- */

/* A place in the document a comment can meet: a map key, or a list item
 * that holds no key (a scalar or an empty collection).  Its owner is the
 * key that gets the comment: the key itself, or the key holding the list. */
typedef struct anchor {
    src_pos pos;
    size_t owner;
} anchor;

/* Owner 0 is the document (its tail comment).  len is the comment's
 * length so far: comments are appended with doubling, never quadratic. */
typedef struct owner {
    value *v;
    size_t len;
} owner;

typedef struct attacher {
    anchor *anchors;
    size_t n_anchors, cap_anchors;
    owner *owners;
    size_t n_owners, cap_owners;
    size_t next; /* the first anchor after the last comment seen */
    size_t last; /* the anchor the last comment went to */
} attacher;

/* Capacity of a comment string of len bytes: the smallest power of two
 * that holds it and its NUL. */
static size_t comment_capacity(size_t len)
{
    size_t cap = 16;
    while (cap < len + 1)
        cap *= 2;
    return cap;
}

static size_t add_owner(attacher *a, value *v)
{
    if (a->n_owners == a->cap_owners) {
        a->cap_owners = a->cap_owners ? 2 * a->cap_owners : 64;
        a->owners = xrealloc(a->owners, a->cap_owners * sizeof(owner));
    }
    owner o = {v, 0};
    if (v->comment) { /* none from yaml_read; kept first if a caller set one */
        o.len = strlen(v->comment);
        char *heap = xmalloc(comment_capacity(o.len)); /* to grow below */
        memcpy(heap, v->comment, o.len + 1);
        if (!v->in_arena)
            free(v->comment);
        v->comment = heap;
    }
    a->owners[a->n_owners] = o;
    return a->n_owners++;
}

static void add_anchor(attacher *a, src_pos pos, size_t owner)
{
    if (a->n_anchors == a->cap_anchors) {
        a->cap_anchors = a->cap_anchors ? 2 * a->cap_anchors : 64;
        a->anchors = xrealloc(a->anchors, a->cap_anchors * sizeof(anchor));
    }
    a->anchors[a->n_anchors++] = (anchor){pos, owner};
}

/* The anchors of v in document order.  Depth is bounded by the reader's
 * YAML_MAX_DEPTH. */
static void collect(attacher *a, value *v, size_t owner)
{
    for (size_t i = 0; i < v->n; i++) {
        if (v->kind == VALUE_MAP) {
            size_t o = add_owner(a, &v->keys[i]);
            add_anchor(a, v->keys[i].pos, o);
            collect(a, &v->items[i], o);
        } else if (v->kind == VALUE_LIST) {
            value *item = &v->items[i];
            if (item->kind == VALUE_SCALAR || item->n == 0)
                add_anchor(a, item->pos, owner);
            else
                collect(a, item, owner);
        }
    }
}

static bool pos_before(src_pos a, src_pos b)
{
    return a.line < b.line || (a.line == b.line && a.col < b.col);
}

static int compare_anchors(const void *x, const void *y)
{
    const anchor *a = x, *b = y;
    if (pos_before(a->pos, b->pos))
        return -1;
    if (pos_before(b->pos, a->pos))
        return 1;
    return a->owner < b->owner ? -1 : a->owner > b->owner;
}

static void owner_append(owner *o, const char *text, size_t len)
{
    size_t sep = o->v->comment ? 1 : 0;
    size_t new_len = o->len + sep + len;
    if (!o->v->comment || comment_capacity(new_len) != comment_capacity(o->len))
        o->v->comment = xrealloc(o->v->comment, comment_capacity(new_len));
    if (sep)
        o->v->comment[o->len] = '\n';
    memcpy(o->v->comment + o->len + sep, text, len);
    o->v->comment[new_len] = '\0';
    o->len = new_len;
}

static void attach_one(void *ctx, src_pos pos, bool own_line, const char *text, size_t len)
{
    attacher *a = ctx;
    while (a->next < a->n_anchors && !pos_before(pos, a->anchors[a->next].pos))
        a->next++;
    /* The anchor it goes to; n_anchors stands for the document's tail. */
    size_t t = a->next;
    if (!own_line)
        t = a->next > 0 ? a->next - 1 : 0; /* `--- # x`: before the first key */
    /* Never before where an earlier comment went, so comments keep their
     * order: `... # x` after a tail comment stays in the tail. */
    if (t < a->last)
        t = a->last;
    a->last = t;
    owner_append(&a->owners[t < a->n_anchors ? a->anchors[t].owner : 0], text, len);
}

bool comments_attach(const char *data, size_t len, value *root, arena *mem)
{
    attacher a;
    memset(&a, 0, sizeof(a));
    add_owner(&a, root);
    collect(&a, root, 0);
    /* The tree is in document order already; this is a safety net for
     * marks libyaml places unexpectedly (an empty scalar, say). */
    for (size_t i = 1; i < a.n_anchors; i++) {
        if (pos_before(a.anchors[i].pos, a.anchors[i - 1].pos)) {
            qsort(a.anchors, a.n_anchors, sizeof(anchor), compare_anchors);
            break;
        }
    }
    bool ok = scan_comments(data, len, attach_one, &a);
    /* Give each string back its exact size; in an arena tree, move it
     * into the arena with the rest of the value's storage (value.h). */
    for (size_t i = 0; i < a.n_owners; i++) {
        value *v = a.owners[i].v;
        if (!v->comment)
            continue;
        if (v->in_arena) {
            char *kept = arena_strndup(mem, v->comment, a.owners[i].len);
            free(v->comment);
            v->comment = kept;
        } else {
            v->comment = xrealloc(v->comment, a.owners[i].len + 1);
        }
    }
    free(a.anchors);
    free(a.owners);
    return ok;
}

size_t comment_lines(const char *comment)
{
    if (!comment)
        return 0;
    size_t n = 1;
    for (const char *s = comment; *s; s++)
        n += *s == '\n';
    return n;
}

void comment_append(char **dst, const char *more)
{
    if (!more)
        return;
    if (!*dst) {
        *dst = xstrdup(more);
        return;
    }
    char *joined = xasprintf("%s\n%s", *dst, more);
    free(*dst);
    *dst = joined;
}

/* Comment lines in v: its own, its keys', and inside its items. */
static size_t value_comment_lines(const value *v)
{
    size_t n = comment_lines(v->comment);
    for (size_t i = 0; i < v->n; i++) {
        if (v->keys)
            n += comment_lines(v->keys[i].comment);
        n += value_comment_lines(&v->items[i]);
    }
    return n;
}

/* ---- into the model ---------------------------------------------------- */

/* Comment lines being gathered for one model field: appended in one go at
 * the end, so that many (a hostile file) cost linear time. */
typedef struct lines {
    strbuf sb;
    bool any;
} lines;

static void lines_add(lines *l, const char *comment)
{
    if (!comment)
        return;
    if (l->any)
        strbuf_putc(&l->sb, '\n');
    strbuf_puts(&l->sb, comment);
    l->any = true;
}

/* Every comment inside v (keys at any depth): for the values whose keys
 * the model does not keep one by one. */
static void lines_gather(lines *l, const value *v)
{
    for (size_t i = 0; i < v->n; i++) {
        if (v->kind == VALUE_MAP)
            lines_add(l, v->keys[i].comment);
        lines_gather(l, &v->items[i]);
    }
}

static void lines_into(lines *l, char **dst)
{
    if (l->any) {
        char *text = strbuf_detach(&l->sb);
        comment_append(dst, text);
        free(text);
    }
    strbuf_free(&l->sb);
    memset(l, 0, sizeof(*l));
}

/* A key's comment and those inside its value, into *dst. */
static void key_into(char **dst, const value *key, const value *v)
{
    lines l = {{0}, false};
    lines_add(&l, key->comment);
    lines_gather(&l, v);
    lines_into(&l, dst);
}

static void node_comments(node *n, const value *key, const value *body)
{
    comment_append(&n->comment, key->comment);
    if (body->kind != VALUE_MAP)
        return;
    for (size_t i = 0; i < body->n; i++) {
        const value *k = &body->keys[i];
        if (strcmp(k->text, "type") == 0)
            key_into(&n->type_comment, k, &body->items[i]);
        else if (strcmp(k->text, "description") == 0)
            key_into(&n->description_comment, k, &body->items[i]);
        else if (strcmp(k->text, "inputs") == 0)
            key_into(&n->inputs_comment, k, &body->items[i]);
        /* else a setting: load.c copied it with its comments */
    }
}

/* A node id load.c did not make a node of (an id used twice) is an error
 * fmt will not write past; its comments go with its section's. */
static void section_comments(pipeline *p, node_kind kind, const value *key, const value *section,
                             id_index *ix, bool *have_ix)
{
    lines orphans = {{0}, false};
    lines_add(&orphans, key->comment);
    for (size_t i = 0; section->kind == VALUE_MAP && i < section->n; i++) {
        const value *k = &section->keys[i], *body = &section->items[i];
        if (!*have_ix) {
            id_index_build(ix, p);
            *have_ix = true;
        }
        ptrdiff_t idx = id_index_get(ix, k->text);
        node *n = idx >= 0 ? &p->nodes[idx] : NULL;
        if (n && n->kind == kind && n->pos.line == k->pos.line && n->pos.col == k->pos.col) {
            node_comments(n, k, body);
        } else {
            lines_add(&orphans, k->comment);
            lines_gather(&orphans, body);
        }
    }
    if (section->kind != VALUE_MAP)
        lines_gather(&orphans, section);
    lines_into(&orphans, &p->section_comment[kind]);
}

bool comments_to_pipeline(pipeline *p, const value *root)
{
    static const char *const meta_keys[META_KEY_COUNT] = {"name", "version", "owner", "description",
                                                          "tags"};
    id_index ix;
    bool have_ix = false;
    lines tail = {{0}, false};
    for (size_t i = 0; root->kind == VALUE_MAP && i < root->n; i++) {
        const value *k = &root->keys[i], *v = &root->items[i];
        if (strcmp(k->text, "weir") == 0) {
            key_into(&p->head_comment, k, v);
        } else if (strcmp(k->text, "pipeline") == 0) {
            lines unknown = {{0}, false};
            lines_add(&unknown, k->comment);
            for (size_t j = 0; v->kind == VALUE_MAP && j < v->n; j++) {
                int m = 0;
                while (m < META_KEY_COUNT && strcmp(v->keys[j].text, meta_keys[m]) != 0)
                    m++;
                if (m < META_KEY_COUNT) {
                    key_into(&p->meta_comment[m], &v->keys[j], &v->items[j]);
                } else { /* an unknown key: an error; kept above pipeline: */
                    lines_add(&unknown, v->keys[j].comment);
                    lines_gather(&unknown, &v->items[j]);
                }
            }
            if (v->kind != VALUE_MAP)
                lines_gather(&unknown, v);
            lines_into(&unknown, &p->pipeline_comment);
        } else {
            int kind = 0;
            while (kind < NODE_KIND_COUNT &&
                   strcmp(k->text, node_kind_section((node_kind)kind)) != 0)
                kind++;
            if (kind < NODE_KIND_COUNT) {
                section_comments(p, (node_kind)kind, k, v, &ix, &have_ix);
            } else { /* an unknown key: an error; kept at the end */
                lines_add(&tail, k->comment);
                lines_gather(&tail, v);
            }
        }
    }
    if (root->kind != VALUE_MAP) /* an error; the comments stay, at the end */
        lines_gather(&tail, root);
    lines_add(&tail, root->comment);
    lines_into(&tail, &p->tail_comment);
    if (have_ix)
        id_index_free(&ix);
    /* Every line the file had, and no other (the model started empty). */
    return pipeline_comment_lines(p, false) == value_comment_lines(root);
}

bool comments_to_layout(pipeline *p, const value *root)
{
    id_index ix;
    bool have_ix = false;
    /* The text replaces whatever layout the model had, comments included. */
    free(p->layout_head_comment);
    free(p->layout_positions_comment);
    free(p->layout_tail_comment);
    p->layout_head_comment = p->layout_positions_comment = p->layout_tail_comment = NULL;
    for (size_t i = 0; i < p->n_nodes; i++) {
        free(p->nodes[i].layout_comment);
        p->nodes[i].layout_comment = NULL;
    }
    lines positions = {{0}, false}, tail = {{0}, false};
    for (size_t i = 0; root->kind == VALUE_MAP && i < root->n; i++) {
        const value *k = &root->keys[i], *v = &root->items[i];
        if (strcmp(k->text, "weir") == 0) {
            key_into(&p->layout_head_comment, k, v);
            continue;
        }
        if (strcmp(k->text, "positions") != 0 || v->kind != VALUE_MAP) {
            lines *to = strcmp(k->text, "positions") == 0 ? &positions : &tail;
            lines_add(to, k->comment);
            lines_gather(to, v);
            continue;
        }
        lines_add(&positions, k->comment);
        for (size_t j = 0; j < v->n; j++) {
            if (!have_ix) {
                id_index_build(&ix, p);
                have_ix = true;
            }
            ptrdiff_t idx = id_index_get(&ix, v->keys[j].text);
            if (idx >= 0 && !p->nodes[idx].layout_comment) {
                /* x and y's comments go above the id */
                key_into(&p->nodes[idx].layout_comment, &v->keys[j], &v->items[j]);
            } else {
                /* A position for no node is dropped on save (and a second
                 * one for a node is an error): its comments stay, above
                 * positions:. */
                lines_add(&positions, v->keys[j].comment);
                lines_gather(&positions, &v->items[j]);
            }
        }
    }
    lines_into(&positions, &p->layout_positions_comment);
    if (root->kind != VALUE_MAP)
        lines_gather(&tail, root);
    lines_add(&tail, root->comment);
    lines_into(&tail, &p->layout_tail_comment);
    if (have_ix)
        id_index_free(&ix);
    return pipeline_comment_lines(p, true) == value_comment_lines(root);
}

size_t pipeline_comment_lines(const pipeline *p, bool layout)
{
    size_t n = 0;
    if (layout) {
        n = comment_lines(p->layout_head_comment) + comment_lines(p->layout_positions_comment) +
            comment_lines(p->layout_tail_comment);
        for (size_t i = 0; i < p->n_nodes; i++)
            n += comment_lines(p->nodes[i].layout_comment);
        return n;
    }
    n = comment_lines(p->head_comment) + comment_lines(p->pipeline_comment) +
        comment_lines(p->tail_comment);
    for (int i = 0; i < META_KEY_COUNT; i++)
        n += comment_lines(p->meta_comment[i]);
    for (int i = 0; i < NODE_KIND_COUNT; i++)
        n += comment_lines(p->section_comment[i]);
    for (size_t i = 0; i < p->n_nodes; i++) {
        const node *nd = &p->nodes[i];
        n += comment_lines(nd->comment) + comment_lines(nd->type_comment) +
             comment_lines(nd->description_comment) + comment_lines(nd->inputs_comment) +
             value_comment_lines(&nd->settings);
    }
    return n;
}
