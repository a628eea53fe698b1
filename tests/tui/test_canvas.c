/* Canvas geometry without a terminal: layered layout, edge routing,
 * hit-testing, directional and topological neighbours, the picture. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "autolayout.h"
#include "canvas.h"
#include "edit.h"
#include "route.h"

static node *add(pipeline *p, const char *id, node_kind k, const char *type, const char *in1,
                 const char *in2)
{
    node *n = pipeline_add_node(p, id, k, type);
    if (in1)
        node_add_input(n, in1);
    if (in2)
        node_add_input(n, in2);
    return n;
}

/* orders, customers -> enrich -> mask -> warehouse; customers -> audit */
static void sample(pipeline *p)
{
    pipeline_init(p);
    add(p, "warehouse", NODE_SINK, "postgres", "mask", NULL);
    add(p, "mask", NODE_TRANSFORM, "lua", "enrich", NULL);
    add(p, "enrich", NODE_TRANSFORM, "sql", "orders", "customers");
    add(p, "orders", NODE_SOURCE, "kafka", NULL, NULL);
    add(p, "customers", NODE_SOURCE, "postgres", NULL, NULL);
    add(p, "audit", NODE_SINK, "stdout", "customers", NULL);
}

static int count_crossings(const pipeline *p)
{
    /* Straight segments between box centres; count proper intersections of
     * edges between the same pair of layers. */
    int *layer = autolayout_layers(p, NULL);
    int crossings = 0;
    for (size_t i = 0; i < p->n_nodes; i++)
        for (size_t a = 0; a < p->nodes[i].n_inputs; a++)
            for (size_t j = 0; j < p->n_nodes; j++)
                for (size_t b = 0; b < p->nodes[j].n_inputs; b++) {
                    if (i >= j && !(i == j && a < b))
                        continue;
                    const node *u1 = pipeline_find(p, p->nodes[i].inputs[a]), *v1 = &p->nodes[i];
                    const node *u2 = pipeline_find(p, p->nodes[j].inputs[b]), *v2 = &p->nodes[j];
                    if (u1 == u2 || v1 == v2)
                        continue;
                    if (layer[u1 - p->nodes] != layer[u2 - p->nodes] ||
                        layer[v1 - p->nodes] != layer[v2 - p->nodes])
                        continue;
                    if ((u1->y < u2->y) != (v1->y < v2->y))
                        crossings++;
                }
    free(layer);
    return crossings;
}

static void test_layout_layers_left_to_right(void **state)
{
    (void)state;
    pipeline p;
    sample(&p);
    canvas_autolayout(&p, false);
    node *orders = pipeline_find(&p, "orders"), *enrich = pipeline_find(&p, "enrich");
    node *mask = pipeline_find(&p, "mask"), *wh = pipeline_find(&p, "warehouse");
    node *audit = pipeline_find(&p, "audit"), *cust = pipeline_find(&p, "customers");
    assert_true(orders->has_xy && wh->has_xy);
    assert_int_equal(orders->x, cust->x);
    assert_true(orders->x < enrich->x);
    assert_true(enrich->x < mask->x);
    assert_true(mask->x < wh->x);
    /* Sinks all in the rightmost column, even a sink fed by a source. */
    assert_int_equal(audit->x, wh->x);
    canvas cv;
    canvas_build(&cv, &p);
    for (size_t i = 0; i < cv.n; i++)
        assert_false(canvas_overlaps(&cv, i));
    canvas_free(&cv);
    pipeline_free(&p);
}

static void test_layout_reduces_crossings(void **state)
{
    (void)state;
    /* Inputs listed so that file order crosses every pair of edges. */
    pipeline p;
    pipeline_init(&p);
    add(&p, "s1", NODE_SOURCE, "kafka", NULL, NULL);
    add(&p, "s2", NODE_SOURCE, "kafka", NULL, NULL);
    add(&p, "s3", NODE_SOURCE, "kafka", NULL, NULL);
    add(&p, "t3", NODE_TRANSFORM, "sql", "s1", NULL);
    add(&p, "t2", NODE_TRANSFORM, "sql", "s2", NULL);
    add(&p, "t1", NODE_TRANSFORM, "sql", "s3", NULL);
    canvas_autolayout(&p, false);
    assert_int_equal(count_crossings(&p), 0);
    pipeline_free(&p);
}

static void test_layout_only_missing_keeps_and_avoids(void **state)
{
    (void)state;
    pipeline p;
    sample(&p);
    for (size_t i = 0; i < p.n_nodes; i++) {
        p.nodes[i].has_xy = true;
        p.nodes[i].x = 2 + 20 * (int)i;
        p.nodes[i].y = 1;
    }
    node *n = add(&p, "late", NODE_TRANSFORM, "sql", "orders", NULL);
    (void)n;
    canvas_autolayout(&p, true);
    for (size_t i = 0; i + 1 < p.n_nodes; i++) {
        assert_int_equal(p.nodes[i].x, 2 + 20 * (int)i);
        assert_int_equal(p.nodes[i].y, 1);
    }
    assert_true(pipeline_find(&p, "late")->has_xy);
    canvas cv;
    canvas_build(&cv, &p);
    for (size_t i = 0; i < cv.n; i++)
        assert_false(canvas_overlaps(&cv, i));
    canvas_free(&cv);
    pipeline_free(&p);
}

static bool route_hits_box(const canvas *cv, const route *rt)
{
    for (int i = 0; i + 1 < rt->n; i++) {
        int x = rt->x[i], y = rt->y[i];
        for (;;) {
            if (canvas_hit(cv, x, y) >= 0)
                return true;
            if (x == rt->x[i + 1] && y == rt->y[i + 1])
                break;
            x += (rt->x[i + 1] > x) - (rt->x[i + 1] < x);
            y += (rt->y[i + 1] > y) - (rt->y[i + 1] < y);
        }
    }
    return false;
}

/* Direction bits of route rt at (x, y): LINK_L|LINK_R for a straight
 * horizontal pass, LINK_U|LINK_D for a vertical one, two perpendicular bits
 * for a bend; the ends count the box side and the arrowhead as links. */
static uint8_t route_links_at(const route *rt, int x, int y)
{
    uint8_t l = 0;
    if (rt->x[0] == x && rt->y[0] == y)
        l |= LINK_L;
    if (rt->x[rt->n - 1] == x && rt->y[rt->n - 1] == y)
        l |= LINK_R;
    for (int i = 0; i + 1 < rt->n; i++) {
        int cx = rt->x[i], cy = rt->y[i], x2 = rt->x[i + 1], y2 = rt->y[i + 1];
        while (cx != x2 || cy != y2) {
            int dx = (x2 > cx) - (x2 < cx), dy = (y2 > cy) - (y2 < cy);
            if (cx == x && cy == y)
                l |= dx > 0 ? LINK_R : dx < 0 ? LINK_L : dy > 0 ? LINK_D : LINK_U;
            cx += dx;
            cy += dy;
            if (cx == x && cy == y)
                l |= dx > 0 ? LINK_L : dx < 0 ? LINK_R : dy > 0 ? LINK_U : LINK_D;
        }
    }
    return l;
}

/* The number of cells where an edge shares a cell with an edge of another
 * source and another target, other than a straight perpendicular crossing
 * drawn as ┼ (such a shared run or tee reads as a wrong connection). */
static int unrelated_sharing(const picture *pic)
{
    int bad = 0;
    for (int y = pic->y0; y < pic->y0 + pic->h; y++)
        for (int x = pic->x0; x < pic->x0 + pic->w; x++) {
            const pcell *c = picture_at(pic, x, y);
            if (!c->links)
                continue;
            for (size_t a = 0; a < pic->n_routes; a++) {
                uint8_t la = route_links_at(&pic->routes[a], x, y);
                if (!la)
                    continue;
                for (size_t b = a + 1; b < pic->n_routes; b++) {
                    const route *ra = &pic->routes[a], *rb = &pic->routes[b];
                    /* a gapped route is only drawn where nothing else is */
                    if (ra->from == rb->from || ra->to == rb->to || ra->gapped || rb->gapped)
                        continue;
                    uint8_t lb = route_links_at(rb, x, y);
                    if (!lb)
                        continue;
                    const uint8_t H = LINK_L | LINK_R, V = LINK_U | LINK_D;
                    bool crossing = ((la == H && lb == V) || (la == V && lb == H)) && c->box < 0 &&
                                    c->ch == 0x253C;
                    if (!crossing)
                        bad++;
                }
            }
        }
    return bad;
}

static node *at(node *n, int x, int y)
{
    n->has_xy = true;
    n->x = x;
    n->y = y;
    return n;
}

static void test_unrelated_edges_never_share(void **state)
{
    (void)state;
    /* samples/customer_360 after `a stdout` on orders: the new sink lands
     * beside customers, right where customers -> enrich used to turn. */
    pipeline p;
    pipeline_init(&p);
    at(add(&p, "customers", NODE_SOURCE, "postgres", NULL, NULL), 2, 8);
    at(add(&p, "orders", NODE_SOURCE, "kafka", NULL, NULL), 2, 1);
    at(add(&p, "enrich", NODE_TRANSFORM, "sql", "orders", "customers"), 28, 4);
    at(add(&p, "mask_pii", NODE_TRANSFORM, "lua", "enrich", NULL), 54, 4);
    at(add(&p, "stdout", NODE_SINK, "stdout", "orders", NULL), 22, 8);
    at(add(&p, "warehouse", NODE_SINK, "postgres", "mask_pii", NULL), 80, 4);
    canvas cv;
    canvas_build(&cv, &p);
    picture pic;
    picture_build(&pic, &cv, NULL, false);
    assert_int_equal(pic.n_routes, 5);
    assert_int_equal(unrelated_sharing(&pic), 0);
    for (size_t i = 0; i < pic.n_routes; i++) {
        assert_true(pic.routes[i].clean);
        assert_false(route_hits_box(&cv, &pic.routes[i]));
    }
    picture_free(&pic);
    canvas_free(&cv);
    pipeline_free(&p);
}

static void test_route_straight_and_arrow(void **state)
{
    (void)state;
    pipeline p;
    pipeline_init(&p);
    node *a = add(&p, "a", NODE_SOURCE, "kafka", NULL, NULL);
    a->x = 0, a->y = 0;
    node *b = add(&p, "b", NODE_SINK, "stdout", "a", NULL);
    b->x = 30, b->y = 0;
    canvas cv;
    canvas_build(&cv, &p);
    picture pic;
    picture_build(&pic, &cv, NULL, false);
    assert_int_equal(pic.n_routes, 1);
    const route *rt = &pic.routes[0];
    assert_int_equal(rt->n, 2);
    assert_int_equal(rt->x[0], cv.box[0].w);
    assert_int_equal(rt->y[0], 1);
    assert_int_equal(rt->x[1], 29);
    assert_int_equal(picture_at(&pic, 29, 1)->ch, 0x25B6); /* ▶ */
    assert_int_equal(picture_at(&pic, 20, 1)->ch, 0x2500); /* ─ */
    picture_free(&pic);
    picture_build(&pic, &cv, NULL, true);
    assert_int_equal(picture_at(&pic, 29, 1)->ch, '>');
    assert_int_equal(picture_at(&pic, 20, 1)->ch, '-');
    picture_free(&pic);
    canvas_free(&cv);
    pipeline_free(&p);
}

static void test_route_goes_around_a_box(void **state)
{
    (void)state;
    pipeline p;
    pipeline_init(&p);
    node *a = add(&p, "a", NODE_SOURCE, "kafka", NULL, NULL);
    a->x = 0, a->y = 5;
    node *mid = add(&p, "blocker", NODE_SOURCE, "kafka", NULL, NULL);
    mid->x = 20, mid->y = 4; /* straight across the a -> b line */
    node *b = add(&p, "b", NODE_SINK, "stdout", "a", NULL);
    b->x = 40, b->y = 5;
    canvas cv;
    canvas_build(&cv, &p);
    picture pic;
    picture_build(&pic, &cv, NULL, false);
    assert_int_equal(pic.n_routes, 1);
    assert_true(pic.routes[0].clean);
    assert_false(route_hits_box(&cv, &pic.routes[0]));
    assert_true(pic.routes[0].n > 2);
    picture_free(&pic);
    canvas_free(&cv);
    pipeline_free(&p);
}

static void test_route_around_a_wall(void **state)
{
    (void)state;
    /* Four boxes stacked between a and b: no single channel gets past
     * them, so the router must search for a way round. */
    pipeline p;
    pipeline_init(&p);
    node *a = add(&p, "a", NODE_SOURCE, "kafka", NULL, NULL);
    a->x = 0, a->y = 6;
    const char *wall[] = {"w1", "w2", "w3", "w4"};
    for (int i = 0; i < 4; i++) {
        node *w = add(&p, wall[i], NODE_SOURCE, "kafka", NULL, NULL);
        w->x = 20, w->y = i * 3;
    }
    node *b = add(&p, "b", NODE_SINK, "stdout", "a", NULL);
    b->x = 40, b->y = 6;
    canvas cv;
    canvas_build(&cv, &p);
    picture pic;
    picture_build(&pic, &cv, NULL, false);
    const route *rt = &pic.routes[0];
    assert_true(rt->clean);
    assert_false(route_hits_box(&cv, rt));
    assert_int_equal(rt->x[0], cv.box[0].w);
    assert_int_equal(rt->x[rt->n - 1], 39);
    assert_int_equal(rt->y[rt->n - 1], 7);
    /* It passes above or below the wall. */
    bool outside = false;
    for (int i = 0; i < rt->n; i++)
        outside |= rt->y[i] < 0 || rt->y[i] >= 12;
    assert_true(outside);
    for (int i = 0; i + 1 < rt->n; i++)
        assert_true(rt->x[i] == rt->x[i + 1] || rt->y[i] == rt->y[i + 1]);
    picture_free(&pic);
    canvas_free(&cv);
    pipeline_free(&p);
}

static void test_route_backward_edge(void **state)
{
    (void)state;
    pipeline p;
    pipeline_init(&p);
    node *t = add(&p, "t", NODE_TRANSFORM, "sql", "s", NULL);
    t->x = 0, t->y = 0;
    node *s = add(&p, "s", NODE_SOURCE, "kafka", NULL, NULL);
    s->x = 40, s->y = 10; /* the input sits right of its consumer */
    canvas cv;
    canvas_build(&cv, &p);
    picture pic;
    picture_build(&pic, &cv, NULL, false);
    const route *rt = &pic.routes[0];
    assert_true(rt->clean);
    assert_false(route_hits_box(&cv, rt));
    assert_int_equal(rt->x[rt->n - 1], -1); /* enters t from the left */
    picture_free(&pic);
    canvas_free(&cv);
    pipeline_free(&p);
}

static void test_route_fan_in_shares_channel(void **state)
{
    (void)state;
    pipeline p;
    sample(&p);
    canvas_autolayout(&p, false);
    canvas cv;
    canvas_build(&cv, &p);
    picture pic;
    picture_build(&pic, &cv, NULL, false);
    /* Both inputs of enrich arrive through one arrowhead. */
    const node *e = pipeline_find(&p, "enrich");
    int arrows = 0;
    for (size_t i = 0; i < pic.n_routes; i++) {
        const route *rt = &pic.routes[i];
        assert_false(rt->clean && route_hits_box(&cv, rt));
        if (&p.nodes[rt->to] == e) {
            assert_int_equal(rt->x[rt->n - 1], e->x - 1);
            arrows++;
        }
    }
    assert_int_equal(arrows, 2);
    /* The join is drawn as a tee. */
    bool tee = false;
    for (int y = pic.y0; y < pic.y0 + pic.h; y++)
        for (int x = e->x - 4; x < e->x; x++) {
            const pcell *c = picture_at(&pic, x, y);
            if (c && (c->ch == 0x251C || c->ch == 0x2524 || c->ch == 0x252C || c->ch == 0x2534))
                tee = true;
        }
    assert_true(tee);
    picture_free(&pic);
    canvas_free(&cv);
    pipeline_free(&p);
}

/* A tangled but reproducible graph: n nodes, 8 sources, the last 8 sinks. */
static void tangled(pipeline *p, int n)
{
    pipeline_init(p);
    char id[32], in1[32], in2[32];
    unsigned seed = 7;
    for (int i = 0; i < n; i++) {
        snprintf(id, sizeof(id), "n%d", i);
        if (i < 8) {
            add(p, id, NODE_SOURCE, "kafka", NULL, NULL);
            continue;
        }
        /* Inputs picked by a fixed LCG: a tangled but reproducible graph. */
        seed = seed * 1103515245u + 12345u;
        snprintf(in1, sizeof(in1), "n%u", (seed >> 8) % (unsigned)i);
        seed = seed * 1103515245u + 12345u;
        snprintf(in2, sizeof(in2), "n%u", (seed >> 8) % (unsigned)i);
        add(p, id, i >= n - 8 ? NODE_SINK : NODE_TRANSFORM, i >= n - 8 ? "stdout" : "sql", in1,
            strcmp(in1, in2) ? in2 : NULL);
    }
    /* Sinks never feed anything: rewire inputs that name a sink. */
    for (size_t i = 0; i < p->n_nodes; i++)
        for (size_t k = 0; k < p->nodes[i].n_inputs; k++)
            if (pipeline_find(p, p->nodes[i].inputs[k])->kind == NODE_SINK) {
                free(p->nodes[i].inputs[k]);
                p->nodes[i].inputs[k] = strdup("n0");
            }
    canvas_autolayout(p, false);
}

static void test_routes_avoid_boxes_in_a_big_graph(void **state)
{
    (void)state;
    pipeline p;
    tangled(&p, 60);
    canvas cv;
    canvas_build(&cv, &p);
    picture pic;
    picture_build(&pic, &cv, NULL, false);
    size_t clean = 0;
    for (size_t i = 0; i < pic.n_routes; i++) {
        if (pic.routes[i].clean) {
            clean++;
            assert_false(route_hits_box(&cv, &pic.routes[i]));
        }
    }
    /* Nearly all routes find a clean path in a layered layout. */
    assert_true(clean * 10 >= pic.n_routes * 9);
    assert_int_equal(unrelated_sharing(&pic), 0);
    for (size_t i = 0; i < cv.n; i++)
        assert_false(canvas_overlaps(&cv, i));
    picture_free(&pic);
    canvas_free(&cv);
    pipeline_free(&p);
}

static void test_hit(void **state)
{
    (void)state;
    pipeline p;
    pipeline_init(&p);
    node *a = add(&p, "a", NODE_SOURCE, "kafka", NULL, NULL);
    a->x = 10, a->y = 5;
    canvas cv;
    canvas_build(&cv, &p);
    int w = cv.box[0].w;
    assert_int_equal(canvas_hit(&cv, 10, 5), 0);
    assert_int_equal(canvas_hit(&cv, 10 + w - 1, 7), 0);
    assert_int_equal(canvas_hit(&cv, 10 + w, 6), -1);
    assert_int_equal(canvas_hit(&cv, 9, 6), -1);
    assert_int_equal(canvas_hit(&cv, 12, 8), -1);
    assert_int_equal(canvas_hit(&cv, 12, 4), -1);
    canvas_free(&cv);
    pipeline_free(&p);
}

static void test_nearest_and_topo(void **state)
{
    (void)state;
    pipeline p;
    sample(&p);
    canvas_autolayout(&p, false);
    canvas cv;
    canvas_build(&cv, &p);
    size_t orders = (size_t)pipeline_index_of(&p, "orders");
    size_t cust = (size_t)pipeline_index_of(&p, "customers");
    ptrdiff_t right = canvas_nearest(&cv, orders, DIR_RIGHT);
    assert_true(right >= 0);
    assert_string_equal(p.nodes[right].id, "enrich");
    ptrdiff_t down = canvas_nearest(&cv, orders, DIR_DOWN);
    ptrdiff_t up = canvas_nearest(&cv, cust, DIR_UP);
    assert_true((down == (ptrdiff_t)cust) == (p.nodes[cust].y > p.nodes[orders].y));
    assert_true(up >= 0 || p.nodes[cust].y < p.nodes[orders].y);
    assert_int_equal(canvas_nearest(&cv, orders, DIR_LEFT), -1);
    size_t *order = canvas_topo_order(&p);
    /* Every node comes after all of its inputs. */
    for (size_t i = 0; i < p.n_nodes; i++) {
        const node *n = &p.nodes[order[i]];
        for (size_t k = 0; k < n->n_inputs; k++) {
            size_t at = 0;
            for (size_t j = 0; j < p.n_nodes; j++)
                if (strcmp(p.nodes[order[j]].id, n->inputs[k]) == 0)
                    at = j;
            assert_true(at < i);
        }
    }
    free(order);
    canvas_free(&cv);
    pipeline_free(&p);
}

static void test_wide_ids_keep_boxes_aligned(void **state)
{
    (void)state;
    pipeline p;
    pipeline_init(&p);
    node *a = add(&p, "a", NODE_SOURCE, "kafka", NULL, NULL);
    free(a->id);
    a->id = strdup("数据流"); /* 3 characters, 6 cells */
    canvas cv;
    canvas_build(&cv, &p);
    assert_int_equal(cv.box[0].w, 12);
    picture pic;
    picture_build(&pic, &cv, NULL, false);
    int r = cv.box[0].w - 1;
    assert_int_equal(picture_at(&pic, r, 1)->ch, 0x2502); /* │ where it belongs */
    assert_int_equal(picture_at(&pic, 3, 1)->ch, 0x6570); /* 数 */
    assert_int_equal(picture_at(&pic, 4, 1)->ch, CELL_WIDE_TAIL);
    picture_free(&pic);
    canvas_free(&cv);
    /* A long wide id is cut on a character boundary, with an ellipsis. */
    free(a->id);
    a->id = strdup("数据流数据流数据流数据流数据流");
    canvas_build(&cv, &p);
    assert_int_equal(cv.box[0].w, BOX_MAX_ID + 6);
    canvas_free(&cv);
    pipeline_free(&p);
}

static void test_overview_fits_and_does_not_overlap(void **state)
{
    (void)state;
    pipeline p;
    pipeline_init(&p);
    char id[32], in[32];
    for (int i = 0; i < 40; i++) {
        snprintf(id, sizeof(id), "node_%02d", i);
        snprintf(in, sizeof(in), "node_%02d", i - 1);
        add(&p, id, i == 0 ? NODE_SOURCE : NODE_TRANSFORM, i == 0 ? "kafka" : "sql", i ? in : NULL,
            NULL);
    }
    canvas_autolayout(&p, false);
    canvas cv;
    canvas_build_overview(&cv, &p, 80, 20);
    assert_true(cv.compact);
    for (size_t i = 0; i < cv.n; i++) {
        assert_int_equal(cv.box[i].h, 1);
        assert_false(canvas_overlaps(&cv, i));
    }
    assert_true(cv.max_x - cv.min_x <= 80);
    canvas_free(&cv);
    pipeline_free(&p);
}

/* In the overview, the cell right of a compact label holds only the start
 * of an edge from that node and the cell left of it only an arrow into it,
 * so "▣ out_000 ✓────▶λ xf_001" (a sink seeming to feed a transform)
 * cannot happen.  Returns the number of labels touched by another edge. */
static int labels_touched(const picture *pic, const canvas *cv)
{
    int bad = 0;
    for (size_t i = 0; i < cv->n; i++) {
        const cbox *b = &cv->box[i];
        const pcell *r = picture_at(pic, b->x + b->w, b->y), *l = picture_at(pic, b->x - 1, b->y);
        bool own_out = false, own_in = false;
        for (size_t e = 0; e < pic->n_routes; e++) {
            const route *rt = &pic->routes[e];
            own_out |= rt->from == i && rt->x[0] == b->x + b->w && rt->y[0] == b->y;
            own_in |= rt->to == i && rt->x[rt->n - 1] == b->x - 1 && rt->y[rt->n - 1] == b->y;
        }
        if (r && r->box < 0 && r->ch && r->ch != ' ' && !own_out)
            bad++;
        if (l && l->box < 0 && l->ch && l->ch != ' ' && !own_in)
            bad++;
    }
    return bad;
}

static void test_overview_labels_stand_clear_of_edges(void **state)
{
    (void)state;
    pipeline p;
    tangled(&p, 120);
    const int sizes[][2] = {{80, 22}, {200, 48}};
    for (int s = 0; s < 2; s++) {
        canvas cv;
        canvas_build_overview(&cv, &p, sizes[s][0], sizes[s][1]);
        picture pic;
        picture_build(&pic, &cv, NULL, false);
        assert_int_equal(labels_touched(&pic, &cv), 0);
        /* two blank cells between labels in a row: an out port, an in port */
        for (size_t i = 0; i < cv.n; i++)
            for (size_t j = 0; j < cv.n; j++) {
                const cbox *a = &cv.box[i], *b = &cv.box[j];
                if (i != j && a->y == b->y && a->x <= b->x)
                    assert_true(b->x >= a->x + a->w + 2);
            }
        assert_int_equal(unrelated_sharing(&pic), 0);
        picture_free(&pic);
        canvas_free(&cv);
    }
    pipeline_free(&p);
}

static void test_far_positions_are_clipped_not_fatal(void **state)
{
    (void)state;
    /* layout.yaml allows positions up to 1,000,000: the picture stays
     * bounded and the near nodes are still drawn. */
    pipeline p;
    pipeline_init(&p);
    node *a = add(&p, "a", NODE_SOURCE, "kafka", NULL, NULL);
    a->x = 0, a->y = 0;
    node *b = add(&p, "b", NODE_SINK, "stdout", "a", NULL);
    b->x = 1000000, b->y = 1000000;
    canvas cv;
    canvas_build(&cv, &p);
    picture pic;
    picture_build(&pic, &cv, NULL, false);
    assert_true(pic.clipped);
    assert_true((long long)pic.w * pic.h <= PICTURE_MAX_CELLS);
    assert_int_equal(picture_at(&pic, 0, 0)->ch, 0x256D);
    assert_null(picture_at(&pic, 1000000, 1000001));
    assert_int_equal(canvas_hit(&cv, 1000001, 1000001), 1);
    picture_free(&pic);
    canvas_free(&cv);
    pipeline_free(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_layout_layers_left_to_right),
        cmocka_unit_test(test_layout_reduces_crossings),
        cmocka_unit_test(test_layout_only_missing_keeps_and_avoids),
        cmocka_unit_test(test_route_straight_and_arrow),
        cmocka_unit_test(test_route_goes_around_a_box),
        cmocka_unit_test(test_route_around_a_wall),
        cmocka_unit_test(test_route_backward_edge),
        cmocka_unit_test(test_route_fan_in_shares_channel),
        cmocka_unit_test(test_unrelated_edges_never_share),
        cmocka_unit_test(test_routes_avoid_boxes_in_a_big_graph),
        cmocka_unit_test(test_hit),
        cmocka_unit_test(test_nearest_and_topo),
        cmocka_unit_test(test_wide_ids_keep_boxes_aligned),
        cmocka_unit_test(test_overview_fits_and_does_not_overlap),
        cmocka_unit_test(test_overview_labels_stand_clear_of_edges),
        cmocka_unit_test(test_far_positions_are_clipped_not_fatal),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
