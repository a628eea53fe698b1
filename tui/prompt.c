/* prompt: the small dialogs — a one-line text prompt checked as you type,
 * and a question answered with one key. */
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "draw.h"
#include "input.h"
#include "textinput.h"
#include "util.h"
#include "uwidth.h"

typedef struct prompt_view {
    view base;
    char *title;
    textinput ti;
    const char *(*check)(app *a, const char *text, void *ctx);
    int (*done)(app *a, const char *text, void *ctx);
    void *ctx;
} prompt_view;

static void prompt_draw(view *v, app *a)
{
    prompt_view *pv = (prompt_view *)v;
    int w = a->cols - 8 > 64 ? 64 : a->cols - 8, h = 5;
    int y = (a->rows - h) / 2, x = (a->cols - w) / 2;
    draw_frame(stdscr, y, x, h, w, pv->title, STYLE_BORDER);
    const char *why = pv->check ? pv->check(a, pv->ti.buf, pv->ctx) : NULL;
    draw_text_pad(stdscr, y + 2, x + 2, why ? why : "Enter accepts, Esc cancels", w - 4,
                  why ? STYLE_ERROR : STYLE_DIM);
    int cx = textinput_draw(stdscr, &pv->ti, y + 1, x + 2, w - 4, STYLE_INPUT);
    draw_text_pad(stdscr, y + 3, x + 2, "", w - 4, STYLE_NORMAL);
    curs_set(1);
    move(y + 1, cx);
}

static int prompt_key(view *v, app *a, action act, int key)
{
    prompt_view *pv = (prompt_view *)v;
    if (act == ACT_TEXT_CANCEL)
        return EV_CLOSE | EV_REDRAW;
    if (act == ACT_TEXT_ACCEPT) {
        if (pv->check && pv->check(a, pv->ti.buf, pv->ctx))
            return EV_REDRAW; /* the reason is on screen already */
        return pv->done(a, pv->ti.buf, pv->ctx);
    }
    textinput_key(&pv->ti, key);
    return EV_REDRAW;
}

static void prompt_destroy(view *v)
{
    prompt_view *pv = (prompt_view *)v;
    free(pv->title);
    free(pv);
}

static const view_ops prompt_ops = {
    .name = "prompt",
    .mode = MODE_TEXT,
    .draw = prompt_draw,
    .on_key = prompt_key,
    .destroy = prompt_destroy,
};

view *prompt_open(app *a, const char *title, const char *initial,
                  const char *(*check)(app *a, const char *text, void *ctx),
                  int (*done)(app *a, const char *text, void *ctx), void *ctx)
{
    prompt_view *pv = xcalloc(1, sizeof(*pv));
    pv->base.ops = &prompt_ops;
    pv->title = xstrdup(title);
    textinput_set(&pv->ti, initial ? initial : "");
    pv->check = check;
    pv->done = done;
    pv->ctx = ctx;
    app_push(a, &pv->base);
    return &pv->base;
}

/* ---- confirm ---- */

typedef struct confirm_view {
    view base;
    char *title, *body, *choices, *keys;
    int (*done)(app *a, int key, void *ctx);
    void *ctx;
} confirm_view;

static void confirm_draw(view *v, app *a)
{
    confirm_view *cv = (confirm_view *)v;
    int lines = 0, widest = uw_width(cv->choices);
    for (const char *s = cv->body; *s;) {
        size_t n = strcspn(s, "\n");
        char *line = xstrndup(s, n);
        int w = uw_width(line);
        free(line);
        if (w > widest)
            widest = w;
        lines++;
        s += n;
        if (*s)
            s++;
    }
    int w = widest + 4, maxw = a->cols - 4;
    if (w > maxw)
        w = maxw;
    if (w < 24)
        w = 24 < maxw ? 24 : maxw;
    int max_lines = a->rows - 6;
    if (lines > max_lines)
        lines = max_lines;
    int h = lines + 4;
    int y = (a->rows - h) / 2, x = (a->cols - w) / 2;
    draw_frame(stdscr, y, x, h, w, cv->title, STYLE_BORDER);
    const char *s = cv->body;
    for (int i = 0; i < lines && *s; i++) {
        size_t n = strcspn(s, "\n");
        char *line = xstrndup(s, n);
        style_id st = line[0] == '+'   ? STYLE_OK
                      : line[0] == '-' ? STYLE_ERROR
                      : line[0] == '!' ? STYLE_WARNING
                                       : STYLE_NORMAL;
        if (i == lines - 1 && s[n] && s[n + 1])
            draw_text_pad(stdscr, y + 1 + i, x + 2, "...", w - 4, STYLE_DIM);
        else
            draw_text_pad(stdscr, y + 1 + i, x + 2, line, w - 4, st);
        free(line);
        s += n;
        if (*s)
            s++;
    }
    draw_text_pad(stdscr, y + h - 2, x + 2, cv->choices, w - 4, STYLE_KEY);
}

static int confirm_key(view *v, app *a, action act, int key)
{
    (void)act;
    confirm_view *cv = (confirm_view *)v;
    if (key == 27)
        return cv->done(a, 27, cv->ctx);
    if (key > 0 && key < 128 && strchr(cv->keys, key))
        return cv->done(a, key, cv->ctx);
    if (key > 0 && key < 128 && strchr(cv->keys, key | 0x20))
        return cv->done(a, key | 0x20, cv->ctx);
    return EV_REDRAW;
}

static void confirm_destroy(view *v)
{
    confirm_view *cv = (confirm_view *)v;
    free(cv->title);
    free(cv->body);
    free(cv->choices);
    free(cv->keys);
    free(cv);
}

static const view_ops confirm_ops = {
    .name = "confirm",
    .mode = MODE_CONFIRM,
    .draw = confirm_draw,
    .on_key = confirm_key,
    .destroy = confirm_destroy,
};

view *confirm_open(app *a, const char *title, const char *body, const char *choices,
                   const char *keys, int (*done)(app *a, int key, void *ctx), void *ctx)
{
    confirm_view *cv = xcalloc(1, sizeof(*cv));
    cv->base.ops = &confirm_ops;
    cv->title = xstrdup(title);
    cv->body = xstrdup(body);
    cv->choices = xstrdup(choices);
    cv->keys = xstrdup(keys);
    cv->done = done;
    cv->ctx = ctx;
    app_push(a, &cv->base);
    return &cv->base;
}

view *confirm_open_next(app *a, const char *title, const char *body, const char *choices,
                        const char *keys, int (*done)(app *a, int key, void *ctx), void *ctx)
{
    bool below = a->n_views > 0 && a->views[a->n_views - 1]->ops->mode == MODE_CONFIRM;
    view *q = confirm_open(a, title, body, choices, keys, done, ctx);
    if (below && q && a->n_views >= 2 && a->views[a->n_views - 1] == q) {
        a->views[a->n_views - 1] = a->views[a->n_views - 2];
        a->views[a->n_views - 2] = q;
    }
    return q;
}
