/* commit_fsync FILE BYTES: one atomic write of BYTES bytes to FILE through
 * fs_write_atomic — a temporary file, fsync, rename, fsync of the folder —
 * as `weir commit` rewrites pipeline.yaml for a version bump.  git's
 * command line does not fsync by default, so this is a floor weir pays and
 * git does not.  See bench/commit_bench.sh. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fsutil.h"

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: commit_fsync FILE BYTES\n");
        return 2;
    }
    long n = atol(argv[2]);
    if (n < 0 || n > 1 << 24) {
        fprintf(stderr, "commit_fsync: BYTES is 0 to 16777216\n");
        return 2;
    }
    char *data = malloc((size_t)n + 1);
    if (!data)
        return 1;
    memset(data, 'x', (size_t)n);
    char err[256];
    int rc = fs_write_atomic(argv[1], data, (size_t)n, err, sizeof(err));
    if (rc != 0)
        fprintf(stderr, "commit_fsync: %s\n", err);
    free(data);
    return rc ? 1 : 0;
}
