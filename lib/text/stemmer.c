/* stemmer.c - libstemmer behind a direct-mapped cache; see stemmer.h. */
#include "text/stemmer.h"

#include <quire/quire.h>

#include "hash.h"

#include <libstemmer.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define CACHE_SLOTS 16384 /* power of two */
#define CACHE_WORD 28     /* longer words bypass the cache */

typedef struct slot {
    unsigned char wlen, slen; /* wlen == 0: empty */
    char word[CACHE_WORD];
    char stem[CACHE_WORD];
} slot_t;

struct quirei_stemmer {
    struct sb_stemmer *sb;
    slot_t *cache;
};

const char *const *quire_languages(void)
{
    return (const char *const *)sb_stemmer_list();
}

bool quire_language_known(const char *language)
{
    return language && quirei_stemmer_language_ok(language);
}

int quirei_stemmer_language_ok(const char *language)
{
    struct sb_stemmer *sb = sb_stemmer_new(language, NULL);
    if (!sb)
        return 0;
    sb_stemmer_delete(sb);
    return 1;
}

quirei_stemmer *quirei_stemmer_new(const char *language)
{
    quirei_stemmer *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->sb = sb_stemmer_new(language, NULL);
    s->cache = calloc(CACHE_SLOTS, sizeof *s->cache);
    if (!s->sb || !s->cache) {
        quirei_stemmer_free(s);
        return NULL;
    }
    return s;
}

void quirei_stemmer_free(quirei_stemmer *s)
{
    if (!s)
        return;
    sb_stemmer_delete(s->sb);
    free(s->cache);
    free(s);
}

const char *quirei_stem(quirei_stemmer *s, const char *word, size_t len, size_t *out_len)
{
    slot_t *sl = NULL;
    if (len > 0 && len < CACHE_WORD) {
        sl = &s->cache[quirei_fnv1a32(QUIREI_FNV32_INIT, word, len) & (CACHE_SLOTS - 1)];
        if (sl->wlen == len && memcmp(sl->word, word, len) == 0) {
            *out_len = sl->slen;
            return sl->stem;
        }
    }
    const sb_symbol *r = sb_stemmer_stem(s->sb, (const sb_symbol *)word, (int)len);
    if (!r)
        return NULL;
    size_t rlen = (size_t)sb_stemmer_length(s->sb);
    if (sl && rlen < CACHE_WORD) {
        sl->wlen = (unsigned char)len;
        memcpy(sl->word, word, len);
        sl->slen = (unsigned char)rlen;
        memcpy(sl->stem, r, rlen);
        sl->stem[rlen] = '\0';
    }
    *out_len = rlen;
    return (const char *)r;
}
