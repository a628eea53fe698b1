/* weir's entry point: a known command or option goes to the CLI; anything
 * else (`weir`, `weir DIR`) opens the TUI on a pipeline folder. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "validate.h"

int main(int argc, char **argv)
{
    if (argc >= 2 && cli_handles(argv[1]))
        return cli_main(argc, argv);
    const char *dir = argc >= 2 ? argv[1] : ".";
    /* Until the canvas lands, show the validated pipeline. */
    char *args[] = {"validate", (char *)dir, NULL};
    return cmd_validate(2, args);
}
