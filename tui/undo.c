#include "undo.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

static void snap_free(snapshot *s)
{
    pipeline_free(&s->p);
    code_origins_free(&s->origins);
    free(s->selected);
    free(s->label);
}

static void snap_take(snapshot *s, const pipeline *p, const code_origins *o, const char *sel,
                      const char *label)
{
    pipeline_copy(&s->p, p);
    code_origins_copy(&s->origins, o);
    s->selected = sel ? xstrdup(sel) : NULL;
    s->label = xstrdup(label ? label : "edit");
}

void undo_init(undo_stack *u)
{
    memset(u, 0, sizeof(*u));
}

void undo_free(undo_stack *u)
{
    for (size_t i = 0; i < u->n_undo; i++)
        snap_free(&u->undo[i]);
    for (size_t i = 0; i < u->n_redo; i++)
        snap_free(&u->redo[i]);
    free(u->undo);
    free(u->redo);
    undo_init(u);
}

static snapshot *grow(snapshot **arr, size_t *n, size_t *cap)
{
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 16;
        *arr = xrealloc(*arr, *cap * sizeof(snapshot));
    }
    return &(*arr)[(*n)++];
}

void undo_push(undo_stack *u, const pipeline *p, const code_origins *o, const char *selected,
               const char *label)
{
    if (u->has_mark && u->mark > u->n_undo)
        u->has_mark = false; /* the marked state was on the redo stack */
    for (size_t i = 0; i < u->n_redo; i++)
        snap_free(&u->redo[i]);
    u->n_redo = 0;
    snap_take(grow(&u->undo, &u->n_undo, &u->cap_undo), p, o, selected, label);
}

void undo_mark(undo_stack *u, unsigned long token)
{
    u->mark = u->n_undo;
    u->mark_token = token;
    u->has_mark = true;
}

bool undo_at_mark(const undo_stack *u, unsigned long token)
{
    return u->has_mark && u->mark_token == token && u->mark == u->n_undo;
}

void undo_drop(undo_stack *u)
{
    if (u->n_undo)
        snap_free(&u->undo[--u->n_undo]);
}

/* Move the top of `from` into the current state, and the current state onto
 * `to`, keeping the label with the edit it describes. */
static bool swap(snapshot **from, size_t *n_from, snapshot **to, size_t *n_to, size_t *cap_to,
                 pipeline *p, code_origins *o, char **selected, const char **label)
{
    if (*n_from == 0)
        return false;
    snapshot top = (*from)[--*n_from];
    snapshot *cur = grow(to, n_to, cap_to);
    cur->p = *p;
    cur->origins = *o;
    cur->selected = *selected;
    cur->label = top.label;
    *p = top.p;
    *o = top.origins;
    *selected = top.selected;
    *label = cur->label;
    return true;
}

bool undo_undo(undo_stack *u, pipeline *p, code_origins *o, char **selected, const char **label)
{
    return swap(&u->undo, &u->n_undo, &u->redo, &u->n_redo, &u->cap_redo, p, o, selected, label);
}

bool undo_redo(undo_stack *u, pipeline *p, code_origins *o, char **selected, const char **label)
{
    return swap(&u->redo, &u->n_redo, &u->undo, &u->n_undo, &u->cap_undo, p, o, selected, label);
}
