/* Linked into every test program that loads or validates pipelines: makes
 * the shipped node types current before main() runs, as `weir` does for
 * each command (cli_use_plugins), so tests see the same registry as users.
 * No user plugins: tests never depend on $HOME. */
#include <stddef.h>

#include "host.h"

static plugin_host *host;

__attribute__((constructor)) static void use_shipped_types(void)
{
    plugin_host_options o = {.config_dir = ""};
    host = plugin_host_load(NULL, &o);
    node_registry_use(plugin_host_registry(host));
}

__attribute__((destructor)) static void free_shipped_types(void)
{
    node_registry_use(NULL);
    plugin_host_free(host);
    host = NULL;
}
