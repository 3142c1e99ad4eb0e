/*
 * stopwords.h - the function words of a language ("the", "a", "of"), which
 * snippets and quotes neither highlight alone nor count when they look for
 * the sentence that best matches a query (render/snippet.h). Searching
 * itself never drops them: a quoted phrase needs its every word.
 *
 * English only, the Snowball project's English stop list (folded as the
 * tokenizer folds: lowercase, apostrophes as '): other languages have none,
 * so every word of their queries counts.
 */
#ifndef QUIRE_STOPWORDS_H
#define QUIRE_STOPWORDS_H

#include <stddef.h>

/* Is term[0..len) (a folded term, tokenizer.h) a stop word of `language`
 * (a Snowball name or ISO code, as the index records it)? */
int quirei_is_stopword(const char *language, const char *term, size_t len);

#endif
