/*
 * aliases.c - a query's threat-actor names expanded to the group's other
 * names (the rule is in aliases.h): the tree rewritten before it is
 * compiled, and what was added kept for the results.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "query/aliases.h"
#include "query/compile.h"
#include "query/reader.h"
#include "store/index.h"

QUIREI_ARRAY(str_array, char *)
QUIREI_ARRAY(warn_array, quire_warning_t)

struct quirei_alias_info {
    str_array names;    /* added names (display forms), in order */
    str_array messages; /* of the ambiguous_alias warnings */
    str_array numbers;  /* of the group_number warnings */
    warn_array warnings; /* the results' warnings, then these */
};

typedef struct expand_ctx {
    quire_reader_t *r;
    const quirei_alias_table *t;
    quirei_alias_info *info;
    quirei_buf key;
    quire_status_t st;
} expand_ctx;

void quirei_alias_info_free(quirei_alias_info *info)
{
    if (!info)
        return;
    for (size_t i = 0; i < info->names.n; i++)
        free(info->names.v[i]);
    for (size_t i = 0; i < info->messages.n; i++)
        free(info->messages.v[i]);
    for (size_t i = 0; i < info->numbers.n; i++)
        free(info->numbers.v[i]);
    free(info->numbers.v);
    free(info->names.v);
    free(info->messages.v);
    free(info->warnings.v);
    free(info);
}

static int push_copy(str_array *a, const char *s)
{
    char *c = strdup(s);
    if (!c || str_array_push(a, c) < 0) {
        free(c);
        return -1;
    }
    return 0;
}

/* Is single-term name n an ordinary word of this index (aliases.h)? */
static int common_word(expand_ctx *x, const quirei_alias_name *n)
{
    if (!n->single_letters || x->st)
        return 0;
    uint64_t df = 0, docs = quirei_rdb_doc_count_or_0(x->r->db);
    quire_status_t st = quirei_rdb_term_freq(x->r->db, n->key, &df, &x->r->detail);
    if (st) {
        x->st = st;
        return 0;
    }
    return df >= QUIREI_ALIAS_COMMON_MIN && df * QUIREI_ALIAS_COMMON_DIV > docs;
}

/* A phrase node of the terms of key (space-separated), or NULL (ENOMEM). */
static qn *phrase_node(const char *key, size_t pos)
{
    qn *n = calloc(1, sizeof *n);
    if (!n)
        return NULL;
    n->kind = QN_PHRASE;
    n->alias = 1;
    n->pos = pos;
    for (const char *p = key; *p;) {
        size_t len = strcspn(p, " ");
        char *term = strndup(p, len);
        /* Names are matched unstemmed (compile.c, name_q()). */
        unsigned char letters = 0;
        if (!term || quirei_buf_add(&n->terms_buf, &term, sizeof term) < 0) {
            free(term);
            quirei_qn_free(n);
            return NULL;
        }
        n->terms = (char **)(void *)n->terms_buf.ptr;
        n->nterms++;
        if (quirei_buf_add(&n->stemmable_buf, &letters, 1) < 0) {
            quirei_qn_free(n);
            return NULL;
        }
        n->stemmable = (unsigned char *)n->stemmable_buf.ptr;
        p += len + (p[len] == ' ');
    }
    return n;
}

static int add_kid(qn *parent, qn *kid)
{
    if (quirei_buf_add(&parent->kids_buf, &kid, sizeof kid) < 0)
        return -1;
    parent->kids = (qn **)(void *)parent->kids_buf.ptr;
    parent->nkids++;
    return 0;
}

/* Is the name with this key among the phrases of `typed` and or? */
static int has_key(const qn *typed, const qn *or, const quirei_alias_name *n)
{
    for (size_t i = 0; i <= or->nkids; i++) {
        const qn *k = i ? or->kids[i - 1] : typed;
        size_t j = 0;
        const char *p = n->key;
        for (; j < k->nterms; j++) {
            size_t len = strlen(k->terms[j]);
            if (strncmp(p, k->terms[j], len) || (p[len] != ' ' && p[len] != '\0'))
                break;
            p += len + (p[len] == ' ');
        }
        if (j == k->nterms && !*p)
            return 1;
    }
    return 0;
}

/* The number of groups with a name of this key (a group may list one
 * name in two spellings: Lotus Blossom, Lotus BLossom); *first (when not
 * NULL) the first of its entries in the sorted table. */
static size_t groups_named(const quirei_alias_table *t, const char *key, size_t *first)
{
    size_t f, n = quirei_alias_lookup(t, key, &f), groups = 0;
    for (size_t i = 0; i < n; i++)
        groups += i == 0 || quirei_alias_sorted(t, f + i)->group !=
                                quirei_alias_sorted(t, f + i - 1)->group;
    if (first)
        *first = f;
    return groups;
}

/* Is n a group number, "APT" and digits (aliases.h)? */
static int group_number(const quirei_alias_name *n)
{
    const char *k = n->key;
    if (n->ntok != 1 || strncmp(k, "apt", 3) != 0 || !k[3])
        return 0;
    return strspn(k + 3, "0123456789") == strlen(k + 3);
}

/* Is n an ATT&CK group id, "G" and four digits (G0049)? An identifier,
 * never added to a name's expansion (aliases.h). */
static int attack_id(const quirei_alias_name *n)
{
    const char *k = n->key;
    return n->ntok == 1 && k[0] == 'g' && strlen(k) == 5 && strspn(k + 1, "0123456789") == 4;
}

/* May n be added to the expansion of another name of its group? Not when
 * too short, an ATT&CK id, a name of several groups or an ordinary word of
 * the index (aliases.h). */
static int addable(expand_ctx *x, const quirei_alias_name *n)
{
    return !n->too_short && !attack_id(n) && groups_named(x->t, n->key, NULL) == 1 &&
           !common_word(x, n);
}

/* OR(the typed name, OR[alias](the group's other usable names)): a new
 * node, or NULL (x->st says why). */
static qn *expansion(expand_ctx *x, const quirei_alias_name *typed, size_t pos)
{
    qn *top = calloc(1, sizeof *top), *or = calloc(1, sizeof *or);
    qn *k = top && or ? phrase_node(typed->key, pos) : NULL;
    if (!k || add_kid(top, k) < 0) {
        quirei_qn_free(k);
        quirei_qn_free(top);
        quirei_qn_free(or);
        x->st = QUIRE_ENOMEM;
        return NULL;
    }
    top->kind = or->kind = QN_OR;
    top->pos = or->pos = pos;
    or->alias = 1;
    const quirei_alias_name *const *names;
    size_t nn = quirei_alias_group_names(x->t, typed->group, &names);
    for (size_t i = 0; i < nn && !x->st; i++) {
        const quirei_alias_name *n = names[i];
        if (has_key(top->kids[0], or, n) || !addable(x, n))
            continue;
        k = phrase_node(n->key, pos);
        if (!k || add_kid(or, k) < 0) {
            quirei_qn_free(k);
            x->st = QUIRE_ENOMEM;
        } else if (push_copy(&x->info->names, n->display) < 0) {
            x->st = QUIRE_ENOMEM;
        }
    }
    if (!x->st && !or->nkids) {
        quirei_qn_free(or); /* no usable other name: the name alone */
        return top;
    }
    if (!x->st && add_kid(top, or) == 0)
        return top;
    if (!x->st)
        x->st = QUIRE_ENOMEM;
    quirei_qn_free(or);
    quirei_qn_free(top);
    return NULL;
}

/* The key of kids[i, i + len) of n (their terms, space-separated), or -1
 * when one is not a plain word or the name would be too long. */
static int run_key(expand_ctx *x, const qn *n, size_t i, size_t len)
{
    quirei_buf_reset(&x->key);
    size_t ntok = 0;
    for (size_t j = i; j < i + len; j++) {
        const qn *k = n->kind == QN_AND ? n->kids[j] : n;
        if (!quirei_qn_plain_word(k) || k->required || k->kind != QN_WORDS)
            return -1;
        for (size_t t = 0; t < k->nterms; t++, ntok++)
            if ((ntok && quirei_buf_add(&x->key, " ", 1) < 0) ||
                quirei_buf_add(&x->key, k->terms[t], strlen(k->terms[t])) < 0) {
                x->st = QUIRE_ENOMEM;
                return -1;
            }
    }
    return ntok && ntok <= QUIREI_ALIAS_MAX_TOKENS ? 0 : -1;
}

/* The warning of a name of several groups (not expanded). */
static void warn_ambiguous(expand_ctx *x, size_t first, size_t n)
{
    quirei_buf m = {0};
    const quirei_alias_name *a = quirei_alias_sorted(x->t, first);
    int bad = quirei_buf_addf(&m, "'%s' names several threat-actor groups (", a->display) < 0;
    for (size_t i = 0; i < n && !bad; i++) {
        const quirei_alias_name *e = quirei_alias_sorted(x->t, first + i), *const *names;
        if (i && e->group == quirei_alias_sorted(x->t, first + i - 1)->group)
            continue;
        quirei_alias_group_names(x->t, e->group, &names);
        bad = quirei_buf_addf(&m, "%s%s", i ? ", " : "", names[0]->display) < 0;
    }
    bad = bad || quirei_buf_addf(&m, "): not expanded; search for one of them by name") < 0;
    if (bad || push_copy(&x->info->messages, quirei_buf_cstr(&m)) < 0)
        x->st = QUIRE_ENOMEM;
    quirei_buf_release(&m);
}

/* The warning of a group number (searched as typed, not expanded). */
static void warn_number(expand_ctx *x, const quirei_alias_name *typed)
{
    quirei_buf m = {0};
    const quirei_alias_name *const *names;
    size_t nn = quirei_alias_group_names(x->t, typed->group, &names), shown = 0;
    int bad = quirei_buf_addf(&m, "'%s' is a group %s, searched as the token typed", typed->display,
                              attack_id(typed) ? "id" : "number") < 0, more = 0;
    /* Suggest only names that, typed, find the group by every name. */
    for (size_t i = 0; i < nn && !bad && !x->st; i++) {
        const quirei_alias_name *n = names[i];
        if (n == typed || !strcmp(n->key, typed->key) || group_number(n) || !addable(x, n))
            continue;
        if (shown == 5) {
            more = 1;
            break;
        }
        bad = quirei_buf_addf(&m, "%s%s", shown++ ? ", " : "; the group's other names (",
                              n->display) < 0;
    }
    if (shown)
        bad = bad || quirei_buf_addf(&m, "%s) are not added: search for one of them to find the "
                                         "documents naming the group by any name",
                                     more ? ", ..." : "") < 0;
    if (bad || push_copy(&x->info->numbers, quirei_buf_cstr(&m)) < 0)
        x->st = QUIRE_ENOMEM;
    quirei_buf_release(&m);
}

/* The name starting at kid i of n (n itself when it is a word): its length
 * in kids, 0 when none starts there; *out the expansion (NULL when the
 * name is ambiguous or an ordinary word). */
static size_t match_at(expand_ctx *x, const qn *n, size_t i, qn **out)
{
    size_t most = n->kind == QN_AND ? n->nkids - i : 1;
    *out = NULL;
    for (size_t len = most < QUIREI_ALIAS_MAX_TOKENS ? most : QUIREI_ALIAS_MAX_TOKENS;
         len > 0 && !x->st; len--) {
        size_t first, groups;
        if (run_key(x, n, i, len) < 0 ||
            !(groups = groups_named(x->t, quirei_buf_cstr(&x->key), &first)))
            continue;
        const quirei_alias_name *typed = quirei_alias_sorted(x->t, first);
        if (typed->too_short)
            continue;
        if (groups > 1)
            warn_ambiguous(x, first, quirei_alias_lookup(x->t, typed->key, &first));
        else if (group_number(typed) || attack_id(typed))
            warn_number(x, typed);
        else if (!common_word(x, typed))
            *out = expansion(x, typed, (n->kind == QN_AND ? n->kids[i] : n)->pos);
        return len;
    }
    return 0;
}

/* Expand the names under *slot (not under NOT), replacing what matched. */
static void expand_node(expand_ctx *x, qn **slot, int depth)
{
    qn *n = *slot, *e;
    if (depth > QUIREI_MAX_DEPTH || x->st)
        return;
    if (n->kind == QN_WORDS) {
        if (match_at(x, n, 0, &e) && e) {
            quirei_qn_free(n);
            *slot = e;
        }
        return;
    }
    if (n->kind == QN_OR) {
        for (size_t i = 0; i < n->nkids; i++)
            expand_node(x, &n->kids[i], depth + 1);
        return;
    }
    if (n->kind != QN_AND)
        return;
    int replaced = 0;
    for (size_t i = 0; i < n->nkids && !x->st; i++) {
        size_t len = match_at(x, n, i, &e);
        if (!len) {
            if (n->kids[i]->kind == QN_OR || n->kids[i]->kind == QN_AND)
                expand_node(x, &n->kids[i], depth + 1);
            continue;
        }
        if (!e) {
            i += len - 1;
            continue;
        }
        for (size_t j = i; j < i + len; j++)
            quirei_qn_free(n->kids[j]);
        n->kids[i] = e;
        memmove(n->kids + i + 1, n->kids + i + len, (n->nkids - i - len) * sizeof *n->kids);
        n->nkids -= len - 1;
        replaced = 1;
    }
    if (replaced && n->nkids == 1 && !x->st) {
        /* The whole query was the name: the OR stands alone (an AND of one
         * would make it look like a fragment to the tiers). */
        *slot = n->kids[0];
        n->nkids = 0;
        quirei_qn_free(n);
    }
}

quire_status_t quirei_aliases_expand(quire_reader_t *r, qn **tree, quirei_alias_info **info)
{
    *info = calloc(1, sizeof **info);
    if (!*info)
        return QUIRE_ENOMEM;
    expand_ctx x = {.r = r, .t = quirei_alias_table_get(), .info = *info};
    if (!x.t)
        return QUIRE_ENOMEM;
    expand_node(&x, tree, 0);
    quirei_buf_release(&x.key);
    return x.st;
}

quire_status_t quirei_alias_info_apply(quirei_alias_info *info, quire_results_t *res)
{
    if (!info)
        return QUIRE_OK;
    res->expanded = (const char *const *)info->names.v;
    res->nexpanded = info->names.n;
    if (!info->messages.n && !info->numbers.n)
        return QUIRE_OK;
    for (size_t i = 0; i < res->nwarnings; i++)
        if (warn_array_push(&info->warnings, res->warnings[i]) < 0)
            return QUIRE_ENOMEM;
    for (size_t i = 0; i < info->messages.n; i++)
        if (warn_array_push(&info->warnings,
                            (quire_warning_t){"ambiguous_alias", info->messages.v[i]}) < 0)
            return QUIRE_ENOMEM;
    for (size_t i = 0; i < info->numbers.n; i++)
        if (warn_array_push(&info->warnings,
                            (quire_warning_t){"group_number", info->numbers.v[i]}) < 0)
            return QUIRE_ENOMEM;
    res->warnings = info->warnings.v;
    res->nwarnings = info->warnings.n;
    return QUIRE_OK;
}
