/* Placeholder until the command lands; see the issue that owns it. */
#include "cli.h"

int cmd_plugins(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "weir plugins: not implemented yet\n");
    return EXIT_USAGE;
}
