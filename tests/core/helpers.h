/* helpers: shared by the core tests.  Load YAML text (or a folder), validate
 * it, and return every diagnostic as "path:line:col: severity: message"
 * lines, sorted, so a test compares the exact output in one assertion.
 * Temp folders live under $TMPDIR (mkdtemp) and are removed by the test.
 * Every returned string is the caller's to free. */
#ifndef WEIR_TEST_HELPERS_H
#define WEIR_TEST_HELPERS_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "model.h"

/* All diagnostics of a list, one formatted line each, joined with '\n'. */
char *diags_text(const diag_list *diags);

/* pipeline_load_buffer + pipeline_validate (files not checked), sorted. */
char *check_yaml(const char *yaml);
char *check_yaml_len(const char *yaml, size_t len);

/* Only the YAML reader: yaml_read_buffer's diagnostics; *ok gets its result. */
char *read_yaml(const char *data, size_t len, bool *ok);

/* pipeline_check_folder on a folder (files checked), sorted. */
char *check_folder(const char *dir);

/* Layout text applied to a pipeline loaded from yaml; both files' diags. */
char *check_layout(const char *yaml, const char *layout);

char *temp_dir(void);                                                /* mkdtemp */
void write_text(const char *dir, const char *rel, const char *text); /* mkdir -p */
void remove_tree(const char *dir);

#endif
