/* mouse: click selects, drag moves, a drop on another node connects,
 * the wheel pans (shift + wheel pans sideways), a drag on empty canvas
 * pans.  Reported with SGR 1006 so columns past 223 work. */
#include "app.h"

int commands_connect_nodes(app *a, size_t from, size_t to);

static bool in_canvas(const app *a, const MEVENT *ev)
{
    return ev->y >= a->top && ev->y < a->top + a->height && ev->x >= 0 && ev->x < a->cols;
}

static int finish_drag(app *a, int wx, int wy)
{
    int r = EV_REDRAW;
    if (a->dragging && a->drag_node >= 0) {
        node *n = &a->d.p.nodes[a->drag_node];
        ptrdiff_t target = -1;
        for (size_t k = a->cv.n; k-- > 0;) {
            const cbox *b = &a->cv.box[k];
            if ((ptrdiff_t)k != a->drag_node && wx >= b->x && wx < b->x + b->w && wy >= b->y &&
                wy < b->y + b->h) {
                target = (ptrdiff_t)k;
                break;
            }
        }
        if (target >= 0) {
            /* Dropped on a node: that is a connection, not a move. */
            n->x = a->drag_x0;
            n->y = a->drag_y0;
            doc_abort(&a->d);
            r = commands_connect_nodes(a, (size_t)a->drag_node, (size_t)target);
            a->sel = target;
        } else if (n->x == a->drag_x0 && n->y == a->drag_y0) {
            doc_abort(&a->d);
        } else {
            doc_commit(&a->d);
            app_message(a, STYLE_OK, "moved %s", n->id);
        }
        r |= EV_RELAYOUT;
    }
    a->dragging = false;
    a->drag_node = -1;
    return r | EV_SCROLL;
}

int mouse_canvas(app *a, const MEVENT *ev)
{
    mmask_t b = ev->bstate;
    int wx = a->view_x + ev->x, wy = a->view_y + ev->y - a->top;
    if (b & (BUTTON4_PRESSED | BUTTON5_PRESSED)) {
        int step = b & BUTTON4_PRESSED ? -3 : 3;
        if (b & BUTTON_SHIFT)
            a->view_x += step * 2;
        else
            a->view_y += step;
        return EV_SCROLL | EV_REDRAW;
    }
    if (a->cmode != MODE_CANVAS)
        return 0;
    if (b & BUTTON1_PRESSED) {
        if (!in_canvas(a, ev))
            return 0;
        ptrdiff_t hit = canvas_hit(&a->cv, wx, wy);
        a->dragging = false;
        a->drag_node = hit;
        a->drag_dx = wx;
        a->drag_dy = wy;
        if (hit >= 0) {
            a->sel = hit;
            a->drag_x0 = a->d.p.nodes[hit].x;
            a->drag_y0 = a->d.p.nodes[hit].y;
        } else {
            a->drag_x0 = a->view_x;
            a->drag_y0 = a->view_y;
            a->dragging = true; /* panning */
        }
        return EV_REDRAW;
    }
    if (b & BUTTON1_RELEASED)
        return finish_drag(a, wx, wy);
    if (b & REPORT_MOUSE_POSITION) {
        if (a->drag_node < 0) {
            if (!a->dragging)
                return 0;
            /* Pan: keep the grabbed canvas point under the pointer. */
            a->view_x = a->drag_x0 - (ev->x - (a->drag_dx - a->drag_x0));
            a->view_y = a->drag_y0 - (ev->y - a->top - (a->drag_dy - a->drag_y0));
            return EV_SCROLL | EV_REDRAW;
        }
        if (a->overview)
            return 0;
        node *n = &a->d.p.nodes[a->drag_node];
        if (!a->dragging) {
            doc_begin(&a->d, n->id, "move");
            a->dragging = true;
        }
        int nx = a->drag_x0 + (wx - a->drag_dx), ny = a->drag_y0 + (wy - a->drag_dy);
        n->x = nx < 0 ? 0 : nx;
        n->y = ny < 0 ? 0 : ny;
        n->has_xy = true;
        return EV_RELAYOUT | EV_REDRAW;
    }
    return 0;
}
