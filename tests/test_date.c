/*
 * test_date.c - the one date reader (lib/schema/date.c, quire_date_normalize
 * in quire.h): the forms it reads, the calendar it checks, the reasons it
 * gives; and that the writer and the reader apply it.
 */
#include <criterion/criterion.h>
#include <quire/quire.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schema/date.h"
#include "schema/record.h"
#include "schema/schema.h"
#include "strbuf.h"

/* The normalized form of `in`, or "!" + the reason. */
static const char *norm(const char *in)
{
    static char buf[160];
    char out[QUIRE_DATE_MAX], why[128];
    if (quire_date_normalize(in, out, why, sizeof why) == QUIRE_OK)
        snprintf(buf, sizeof buf, "%s", out);
    else
        snprintf(buf, sizeof buf, "!%s", why);
    return buf;
}

Test(date, iso_forms_keep_their_precision)
{
    cr_expect_str_eq(norm("2016"), "2016");
    cr_expect_str_eq(norm("2016-05"), "2016-05");
    cr_expect_str_eq(norm("2016-05-04"), "2016-05-04");
    cr_expect_str_eq(norm("  2016-05-04\n"), "2016-05-04");
    cr_expect_str_eq(norm("2016/05/04"), "2016-05-04");
}

Test(date, date_times_keep_the_date_as_written)
{
    cr_expect_str_eq(norm("2024-07-19T16:00:00Z"), "2024-07-19");
    cr_expect_str_eq(norm("2016-05-04t10:00"), "2016-05-04");
    cr_expect_str_eq(norm("2016-05-04 10:00:00.123+02:00"), "2016-05-04");
    /* Not converted to UTC: the day the article says. */
    cr_expect_str_eq(norm("2016-05-04T23:30:00-0500"), "2016-05-04");
    cr_expect_str_eq(norm("2016-05-04T10:00:00 UTC"), "2016-05-04");
    cr_expect_str_eq(norm("2016-05-04T25:00:00Z"), "!time 25:00 is not a time of day");
    cr_expect_str_eq(norm("2016-05-04T10:00:00Q"), "!not a date");
}

Test(date, month_names)
{
    cr_expect_str_eq(norm("May 4, 2016"), "2016-05-04");
    cr_expect_str_eq(norm("4 May 2016"), "2016-05-04");
    cr_expect_str_eq(norm("May 4th, 2016"), "2016-05-04");
    cr_expect_str_eq(norm("Wed, 04 May 2016 10:00:00 GMT"), "2016-05-04");
    cr_expect_str_eq(norm("Sept. 30, 2015"), "2015-09-30");
    cr_expect_str_eq(norm("DECEMBER 2016"), "2016-12");
    cr_expect_str_eq(norm("Feb 29, 2015"), "!day 29: February 2015 has 28 days");
    cr_expect_str_eq(norm("May 4"), "!no year");
    cr_expect_str_eq(norm("Mayday 2016"), "!not a date");
}

Test(date, calendar_is_checked)
{
    cr_expect_str_eq(norm("2016-02-29"), "2016-02-29");
    cr_expect_str_eq(norm("2000-02-29"), "2000-02-29");
    cr_expect_str_eq(norm("2016-02-30"), "!day 30: February 2016 has 29 days");
    cr_expect_str_eq(norm("1900-02-29"), "!day 29: February 1900 has 28 days");
    cr_expect_str_eq(norm("2016-04-31"), "!day 31: April 2016 has 30 days");
    cr_expect_str_eq(norm("2017-13"), "!month 13 is not 01-12");
    cr_expect_str_eq(norm("2017-00-10"), "!month 00 is not 01-12");
    cr_expect_str_eq(norm("2017-01-00"), "!day 00: January 2017 has 31 days");
    cr_expect_str_eq(norm("0000"), "!year 0000");
}

Test(date, guesses_are_refused)
{
    cr_expect_str_eq(norm("04/05/2016"), "!day and month order is ambiguous (write YYYY-MM-DD)");
    cr_expect_str_eq(norm("4.5.2016"), "!day and month order is ambiguous (write YYYY-MM-DD)");
    cr_expect_str_eq(norm("yesterday"), "!a relative date, not a calendar date");
    cr_expect_str_eq(norm("2 days ago"), "!a relative date, not a calendar date");
    cr_expect_str_eq(norm("16-05-04"), "!not a date");
    cr_expect_str_eq(norm("20160504"), "!not a date");
    cr_expect_str_eq(norm(""), "!empty");
    cr_expect_str_eq(norm("2016-5-4"), "!not a date");
    char out[QUIRE_DATE_MAX];
    cr_expect_eq(quire_date_normalize(NULL, out, NULL, 0), QUIRE_EINVAL);
    cr_expect_eq(quire_date_normalize("soon", out, NULL, 0), QUIRE_EINVAL);
    cr_expect_str_eq(out, "");
}

Test(date, strict_form_for_queries_and_options)
{
    char out[11], why[96];
    cr_expect_eq(quirei_date_parse("2016-06", 7, 1, out, why, sizeof why), 7);
    cr_expect_eq(quirei_date_parse("May 2016", 8, 1, out, why, sizeof why), 0);
    cr_expect_str_eq(why, "not YYYY, YYYY-MM or YYYY-MM-DD");
    cr_expect_eq(quirei_date_parse("2016-06-01T10:00", 16, 1, out, why, sizeof why), 0);
    cr_expect_eq(quirei_date_parse(" 2016", 5, 1, out, why, sizeof why), 0);
    cr_expect_eq(quirei_date_parse("2016-02-30", 10, 1, out, why, sizeof why), 0);
    cr_expect_str_eq(why, "day 30: February 2016 has 29 days");
}

Test(date, ranges_compare_periods)
{
    cr_expect(quirei_date_after("2018", "2017"));
    cr_expect(quirei_date_after("2017-06-02", "2017-06-01"));
    cr_expect_not(quirei_date_after("2017-05", "2017"));
    cr_expect_not(quirei_date_after("2017", "2017-05"));
    cr_expect_not(quirei_date_after("2016", "2017-01-01"));
}

Test(date, index_key_reads_any_form)
{
    char k[11];
    cr_expect_eq(quirei_date_key("June 30, 2016", k), 10);
    cr_expect_str_eq(k, "2016-06-30");
    cr_expect_eq(quirei_date_key("yesterday", k), 0);
    cr_expect_eq(quirei_date_key(NULL, k), 0);
}

/* Indexes made before dates were checked may hold any text: the stored
 * record is read back with its date normalized, or none. */
static const char *stored_date(const char *date)
{
    static char out[16];
    const char *f[QUIRE_FIELD_COUNT] = {[QUIRE_FIELD_ID] = "x", [QUIRE_FIELD_DATE] = date,
                                        [QUIRE_FIELD_BODY] = "body"};
    size_t n[QUIRE_FIELD_COUNT];
    for (int i = 0; i < QUIRE_FIELD_COUNT; i++)
        n[i] = f[i] ? strlen(f[i]) : 0;
    quirei_buf rec = QUIREI_BUF_INIT;
    quire_stored_doc_t *d = NULL;
    cr_assert_eq(quirei_record_encode(&rec, f, n), 0);
    cr_assert_eq(quirei_record_decode(rec.ptr, rec.len, &d), QUIRE_OK);
    snprintf(out, sizeof out, "%s", d->doc.date ? d->doc.date : "null");
    cr_expect_str_eq(d->doc.body, "body");
    quire_stored_doc_free(d);
    quirei_buf_release(&rec);
    return out;
}

Test(date, stored_dates_are_read_normalized)
{
    cr_expect_str_eq(stored_date("yesterday"), "null");
    cr_expect_str_eq(stored_date("2016-05-04T10:00:00Z"), "2016-05-04");
    cr_expect_str_eq(stored_date("May 4, 2016"), "2016-05-04");
    cr_expect_str_eq(stored_date("May4,2016"), "2016-05-04"); /* longer than it was stored */
    cr_expect_str_eq(stored_date(NULL), "null");
}
