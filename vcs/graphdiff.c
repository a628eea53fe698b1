/* graphdiff: see graphdiff.h. */
#include "graphdiff.h"

#include <stdlib.h>
#include <string.h>

#include "idindex.h"

static char *dup_or_null(const char *s)
{
    return s ? xstrdup(s) : NULL;
}

static bool str_eq(const char *a, const char *b)
{
    if (!a || !b)
        return a == b;
    return strcmp(a, b) == 0;
}

static void value_text(strbuf *sb, const value *v)
{
    switch (v->kind) {
    case VALUE_SCALAR:
        if (!v->text || !*v->text)
            strbuf_puts(sb, "''");
        else
            strbuf_add(sb, v->text, v->len);
        break;
    case VALUE_LIST:
        strbuf_putc(sb, '[');
        for (size_t i = 0; i < v->n; i++) {
            if (i)
                strbuf_puts(sb, ", ");
            value_text(sb, &v->items[i]);
        }
        strbuf_putc(sb, ']');
        break;
    case VALUE_MAP:
        strbuf_putc(sb, '{');
        for (size_t i = 0; i < v->n; i++) {
            if (i)
                strbuf_puts(sb, ", ");
            value_text(sb, &v->keys[i]);
            strbuf_puts(sb, ": ");
            value_text(sb, &v->items[i]);
        }
        strbuf_putc(sb, '}');
        break;
    }
}

char *graph_diff_value_text(const value *v)
{
    strbuf sb;
    strbuf_init(&sb);
    value_text(&sb, v);
    return strbuf_detach(&sb);
}

static char *list_text(char *const *items, size_t n)
{
    strbuf sb;
    strbuf_init(&sb);
    strbuf_putc(&sb, '[');
    for (size_t i = 0; i < n; i++) {
        if (i)
            strbuf_puts(&sb, ", ");
        strbuf_puts(&sb, items[i]);
    }
    strbuf_putc(&sb, ']');
    return strbuf_detach(&sb);
}

typedef struct fields {
    gd_field *items;
    size_t n, cap;
} fields;

static void field_add(fields *f, const char *key, char *old_text, char *new_text)
{
    if (f->n == f->cap) {
        f->cap = f->cap ? f->cap * 2 : 4;
        f->items = xrealloc(f->items, f->cap * sizeof(*f->items));
    }
    f->items[f->n++] = (gd_field){xstrdup(key), old_text, new_text};
}

static void meta_str(fields *f, const char *key, const char *a, const char *b)
{
    if (!str_eq(a, b))
        field_add(f, key, dup_or_null(a), dup_or_null(b));
}

static void diff_meta(const pipeline *a, const pipeline *b, fields *f)
{
    meta_str(f, "name", a->name, b->name);
    if (a->version != b->version)
        field_add(f, "version", xasprintf("%lld", a->version), xasprintf("%lld", b->version));
    meta_str(f, "owner", a->owner, b->owner);
    meta_str(f, "description", a->description, b->description);
    bool same = a->n_tags == b->n_tags;
    for (size_t i = 0; same && i < a->n_tags; i++)
        same = strcmp(a->tags[i], b->tags[i]) == 0;
    if (!same)
        field_add(f, "tags", list_text(a->tags, a->n_tags), list_text(b->tags, b->n_tags));
}

static int field_cmp(const void *x, const void *y)
{
    return strcmp(((const gd_field *)x)->key, ((const gd_field *)y)->key);
}

static void diff_settings(const node *a, const node *b, fields *f)
{
    for (size_t i = 0; i < a->settings.n; i++) {
        const char *key = a->settings.keys[i].text;
        const value *va = &a->settings.items[i];
        const value *vb = value_map_get(&b->settings, key);
        if (!vb)
            field_add(f, key, graph_diff_value_text(va), NULL);
        else if (!value_equal(va, vb))
            field_add(f, key, graph_diff_value_text(va), graph_diff_value_text(vb));
    }
    for (size_t i = 0; i < b->settings.n; i++) {
        const char *key = b->settings.keys[i].text;
        if (!value_map_get(&a->settings, key))
            field_add(f, key, NULL, graph_diff_value_text(&b->settings.items[i]));
    }
    if (f->n > 1)
        qsort(f->items, f->n, sizeof(*f->items), field_cmp);
}

static bool inputs_equal(const node *a, const node *b)
{
    if (a->n_inputs != b->n_inputs)
        return false;
    for (size_t i = 0; i < a->n_inputs; i++)
        if (strcmp(a->inputs[i], b->inputs[i]) != 0)
            return false;
    return true;
}

typedef struct nodes_out {
    gd_node *items;
    size_t n, cap;
} nodes_out;

static gd_node *node_push(nodes_out *o, const node *n, gd_change change)
{
    if (o->n == o->cap) {
        o->cap = o->cap ? o->cap * 2 : 8;
        o->items = xrealloc(o->items, o->cap * sizeof(*o->items));
    }
    gd_node *g = &o->items[o->n++];
    memset(g, 0, sizeof(*g));
    g->id = xstrdup(n->id);
    g->change = change;
    g->kind = n->kind;
    g->type = xstrdup(n->type ? n->type : "");
    return g;
}

static void diff_node(const node *a, const node *b, nodes_out *o, graph_diff *d)
{
    fields f = {0};
    diff_settings(a, b, &f);
    bool type_changed = a->kind != b->kind || !str_eq(a->type, b->type);
    bool desc_changed = !str_eq(a->description, b->description);
    bool inputs_changed = !inputs_equal(a, b);
    /* A node that only gained (or lost) a stored position was not moved by anyone. */
    bool moved = a->has_xy && b->has_xy && (a->x != b->x || a->y != b->y);
    if (!f.n && !type_changed && !desc_changed && !inputs_changed && !moved)
        return;
    gd_node *g = node_push(o, b, GD_CHANGED);
    g->settings = f.items;
    g->n_settings = f.n;
    if (type_changed) {
        g->old_type = xstrdup(a->type ? a->type : "");
        g->old_kind = a->kind;
    } else {
        g->old_kind = b->kind;
    }
    g->description_changed = desc_changed;
    if (inputs_changed) {
        g->inputs_changed = true;
        g->old_inputs = list_text(a->inputs, a->n_inputs);
        g->new_inputs = list_text(b->inputs, b->n_inputs);
    }
    g->moved = moved;
    if (f.n || type_changed || desc_changed || inputs_changed)
        d->n_changed++;
    else
        d->n_moved++;
}

static int gd_node_cmp(const void *x, const void *y)
{
    return strcmp(((const gd_node *)x)->id, ((const gd_node *)y)->id);
}

typedef struct edge_ref {
    const char *from, *to;
} edge_ref;

static int edge_cmp(const void *x, const void *y)
{
    const edge_ref *a = x, *b = y;
    int c = strcmp(a->to, b->to);
    return c ? c : strcmp(a->from, b->from);
}

static edge_ref *collect_edges(const pipeline *p, size_t *n)
{
    size_t total = 0;
    for (size_t i = 0; i < p->n_nodes; i++)
        total += p->nodes[i].n_inputs;
    edge_ref *e = xcalloc(total + 1, sizeof(*e));
    *n = 0;
    for (size_t i = 0; i < p->n_nodes; i++)
        for (size_t j = 0; j < p->nodes[i].n_inputs; j++)
            e[(*n)++] = (edge_ref){p->nodes[i].inputs[j], p->nodes[i].id};
    qsort(e, *n, sizeof(*e), edge_cmp);
    /* An input listed twice is one edge. */
    size_t w = 0;
    for (size_t i = 0; i < *n; i++)
        if (!w || edge_cmp(&e[w - 1], &e[i]) != 0)
            e[w++] = e[i];
    *n = w;
    return e;
}

static void diff_edges(const pipeline *a, const pipeline *b, graph_diff *d)
{
    size_t na, nb;
    edge_ref *ea = collect_edges(a, &na), *eb = collect_edges(b, &nb);
    d->edges = xcalloc(na + nb + 1, sizeof(*d->edges));
    size_t i = 0, j = 0;
    while (i < na || j < nb) {
        int c = i == na ? 1 : j == nb ? -1 : edge_cmp(&ea[i], &eb[j]);
        if (c == 0) {
            i++;
            j++;
            continue;
        }
        const edge_ref *e = c < 0 ? &ea[i++] : &eb[j++];
        d->edges[d->n_edges++] =
            (gd_edge){xstrdup(e->from), xstrdup(e->to), c < 0 ? GD_REMOVED : GD_ADDED};
        if (c < 0)
            d->n_edges_removed++;
        else
            d->n_edges_added++;
    }
    free(ea);
    free(eb);
}

void graph_diff_compute(const pipeline *a, const pipeline *b, graph_diff *d)
{
    memset(d, 0, sizeof(*d));
    fields meta = {0};
    diff_meta(a, b, &meta);
    d->meta = meta.items;
    d->n_meta = meta.n;

    id_index ia, ib;
    id_index_build(&ia, a);
    id_index_build(&ib, b);
    nodes_out o = {0};
    for (size_t i = 0; i < a->n_nodes; i++) {
        ptrdiff_t j = id_index_get(&ib, a->nodes[i].id);
        if (j < 0) {
            node_push(&o, &a->nodes[i], GD_REMOVED);
            d->n_removed++;
        } else {
            diff_node(&a->nodes[i], &b->nodes[j], &o, d);
        }
    }
    for (size_t i = 0; i < b->n_nodes; i++)
        if (id_index_get(&ia, b->nodes[i].id) < 0) {
            node_push(&o, &b->nodes[i], GD_ADDED);
            d->n_added++;
        }
    id_index_free(&ia);
    id_index_free(&ib);
    if (o.n > 1)
        qsort(o.items, o.n, sizeof(*o.items), gd_node_cmp);
    d->nodes = o.items;
    d->n_nodes = o.n;
    diff_edges(a, b, d);
}

static void field_free(gd_field *f)
{
    free(f->key);
    free(f->old_text);
    free(f->new_text);
}

void graph_diff_free(graph_diff *d)
{
    for (size_t i = 0; i < d->n_meta; i++)
        field_free(&d->meta[i]);
    free(d->meta);
    for (size_t i = 0; i < d->n_nodes; i++) {
        gd_node *g = &d->nodes[i];
        free(g->id);
        free(g->type);
        free(g->old_type);
        free(g->old_inputs);
        free(g->new_inputs);
        for (size_t j = 0; j < g->n_settings; j++)
            field_free(&g->settings[j]);
        free(g->settings);
    }
    free(d->nodes);
    for (size_t i = 0; i < d->n_edges; i++) {
        free(d->edges[i].from);
        free(d->edges[i].to);
    }
    free(d->edges);
    memset(d, 0, sizeof(*d));
}

const gd_node *graph_diff_node(const graph_diff *d, const char *id)
{
    gd_node key = {0};
    key.id = (char *)id;
    if (!d->n_nodes)
        return NULL;
    return bsearch(&key, d->nodes, d->n_nodes, sizeof(*d->nodes), gd_node_cmp);
}

bool graph_diff_topology_changed(const graph_diff *d)
{
    return d->n_added || d->n_removed || d->n_changed || d->n_edges;
}

bool graph_diff_empty(const graph_diff *d)
{
    return !d->n_meta && !d->n_nodes && !d->n_edges;
}

/* ---- text --------------------------------------------------------------- */

enum { C_ADD, C_DEL, C_CHG, C_DIM, C_OFF };

static void color(strbuf *sb, bool on, int which)
{
    static const char *const codes[] = {"\033[32m", "\033[31m", "\033[33m", "\033[2m", "\033[0m"};
    if (on)
        strbuf_puts(sb, codes[which]);
}

static void plural(strbuf *sb, size_t n, const char *what, bool *first)
{
    if (!n)
        return;
    strbuf_printf(sb, "%s%zu %s", *first ? "" : ", ", n, what);
    *first = false;
}

static void format_field(strbuf *sb, const gd_field *f, bool c, const char *indent)
{
    if (!f->old_text) {
        color(sb, c, C_ADD);
        strbuf_printf(sb, "%s+ %s: %s", indent, f->key, f->new_text);
    } else if (!f->new_text) {
        color(sb, c, C_DEL);
        strbuf_printf(sb, "%s- %s: %s", indent, f->key, f->old_text);
    } else {
        color(sb, c, C_CHG);
        strbuf_printf(sb, "%s~ %s: %s -> %s", indent, f->key, f->old_text, f->new_text);
    }
    color(sb, c, C_OFF);
    strbuf_putc(sb, '\n');
}

void graph_diff_format(const graph_diff *d, strbuf *sb, bool c)
{
    if (graph_diff_empty(d)) {
        strbuf_puts(sb, "no changes to the pipeline's graph\n");
        return;
    }
    if (d->n_meta) {
        strbuf_puts(sb, "pipeline:\n");
        for (size_t i = 0; i < d->n_meta; i++)
            format_field(sb, &d->meta[i], c, "  ");
    }
    if (d->n_nodes) {
        bool first = true;
        strbuf_puts(sb, "nodes: ");
        plural(sb, d->n_added, "added", &first);
        plural(sb, d->n_removed, "removed", &first);
        plural(sb, d->n_changed, "changed", &first);
        plural(sb, d->n_moved, "moved", &first);
        strbuf_putc(sb, '\n');
    }
    for (size_t i = 0; i < d->n_nodes; i++) {
        const gd_node *g = &d->nodes[i];
        bool only_moved = g->change == GD_CHANGED && !g->n_settings && !g->old_type &&
                          !g->description_changed && !g->inputs_changed;
        int col = g->change == GD_ADDED ? C_ADD : g->change == GD_REMOVED ? C_DEL : C_CHG;
        const char *mark = g->change == GD_ADDED ? "+" : g->change == GD_REMOVED ? "-" : "~";
        color(sb, c, only_moved ? C_DIM : col);
        if (only_moved)
            strbuf_printf(sb, "  . %s (%s %s) moved on the canvas", g->id, node_kind_name(g->kind),
                          g->type);
        else
            strbuf_printf(sb, "  %s %s (%s %s)", mark, g->id, node_kind_name(g->kind), g->type);
        color(sb, c, C_OFF);
        strbuf_putc(sb, '\n');
        if (only_moved || g->change != GD_CHANGED)
            continue;
        if (g->old_type) {
            color(sb, c, C_CHG);
            strbuf_printf(sb, "      type: %s %s -> %s %s", node_kind_name(g->old_kind),
                          g->old_type, node_kind_name(g->kind), g->type);
            color(sb, c, C_OFF);
            strbuf_putc(sb, '\n');
        }
        if (g->inputs_changed) {
            color(sb, c, C_CHG);
            strbuf_printf(sb, "      inputs: %s -> %s", g->old_inputs, g->new_inputs);
            color(sb, c, C_OFF);
            strbuf_putc(sb, '\n');
        }
        if (g->description_changed)
            strbuf_puts(sb, "      description changed\n");
        for (size_t j = 0; j < g->n_settings; j++)
            format_field(sb, &g->settings[j], c, "      ");
        if (g->moved)
            strbuf_puts(sb, "      (also moved on the canvas)\n");
    }
    if (d->n_edges) {
        bool first = true;
        strbuf_puts(sb, "edges: ");
        plural(sb, d->n_edges_added, "added", &first);
        plural(sb, d->n_edges_removed, "removed", &first);
        strbuf_putc(sb, '\n');
        for (size_t i = 0; i < d->n_edges; i++) {
            const gd_edge *e = &d->edges[i];
            color(sb, c, e->change == GD_ADDED ? C_ADD : C_DEL);
            strbuf_printf(sb, "  %s %s -> %s", e->change == GD_ADDED ? "+" : "-", e->from, e->to);
            color(sb, c, C_OFF);
            strbuf_putc(sb, '\n');
        }
    }
}
