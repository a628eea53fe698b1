/* codecheck: SQL and Lua transforms checked as code (weir validate --code). */
#ifndef WEIR_CODECHECK_H
#define WEIR_CODECHECK_H

#include <stdbool.h>

#include "diag.h"
#include "model.h"

/* Prepare every SQL transform against its inputs' schemas (their samples
 * are read through the preview engine), run every SQL template transform
 * (filter, windows, ...) on the samples and compile every Lua transform.
 * Call on a pipeline that validates.  Returns true when no error was added. */
bool code_check(const pipeline *p, diag_list *diags);

#endif
