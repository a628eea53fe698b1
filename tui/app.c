/* app: the screen manager — terminal setup and teardown, signals, the main
 * loop, the view stack, and the journal clock. */
#include "app.h"

#include <locale.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "draw.h"
#include "fsutil.h"
#include "input.h"
#include "journal.h"
#include "editpane.h"
#include "previewpane.h"
#include "tui.h"
#include "util.h"
#include "uwidth.h"

static volatile sig_atomic_t got_hangup, got_term;
static bool curses_on;

/* Turn the terminal back to normal with raw writes: safe in a signal handler
 * and when curses state cannot be trusted. */
static void restore_terminal_raw(void)
{
    static const char reset[] = "\033[?1002l\033[?1003l\033[?1006l\033[?1000l\033[0m\033[?25h"
                                "\033[?1049l\r\n";
    if (curses_on) {
        ssize_t rc = write(STDOUT_FILENO, reset, sizeof(reset) - 1);
        (void)rc;
    }
}

static void on_fatal(int sig)
{
    restore_terminal_raw();
    signal(sig, SIG_DFL);
    raise(sig);
}

static void on_hangup(int sig)
{
    (void)sig;
    got_hangup = 1;
}

static void on_term(int sig)
{
    (void)sig;
    got_term = 1;
}

static void die(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

static void die(const char *fmt, ...)
{
    if (curses_on) {
        endwin();
        curses_on = false;
    }
    va_list ap;
    va_start(ap, fmt);
    fputs("weir: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(2);
}

/* WEIR_BENCH_LOG=FILE: one line per event, "KEY CPU_NS FULL", for
 * bench/canvas_bench.py.  CPU time covers handling the event and drawing. */
static FILE *bench_log;

static long long cpu_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static unsigned long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (unsigned long long)ts.tv_sec * 1000ull + (unsigned long long)ts.tv_nsec / 1000000ull;
}

static void mouse_on(void)
{
    mousemask(ALL_MOUSE_EVENTS | REPORT_MOUSE_POSITION, NULL);
    mouseinterval(0);
    refresh(); /* let curses send its own mouse setup first, then adjust it */
    /* Button-motion tracking (1002) for drags, not every pointer move (1003,
     * which REPORT_MOUSE_POSITION turns on); terminfo's XM only asks for
     * clicks.  SGR encoding (1006) works past column 223 and over SSH. */
    fputs("\033[?1003l\033[?1002h\033[?1006h", stdout);
    fflush(stdout);
}

static void terminal_start(void)
{
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
        die("the canvas needs a terminal (for scripts, use weir validate, weir graph, ...)");
    if (!getenv("ESCDELAY"))
        set_escdelay(25);
    if (!initscr())
        die("cannot start the terminal (TERM=%s)", getenv("TERM") ? getenv("TERM") : "");
    curses_on = true;
    /* A terminal that cannot move the cursor (TERM=dumb, an Emacs shell
     * buffer) would show garbage: say so instead. */
    const char *cup = tigetstr("cup");
    if (!cup || cup == (char *)-1)
        die("the canvas needs a terminal that can move the cursor (TERM=%s)",
            getenv("TERM") ? getenv("TERM") : "");
    raw();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    meta(stdscr, TRUE);
    style_init();
    mouse_on();
    wtimeout(stdscr, 200);
    curs_set(0);
    idlok(stdscr, TRUE); /* vertical pans become terminal scrolls */
}

static void terminal_stop(void)
{
    if (!curses_on)
        return;
    fputs("\033[?1002l\033[?1006l", stdout);
    fflush(stdout);
    mousemask(0, NULL);
    /* Without an alternate screen (TERM=linux has none) endwin would leave
     * the canvas on the terminal: clear it, as less and htop do; endwin then
     * leaves the cursor at the bottom-left. */
    const char *smcup = tigetstr("smcup");
    if (!smcup || smcup == (char *)-1 || !*smcup) {
        clear();
        refresh();
    }
    endwin();
    curses_on = false;
}

void app_push(app *a, view *v)
{
    if (a->n_views == MAX_VIEWS) {
        v->ops->destroy(v);
        return;
    }
    a->views[a->n_views++] = v;
    curs_set(0);
}

static void app_pop(app *a)
{
    if (!a->n_views)
        return;
    view *v = a->views[--a->n_views];
    v->ops->destroy(v);
    a->need_canvas = true;
    a->drawn_valid = false;
    curs_set(0);
}

void app_message(app *a, style_id s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(a->msg, sizeof(a->msg), fmt, ap);
    va_end(ap);
    a->msg_style = s;
}

ptrdiff_t app_find(const app *a, const char *id)
{
    return id ? pipeline_index_of(&a->d.p, id) : -1;
}

const char *app_sel_id(const app *a)
{
    return a->sel >= 0 && (size_t)a->sel < a->d.p.n_nodes ? a->d.p.nodes[a->sel].id : NULL;
}

void app_layout(app *a)
{
    getmaxyx(stdscr, a->rows, a->cols);
    a->top = 1;
    a->height = a->rows - 2 - a->preview_h;
    if (a->height < 1)
        a->height = 1;
    a->pane_w = editpane_width(a);
    a->need_canvas = true;
    a->drawn_valid = false;
    if (a->overview)
        a->need_pic = true;
}

void app_ensure_visible(app *a, ptrdiff_t idx, bool center)
{
    if (idx < 0 || (size_t)idx >= a->cv.n)
        return;
    const cbox *b = &a->cv.box[idx];
    int ox = a->view_x, oy = a->view_y;
    int cols = a->cols - a->pane_w; /* the editor pane takes the right */
    if (center || b->w + 4 > cols || b->h + 2 > a->height) {
        a->view_x = b->x + b->w / 2 - cols / 2;
        a->view_y = b->y + b->h / 2 - a->height / 2;
    } else if (b->x - 1 < a->view_x || b->x + b->w + 1 > a->view_x + cols || b->y < a->view_y ||
               b->y + b->h > a->view_y + a->height) {
        /* Off screen: jump so it is centred along the axis it left by, the
         * way editors scroll by half a screen.  The next few moves then stay
         * on screen, and each scroll costs a full repaint. */
        if (b->x - 1 < a->view_x || b->x + b->w + 1 > a->view_x + cols)
            a->view_x = b->x + b->w / 2 - cols / 2;
        if (b->y < a->view_y || b->y + b->h > a->view_y + a->height)
            a->view_y = b->y + b->h / 2 - a->height / 2;
    }
    if (a->view_x != ox || a->view_y != oy)
        a->need_canvas = true;
}

void app_select(app *a, ptrdiff_t idx)
{
    a->sel = idx;
    app_ensure_visible(a, idx, false);
}

void app_jump_to(app *a, const char *id)
{
    ptrdiff_t i = app_find(a, id);
    if (i >= 0) {
        a->sel = i;
        app_ensure_visible(a, i, true);
    }
}

void app_rebuild(app *a)
{
    canvas_free(&a->cv);
    picture_free(&a->pic);
    canvas_build(&a->cv, &a->d.p);
    /* The overview shrinks to compact boxes only when the graph does not
     * fit the screen as it is. */
    if (a->overview &&
        (a->cv.max_x - a->cv.min_x + 2 > a->cols || a->cv.max_y - a->cv.min_y + 2 > a->height)) {
        canvas_free(&a->cv);
        canvas_build_overview(&a->cv, &a->d.p, a->cols, a->height);
    }
    picture_build(&a->pic, &a->cv, a->d.badges, a->ascii);
    if (a->pic.clipped && !a->msg[0])
        app_message(a, STYLE_WARNING,
                    "the canvas is too spread out to draw in full; A arranges it compactly");
    if (a->sel >= (ptrdiff_t)a->d.p.n_nodes)
        a->sel = a->d.p.n_nodes ? (ptrdiff_t)a->d.p.n_nodes - 1 : -1;
    if (a->conn_from >= (ptrdiff_t)a->d.p.n_nodes)
        a->conn_from = -1;
    a->need_pic = false;
    a->need_canvas = true;
    a->drawn_valid = false;
}

static void journal_tick(app *a, bool force)
{
    if (!a->d.exists && a->d.p.n_nodes == 0)
        return; /* nothing worth recovering yet */
    if (a->d.journal_change == a->d.change)
        return;
    unsigned long long t = now_ms();
    if (!force && t - a->last_journal_ms < 300)
        return;
    a->last_journal_ms = t;
    if (!doc_dirty(&a->d)) {
        journal_remove(a->d.p.dir);
        a->d.journal_change = a->d.change;
        return;
    }
    char err[256];
    if (journal_write(&a->d.p, &a->d.origins, err, sizeof(err)))
        a->d.journal_change = a->d.change;
    else if (!force)
        app_message(a, STYLE_ERROR, "cannot write the recovery journal: %s", err);
}

static int dispatch_key(app *a, int key)
{
    if (a->dragging && a->drag_node >= 0) {
        /* A key during a drag (the release got lost): keep the move as it
         * is, so the edit is closed before anything else happens. */
        doc_commit(&a->d);
        a->dragging = false;
        a->drag_node = -1;
        a->need_pic = true;
    }
    if (a->n_views) {
        view *v = a->views[a->n_views - 1];
        action act = keymap_lookup(v->ops->mode, key);
        return v->ops->on_key(v, a, act, key);
    }
    if (editpane_focused())
        return editpane_key(a, key);
    action act = keymap_lookup(a->cmode, key);
    if (act == ACT_NONE)
        return 0;
    switch (a->cmode) {
    case MODE_PREVIEW:
        return previewpane_key(a, act);
    case MODE_MOVE:
        return commands_move(a, act);
    case MODE_CONNECT:
        return commands_connect(a, act);
    default:
        return commands_canvas(a, act);
    }
}

static int dispatch_mouse(app *a)
{
    MEVENT ev;
    if (getmouse(&ev) != OK)
        return 0;
    if (a->n_views) {
        view *v = a->views[a->n_views - 1];
        return v->ops->on_mouse ? v->ops->on_mouse(v, a, &ev) : 0;
    }
    int er;
    if (editpane_mouse(a, &ev, &er))
        return er;
    int pr = previewpane_mouse(a, &ev);
    if (pr)
        return pr;
    return mouse_canvas(a, &ev);
}

static void apply(app *a, int r)
{
    if (r & EV_CLOSE)
        app_pop(a);
    if (r & EV_RELAYOUT)
        a->need_pic = true;
    if (r & EV_SCROLL)
        a->need_canvas = true;
    if (r & EV_QUIT)
        a->running = false;
}

static void usage(FILE *out)
{
    fputs("usage: weir [--ascii] [DIR]   open the pipeline in DIR (default: .) on the canvas\n"
          "       weir --keys-markdown   print the key reference (docs/keys.md)\n"
          "       weir --help            list the commands\n",
          out);
}

int tui_main(int argc, char **argv)
{
    const char *dir = NULL;
    bool ascii = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--ascii") == 0) {
            ascii = true;
        } else if (strcmp(argv[i], "--keys-markdown") == 0) {
            keys_markdown(stdout);
            return 0;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            fprintf(stderr, "weir: unknown option %s\n", argv[i]);
            usage(stderr);
            return 2;
        } else if (!dir) {
            dir = argv[i];
        } else {
            usage(stderr);
            return 2;
        }
    }
    if (!dir)
        dir = ".";
    setlocale(LC_ALL, "");
    if (!uw_locale_is_utf8())
        ascii = true;
    keymap_init();
    /* The node types: the pipeline's own plugins, the user's, the shipped. */
    const node_registry *types = cli_use_plugins(dir, NULL);

    static app a; /* static: signal-time code and views reach it through here */
    memset(&a, 0, sizeof(a));
    a.ascii = ascii;
    a.sel = a.conn_from = a.drag_node = -1;
    a.drawn_sel = a.drawn_mark = -1;
    a.cmode = MODE_CANVAS;
    draw_set_ascii(ascii);
    char err[512];
    bool creating = false;
    if (!doc_load(&a.d, dir, err, sizeof(err))) {
        char *pf = fs_join(dir, "pipeline.yaml");
        bool exists = fs_exists(pf);
        free(pf);
        if (exists) {
            fprintf(stderr, "weir: cannot open %s: %s\n(run `weir validate %s` for details)\n", dir,
                    err, dir);
            doc_free(&a.d);
            return 1;
        }
        if (fs_exists(dir) && !fs_is_dir(dir)) {
            fprintf(stderr, "weir: %s is not a folder\n", dir);
            return 2;
        }
        doc_free(&a.d);
        char *name = startup_pipeline_name(dir);
        doc_new(&a.d, dir, name);
        free(name);
        creating = true;
    }
    canvas_autolayout(&a.d.p, true);

    signal(SIGHUP, on_hangup);
    signal(SIGTERM, on_term);
    signal(SIGINT, on_term);
    signal(SIGPIPE, SIG_IGN);
    signal(SIGSEGV, on_fatal);
    signal(SIGBUS, on_fatal);
    signal(SIGABRT, on_fatal);
    signal(SIGFPE, on_fatal);
    const char *blog = getenv("WEIR_BENCH_LOG");
    if (blog && *blog)
        bench_log = fopen(blog, "w");
    terminal_start();
    app_layout(&a);
    app_rebuild(&a);
    if (a.d.p.n_nodes) {
        size_t *order = canvas_topo_order(&a.d.p);
        a.sel = (ptrdiff_t)order[0];
        free(order);
        a.view_x = a.cv.min_x - 2;
        a.view_y = a.cv.min_y - 1;
        app_ensure_visible(&a, a.sel, false);
    }
    journal_note_disk(dir); /* what the journal's edits are made against */
    if (creating)
        startup_offer_create(&a);
    else
        startup_offer_recovery(&a); /* when there is a journal */
    if (!a.msg[0] && types->problems.n_errors + types->problems.n_warnings) {
        char first[300];
        diag_format(&types->problems.items[0], first, sizeof(first));
        app_message(&a, types->problems.n_errors ? STYLE_ERROR : STYLE_WARNING,
                    "plugins: %s%s", first,
                    types->problems.n > 1 ? " (weir plugins lists all)" : "");
    }
    if (!a.msg[0] && a.d.p.n_nodes == 0 && !creating)
        app_message(&a, STYLE_NORMAL, "an empty pipeline: a adds a node");

    a.running = true;
    screen_draw(&a);
    while (a.running) {
        /* while a preview runs, wake up often to poll it (a key still
         * returns at once) */
        int wait = editpane_timeout(); /* 200 ms, less while it debounces */
        wtimeout(stdscr, previewpane_busy() && wait > 25 ? 25 : wait);
        int key = input_get(stdscr);
        if (got_hangup || got_term) {
            journal_tick(&a, true);
            break;
        }
        if (key == KEY_NONE) {
            journal_tick(&a, false);
            int er = editpane_idle(&a);
            apply(&a, er);
            if ((previewpane_tick(&a) || er) && a.running)
                screen_draw(&a);
            continue;
        }
        int r;
        long long t0 = bench_log ? cpu_ns() : 0;
        if (key == KF(KEY_RESIZE)) {
            app_layout(&a);
            clearok(curscr, TRUE);
            r = EV_REDRAW;
        } else if (key == KF(KEY_MOUSE)) {
            r = dispatch_mouse(&a);
        } else {
            a.msg[0] = '\0';
            r = dispatch_key(&a, key);
        }
        apply(&a, r);
        if (a.running) {
            previewpane_tick(&a); /* follow the selection and edits */
            screen_draw(&a);
        }
        if (bench_log) {
            fprintf(bench_log, "%d %lld %d\n", key, cpu_ns() - t0, a.painted_all ? 1 : 0);
            fflush(bench_log);
        }
        if (a.running) /* quitting has settled the journal already */
            journal_tick(&a, false);
    }
    editpane_shutdown(&a);
    terminal_stop();
    if ((got_hangup || got_term) && doc_dirty(&a.d))
        fprintf(stderr, "weir: stopped by a signal; unsaved edits are in %s/.weir/journal\n",
                a.d.p.dir);
    if (bench_log)
        fclose(bench_log);
    while (a.n_views)
        app_pop(&a);
    previewpane_free(&a);
    canvas_free(&a.cv);
    picture_free(&a.pic);
    doc_free(&a.d);
    return 0;
}
