/* editor_bench: CPU time per keystroke of the editor widget in a
 * 10,000-line SQL file (issue 4, point 9).
 *
 * The editor runs full screen on a curses terminal whose output goes to
 * /dev/null (the escape sequences are still produced, only not displayed).
 * Each keystroke is timed with CLOCK_THREAD_CPUTIME_ID around
 * editor_key + editor_draw + doupdate, i.e. from key to bytes for the
 * screen.  Scenarios: typing in the middle of the file, paging down, and
 * opening a block comment near the top (the worst case for the incremental
 * highlighter), and typing while the completion popup is open (each key
 * recomputes the candidates), and typing at the end of a 10,000-character
 * line (horizontal scrolling; costs grow with the line's length).  The floor draws the same screens
 * as plain text with waddnstr (no model, no tokenizer).  Each scenario runs RUNS times; the figures
 * are the median over runs of the per-run median (and p99, max).
 *
 *   editor_bench [ROWSxCOLS ...]     default: 24x80 50x200 */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "editor.h"

#define LINES_N 10000
#define KEYS 2000
#define RUNS 5

static char *make_sql(size_t *len)
{
    static const char *shapes[] = {
        "SELECT o.id, o.amount * 1.2 AS gross, c.name -- line %d",
        "  FROM orders o JOIN customers c ON o.customer_id = c.id",
        "  WHERE o.status = 'paid' AND o.created_at >= '2024-01-%02d'",
        "  /* block %d */ GROUP BY c.country HAVING COUNT(*) > 10",
        "  ORDER BY gross DESC LIMIT %d;",
        "",
    };
    size_t cap = (size_t)LINES_N * 80, n = 0;
    char *s = malloc(cap);
    for (int i = 0; i < LINES_N; i++) {
        n += (size_t)snprintf(s + n, cap - n, shapes[i % 6], i % 28 + 1);
        s[n++] = '\n';
    }
    *len = n;
    return s;
}

static double now_cpu(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6; /* ms */
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

typedef struct stats {
    double median, p99, max;
} stats;

static stats summarize(double *t, size_t n)
{
    qsort(t, n, sizeof *t, cmp_double);
    return (stats){t[n / 2], t[n * 99 / 100], t[n - 1]};
}

typedef enum {
    SC_TYPE_MIDDLE,
    SC_PAGE_DOWN,
    SC_COMMENT_TOP,
    SC_COMPLETE,
    SC_LONG_LINE,
    SC_FLOOR,
    SC_COUNT
} scenario;
static const char *names[SC_COUNT] = {"type in the middle (line 5000)",
                                      "page down",
                                      "open/close /* at line 3",
                                      "type with completion open",
                                      "type at the end of a 10k-char line",
                                      "floor: plain redraw"};

static const cmp_column order_cols[] = {{"id", "INTEGER"},
                                        {"amount", "REAL"},
                                        {"status", "TEXT"},
                                        {"created_at", "TEXT"},
                                        {"customer_id", "INTEGER"}};
static const cmp_column customer_cols[] = {
    {"id", "INTEGER"}, {"name", "TEXT"}, {"country", "TEXT"}};
static const cmp_table inputs[] = {{"orders", order_cols, 5}, {"customers", customer_cols, 3}};

static void draw(editor *ed)
{
    editor_draw(ed, stdscr, 0, 0, LINES, COLS, true);
    wnoutrefresh(stdscr);
    doupdate();
}

/* The floor: the same lines as plain text, one waddnstr per row. */
static void draw_plain(editor *ed, size_t top)
{
    textbuf *tb = editor_buffer(ed);
    for (int y = 0; y < LINES; y++) {
        size_t len;
        const char *s = textbuf_line(tb, top + (size_t)y, &len);
        wmove(stdscr, y, 0);
        waddnstr(stdscr, s, (int)len < COLS ? (int)len : COLS);
        wclrtoeol(stdscr);
    }
    wnoutrefresh(stdscr);
    doupdate();
}

static stats run(scenario sc, const char *text, size_t len)
{
    editor *ed = editor_new(NULL);
    editor_set_text(ed, text, len, false);
    editor_set_inputs(ed, inputs, 2);
    static const char *type = "select amount, country from orders where x = 1\n";
    static double t[KEYS];
    if (sc == SC_TYPE_MIDDLE)
        editor_set_text(ed, text, len, false), textbuf_goto_line(editor_buffer(ed), 5000);
    if (sc == SC_COMMENT_TOP) { /* "|* x": typing '/' opens a comment */
        textbuf_goto_line(editor_buffer(ed), 3);
        textbuf_paste_text(editor_buffer(ed), "* x", 3);
        textbuf_set_cursor(editor_buffer(ed), (tb_pos){2, 0}, false);
    }
    if (sc == SC_COMPLETE) { /* line 5000 is "  FROM orders o JOIN ..." */
        textbuf_goto_line(editor_buffer(ed), 5000);
        editor_key(ed, KEY_END, true);
        editor_key(ed, ' ', false);
        editor_key(ed, 'o', false);
        editor_key(ed, '.', false);
        editor_key(ed, 0, false); /* Ctrl-Space: the popup with orders' columns */
    }
    if (sc == SC_LONG_LINE) { /* horizontal scrolling, one long line */
        static char long_line[10000];
        for (size_t i = 0; i < sizeof long_line; i++)
            long_line[i] = "SELECT a, 'x', 42 -- "[i % 21];
        textbuf_paste_text(editor_buffer(ed), long_line, sizeof long_line);
    }
    draw(ed);
    size_t top = 0;
    for (int k = 0; k < KEYS; k++) {
        double t0 = now_cpu();
        switch (sc) {
        case SC_TYPE_MIDDLE: /* the text and its newline */
            editor_key(ed, (unsigned char)type[k % 47], false);
            break;
        case SC_LONG_LINE: /* the text, no newline: the line grows */
            editor_key(ed, (unsigned char)type[k % 46], false);
            break;
        case SC_PAGE_DOWN:
            if (editor_key(ed, KEY_NPAGE, true) &&
                textbuf_cursor(editor_buffer(ed)).line + 1 >= textbuf_line_count(editor_buffer(ed)))
                textbuf_goto_line(editor_buffer(ed), 1);
            break;
        case SC_COMMENT_TOP:
            /* alternately open and close a block comment: every line below
             * changes state, the screen must be retokenized */
            editor_key(ed, k % 2 ? 127 : '/', false);
            break;
        case SC_COMPLETE:
            /* each key refilters the open popup: "o.a" then "o." */
            editor_key(ed, k % 2 ? 127 : 'a', false);
            if (!editor_popup_open(ed))
                editor_key(ed, 0, false);
            break;
        default:
            break;
        }
        if (sc == SC_FLOOR) {
            top = (top + (size_t)LINES) % (LINES_N - (size_t)LINES);
            draw_plain(ed, top);
        } else {
            draw(ed);
        }
        t[k] = now_cpu() - t0;
    }
    editor_free(ed);
    return summarize(t, KEYS);
}

static void bench_size(int rows, int cols, const char *text, size_t len)
{
    resizeterm(rows, cols);
    printf("\nscreen %dx%d, %d lines, %d keystrokes x %d runs (ms CPU per keystroke)\n", rows, cols,
           LINES_N, KEYS, RUNS);
    printf("%-34s %8s %8s %8s\n", "scenario", "median", "p99", "max");
    for (int sc = 0; sc < SC_COUNT; sc++) {
        stats r[RUNS];
        double med[RUNS], p99[RUNS], mx[RUNS];
        for (int i = 0; i < RUNS; i++) {
            r[i] = run((scenario)sc, text, len);
            med[i] = r[i].median;
            p99[i] = r[i].p99;
            mx[i] = r[i].max;
        }
        stats m = summarize(med, RUNS), p = summarize(p99, RUNS), x = summarize(mx, RUNS);
        printf("%-34s %8.4f %8.4f %8.4f\n", names[sc], m.median, p.median, x.median);
    }
}

int main(int argc, char **argv)
{
    setlocale(LC_ALL, "C.UTF-8");
    size_t len;
    char *text = make_sql(&len);
    FILE *out = fopen("/dev/null", "w"), *in = fopen("/dev/null", "r");
    SCREEN *scr = newterm("xterm-256color", out, in);
    if (!scr) {
        fprintf(stderr, "editor_bench: cannot open a terminal (TERM xterm-256color)\n");
        return 1;
    }
    editor_term_init();
    if (argc < 2) {
        bench_size(24, 80, text, len);
        bench_size(50, 200, text, len);
    }
    for (int i = 1; i < argc; i++) {
        int r, c;
        if (sscanf(argv[i], "%dx%d", &r, &c) == 2 && r > 2 && c > 10)
            bench_size(r, c, text, len);
    }
    endwin();
    delscreen(scr);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("\npeak RSS %ld KiB\n", ru.ru_maxrss);
    free(text);
    return 0;
}
