/* commit_floor REPO_DIR: the floor under `weir commit` — start a process
 * linked with libgit2, initialise it and open the repository, nothing
 * else.  On Debian, git_libgit2_init() parses the system CA bundle
 * (libgit2 is built with mbedTLS), which no libgit2 program can skip.
 * See bench/commit_bench.sh. */
#include <git2.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: commit_floor REPO_DIR\n");
        return 2;
    }
    git_libgit2_init();
    git_repository *repo = NULL;
    int rc = git_repository_open_ext(&repo, argv[1], 0, NULL);
    git_repository_free(repo);
    git_libgit2_shutdown();
    return rc < 0 ? 1 : 0;
}
