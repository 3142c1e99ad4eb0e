/*
 * scrape_clean.c - the rules by which quire-index reads a .txt file as an
 * article scraped from a web page (quire-index --raw-text turns them off).
 *
 * Scraped text keeps the page's furniture around the article: an image
 * caption or a section label above the headline, a dateline and a byline,
 * and after the article links to other articles with their teasers and a
 * cookie notice. Left in, the caption becomes the title and a teaser makes
 * the article match queries about another one. The rules look at the shape
 * of the text, never at a site. They work on paragraphs (runs of non-blank
 * lines) and act only where the shape is clear, since a wrong cut loses
 * text until the file is indexed again:
 *
 * Head: the leading one-line paragraphs (at most 6, each under 200 bytes
 * and 30 words, not ending as a sentence does with '.', ',' or ';'),
 * up to the first paragraph of body text. Among them
 *   - a dateline ("Posted June 30, 2016", "Published: 2016-06-30", a line
 *     that is only a date) gives the date, read by quire_date_normalize (a
 *     line whose date it refuses is no dateline);
 *   - a byline ("By: Emilio Iasiello, LookingGlass ...", "By Jane Doe |
 *     June 30, 2016", "Written by", "Posted by", "Author:") gives the
 *     author: the capitalised words before the first comma, bar, dash,
 *     "on" or "(", and the date when one follows;
 *   - a caption (its last word artwork, photo, image, illustration ...,
 *     or holding "Photo:", "Image credit", "Getty Images", "Shutterstock")
 *     and a section label (at most 4 words ending in Blog, News, Opinion,
 *     Insights ..., or one word such as Exclusive or Analysis) are dropped;
 *   - the headline is the first other line. Lines after it that are not
 *     meta, captions or labels stay at the top of the body (a subtitle).
 *     With only captions left, the first caption is the headline; with only
 *     labels, the first label, unless a byline or dateline shows the page's
 *     headline is missing: then, as when only meta lines precede the body,
 *     the title is the first sentence's start (12 words at most, "…" when
 *     cut).
 * A file whose first paragraph has several lines (no blank lines between
 * title and text), whose head reaches the end of the file or goes on past
 * 6 lines, or that starts with a body paragraph, is read by the plain rule
 * (first line title, the rest body, nothing removed).
 *
 * Tail, from the end of the body (the first body paragraph always stays):
 *   - one-line notices are dropped: a cookie notice ("cookie" with "we
 *     use", "our site", "learn more about", "cookie policy" ...), a
 *     copyright line, page chrome ("Back to top", "Info Message");
 *   - a navigation heading alone on its line ("Recent articles",
 *     "Additional Posts", "Related", "Read more", "You may also like",
 *     "More from ...") among the last 20 paragraphs ends the article when
 *     everything after it is short (teasers: at most 300 bytes and 3 lines
 *     each) and together it is at most half of the body. "Related research
 *     shows ..." is text, not a heading, and long paragraphs after a
 *     heading mean the article goes on.
 *
 * Author, when no byline named one, from the first body paragraph (the
 * standfirst) ending in ", says Greg Day." or a quotation's '," says Greg
 * Day.' (says, said, writes, argues, explains, warns, believes), else from the last one (a bio) starting
 * "Greg Day is" with a role word (VP, CTO, director, analyst, editor,
 * researcher ...) after it. The name must be 2 to 4 capitalised words
 * (particles such as van, de allowed), not starting with The, A, This ...
 * and holding no organisation word (Research, Security, Group, Inc ...):
 * "..., says the report." and "Microsoft is ..." name no author.
 */
#include "scrape_clean.h"

#include <quire/quire.h>
#include <string.h>
#include <strings.h>

#include "array.h"

enum { HEAD_MAX = 6, HEAD_LINE_BYTES = 200, HEAD_LINE_WORDS = 30, TEASER_BYTES = 300,
       TEASER_LINES = 3, TAIL_WINDOW = 20, TITLE_WORDS = 12, BIO_BYTES = 500 };

typedef struct span {
    const char *p;
    size_t n;
} span;

typedef struct para {
    span s;    /* trimmed; inner lines joined by "\n" as in the text */
    int lines;
} para;

QUIREI_ARRAY(para_array, para)

/* ---- spans ---------------------------------------------------------------- */

static int is_sp(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v' || c == '\n';
}

/* Scraped pages are full of no-break spaces (U+00A0), so they trim too. */
static span trim(span s)
{
    for (;;) {
        if (s.n && is_sp((unsigned char)s.p[0])) {
            s.p++, s.n--;
        } else if (s.n >= 2 && (unsigned char)s.p[0] == 0xC2 && (unsigned char)s.p[1] == 0xA0) {
            s.p += 2, s.n -= 2;
        } else {
            break;
        }
    }
    for (;;) {
        if (s.n && is_sp((unsigned char)s.p[s.n - 1]))
            s.n--;
        else if (s.n >= 2 && (unsigned char)s.p[s.n - 2] == 0xC2 &&
                 (unsigned char)s.p[s.n - 1] == 0xA0)
            s.n -= 2;
        else
            break;
    }
    return s;
}

static span after(span s, size_t k)
{
    return (span){s.p + k, s.n - k};
}

static int ieq(span s, const char *lit)
{
    size_t m = strlen(lit);
    return s.n == m && strncasecmp(s.p, lit, m) == 0;
}

static int istarts(span s, const char *lit)
{
    size_t m = strlen(lit);
    return s.n >= m && strncasecmp(s.p, lit, m) == 0;
}

/* Offset of the first case-insensitive `lit` in s, or (size_t)-1. */
static size_t ifind(span s, const char *lit)
{
    size_t m = strlen(lit);
    for (size_t i = 0; m && i + m <= s.n; i++)
        if (strncasecmp(s.p + i, lit, m) == 0)
            return i;
    return (size_t)-1;
}

static int in_list(span s, const char *const *list)
{
    for (size_t i = 0; list[i]; i++)
        if (ieq(s, list[i]))
            return 1;
    return 0;
}

static int contains_any(span s, const char *const *list)
{
    for (size_t i = 0; list[i]; i++)
        if (ifind(s, list[i]) != (size_t)-1)
            return 1;
    return 0;
}

static size_t count_words(span s)
{
    size_t w = 0;
    for (size_t i = 0; i < s.n; i++)
        if (!is_sp((unsigned char)s.p[i]) && (i == 0 || is_sp((unsigned char)s.p[i - 1])))
            w++;
    return w;
}

/* The next word of *s (split on blanks), consumed; empty at the end. */
static span next_word(span *s)
{
    *s = trim(*s);
    size_t i = 0;
    while (i < s->n && !is_sp((unsigned char)s->p[i]))
        i++;
    span w = {s->p, i};
    *s = after(*s, i);
    return w;
}

/* s without trailing punctuation a heading may end with: ":", ".", "»",
 * "…", "›", "→", "|", "-", ">". */
static span strip_end_marks(span s)
{
    static const char *const marks[] = {"\xe2\x80\xa6", "\xc2\xbb", "\xe2\x80\xba",
                                        "\xe2\x86\x92", ":", ".", "|", "-", ">", NULL};
    for (int changed = 1; changed;) {
        changed = 0;
        s = trim(s);
        for (size_t i = 0; marks[i]; i++) {
            size_t m = strlen(marks[i]);
            if (s.n >= m && memcmp(s.p + s.n - m, marks[i], m) == 0) {
                s.n -= m;
                changed = 1;
            }
        }
    }
    return s;
}

/* The last character that is not a closing quote or bracket. */
static char last_mark(span s)
{
    while (s.n) {
        unsigned char c = (unsigned char)s.p[s.n - 1];
        if (c == '"' || c == '\'' || c == ')')
            s.n--;
        else if (s.n >= 3 && (unsigned char)s.p[s.n - 3] == 0xE2 && (unsigned char)s.p[s.n - 2] == 0x80 &&
                 (c == 0x9D || c == 0x99)) /* ” ’ */
            s.n -= 3;
        else
            return (char)c;
    }
    return '\0';
}

/* ---- paragraphs ------------------------------------------------------------ */

static int split_paragraphs(const char *t, size_t len, para_array *out)
{
    para cur = {{NULL, 0}, 0};
    size_t pos = 0;
    while (pos < len) {
        const char *nl = memchr(t + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - t) : len;
        span line = trim((span){t + pos, end - pos});
        if (line.n == 0) {
            if (cur.lines && para_array_push(out, cur) < 0)
                return -1;
            cur.lines = 0;
        } else if (!cur.lines) {
            cur = (para){line, 1};
        } else {
            cur.s.n = (size_t)(line.p + line.n - cur.s.p);
            cur.lines++;
        }
        pos = end + 1;
    }
    return cur.lines ? para_array_push(out, cur) : 0;
}

/* ---- names, dates ------------------------------------------------------------ */

static const char *const name_particles[] = {"van", "von", "de", "der", "den", "da", "di",
                                             "du", "le", "la", "al", "bin", "and", "&", NULL};
static const char *const name_stop_first[] = {
    "The", "A", "An", "This", "That", "These", "Those", "Our", "Its", "Their", "His", "Her",
    "Experts", "Researchers", "Officials", "Analysts", "Critics", "Sources", NULL};
static const char *const org_words[] = {
    "Inc", "Inc.", "Ltd", "Ltd.", "Corp", "Corp.", "Corporation", "Research", "Security",
    "Labs", "Lab", "Group", "Institute", "University", "Agency", "Department", "Report",
    "Team", "Company", "Government", "Council", "Ministry", "Office", "News", "Post", "Times",
    "Journal", "Center", "Centre", "Foundation", "Association", "Bureau", "Service",
    "Services", "Systems", "Technologies", "Networks", "Intelligence", "Police", NULL};

static int is_upper_start(span w)
{
    unsigned char c = (unsigned char)w.p[0];
    return (c >= 'A' && c <= 'Z') || c >= 0xC3; /* non-ASCII: accented capitals */
}

/* A person's name as bylines give it (loose: 1-8 words, agencies too) or as
 * prose names one (strict: 2-4 words, no organisation, no "The ..."). */
static int is_name(span s, int strict)
{
    s = trim(s);
    if (s.n == 0 || s.n > 80)
        return 0;
    size_t words = 0, caps = 0;
    for (span rest = s, w = next_word(&rest); w.n; w = next_word(&rest)) {
        words++;
        for (size_t i = 0; i < w.n; i++) {
            char c = w.p[i];
            if ((c >= '0' && c <= '9') || c == ':' || c == '@' || c == '/' || c == ';')
                return 0;
        }
        if (in_list(w, name_particles) && words > 1)
            continue;
        if (!is_upper_start(w))
            return 0;
        if (strict && (in_list(w, org_words) || (words == 1 && in_list(w, name_stop_first))))
            return 0;
        caps++;
    }
    return strict ? caps >= 2 && words <= 4 : words >= 1 && words <= 8;
}

/* A date at the start of s, normalised into out: s itself, or s cut before
 * " at ", " by ", " | ", a dash, "·" (a time or a name after the date). */
static int read_date(span s, int allow_cut, char out[QUIRE_DATE_MAX])
{
    static const char *const cuts[] = {" at ", " by ", " | ", " - ", " \xe2\x80\x93 ",
                                       " \xe2\x80\x94 ", " \xc2\xb7 ", NULL};
    size_t cut = s.n;
    for (size_t i = 0; allow_cut && cuts[i]; i++) {
        size_t k = ifind(s, cuts[i]);
        if (k < cut)
            cut = k;
    }
    char buf[128];
    for (int pass = 0; pass < 2; pass++) {
        span d = trim((span){s.p, pass ? cut : s.n});
        if ((pass && cut == s.n) || d.n == 0 || d.n >= sizeof buf)
            continue;
        memcpy(buf, d.p, d.n);
        buf[d.n] = '\0';
        if (quire_date_normalize(buf, out, NULL, 0) == QUIRE_OK)
            return 1;
    }
    return 0;
}

/* s after a leading word of `list` followed by a blank or ':' (and after
 * the ':' and blanks), or an empty span with p == NULL when none leads. */
static span after_prefix(span s, const char *const *list)
{
    for (size_t i = 0; list[i]; i++) {
        size_t m = strlen(list[i]);
        if (!istarts(s, list[i]) || s.n == m || (s.p[m] != ' ' && s.p[m] != ':'))
            continue;
        span r = after(s, m);
        while (r.n && (r.p[0] == ':' || is_sp((unsigned char)r.p[0])))
            r = after(r, 1);
        return r;
    }
    return (span){NULL, 0};
}

/* ---- the head ------------------------------------------------------------------ */

typedef enum head_kind { H_BODY, H_DATELINE, H_BYLINE, H_CAPTION, H_LABEL, H_PLAIN } head_kind;

typedef struct head_meta {
    span author;                 /* from a byline; n == 0: none */
    char date[QUIRE_DATE_MAX];   /* normalised; "" = none */
} head_meta;

static int dateline(span s, head_meta *m)
{
    static const char *const prefixes[] = {"last updated on", "last updated", "published on",
                                           "published", "posted on", "posted", "updated on",
                                           "updated", "date", NULL};
    char d[QUIRE_DATE_MAX];
    span r = after_prefix(s, prefixes);
    if (r.p ? !read_date(r, 1, d) : !read_date(s, 0, d))
        return 0;
    if (!m->date[0])
        memcpy(m->date, d, sizeof d);
    return 1;
}

static int byline(span s, head_meta *m)
{
    static const char *const prefixes[] = {"written by", "posted by", "words by", "by",
                                           "authors", "author", NULL};
    static const char *const ends[] = {",", "|", " - ", " \xe2\x80\x93 ", " \xe2\x80\x94 ",
                                       " \xc2\xb7 ", " on ", "(", NULL};
    span r = after_prefix(s, prefixes);
    if (!r.p)
        return 0;
    size_t cut = r.n;
    for (size_t i = 0; ends[i]; i++) {
        size_t k = ifind(r, ends[i]);
        if (k < cut)
            cut = k;
    }
    span name = trim((span){r.p, cut});
    if (!is_name(name, 0))
        return 0;
    if (!m->author.n)
        m->author = name;
    /* What follows the name may date the article: "| June 30, 2016". */
    span rest = after(r, cut);
    while (rest.n && (strchr(",|-(", rest.p[0]) || is_sp((unsigned char)rest.p[0]) ||
                      (unsigned char)rest.p[0] >= 0x80))
        rest = after(rest, 1);
    if (istarts(rest, "on "))
        rest = after(rest, 3);
    head_meta dm = {{NULL, 0}, ""};
    if (rest.n && dateline(rest, &dm) && !m->date[0])
        memcpy(m->date, dm.date, sizeof dm.date);
    return 1;
}

static int is_caption(span s)
{
    static const char *const last_words[] = {"artwork", "photo", "photograph", "image",
                                             "images", "illustration", "picture", "graphic",
                                             "screenshot", "infographic", NULL};
    static const char *const marks[] = {"getty images", "shutterstock", "istock", "alamy",
                                        "image credit", "photo credit", "image:", "photo:",
                                        "picture:", "credit:", "illustration:", "image source",
                                        "(image", "(photo", "stock photo",
                                        "stock image", NULL};
    if (count_words(s) > 15)
        return 0;
    if (contains_any(s, marks))
        return 1;
    span last = strip_end_marks(s), w = {NULL, 0};
    for (span rest = last, x = next_word(&rest); x.n; x = next_word(&rest))
        w = x;
    while (w.n && (w.p[w.n - 1] == ')' || w.p[w.n - 1] == ']'))
        w.n--;
    return w.n && in_list(w, last_words);
}

static int is_label(span s)
{
    static const char *const last_words[] = {
        "blog", "blogs", "news", "newsroom", "opinion", "opinions", "commentary", "analysis",
        "features", "insights", "podcast", "podcasts", "updates", "advisories", "releases",
        "announcements", "resources", "articles", "stories", "briefing", "editorial", NULL};
    static const char *const alone[] = {"exclusive", "breaking", "sponsored", "feature",
                                        "interview", "review", "explainer", "opinion",
                                        "analysis", "comment", "news", "blog", NULL};
    span t = strip_end_marks(s);
    size_t words = count_words(t);
    if (words == 0 || words > 4 || !is_upper_start(t))
        return 0;
    if (words == 1)
        return in_list(t, alone);
    span w = {NULL, 0};
    for (span rest = t, x = next_word(&rest); x.n; x = next_word(&rest))
        w = x;
    return in_list(w, last_words);
}

static head_kind classify_head(const para *p, head_meta *m)
{
    span s = p->s;
    size_t words = count_words(s);
    if (p->lines != 1 || s.n > HEAD_LINE_BYTES || words > HEAD_LINE_WORDS)
        return H_BODY;
    /* A sentence ("By the end of 2016, ...") is text, though a short byline
     * may end with a stop ("By Jane Doe."). */
    char c = last_mark(s);
    int sentence = c == '.' || c == ',' || c == ';';
    if (sentence && words > 6)
        return H_BODY;
    if (byline(s, m))
        return H_BYLINE;
    if (dateline(s, m))
        return H_DATELINE;
    if (sentence)
        return H_BODY;
    if (is_caption(s))
        return H_CAPTION;
    return is_label(s) ? H_LABEL : H_PLAIN;
}

/* The headline among the head's kinds[0..n): its index, or -1 when the
 * page shows none (see the top of the file). */
static int pick_headline(const head_kind *kinds, size_t n)
{
    int caption = -1, label = -1, meta = 0;
    for (size_t i = 0; i < n; i++) {
        if (kinds[i] == H_PLAIN)
            return (int)i;
        if (kinds[i] == H_CAPTION && caption < 0)
            caption = (int)i;
        if (kinds[i] == H_LABEL && label < 0)
            label = (int)i;
        meta |= kinds[i] == H_BYLINE || kinds[i] == H_DATELINE;
    }
    if (caption >= 0)
        return caption;
    return meta ? -1 : label;
}

/* ---- the tail ------------------------------------------------------------------- */

static int is_nav_heading(span s)
{
    static const char *const headings[] = {
        "recent articles", "recent posts", "recent stories", "recent news", "additional posts",
        "additional articles", "related", "related articles", "related posts",
        "related stories", "related content", "related news", "related reading",
        "related coverage", "related links", "read more", "read next", "more stories",
        "more articles", "more news", "more posts", "you may also like",
        "you might also like", "you may be interested in", "recommended",
        "recommended for you", "recommended reading", "recommended articles", "most popular",
        "most read", "popular posts", "popular stories", "popular articles", "trending",
        "trending now", "latest news", "latest posts", "latest articles", "share this",
        "share this article", "share this post", "share this story", "tags", "leave a reply",
        "leave a comment", "comments", "subscribe", "newsletter", "previous post",
        "next post", "previous article", "next article", "advertisement", "sponsored content",
        NULL};
    span t = strip_end_marks(s);
    if (in_list(t, headings))
        return 1;
    return istarts(t, "more from ") && count_words(t) <= 6;
}

static int is_notice(const para *p)
{
    static const char *const cookie_context[] = {
        "we use", "our site", "this site", "this website", "our website", "cookie policy",
        "cookie settings", "accept all", "learn more about", "how to control",
        "manage cookies", "by continuing", "uses cookies", NULL};
    static const char *const chrome[] = {"back to top", "skip to content", "info message",
                                         "print", "email", "tweet", "share", NULL};
    span s = p->s;
    if (p->lines != 1 || s.n > TEASER_BYTES)
        return 0;
    if (ifind(s, "cookie") != (size_t)-1 && contains_any(s, cookie_context))
        return 1;
    if (ifind(s, "all rights reserved") != (size_t)-1 || istarts(s, "\xc2\xa9") ||
        istarts(s, "copyright "))
        return 1;
    return in_list(strip_end_marks(s), chrome) || is_nav_heading(s);
}

/* End of the article in v[first..end): see "Tail" at the top. */
static size_t cut_tail(const para *v, size_t first, size_t end)
{
    while (end > first + 1 && is_notice(&v[end - 1]))
        end--;
    size_t total = 0;
    for (size_t i = first; i < end; i++)
        total += v[i].s.n;
    size_t lo = end > first + TAIL_WINDOW ? end - TAIL_WINDOW : first + 1;
    for (size_t i = lo; i < end; i++) {
        if (v[i].lines != 1 || !is_nav_heading(v[i].s))
            continue;
        size_t cut = 0, j = i;
        for (; j < end && v[j].s.n <= TEASER_BYTES && v[j].lines <= TEASER_LINES; j++)
            cut += v[j].s.n;
        if (j == end && cut * 2 <= total) {
            end = i;
            break;
        }
    }
    while (end > first + 1 && is_notice(&v[end - 1]))
        end--;
    return end;
}

/* ---- author from the text -------------------------------------------------------- */

/* Does a comma (or a comma and a closing quote: ',"' or ',”') end s? */
static int comma_ends(span s)
{
    if (s.n >= 1 && s.p[s.n - 1] == ',')
        return 1;
    if (s.n >= 2 && s.p[s.n - 1] == '"' && s.p[s.n - 2] == ',')
        return 1;
    return s.n >= 4 && memcmp(s.p + s.n - 4, ",\xe2\x80\x9d", 4) == 0;
}

/* "..., says Greg Day." (or '...," says Greg Day, CTO of X.') ending the
 * paragraph: the name, or an empty span. */
static span standfirst_author(span s)
{
    static const char *const verbs[] = {" says ", " said ", " writes ", " argues ",
                                        " explains ", " warns ", " believes ", NULL};
    if (last_mark(s) != '.')
        return (span){NULL, 0};
    for (size_t i = 0; verbs[i]; i++) {
        size_t last = (size_t)-1;
        for (size_t from = 0, k; (k = ifind(after(s, from), verbs[i])) != (size_t)-1;
             from += k + 1)
            if (comma_ends((span){s.p, from + k}))
                last = from + k;
        if (last == (size_t)-1)
            continue;
        span rest = after(s, last + strlen(verbs[i]));
        if (ifind(rest, ". ") != (size_t)-1)
            continue; /* not the paragraph's last sentence */
        size_t end = ifind(rest, ",");
        span name = {rest.p, end != (size_t)-1 ? end : rest.n};
        while (name.n && strchr(".\"')", name.p[name.n - 1]))
            name.n--; /* the stop, and a closing quote after it */
        if (is_name(name, 1))
            return trim(name);
    }
    return (span){NULL, 0};
}

/* "Greg Day is VP and CTO ...": a closing bio's name, or an empty span. */
static span bio_author(span s)
{
    static const char *const roles[] = {
        "vp", "cto", "ceo", "ciso", "cso", "cio", "coo", "president", "director", "head",
        "manager", "analyst", "researcher", "editor", "writer", "journalist", "reporter",
        "correspondent", "columnist", "founder", "co-founder", "officer", "consultant",
        "engineer", "architect", "professor", "lecturer", "fellow", "lead", "principal",
        "partner", "author", "contributor", "specialist", "strategist", "evangelist",
        "expert", "advisor", "adviser", "chief", "scientist", "student", NULL};
    static const char *const intro[] = {"about the author", NULL};
    span r = after_prefix(s, intro);
    if (r.p)
        s = r;
    size_t is = ifind(s, " is ");
    if (s.n > BIO_BYTES || is == (size_t)-1 || is > 60)
        return (span){NULL, 0};
    span name = {s.p, is};
    if (!is_name(name, 1))
        return (span){NULL, 0};
    for (span rest = after(s, is + 4), w = next_word(&rest); w.n; w = next_word(&rest)) {
        while (w.n && strchr(",.;:()", w.p[w.n - 1]))
            w.n--;
        if (w.n && in_list(w, roles))
            return trim(name);
    }
    return (span){NULL, 0};
}

/* ---- putting it together -------------------------------------------------------- */

/* The start of the first sentence of s, at most TITLE_WORDS words, "…"
 * when cut: the title of an article whose page shows no headline. */
static int fallback_title(span s, quirei_buf *title)
{
    size_t words = 0, i = 0;
    int cut = 1;
    while (i < s.n) {
        while (i < s.n && is_sp((unsigned char)s.p[i]))
            i++;
        size_t w0 = i;
        while (i < s.n && !is_sp((unsigned char)s.p[i]))
            i++;
        if (i == w0)
            break;
        words++;
        char c = s.p[i - 1], before = i - w0 >= 2 ? s.p[i - 2] : 'A';
        /* "U.S." ends no sentence: the letter before the stop is lower case */
        if ((c == '.' || c == '?' || c == '!') && before >= 'a' && before <= 'z') {
            cut = 0;
            break;
        }
        if (words == TITLE_WORDS)
            break;
    }
    cut = cut && i < s.n;
    size_t n = i;
    while (cut && n && strchr(",;:-", s.p[n - 1]))
        n--;
    if (quirei_buf_add(title, s.p, n) < 0)
        return -1;
    return cut ? quirei_buf_adds(title, "\xe2\x80\xa6") : 0;
}

static int add_para(quirei_buf *b, span s)
{
    if (b->len && quirei_buf_add(b, "\n\n", 2) < 0)
        return -1;
    return quirei_buf_add(b, s.p, s.n);
}

/* Fill out from the paragraphs, the head's kinds and meta. */
static int assemble(const para_array *ps, const head_kind *kinds, size_t head_end,
                    const head_meta *m, qx_fields *out)
{
    int headline = pick_headline(kinds, head_end);
    for (size_t i = headline < 0 ? head_end : (size_t)headline + 1; i < head_end; i++)
        if (kinds[i] == H_PLAIN && add_para(&out->body, ps->v[i].s) < 0)
            return -1;
    size_t end = cut_tail(ps->v, head_end, ps->n);
    for (size_t i = head_end; i < end; i++)
        if (add_para(&out->body, ps->v[i].s) < 0)
            return -1;
    int rc = headline >= 0 ? quirei_buf_add(&out->title, ps->v[headline].s.p,
                                            ps->v[headline].s.n)
                           : fallback_title(ps->v[head_end].s, &out->title);
    span author = m->author;
    if (!author.n)
        author = standfirst_author(ps->v[head_end].s);
    if (!author.n)
        author = bio_author(ps->v[end - 1].s);
    if (rc < 0 || quirei_buf_add(&out->author, author.p, author.n) < 0 ||
        quirei_buf_adds(&out->date, m->date) < 0)
        return -1;
    return 0;
}

qx_scrape_result qx_scrape_read(const char *text, size_t len, qx_fields *out)
{
    para_array ps = {0};
    if (split_paragraphs(text, len, &ps) < 0) {
        para_array_release(&ps);
        return QX_SCRAPE_NOMEM;
    }
    head_kind kinds[HEAD_MAX + 1];
    head_meta m = {{NULL, 0}, ""};
    size_t head_end = 0;
    while (head_end < ps.n && head_end <= HEAD_MAX) {
        kinds[head_end] = classify_head(&ps.v[head_end], &m);
        if (kinds[head_end] == H_BODY)
            break;
        head_end++;
    }
    /* Only a head of 1 to HEAD_MAX lines followed by body text is a page's
     * head (see the top). */
    qx_scrape_result r = QX_SCRAPE_PLAIN;
    if (head_end > 0 && head_end <= HEAD_MAX && head_end < ps.n && kinds[head_end] == H_BODY)
        r = assemble(&ps, kinds, head_end, &m, out) < 0 ? QX_SCRAPE_NOMEM : QX_SCRAPE_DONE;
    para_array_release(&ps);
    return r;
}
