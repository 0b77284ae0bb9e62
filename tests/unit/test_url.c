/* Storage URLs in messages: passwords taken out, user info read up to its last '@'. */
#include "testutil.h"
#include "util/url.h"

#include <stdlib.h>
#include <string.h>

/* knobx_redact_url(url) is want. */
static void redacted(const char *url, const char *want)
{
    char *r = knobx_redact_url(url);
    assert_string_equal(r, want);
    free(r);
}

/* A password with an unescaped '/' or '@' is user info still, up to the last '@' before the
 * query: taken out of the URL whole, and said (libpq read it as the port or the host, and
 * quoted it). */
static void userinfo_to_its_last_at(void **state)
{
    (void)state;
    redacted("postgresql://knob:Secret/PW@127.0.0.1:5432/knob",
             "postgresql://knob@127.0.0.1:5432/knob");
    redacted("postgresql://knob:p@ssw0rd@127.0.0.1/knob?options=-c%20a@b",
             "postgresql://knob@127.0.0.1/knob?options=-c%20a@b");
    assert_int_equal(knobx_url_userinfo_unescaped("postgresql://knob:Secret/PW@h/knob"), '/');
    assert_int_equal(knobx_url_userinfo_unescaped("postgresql://knob:p@ss@h/knob"), '@');
    assert_int_equal(knobx_url_userinfo_unescaped("postgresql://knob:p%40ss%2F@h/knob"), 0);
    assert_int_equal(knobx_url_userinfo_unescaped("postgresql://h/knob?sslrootcert=/a@b"), 0);
    assert_int_equal(knobx_url_userinfo_unescaped("postgresql://knob@h:1/knob"), 0);
    assert_int_equal(knobx_url_userinfo_unescaped("sqlite:///x.db"), 0);
    char msg[200] = "could not connect: invalid value 'postgresql://knob:Secret/PW@h' here";
    knobx_redact_secret(msg, sizeof msg, "postgresql://knob:Secret/PW@h/knob");
    assert_null(strstr(msg, "Secret"));
    /* a '?' or '#' in a password is user info too (libpq reads it so) */
    redacted("postgresql://knob:s3cr?etpw@127.0.0.1/knob", "postgresql://knob@127.0.0.1/knob");
    redacted("postgresql://knob:s3cr#etpw@127.0.0.1/knob?x=1",
             "postgresql://knob@127.0.0.1/knob?x=1");
    /* refused (libpq took it, and knob's own connect_timeout after its '?' spoilt the URL) */
    assert_int_equal(knobx_url_userinfo_unescaped("postgresql://knob:s3cr?etpw@h/knob"), '?');
    assert_int_equal(knobx_url_userinfo_unescaped("postgresql://knob:s3cr#etpw@h/knob"), '#');
    /* a '/' in a password without a database after the host */
    redacted("postgresql://knob:Se/cret@127.0.0.1", "postgresql://knob@127.0.0.1");
    /* an '@' in a database name is not refused (a port before it: it may be the database's,
     * which a message then shows cut, as a password it may be too), nor in a SQLite path */
    assert_int_equal(knobx_url_userinfo_unescaped("postgresql://127.0.0.1:54391/kn@b"), 0);
    assert_int_equal(knobx_url_userinfo_unescaped("postgresql://h/kn@b"), 0);
    assert_int_equal(knobx_url_userinfo_unescaped("postgresql://[::1]/kn@b"), 0);
    assert_int_equal(knobx_url_userinfo_unescaped("postgresql://[::1]:5432/kn@b"), 0);
    redacted("postgresql://[::1]:5432/kn@b", "postgresql://[::1]:5432/kn@b");
    /* an '@' in the query, with or without a database */
    assert_int_equal(
        knobx_url_userinfo_unescaped("postgresql://knob:pw@host?application_name=me@work"), 0);
    assert_int_equal(knobx_url_userinfo_unescaped("postgresql://host?application_name=me@work"), 0);
    redacted("postgresql://knob:pw@host?application_name=me@work",
             "postgresql://knob@host?application_name=me@work");
    /* a password of digits before an unescaped '/': hidden, though not refused (it reads as a
     * port before a database's '@') */
    char *r = knobx_redact_url("postgresql://knob:1234/5678@127.0.0.1");
    assert_null(strstr(r, "1234"));
    assert_null(strstr(r, "5678"));
    free(r);
    redacted("sqlite:///tmp/a:b@c.db", "sqlite:///tmp/a:b@c.db");
    /* as before: user info without a password, and a URL without user info */
    redacted("postgresql://knob:pw@h/db", "postgresql://knob@h/db");
    redacted("postgresql://h/db?password=pw&x=1", "postgresql://h/db?password=**&x=1");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(userinfo_to_its_last_at),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
