/* json_text.c - JSON strings from possibly invalid UTF-8; see json_text.h. */
#include "json_text.h"

#include <string.h>

#include "strbuf.h"
#include "utf8.h"

json_t *quirei_json_text(const char *s)
{
    if (!s)
        return json_null();
    json_t *j = json_string(s);
    if (j)
        return j;
    quirei_buf b = QUIREI_BUF_INIT;
    if (quirei_utf8_sanitize(&b, s, strlen(s)) >= 0)
        j = json_stringn(quirei_buf_cstr(&b), b.len);
    quirei_buf_release(&b);
    return j;
}
