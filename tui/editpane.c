/* editpane: the SQL / Lua editor pane beside the canvas (see editpane.h). */
#include "editpane.h"

#include <ctype.h>
#include <lauxlib.h>
#include <lua.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "app.h"
#include "diskmark.h"
#include "draw.h"
#include "editor.h"
#include "fsutil.h"
#include "input.h"
#include "journal.h"
#include "nodetypes.h"
#include "preview.h"
#include "previewpane.h"
#include "util.h"
#include "uwidth.h"

enum {
    DEBOUNCE_MS = 250,    /* validation runs this long after the last change */
    PANE_MIN_CANVAS = 30, /* the canvas keeps at least this many columns */
    PANE_MIN = 24,        /* narrower than this, the pane opens full screen */
    PANE_MAX = 100,
    MAX_DIAGS = 64,
    DISK_CHECK_MS = 500, /* a clean buffer follows the file on disk this often */
};

typedef struct editpane {
    editor *ed;
    char *node_id; /* the node whose file is open */
    char *rel;     /* its file, relative to the pipeline folder */
    char *full;
    hl_lang lang;
    bool open, focused, full_screen;
    bool term_ready;
    bool pending;              /* the widget is inside an escape sequence */
    bool skip_draw;            /* the last key changed nothing on screen (a paste in progress) */
    unsigned long long due_ms; /* validation due at; 0 = none */
    preview_engine *eng;
    bool eng_synced;
    unsigned long eng_change;     /* the doc change the engine's copy reflects */
    unsigned long checked_change; /* the doc change the last validation saw */
    char *missing;                /* a node the SQL reads that is not an input */
    sql_reads reads;              /* what the buffer's SQL reads (when it prepares) */
    bool reads_ok;
    char *pending_open; /* node to open once the "unsaved" question is answered */
    char *recover;      /* journalled text offered back, until answered */
    size_t recover_len;
    disk_mark mark;             /* the file as last read or written */
    unsigned long long disk_ms; /* next idle look at the file on disk */
    char *msgs[MAX_DIAGS];
    size_t n_msgs;
} editpane;

static editpane ep;

static unsigned long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (unsigned long long)ts.tv_sec * 1000ull + (unsigned long long)ts.tv_nsec / 1000000ull;
}

static node *cur_node(app *a)
{
    return ep.node_id ? pipeline_find(&a->d.p, ep.node_id) : NULL;
}

bool editpane_is_open(void)
{
    return ep.open;
}

bool editpane_focused(void)
{
    return ep.open && ep.focused;
}

bool editpane_dirty(void)
{
    return ep.open && editor_dirty(ep.ed);
}

int editpane_width(const app *a)
{
    if (!ep.open)
        return 0;
    int w = a->cols > 120 ? a->cols * 45 / 100 : a->cols / 2;
    if (w > PANE_MAX)
        w = PANE_MAX;
    if (a->cols - w < PANE_MIN_CANVAS)
        w = a->cols - PANE_MIN_CANVAS;
    return w < PANE_MIN ? 0 : w;
}

/* Full screen when asked, or when the terminal is too narrow for a pane. */
static bool full_now(const app *a)
{
    return ep.full_screen || (ep.focused && a->pane_w == 0);
}

/* ---- the preview engine: input schemas, SQL checks ---------------------- */

static void engine_sync(app *a)
{
    if (!ep.eng)
        ep.eng = preview_engine_new(NULL);
    if (ep.eng_synced && ep.eng_change == a->d.change)
        return;
    preview_engine_set_pipeline(ep.eng, &a->d.p);
    ep.eng_synced = true;
    ep.eng_change = a->d.change;
}

/* The inputs' schemas, running them on their samples when not cached yet
 * (sample data is small: this is milliseconds).  out has n->n_inputs
 * entries, empty where unknown. */
static void input_schemas(app *a, const node *n, pv_schema *out)
{
    engine_sync(a);
    for (size_t k = 0; k < n->n_inputs; k++) {
        memset(&out[k], 0, sizeof(out[k]));
        if (preview_schema(ep.eng, n->inputs[k], &out[k]))
            continue;
        preview_result r;
        preview_run(ep.eng, n->inputs[k], &r);
        preview_result_free(&r);
        if (!preview_schema(ep.eng, n->inputs[k], &out[k]))
            memset(&out[k], 0, sizeof(out[k]));
    }
}

/* Highlighting and completion: the inputs' ids and columns. */
static void set_inputs(app *a, const node *n)
{
    size_t ni = n->n_inputs;
    pv_schema *s = xcalloc(ni ? ni : 1, sizeof(*s));
    cmp_table *t = xcalloc(ni ? ni : 1, sizeof(*t));
    cmp_column **cols = xcalloc(ni ? ni : 1, sizeof(*cols));
    input_schemas(a, n, s);
    for (size_t k = 0; k < ni; k++) {
        cols[k] = xcalloc(s[k].n ? s[k].n : 1, sizeof(cmp_column));
        for (size_t c = 0; c < s[k].n; c++)
            cols[k][c] = (cmp_column){s[k].cols[c].name, pv_type_name(s[k].cols[c].type)};
        t[k] = (cmp_table){n->inputs[k], cols[k], s[k].n};
    }
    editor_set_inputs(ep.ed, t, ni); /* copies */
    for (size_t k = 0; k < ni; k++) {
        free(cols[k]);
        pv_schema_free(&s[k]);
    }
    free(cols);
    free(t);
    free(s);
}

/* ---- validation ------------------------------------------------------- */

static void clear_msgs(void)
{
    for (size_t i = 0; i < ep.n_msgs; i++)
        free(ep.msgs[i]);
    ep.n_msgs = 0;
}

/* Lua: compile only, in a bare state with no libraries (nothing runs, so a
 * loop at the top of the file cannot hang the UI).  The preview engine's
 * sandbox runs the file when the node is previewed. */
static void lua_check(const char *text, size_t len, diag_list *dl)
{
    lua_State *L = luaL_newstate();
    if (!L)
        return;
    char chunk[512];
    snprintf(chunk, sizeof(chunk), "=%s", ep.rel);
    if (luaL_loadbufferx(L, text, len, chunk, "t") != LUA_OK) {
        const char *m = lua_tostring(L, -1);
        m = m ? m : "does not compile";
        size_t rl = strlen(ep.rel);
        int line = 0;
        if (strncmp(m, ep.rel, rl) == 0 && m[rl] == ':') {
            line = atoi(m + rl + 1);
            const char *p = strchr(m + rl + 1, ':');
            if (p) {
                m = p + 1;
                while (*m == ' ')
                    m++;
            }
        }
        diag_add(dl, DIAG_ERROR, ep.rel, line, 0, ep.node_id, "%s", m);
    }
    lua_close(L);
}

/* The node a "no such table" / "not an input" error names, if it is a node
 * of the pipeline that could become an input of this one. */
static char *missing_input(app *a, const char *msg)
{
    char name[256] = "";
    const char *p;
    if ((p = strstr(msg, "no such table: "))) {
        p += strlen("no such table: ");
        size_t n = strcspn(p, " \t\n,;)");
        snprintf(name, sizeof(name), "%.*s", (int)n, p);
    } else if (msg[0] == '\'' && (p = strstr(msg, "' is not an input"))) {
        snprintf(name, sizeof(name), "%.*s", (int)(p - msg - 1), msg + 1);
    }
    if (!name[0] || !pipeline_find(&a->d.p, name))
        return NULL;
    if (!edit_can_connect(&a->d.p, name, ep.node_id, &p))
        return NULL;
    return xstrdup(name);
}

/* Where word first appears in the buffer as a whole word (1-based), for
 * errors SQLite does not position.  Leaves line/col alone when absent. */
static void find_word(const char *word, int *line, int *col)
{
    textbuf *tb = editor_buffer(ep.ed);
    size_t wl = strlen(word), n = textbuf_line_count(tb), len;
    for (size_t i = 0; i < n; i++) {
        const char *s = textbuf_line(tb, i, &len);
        for (size_t k = 0; k + wl <= len; k++) {
            if (strncasecmp(s + k, word, wl) != 0)
                continue;
            bool before = k > 0 && (isalnum((unsigned char)s[k - 1]) || s[k - 1] == '_');
            bool after = k + wl < len && (isalnum((unsigned char)s[k + wl]) || s[k + wl] == '_');
            if (!before && !after) {
                *line = (int)i + 1;
                *col = (int)k + 1;
                return;
            }
        }
    }
}

static void ej_write(app *a);

/* The canvas renamed the node: its code origin still names our file, so
 * take its new id.  Once the canvas's save has moved the file to the
 * node's new path, follow the file there. */
static void follow_node(app *a)
{
    if (!ep.open)
        return;
    if (!cur_node(a))
        for (size_t i = 0; i < a->d.p.n_nodes; i++) {
            const char *o = code_origins_get(&a->d.origins, a->d.p.nodes[i].id);
            if (o && strcmp(o, ep.rel) == 0) {
                free(ep.node_id);
                ep.node_id = xstrdup(a->d.p.nodes[i].id);
                break;
            }
        }
    const node *n = cur_node(a);
    const node_type *t = n ? node_type_find(n->kind, n->type) : NULL;
    const char *want = t && t->code_setting ? node_setting_text(n, t->code_setting) : NULL;
    if (want && strcmp(want, ep.rel) != 0 && !fs_exists(ep.full) &&
        fs_check_inside(a->d.p.dir, want, false) == PATH_OK) {
        free(ep.rel);
        free(ep.full);
        ep.rel = xstrdup(want);
        ep.full = fs_join(a->d.p.dir, want);
    }
}

static void validate(app *a)
{
    ep.due_ms = 0;
    ep.checked_change = a->d.change;
    follow_node(a);
    free(ep.missing);
    ep.missing = NULL;
    clear_msgs();
    node *n = cur_node(a);
    if (!n)
        return;
    size_t len;
    char *text = editor_text(ep.ed, &len);
    diag_list dl;
    diag_list_init(&dl);
    if (ep.lang == HL_LANG_LUA) {
        lua_check(text, len, &dl);
    } else {
        bool resync = !ep.eng_synced || ep.eng_change != a->d.change;
        if (resync) /* the inputs may have changed: new columns to complete */
            set_inputs(a, n);
        pv_schema s;
        sql_reads r;
        memset(&r, 0, sizeof(r));
        ep.reads_ok = preview_sql_check(ep.eng, n->id, text, &s, &r, &dl);
        pv_schema_free(&s);
        sql_reads_free(&ep.reads);
        ep.reads = r;
    }
    free(text);
    editor_diag out[MAX_DIAGS];
    size_t no = 0;
    for (size_t i = 0; i < dl.n && no < MAX_DIAGS; i++) {
        const diag *d = &dl.items[i];
        /* This file's problem (SQLite gives no position for some, e.g. a
         * missing table), or an input's that failed to run. */
        bool here = (d->path && strcmp(d->path, ep.rel) == 0) ||
                    (d->node_id && strcmp(d->node_id, ep.node_id) == 0);
        int line = here && d->line > 0 ? d->line : 1, col = here ? d->col : 0;
        char *m;
        if (!ep.missing && here && (ep.missing = missing_input(a, d->message))) {
            /* the offer first: the status line may be narrow */
            m = xasprintf("Ctrl-N adds input %s: %s", ep.missing, d->message);
            if (d->line <= 0)
                find_word(ep.missing, &line, &col);
        } else if (here) {
            m = xstrdup(d->message);
        } else {
            m = xasprintf("%s%s%s", d->node_id ? d->node_id : (d->path ? d->path : ""),
                          d->node_id || d->path ? ": " : "", d->message);
        }
        ep.msgs[ep.n_msgs++] = m;
        out[no++] = (editor_diag){line, col, d->severity != DIAG_ERROR, m};
    }
    editor_set_diagnostics(ep.ed, out, no);
    diag_list_free(&dl);
    ej_write(a);
}

/* ---- the editor's journal --------------------------------------------
 * Unsaved editor text goes to one journal per file, in
 * DIR/.weir/editor-journals/<the relative path, %-escaped> (next to the
 * canvas's journal, git-ignored the same way): "weir-editor 1\n", the file
 * (relative), "\n", then the text; written with fs_write_atomic when
 * validation runs (debounced) and at exit while the buffer is unsaved.
 * Opening a file whose journal differs from disk offers the text back.
 *
 * Text is never lost: each file has its own journal, so another node's
 * typing cannot overwrite it; while the offer is pending the buffer takes
 * no keys (Esc, "later", closes the editor and keeps the journal); and a
 * journal is removed only after its text was saved to the file, the user
 * discarded it (n on the offer, d on an unsaved-changes question, or r on
 * "changed on disk"), or the buffer equals the file again.  The single
 * DIR/.weir/editor-journal of earlier versions is still read and offered. */

#define EJ_MAGIC "weir-editor 1\n"
#define EJ_DIR JOURNAL_DIR "/editor-journals"

/* The journal of the open file (caller frees). */
static char *ej_path(app *a)
{
    strbuf b;
    strbuf_init(&b);
    strbuf_printf(&b, "%s/%s/", a->d.p.dir, EJ_DIR);
    size_t base = b.len;
    for (const unsigned char *c = (const unsigned char *)ep.rel; *c; c++) {
        if (isalnum(*c) || *c == '.' || *c == '_' || *c == '-')
            strbuf_printf(&b, "%c", *c);
        else
            strbuf_printf(&b, "%%%02X", *c);
    }
    if (b.len - base > 200) { /* too long for a file name: a hash names it */
        uint64_t h = 1469598103934665603ull;
        for (const unsigned char *c = (const unsigned char *)ep.rel; *c; c++)
            h = (h ^ *c) * 1099511628211ull;
        b.len = base;
        strbuf_printf(&b, "long-%016llx", (unsigned long long)h);
    }
    return strbuf_detach(&b);
}

static char *ej_legacy_path(app *a)
{
    return fs_join(a->d.p.dir, JOURNAL_DIR "/editor-journal");
}

/* The text of the journal at p when it belongs to ep.rel (caller frees). */
static char *ej_load(const char *p, size_t *len)
{
    char *data = NULL, err[256], *out = NULL;
    size_t n = 0;
    if (fs_exists(p) &&
        fs_read_file(p, PREVIEW_MAX_CODE_FILE + 4096, &data, &n, err, sizeof(err)) == 0) {
        size_t ml = strlen(EJ_MAGIC), rl = strlen(ep.rel);
        if (n >= ml + rl + 1 && memcmp(data, EJ_MAGIC, ml) == 0 &&
            memcmp(data + ml, ep.rel, rl) == 0 && data[ml + rl] == '\n') {
            size_t off = ml + rl + 1;
            *len = n - off;
            out = xmalloc(*len + 1);
            memcpy(out, data + off, *len);
            out[*len] = '\0';
        }
    }
    free(data);
    return out;
}

/* Remove the open file's journals (other files' stay until they are
 * opened).  Only after a save or a discard: see above. */
static void ej_remove(app *a)
{
    if (!ep.rel)
        return;
    char *paths[2] = {ej_path(a), ej_legacy_path(a)};
    for (int i = 0; i < 2; i++) {
        size_t n;
        char *text = ej_load(paths[i], &n);
        if (text)
            remove(paths[i]);
        free(text);
        free(paths[i]);
    }
}

static void ej_write(app *a)
{
    if (!ep.open || ep.recover)
        return; /* the journal is on offer (and the buffer takes no keys) */
    if (!editor_dirty(ep.ed)) {
        ej_remove(a);
        return;
    }
    char err[256];
    char *wdir = fs_join(a->d.p.dir, JOURNAL_DIR);
    char *ign = fs_join(wdir, ".gitignore");
    char *dir = fs_join(a->d.p.dir, EJ_DIR);
    if (fs_mkdirs(dir, err, sizeof(err)) == 0) {
        if (!fs_exists(ign))
            fs_write_atomic(ign, "*\n", 2, err, sizeof(err));
        size_t len;
        char *text = editor_text(ep.ed, &len);
        strbuf b;
        strbuf_init(&b);
        strbuf_printf(&b, EJ_MAGIC "%s\n", ep.rel);
        strbuf_add(&b, text, len);
        size_t blen = b.len;
        char *all = strbuf_detach(&b);
        char *p = ej_path(a);
        fs_write_atomic(p, all, blen, err, sizeof(err));
        free(p);
        free(all);
        free(text);
    }
    free(dir);
    free(ign);
    free(wdir);
}

/* The journalled text for ep.rel, when it differs from disk (caller frees):
 * its own journal first, then the single journal of earlier versions. */
static char *ej_read(app *a, const char *disk, size_t disk_len, size_t *len)
{
    char *paths[2] = {ej_path(a), ej_legacy_path(a)};
    char *out = NULL;
    for (int i = 0; i < 2; i++) {
        if (!out && (out = ej_load(paths[i], len)) && *len == disk_len &&
            memcmp(out, disk, disk_len) == 0) {
            free(out); /* the same as the file: nothing to offer */
            out = NULL;
        }
        free(paths[i]);
    }
    return out;
}

static void close_now(app *a);

static int recover_done(app *a, int key, void *ctx)
{
    (void)ctx;
    if (key != 'y' && key != 'n') {
        /* later: the journal stays as it is, and so must the buffer (typing
         * now would be journalled over it), so the editor closes */
        if (ep.open)
            close_now(a);
        app_message(a, STYLE_DIM, "the unsaved text is kept; e offers it again");
        return EV_CLOSE | EV_SCROLL | EV_REDRAW;
    }
    char *text = ep.recover;
    ep.recover = NULL;
    if (key == 'y' && ep.open && text) {
        textbuf *tb = editor_buffer(ep.ed);
        size_t last = textbuf_line_count(tb) - 1, ll;
        textbuf_line(tb, last, &ll);
        /* one undo step back to the file on disk, and unsaved */
        textbuf_replace(tb, (tb_pos){0, 0}, (tb_pos){last, ll}, text, ep.recover_len);
        textbuf_set_cursor(tb, (tb_pos){0, 0}, false);
        editor_set_message(ep.ed, "recovered the unsaved text (Ctrl-Z: the file on disk)");
        validate(a);
    } else if (key == 'n') {
        ej_remove(a);
    }
    free(text);
    return EV_CLOSE | EV_REDRAW;
}

static void on_change(editor *ed, void *ud)
{
    (void)ed;
    (void)ud;
    ep.due_ms = now_ms() + DEBOUNCE_MS;
}

/* ---- opening and closing ---------------------------------------------- */

static void term_setup(void)
{
    if (ep.term_ready)
        return;
    editor_term_init();
    editor_paste_mode(stdout, true);
    ep.term_ready = true;
}

static void set_styles(void)
{
    if (!style_has_color())
        return; /* the widget's monochrome defaults */
    editor_set_style(ep.ed, ED_STYLE_KEYWORD, style_attr(STYLE_HEADING) | A_BOLD);
    editor_set_style(ep.ed, ED_STYLE_STRING, style_attr(STYLE_OK));
    editor_set_style(ep.ed, ED_STYLE_COMMENT, style_attr(STYLE_DIM));
    editor_set_style(ep.ed, ED_STYLE_NUMBER, style_attr(STYLE_WARNING));
    editor_set_style(ep.ed, ED_STYLE_INPUT_ID, style_attr(STYLE_SOURCE) | A_UNDERLINE);
    editor_set_style(ep.ed, ED_STYLE_LINENO, style_attr(STYLE_DIM));
    editor_set_style(ep.ed, ED_STYLE_GUTTER_ERROR, style_attr(STYLE_ERROR) | A_BOLD);
    editor_set_style(ep.ed, ED_STYLE_STATUS_ERROR, style_attr(STYLE_ERROR) | A_REVERSE);
}

/* The open file's names and its missing-file note. */
static void forget_file(void)
{
    free(ep.node_id);
    free(ep.rel);
    free(ep.full);
    free(ep.missing);
    ep.node_id = ep.rel = ep.full = ep.missing = NULL;
}

static void close_now(app *a)
{
    if (!ep.recover)
        ej_remove(a); /* the text was saved or discarded */
    free(ep.recover);
    ep.recover = NULL;
    editor_free(ep.ed);
    ep.ed = NULL;
    forget_file();
    sql_reads_free(&ep.reads);
    memset(&ep.reads, 0, sizeof(ep.reads));
    clear_msgs();
    ep.open = ep.focused = ep.full_screen = ep.pending = false;
    ep.due_ms = 0;
    app_layout(a);
    app_ensure_visible(a, a->sel, false);
}

/* The text a new file starts with: edit_starter_body, with the first
 * input's columns when they are known. */
static char *template_for(app *a, const node *n)
{
    pv_schema s;
    memset(&s, 0, sizeof(s));
    const node_type *t = node_type_find(n->kind, n->type);
    if (n->n_inputs && t && t->code_lang && strcmp(t->code_lang, "sql") == 0) {
        engine_sync(a);
        preview_result r;
        if (!preview_schema(ep.eng, n->inputs[0], &s)) {
            preview_run(ep.eng, n->inputs[0], &r);
            preview_result_free(&r);
            if (!preview_schema(ep.eng, n->inputs[0], &s))
                memset(&s, 0, sizeof(s));
        }
    }
    const char **cols = xcalloc(s.n ? s.n : 1, sizeof(*cols));
    for (size_t i = 0; i < s.n; i++)
        cols[i] = s.cols[i].name;
    char *body = edit_starter_body(n, cols, s.n);
    free(cols);
    pv_schema_free(&s);
    return body;
}

static int do_open(app *a, size_t idx)
{
    node *n = &a->d.p.nodes[idx];
    const node_type *t = node_type_find(n->kind, n->type);
    if (n->kind != NODE_TRANSFORM || !t || !t->code_setting) {
        app_message(a, STYLE_WARNING, "%s has no SQL or Lua file to edit", n->id);
        return EV_REDRAW;
    }
    const char *rel = node_setting_text(n, t->code_setting);
    if (!rel || !*rel) {
        app_message(a, STYLE_WARNING, "%s has no %s file set: i edits its settings", n->id,
                    t->code_setting);
        return EV_REDRAW;
    }
    if (fs_check_inside(a->d.p.dir, rel, false) != PATH_OK) {
        app_message(a, STYLE_ERROR, "%s is not inside the pipeline folder", rel);
        return EV_REDRAW;
    }
    char *full = fs_join(a->d.p.dir, rel);
    char *data = NULL, err[256];
    size_t len = 0;
    bool fresh = !fs_exists(full);
    if (!fresh && fs_read_file(full, PREVIEW_MAX_CODE_FILE, &data, &len, err, sizeof(err)) != 0) {
        app_message(a, STYLE_ERROR, "cannot open %s: %s", rel, err);
        free(full);
        return EV_REDRAW;
    }
    if (ep.open)
        close_now(a);
    term_setup();
    ep.lang = t->code_lang && strcmp(t->code_lang, "lua") == 0 ? HL_LANG_LUA : HL_LANG_SQL;
    editor_config cfg = editor_default_config();
    cfg.lang = ep.lang;
    if (ep.lang == HL_LANG_LUA)
        cfg.text.tab_width = 2;
    ep.ed = editor_new(&cfg);
    set_styles();
    ep.node_id = xstrdup(n->id);
    ep.rel = xstrdup(rel);
    ep.full = full;
    ep.open = ep.focused = true;
    diskmark_set(&ep.mark, full, fresh ? NULL : (data ? data : ""), len);
    ep.disk_ms = now_ms() + DISK_CHECK_MS;
    if (fresh) {
        data = template_for(a, n);
        len = strlen(data);
    }
    editor_set_text(ep.ed, data ? data : "", len, false);
    free(ep.recover);
    ep.recover = ej_read(a, data ? data : "", len, &ep.recover_len);
    free(data);
    editor_on_change(ep.ed, on_change, NULL);
    set_inputs(a, n);
    validate(a);
    if (fresh)
        editor_set_message(ep.ed, "new file (template)");
    app_layout(a);
    app_ensure_visible(a, (ptrdiff_t)idx, false);
    if (ep.recover) {
        char body[700];
        snprintf(body, sizeof(body),
                 "The last session left unsaved text for %s (%zu bytes).\nRecover it?", ep.rel,
                 ep.recover_len);
        confirm_open(a, "recover", body, "y recover  n drop it  Esc later (closes)", "yn",
                     recover_done, NULL);
    }
    return EV_SCROLL | EV_REDRAW;
}

static bool save_buffer(app *a);

static int switch_done(app *a, int key, void *ctx)
{
    (void)ctx;
    char *id = ep.pending_open;
    ep.pending_open = NULL;
    int r = EV_CLOSE | EV_REDRAW;
    ptrdiff_t idx = app_find(a, id);
    if ((key == 's' && save_buffer(a)) || key == 'd') {
        if (key == 'd')
            editor_set_clean(ep.ed);
        if (idx >= 0)
            r |= do_open(a, (size_t)idx);
    }
    free(id);
    return r;
}

int editpane_open(app *a, size_t idx)
{
    const node *n = &a->d.p.nodes[idx];
    if (ep.open && strcmp(ep.node_id, n->id) == 0) {
        ep.focused = true;
        return EV_SCROLL | EV_REDRAW;
    }
    if (ep.open && editor_dirty(ep.ed)) {
        free(ep.pending_open);
        ep.pending_open = xstrdup(n->id);
        char body[600];
        snprintf(body, sizeof(body), "%s has unsaved changes.\nSave them before opening %s?",
                 ep.rel, n->id);
        confirm_open(a, "unsaved changes", body, "s save  d discard  Esc stay", "sd", switch_done,
                     NULL);
        return EV_REDRAW;
    }
    return do_open(a, idx);
}

static int close_done(app *a, int key, void *ctx)
{
    (void)ctx;
    if (key == 's' && !save_buffer(a))
        return EV_CLOSE | EV_REDRAW;
    if (key == 's' || key == 'd') {
        editor_set_clean(ep.ed);
        close_now(a);
        return EV_CLOSE | EV_SCROLL | EV_REDRAW;
    }
    return EV_CLOSE | EV_REDRAW;
}

int editpane_close(app *a)
{
    if (!ep.open) {
        app_message(a, STYLE_DIM, "no editor is open (e on a SQL or Lua transform opens one)");
        return EV_REDRAW;
    }
    if (editor_dirty(ep.ed)) {
        char body[600];
        snprintf(body, sizeof(body), "%s has unsaved changes.\nSave them before closing?", ep.rel);
        confirm_open(a, "unsaved changes", body, "s save and close  d discard  Esc stay", "sd",
                     close_done, NULL);
        return EV_REDRAW;
    }
    close_now(a);
    return EV_SCROLL | EV_REDRAW;
}

int editpane_toggle_full(app *a)
{
    if (!ep.open) {
        app_message(a, STYLE_DIM, "no editor is open (e on a SQL or Lua transform opens one)");
        return EV_REDRAW;
    }
    ep.full_screen = !ep.full_screen;
    if (ep.full_screen)
        ep.focused = true;
    a->need_canvas = true;
    a->drawn_valid = false;
    return EV_SCROLL | EV_REDRAW;
}

/* ---- saving, inputs that follow the SQL ---------------------------------- */

static bool write_buffer(app *a);

/* The answer to "changed on disk": o overwrite, r reload, c / Esc cancel. */
static int disk_done(app *a, int key, void *ctx)
{
    (void)ctx;
    if (!ep.open)
        return EV_CLOSE | EV_REDRAW;
    if (key == 'o') {
        write_buffer(a);
        return EV_CLOSE | EV_REDRAW;
    }
    if (key == 'r') {
        char *data = NULL, err[256];
        size_t len = 0;
        bool there = fs_exists(ep.full);
        if (there &&
            fs_read_file(ep.full, PREVIEW_MAX_CODE_FILE, &data, &len, err, sizeof(err)) != 0) {
            char m[400];
            snprintf(m, sizeof(m), "cannot reload: %s", err);
            editor_set_message(ep.ed, m);
            return EV_CLOSE | EV_REDRAW;
        }
        /* one undo step: Ctrl-Z brings the buffer's edits back */
        textbuf *tb = editor_buffer(ep.ed);
        size_t last = textbuf_line_count(tb) - 1, ll;
        textbuf_line(tb, last, &ll);
        textbuf_replace(tb, (tb_pos){0, 0}, (tb_pos){last, ll}, data ? data : "", len);
        textbuf_set_cursor(tb, (tb_pos){0, 0}, false);
        editor_set_clean(ep.ed);
        diskmark_set(&ep.mark, ep.full, there ? (data ? data : "") : NULL, len);
        free(data);
        editor_set_message(ep.ed, "reloaded from disk (Ctrl-Z brings your edits back)");
        validate(a);
        return EV_CLOSE | EV_REDRAW;
    }
    editor_set_message(ep.ed, "not saved: the file on disk was left as it is");
    return EV_CLOSE | EV_REDRAW;
}

/* Save, unless someone else changed the file since the pane read or wrote
 * it: then ask (overwrite / reload / cancel) and return false. */
static bool save_buffer(app *a)
{
    follow_node(a);
    if (ep.open && diskmark_changed(&ep.mark, ep.full)) {
        char body[700];
        snprintf(body, sizeof(body),
                 "%s changed on disk since weir read it.\n"
                 "o overwrite it with the editor's text\n"
                 "r reload from disk (Ctrl-Z brings your edits back)\n"
                 "c cancel (nothing is saved)",
                 ep.rel);
        confirm_open_next(a, "changed on disk", body, "o overwrite  r reload  c cancel", "orc",
                          disk_done, NULL);
        editor_set_message(ep.ed, "not saved: the file changed on disk");
        return false;
    }
    return write_buffer(a);
}

static bool write_buffer(app *a)
{
    char err[256];
    if (fs_check_inside(a->d.p.dir, ep.rel, false) != PATH_OK) {
        editor_set_message(ep.ed, "not saved: the file is not inside the pipeline folder");
        return false;
    }
    char *dir = xstrdup(ep.full), *slash = strrchr(dir, '/');
    if (slash) {
        *slash = '\0';
        if (fs_mkdirs(dir, err, sizeof(err)) != 0) {
            char m[400];
            snprintf(m, sizeof(m), "not saved: %s", err);
            editor_set_message(ep.ed, m);
            free(dir);
            return false;
        }
    }
    free(dir);
    size_t len;
    char *text = editor_text(ep.ed, &len);
    int rc = fs_write_atomic(ep.full, text, len, err, sizeof(err));
    if (rc == 0)
        diskmark_set(&ep.mark, ep.full, text, len);
    free(text);
    char m[600];
    if (rc != 0) {
        snprintf(m, sizeof(m), "not saved: %s", err);
        editor_set_message(ep.ed, m);
        return false;
    }
    editor_set_clean(ep.ed);
    ej_remove(a);
    snprintf(m, sizeof(m), "saved %s", ep.rel);
    editor_set_message(ep.ed, m);
    previewpane_invalidate(a); /* the pane shows the new output */
    return true;
}

bool editpane_save_if_dirty(app *a)
{
    return !ep.open || !editor_dirty(ep.ed) || save_buffer(a);
}

static bool reads_table(const char *id)
{
    for (size_t i = 0; i < ep.reads.n_tables; i++)
        if (strcasecmp(ep.reads.tables[i], id) == 0)
            return true;
    return false;
}

static int inputs_done(app *a, int key, void *ctx)
{
    (void)ctx;
    node *n = cur_node(a);
    if (key != 'y' || !n)
        return EV_CLOSE | EV_REDRAW;
    char *id = xstrdup(n->id);
    const char *why;
    doc_begin(&a->d, id, "inputs follow the SQL");
    if (ep.missing)
        edit_connect(&a->d.p, ep.missing, id, &why);
    if (ep.reads_ok && ep.reads.n_tables) {
        n = pipeline_find(&a->d.p, id);
        for (size_t k = n->n_inputs; k-- > 0;)
            if (!reads_table(n->inputs[k])) {
                char *from = xstrdup(n->inputs[k]);
                edit_disconnect(&a->d.p, from, id);
                n = pipeline_find(&a->d.p, id);
                free(from);
            }
    }
    doc_commit(&a->d);
    app_message(a, STYLE_OK, "%s's inputs follow its SQL now (s saves pipeline.yaml, u undoes)",
                id);
    free(id);
    validate(a);
    return EV_CLOSE | EV_RELAYOUT | EV_REDRAW;
}

/* After a save: offer, in one question, to add the inputs the SQL reads
 * and to drop those it no longer reads. */
static int offer_inputs(app *a)
{
    node *n = cur_node(a);
    if (!n || ep.lang != HL_LANG_SQL)
        return 0;
    strbuf b;
    strbuf_init(&b);
    if (ep.missing)
        strbuf_printf(&b, "+ add %s: the SQL reads it\n", ep.missing);
    size_t drop = 0;
    if (ep.reads_ok && ep.reads.n_tables)
        for (size_t k = 0; k < n->n_inputs; k++)
            if (!reads_table(n->inputs[k])) {
                strbuf_printf(&b, "- remove %s: the SQL no longer reads it\n", n->inputs[k]);
                drop++;
            }
    if (!ep.missing && !drop) {
        strbuf_free(&b);
        return 0;
    }
    strbuf_printf(&b, "Update the inputs of %s in pipeline.yaml?", n->id);
    char *body = strbuf_detach(&b);
    confirm_open(a, "inputs", body, "y update  n keep as they are", "yn", inputs_done, NULL);
    free(body);
    return EV_REDRAW;
}

static int add_missing_edge(app *a)
{
    const char *why;
    char *from = xstrdup(ep.missing), *to = xstrdup(ep.node_id);
    if (!edit_can_connect(&a->d.p, from, to, &why)) {
        app_message(a, STYLE_ERROR, "cannot connect %s to %s: %s", from, to, why);
    } else {
        doc_begin(&a->d, to, "connect");
        edit_connect(&a->d.p, from, to, &why);
        doc_commit(&a->d);
        app_message(a, STYLE_OK, "connected %s %s %s (u on the canvas undoes)", from,
                    a->ascii ? "->" : "→", to);
    }
    free(from);
    free(to);
    validate(a);
    return EV_RELAYOUT | EV_REDRAW;
}

/* ---- $EDITOR --------------------------------------------------------- */

static int external(app *a)
{
    if (!save_buffer(a))
        return EV_REDRAW;
    char err[256] = "";
    int rc = editor_external_edit(ep.full, err, sizeof(err));
    /* curses restored its own modes; weir's mouse setup is its own (see
     * mouse_on in app.c): button-motion and SGR reports again. */
    fputs("\033[?1003l\033[?1002h\033[?1006h", stdout);
    fflush(stdout);
    char *data = NULL, rerr[256];
    size_t len = 0;
    if (fs_read_file(ep.full, PREVIEW_MAX_CODE_FILE, &data, &len, rerr, sizeof(rerr)) == 0) {
        editor_set_text(ep.ed, data, len, true);
        editor_set_clean(ep.ed);
        diskmark_set(&ep.mark, ep.full, data, len);
        free(data);
    }
    validate(a);
    if (rc != 0) {
        char m[400];
        snprintf(m, sizeof(m), "%s", err[0] ? err : "the editor failed");
        editor_set_message(ep.ed, m);
    } else {
        editor_set_message(ep.ed, "reloaded after $EDITOR");
    }
    a->need_canvas = true;
    a->drawn_valid = false;
    int r = EV_SCROLL | EV_REDRAW;
    if (rc == 0)
        r |= offer_inputs(a);
    return r;
}

/* ---- the editor's key table (F1) --------------------------------------- */

typedef struct keys_view {
    view base;
    int top, page;
} keys_view;

static void keys_draw(view *v, app *a)
{
    keys_view *kv = (keys_view *)v;
    size_t n;
    const editor_help *h = editor_help_table(&n);
    int w = a->cols - 2 > 88 ? 88 : a->cols - 2;
    int ht = a->rows - 2;
    int y = 1, x = (a->cols - w) / 2;
    draw_frame(stdscr, y, x, ht, w, "editor keys  (Esc closes, arrows scroll)", STYLE_BORDER);
    kv->page = ht - 2;
    if (kv->top > (int)n - kv->page)
        kv->top = (int)n - kv->page;
    if (kv->top < 0)
        kv->top = 0;
    int kw = w / 3 > 26 ? 26 : w / 3;
    for (int r = 0; r < ht - 2; r++) {
        size_t i = (size_t)(kv->top + r);
        draw_fill(stdscr, y + 1 + r, x + 1, 1, w - 2, STYLE_NORMAL);
        if (i >= n)
            continue;
        draw_text(stdscr, y + 1 + r, x + 2, h[i].keys, kw, STYLE_KEY);
        draw_text(stdscr, y + 1 + r, x + 3 + kw, h[i].what, w - kw - 5, STYLE_NORMAL);
    }
}

static int keys_key(view *v, app *a, action act, int key)
{
    (void)a;
    keys_view *kv = (keys_view *)v;
    switch (act) {
    case ACT_HELP_UP:
        kv->top--;
        return EV_REDRAW;
    case ACT_HELP_DOWN:
        kv->top++;
        return EV_REDRAW;
    case ACT_HELP_PAGE_UP:
        kv->top -= kv->page;
        return EV_REDRAW;
    case ACT_HELP_PAGE_DOWN:
        kv->top += kv->page;
        return EV_REDRAW;
    case ACT_HELP_CLOSE:
        return EV_CLOSE | EV_REDRAW;
    default:
        return key == KF(KEY_F(1)) ? EV_CLOSE | EV_REDRAW : EV_HANDLED;
    }
}

static void keys_destroy(view *v)
{
    free(v);
}

static const view_ops keys_ops = {
    .name = "editor-keys",
    .mode = MODE_HELP,
    .draw = keys_draw,
    .on_key = keys_key,
    .destroy = keys_destroy,
};

/* ---- keys, mouse, idle --------------------------------------------------- */

static int handle(app *a, int f)
{
    int r = EV_HANDLED | EV_REDRAW;
    ep.skip_draw = !(f & (ED_REDRAW | ED_CHANGED | ED_SAVE | ED_EXTERNAL | ED_LEAVE | ED_HELP));
    if (f & ED_SAVE && save_buffer(a)) {
        validate(a); /* fresh reads for the inputs question */
        r |= offer_inputs(a);
    }
    if (f & ED_EXTERNAL)
        r |= external(a);
    if (f & ED_HELP) {
        keys_view *kv = xcalloc(1, sizeof(*kv));
        kv->base.ops = &keys_ops;
        app_push(a, &kv->base);
    }
    if (f & ED_LEAVE) {
        ep.focused = false;
        if (ep.full_screen) {
            ep.full_screen = false;
            a->need_canvas = true;
            a->drawn_valid = false;
        }
        r |= EV_SCROLL;
    }
    return r;
}

static int ask_recover(app *a)
{
    char body[700];
    snprintf(body, sizeof(body),
             "The last session left unsaved text for %s (%zu bytes).\nRecover it?", ep.rel,
             ep.recover_len);
    confirm_open(a, "recover", body, "y recover  n drop it  Esc later (closes)", "yn", recover_done,
                 NULL);
    return EV_HANDLED | EV_REDRAW;
}

int editpane_key(app *a, int key)
{
    if (ep.recover) /* no typing before the journal's question is answered */
        return ask_recover(a);
    if (key == KF(KEY_F(11)))
        return editpane_toggle_full(a);
    if (key == CTRL('n') && ep.missing && !ep.pending)
        return add_missing_edge(a);
    bool kc = (key & KEY_FN) != 0;
    wint_t ch = (wint_t)(kc ? key & ~KEY_FN : key);
    int f = editor_key(ep.ed, ch, kc);
    ep.pending = (f & ED_PENDING) != 0;
    return handle(a, f);
}

bool editpane_mouse(app *a, const MEVENT *ev, int *flags)
{
    if (!ep.open)
        return false;
    bool press = ev->bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED | BUTTON1_RELEASED);
    bool in_pane = full_now(a) || (a->pane_w && ev->x >= a->cols - a->pane_w && ev->y >= a->top &&
                                   ev->y < a->top + a->height);
    if (!in_pane) {
        if (press)
            ep.focused = false; /* a click elsewhere takes the focus away */
        return false;
    }
    if (press)
        ep.focused = true;
    *flags = EV_REDRAW;
    return true;
}

/* The file moved on disk (stat says so).  A clean buffer follows it; an
 * unsaved one keeps its text and the next save asks. */
static int disk_follow(app *a)
{
    if (editor_dirty(ep.ed) || !fs_exists(ep.full))
        return 0;
    char *data = NULL, err[256];
    size_t len = 0;
    if (fs_read_file(ep.full, PREVIEW_MAX_CODE_FILE, &data, &len, err, sizeof(err)) != 0)
        return 0;
    int r = 0;
    if (diskmark_changed(&ep.mark, ep.full)) {
        editor_set_text(ep.ed, data, len, true);
        editor_set_clean(ep.ed);
        diskmark_set(&ep.mark, ep.full, data, len);
        editor_set_message(ep.ed, "reloaded: the file changed on disk");
        validate(a);
        previewpane_invalidate(a);
        r = EV_REDRAW;
    } else {
        diskmark_restat(&ep.mark, ep.full);
    }
    free(data);
    return r;
}

int editpane_idle(app *a)
{
    if (!ep.open)
        return 0;
    int r = 0;
    char *was = ep.rel;
    follow_node(a);
    if (ep.rel != was)
        r |= EV_REDRAW;
    if (ep.pending) {
        ep.pending = false;
        r |= handle(a, editor_key(ep.ed, ED_KEY_TIMEOUT, true));
    }
    if (ep.checked_change != a->d.change && !ep.due_ms)
        ep.due_ms = now_ms(); /* an edit on the canvas (connect, undo...) */
    unsigned long long t = now_ms();
    if (t >= ep.disk_ms && !ep.pending && !ep.recover) {
        ep.disk_ms = t + DISK_CHECK_MS;
        if (diskmark_stat_moved(&ep.mark, ep.full))
            r |= disk_follow(a);
    }
    if (ep.due_ms && now_ms() >= ep.due_ms) {
        validate(a);
        r |= EV_REDRAW;
    }
    return r;
}

int editpane_timeout(void)
{
    if (!ep.open)
        return 200;
    if (ep.pending)
        return 30;
    if (ep.due_ms) {
        unsigned long long t = now_ms();
        long long left = ep.due_ms > t ? (long long)(ep.due_ms - t) : 0;
        return left < 1 ? 1 : left > 200 ? 200 : (int)left;
    }
    return 200;
}

/* ---- drawing ------------------------------------------------------------- */

static void hints(app *a, int row)
{
    static const char *const h[][2] = {
        {"^S", "save"},    {"Tab", "complete"}, {"F11", "full screen"},
        {"Esc", "canvas"}, {"F4", "$EDITOR"},   {"F1", "keys"},
    };
    draw_fill(stdscr, row, 0, 1, a->cols, STYLE_NORMAL);
    int x = 1;
    for (size_t i = 0; i < sizeof(h) / sizeof(h[0]); i++) {
        int need = uw_width(h[i][0]) + 1 + uw_width(h[i][1]) + 2;
        if (x + need > a->cols)
            break;
        x += draw_text(stdscr, row, x, h[i][0], a->cols - x, STYLE_KEY) + 1;
        x += draw_text(stdscr, row, x, h[i][1], a->cols - x, STYLE_DIM) + 2;
    }
}

void editpane_draw(app *a)
{
    if (!ep.open || a->cols < MIN_COLS || a->rows < MIN_ROWS)
        return;
    bool full = full_now(a);
    bool focus = ep.focused && !a->n_views;
    if (ep.skip_draw && !full && !a->n_views) {
        ep.skip_draw = false;    /* nothing of ours changed: keep the frame */
        if (focus && !a->msg[0]) /* bottom_line drew the canvas's hints */
            hints(a, a->rows - 1);
        return;
    }
    ep.skip_draw = false;
    int y, x, h, w;
    if (full) {
        y = 1;
        x = 0;
        h = a->rows - 2;
        w = a->cols;
    } else {
        if (!a->pane_w)
            return;
        w = a->pane_w;
        x = a->cols - w;
        y = a->top;
        h = a->height;
    }
    if (h < 3)
        return;
    /* Title row: node, file, unsaved mark. */
    const node *n = cur_node(a);
    char title[600];
    snprintf(title, sizeof(title), " %s (%s) %s%s", ep.node_id,
             ep.lang == HL_LANG_LUA ? "lua" : "sql", ep.rel,
             editor_dirty(ep.ed) ? (a->ascii ? " *" : " ●") : "");
    if (!n)
        snprintf(title, sizeof(title), " %s (no such node now) %s", ep.node_id, ep.rel);
    style_id ts = focus ? STYLE_BAR_STRONG : STYLE_BAR;
    draw_fill(stdscr, y, x, 1, w, ts);
    draw_text(stdscr, y, x, title, w, ts);
    int ex = x, ew = w;
    if (!full) {
        for (int r = y + 1; r < y + h; r++)
            draw_cp(stdscr, r, x, a->ascii ? '|' : 0x2502, STYLE_BORDER);
        ex = x + 1;
        ew = w - 1;
    }
    editor_draw(ep.ed, stdscr, y + 1, ex, h - 1, ew, focus);
    if (focus && !a->msg[0])
        hints(a, a->rows - 1);
}

void editpane_place_cursor(app *a)
{
    if (a->n_views)
        return; /* an overlay owns the cursor */
    int cy, cx;
    if (ep.open && ep.focused && editor_cursor(ep.ed, &cy, &cx)) {
        curs_set(1);
        move(cy, cx);
    } else {
        curs_set(0);
    }
}

/* ---- quitting ------------------------------------------------------------ */

static int quit_done(app *a, int key, void *ctx)
{
    (void)ctx;
    if (key == 's') {
        if (!save_buffer(a))
            return EV_CLOSE | EV_REDRAW;
        if (doc_dirty(&a->d)) {
            commands_save(a);
            if (doc_dirty(&a->d))
                return EV_CLOSE | EV_REDRAW; /* the save failed: stay */
        }
        return EV_CLOSE | EV_QUIT;
    }
    if (key == 'd') {
        editor_set_clean(ep.ed);
        ej_remove(a);
        if (doc_dirty(&a->d)) {
            journal_remove(a->d.p.dir);
            a->d.journal_change = a->d.change;
        }
        return EV_CLOSE | EV_QUIT;
    }
    return EV_CLOSE | EV_REDRAW;
}

int editpane_quit(app *a)
{
    char body[700];
    snprintf(body, sizeof(body), "%s has unsaved changes%s.\nSave before quitting?", ep.rel,
             doc_dirty(&a->d) ? ", and so has the pipeline" : "");
    confirm_open(a, "unsaved changes", body, "s save and quit  d discard and quit  Esc stay", "sd",
                 quit_done, NULL);
    return EV_REDRAW;
}

void editpane_shutdown(app *a)
{
    if (ep.open && editor_dirty(ep.ed))
        ej_write(a); /* stopped by a signal: keep the text */
    if (ep.term_ready)
        editor_paste_mode(stdout, false);
    ep.term_ready = false;
    editor_free(ep.ed);
    ep.ed = NULL;
    forget_file();
    free(ep.pending_open);
    free(ep.recover);
    sql_reads_free(&ep.reads);
    clear_msgs();
    if (ep.eng)
        preview_engine_free(ep.eng);
    memset(&ep, 0, sizeof(ep));
}
