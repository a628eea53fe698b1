/* startup: the questions weir may ask before the canvas — create a
 * pipeline where there is none (a starter as `weir new` makes it, or an
 * empty one), and recover unsaved edits from the journal, showing what
 * they are. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app.h"
#include "cli.h"
#include "fsutil.h"
#include "journal.h"
#include "util.h"
#include "vcs_merge.h"

/* The kept journal on offer (its N in DIR/.weir/journal.N); ctx of the
 * question.  At start-up the last session's journal was set aside, so this
 * session's journal never overwrites one that is not yet answered. */
static unsigned offered;

static view *offer_kept(app *a);

static int recover_done(app *a, int key, void *ctx)
{
    (void)ctx;
    unsigned n = offered;
    char *name = journal_kept_name(n);
    int r = EV_CLOSE | EV_REDRAW;
    if (key == 'r') {
        pipeline p;
        code_origins o;
        char err[256];
        if (journal_read(a->d.p.dir, n, &p, &o, NULL, err, sizeof(err)) &&
            journal_restore_kept(a->d.p.dir, n, err, sizeof(err))) {
            /* it is this session's journal now: it holds exactly the
             * recovered state, until the next edit rewrites it */
            char *dir = xstrdup(a->d.p.dir);
            doc_begin(&a->d, app_sel_id(a), "recover");
            pipeline_free(&a->d.p);
            code_origins_free(&a->d.origins);
            a->d.p = p;
            a->d.origins = o;
            free(a->d.p.dir);
            a->d.p.dir = dir;
            doc_commit(&a->d);
            a->d.journal_change = a->d.change;
            unsigned first;
            size_t more = journal_kept(a->d.p.dir, &first);
            if (more)
                app_message(a, STYLE_OK,
                            "recovered the unsaved edits; s saves them (%zu more kept in "
                            ".weir/, offered at the next start)",
                            more);
            else
                app_message(a, STYLE_OK, "recovered the unsaved edits; s saves them");
        } else {
            app_message(a, STYLE_ERROR, "cannot recover: %s (kept in %s)", err, name);
        }
        r |= EV_RELAYOUT;
    } else if (key == 'd') {
        journal_remove_kept(a->d.p.dir, n);
        app_message(a, STYLE_NORMAL, "discarded the unsaved edits");
        /* an older one answered: offer the next, under this question */
        view *q = offer_kept(a);
        if (q && a->n_views >= 2 && a->views[a->n_views - 1] == q) {
            a->views[a->n_views - 1] = a->views[a->n_views - 2];
            a->views[a->n_views - 2] = q;
        }
    } else {
        unsigned first;
        size_t kept = journal_kept(a->d.p.dir, &first);
        if (kept > 1)
            app_message(a, STYLE_NORMAL, "kept %zu journals in .weir/; the next start asks again",
                        kept);
        else
            app_message(a, STYLE_NORMAL, "kept the journal in %s; the next start asks again", name);
    }
    free(name);
    return r;
}

/* Offer the oldest kept journal; NULL when there is none (or it is
 * damaged, which is said and left in place). */
static view *offer_kept(app *a)
{
    unsigned n;
    size_t count = journal_kept(a->d.p.dir, &n);
    if (!count)
        return NULL;
    pipeline rec;
    code_origins o;
    char err[256], *base = NULL, *name = journal_kept_name(n);
    if (!journal_read(a->d.p.dir, n, &rec, &o, &base, err, sizeof(err))) {
        app_message(a, STYLE_WARNING, "ignored a damaged recovery journal: %s", name);
        free(name);
        return NULL;
    }
    offered = n;
    strbuf sb;
    strbuf_init(&sb);
    journal_disk_changes(a->d.p.dir, base, &sb);
    if (count > 1)
        strbuf_printf(&sb, "weir stopped with unsaved edits (the oldest of %zu kept).\n", count);
    else
        strbuf_puts(&sb, "weir stopped with unsaved edits.\n");
    strbuf_puts(&sb, "Recovering gives, against the files on disk now:\n");
    journal_describe(&a->d.p, &rec, &sb);
    strbuf_printf(&sb, "Esc: decide later - kept in %s", name);
    view *q = confirm_open(a, "recover unsaved edits?", sb.data,
                           "r recover  d discard  Esc decide later", "rd", recover_done, NULL);
    strbuf_free(&sb);
    free(base);
    free(name);
    pipeline_free(&rec);
    code_origins_free(&o);
    return q;
}

void startup_offer_recovery(app *a)
{
    /* never let this session's journal overwrite the last one's */
    if (!journal_set_aside(a->d.p.dir))
        app_message(a, STYLE_ERROR,
                    "cannot set the recovery journal aside in .weir/; journalling is off");
    offer_kept(a);
}

/* `weir new DIR --name NAME`, quietly: its messages would land on the
 * canvas.  Its stderr is captured into err. */
static bool run_weir_new(const char *dir, const char *name, char *err, size_t err_size)
{
    fflush(stdout);
    fflush(stderr);
    FILE *cap = tmpfile();
    int out = dup(STDOUT_FILENO), errfd = dup(STDERR_FILENO);
    int null = open("/dev/null", O_WRONLY);
    if (!cap || out < 0 || errfd < 0 || null < 0) {
        snprintf(err, err_size, "cannot run weir new");
        return false;
    }
    dup2(null, STDOUT_FILENO);
    dup2(fileno(cap), STDERR_FILENO);
    char *argv[] = {"new", (char *)dir, "--name", (char *)name, NULL};
    int rc = cmd_new(4, argv);
    fflush(stdout);
    fflush(stderr);
    dup2(out, STDOUT_FILENO);
    dup2(errfd, STDERR_FILENO);
    close(out);
    close(errfd);
    close(null);
    rewind(cap);
    size_t n = fread(err, 1, err_size - 1, cap);
    err[n] = '\0';
    char *nl = strchr(err, '\n');
    if (nl)
        *nl = '\0';
    fclose(cap);
    return rc == 0;
}

/* DIR/.gitattributes for a pipeline created from the canvas, as `weir new`
 * writes it (VCS_GITATTRIBUTES): atomically, and never over an existing
 * one, whatever it holds (the user's file is left as it is, nothing
 * said).  false with the reason in err. */
static bool write_gitattributes(const char *dir, char *err, size_t err_size)
{
    char *path = fs_join(dir, ".gitattributes");
    int rc = fs_write_new(path, VCS_GITATTRIBUTES, strlen(VCS_GITATTRIBUTES), err, err_size);
    free(path);
    return rc >= 0;
}

static int create_done(app *a, int key, void *ctx)
{
    (void)ctx;
    if (key == 's') {
        char err[512];
        char *dir = xstrdup(a->d.p.dir), *name = xstrdup(a->d.p.name);
        bool ok = run_weir_new(dir, name, err, sizeof(err));
        char lerr[256];
        if (ok) {
            doc_free(&a->d);
            ok = doc_load(&a->d, dir, lerr, sizeof(lerr));
            journal_note_disk(dir);
            if (!ok) {
                doc_new(&a->d, dir, name);
                snprintf(err, sizeof(err), "%s", lerr);
            }
        }
        free(dir);
        free(name);
        if (!ok) {
            app_message(a, STYLE_ERROR, "%s", err[0] ? err : "weir new failed");
            return EV_REDRAW; /* keep the question: an empty pipeline still works */
        }
        canvas_autolayout(&a->d.p, true);
        app_rebuild(a);
        size_t *order = canvas_topo_order(&a->d.p);
        a->sel = a->d.p.n_nodes ? (ptrdiff_t)order[0] : -1;
        free(order);
        a->view_x = a->cv.min_x - 2;
        a->view_y = a->cv.min_y - 1;
        app_message(a, STYLE_OK, "created a starter pipeline in %s; Tab walks through it",
                    a->d.p.dir);
        return EV_CLOSE | EV_RELAYOUT | EV_SCROLL | EV_REDRAW;
    }
    if (key != 'e')
        return EV_CLOSE | EV_QUIT;
    diag_list diags;
    diag_list_init(&diags);
    if (doc_save(&a->d, &diags)) {
        char gerr[256];
        if (write_gitattributes(a->d.p.dir, gerr, sizeof(gerr)))
            app_message(a, STYLE_OK, "created %s/pipeline.yaml; a adds a node", a->d.p.dir);
        else
            app_message(a, STYLE_WARNING,
                        "created %s/pipeline.yaml, but not .gitattributes (%s): "
                        "git will not merge it with weir",
                        a->d.p.dir, gerr);
    } else {
        app_message(a, STYLE_ERROR, "cannot create the pipeline: %s",
                    diags.n ? diags.items[0].message : "unknown error");
    }
    diag_list_free(&diags);
    return EV_CLOSE | EV_RELAYOUT | EV_REDRAW;
}

char *startup_pipeline_name(const char *dir)
{
    char *abs = realpath(dir, NULL);
    const char *src = abs ? abs : dir;
    const char *slash = strrchr(src, '/');
    const char *b = slash && slash[1] ? slash + 1 : src;
    char *name = edit_unique_id(&(pipeline){0}, *b && strcmp(b, "/") ? b : "pipeline");
    free(abs);
    return name;
}

void startup_offer_create(app *a)
{
    char body[1024];
    const char *dir = a->d.p.dir;
    char where[512];
    if (strcmp(dir, ".") == 0)
        snprintf(where, sizeof(where), "There is no pipeline.yaml in this folder.");
    else if (!fs_is_dir(dir))
        snprintf(where, sizeof(where), "%s does not exist yet.", dir);
    else
        snprintf(where, sizeof(where), "There is no pipeline.yaml in %s.", dir);
    snprintf(body, sizeof(body),
             "%s\n"
             "Create a new pipeline named '%s' there?\n"
             "\n"
             "  s  a starter, as `weir new` makes it: orders -> enrich -> mask -> out\n"
             "  e  an empty pipeline, to build from scratch\n"
             "  n  nothing: quit (nothing is written)",
             where, a->d.p.name);
    confirm_open(a, "new pipeline", body, "s starter  e empty  n quit", "sen", create_done, NULL);
}
