/* app: the TUI's state and the pieces that share it — the screen manager
 * (app.c), drawing (screen.c), canvas commands (commands.c), the mouse
 * (mouse.c) and the overlay views (palette, props, lists, help, prompt).
 *
 * An overlay is a view: a const view_ops table plus its own state, pushed
 * on the app's view stack.  Handlers return a bitmask of EV_* flags; only
 * the screen manager redraws, rebuilds the picture or pops views. */
#ifndef WEIR_APP_H
#define WEIR_APP_H

#include <stdbool.h>
#include <stddef.h>

#include <curses.h>

#include "actions.h"
#include "canvas.h"
#include "doc.h"
#include "route.h"
#include "style.h"

enum {
    EV_HANDLED = 1 << 0,
    EV_REDRAW = 1 << 1,   /* something changed on screen */
    EV_RELAYOUT = 1 << 2, /* the model changed: rebuild canvas and picture */
    EV_QUIT = 1 << 3,
    EV_CLOSE = 1 << 4,  /* pop the top view */
    EV_SCROLL = 1 << 5, /* the viewport moved: repaint the canvas area */
};

/* Smallest usable terminal; below it weir shows a notice. */
enum { MIN_COLS = 40, MIN_ROWS = 10, MAX_VIEWS = 8 };

typedef struct app app;
typedef struct view view;

typedef struct view_ops {
    const char *name;
    ui_mode mode;
    void (*draw)(view *v, app *a);
    /* act is the bound action, or ACT_NONE with the raw key. */
    int (*on_key)(view *v, app *a, action act, int key);
    int (*on_mouse)(view *v, app *a, const MEVENT *ev); /* may be NULL */
    void (*destroy)(view *v);
} view_ops;

struct view {
    const view_ops *ops;
};

struct app {
    doc d;
    bool ascii;
    canvas cv;
    picture pic;
    bool overview;
    ptrdiff_t sel;       /* selected node, -1 for none */
    ptrdiff_t conn_from; /* connect mode: the node that becomes an input */
    ui_mode cmode;       /* MODE_CANVAS, MODE_MOVE or MODE_CONNECT */
    int move_x0, move_y0;
    int view_x, view_y; /* canvas coordinates of the canvas area's top-left */
    int rows, cols;
    int top, height; /* canvas area rows [top, top + height) */
    int preview_h;   /* rows reserved for the preview pane (0 until it lands) */
    int pane_w;      /* columns the editor pane takes at the right (editpane.c) */
    view *views[MAX_VIEWS];
    int n_views;
    char msg[512];
    style_id msg_style;
    /* what is on screen, to repaint only what changed */
    bool need_pic, need_canvas;
    bool drawn_valid; /* the canvas area shows the picture at drawn_vx/vy */
    int drawn_vx, drawn_vy;
    ptrdiff_t drawn_sel, drawn_mark;
    /* mouse drag */
    ptrdiff_t drag_node;
    int drag_dx, drag_dy, drag_x0, drag_y0;
    bool dragging;
    bool running;
    unsigned long long last_journal_ms;
    /* for the benchmark: set when a drawing repainted the whole canvas */
    bool painted_all;
};

/* app.c */
void app_push(app *a, view *v);
void app_message(app *a, style_id s, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void app_select(app *a, ptrdiff_t idx); /* and scroll it into view */
ptrdiff_t app_find(const app *a, const char *id);
const char *app_sel_id(const app *a);
void app_ensure_visible(app *a, ptrdiff_t idx, bool center);
void app_layout(app *a);  /* screen size -> areas */
void app_rebuild(app *a); /* canvas + picture from the model */
void app_jump_to(app *a, const char *id);

/* screen.c */
void screen_draw(app *a);
void screen_hints(app *a, ui_mode m, int row);

/* commands.c: canvas, move and connect modes */
int commands_canvas(app *a, action act);
int commands_move(app *a, action act);
int commands_connect(app *a, action act);
int commands_quit(app *a);
int commands_save(app *a);

/* mouse.c */
int mouse_canvas(app *a, const MEVENT *ev);

/* startup.c */
void startup_offer_create(app *a);
void startup_offer_recovery(app *a);
char *startup_pipeline_name(const char *dir); /* a valid id from the folder name */

/* overlays */
view *palette_open(app *a);
view *props_open(app *a, size_t node);
view *finder_open(app *a);
view *problems_open(app *a);
view *disconnect_open(app *a, size_t node);
view *help_open(app *a, ui_mode m);
/* A text prompt: check() explains what is wrong with the text as it is
 * typed (NULL = fine); done() gets the accepted text. */
view *prompt_open(app *a, const char *title, const char *initial,
                  const char *(*check)(app *a, const char *text, void *ctx),
                  int (*done)(app *a, const char *text, void *ctx), void *ctx);
/* A question answered by one key from `keys` ("yn", "sdc"); done() gets
 * the key, or 27 for Esc.  body may hold several lines. */
view *confirm_open(app *a, const char *title, const char *body, const char *choices,
                   const char *keys, int (*done)(app *a, int key, void *ctx), void *ctx);
/* The same, for a question that may be asked from another question's
 * answer: it then goes below that one, which the answer's EV_CLOSE pops. */
view *confirm_open_next(app *a, const char *title, const char *body, const char *choices,
                        const char *keys, int (*done)(app *a, int key, void *ctx), void *ctx);

#endif
