/*
 * aliases_render.c - quire_results_t.expanded as JSON and text (see
 * aliases_render.h); strings through quirei_json_text() (repaired UTF-8).
 */
#include "render/aliases_render.h"

#include "json_text.h"

int quirei_aliases_json_add(json_t *root, const quire_results_t *res)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < res->nexpanded; i++)
        if (json_array_append_new(a, quirei_json_text(res->expanded[i])) < 0) {
            json_decref(a);
            a = NULL;
        }
    return a && json_object_set_new(root, "expanded", a) == 0 ? 0 : -1;
}

int quirei_aliases_text_add(quirei_buf *b, const quire_results_t *res)
{
    if (!res->nexpanded)
        return 0;
    int bad = quirei_buf_adds(b, "aliases: also searched for") < 0;
    for (size_t i = 0; i < res->nexpanded && !bad; i++)
        bad = quirei_buf_addf(b, "%s %s", i ? "," : "", res->expanded[i]) < 0;
    return bad || quirei_buf_addc(b, '\n') < 0 ? -1 : 0;
}
