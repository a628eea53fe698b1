/* commit_inproc DIR SQL_FILE RUNS: a commit as the TUI's commit dialog
 * makes it, in a running process: RUNS times, append a line to SQL_FILE
 * (not timed), then vcs_open + vcs_commit + vcs_close (timed: open the
 * repository and read its index, validate, bump, tree, commit, index).
 * libgit2 is initialised by the first vcs_open and stays so, as in a
 * running weir; the first, untimed commit pays for that.  Prints the
 * median, min and max wall time in ms.  See bench/commit_bench.sh. */
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
    double *t = calloc((size_t)runs + 1, sizeof(*t));
    /* Run 0 is the warm-up: libgit2's one-time start-up. */
    for (int i = 0; i <= runs; i++) {
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
        vcs_error err = {0};
        vcs_repo *r = NULL;
        double t0 = now_ms();
        vcs_rc rc = vcs_open(argv[1], &r, &err);
        if (rc == VCS_OK)
            rc = vcs_commit(r, &o, &res, &diags, &err);
        vcs_close(r);
        t[i] = now_ms() - t0;
        diag_list_free(&diags);
        if (rc != VCS_OK) {
            fprintf(stderr, "commit_inproc: %s\n", err.message);
            return 1;
        }
    }
    t++; /* drop the warm-up */
    qsort(t, (size_t)runs, sizeof(*t), cmp);
    double median = runs % 2 ? t[runs / 2] : (t[runs / 2 - 1] + t[runs / 2]) / 2;
    printf("%.1f ms | %.1f ms | %.1f ms\n", median, t[0], t[runs - 1]);
    free(t - 1);
    return 0;
}
