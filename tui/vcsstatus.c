/* vcsstatus: the branch and "differs from HEAD" marker in the status bar,
 * cached so a keystroke never walks the repository. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "fsutil.h"
#include "vcs.h"
#include "vcsui.h"

static struct {
    bool valid;
    unsigned long saved_change;
    long long when_ms;
    char text[160];
} cache;

static long long mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void vcsui_status_invalidate(void)
{
    cache.valid = false;
}

static void compute(app *a, char *out, size_t size)
{
    vcs_error err = {0};
    vcs_repo *r = NULL;
    vcs_rc rc = vcs_open(a->d.p.dir, &r, &err);
    if (rc == VCS_NO_REPO) {
        snprintf(out, size, "no git repository");
        return;
    }
    if (rc != VCS_OK) {
        /* a new pipeline's folder is made on the first save */
        snprintf(out, size, "%s", fs_is_dir(a->d.p.dir) ? "git: ?" : "not saved yet");
        return;
    }
    vcs_head h;
    if (vcs_head_read(r, &h, &err) != VCS_OK) {
        snprintf(out, size, "git: ?");
        vcs_close(r);
        return;
    }
    bool dirty = false;
    vcs_is_dirty(r, &dirty, &err);
    const char *dot = dirty ? (a->ascii ? "*" : "●") : "";
    int n;
    if (h.unborn)
        n = snprintf(out, size, "%s%s (no commits yet)", h.branch ? h.branch : "?", dot);
    else if (h.detached)
        n = snprintf(out, size, "detached %s%s", h.short_id, dot);
    else
        n = snprintf(out, size, "%s%s", h.branch ? h.branch : "?", dot);
    if (n > 0 && (size_t)n < size && h.state != VCS_STATE_CLEAN)
        snprintf(out + n, size - (size_t)n, " %s", vcs_state_name(h.state));
    vcs_head_free(&h);
    vcs_close(r);
}

void vcsui_status_text(app *a, char *buf, size_t size)
{
    long long now = mono_ms();
    if (!cache.valid || cache.saved_change != a->d.saved_change || now - cache.when_ms > 3000) {
        compute(a, cache.text, sizeof(cache.text));
        cache.valid = true;
        cache.saved_change = a->d.saved_change;
        cache.when_ms = now;
    }
    snprintf(buf, size, "%s", cache.text);
}

void vcsui_push_below_top(app *a, view *v)
{
    int before = a->n_views;
    app_push(a, v);
    if (a->n_views == before + 1 && a->n_views >= 2) {
        view *t = a->views[a->n_views - 1];
        a->views[a->n_views - 1] = a->views[a->n_views - 2];
        a->views[a->n_views - 2] = t;
    }
}

void vcsui_drop_below_top(app *a)
{
    if (a->n_views < 2)
        return;
    view *v = a->views[a->n_views - 2];
    a->views[a->n_views - 2] = a->views[a->n_views - 1];
    a->n_views--;
    v->ops->destroy(v);
}
