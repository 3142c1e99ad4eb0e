/* formats.c - the suffix -> reader table; see formats.h. */
#include "formats.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

const qi_format qi_formats[] = {
    {".txt", qx_extract_text, qx_extract_text_raw},
    {".md", qx_extract_markdown, NULL},
    {".markdown", qx_extract_markdown, NULL},
    {".html", qx_extract_html, NULL},
    {".htm", qx_extract_html, NULL},
    {".jsonl", NULL, NULL},
    {".jsonl.gz", NULL, NULL},
    {".ndjson", NULL, NULL},
    {".ndjson.gz", NULL, NULL},
};
const size_t qi_format_count = sizeof qi_formats / sizeof qi_formats[0];

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

const qi_format *qi_format_of(const char *path)
{
    for (size_t i = 0; i < qi_format_count; i++)
        if (ends_with(path, qi_formats[i].suffix))
            return &qi_formats[i];
    return NULL;
}

void qi_unsupported_message(char *buf, size_t len)
{
    size_t used = 0;
    const char *sep = "unsupported file type (expected ";
    for (size_t i = 0; i < qi_format_count && used < len; i++) {
        int n = snprintf(buf + used, len - used, "%s%s", sep, qi_formats[i].suffix);
        used += n > 0 ? (size_t)n : 0;
        sep = " ";
    }
    if (used < len)
        snprintf(buf + used, len - used, ")");
}
