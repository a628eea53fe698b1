/* testreg: a node registry built by hand for the preview tests, standing
 * in for the plugin host (plugins/host.c): the sample source `file`, the
 * code transforms `sql` and `lua` and the sink `stdout`, as the shipped
 * plugins declare them, plus whatever plugin types a test adds.
 *
 * testreg_begin() starts a fresh registry; testreg_file() and
 * testreg_type() add to it; testreg_use() sorts it and makes it current
 * (remembering the registry that was current, which testreg_end() puts
 * back).  Everything lives in static storage until the next begin. */
#ifndef WEIR_TESTS_TESTREG_H
#define WEIR_TESTS_TESTREG_H

#include "nodetypes.h"

void testreg_begin(void);
/* A plugin file with its text (copied), as the host would keep it. */
const plugin_file *testreg_file(const char *path, const char *source, unsigned caps_allowed);
/* A type declared by f at line; settings may be NULL. */
node_type *testreg_type(node_kind kind, const char *name, unsigned contributes,
                        const plugin_file *f, int line, const setting_spec *settings,
                        size_t n_settings);
/* A type name that a broken file (error: "path:line: message") explains. */
void testreg_broken(const char *name, const char *path, const char *error);
void testreg_use(void);
void testreg_end(void);

/* begin + the standard types + use: what the engine tests need. */
void testreg_use_standard(void);

#endif
