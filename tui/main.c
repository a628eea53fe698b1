/* weir's entry point: a known command or option goes to the CLI; anything
 * else (`weir`, `weir DIR`, `weir --ascii DIR`) opens the canvas. */
#include "cli.h"
#include "tui.h"

int main(int argc, char **argv)
{
    if (argc >= 2 && cli_handles(argv[1]))
        return cli_main(argc, argv);
    return tui_main(argc, argv);
}
