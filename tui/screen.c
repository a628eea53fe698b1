/* screen: drawing the canvas area (copied from the picture), the status
 * bar, the hints line and the too-small notice.  Only what changed is
 * repainted: moving the selection repaints two boxes, not the canvas. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "draw.h"
#include "edit.h"
#include "editpane.h"
#include "previewpane.h"
#include "uwidth.h"
#include "vcsui.h"

static style_id cell_style_map(uint8_t cs)
{
    static const style_id map[] = {
        [CS_NONE] = STYLE_NORMAL,         [CS_EDGE] = STYLE_EDGE,   [CS_SOURCE] = STYLE_SOURCE,
        [CS_TRANSFORM] = STYLE_TRANSFORM, [CS_SINK] = STYLE_SINK,   [CS_ID] = STYLE_NODE_ID,
        [CS_TYPE] = STYLE_NODE_TYPE,      [CS_BADGE_OK] = STYLE_OK, [CS_BADGE_WARN] = STYLE_WARNING,
        [CS_BADGE_ERROR] = STYLE_ERROR,
    };
    return cs < sizeof(map) / sizeof(map[0]) ? map[cs] : STYLE_NORMAL;
}

/* Paint canvas cells of screen rows [r0, r1) and columns [c0, c1). */
static void paint(app *a, int r0, int r1, int c0, int c1)
{
    if (r0 < a->top)
        r0 = a->top;
    if (r1 > a->top + a->height)
        r1 = a->top + a->height;
    if (c0 < 0)
        c0 = 0;
    if (c1 > a->cols - a->pane_w) /* the editor pane has the right */
        c1 = a->cols - a->pane_w;
    for (int r = r0; r < r1; r++) {
        int wy = a->view_y + (r - a->top);
        for (int c = c0; c < c1; c++) {
            int wx = a->view_x + c;
            const pcell *pc = picture_at(&a->pic, wx, wy);
            if (!pc || pc->ch == 0) {
                /* Most of a canvas is empty: blank a whole run at once. */
                int end = c + 1;
                while (end < c1) {
                    const pcell *q = picture_at(&a->pic, a->view_x + end, wy);
                    if (q && q->ch != 0)
                        break;
                    end++;
                }
                draw_fill(stdscr, r, c, 1, end - c, STYLE_NORMAL);
                c = end - 1;
                continue;
            }
            style_id s = cell_style_map(pc->style);
            if (pc->box >= 0 && pc->box == a->sel)
                s = pc->style == CS_BADGE_ERROR || pc->style == CS_BADGE_WARN ? s : STYLE_SELECTED;
            else if (pc->box >= 0 && pc->box == a->conn_from && a->cmode == MODE_CONNECT)
                s = STYLE_MARKED;
            if (pc->ch == CELL_WIDE_TAIL) {
                if (c == c0)
                    draw_cp(stdscr, r, c, ' ', s);
                continue;
            }
            if (uw_cp_width((int32_t)pc->ch) == 2 && c + 1 >= c1) {
                draw_cp(stdscr, r, c, ' ', s); /* half a wide character does not fit */
                continue;
            }
            draw_cp(stdscr, r, c, pc->ch, s);
        }
    }
}

static void paint_box(app *a, ptrdiff_t i)
{
    if (i < 0 || (size_t)i >= a->cv.n)
        return;
    const cbox *b = &a->cv.box[i];
    int r = a->top + b->y - a->view_y, c = b->x - a->view_x;
    paint(a, r, r + b->h, c - 1, c + b->w + 1);
}

static void status_bar(app *a)
{
    const doc *d = &a->d;
    char left[512], right[256];
    const char *unsaved = doc_dirty(d) ? (a->ascii ? " * unsaved" : " ● unsaved") : "";
    char git[160]; /* vcs: branch and whether the files differ from HEAD */
    vcsui_status_text(a, git, sizeof(git));
    int n = snprintf(left, sizeof(left), " weir  %s v%lld  %s%s", d->p.name ? d->p.name : "?",
                     d->p.version, git, unsaved);
    size_t ne = doc_errors(d), nw = doc_warnings(d);
    if (ne)
        n += snprintf(left + n, sizeof(left) - (size_t)n, "  %s %zu error%s", a->ascii ? "x" : "✗",
                      ne, ne == 1 ? "" : "s");
    if (nw)
        n += snprintf(left + n, sizeof(left) - (size_t)n, "  ! %zu warning%s", nw,
                      nw == 1 ? "" : "s");
    if (!ne && !nw)
        n += snprintf(left + n, sizeof(left) - (size_t)n, "  %s valid", a->ascii ? "+" : "✓");
    const char *id = app_sel_id(a);
    if (id) {
        const node *nd = &d->p.nodes[a->sel];
        snprintf(right, sizeof(right), "%s %s %s%s", id, nd->type, node_kind_name(nd->kind),
                 a->overview ? "  [overview]" : "");
    } else {
        snprintf(right, sizeof(right), "%s", a->overview ? "[overview]" : "");
    }
    draw_fill(stdscr, 0, 0, 1, a->cols, STYLE_BAR);
    int used = draw_text(stdscr, 0, 0, left, a->cols, STYLE_BAR_STRONG);
    int rw = uw_width(right);
    int room = a->cols - used - 3;
    if (room > 4) {
        if (rw > room)
            rw = room;
        draw_text(stdscr, 0, a->cols - rw - 1, right, rw, STYLE_BAR);
    }
}

/* The first key only: "a add", not "a/A add". */
static void hint_keys(const app *a, action act, char *keys, size_t size)
{
    char first[32];
    snprintf(first, sizeof(first), "%.*s", (int)strcspn(action_keys(act), " "),
             action_keys(act));
    keys_display(first, keys, size, a->ascii);
}

static int hint_width(const app *a, action act)
{
    char keys[64];
    hint_keys(a, act, keys, sizeof(keys));
    return uw_width(keys) + 1 + uw_width(action_hint(act)) + 2;
}

static int draw_hint(app *a, int row, int x, action act)
{
    char keys[64];
    hint_keys(a, act, keys, sizeof(keys));
    int x0 = x;
    x += draw_text(stdscr, row, x, keys, a->cols - x, STYLE_KEY);
    x += 1;
    x += draw_text(stdscr, row, x, action_hint(act), a->cols - x, STYLE_DIM);
    return x - x0 + 2;
}

/* Connect mode's question names both ends: "connect orders → enrich?",
 * so the user knows what Enter would do before pressing it; when the picked
 * node cannot take the marked one, why not.  Returns the width used. */
static int connect_question(app *a, int row, int x)
{
    const char *from = a->d.p.nodes[a->conn_from].id, *arrow = a->ascii ? "->" : "→";
    const char *to = a->sel >= 0 && a->sel != a->conn_from ? a->d.p.nodes[a->sel].id : NULL;
    char buf[320];
    const char *why = NULL;
    if (!to)
        snprintf(buf, sizeof(buf), "connect %s %s ? (pick a node)  ", from, arrow);
    else if (!edit_can_connect(&a->d.p, from, to, &why))
        snprintf(buf, sizeof(buf), "connect %s %s %s? no: %s  ", from, arrow, to, why);
    else
        snprintf(buf, sizeof(buf), "connect %s %s %s?  ", from, arrow, to);
    return draw_text(stdscr, row, x, buf, a->cols - x, why ? STYLE_WARNING : STYLE_MARKED) + 1;
}

void screen_hints(app *a, ui_mode m, int row)
{
    draw_fill(stdscr, row, 0, 1, a->cols, STYLE_NORMAL);
    int x = 1;
    if (m == MODE_CONNECT && a->conn_from >= 0) {
        x += connect_question(a, row, x);
    } else if (m == MODE_MOVE) {
        x += draw_text(stdscr, row, x, "moving  ", a->cols - x, STYLE_MARKED) + 1;
    }
    /* "? help" always shows, at the right end, so every other key stays
     * discoverable however narrow the terminal; the rest fill from the left. */
    int end = a->cols;
    for (int i = 0; i < ACT_COUNT; i++) {
        if (action_mode((action)i) != m || strcmp(action_hint((action)i), "help") != 0)
            continue;
        int w = hint_width(a, (action)i);
        if (x + w <= end) {
            end -= w;
            draw_hint(a, row, end, (action)i);
        }
        break;
    }
    for (int i = 0; i < ACT_COUNT; i++) {
        if (action_mode((action)i) != m || !*action_hint((action)i) ||
            strcmp(action_hint((action)i), "help") == 0)
            continue;
        int need = hint_width(a, (action)i);
        if (x + need > end)
            break;
        x += draw_hint(a, row, x, (action)i);
    }
}

static void bottom_line(app *a)
{
    int row = a->rows - 1;
    if (a->msg[0]) {
        draw_fill(stdscr, row, 0, 1, a->cols, STYLE_NORMAL);
        draw_text(stdscr, row, 1, a->msg, a->cols - 2, a->msg_style);
        return;
    }
    ui_mode m = a->n_views ? a->views[a->n_views - 1]->ops->mode : a->cmode;
    screen_hints(a, m, row);
}

static void too_small(app *a)
{
    erase();
    char buf[128];
    snprintf(buf, sizeof(buf), "weir needs %dx%d", MIN_COLS, MIN_ROWS);
    draw_text(stdscr, 0, 0, buf, a->cols, STYLE_WARNING);
    snprintf(buf, sizeof(buf), "now %dx%d", a->cols, a->rows);
    if (a->rows > 1)
        draw_text(stdscr, 1, 0, buf, a->cols, STYLE_NORMAL);
    if (a->rows > 2)
        draw_text(stdscr, 2, 0, "enlarge, or q", a->cols, STYLE_DIM);
    a->need_canvas = true;
    a->drawn_valid = false;
}

void screen_draw(app *a)
{
    if (a->cols < MIN_COLS || a->rows < MIN_ROWS) {
        too_small(a);
        refresh();
        return;
    }
    if (a->need_pic)
        app_rebuild(a);
    int dy = a->view_y - a->drawn_vy;
    a->painted_all = false;
    if (a->need_canvas && a->drawn_valid && !a->n_views && !a->pane_w && a->view_x == a->drawn_vx &&
        dy && abs(dy) < a->height * 3 / 4) {
        /* A vertical pan: scroll the canvas rows and paint the rows that
         * came into view; the terminal moves the rest itself. */
        setscrreg(a->top, a->top + a->height - 1);
        scrollok(stdscr, TRUE);
        wscrl(stdscr, dy);
        scrollok(stdscr, FALSE);
        setscrreg(0, a->rows - 1);
        if (dy > 0)
            paint(a, a->top + a->height - dy, a->top + a->height, 0, a->cols);
        else
            paint(a, a->top, a->top - dy, 0, a->cols);
        a->need_canvas = false;
        paint_box(a, a->drawn_sel);
        paint_box(a, a->sel);
        paint_box(a, a->drawn_mark);
    } else if (a->need_canvas) {
        a->painted_all = true;
        paint(a, a->top, a->top + a->height, 0, a->cols);
        a->need_canvas = false;
    } else {
        /* Only the boxes whose highlight changed. */
        if (a->drawn_sel != a->sel) {
            paint_box(a, a->drawn_sel);
            paint_box(a, a->sel);
        }
        ptrdiff_t mark = a->cmode == MODE_CONNECT ? a->conn_from : -1;
        if (a->drawn_mark != mark) {
            paint_box(a, a->drawn_mark);
            paint_box(a, mark);
        }
    }
    a->drawn_valid = true;
    a->drawn_vx = a->view_x;
    a->drawn_vy = a->view_y;
    a->drawn_sel = a->sel;
    a->drawn_mark = a->cmode == MODE_CONNECT ? a->conn_from : -1;
    if (a->d.p.n_nodes == 0 && !a->n_views) {
        const char *t = "Empty pipeline. Press a to add a source.";
        int w = uw_width(t);
        draw_text(stdscr, a->top + a->height / 2, (a->cols - w) / 2, t, a->cols, STYLE_DIM);
        a->need_canvas = true;
        a->drawn_valid = false;
    }
    previewpane_draw(a);
    status_bar(a);
    bottom_line(a);
    editpane_draw(a); /* over the preview pane when full screen; its hints */
    for (int i = 0; i < a->n_views; i++)
        a->views[i]->ops->draw(a->views[i], a);
    editpane_place_cursor(a);
    refresh();
}
