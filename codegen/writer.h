/* writer: the model back to canonical files.  (Being built: see issue 2.) */
#ifndef WEIR_WRITER_H
#define WEIR_WRITER_H
#endif
