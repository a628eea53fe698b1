/* testdir: the pipeline folder of one preview test program (test_engine,
 * test_plugrun): made fresh under $TMPDIR, filled with files, loaded into
 * a preview engine, and removed.  One folder at a time, in static storage;
 * the engine and pipeline returned by testdir_engine are the caller's. */
#ifndef WEIR_TESTS_TESTDIR_H
#define WEIR_TESTS_TESTDIR_H

#include <stdbool.h>

#include "model.h"
#include "preview.h"

/* Make PREFIX-XXXXXX under $TMPDIR; false when it cannot. */
bool testdir_make(const char *prefix);
const char *testdir_path(void);
/* Write text to rel (a path inside the folder), making its folders. */
void testdir_put(const char *rel, const char *text);
/* Load the folder's pipeline.yaml into p (it must load without errors)
 * and return a new engine over it (opts NULL: the defaults). */
preview_engine *testdir_engine(pipeline *p, const preview_options *opts);
/* Remove the folder made by testdir_make. */
void testdir_remove(void);
/* A cmocka group teardown: testreg_end(), then testdir_remove(). */
int testdir_teardown(void **state);

#endif
