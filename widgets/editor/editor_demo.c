/* editor_demo: opens one file in the editor widget, full screen, so the
 * end-to-end tests can drive the widget in tmux before the canvas hosts it.
 * Built only with -Dtests=true; not installed.
 *
 *   editor_demo FILE [--lua] [--input ID:COL,COL...]... [--diag LINE:COL:MSG]...
 *               [--flag WORD]
 *   editor_demo --keys-markdown     the key table of docs/editor.md
 *
 * --flag stands in for live validation: after every change, each line that
 * contains WORD gets an error diagnostic at its column.
 * Ctrl-S saves with fs_write_atomic, F4 hands the file to $EDITOR and
 * reloads it, Esc / F10 quits. */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "editor.h"
#include "fsutil.h"
#include "util.h"

#define MAX_INPUTS 8
#define MAX_COLS 32
#define MAX_DIAGS 16

static cmp_table inputs[MAX_INPUTS];
static cmp_column cols[MAX_INPUTS][MAX_COLS];
static size_t ninputs;
static editor_diag diags[MAX_DIAGS];
static size_t ndiags;
static const char *flag_word;

/* The stand-in validator, run from the change callback. */
static void flag_lines(editor *ed, void *ud)
{
    (void)ud;
    size_t len, n = textbuf_line_count(editor_buffer(ed));
    editor_diag found[MAX_DIAGS];
    size_t nf = 0;
    static char msg[128];
    snprintf(msg, sizeof msg, "unknown word: %s", flag_word);
    for (size_t i = 0; i < n && nf < MAX_DIAGS; i++) {
        const char *s = textbuf_line(editor_buffer(ed), i, &len);
        size_t wl = strlen(flag_word);
        for (size_t k = 0; k + wl <= len; k++)
            if (memcmp(s + k, flag_word, wl) == 0) {
                found[nf++] = (editor_diag){(int)i + 1, (int)k + 1, false, msg};
                break;
            }
    }
    editor_set_diagnostics(ed, found, nf);
}

static void parse_input(char *spec)
{
    if (ninputs == MAX_INPUTS)
        return;
    char *colon = strchr(spec, ':');
    cmp_table *t = &inputs[ninputs];
    t->name = spec;
    t->cols = cols[ninputs];
    if (colon) {
        *colon = '\0';
        for (char *c = strtok(colon + 1, ","); c && t->ncols < MAX_COLS; c = strtok(NULL, ","))
            cols[ninputs][t->ncols++] = (cmp_column){c, "TEXT"};
    }
    ninputs++;
}

static void parse_diag(char *spec)
{
    if (ndiags == MAX_DIAGS)
        return;
    int line = 0, col = 0, off = 0;
    if (sscanf(spec, "%d:%d:%n", &line, &col, &off) >= 2 && off > 0)
        diags[ndiags++] = (editor_diag){line, col, false, spec + off};
}

static int load(editor *ed, const char *path, bool keep)
{
    char *data = NULL, err[256];
    size_t len = 0;
    if (fs_exists(path) && fs_read_file(path, 64u << 20, &data, &len, err, sizeof err) != 0) {
        fprintf(stderr, "editor_demo: %s: %s\n", path, err);
        return -1;
    }
    editor_set_text(ed, data ? data : "", len, keep);
    free(data);
    return 0;
}

static void save(editor *ed, const char *path)
{
    size_t len;
    char *text = editor_text(ed, &len), err[256];
    if (fs_write_atomic(path, text, len, err, sizeof err) == 0) {
        editor_set_clean(ed);
        editor_set_message(ed, "Saved");
    } else {
        editor_set_message(ed, err);
    }
    free(text);
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--keys-markdown") == 0) {
        size_t n;
        const editor_help *h = editor_help_table(&n);
        printf("| keys | action |\n|---|---|\n");
        for (size_t i = 0; i < n; i++)
            printf("| %s | %s |\n", h[i].keys, h[i].what);
        return 0;
    }
    if (argc < 2) {
        fprintf(stderr, "usage: editor_demo FILE [--lua] [--input ID:COL,...] [--diag L:C:MSG]\n");
        return 2;
    }
    const char *path = argv[1];
    editor_config cfg = editor_default_config();
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--lua") == 0)
            cfg.lang = HL_LANG_LUA;
        else if (strcmp(argv[i], "--input") == 0 && i + 1 < argc)
            parse_input(argv[++i]);
        else if (strcmp(argv[i], "--diag") == 0 && i + 1 < argc)
            parse_diag(argv[++i]);
        else if (strcmp(argv[i], "--flag") == 0 && i + 1 < argc)
            flag_word = argv[++i];
    }
    setlocale(LC_ALL, "");
    editor *ed = editor_new(&cfg);
    if (load(ed, path, false) != 0)
        return 1;
    editor_set_inputs(ed, inputs, ninputs);
    editor_set_diagnostics(ed, diags, ndiags);
    if (flag_word && *flag_word)
        editor_on_change(ed, flag_lines, NULL);

    initscr();
    raw();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    set_escdelay(25);
    editor_term_init();
    editor_paste_mode(stdout, true);
    bool redraw = true, pending = false;
    for (;;) {
        if (redraw) {
            editor_draw(ed, stdscr, 0, 0, LINES, COLS, true);
            wnoutrefresh(stdscr);
            doupdate();
            redraw = false;
        }
        wint_t ch;
        wtimeout(stdscr, pending ? 50 : -1);
        int r = wget_wch(stdscr, &ch);
        int f;
        if (r == ERR)
            f = pending ? editor_key(ed, ED_KEY_TIMEOUT, true) : 0;
        else if (r == KEY_CODE_YES && ch == KEY_RESIZE)
            f = ED_REDRAW;
        else
            f = editor_key(ed, ch, r == KEY_CODE_YES);
        pending = f & ED_PENDING;
        if (f & ED_SAVE)
            save(ed, path);
        if (f & ED_EXTERNAL) {
            char err[256] = "";
            save(ed, path);
            if (editor_external_edit(path, err, sizeof err) != 0)
                editor_set_message(ed, err);
            else if (load(ed, path, true) == 0)
                editor_set_message(ed, "Reloaded after $EDITOR");
        }
        if (f & ED_LEAVE)
            break;
        if (f & (ED_REDRAW | ED_SAVE | ED_EXTERNAL))
            redraw = true;
    }
    editor_paste_mode(stdout, false);
    endwin();
    editor_free(ed);
    return 0;
}
