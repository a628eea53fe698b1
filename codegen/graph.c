#include "graph.h"

#include <stdlib.h>
#include <string.h>

#include "idindex.h"
#include "util.h"

/* What every format needs: canonical order, resolved edges, layers. */
typedef struct topo {
    const pipeline *p;
    const node **sorted; /* canonical order */
    size_t *rank;        /* p->nodes index -> position in sorted */
    ptrdiff_t **up;      /* p->nodes index -> per input: upstream index, or -1 */
    int *layer;          /* p->nodes index -> longest path from a source; -1 on a cycle */
    char **missing;      /* inputs that name no node, sorted, unique */
    size_t n_missing, n_edges;
} topo;

static int compare_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Longest-path layers by Kahn's algorithm over resolved edges; nodes on or
 * downstream of a cycle never reach in-degree zero and keep layer -1. */
static void compute_layers(topo *t)
{
    size_t n = t->p->n_nodes;
    size_t *indeg = xcalloc(n + 1, sizeof(size_t));
    size_t *start = xcalloc(n + 1, sizeof(size_t)); /* out-edges, CSR */
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < t->p->nodes[i].n_inputs; k++)
            if (t->up[i][k] >= 0) {
                indeg[i]++;
                start[t->up[i][k]]++;
            }
    size_t total = 0;
    for (size_t i = 0; i < n; i++) {
        size_t c = start[i];
        start[i] = total;
        total += c;
    }
    start[n] = total;
    size_t *fill = xmalloc((n + 1) * sizeof(size_t));
    memcpy(fill, start, (n + 1) * sizeof(size_t));
    size_t *down = xmalloc((total + 1) * sizeof(size_t));
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < t->p->nodes[i].n_inputs; k++)
            if (t->up[i][k] >= 0)
                down[fill[t->up[i][k]]++] = i;
    size_t *queue = xmalloc((n + 1) * sizeof(size_t));
    size_t head = 0, tail = 0;
    for (size_t i = 0; i < n; i++) {
        t->layer[i] = -1;
        if (indeg[i] == 0) {
            t->layer[i] = 0;
            queue[tail++] = i;
        }
    }
    while (head < tail) {
        size_t j = queue[head++];
        for (size_t e = start[j]; e < start[j + 1]; e++) {
            size_t i = down[e];
            if (t->layer[i] < t->layer[j] + 1)
                t->layer[i] = t->layer[j] + 1;
            if (--indeg[i] == 0)
                queue[tail++] = i;
        }
    }
    /* Nodes never dequeued still carry a partial layer: reset them. */
    for (size_t i = 0; i < n; i++)
        if (indeg[i] != 0)
            t->layer[i] = -1;
    free(indeg);
    free(start);
    free(fill);
    free(down);
    free(queue);
}

static void topo_build(topo *t, const pipeline *p)
{
    memset(t, 0, sizeof(*t));
    t->p = p;
    size_t n = p->n_nodes;
    t->sorted = pipeline_sorted_nodes(p);
    t->rank = xmalloc((n + 1) * sizeof(size_t));
    for (size_t r = 0; r < n; r++)
        t->rank[t->sorted[r] - p->nodes] = r;
    id_index ix;
    id_index_build(&ix, p);
    t->up = xcalloc(n + 1, sizeof(ptrdiff_t *));
    size_t n_missing = 0;
    for (size_t i = 0; i < n; i++) {
        const node *nd = &p->nodes[i];
        t->up[i] = xmalloc((nd->n_inputs + 1) * sizeof(ptrdiff_t));
        for (size_t k = 0; k < nd->n_inputs; k++) {
            t->up[i][k] = id_index_get(&ix, nd->inputs[k]);
            if (t->up[i][k] < 0) {
                t->missing = xrealloc(t->missing, (n_missing + 1) * sizeof(char *));
                t->missing[n_missing++] = nd->inputs[k];
            } else {
                t->n_edges++;
            }
        }
    }
    id_index_free(&ix);
    if (n_missing)
        qsort(t->missing, n_missing, sizeof(char *), compare_str);
    for (size_t i = 0; i < n_missing; i++)
        if (t->n_missing == 0 || strcmp(t->missing[t->n_missing - 1], t->missing[i]) != 0)
            t->missing[t->n_missing++] = t->missing[i];
    t->layer = xmalloc((n + 1) * sizeof(int));
    compute_layers(t);
}

static void topo_free(topo *t)
{
    for (size_t i = 0; i < t->p->n_nodes; i++)
        free(t->up[i]);
    free(t->up);
    free(t->sorted);
    free(t->rank);
    free(t->layer);
    free(t->missing);
}

static size_t missing_index(const topo *t, const char *id)
{
    char *const *hit = bsearch(&id, t->missing, t->n_missing, sizeof(char *), compare_str);
    return hit ? (size_t)(hit - t->missing) : 0;
}

static const char *type_name(const node *n)
{
    return *n->type ? n->type : "?";
}

/* ---- dot ------------------------------------------------------------- */

/* Inside a DOT quoted string: escape quote and backslash; a newline in a
 * label becomes \n; other control characters become '?'. */
static void dot_string(strbuf *sb, const char *s)
{
    strbuf_putc(sb, '"');
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            strbuf_putc(sb, '\\');
            strbuf_putc(sb, (char)c);
        } else if (c == '\n') {
            strbuf_puts(sb, "\\n");
        } else if (c < 0x20 || c == 0x7f) {
            strbuf_putc(sb, '?');
        } else {
            strbuf_putc(sb, (char)c);
        }
    }
    strbuf_putc(sb, '"');
}

static const char *const dot_shape[] = {
    "shape=cylinder",           /* source */
    "shape=box, style=rounded", /* transform */
    "shape=invhouse",           /* sink */
};

static void render_dot(strbuf *sb, const topo *t)
{
    const pipeline *p = t->p;
    strbuf_puts(sb, "digraph ");
    dot_string(sb, p->name ? p->name : "pipeline");
    strbuf_puts(sb, " {\n  rankdir=LR;\n  node [fontname=\"Helvetica\", fontsize=11];\n");
    for (size_t r = 0; r < p->n_nodes; r++) {
        const node *n = t->sorted[r];
        char *label = xasprintf("%s\n%s %s", n->id, type_name(n), node_kind_name(n->kind));
        strbuf_puts(sb, "  ");
        dot_string(sb, n->id);
        strbuf_printf(sb, " [%s, label=", dot_shape[n->kind]);
        dot_string(sb, label);
        strbuf_puts(sb, "];\n");
        free(label);
    }
    for (size_t m = 0; m < t->n_missing; m++) {
        char *label = xasprintf("%s\n(missing)", t->missing[m]);
        strbuf_puts(sb, "  ");
        dot_string(sb, t->missing[m]);
        strbuf_puts(sb, " [shape=box, style=dashed, label=");
        dot_string(sb, label);
        strbuf_puts(sb, "];\n");
        free(label);
    }
    /* Sources leftmost, sinks rightmost. */
    for (int kind = NODE_SOURCE; kind <= NODE_SINK; kind += NODE_SINK) {
        bool any = false;
        for (size_t r = 0; r < p->n_nodes; r++) {
            if (t->sorted[r]->kind != (node_kind)kind)
                continue;
            strbuf_puts(sb, any ? " " : kind == NODE_SOURCE ? "  { rank=min; " : "  { rank=max; ");
            dot_string(sb, t->sorted[r]->id);
            strbuf_putc(sb, ';');
            any = true;
        }
        if (any)
            strbuf_puts(sb, " }\n");
    }
    for (size_t r = 0; r < p->n_nodes; r++) {
        const node *n = t->sorted[r];
        for (size_t k = 0; k < n->n_inputs; k++) {
            strbuf_puts(sb, "  ");
            dot_string(sb, n->inputs[k]);
            strbuf_puts(sb, " -> ");
            dot_string(sb, n->id);
            strbuf_puts(sb, t->up[n - p->nodes][k] < 0 ? " [style=dashed];\n" : ";\n");
        }
    }
    strbuf_puts(sb, "}\n");
}

/* ---- mermaid ----------------------------------------------------------- */

/* Mermaid node ids are generated (n0, n1, ... in canonical order; m0, ...
 * for missing inputs) because a weir id may be a Mermaid keyword (style,
 * class, click, ...).  Labels use Mermaid's entity codes for characters
 * that would end or reinterpret a quoted label. */
static void mermaid_label(strbuf *sb, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        switch (c) {
        case '"':
            strbuf_puts(sb, "#quot;");
            break;
        case '#':
            strbuf_puts(sb, "#35;");
            break;
        case '<':
            strbuf_puts(sb, "#lt;");
            break;
        case '>':
            strbuf_puts(sb, "#gt;");
            break;
        case '&':
            strbuf_puts(sb, "#amp;");
            break;
        case '`':
            strbuf_puts(sb, "#96;");
            break;
        default:
            strbuf_putc(sb, c < 0x20 || c == 0x7f ? ' ' : (char)c);
        }
    }
}

static void render_mermaid(strbuf *sb, const topo *t)
{
    static const char *const open[] = {"[(\"", "[\"", "[/\""};
    static const char *const close[] = {"\")]", "\"]", "\"/]"};
    const pipeline *p = t->p;
    strbuf_puts(sb, "flowchart LR\n");
    for (size_t r = 0; r < p->n_nodes; r++) {
        const node *n = t->sorted[r];
        strbuf_printf(sb, "  n%zu%s", r, open[n->kind]);
        mermaid_label(sb, n->id);
        strbuf_puts(sb, "<br/>");
        mermaid_label(sb, type_name(n));
        strbuf_printf(sb, " %s%s\n", node_kind_name(n->kind), close[n->kind]);
    }
    for (size_t m = 0; m < t->n_missing; m++) {
        strbuf_printf(sb, "  m%zu[\"", m);
        mermaid_label(sb, t->missing[m]);
        strbuf_puts(sb, "<br/>(missing)\"]\n");
    }
    for (size_t r = 0; r < p->n_nodes; r++) {
        const node *n = t->sorted[r];
        for (size_t k = 0; k < n->n_inputs; k++) {
            ptrdiff_t up = t->up[n - p->nodes][k];
            if (up < 0)
                strbuf_printf(sb, "  m%zu -.-> n%zu\n", missing_index(t, n->inputs[k]), r);
            else
                strbuf_printf(sb, "  n%zu --> n%zu\n", t->rank[up], r);
        }
    }
}

/* ---- ascii --------------------------------------------------------------- */

/* Screen width of UTF-8 text, counting one column per code point (ids are
 * ASCII in a valid pipeline; this keeps others roughly aligned). */
static size_t text_width(const char *s)
{
    size_t w = 0;
    for (; *s; s++)
        w += ((unsigned char)*s & 0xC0) != 0x80;
    return w;
}

/* Append text with control characters shown as '?'; returns its width. */
static size_t put_text(strbuf *sb, const char *s)
{
    for (const char *c = s; *c; c++)
        strbuf_putc(sb, (unsigned char)*c < 0x20 || *c == 0x7f ? '?' : *c);
    return text_width(s);
}

static void put_spaces(strbuf *sb, size_t n)
{
    while (n--)
        strbuf_putc(sb, ' ');
}

enum { ASCII_WRAP_INDENT = 8 };

typedef struct layered {
    int layer; /* -1 (on a cycle) sorts last */
    size_t rank;
    const node *n;
} layered;

static int compare_layered(const void *a, const void *b)
{
    const layered *la = a, *lb = b;
    if (la->layer != lb->layer)
        return la->layer < 0 ? 1 : lb->layer < 0 ? -1 : (la->layer < lb->layer ? -1 : 1);
    return la->rank < lb->rank ? -1 : la->rank > lb->rank;
}

static void render_ascii(strbuf *sb, const topo *t)
{
    const pipeline *p = t->p;
    size_t n = p->n_nodes;
    strbuf_puts(sb, "pipeline ");
    put_text(sb, p->name ? p->name : "(unnamed)");
    strbuf_printf(sb, " v%lld: %zu node%s, %zu edge%s", p->version, n, n == 1 ? "" : "s",
                  t->n_edges, t->n_edges == 1 ? "" : "s");
    if (t->n_missing)
        strbuf_printf(sb, ", %zu missing input%s", t->n_missing, t->n_missing == 1 ? "" : "s");
    strbuf_putc(sb, '\n');

    layered *order = xmalloc((n + 1) * sizeof(*order));
    for (size_t r = 0; r < n; r++) {
        size_t idx = (size_t)(t->sorted[r] - p->nodes);
        order[r] = (layered){t->layer[idx], r, t->sorted[r]};
    }
    qsort(order, n, sizeof(*order), compare_layered);

    /* Column widths, capped so that a long id does not push every line
     * past the screen; a longer id simply overflows its own line. */
    size_t w_id = 2, w_type = 1;
    for (size_t i = 0; i < n; i++) {
        size_t wi = text_width(order[i].n->id), wt = text_width(type_name(order[i].n));
        w_id = wi > w_id ? wi : w_id;
        w_type = wt > w_type ? wt : w_type;
    }
    w_id = w_id > 24 ? 24 : w_id;
    w_type = w_type > 10 ? 10 : w_type;

    int last_layer = -2;
    for (size_t i = 0; i < n; i++) {
        const node *nd = order[i].n;
        size_t idx = (size_t)(nd - p->nodes);
        int layer = t->layer[idx];
        if (layer != last_layer) {
            if (layer < 0)
                strbuf_puts(sb, "\nnot layered (on or after a cycle)\n");
            else
                strbuf_printf(sb, "\nlayer %d\n", layer + 1);
            last_layer = layer;
        }
        /* "  transform  enrich  sql     <- orders, customers" */
        strbuf_puts(sb, "  ");
        size_t col = 2;
        const char *kind = node_kind_name(nd->kind);
        strbuf_puts(sb, kind);
        put_spaces(sb, 9 - strlen(kind) + 2);
        col += 11;
        size_t w = put_text(sb, nd->id);
        col += w;
        if (nd->n_inputs == 0) {
            strbuf_putc(sb, ' ');
            put_spaces(sb, w < w_id ? w_id - w + 1 : 1);
            put_text(sb, type_name(nd));
            strbuf_putc(sb, '\n');
            continue;
        }
        put_spaces(sb, w < w_id ? w_id - w + 2 : 2);
        col += w < w_id ? w_id - w + 2 : 2;
        w = put_text(sb, type_name(nd));
        col += w;
        size_t gap = w < w_type ? w_type - w + 2 : 2;
        /* When even the first input does not fit (a long id), the inputs
         * go on the next line, indented. */
        size_t first = text_width(nd->inputs[0]) + (t->up[idx][0] < 0 ? 10 : 0) + 1;
        if (col + gap + 3 + first > GRAPH_ASCII_WIDTH) {
            strbuf_putc(sb, '\n');
            put_spaces(sb, ASCII_WRAP_INDENT);
            col = ASCII_WRAP_INDENT;
        } else {
            put_spaces(sb, gap);
            col += gap;
        }
        strbuf_puts(sb, "<- ");
        col += 3;
        /* Wrap the inputs under the first one, or at a fixed indent when
         * the first one starts too far right. */
        size_t wrap = col <= GRAPH_ASCII_WIDTH / 2 ? col : ASCII_WRAP_INDENT + 3;
        for (size_t k = 0; k < nd->n_inputs; k++) {
            bool missing = t->up[idx][k] < 0;
            size_t tw =
                text_width(nd->inputs[k]) + (missing ? 10 : 0) + (k + 1 < nd->n_inputs ? 1 : 0);
            if (k > 0 && col + 1 + tw > GRAPH_ASCII_WIDTH) {
                strbuf_putc(sb, '\n');
                put_spaces(sb, wrap);
                col = wrap;
            } else if (k > 0) {
                strbuf_putc(sb, ' ');
                col++;
            }
            put_text(sb, nd->inputs[k]);
            if (missing)
                strbuf_puts(sb, " (missing)");
            if (k + 1 < nd->n_inputs)
                strbuf_putc(sb, ',');
            col += tw;
        }
        strbuf_putc(sb, '\n');
    }
    free(order);
}

bool graph_format_parse(const char *name, graph_format *out)
{
    static const struct {
        const char *name;
        graph_format format;
    } names[] = {{"ascii", GRAPH_ASCII}, {"dot", GRAPH_DOT}, {"mermaid", GRAPH_MERMAID}};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (strcmp(name, names[i].name) == 0) {
            *out = names[i].format;
            return true;
        }
    }
    return false;
}

char *graph_render(const pipeline *p, graph_format format)
{
    topo t;
    topo_build(&t, p);
    strbuf sb;
    strbuf_init(&sb);
    switch (format) {
    case GRAPH_DOT:
        render_dot(&sb, &t);
        break;
    case GRAPH_MERMAID:
        render_mermaid(&sb, &t);
        break;
    case GRAPH_ASCII:
        render_ascii(&sb, &t);
        break;
    }
    topo_free(&t);
    return strbuf_detach(&sb);
}
