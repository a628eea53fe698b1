/* highlight: SQL and Lua tokenizers for the editor, with no curses code.
 *
 * A line is tokenized given the state at its start (inside a block comment,
 * a Lua long string/comment with its level, or a multi-line SQL string) and
 * yields the state at its end.  hl_cache keeps the start state of every
 * line; after an edit it rescans only from the edited line until the state
 * at a line start equals the state stored before the edit (convergence),
 * and only as far as someone asks (the visible lines).
 *
 * Ownership: token arrays are the caller's; word lists passed in are
 * borrowed for the duration of the call. */
#ifndef WEIR_HIGHLIGHT_H
#define WEIR_HIGHLIGHT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum { HL_LANG_PLAIN, HL_LANG_SQL, HL_LANG_LUA } hl_lang;

typedef enum {
    HL_TEXT, /* whitespace, or anything else */
    HL_KEYWORD,
    HL_BUILTIN, /* COUNT, COALESCE, pairs, string ... */
    HL_STRING,
    HL_COMMENT,
    HL_NUMBER,
    HL_OPERATOR,
    HL_IDENT,
    HL_INPUT_ID, /* an identifier naming one of the node's inputs */
    HL_CLASS_COUNT,
} hl_class;

typedef struct hl_token {
    uint32_t start, len; /* bytes within the line */
    hl_class cls;
} hl_token;

/* 0 is "normal"; other values are opaque (kind and long-bracket level). */
typedef uint32_t hl_state;

typedef struct hl_words {
    const char *const *words;
    size_t n;
} hl_words;

/* Tokenize one line.  Writes at most max tokens (the rest of the line is
 * then left untokenized, i.e. HL_TEXT) and returns the end state; out may be
 * NULL with max 0 to compute the state only.  inputs may be NULL. */
hl_state hl_tokenize(hl_lang lang, const char *s, size_t len, hl_state in, const hl_words *inputs,
                     hl_token *out, size_t max, size_t *n);

/* The keyword and builtin lists (upper case for SQL), for completion. */
const char *const *hl_keywords(hl_lang lang, size_t *n);
const char *const *hl_builtins(hl_lang lang, size_t *n);
const char *hl_class_name(hl_class c);

/* ---- per-line start states ------------------------------------------ */

typedef const char *(*hl_line_fn)(void *ud, size_t line, size_t *len);
typedef struct hl_cache hl_cache;

hl_cache *hl_cache_new(hl_lang lang);
void hl_cache_free(hl_cache *c);
hl_lang hl_cache_lang(const hl_cache *c);
/* Forget everything (new text or language) for a text of nlines lines. */
void hl_cache_reset(hl_cache *c, hl_lang lang, size_t nlines);
/* Lines [first, first+removed) were replaced by added lines. */
void hl_cache_edit(hl_cache *c, size_t first, size_t removed, size_t added);
/* State at the start of line (< line count), scanning what is stale. */
hl_state hl_cache_state(hl_cache *c, size_t line, hl_line_fn fn, void *ud);
/* Lines tokenized by the cache so far (tests and benchmarks). */
size_t hl_cache_scanned(const hl_cache *c);

#endif
