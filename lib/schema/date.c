/* date.c - reading and normalizing dates; see date.h. */
#include "schema/date.h"

#include <quire/quire.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *const month_names[12] = {"january", "february", "march",     "april",
                                            "may",     "june",     "july",      "august",
                                            "september", "october", "november", "december"};

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static int days_in_month(int y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : days[m - 1];
}

/* Exactly `count` digits at s[*i] into *v (and past them). */
static int take_digits(const char *s, size_t n, size_t *i, int count, int *v)
{
    int r = 0;
    for (int k = 0; k < count; k++, (*i)++) {
        if (*i >= n || !is_digit(s[*i]))
            return -1;
        r = r * 10 + (s[*i] - '0');
    }
    *v = r;
    return 0;
}

static size_t fail(char *why, size_t whylen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Why a date was refused, into why[0..whylen). Returns 0 (no date). */
static size_t fail(char *why, size_t whylen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (whylen)
        vsnprintf(why, whylen, fmt, ap);
    va_end(ap);
    return 0;
}

/* Check year y, month m (-1: none), day d (-1: none) against the
 * calendar and write the date at its precision. */
static size_t put_date(int y, int m, int d, char out[11], char *why, size_t whylen)
{
    if (y == 0)
        return fail(why, whylen, "year 0000");
    if (m >= 0 && (m < 1 || m > 12))
        return fail(why, whylen, "month %02d is not 01-12", m);
    if (m < 0 && d >= 0)
        return fail(why, whylen, "a day without a month");
    if (d >= 0 && (d < 1 || d > days_in_month(y, m)))
        return fail(why, whylen, "day %02d: %c%s %04d has %d days", d,
                    month_names[m - 1][0] - 'a' + 'A', month_names[m - 1] + 1, y,
                    days_in_month(y, m));
    if (d >= 0)
        return (size_t)snprintf(out, 11, "%04d-%02d-%02d", y, m, d);
    if (m >= 0)
        return (size_t)snprintf(out, 11, "%04d-%02d", y, m);
    return (size_t)snprintf(out, 11, "%04d", y);
}

/* After a date-time's date at s[i]: [T|t|space] hh:mm[:ss[.frac]] and an
 * optional zone (Z, +hh[:mm], -hhmm, UTC, GMT), then the end. */
static int check_time(const char *s, size_t n, size_t i, char *why, size_t whylen)
{
    int h, mi, sec = 0;
    if (s[i] != 'T' && s[i] != 't' && s[i] != ' ')
        return -1;
    i++;
    if (take_digits(s, n, &i, 2, &h) < 0 || i >= n || s[i++] != ':' ||
        take_digits(s, n, &i, 2, &mi) < 0)
        return -1;
    if (i < n && s[i] == ':') {
        i++;
        if (take_digits(s, n, &i, 2, &sec) < 0)
            return -1;
        if (i < n && (s[i] == '.' || s[i] == ','))
            for (i++; i < n && is_digit(s[i]); i++)
                ;
    }
    if (h > 23 || mi > 59 || sec > 60) {
        fail(why, whylen, "time %02d:%02d is not a time of day", h, mi);
        return -2;
    }
    while (i < n && s[i] == ' ')
        i++;
    if (i < n && (s[i] == 'Z' || s[i] == 'z'))
        i++;
    else if (i < n && (s[i] == '+' || s[i] == '-')) {
        int zh, zm = 0;
        i++;
        if (take_digits(s, n, &i, 2, &zh) < 0)
            return -1;
        if (i < n && s[i] == ':')
            i++;
        if (i < n && take_digits(s, n, &i, 2, &zm) < 0)
            return -1;
        if (zh > 23 || zm > 59)
            return -1;
    } else if (n - i == 3 && (strncmp(s + i, "UTC", 3) == 0 || strncmp(s + i, "GMT", 3) == 0))
        i += 3;
    return i == n ? 0 : -1;
}

/* YYYY, YYYY-MM, YYYY-MM-DD (lenient: also with / between the parts, and
 * followed by a time). -1: not of this form. */
static long iso_date(const char *s, size_t n, int strict, char out[11], char *why,
                     size_t whylen)
{
    size_t i = 0;
    int y, m = -1, d = -1;
    if (take_digits(s, n, &i, 4, &y) < 0)
        return -1;
    char sep = i < n ? s[i] : '\0';
    if (sep == '-' || (!strict && sep == '/')) {
        i++;
        if (take_digits(s, n, &i, 2, &m) < 0)
            return -1;
        if (i < n && s[i] == sep) {
            i++;
            if (take_digits(s, n, &i, 2, &d) < 0)
                return -1;
        }
    }
    if (i < n) {
        int t = strict || d < 0 ? -1 : check_time(s, n, i, why, whylen);
        if (t == -2)
            return 0;
        if (t < 0)
            return -1;
    }
    return (long)put_date(y, m, d, out, why, whylen);
}

/* The month a word names (1-12: a full name, its first three letters, or
 * "sept"; a final '.' allowed), or 0. */
static int month_of(const char *w, size_t n)
{
    if (n && w[n - 1] == '.')
        n--;
    for (int m = 0; m < 12; m++) {
        size_t full = strlen(month_names[m]);
        int ok = n == full || n == 3 || (m == 8 && n == 4);
        for (size_t k = 0; ok && k < n; k++)
            ok = lower(w[k]) == month_names[m][k];
        if (ok)
            return m + 1;
    }
    return 0;
}

static int is_word(const char *w, size_t n, const char *const *list)
{
    for (; *list; list++) {
        size_t k = 0;
        while (k < n && lower(w[k]) == (*list)[k])
            k++;
        if (k == n && (*list)[k] == '\0')
            return 1;
    }
    return 0;
}

/* Does s[0..n) hold one of the words of list (whole, any case)? */
static int has_word(const char *s, size_t n, const char *const *list)
{
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && is_alpha(s[j]))
            j++;
        if (j > i && is_word(s + i, j - i, list))
            return 1;
        i = j > i ? j : i + 1;
    }
    return 0;
}

/* Month names with a day and a year, as in "May 4, 2016", "4 May 2016",
 * "Wed, 04 May 2016 10:00:00 GMT" (RFC 2822), "May 2016". Weekdays are
 * skipped; a time and whatever follows it (a zone) end the date. */
static size_t words_date(const char *s, size_t n, char out[11], char *why, size_t whylen)
{
    static const char *const weekdays[] = {
        "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun",
        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", NULL};
    static const char *const relative[] = {"yesterday", "today", "tomorrow", "now", "ago",
                                           "last", "next", NULL};
    static const char *const ordinal[] = {"st", "nd", "rd", "th", NULL};
    int y = -1, m = -1, d = -1;
    if (has_word(s, n, relative))
        return fail(why, whylen, "a relative date, not a calendar date");
    for (size_t i = 0; i < n;) {
        if (s[i] == ' ' || s[i] == ',' || s[i] == '.') {
            i++;
            continue;
        }
        size_t j = i;
        if (is_alpha(s[i])) {
            while (j < n && (is_alpha(s[j]) || s[j] == '.'))
                j++;
            int mm = month_of(s + i, j - i);
            if ((mm && m > 0) || (!mm && !is_word(s + i, j - i, weekdays)))
                return fail(why, whylen, "not a date");
            m = mm ? mm : m;
        } else if (is_digit(s[i])) {
            int v = 0;
            while (j < n && is_digit(s[j]) && v < 100000)
                v = v * 10 + (s[j++] - '0');
            if (j < n && s[j] == ':')
                break; /* a time: the date is complete */
            size_t digits = j - i;
            size_t k = j;
            while (k < n && is_alpha(s[k]))
                k++;
            if (k > j && !(digits <= 2 && is_word(s + j, k - j, ordinal)))
                return fail(why, whylen, "not a date");
            j = k;
            if (digits == 4 && y < 0)
                y = v;
            else if (digits <= 2 && d < 0)
                d = v;
            else
                return fail(why, whylen, "not a date");
        } else {
            return fail(why, whylen, "not a date");
        }
        i = j;
    }
    if (m < 0 || y < 0)
        return fail(why, whylen, "%s", m > 0 ? "no year" : "not a date");
    return put_date(y, m, d, out, why, whylen);
}

/* D/M/YYYY or M/D/YYYY (or with . or -): which is meant depends on where
 * it was written, so it is refused rather than guessed. */
static int day_month_year(const char *s, size_t n)
{
    size_t i = 0, parts = 0;
    while (parts < 3) {
        size_t start = i;
        while (i < n && is_digit(s[i]))
            i++;
        size_t len = i - start;
        if (len == 0 || (parts < 2 ? len > 2 : len != 4))
            return 0;
        parts++;
        if (parts < 3 && (i >= n || (s[i] != '/' && s[i] != '.' && s[i] != '-')))
            return 0;
        i += parts < 3;
    }
    return i == n;
}

size_t quirei_date_parse(const char *s, size_t n, int strict, char out[11], char *why,
                         size_t whylen)
{
    if (whylen)
        why[0] = '\0';
    if (!strict) {
        while (n && (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r'))
            s++, n--;
        while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r'))
            n--;
    }
    if (n == 0)
        return fail(why, whylen, "empty");
    long r = iso_date(s, n, strict, out, why, whylen);
    if (r >= 0)
        return (size_t)r;
    if (strict)
        return fail(why, whylen, "not YYYY, YYYY-MM or YYYY-MM-DD");
    if (day_month_year(s, n))
        return fail(why, whylen, "day and month order is ambiguous (write YYYY-MM-DD)");
    return words_date(s, n, out, why, whylen);
}

int quirei_date_after(const char *from, const char *to)
{
    size_t a = strlen(from), b = strlen(to);
    return strncmp(from, to, a < b ? a : b) > 0;
}

quire_status_t quire_date_normalize(const char *date, char out[QUIRE_DATE_MAX], char *why,
                                    size_t whylen)
{
    if (!date || !out) {
        if (why && whylen)
            snprintf(why, whylen, "no date");
        return QUIRE_EINVAL;
    }
    char tmp[64];
    size_t r = quirei_date_parse(date, strlen(date), 0, out, why ? why : tmp,
                                 why ? whylen : sizeof tmp);
    if (r == 0)
        out[0] = '\0';
    return r ? QUIRE_OK : QUIRE_EINVAL;
}
