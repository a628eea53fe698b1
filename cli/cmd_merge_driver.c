/* weir merge-driver BASE OURS THEIRS [PATH]: git's merge driver for
 * pipeline.yaml and layout.yaml (docs/git.md has the set-up lines).
 *
 * Merges node by node (vcs_merge.h), writes the result over OURS
 * atomically, and exits 0 when clean, 1 when conflict markers were
 * written — what git expects of a driver.  2 is an I/O or usage error
 * (git treats it as a conflict too, and OURS is left untouched). */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "fsutil.h"
#include "util.h"
#include "vcs_merge.h"
#include "yaml_read.h"

int cmd_merge_driver(int argc, char **argv)
{
    if (argc < 4 || argc > 5)
        return cli_usage_error("merge-driver", "needs BASE OURS THEIRS [PATH]");
    const char *paths[3] = {argv[1], argv[2], argv[3]};
    const char *name = argc == 5 ? argv[4] : NULL;
    /* git runs the driver at the top of the work tree and passes the
     * file's path there (%P): its folder is the pipeline's, whose own
     * plugins order the settings of their types. */
    char *pipeline_dir = name && strchr(name, '/') ? xstrndup(name, strrchr(name, '/') - name)
                                                    : xstrdup(".");
    cli_use_plugins(pipeline_dir, stderr);
    free(pipeline_dir);
    char *data[3] = {NULL, NULL, NULL};
    size_t len[3] = {0, 0, 0};
    char msg[512];
    int code = EXIT_OK;
    for (int i = 0; i < 3; i++) {
        if (fs_read_file(paths[i], YAML_MAX_FILE_BYTES, &data[i], &len[i], msg, sizeof(msg)) != 0) {
            fprintf(stderr, "weir merge-driver: %s: %s\n", paths[i], msg);
            code = EXIT_USAGE;
            goto done;
        }
    }
    merge_kind kind = merge_kind_for(name, data[1], len[1]);
    merge_result res;
    if (!merge_texts(kind, data[0], len[0], data[1], len[1], data[2], len[2], &res, msg,
                     sizeof(msg))) {
        fprintf(stderr, "weir merge-driver: %s\n", msg);
        code = EXIT_USAGE;
        goto done;
    }
    if (fs_write_atomic(paths[1], res.text, res.len, msg, sizeof(msg)) != 0) {
        fprintf(stderr, "weir merge-driver: %s\n", msg);
        code = EXIT_USAGE;
    } else if (res.n_conflicts) {
        fprintf(stderr, "weir merge-driver: %s: %zu conflict%s%s\n", name ? name : paths[1],
                res.n_conflicts, res.n_conflicts == 1 ? "" : "s",
                res.line_merge ? " (merged as text: a side did not parse)" : "");
        code = EXIT_FAIL;
    }
    merge_result_free(&res);
done:
    for (int i = 0; i < 3; i++)
        free(data[i]);
    return code;
}
