#define _GNU_SOURCE /* CPU sets and thread affinity */
#include "spawn.h"

#include <sched.h>
#include <stdlib.h>

#include "util.h"

typedef struct start {
    void *(*fn)(void *);
    void *arg;
    cpu_set_t cpus; /* the process's, to return to */
} start;

static void *begin(void *p)
{
    start s = *(start *)p;
    free(p);
    pthread_setaffinity_np(pthread_self(), sizeof(s.cpus), &s.cpus);
    return s.fn(s.arg);
}

bool spawn_thread(pthread_t *t, void *(*fn)(void *), void *arg)
{
    start *s = xmalloc(sizeof(*s));
    s->fn = fn;
    s->arg = arg;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    int here = sched_getcpu();
    if (sched_getaffinity(0, sizeof(s->cpus), &s->cpus) == 0 && here >= 0) {
        cpu_set_t elsewhere = s->cpus;
        CPU_CLR(here, &elsewhere);
        if (CPU_COUNT(&elsewhere) > 0)
            pthread_attr_setaffinity_np(&attr, sizeof(elsewhere), &elsewhere);
    } else {
        CPU_ZERO(&s->cpus);
    }
    bool ok;
    if (CPU_COUNT(&s->cpus) > 0) {
        ok = pthread_create(t, &attr, begin, s) == 0;
        if (!ok)
            free(s);
    } else { /* the CPUs unknown: an ordinary start */
        free(s);
        ok = pthread_create(t, &attr, fn, arg) == 0;
    }
    pthread_attr_destroy(&attr);
    return ok;
}
