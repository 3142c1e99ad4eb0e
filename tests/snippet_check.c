/* snippet_check.c - looking at snippets in tests (snippet_check.h). */
#include "snippet_check.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"

char *qt_highlight_text(const quirei_snippet *s, size_t i)
{
    const char *t = quirei_buf_cstr(&s->text);
    size_t a = 0, b = 0, n = 0;
    for (size_t k = 0; k <= s->text.len; n++) {
        if (n == s->highlights[i].start)
            a = k;
        if (n == s->highlights[i].end) {
            b = k;
            break;
        }
        int32_t c;
        int bad;
        k += k < s->text.len ? quirei_utf8_decode((const unsigned char *)t + k,
                                                  s->text.len - k, &c, &bad)
                             : 1;
    }
    char *out = strndup(t + a, b - a);
    cr_assert_not_null(out);
    return out;
}

int qt_highlights_of(const quirei_snippet *s, const char *want)
{
    int found = 0;
    for (size_t i = 0; i < s->nhighlights; i++) {
        char *h = qt_highlight_text(s, i);
        found += strcmp(h, want) == 0;
        free(h);
    }
    return found;
}

void qt_filler(quirei_buf *b, size_t bytes)
{
    static const char *const w[] = {"report", "notes", "several", "minor", "issues",
                                    "across", "older", "systems", "and", "networks"};
    size_t stop = b->len + bytes, i = 0;
    while (b->len < stop) {
        quirei_buf_adds(b, "The");
        for (int k = 0; k < 8; k++, i++)
            quirei_buf_addf(b, " %s", w[i % 10]);
        quirei_buf_adds(b, ". ");
    }
}

void qt_snippet_make(quirei_snippet *s, const quirei_buf *body, const quirei_unit *u, size_t nu,
                     quirei_stemmer *st)
{
    quirei_snippet_init(s);
    cr_assert_eq(quirei_snippet_make(body->ptr, body->len, u, nu, st, "en", 250, s), 0);
}
