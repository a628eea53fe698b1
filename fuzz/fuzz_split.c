/* fuzz_split: libFuzzer target for core/yaml_split.
 *
 * The input's first byte picks the number of pieces (2 to 17); the rest is
 * YAML text.  It is read whole (yaml_doc_read) and in pieces on this thread
 * (yaml_split_read, no size threshold).  When the split read takes the
 * text, the whole read must have succeeded with no diagnostic and built an
 * identical tree, positions and styles included: anything else aborts, as
 * a wrong tree from a cut would be a silent wrong answer in weir validate.
 * Built only with -Dfuzz=true (clang); see fuzz/run.sh. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "yaml_read.h"
#include "yaml_split.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    yaml_split_options opts = {0, 2 + data[0] % 16, 1};
    size_t len = size - 1;
    /* Copy so that reads past the end are caught. */
    char *text = malloc(len ? len : 1);
    if (!text)
        return 0;
    memcpy(text, data + 1, len);

    yaml_doc whole, split;
    diag_list diags;
    diag_list_init(&diags);
    bool whole_ok = yaml_doc_read(text, len, "fuzz.yaml", false, &whole, &diags);
    if (yaml_split_read(text, len, "fuzz.yaml", &opts, &split)) {
        if (!whole_ok || diags.n != 0 || !value_identical(&whole.root, &split.root))
            abort();
        yaml_doc_free(&split);
    }
    yaml_doc_free(&whole);
    diag_list_free(&diags);
    free(text);
    return 0;
}
