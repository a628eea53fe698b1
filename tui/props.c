/* props: the settings panel of one node, generated from its type's setting
 * specs: text and numbers are typed (and checked as typed), choices and
 * true/false step through their values, secrets only take references.
 * Lists are edited as one line (fieldcheck.h: field_list_join/split).  Every
 * change is one undoable edit; accepting a field unchanged changes nothing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "draw.h"
#include "fieldcheck.h"
#include "previewpane.h"
#include "pvlayout.h"
#include "util.h"
#include "uwidth.h"

enum { F_ID = -2, F_DESC = -1 };
enum { PATH_NOTE_MAX = 4200 }; /* a path up to PATH_MAX and the words */

typedef struct props_view {
    view base;
    char *id; /* the node, by id: indices move under edits */
    int cur;  /* row: 0 = id, 1 = description, 2.. = settings */
    int top;
} props_view;

typedef struct prop_ctx {
    props_view *pv;
    int field;
} prop_ctx;

static prop_ctx the_ctx; /* one prompt at a time */

static node *pv_node(props_view *pv, app *a)
{
    return pipeline_find(&a->d.p, pv->id);
}

static const node_type *props_node_type(props_view *pv, app *a)
{
    node *n = pv_node(pv, a);
    return n ? node_type_find(n->kind, n->type) : NULL;
}

static int n_settings_rows(props_view *pv, app *a)
{
    const node_type *t = props_node_type(pv, a);
    return 2 + (t ? (int)t->n_settings : 0);
}

/* Under the settings: the output schema from the last preview (a heading,
 * then one row per column), read-only. */
static const pv_schema *out_schema(props_view *pv, app *a)
{
    return previewpane_schema(a, pv->id);
}

static int n_rows(props_view *pv, app *a)
{
    const pv_schema *sc = out_schema(pv, a);
    return n_settings_rows(pv, a) + 1 + (sc ? (int)sc->n : 0);
}

static const char *type_word(const setting_spec *s)
{
    switch (s->type) {
    case SETTING_BOOLEAN:
        return "true/false";
    case SETTING_CHOICE:
        return "choice";
    case SETTING_SECRET:
        return "secret";
    case SETTING_INTEGER:
        return "whole number";
    case SETTING_NUMBER:
        return "number";
    case SETTING_FILE:
        return "file";
    case SETTING_LIST:
        return "list";
    case SETTING_SCHEMA:
        return "schema";
    default:
        return "text";
    }
}

/* A list whose items are all plain text: the form edits it as one line. */
static bool list_of_scalars(const value *v)
{
    if (v->kind != VALUE_LIST)
        return false;
    for (size_t i = 0; i < v->n; i++)
        if (v->items[i].kind != VALUE_SCALAR)
            return false;
    return true;
}

/* The value of a setting as one line of text: lists as field_list_join
 * writes them (so splitting the text gives the same items back), maps as
 * "key: value, ..." for reading only. */
static char *setting_text(const node *n, const char *key)
{
    const value *v = node_setting(n, key);
    if (!v)
        return NULL;
    if (v->kind == VALUE_SCALAR)
        return xstrdup(v->text);
    if (list_of_scalars(v)) {
        const char **items = xcalloc(v->n + 1, sizeof(*items));
        for (size_t i = 0; i < v->n; i++)
            items[i] = v->items[i].text;
        char *text = field_list_join(items, v->n);
        free(items);
        return text;
    }
    strbuf sb;
    strbuf_init(&sb);
    for (size_t i = 0; i < v->n; i++) {
        if (i)
            strbuf_puts(&sb, ", ");
        if (v->kind == VALUE_MAP)
            strbuf_printf(&sb, "%s: ", v->keys[i].text);
        strbuf_puts(&sb, v->items[i].kind == VALUE_SCALAR ? v->items[i].text : "...");
    }
    return sb.data ? strbuf_detach(&sb) : xstrdup("");
}

/* The lines under the settings: the field's help, what the node reads
 * from and the node's problems, each wrapped to width so that nothing is
 * cut (a plugin's error names its file:line at the end). */
typedef struct form_line {
    char *text;
    style_id style;
} form_line;

typedef struct form_lines {
    form_line *items;
    size_t n;
} form_lines;

static void add_wrapped(form_lines *fl, const char *text, int width, style_id s)
{
    char **lines;
    size_t k = pvl_wrap(text, width, 2, &lines);
    fl->items = xrealloc(fl->items, (fl->n + k) * sizeof(*fl->items));
    for (size_t i = 0; i < k; i++)
        fl->items[fl->n++] = (form_line){lines[i], s};
    free(lines);
}

static void build_footer(props_view *pv, app *a, const node *n, const setting_spec *cur_spec,
                         int width, form_lines *fl)
{
    /* The help is the plugin's: any length, so allocated. */
    char *help;
    if (pv->cur == 0)
        help = xstrdup("the node's id; inputs that name it follow a rename");
    else if (pv->cur == 1)
        help = xstrdup("text: one line about what the node is for");
    else if (pv->cur >= n_settings_rows(pv, a))
        help = xstrdup("the node's output (column: type), from the last preview");
    else if (cur_spec)
        help = xasprintf("%s: %s%s%s%s", type_word(cur_spec), cur_spec->help ? cur_spec->help : "",
                         cur_spec->type == SETTING_CHOICE ? " — " : "",
                         cur_spec->type == SETTING_CHOICE ? cur_spec->choices : "",
                         cur_spec->type == SETTING_LIST
                             ? " (items joined by \", \"; quote an item that holds a comma: "
                               "\"a, b\")"
                             : "");
    else
        help = xstrdup("");
    add_wrapped(fl, help, width, STYLE_DIM);
    free(help);
    if (cur_spec && cur_spec->type == SETTING_FILE) {
        /* a file named before it is made: say what that means */
        char *val = setting_text(n, cur_spec->name), note[PATH_NOTE_MAX];
        if (val && field_check_note(cur_spec, val, a->d.p.dir, note, sizeof(note)))
            add_wrapped(fl, note, width, STYLE_WARNING);
        free(val);
    }
    if (n->kind != NODE_SOURCE) {
        strbuf in;
        strbuf_init(&in);
        strbuf_puts(&in, "reads from: ");
        for (size_t i = 0; i < n->n_inputs; i++)
            strbuf_printf(&in, "%s%s", i ? ", " : "", n->inputs[i]);
        if (!n->n_inputs)
            strbuf_puts(&in, "nothing yet (c on the canvas connects)");
        add_wrapped(fl, in.data, width, STYLE_NORMAL);
        strbuf_free(&in);
    }
    for (size_t i = 0; i < a->d.diags.n; i++) {
        const diag *g = &a->d.diags.items[i];
        if (!g->node_id || strcmp(g->node_id, n->id) != 0)
            continue;
        char *msg = xasprintf("%s %s", g->severity == DIAG_ERROR ? (a->ascii ? "x" : "✗") : "!",
                              g->message);
        add_wrapped(fl, msg, width, g->severity == DIAG_ERROR ? STYLE_ERROR : STYLE_WARNING);
        free(msg);
    }
}

static void props_draw(view *v, app *a)
{
    props_view *pv = (props_view *)v;
    node *n = pv_node(pv, a);
    if (!n)
        return;
    const node_type *t = props_node_type(pv, a);
    int w = a->cols > 72 ? 64 : a->cols - 4;
    int x = a->cols - w - 1, y = a->top, h = a->height;
    /* "win — Tumbling window (tumbling_window)": the declared title, then
     * the name that pipeline.yaml uses. */
    const char *dash = a->ascii ? "-" : "—";
    char *title = t && t->title && *t->title
                      ? xasprintf("%s %s %s (%s)", n->id, dash, t->title, n->type)
                      : xasprintf("%s %s %s %s%s", n->id, dash, n->type, node_kind_name(n->kind),
                                  t                           ? ""
                                  : node_type_broken(n->type) ? " (its plugin failed to load)"
                                                              : " (unknown type)");
    draw_frame(stdscr, y, x, h, w, title, STYLE_BORDER);
    free(title);
    int rows = n_rows(pv, a);
    const setting_spec *cur_spec = NULL;
    if (t && pv->cur >= 2 && pv->cur < n_settings_rows(pv, a))
        cur_spec = &t->settings[pv->cur - 2];
    form_lines fl = {0};
    build_footer(pv, a, n, cur_spec, w - 4, &fl);
    /* The list keeps the rows the footer does not need; a long footer
     * takes the empty rows under a short list first. */
    int inside = h - 2;
    int list_h = h - 6;
    if ((int)fl.n > inside - list_h) {
        list_h = inside - (int)fl.n;
        int least = rows < 3 ? rows : 3;
        if (list_h < least)
            list_h = least;
    }
    if (list_h < 1)
        list_h = 1;
    if (pv->cur < pv->top)
        pv->top = pv->cur;
    if (pv->cur >= pv->top + list_h)
        pv->top = pv->cur - list_h + 1;
    int nw = 16, vw = w - nw - 5;
    for (int r = 0; r < list_h; r++) {
        int row = pv->top + r, sy = y + 1 + r;
        if (row >= rows) {
            draw_fill(stdscr, sy, x + 1, 1, w - 2, STYLE_NORMAL);
            continue;
        }
        bool sel = row == pv->cur;
        char name[64];
        char *val = NULL;
        const char *shown;
        style_id vs = STYLE_NORMAL;
        if (row == 0) {
            snprintf(name, sizeof(name), "id");
            shown = n->id;
        } else if (row == 1) {
            snprintf(name, sizeof(name), "description");
            shown = n->description ? n->description : "";
        } else if (row >= n_settings_rows(pv, a)) {
            /* the output schema */
            const pv_schema *sc = out_schema(pv, a);
            int k = row - n_settings_rows(pv, a);
            if (k == 0) {
                snprintf(name, sizeof(name), "output");
                shown = sc ? (sc->n ? "columns from the last preview:" : "no columns")
                           : "unknown until a preview (p) runs it";
                vs = STYLE_DIM;
            } else {
                snprintf(name, sizeof(name), "  %s", sc->cols[k - 1].name);
                shown = pv_type_name(sc->cols[k - 1].type);
                vs = STYLE_DIM;
            }
        } else {
            const setting_spec *s = &t->settings[row - 2];
            snprintf(name, sizeof(name), "%s%s", s->name, s->required ? "*" : "");
            val = setting_text(n, s->name);
            if (val) {
                /* true/false as the file stores them, like the default */
                shown = val;
                char why[160];
                if (s->type != SETTING_LIST && s->type != SETTING_SCHEMA &&
                    field_check(s, val, a->d.p.dir, why, sizeof(why)))
                    vs = STYLE_ERROR;
                else if (field_check_note(s, val, a->d.p.dir, why, sizeof(why)))
                    vs = STYLE_WARNING; /* a file not there yet */
            } else {
                shown = s->default_value ? s->default_value : "";
                vs = STYLE_DIM;
                if (s->required)
                    vs = STYLE_ERROR, shown = "(required)";
            }
        }
        style_id ns = sel ? STYLE_SELECTED : STYLE_NORMAL;
        draw_text_pad(stdscr, sy, x + 1, " ", 1, ns);
        draw_text_pad(stdscr, sy, x + 2, name, nw, ns);
        draw_text_pad(stdscr, sy, x + 2 + nw, " ", 1, ns);
        draw_text_pad(stdscr, sy, x + 3 + nw, shown, vw, sel ? STYLE_SELECTED : vs);
        free(val);
    }
    /* The field's help, what the node reads from, and its problems. */
    int hy = y + 1 + list_h, room = inside - list_h;
    draw_fill(stdscr, hy, x + 1, room, w - 2, STYLE_NORMAL);
    for (size_t i = 0; i < fl.n; i++) {
        if ((int)i < room) {
            draw_text_pad(stdscr, hy + (int)i, x + 2, fl.items[i].text, w - 4, fl.items[i].style);
            if ((int)i == room - 1 && i + 1 < fl.n) /* more than fits: say so */
                draw_text(stdscr, hy + (int)i, x + w - 3, a->ascii ? "~" : "…", 1, STYLE_DIM);
        }
        free(fl.items[i].text);
    }
    free(fl.items);
}

/* Set a setting from its text; text that equals what the form shows for
 * it changes nothing (no edit, no undo step, the file stays as it was). */
static void set_value(app *a, props_view *pv, const setting_spec *s, const char *text)
{
    char *was = setting_text(pv_node(pv, a), s->name);
    bool same = was ? strcmp(was, text) == 0 : !*text;
    free(was);
    if (same)
        return;
    char **items = NULL;
    size_t n_items = 0;
    char why[200];
    if (s->type == SETTING_LIST && *text &&
        field_list_split(text, &items, &n_items, why, sizeof(why))) {
        app_message(a, STYLE_ERROR, "%s: %s", s->name, why); /* the prompt checks first */
        return;
    }
    doc_begin(&a->d, pv->id, "set");
    node *n = pv_node(pv, a);
    if (!*text) {
        node_unset_setting(n, s->name);
    } else if (s->type == SETTING_LIST) {
        node_unset_setting(n, s->name);
        value *v = value_map_put(&n->settings, s->name);
        value_init_list(v);
        for (size_t i = 0; i < n_items; i++)
            value_set_scalar(value_list_push(v), items[i]);
    } else {
        node_set_setting(n, s->name, text);
    }
    field_list_free(items, n_items);
    doc_commit(&a->d);
}

static const char *field_prompt_check(app *a, const char *text, void *ctx)
{
    static char buf[200];
    prop_ctx *pc = ctx;
    if (pc->field == F_DESC)
        return NULL;
    if (pc->field == F_ID) {
        const char *why;
        if (!node_id_valid(text, &why))
            return why;
        if (strcmp(text, pc->pv->id) != 0 && pipeline_find(&a->d.p, text))
            return "another node already has that id";
        return NULL;
    }
    const node_type *t = props_node_type(pc->pv, a);
    if (!t)
        return NULL;
    return field_check(&t->settings[pc->field], text, a->d.p.dir, buf, sizeof(buf));
}

static int field_prompt_done(app *a, const char *text, void *ctx)
{
    prop_ctx *pc = ctx;
    props_view *pv = pc->pv;
    if (pc->field == F_ID) {
        if (strcmp(text, pv->id) != 0) {
            const char *why;
            char *old = xstrdup(pv->id);
            doc_begin(&a->d, old, "rename");
            if (!edit_rename(&a->d.p, old, text, &why)) {
                doc_abort(&a->d);
                free(old);
                return EV_REDRAW;
            }
            code_origins_rename(&a->d.origins, old, text);
            doc_commit(&a->d);
            free(pv->id);
            pv->id = xstrdup(text);
            a->sel = app_find(a, text);
            free(old);
        }
    } else if (pc->field == F_DESC) {
        const node *cur = pv_node(pv, a);
        if (strcmp(cur->description ? cur->description : "", text) == 0)
            return EV_CLOSE | EV_REDRAW; /* unchanged */
        doc_begin(&a->d, pv->id, "describe");
        node *n = pv_node(pv, a);
        free(n->description);
        n->description = *text ? xstrdup(text) : NULL;
        doc_commit(&a->d);
    } else {
        const setting_spec *s = &props_node_type(pv, a)->settings[pc->field];
        set_value(a, pv, s, text);
        char note[PATH_NOTE_MAX];
        if (field_check_note(s, text, a->d.p.dir, note, sizeof(note)))
            app_message(a, STYLE_WARNING, "%s", note);
    }
    return EV_CLOSE | EV_RELAYOUT | EV_REDRAW;
}

static int edit_field(props_view *pv, app *a, int step)
{
    node *n = pv_node(pv, a);
    const node_type *t = props_node_type(pv, a);
    the_ctx.pv = pv;
    if (pv->cur == 0) {
        the_ctx.field = F_ID;
        prompt_open(a, "id", n->id, field_prompt_check, field_prompt_done, &the_ctx);
        return EV_REDRAW;
    }
    if (pv->cur == 1) {
        the_ctx.field = F_DESC;
        prompt_open(a, "description", n->description ? n->description : "", field_prompt_check,
                    field_prompt_done, &the_ctx);
        return EV_REDRAW;
    }
    if (!t)
        return EV_REDRAW;
    if (pv->cur >= n_settings_rows(pv, a)) {
        app_message(a, STYLE_DIM, "the output schema comes from the SQL/Lua and the inputs");
        return EV_REDRAW;
    }
    const setting_spec *s = &t->settings[pv->cur - 2];
    char *cur = setting_text(n, s->name);
    char buf[128];
    if (s->type == SETTING_BOOLEAN) {
        bool on = cur ? strcmp(cur, "true") == 0
                      : (s->default_value && strcmp(s->default_value, "true") == 0);
        set_value(a, pv, s, on ? "false" : "true");
    } else if (s->type == SETTING_CHOICE) {
        set_value(
            a, pv, s,
            field_cycle_choice(s->choices, cur ? cur : s->default_value, step, buf, sizeof(buf)));
    } else if (s->type == SETTING_SCHEMA) {
        app_message(a, STYLE_DIM, "edit the schema in pipeline.yaml for now");
    } else if (s->type == SETTING_LIST && node_setting(n, s->name) &&
               node_setting(n, s->name)->kind != VALUE_SCALAR &&
               !list_of_scalars(node_setting(n, s->name))) {
        /* One line cannot hold nested items: editing it here would lose them. */
        app_message(a, STYLE_DIM, "%s holds nested items: edit it in pipeline.yaml", s->name);
    } else if (step == 0) {
        the_ctx.field = pv->cur - 2;
        char title[128];
        snprintf(title, sizeof(title), "%s (%s)", s->name, type_word(s));
        const char *init = cur ? cur : "";
        if (!cur && s->type == SETTING_SECRET)
            init = "${secret:}";
        view *pr = prompt_open(a, title, init, field_prompt_check, field_prompt_done, &the_ctx);
        (void)pr;
    }
    free(cur);
    return EV_RELAYOUT | EV_REDRAW;
}

static int props_key(view *v, app *a, action act, int key)
{
    (void)key;
    props_view *pv = (props_view *)v;
    if (!pv_node(pv, a))
        return EV_CLOSE | EV_REDRAW;
    int rows = n_rows(pv, a);
    switch (act) {
    case ACT_FORM_UP:
        pv->cur = pv->cur > 0 ? pv->cur - 1 : rows - 1;
        return EV_REDRAW;
    case ACT_FORM_DOWN:
        pv->cur = pv->cur + 1 < rows ? pv->cur + 1 : 0;
        return EV_REDRAW;
    case ACT_FORM_EDIT:
        return edit_field(pv, a, 0);
    case ACT_FORM_NEXT:
    case ACT_FORM_PREV:
        if (pv->cur >= 2 && pv->cur < n_settings_rows(pv, a)) {
            const setting_spec *s = &props_node_type(pv, a)->settings[pv->cur - 2];
            if (s->type == SETTING_BOOLEAN || s->type == SETTING_CHOICE)
                return edit_field(pv, a, act == ACT_FORM_NEXT ? 1 : -1);
        }
        return EV_REDRAW;
    case ACT_FORM_CLEAR:
        if (pv->cur >= n_settings_rows(pv, a))
            return EV_REDRAW;
        if (pv->cur >= 2) {
            const setting_spec *s = &props_node_type(pv, a)->settings[pv->cur - 2];
            if (node_setting(pv_node(pv, a), s->name))
                set_value(a, pv, s, "");
            return EV_RELAYOUT | EV_REDRAW;
        }
        if (pv->cur == 1) {
            the_ctx.pv = pv;
            the_ctx.field = F_DESC;
            return field_prompt_done(a, "", &the_ctx) & ~EV_CLOSE;
        }
        return EV_REDRAW;
    case ACT_FORM_CLOSE:
        return EV_CLOSE | EV_REDRAW;
    case ACT_FORM_HELP:
        help_open(a, MODE_FORM);
        return EV_REDRAW;
    default:
        return EV_REDRAW;
    }
}

static void props_destroy(view *v)
{
    props_view *pv = (props_view *)v;
    free(pv->id);
    free(pv);
}

static const view_ops props_ops = {
    .name = "properties",
    .mode = MODE_FORM,
    .draw = props_draw,
    .on_key = props_key,
    .destroy = props_destroy,
};

view *props_open(app *a, size_t idx)
{
    props_view *pv = xcalloc(1, sizeof(*pv));
    pv->base.ops = &props_ops;
    pv->id = xstrdup(a->d.p.nodes[idx].id);
    /* Start on the first required setting that is missing, if any. */
    const node_type *t = props_node_type(pv, a);
    pv->cur = t && t->n_settings ? 2 : 0;
    for (size_t i = 0; t && i < t->n_settings; i++)
        if (t->settings[i].required && !node_setting(&a->d.p.nodes[idx], t->settings[i].name)) {
            pv->cur = 2 + (int)i;
            break;
        }
    app_push(a, &pv->base);
    return &pv->base;
}
