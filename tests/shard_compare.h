/*
 * shard_compare.h - the one comparison of two answers that the shard tests
 * make (one index against the same documents in several shards): the same
 * total, the same hits in the same order, where hits of equal score may
 * come in another order among themselves (and only there).
 */
#ifndef QUIRE_TEST_SHARD_COMPARE_H
#define QUIRE_TEST_SHARD_COMPARE_H

#include <criterion/criterion.h>
#include <quire/quire.h>
#include <string.h>

/* Equal scores: equal but for the last bits of a double (Xapian adds a
 * match's term weights in an order that depends on the shards: 5.18164894
 * 14453928 against ...937). */
static inline int qt_same_score(double a, double b)
{
    double d = a > b ? a - b : b - a, m = a > b ? a : b;
    return d <= 1e-12 * (m > 1 ? m : 1);
}

/* Is id among the hits of b whose score equals `score`? */
static inline int qt_in_tie(const quire_results_t *b, const char *id, double score)
{
    for (size_t k = 0; k < b->nhits; k++)
        if (qt_same_score(b->hits[k].score, score) && !strcmp(b->hits[k].id, id))
            return 1;
    return 0;
}

/* Expect a and b to be the same answer to `what` (see above). */
static inline void qt_expect_same_answer(const quire_results_t *a, const quire_results_t *b,
                                         const char *what)
{
    cr_expect_eq(a->total, b->total, "%s: total %llu against %llu", what,
                 (unsigned long long)a->total, (unsigned long long)b->total);
    cr_expect_eq(a->total_relation, b->total_relation, "%s: total relation", what);
    cr_expect_eq(a->relaxed, b->relaxed, "%s: relaxed", what);
    cr_expect_eq(a->approximate, b->approximate, "%s: approximate", what);
    cr_expect_eq(a->corrected, b->corrected, "%s: corrected", what);
    cr_assert_eq(a->nhits, b->nhits, "%s: %zu hits against %zu", what, a->nhits, b->nhits);
    for (size_t i = 0; i < a->nhits; i++) {
        const quire_hit_t *x = &a->hits[i], *y = &b->hits[i];
        if (!strcmp(x->id, y->id)) {
            cr_expect(qt_same_score(x->score, y->score), "%s: hit %zu (%s) scores %.17g against %.17g",
                         what, i + 1, x->id, x->score, y->score);
            cr_expect_str_eq(x->snippet ? x->snippet : "", y->snippet ? y->snippet : "",
                             "%s: hit %zu snippet", what, i + 1);
            cr_expect_eq(x->quote_start, y->quote_start, "%s: hit %zu quote", what, i + 1);
        } else {
            cr_expect(qt_same_score(x->score, y->score) && qt_in_tie(b, x->id, x->score),
                      "%s: hit %zu is %s (score %.17g) against %s (score %.17g)", what, i + 1,
                      x->id, x->score, y->id, y->score);
        }
    }
}

#endif
