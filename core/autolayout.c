#include "autolayout.h"

#include <stdlib.h>
#include <string.h>

#include "idindex.h"
#include "util.h"

/* Longest-path layering over the input edges, ignoring edges that would
 * close a cycle (validation reports those). */
int *autolayout_layers(const pipeline *p, int *n_layers)
{
    size_t n = p->n_nodes;
    int *layer = xcalloc(n ? n : 1, sizeof(int));
    id_index ix;
    id_index_build(&ix, p);
    /* Relax up to n times: enough for any acyclic graph, bounded with cycles. */
    bool changed = true;
    for (size_t round = 0; changed && round <= n; round++) {
        changed = false;
        for (size_t i = 0; i < n; i++) {
            const node *nd = &p->nodes[i];
            for (size_t k = 0; k < nd->n_inputs; k++) {
                ptrdiff_t up = id_index_get(&ix, nd->inputs[k]);
                if (up < 0 || (size_t)up == i)
                    continue;
                if (layer[up] + 1 > layer[i] && layer[up] + 1 <= (int)n) {
                    layer[i] = layer[up] + 1;
                    changed = true;
                }
            }
        }
    }
    int max = 0;
    for (size_t i = 0; i < n; i++) {
        if (p->nodes[i].kind == NODE_SOURCE)
            layer[i] = 0;
        if (layer[i] > max)
            max = layer[i];
    }
    /* Sinks go to the right edge, where readers look for the outputs. */
    bool any_other = false;
    for (size_t i = 0; i < n; i++)
        if (p->nodes[i].kind != NODE_SINK && layer[i] == max)
            any_other = true;
    int sink_layer = any_other || max == 0 ? max + 1 : max;
    bool any_sink = false;
    for (size_t i = 0; i < n; i++)
        if (p->nodes[i].kind == NODE_SINK) {
            layer[i] = sink_layer;
            any_sink = true;
        }
    if (any_sink && sink_layer > max)
        max = sink_layer;
    id_index_free(&ix);
    if (n_layers)
        *n_layers = n ? max + 1 : 0;
    return layer;
}

typedef struct lnode {
    size_t idx;
    double key;
} lnode;

static int by_key(const void *a, const void *b)
{
    const lnode *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return x->idx < y->idx ? -1 : x->idx > y->idx;
}

void autolayout_run(pipeline *p, const autolayout_opts *o)
{
    size_t n = p->n_nodes;
    if (n == 0)
        return;
    int n_layers;
    int *layer = autolayout_layers(p, &n_layers);
    id_index ix;
    id_index_build(&ix, p);
    /* Edge lists both ways, as index arrays. */
    size_t n_edges = 0;
    for (size_t i = 0; i < n; i++)
        n_edges += p->nodes[i].n_inputs;
    size_t *eu = xmalloc((n_edges + 1) * sizeof(size_t)),
           *ev = xmalloc((n_edges + 1) * sizeof(size_t));
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < p->nodes[i].n_inputs; k++) {
            ptrdiff_t up = id_index_get(&ix, p->nodes[i].inputs[k]);
            if (up >= 0 && (size_t)up != i) {
                eu[m] = (size_t)up;
                ev[m] = i;
                m++;
            }
        }
    /* pos[i]: rank of node i within its layer. */
    double *pos = xmalloc(n * sizeof(double));
    size_t *count = xcalloc((size_t)n_layers, sizeof(size_t));
    for (size_t i = 0; i < n; i++)
        pos[i] = (double)count[layer[i]]++;
    double *sum = xmalloc(n * sizeof(double));
    int *deg = xmalloc(n * sizeof(int));
    lnode *buf = xmalloc(n * sizeof(lnode));
    for (int sweep = 0; sweep < 8; sweep++) {
        bool down = sweep % 2 == 0;
        for (size_t i = 0; i < n; i++) {
            sum[i] = 0;
            deg[i] = 0;
        }
        for (size_t e = 0; e < m; e++) {
            size_t a = down ? ev[e] : eu[e], b = down ? eu[e] : ev[e];
            sum[a] += pos[b];
            deg[a]++;
        }
        for (int l = 0; l < n_layers; l++) {
            size_t k = 0;
            for (size_t i = 0; i < n; i++)
                if (layer[i] == l)
                    buf[k++] = (lnode){i, deg[i] ? sum[i] / deg[i] : pos[i]};
            qsort(buf, k, sizeof(lnode), by_key);
            for (size_t j = 0; j < k; j++)
                pos[buf[j].idx] = (double)j;
        }
    }
    /* x per layer from the widest box in each layer before it. */
    int *lx = xcalloc((size_t)n_layers + 1, sizeof(int));
    int *lw = xcalloc((size_t)n_layers, sizeof(int));
    for (size_t i = 0; i < n; i++)
        if (o->w[i] > lw[layer[i]])
            lw[layer[i]] = o->w[i];
    /* A layer fed by many edges gets a wider gap before it, so their
     * vertical runs have columns of their own. */
    int *feed = xcalloc((size_t)n_layers + 1, sizeof(int));
    for (size_t e = 0; e < m; e++)
        feed[layer[ev[e]]]++;
    lx[0] = 1;
    for (int l = 0; l < n_layers; l++) {
        int extra = l + 1 < n_layers ? feed[l + 1] / 4 : 0;
        lx[l + 1] = lx[l] + lw[l] + o->gap_x + (extra > 40 ? 40 : extra);
    }
    free(feed);
    /* y: in rank order, as near the inputs' centre as the boxes above allow,
     * so chains come out as straight lines. */
    double *cy = xmalloc(n * sizeof(double));
    unsigned char *placed = xcalloc(n, 1);
    for (int l = 0; l < n_layers; l++) {
        size_t k = 0;
        for (size_t i = 0; i < n; i++)
            if (layer[i] == l)
                buf[k++] = (lnode){i, pos[i]};
        qsort(buf, k, sizeof(lnode), by_key);
        int next_free = 1;
        for (size_t j = 0; j < k; j++) {
            size_t i = buf[j].idx;
            node *nd = &p->nodes[i];
            double s = 0;
            int d = 0;
            for (size_t e = 0; e < m; e++)
                if (ev[e] == i && layer[eu[e]] < l) {
                    s += cy[eu[e]];
                    d++;
                }
            int want = d ? (int)(s / d - o->h[i] / 2.0 + 0.5) : next_free;
            int y = want > next_free ? want : next_free;
            if (!(o->only_missing && nd->has_xy)) {
                placed[i] = 1;
                nd->x = lx[l];
                nd->y = y;
                nd->has_xy = true;
            }
            cy[i] = nd->y + o->h[i] / 2.0;
            next_free = y + o->h[i] + o->gap_y;
        }
    }
    if (o->only_missing) {
        /* Nodes just placed must not sit on ones already there: push them down
         * below whatever they overlap, until nothing does. */
        bool moved = true;
        for (int guard = 0; moved && guard < 200; guard++) {
            moved = false;
            for (size_t i = 0; i < n; i++) {
                if (!placed[i])
                    continue;
                node *a = &p->nodes[i];
                for (size_t j = 0; j < n; j++) {
                    node *b = &p->nodes[j];
                    if (i == j || (placed[j] && j > i))
                        continue;
                    bool overlap = a->x < b->x + o->w[j] + 1 && b->x < a->x + o->w[i] + 1 &&
                                   a->y < b->y + o->h[j] + o->gap_y &&
                                   b->y < a->y + o->h[i] + o->gap_y;
                    if (overlap) {
                        a->y = b->y + o->h[j] + o->gap_y;
                        moved = true;
                    }
                }
            }
        }
    }
    free(placed);
    free(cy);
    free(lx);
    free(lw);
    free(buf);
    free(deg);
    free(sum);
    free(count);
    free(pos);
    free(eu);
    free(ev);
    free(layer);
    id_index_free(&ix);
}
