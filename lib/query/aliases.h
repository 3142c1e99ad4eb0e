/*
 * aliases.h - threat-actor aliases: a query that names a group (MISP
 * galaxy's threat-actor names, data/misp-galaxy/, embedded in libquire at
 * build time) also finds the documents that name it by its other names.
 *
 * The rule (README.md, "Threat-actor aliases", is the user's version):
 *   - a run of plain words (unquoted, no field, not +, not under NOT) whose
 *     terms, as the tokenizer makes them, are exactly a group's name or
 *     synonym becomes OR(the name as a phrase, each other name as an exact
 *     phrase weighed QUIREI_ALIAS_WEIGHT): the group's documents, those
 *     naming it as typed first. The longest name wins, left to right;
 *   - a name of several groups (Grizzly Steppe: APT28 and APT29) is not
 *     expanded, and the results say so (warning "ambiguous_alias");
 *   - a one-word name of three or fewer letters (UPS, GOP, CCA) is never
 *     used, typed or added: such abbreviations mean many other things;
 *   - a one-word name held by more than 1/QUIREI_ALIAS_COMMON_DIV of the
 *     index's documents (and at least QUIREI_ALIAS_COMMON_MIN) is an
 *     ordinary word there (LEAD, 5.5% of the shared corpus): not added,
 *     and typed alone it is searched as the word it is;
 *   - a group number typed alone, "APT" and digits (APT28, APT41), is not
 *     expanded: it is an identifier, searched exactly as the token typed,
 *     like a CVE ID (an analyst typing APT9 wants the documents saying
 *     APT9; the open set's token-apt kind asks exactly that, and expanding
 *     filled its pages with other names: 1.000 -> 0.800). The results say
 *     so (warning "group_number", naming the other names). It is still
 *     added when another name of its group is typed (Fancy Bear finds the
 *     documents saying only APT28);
 *   - an ATT&CK group id, "G" and four digits (G0049), is an identifier
 *     too: typed alone it is searched as typed (warning "group_number"),
 *     and it is never added to a name's expansion. ATT&CK's own pages
 *     write the id next to ATT&CK's name for the group ("OilRig (G0049)
 *     uses ..."), so the id only finds what that name finds, or, when
 *     that name belongs to several groups (OilRig: also CHRYSENE's), the
 *     very documents the rule above keeps out;
 *   - quoted phrases are never expanded (they are what the user quotes).
 * Expansion is Quire's own query rewriting, not Xapian synonyms, which a
 * remote backend does not have.
 */
#ifndef QUIRE_ALIASES_H
#define QUIRE_ALIASES_H

#include <quire/quire.h>

#include "query/query_parser.h"
#include "strbuf.h"

#define QUIREI_ALIAS_WEIGHT 0.2
#define QUIREI_ALIAS_COMMON_DIV 50
#define QUIREI_ALIAS_COMMON_MIN 20
#define QUIREI_ALIAS_MAX_TOKENS 8 /* longest name matched, in terms */

/* ---- the table (aliases_table.c) ---- */

/* One name of a group: its display form and its terms joined by spaces. */
typedef struct quirei_alias_name {
    const char *display;
    const char *key;
    unsigned group;
    unsigned ntok;
    int single_letters; /* one term of letters only (an ordinary word?) */
    int too_short;      /* one term of letters only, 3 bytes or fewer */
} quirei_alias_name;

/* The names, built once per process from the embedded data (thread-safe);
 * NULL when out of memory. */
typedef struct quirei_alias_table quirei_alias_table;
const quirei_alias_table *quirei_alias_table_get(void);

/* The names whose key is key: [*first, *first + return value) of the
 * sorted names (quirei_alias_sorted()). */
size_t quirei_alias_lookup(const quirei_alias_table *t, const char *key, size_t *first);
const quirei_alias_name *quirei_alias_sorted(const quirei_alias_table *t, size_t i);
/* The names of group g in the data's order (the group's name first). */
size_t quirei_alias_group_names(const quirei_alias_table *t, unsigned g,
                                const quirei_alias_name *const **out);

/* ---- expansion (aliases.c) ---- */

/* What expansion did (opaque): the names added and its warnings. */
typedef struct quirei_alias_info quirei_alias_info;

/*
 * Expand the group names in *tree (which may be replaced) as above, into a
 * new *info (free with quirei_alias_info_free(); NULL-safe). Returns
 * QUIRE_OK, QUIRE_ENOMEM, or a store status (message in r's detail).
 */
quire_status_t quirei_aliases_expand(quire_reader_t *r, qn **tree, quirei_alias_info **info);

/* res->expanded/nexpanded, and res->warnings with the alias warnings after
 * those already there (they point into info, which must live as long). */
quire_status_t quirei_alias_info_apply(quirei_alias_info *info, quire_results_t *res);
void quirei_alias_info_free(quirei_alias_info *info);

#endif
