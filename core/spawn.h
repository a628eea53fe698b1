/* spawn: start a helper thread on another CPU than the caller's.
 *
 * Linux may place a new thread on its creator's CPU; when the creator goes
 * on computing, the balancer moves the newcomer to an idle CPU only at a
 * later scheduler tick.  On the 2-core build machine a helper so started
 * began 4 ms late one time in two (bench/README.md, "validate and fmt"):
 * a fifth of `weir validate`'s whole budget.  spawn_thread starts the
 * helper restricted to the other CPUs this process may use, and the helper
 * lifts that restriction as its first act, so the scheduler is free again
 * from then on. */
#ifndef WEIR_SPAWN_H
#define WEIR_SPAWN_H

#include <pthread.h>
#include <stdbool.h>

/* pthread_create(t, NULL, fn, arg), started elsewhere when it can be;
 * false when no thread could be made. */
bool spawn_thread(pthread_t *t, void *(*fn)(void *), void *arg);

#endif
