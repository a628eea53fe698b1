/* fuzz_load: libFuzzer target for the loader.
 *
 * The input is pipeline.yaml text, optionally followed by a line
 * "#--layout--" and layout.yaml text (without it, the whole input is also
 * tried as layout.yaml).  It is loaded, validated without touching the disk,
 * given its layout, and every diagnostic is formatted: any crash, leak,
 * sanitizer report or unbounded time or memory is a bug.  Built only with
 * -Dfuzz=true (clang); see fuzz/run.sh. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "load.h"
#include "model.h"
#include "validate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char SEPARATOR[] = "\n#--layout--\n";

static const char *find(const char *hay, size_t n, const char *needle, size_t m)
{
    for (size_t i = 0; n >= m && i <= n - m; i++)
        if (memcmp(hay + i, needle, m) == 0)
            return hay + i;
    return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* Copy so that reads past the end are caught, NUL-free or not. */
    char *text = malloc(size ? size : 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    size_t pipe_len = size;
    const char *layout = text;
    size_t layout_len = size;
    const char *sep = find(text, size, SEPARATOR, sizeof(SEPARATOR) - 1);
    if (sep) {
        pipe_len = (size_t)(sep - text) + 1; /* keep the newline */
        layout = sep + sizeof(SEPARATOR) - 1;
        layout_len = size - (size_t)(layout - text);
    }

    pipeline p;
    diag_list diags;
    diag_list_init(&diags);
    if (pipeline_load_buffer(text, pipe_len, "fuzz", &p, &diags)) {
        validate_options opts = {false};
        pipeline_validate(&p, &opts, &diags);
        pipeline_load_layout_buffer(layout, layout_len, &p, &diags);
        /* The canonical order and a deep copy walk every node too. */
        const node **sorted = pipeline_sorted_nodes(&p);
        free(sorted);
        pipeline copy;
        pipeline_copy(&copy, &p);
        pipeline_free(&copy);
    }
    diag_list_sort(&diags);
    char line[1024];
    for (size_t i = 0; i < diags.n; i++)
        diag_format(&diags.items[i], line, sizeof(line));
    pipeline_free(&p);
    diag_list_free(&diags);
    free(text);
    return 0;
}
