/* Tests for core/spawn: the helper runs fn(arg), and once it runs it may
 * use every CPU the process may (the restriction that started it on
 * another CPU is lifted). */
#define _GNU_SOURCE /* CPU sets and thread affinity */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <sched.h>
#include <string.h>

#include "spawn.h"

typedef struct seen {
    int arg;
    int cpu;           /* where the helper ran first */
    cpu_set_t allowed; /* its affinity once running */
} seen;

static void *look(void *p)
{
    seen *s = p;
    s->arg++;
    s->cpu = sched_getcpu();
    pthread_getaffinity_np(pthread_self(), sizeof(s->allowed), &s->allowed);
    return p;
}

static void test_spawn_runs_and_frees_the_cpus(void **state)
{
    (void)state;
    cpu_set_t process;
    assert_int_equal(sched_getaffinity(0, sizeof(process), &process), 0);
    for (int round = 0; round < 20; round++) {
        seen s = {41, -1, {{0}}};
        pthread_t t;
        assert_true(spawn_thread(&t, look, &s));
        void *back = NULL;
        assert_int_equal(pthread_join(t, &back), 0);
        assert_ptr_equal(back, &s);
        assert_int_equal(s.arg, 42);
        assert_true(CPU_EQUAL(&s.allowed, &process));
        assert_true(s.cpu >= 0 && CPU_ISSET(s.cpu, &process));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_spawn_runs_and_frees_the_cpus),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
