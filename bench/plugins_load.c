/* plugins_load: how long the plugin host takes to load the shipped plugins
 * (every weir command does it once, `weir validate` on every call).
 *
 *   plugins_load [RUNS]    median of RUNS (default 21) loads in fresh
 *                          processes (cold: page faults, first mallocs),
 *                          then of RUNS loads in this process (warm)
 *
 * No user plugins are read (config_dir ""), so the figure does not depend
 * on $HOME.  See bench/README.md, "## plugin host". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"

static int compare_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double load_once(void)
{
    plugin_host_options o = {.config_dir = ""};
    plugin_host *h = plugin_host_load(NULL, &o);
    const node_registry *r = plugin_host_registry(h);
    if (r->problems.n_errors)
        fprintf(stderr, "plugins_load: the shipped set has %zu problem(s)\n", r->problems.n);
    double us = plugin_host_load_us(h);
    plugin_host_free(h);
    return us;
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--once") == 0) {
        printf("%.1f\n", load_once());
        return 0;
    }
    int runs = argc > 1 ? atoi(argv[1]) : 21;
    if (runs < 1 || runs > 1000)
        runs = 21;
    double *v = calloc((size_t)runs, sizeof(double));
    char cmd[4096];
    snprintf(cmd, sizeof(cmd), "'%s' --once", argv[0]);
    for (int i = 0; i < runs; i++) {
        FILE *p = popen(cmd, "r");
        if (!p || fscanf(p, "%lf", &v[i]) != 1) {
            fprintf(stderr, "plugins_load: cannot run %s\n", cmd);
            return 1;
        }
        pclose(p);
    }
    qsort(v, (size_t)runs, sizeof(double), compare_double);
    printf("shipped plugins: %zu files\n", plugin_shipped_count);
    printf("cold (fresh process): median %.0f us, min %.0f us, max %.0f us (%d runs)\n",
           v[runs / 2], v[0], v[runs - 1], runs);
    for (int i = 0; i < runs; i++)
        v[i] = load_once();
    qsort(v, (size_t)runs, sizeof(double), compare_double);
    printf("warm (same process):  median %.0f us, min %.0f us, max %.0f us (%d runs)\n",
           v[runs / 2], v[0], v[runs - 1], runs);
    free(v);
    return 0;
}
