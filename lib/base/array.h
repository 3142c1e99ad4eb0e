/*
 * array.h - a typed growing array, the companion of strbuf.h for arrays of
 * structs or pointers (strbuf.h is for bytes).
 *
 *     QUIREI_ARRAY(unit_array, quirei_unit);    // declares the type and
 *     unit_array a = {0};                       // its static functions
 *     if (unit_array_push(&a, u) < 0) ...       // -1: out of memory
 *     a.v[0], a.n
 *     unit_array_release(&a);
 *
 * Invariants (after every call, failed ones included):
 *   - n <= cap; v[0..n) are the elements pushed, in order;
 *   - a zero-initialised array is a valid empty array (v == NULL);
 *   - on allocation failure push returns -1 and leaves the array as it was:
 *     nothing is silently dropped, so callers must check (strbuf.h's rule).
 */
#ifndef QUIRE_ARRAY_H
#define QUIRE_ARRAY_H

#include <stddef.h>
#include <stdlib.h>

#define QUIREI_ARRAY(name, T)                                                          \
    typedef struct name {                                                              \
        T *v;                                                                          \
        size_t n, cap;                                                                 \
    } name;                                                                            \
    /* Room for `extra` more elements. 0, or -1 when out of memory. */                 \
    static inline __attribute__((unused)) int name##_reserve(name *a, size_t extra)    \
    {                                                                                  \
        if (extra <= a->cap - a->n)                                                    \
            return 0;                                                                  \
        if (extra > ((size_t)-1 / sizeof(T)) / 2 - a->n)                               \
            return -1;                                                                 \
        size_t cap = a->cap ? a->cap : 8;                                              \
        while (cap < a->n + extra)                                                     \
            cap *= 2;                                                                  \
        T *v = (T *)realloc(a->v, cap * sizeof(T));                                    \
        if (!v)                                                                        \
            return -1;                                                                 \
        a->v = v;                                                                      \
        a->cap = cap;                                                                  \
        return 0;                                                                      \
    }                                                                                  \
    static inline __attribute__((unused)) int name##_push(name *a, T x)               \
    {                                                                                  \
        if (name##_reserve(a, 1) < 0)                                                  \
            return -1;                                                                 \
        a->v[a->n++] = x;                                                              \
        return 0;                                                                      \
    }                                                                                  \
    static inline __attribute__((unused)) void name##_release(name *a)                \
    {                                                                                  \
        free(a->v);                                                                    \
        a->v = NULL;                                                                   \
        a->n = a->cap = 0;                                                             \
    }

#endif
