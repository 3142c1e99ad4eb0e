/* partial_render.c - the partial-answer fields and line (partial_render.h). */
#include "render/partial_render.h"

#include "json_text.h"

int quirei_partial_json_add(json_t *root, bool partial, const char *const *names, size_t n)
{
    json_t *missing = json_array();
    for (size_t i = 0; missing && i < n; i++)
        if (json_array_append_new(missing, quirei_json_text(names[i])) < 0) {
            json_decref(missing);
            missing = NULL;
        }
    /* json_object_set_new() takes missing, even when it fails. */
    return !missing || json_object_set_new(root, "partial", json_boolean(partial)) < 0 ||
                   json_object_set_new(root, "missing_shards", missing) < 0
               ? -1
               : 0;
}

int quirei_partial_text_add(quirei_buf *b, const char *const *names, size_t n)
{
    if (!n)
        return 0;
    int bad = quirei_buf_addf(b, "Partial results: %zu shard%s down:", n, n == 1 ? "" : "s") < 0;
    for (size_t i = 0; i < n && !bad; i++)
        bad = quirei_buf_addf(b, "%s %s", i ? "," : "", names[i]) < 0;
    return bad || quirei_buf_adds(b, "\n") < 0 ? -1 : 0;
}
