/* libFuzzer target: the shared tokenizer on arbitrary bytes. */
#include <quire/tokenizer.h>
#include <stdint.h>
#include <string.h>

static int check(const quire_token_t *t, void *ctx)
{
    size_t len = *(size_t *)ctx;
    /* Spans must lie inside the input; terms must be non-empty and bounded. */
    if (t->start > t->end || t->end > len || t->len == 0 || t->len > QUIRE_MAX_TERM_BYTES ||
        strlen(t->term) != t->len)
        __builtin_trap();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    quire_tokenizer_t *t = quire_tokenizer_new();
    if (!t)
        return 0;
    quire_tokenize(t, (const char *)data, size, check, &size);
    quire_tokenizer_free(t);
    return 0;
}
