/* commitdlg: the commit dialog (g) — the pipeline's changed files with a
 * diff preview of the selected one, the author (or, when git config has
 * none, name and email fields and whether to store them in the
 * repository's config), the version the commit will carry, and a message:
 * a summary line and a body of several lines.
 *
 * Before the dialog opens, weir offers to create a repository when there
 * is none, saves unsaved canvas edits (after asking: the list must show
 * what will be committed), refuses a locked index or an operation in
 * progress, and warns about a detached HEAD.  Committing an invalid
 * pipeline needs a second, explicit yes.  The commit itself is
 * vcs_commit: only the pipeline's files, the user's other work untouched,
 * the version bumped by the library (the model follows, undo kept). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "editpane.h"
#include "input.h"
#include "textinput.h"
#include "util.h"
#include "uwidth.h"
#include "vcs.h"
#include "vcs_commit.h"
#include "vcsui.h"

enum { BODY_MAX_LINES = 64 };

typedef enum { F_FILES, F_NAME, F_EMAIL, F_STORE, F_SUMMARY, F_BODY, F_COUNT } field;

typedef struct commit_view {
    view base;
    vcs_changes ch;
    size_t cur;
    char *diff; /* the selected file's unified diff */
    int diff_top, diff_page;
    char *author;      /* "Name <email>" shown; NULL while it is asked for */
    bool ask_identity; /* the name and email fields are shown */
    bool pass_author;  /* give name and email to the commit (not from config) */
    textinput name, email, summary;
    bool store_identity;
    textinput body[BODY_MAX_LINES];
    int n_body, body_cur;
    field focus;
    bool allow_detached, allow_invalid;
    char branch[96];
    char plan[160];
    char note[300];
    style_id note_style;
} commit_view;

/* Remembered for the session: asked once, and not asked again. */
static char *session_name, *session_email;

static bool field_shown(const commit_view *cv, field f)
{
    if (f == F_NAME || f == F_EMAIL || f == F_STORE)
        return cv->ask_identity;
    return true;
}

static void load_diff(commit_view *cv, vcs_repo *r)
{
    free(cv->diff);
    cv->diff = NULL;
    cv->diff_top = 0;
    if (!cv->ch.n)
        return;
    vcs_error err = {0};
    char *text = NULL;
    if (vcs_file_diff(r, NULL, NULL, cv->ch.items[cv->cur].path, &text, &err) != VCS_OK)
        cv->diff = xasprintf("(no diff: %s)", err.message);
    else
        cv->diff = text;
}

/* ---- drawing ---- */

static style_id change_style(vcs_change c)
{
    return c == VCS_ADDED ? STYLE_ADDED : c == VCS_DELETED ? STYLE_REMOVED : STYLE_CHANGED;
}

static style_id diff_line_style(const char *line, size_t n)
{
    if (n >= 3 && (strncmp(line, "+++", 3) == 0 || strncmp(line, "---", 3) == 0))
        return STYLE_DIM;
    if (n && line[0] == '+')
        return STYLE_ADDED;
    if (n && line[0] == '-')
        return STYLE_REMOVED;
    if (n >= 2 && strncmp(line, "@@", 2) == 0)
        return STYLE_HEADING;
    if (n >= 4 && strncmp(line, "diff", 4) == 0)
        return STYLE_DIM;
    return STYLE_NORMAL;
}

static int count_lines(const char *s)
{
    int n = 0;
    for (; s && *s; s++)
        n += *s == '\n';
    return n + (s && s[-1] != '\n');
}

static void draw_diff(commit_view *cv, int y, int x, int h, int w)
{
    cv->diff_page = h;
    int total = count_lines(cv->diff);
    if (cv->diff_top > total - h)
        cv->diff_top = total - h;
    if (cv->diff_top < 0)
        cv->diff_top = 0;
    const char *s = cv->diff ? cv->diff : "";
    for (int i = 0; i < cv->diff_top && *s; i++) {
        s += strcspn(s, "\n");
        if (*s)
            s++;
    }
    if (!cv->ch.n)
        s = "";
    for (int r = 0; r < h; r++) {
        size_t n = strcspn(s, "\n");
        char *line = xstrndup(s, n);
        /* tabs would move the cursor: show them as spaces */
        for (char *t = line; *t; t++)
            if (*t == '\t')
                *t = ' ';
        draw_text_pad(stdscr, y + r, x, line, w, diff_line_style(line, n));
        free(line);
        s += n;
        if (*s)
            s++;
    }
    if (total > h) {
        char more[48];
        snprintf(more, sizeof(more), " %d-%d/%d ", cv->diff_top + 1,
                 cv->diff_top + h < total ? cv->diff_top + h : total, total);
        draw_text(stdscr, y + h - 1, x + w - uw_width(more), more, w, STYLE_DIM);
    }
}

static style_id label_style(const commit_view *cv, field f)
{
    return cv->focus == f ? STYLE_KEY : STYLE_DIM;
}

static void commit_draw(view *v, app *a)
{
    commit_view *cv = (commit_view *)v;
    int y0 = 1, h = a->rows - 2, x0 = 0, w = a->cols;
    char title[200];
    snprintf(title, sizeof(title), "commit %s · %s", a->d.p.name ? a->d.p.name : "?", cv->branch);
    draw_frame(stdscr, y0, x0, h, w, title, STYLE_BORDER);
    int x = x0 + 2, iw = w - 4, y = y0 + 1, bottom = y0 + h - 1;
    int cur_y = -1, cur_x = -1;

    /* author and version */
    if (!cv->ask_identity) {
        char line[512];
        snprintf(line, sizeof(line), "author %s", cv->author);
        int used = draw_text(stdscr, y, x, line, iw, STYLE_NORMAL);
        draw_text_pad(stdscr, y, x + used, "", iw - used, STYLE_NORMAL);
        y++;
    } else {
        draw_text_pad(stdscr, y, x, "no git identity (user.name, user.email): who is committing?",
                      iw, STYLE_WARNING);
        y++;
        int lw = 7, fw = (iw - 2 * lw - 2) / 2;
        draw_text(stdscr, y, x, "name ", lw, label_style(cv, F_NAME));
        int c1 = textinput_draw(stdscr, &cv->name, y, x + lw, fw, STYLE_INPUT);
        draw_text(stdscr, y, x + lw + fw + 2, "email ", lw, label_style(cv, F_EMAIL));
        int c2 = textinput_draw(stdscr, &cv->email, y, x + 2 * lw + fw + 2, fw, STYLE_INPUT);
        if (cv->focus == F_NAME)
            cur_y = y, cur_x = c1;
        if (cv->focus == F_EMAIL)
            cur_y = y, cur_x = c2;
        y++;
        char store[160];
        snprintf(store, sizeof(store), "[%c] store it in this repository's git config (Space)",
                 cv->store_identity ? 'x' : ' ');
        draw_text_pad(stdscr, y, x, store, iw,
                      cv->focus == F_STORE ? STYLE_SELECTED : STYLE_NORMAL);
        y++;
    }
    draw_text_pad(stdscr, y++, x, cv->plan, iw, STYLE_DIM);

    /* message at the bottom: summary, body, the note line */
    int body_h = (bottom - y) / 5;
    if (body_h < 2)
        body_h = 2;
    if (body_h > 8)
        body_h = 8;
    int note_y = bottom - 1;
    int body_y = note_y - body_h;
    int sum_y = body_y - 1;
    int list_h = sum_y - y - 1;

    /* files and the diff of the selected one */
    int lw = iw / 3 > 36 ? 36 : iw / 3;
    if (lw < 16)
        lw = 16;
    char head[64];
    snprintf(head, sizeof(head), "changes (%zu)", cv->ch.n);
    draw_text_pad(stdscr, y, x, head, lw, label_style(cv, F_FILES));
    draw_text_pad(stdscr, y, x + lw + 1, cv->ch.n ? cv->ch.items[cv->cur].path : "", iw - lw - 1,
                  STYLE_DIM);
    y++;
    size_t top = cv->cur >= (size_t)list_h && list_h > 0 ? cv->cur - (size_t)list_h + 1 : 0;
    for (int r = 0; r < list_h; r++) {
        size_t i = top + (size_t)r;
        if (i >= cv->ch.n) {
            draw_text_pad(stdscr, y + r, x, r == 0 && !cv->ch.n ? "nothing to commit" : "", lw,
                          STYLE_DIM);
            continue;
        }
        char line[400];
        snprintf(line, sizeof(line), "%c %s", (char)cv->ch.items[i].change, cv->ch.items[i].path);
        style_id s = change_style(cv->ch.items[i].change);
        if (i == cv->cur)
            s = cv->focus == F_FILES ? STYLE_SELECTED : STYLE_MARKED;
        draw_text_pad(stdscr, y + r, x, line, lw, s);
    }
    for (int r = 0; r < list_h; r++)
        draw_cp(stdscr, y + r, x + lw, draw_ascii() ? '|' : 0x2502, STYLE_BORDER);
    if (list_h > 0)
        draw_diff(cv, y, x + lw + 2, list_h, iw - lw - 2);

    draw_text(stdscr, sum_y, x, "summary ", 8, label_style(cv, F_SUMMARY));
    int cs = textinput_draw(stdscr, &cv->summary, sum_y, x + 8, iw - 8, STYLE_INPUT);
    if (cv->focus == F_SUMMARY)
        cur_y = sum_y, cur_x = cs;
    int btop = cv->body_cur >= body_h ? cv->body_cur - body_h + 1 : 0;
    for (int r = 0; r < body_h; r++) {
        int i = btop + r;
        draw_text(stdscr, body_y + r, x, r == 0 ? "body    " : "        ", 8,
                  label_style(cv, F_BODY));
        if (i < cv->n_body) {
            int c = textinput_draw(stdscr, &cv->body[i], body_y + r, x + 8, iw - 8, STYLE_INPUT);
            if (cv->focus == F_BODY && i == cv->body_cur)
                cur_y = body_y + r, cur_x = c;
        } else {
            draw_text_pad(stdscr, body_y + r, x + 8, "", iw - 8, STYLE_NORMAL);
        }
    }
    draw_text_pad(stdscr, note_y, x, cv->note, iw, cv->note_style);
    if (cur_y >= 0) {
        curs_set(1);
        move(cur_y, cur_x);
    } else {
        curs_set(0);
    }
}

/* ---- the body: lines of one-line fields ---- */

static void body_key(commit_view *cv, int key)
{
    textinput *t = &cv->body[cv->body_cur];
    if (key == '\r' || key == '\n' || key == KF(KEY_ENTER)) {
        if (cv->n_body == BODY_MAX_LINES)
            return;
        memmove(&cv->body[cv->body_cur + 2], &cv->body[cv->body_cur + 1],
                (size_t)(cv->n_body - cv->body_cur - 1) * sizeof(textinput));
        textinput_set(&cv->body[cv->body_cur + 1], t->buf + t->cur);
        cv->body[cv->body_cur + 1].cur = 0;
        t->buf[t->cur] = '\0';
        t->len = t->cur;
        cv->n_body++;
        cv->body_cur++;
        return;
    }
    bool bs = key == KF(KEY_BACKSPACE) || key == 127 || key == CTRL('h');
    if (bs && t->cur == 0 && cv->body_cur > 0) {
        textinput *p = &cv->body[cv->body_cur - 1];
        if (p->len + t->len >= TEXTINPUT_MAX)
            return;
        size_t at = p->len;
        memcpy(p->buf + p->len, t->buf, t->len + 1);
        p->len += t->len;
        p->cur = at;
        memmove(&cv->body[cv->body_cur], &cv->body[cv->body_cur + 1],
                (size_t)(cv->n_body - cv->body_cur - 1) * sizeof(textinput));
        cv->n_body--;
        cv->body_cur--;
        return;
    }
    textinput_key(t, bs ? KF(KEY_BACKSPACE) : key);
}

static void body_move(commit_view *cv, int delta)
{
    int n = cv->body_cur + delta;
    if (n < 0 || n >= cv->n_body)
        return;
    size_t col = cv->body[cv->body_cur].cur;
    cv->body_cur = n;
    textinput *t = &cv->body[n];
    t->cur = col < t->len ? col : t->len;
    while (t->cur > 0 && ((unsigned char)t->buf[t->cur] & 0xC0) == 0x80)
        t->cur--;
}

/* ---- committing ---- */

static char *message_text(const commit_view *cv)
{
    strbuf sb;
    strbuf_init(&sb);
    strbuf_puts(&sb, cv->summary.buf);
    int last = cv->n_body - 1;
    while (last >= 0 && cv->body[last].len == 0)
        last--;
    int first = 0;
    while (first <= last && cv->body[first].len == 0)
        first++;
    if (first <= last) {
        strbuf_puts(&sb, "\n\n");
        for (int i = first; i <= last; i++) {
            strbuf_puts(&sb, cv->body[i].buf);
            strbuf_putc(&sb, '\n');
        }
    }
    return strbuf_detach(&sb);
}

static void note(commit_view *cv, style_id s, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void note(commit_view *cv, style_id s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cv->note, sizeof(cv->note), fmt, ap);
    va_end(ap);
    cv->note_style = s;
}

static int do_commit(app *a, commit_view *cv);

static int invalid_done(app *a, int key, void *ctx)
{
    commit_view *cv = ctx;
    if (key != 'c') {
        note(cv, STYLE_WARNING, "not committed: the pipeline has errors (! lists them)");
        return EV_CLOSE | EV_REDRAW;
    }
    cv->allow_invalid = true;
    int r = do_commit(a, cv);
    if (r & EV_CLOSE) /* committed: the dialog under this question goes too */
        vcsui_drop_below_top(a);
    return r | EV_CLOSE;
}

/* The model follows the bump the library wrote into pipeline.yaml; undo
 * snapshots too, so undoing an edit never takes the version back. */
static void follow_version(app *a, long long version)
{
    a->d.p.version = version;
    for (size_t i = 0; i < a->d.undo.n_undo; i++)
        a->d.undo.undo[i].p.version = version;
    for (size_t i = 0; i < a->d.undo.n_redo; i++)
        a->d.undo.redo[i].p.version = version;
}

static int do_commit(app *a, commit_view *cv)
{
    if (!cv->summary.len) {
        cv->focus = F_SUMMARY;
        note(cv, STYLE_ERROR, "write a summary line first");
        return EV_REDRAW;
    }
    if (!cv->ch.n) {
        note(cv, STYLE_WARNING, "nothing to commit: the pipeline's files match HEAD");
        return EV_REDRAW;
    }
    if (cv->ask_identity) {
        if (!cv->name.len || !strchr(cv->email.buf, '@')) {
            cv->focus = cv->name.len ? F_EMAIL : F_NAME;
            note(cv, STYLE_ERROR, "a name and an email (with @) are needed to commit");
            return EV_REDRAW;
        }
    }
    /* save first (the dialog opened on a saved canvas; this catches the editor) */
    if (doc_dirty(&a->d) || editpane_dirty()) {
        commands_save(a);
        if (doc_dirty(&a->d)) {
            note(cv, STYLE_ERROR, "not committed: %s", a->msg);
            return EV_REDRAW;
        }
    }
    if (doc_errors(&a->d) && !cv->allow_invalid) {
        char body[256];
        snprintf(body, sizeof(body),
                 "The pipeline has %zu error%s (! lists them).\n"
                 "Commit it anyway? History will hold a pipeline that does not validate.",
                 doc_errors(&a->d), doc_errors(&a->d) == 1 ? "" : "s");
        confirm_open(a, "commit an invalid pipeline?", body, "c commit anyway  Esc back", "c",
                     invalid_done, cv);
        return EV_REDRAW;
    }
    vcs_error err = {0};
    vcs_repo *r = NULL;
    vcs_rc rc = vcs_open(a->d.p.dir, &r, &err);
    if (rc == VCS_OK && cv->ask_identity && cv->store_identity) {
        rc = vcs_set_identity(r, cv->name.buf, cv->email.buf, &err);
        if (rc == VCS_OK) {
            free(cv->author);
            cv->author = xasprintf("%s <%s>", cv->name.buf, cv->email.buf);
        }
    }
    if (rc != VCS_OK) {
        note(cv, STYLE_ERROR, "not committed: %s", err.message);
        vcs_close(r);
        return EV_REDRAW;
    }
    char *msg = message_text(cv);
    vcs_commit_opts opts = {
        .message = msg,
        .allow_invalid = cv->allow_invalid,
        .allow_detached = cv->allow_detached,
    };
    if (cv->pass_author) {
        opts.author_name = cv->name.buf;
        opts.author_email = cv->email.buf;
        free(session_name);
        free(session_email);
        session_name = xstrdup(cv->name.buf);
        session_email = xstrdup(cv->email.buf);
    }
    diag_list diags;
    diag_list_init(&diags);
    vcs_commit_result res;
    memset(&res, 0, sizeof(res));
    rc = vcs_commit(r, &opts, &res, &diags, &err);
    free(msg);
    diag_list_free(&diags);
    vcs_close(r);
    vcsui_status_invalidate();
    if (rc == VCS_INVALID && !cv->allow_invalid) {
        confirm_open(a, "commit an invalid pipeline?",
                     "The pipeline does not validate (! lists the problems).\nCommit it anyway?",
                     "c commit anyway  Esc back", "c", invalid_done, cv);
        return EV_REDRAW;
    }
    if (rc != VCS_OK) {
        note(cv, rc == VCS_NOTHING ? STYLE_WARNING : STYLE_ERROR, "not committed: %s", err.message);
        return EV_REDRAW;
    }
    follow_version(a, res.version);
    char sid[8];
    snprintf(sid, sizeof(sid), "%.7s", res.id);
    app_message(a, res.index_updated ? STYLE_OK : STYLE_WARNING,
                "committed %s \"%s\": v%lld%s, %zu file%s%s", sid, cv->summary.buf, res.version,
                res.bumped         ? " (bumped)"
                : res.bump_skipped ? " (not bumped: it has errors)"
                                   : "",
                res.n_files, res.n_files == 1 ? "" : "s",
                res.index_updated ? "" : "; .git/index could not be updated (git status may lag)");
    return EV_CLOSE | EV_REDRAW | EV_RELAYOUT;
}

static int commit_key(view *v, app *a, action act, int key)
{
    commit_view *cv = (commit_view *)v;
    bool text = cv->focus != F_FILES && cv->focus != F_STORE;
    switch (act) {
    case ACT_COMMIT_DO: {
        int r = do_commit(a, cv);
        return r;
    }
    case ACT_COMMIT_CANCEL:
        app_message(a, STYLE_DIM, "not committed");
        return EV_CLOSE | EV_REDRAW;
    case ACT_COMMIT_NEXT:
    case ACT_COMMIT_PREV: {
        int step = act == ACT_COMMIT_NEXT ? 1 : F_COUNT - 1;
        field f = cv->focus;
        do
            f = (field)((f + step) % F_COUNT);
        while (!field_shown(cv, f));
        cv->focus = f;
        return EV_REDRAW;
    }
    case ACT_COMMIT_UP:
    case ACT_COMMIT_DOWN: {
        int d = act == ACT_COMMIT_UP ? -1 : 1;
        if (cv->focus == F_BODY) {
            body_move(cv, d);
        } else if (cv->focus == F_FILES) {
            size_t before = cv->cur;
            if ((d < 0 && cv->cur > 0) || (d > 0 && cv->cur + 1 < cv->ch.n))
                cv->cur += (size_t)d;
            if (cv->cur != before) {
                vcs_repo *r = NULL;
                vcs_error err = {0};
                if (vcs_open(a->d.p.dir, &r, &err) == VCS_OK) {
                    load_diff(cv, r);
                    vcs_close(r);
                }
            }
        }
        return EV_REDRAW;
    }
    case ACT_COMMIT_SCROLL_UP:
        cv->diff_top -= cv->diff_page > 2 ? cv->diff_page - 2 : 1;
        return EV_REDRAW;
    case ACT_COMMIT_SCROLL_DOWN:
        cv->diff_top += cv->diff_page > 2 ? cv->diff_page - 2 : 1;
        return EV_REDRAW;
    case ACT_COMMIT_HELP:
        if (!text) {
            help_open(a, MODE_COMMIT);
            return EV_REDRAW;
        }
        break;
    default:
        break;
    }
    if (key == '\r' || key == '\n' || key == KF(KEY_ENTER)) {
        if (cv->focus == F_BODY) {
            body_key(cv, key);
        } else {
            field f = cv->focus;
            do
                f = (field)((f + 1) % F_COUNT);
            while (!field_shown(cv, f));
            cv->focus = f;
        }
        return EV_REDRAW;
    }
    switch (cv->focus) {
    case F_FILES:
        if (key == 'j' || key == 'k')
            return commit_key(v, a, key == 'j' ? ACT_COMMIT_DOWN : ACT_COMMIT_UP, 0);
        return EV_REDRAW;
    case F_STORE:
        if (key == ' ' || key == 'x')
            cv->store_identity = !cv->store_identity;
        return EV_REDRAW;
    case F_NAME:
        textinput_key(&cv->name, key == 127 ? KF(KEY_BACKSPACE) : key);
        return EV_REDRAW;
    case F_EMAIL:
        textinput_key(&cv->email, key == 127 ? KF(KEY_BACKSPACE) : key);
        return EV_REDRAW;
    case F_SUMMARY:
        textinput_key(&cv->summary, key == 127 ? KF(KEY_BACKSPACE) : key);
        return EV_REDRAW;
    case F_BODY:
        body_key(cv, key);
        return EV_REDRAW;
    default:
        return EV_REDRAW;
    }
}

static void commit_destroy(view *v)
{
    commit_view *cv = (commit_view *)v;
    vcs_changes_free(&cv->ch);
    free(cv->diff);
    free(cv->author);
    free(cv);
}

static const view_ops commit_ops = {
    .name = "commit",
    .mode = MODE_COMMIT,
    .draw = commit_draw,
    .on_key = commit_key,
    .destroy = commit_destroy,
};

/* ---- opening: the questions first ---- */

static int open_dialog(app *a, bool allow_detached, bool below_top);

static view *build(app *a, vcs_repo *r, bool allow_detached, vcs_error *err)
{
    commit_view *cv = xcalloc(1, sizeof(*cv));
    cv->base.ops = &commit_ops;
    cv->allow_detached = allow_detached;
    cv->n_body = 1;
    cv->focus = F_SUMMARY;
    if (vcs_changes_list(r, NULL, NULL, &cv->ch, err) != VCS_OK) {
        free(cv);
        return NULL;
    }
    load_diff(cv, r);
    vcs_head h;
    if (vcs_head_read(r, &h, err) == VCS_OK) {
        if (h.detached)
            snprintf(cv->branch, sizeof(cv->branch), "detached HEAD at %s", h.short_id);
        else
            snprintf(cv->branch, sizeof(cv->branch), "%s%s", h.branch ? h.branch : "?",
                     h.unborn ? " (first commit)" : "");
        vcs_head_free(&h);
    }
    char *name = NULL, *email = NULL;
    if (vcs_identity(r, &name, &email, err) == VCS_OK) {
        cv->author = xasprintf("%s <%s>", name, email);
    } else if (session_name && session_email) {
        /* asked once already this session (and not stored): use it again */
        textinput_set(&cv->name, session_name);
        textinput_set(&cv->email, session_email);
        cv->author = xasprintf("%s <%s> (this session)", session_name, session_email);
        cv->pass_author = true;
    } else {
        cv->ask_identity = cv->pass_author = true;
        cv->store_identity = true;
        cv->focus = F_NAME;
    }
    free(name);
    free(email);
    bool bump = false;
    long long hv = -1, nv = -1;
    if (vcs_version_plan(r, &bump, &hv, &nv, err) == VCS_OK) {
        if (hv < 0)
            snprintf(cv->plan, sizeof(cv->plan), "version %lld (the first commit of the pipeline)",
                     nv);
        else if (bump)
            snprintf(cv->plan, sizeof(cv->plan),
                     "version %lld %s %lld (topology, SQL or Lua changed since HEAD)", hv,
                     a->ascii ? "->" : "→", nv);
        else
            snprintf(cv->plan, sizeof(cv->plan), "version %lld (no bump: only layout or metadata)",
                     nv);
    }
    note(cv, STYLE_DIM, "%s",
         cv->ch.n ? "Tab moves between fields; C-s commits; Esc cancels"
                  : "nothing to commit: the pipeline's files match HEAD");
    return &cv->base;
}

static int close_done(app *a, int key, void *ctx)
{
    (void)a;
    (void)key;
    (void)ctx;
    return EV_CLOSE | EV_REDRAW;
}

/* A question just pushed by confirm_open; from an answer callback it goes
 * below the question being answered, which the caller's EV_CLOSE pops. */
static void place(app *a, view *q, bool below_top)
{
    if (below_top && q && a->n_views >= 2 && a->views[a->n_views - 1] == q) {
        a->n_views--;
        vcsui_push_below_top(a, q);
    }
}

static int detached_done(app *a, int key, void *ctx)
{
    (void)ctx;
    if (key != 'c') {
        app_message(a, STYLE_DIM, "not committed");
        return EV_CLOSE | EV_REDRAW;
    }
    return open_dialog(a, true, true) | EV_CLOSE;
}

static int init_done(app *a, int key, void *ctx)
{
    (void)ctx;
    if (key != 'i')
        return EV_CLOSE | EV_REDRAW;
    vcs_error err = {0};
    if (vcs_init(a->d.p.dir, &err) != VCS_OK) {
        app_message(a, STYLE_ERROR, "cannot create a repository: %s", err.message);
        return EV_CLOSE | EV_REDRAW;
    }
    vcsui_status_invalidate();
    app_message(a, STYLE_OK, "created a git repository in %s", a->d.p.dir);
    return open_dialog(a, false, true) | EV_CLOSE;
}

static int save_done(app *a, int key, void *ctx)
{
    (void)ctx;
    if (key != 's')
        return EV_CLOSE | EV_REDRAW;
    commands_save(a);
    if (doc_dirty(&a->d) || editpane_dirty())
        return EV_CLOSE | EV_REDRAW; /* the message says why */
    return open_dialog(a, false, true) | EV_CLOSE;
}

/* Open the dialog, or the question that comes first.  below_top: called
 * from a question's answer, which is then popped by EV_CLOSE. */
static int open_dialog(app *a, bool allow_detached, bool below_top)
{
    vcs_error err = {0};
    vcs_repo *r = NULL;
    vcs_rc rc = vcs_open(a->d.p.dir, &r, &err);
    if (rc == VCS_NO_REPO) {
        char body[600];
        snprintf(body, sizeof(body),
                 "%s is in no git repository.\n"
                 "Create one there (git init), so the pipeline can be committed?",
                 a->d.p.dir);
        place(a,
              confirm_open(a, "no git repository", body, "i create it  Esc cancel", "i", init_done,
                           NULL),
              below_top);
        return EV_REDRAW;
    }
    if (rc != VCS_OK) {
        app_message(a, STYLE_ERROR, "git: %s", err.message);
        return EV_REDRAW;
    }
    if (doc_dirty(&a->d) || editpane_dirty()) {
        vcs_close(r);
        place(a,
              confirm_open(a, "save before committing?",
                           "The canvas (or the editor) has unsaved changes.\n"
                           "A commit takes the files on disk: save them first?",
                           "s save and continue  Esc cancel", "s", save_done, NULL),
              below_top);
        return EV_REDRAW;
    }
    rc = vcs_check_ready(r, true, &err);
    if (rc != VCS_OK) {
        vcs_close(r);
        /* wrap the library's one line to the screen */
        strbuf sb;
        strbuf_init(&sb);
        int width = a->cols - 10 < 72 ? a->cols - 10 : 72, col = 0;
        for (const char *w = err.message; *w;) {
            size_t n = strcspn(w, " ");
            if (col && col + (int)n + 1 > width) {
                strbuf_putc(&sb, '\n');
                col = 0;
            } else if (col) {
                strbuf_putc(&sb, ' ');
                col++;
            }
            strbuf_add(&sb, w, n);
            col += (int)n;
            w += n;
            while (*w == ' ')
                w++;
        }
        strbuf_puts(&sb, "\n\nNothing was changed.");
        place(a, confirm_open(a, "cannot commit", sb.data, "Esc close", "", close_done, NULL),
              below_top);
        strbuf_free(&sb);
        return EV_REDRAW;
    }
    vcs_head h;
    if (!allow_detached && vcs_head_read(r, &h, &err) == VCS_OK) {
        bool det = h.detached;
        char sid[16];
        snprintf(sid, sizeof(sid), "%s", h.short_id);
        vcs_head_free(&h);
        if (det) {
            vcs_close(r);
            char body[400];
            snprintf(body, sizeof(body),
                     "HEAD is detached (at %s): a commit made here belongs to no branch\n"
                     "and is easy to lose. Create or check out a branch to keep it.",
                     sid);
            place(a,
                  confirm_open(a, "detached HEAD", body, "c commit anyway  Esc cancel", "c",
                               detached_done, NULL),
                  below_top);
            return EV_REDRAW;
        }
    }
    view *v = build(a, r, allow_detached, &err);
    vcs_close(r);
    if (!v) {
        app_message(a, STYLE_ERROR, "git: %s", err.message);
        return EV_REDRAW;
    }
    if (below_top)
        vcsui_push_below_top(a, v);
    else
        app_push(a, v);
    return EV_REDRAW;
}

int commitdlg_open(app *a)
{
    return open_dialog(a, false, false);
}
