/* Placeholder until the command lands; see the issue that owns it. */
#include "cli.h"

int cmd_commit(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "weir commit: not implemented yet\n");
    return EXIT_USAGE;
}
