/*
 * test_gzip_encode.c - quire-serve's gzip bodies (server/gzip_encode.c):
 * the stream round-trips through zlib, and Accept-Encoding is read as
 * RFC 9110 says (codings, q=0 refusals, "*").
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "gzip_encode.h"

Test(gzip_encode, round_trips)
{
    char in[20000];
    for (size_t i = 0; i < sizeof in; i++)
        in[i] = "{\"hits\":[\"ransomware\",\"espionage\"]} "[i % 37];
    char *gz = NULL;
    size_t n = 0;
    cr_assert_eq(gzip_encode(in, sizeof in, &gz, &n), 0);
    cr_expect_lt(n, sizeof in / 4, "repetitive text compresses");
    cr_expect(gz[0] == '\x1f' && gz[1] == (char)0x8b, "a gzip header");
    char out[sizeof in + 16];
    z_stream z;
    memset(&z, 0, sizeof z);
    cr_assert_eq(inflateInit2(&z, 15 + 16), Z_OK);
    z.next_in = (Bytef *)gz;
    z.avail_in = (uInt)n;
    z.next_out = (Bytef *)out;
    z.avail_out = sizeof out;
    cr_expect_eq(inflate(&z, Z_FINISH), Z_STREAM_END);
    cr_expect_eq(z.total_out, sizeof in);
    cr_expect_eq(memcmp(out, in, sizeof in), 0);
    inflateEnd(&z);
    free(gz);
    /* The empty body too. */
    cr_assert_eq(gzip_encode("", 0, &gz, &n), 0);
    cr_expect_gt(n, 10);
    free(gz);
}

Test(gzip_encode, accept_encoding)
{
    cr_expect(accepts_gzip("gzip"));
    cr_expect(accepts_gzip("gzip, deflate, br"));
    cr_expect(accepts_gzip("br;q=1.0, GZIP;q=0.5"));
    cr_expect(accepts_gzip("*"));
    cr_expect(accepts_gzip("identity, *;q=0.1"));
    cr_expect(!accepts_gzip(NULL));
    cr_expect(!accepts_gzip(""));
    cr_expect(!accepts_gzip("identity"));
    cr_expect(!accepts_gzip("deflate, br"));
    cr_expect(!accepts_gzip("gzip;q=0"));
    cr_expect(!accepts_gzip("gzip;q=0.0, identity"));
    cr_expect(!accepts_gzip("*;q=0"));
    cr_expect(!accepts_gzip("x-gzip-ish"), "a coding is a whole token");
    cr_expect(!accepts_gzip("gzip;q=0, *"), "an explicit refusal beats *");
}
