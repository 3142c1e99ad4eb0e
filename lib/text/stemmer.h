/*
 * stemmer.h - Snowball stemming with a cache.
 *
 * A quirei_stemmer wraps one libstemmer instance (not thread-safe: one per
 * thread) and a direct-mapped cache of recent word -> stem results, because
 * in prose a few thousand words make up most tokens and Snowball is the
 * tokenizer's most expensive step after Xapian itself.
 */
#ifndef QUIRE_STEMMER_H
#define QUIRE_STEMMER_H

#include <stddef.h>

typedef struct quirei_stemmer quirei_stemmer;

/* NULL when the language is unknown or memory runs out. */
quirei_stemmer *quirei_stemmer_new(const char *language);
void quirei_stemmer_free(quirei_stemmer *s);

/* Is `language` a Snowball algorithm name or code ("english", "en")? */
int quirei_stemmer_language_ok(const char *language);

/*
 * Stem word[0..len). Returns a pointer owned by the stemmer, valid until the
 * next call, and its length in *out_len; NULL on OOM.
 */
const char *quirei_stem(quirei_stemmer *s, const char *word, size_t len, size_t *out_len);

#endif
