/* commit_inproc DIR SQL_FILE RUNS: a commit as the TUI makes it — the
 * repository opened once (libgit2 initialised once, as in a running weir),
 * then RUNS times: append a line to SQL_FILE (not timed), vcs_commit
 * (timed: validate, bump, tree, commit, index).  Prints the median, min and
 * max wall time in ms.  See bench/commit_bench.sh. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vcs.h"
#include "vcs_commit.h"

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: commit_inproc DIR SQL_FILE RUNS\n");
        return 2;
    }
    int runs = atoi(argv[3]);
    if (runs < 1 || runs > 10000) {
        fprintf(stderr, "commit_inproc: RUNS is 1 to 10000\n");
        return 2;
    }
    vcs_repo *r = NULL;
    vcs_error err = {0};
    if (vcs_open(argv[1], &r, &err) != VCS_OK) {
        fprintf(stderr, "commit_inproc: %s\n", err.message);
        return 1;
    }
    double *t = calloc((size_t)runs, sizeof(*t));
    for (int i = 0; i < runs; i++) {
        FILE *f = fopen(argv[2], "a");
        if (!f) {
            perror(argv[2]);
            return 1;
        }
        fprintf(f, "-- run %d\n", i);
        fclose(f);
        diag_list diags;
        diag_list_init(&diags);
        vcs_commit_opts o = {.message = "bench"};
        vcs_commit_result res;
        double t0 = now_ms();
        vcs_rc rc = vcs_commit(r, &o, &res, &diags, &err);
        t[i] = now_ms() - t0;
        diag_list_free(&diags);
        if (rc != VCS_OK) {
            fprintf(stderr, "commit_inproc: %s\n", err.message);
            return 1;
        }
    }
    qsort(t, (size_t)runs, sizeof(*t), cmp);
    double median = runs % 2 ? t[runs / 2] : (t[runs / 2 - 1] + t[runs / 2]) / 2;
    printf("%.1f ms | %.1f ms | %.1f ms\n", median, t[0], t[runs - 1]);
    free(t);
    vcs_close(r);
    return 0;
}
