/* Placeholder until the command lands; see the issue that owns it. */
#include "cli.h"

int cmd_diff(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "weir diff: not implemented yet\n");
    return EXIT_USAGE;
}
