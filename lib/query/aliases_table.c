/*
 * aliases_table.c - the threat-actor names of aliases.h, read once per
 * process from the TSV embedded at build time (one line a group: its name,
 * then its synonyms, tab-separated; scripts/refresh_aliases.sh makes it)
 * and tokenized with the one tokenizer, so a name's key is the terms a
 * query typing it is made of.
 */
#include <pthread.h>
#include <stdint.h>
#include <quire/tokenizer.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "query/aliases.h"

static const char DATA[] =
#include "query/threat_actor_names.inc" /* generated in the build tree */
    ;

QUIREI_ARRAY(name_array, quirei_alias_name)
QUIREI_ARRAY(ptr_array, const quirei_alias_name *)
QUIREI_ARRAY(size_array, size_t)

struct quirei_alias_table {
    name_array names;        /* in the data's order, grouped */
    ptr_array by_group;      /* the same, as pointers (stable) */
    size_array group_first;  /* group g: by_group[first[g], first[g + 1]) */
    ptr_array sorted;        /* by key, then group */
    char *strings;           /* displays and keys, NUL-separated */
};

static quirei_alias_table table;
static const quirei_alias_table *table_ok;
static pthread_once_t table_once = PTHREAD_ONCE_INIT;

typedef struct key_ctx {
    quirei_buf *key;
    unsigned ntok;
    int letters;
    int fail;
} key_ctx;

static int on_token(const quire_token_t *t, void *ctx)
{
    key_ctx *k = ctx;
    if (!t->positioned)
        return 0;
    if ((k->ntok && quirei_buf_add(k->key, " ", 1) < 0) ||
        quirei_buf_add(k->key, t->term, t->len) < 0)
        return k->fail = 1;
    k->ntok++;
    k->letters = t->stemmable;
    return 0;
}

static int cmp_key(const void *a, const void *b)
{
    const quirei_alias_name *x = *(const quirei_alias_name *const *)a;
    const quirei_alias_name *y = *(const quirei_alias_name *const *)b;
    int c = strcmp(x->key, y->key);
    return c ? c : (x->group > y->group) - (x->group < y->group);
}

/* The names of one line (group g) into table.names; offsets into the
 * string buffer sb stand in for pointers until it stops growing. */
static int read_line(quire_tokenizer_t *tok, const char *line, size_t len, unsigned g,
                     quirei_buf *sb, quirei_buf *key)
{
    for (size_t i = 0; i < len;) {
        const char *tab = memchr(line + i, '\t', len - i);
        size_t end = tab ? (size_t)(tab - line) : len;
        key_ctx k = {.key = key};
        quirei_buf_reset(key);
        if (quire_tokenize(tok, line + i, end - i, on_token, &k) != 0 || k.fail)
            return -1;
        if (k.ntok && k.ntok <= QUIREI_ALIAS_MAX_TOKENS) {
            quirei_alias_name n = {.group = g, .ntok = k.ntok};
            n.single_letters = k.ntok == 1 && k.letters;
            n.too_short = n.single_letters && key->len <= 3;
            n.display = (const char *)(uintptr_t)sb->len;
            if (quirei_buf_add(sb, line + i, end - i) < 0 || quirei_buf_add(sb, "", 1) < 0)
                return -1;
            n.key = (const char *)(uintptr_t)sb->len;
            if (quirei_buf_add(sb, key->ptr, key->len) < 0 || quirei_buf_add(sb, "", 1) < 0 ||
                name_array_push(&table.names, n) < 0)
                return -1;
        }
        i = end + 1;
    }
    return 0;
}

static int build(void)
{
    quire_tokenizer_t *tok = quire_tokenizer_new();
    quirei_buf sb = {0}, key = {0};
    int rc = tok ? 0 : -1;
    unsigned g = 0;
    for (const char *p = DATA; rc == 0 && *p; g++) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        rc = size_array_push(&table.group_first, table.names.n) < 0 ? -1 : 0;
        if (rc == 0)
            rc = read_line(tok, p, len, g, &sb, &key);
        p += len + (nl != NULL);
    }
    if (rc == 0)
        rc = size_array_push(&table.group_first, table.names.n) < 0 ? -1 : 0;
    quire_tokenizer_free(tok);
    quirei_buf_release(&key);
    if (rc == 0 && !(table.strings = malloc(sb.len + 1)))
        rc = -1;
    if (rc == 0) {
        memcpy(table.strings, sb.ptr, sb.len);
        for (size_t i = 0; rc == 0 && i < table.names.n; i++) {
            quirei_alias_name *n = &table.names.v[i];
            n->display = table.strings + (uintptr_t)n->display;
            n->key = table.strings + (uintptr_t)n->key;
            if (ptr_array_push(&table.by_group, n) < 0 || ptr_array_push(&table.sorted, n) < 0)
                rc = -1;
        }
    }
    quirei_buf_release(&sb);
    if (rc == 0)
        qsort(table.sorted.v, table.sorted.n, sizeof *table.sorted.v, cmp_key);
    return rc;
}

static void build_once(void)
{
    if (build() == 0)
        table_ok = &table;
    /* On failure the memory stays (a process out of memory at its first
     * search has bigger problems); every search then says ENOMEM. */
}

const quirei_alias_table *quirei_alias_table_get(void)
{
    pthread_once(&table_once, build_once);
    return table_ok;
}

size_t quirei_alias_lookup(const quirei_alias_table *t, const char *key, size_t *first)
{
    size_t lo = 0, hi = t->sorted.n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(t->sorted.v[mid]->key, key) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t end = lo;
    while (end < t->sorted.n && !strcmp(t->sorted.v[end]->key, key))
        end++;
    *first = lo;
    return end - lo;
}

const quirei_alias_name *quirei_alias_sorted(const quirei_alias_table *t, size_t i)
{
    return t->sorted.v[i];
}

size_t quirei_alias_group_names(const quirei_alias_table *t, unsigned g,
                                const quirei_alias_name *const **out)
{
    size_t a = t->group_first.v[g], b = t->group_first.v[g + 1];
    *out = t->by_group.v + a;
    return b - a;
}
