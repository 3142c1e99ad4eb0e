/*
 * strbuf.h - the one growing byte buffer used everywhere in Quire.
 *
 * Modelled on git's strbuf: instead of scattered realloc() calls, every piece
 * of code that builds a string of unknown length uses a quirei_buf.
 *
 * Invariants (hold after every call, including failed ones):
 *   - buf->len <= buf->cap
 *   - if buf->cap > 0, buf->ptr[buf->len] == '\0' (always NUL-terminated, so
 *     ptr can be handed to C string functions; the data itself may hold NULs)
 *   - a zero-initialised quirei_buf (QUIREI_BUF_INIT) is a valid empty buffer;
 *     quirei_buf_cstr() returns "" for it, never NULL.
 *   - on allocation failure the functions return -1 and leave the buffer as it
 *     was; they never abort. Callers map -1 to QUIRE_ENOMEM.
 */
#ifndef QUIRE_STRBUF_H
#define QUIRE_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct quirei_buf {
    char *ptr;
    size_t len;
    size_t cap; /* bytes allocated, excluding the terminating NUL slot */
} quirei_buf;

#define QUIREI_BUF_INIT {NULL, 0, 0}

/* Ensure room for `extra` more bytes (plus the NUL). 0 on success, -1 on OOM. */
int quirei_buf_grow(quirei_buf *b, size_t extra);
int quirei_buf_add(quirei_buf *b, const void *data, size_t len);
int quirei_buf_adds(quirei_buf *b, const char *s);
int quirei_buf_addc(quirei_buf *b, char c);
int quirei_buf_addf(quirei_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int quirei_buf_vaddf(quirei_buf *b, const char *fmt, va_list ap);
/* Replace the contents with a formatted string. */
int quirei_buf_setf(quirei_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int quirei_buf_set(quirei_buf *b, const void *data, size_t len);
/* Empty the buffer but keep its memory for reuse. */
void quirei_buf_reset(quirei_buf *b);
/* Shrink to `len` bytes (len <= b->len). */
void quirei_buf_truncate(quirei_buf *b, size_t len);
/* Remove trailing ASCII whitespace. */
void quirei_buf_rtrim(quirei_buf *b);
/* Free the memory; the buffer is empty and reusable afterwards. */
void quirei_buf_release(quirei_buf *b);
/* Hand the memory to the caller (free() it); the buffer becomes empty.
 * Returns a malloc'd "" for an empty buffer, NULL only on OOM. */
char *quirei_buf_detach(quirei_buf *b, size_t *len);
/* Always a valid C string. */
static inline const char *quirei_buf_cstr(const quirei_buf *b)
{
    return b->ptr ? b->ptr : "";
}

#ifdef __cplusplus
}
#endif
#endif
