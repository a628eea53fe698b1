/* weir graph [DIR] [--format dot|mermaid|ascii]: print the topology.
 *
 * A pipeline that loads is always drawn, even an invalid one (inputs that
 * name no node show as "missing"); its diagnostics go to stderr and the
 * exit status says whether it is valid: 0 valid, 1 invalid or not
 * loadable, 2 usage or I/O error. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "graph.h"
#include "load.h"
#include "validate.h"

int cmd_graph(int argc, char **argv)
{
    const char *dir = NULL, *format = "ascii";
    bool options = true; /* until "--" */
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int got = options ? cli_option_value("graph", argc, argv, &i, "--format", &format) : 0;
        if (got == 0 && options)
            got = cli_option_value("graph", argc, argv, &i, "-f", &format);
        if (got < 0)
            return EXIT_USAGE;
        if (got > 0)
            continue;
        if (cli_other_arg("graph", &options, &dir, a) != EXIT_OK)
            return EXIT_USAGE;
    }
    graph_format fmt;
    if (!graph_format_parse(format, &fmt))
        return cli_usage_error("graph", "--format is dot, mermaid or ascii, not '%s'", format);
    if (!dir)
        dir = ".";
    cli_use_plugins(dir, stderr);

    pipeline p;
    diag_list diags;
    diag_list_init(&diags);
    bool loaded = pipeline_load(dir, &p, &diags);
    if (loaded)
        pipeline_validate(&p, NULL, &diags);
    diag_list_sort(&diags);
    bool io_error = !loaded && diags.n == 1 && diags.items[0].line == 0;
    cli_print_diags(stderr, &diags, dir);
    int rc;
    if (io_error) {
        rc = EXIT_USAGE; /* no folder or no pipeline.yaml */
    } else if (!loaded) {
        rc = EXIT_FAIL; /* the YAML itself did not parse: nothing to draw */
    } else {
        char *text = graph_render(&p, fmt);
        fputs(text, stdout);
        free(text);
        rc = diags.n_errors ? EXIT_FAIL : EXIT_OK;
    }
    pipeline_free(&p);
    diag_list_free(&diags);
    return rc;
}
