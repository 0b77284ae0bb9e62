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

/* url is refused as ambiguous, and neither its redacted form nor a message that quotes the
 * URL redacted (knobx_redact_secret) holds any of the password's pieces. */
static void ambiguous(const char *url, const char *want, const char *const *pieces)
{
    assert_true(knobx_url_at_ambiguous(url));
    assert_int_not_equal(knobx_url_userinfo_unescaped(url), 0);
    char *r = knobx_redact_url(url);
    if (strcmp(r, want))
        fail_msg("%s: redacted '%s', not '%s'", url, r, want);
    char msg[512];
    snprintf(msg, sizeof msg, "cannot connect to '%s': \"%s\"", r, url);
    knobx_redact_secret(msg, sizeof msg, url);
    for (const char *const *p = pieces; *p; p++)
        if (strstr(r, *p) || strstr(msg, *p))
            fail_msg("%s: '%s' or '%s' shows '%s'", url, r, msg, *p);
    free(r);
}

/* A password with an unescaped '@' and then a '/', '?' or '#' (or a '/' and then an '@'):
 * the part after its first '@' read as the host was not refused, and was shown ("cd/ef",
 * "34/56"), and the connection went to a host named by the password. With more than one '@'
 * and one after a '/', '?' or '#', where the password ends cannot be told: refused, and
 * hidden up to the last '@'. */
static void more_than_one_at_is_refused(void **state)
{
    (void)state;
    const char *const p1[] = {"ab", "cd", "ef", NULL}, *const p2[] = {"12@", "34", "56", NULL},
                      *const p3[] = {"ss", "w/o", "rd", NULL};
    ambiguous("postgresql://odd:ab@cd/ef@127.0.0.1:54381/oddb",
              "postgresql://odd@127.0.0.1:54381/oddb", p1);
    ambiguous("postgresql://odd:12@34/56@127.0.0.1:54381/oddb",
              "postgresql://odd@127.0.0.1:54381/oddb", p2);
    ambiguous("postgresql://odd:p@ss:w/o%rd#?x@127.0.0.1:54381/oddb",
              "postgresql://odd@127.0.0.1:54381/oddb", p3);
    ambiguous("postgresql://odd:ab@cd?ef@127.0.0.1/oddb", "postgresql://odd@127.0.0.1/oddb", p1);
    ambiguous("postgresql://odd:ab@cd#ef@127.0.0.1/oddb", "postgresql://odd@127.0.0.1/oddb", p1);
    /* a '/' before the password's own '@': "ef" was shown */
    ambiguous("postgresql://odd:ab/cd@ef@127.0.0.1:54381/oddb",
              "postgresql://odd@127.0.0.1:54381/oddb", p1);
    /* an '@' of a database after user info: the same text as a password's */
    ambiguous("postgresql://knob:pw@h/kn@b", "postgresql://knob@b",
              (const char *const[]){"pw", NULL});
    /* one '@': told apart, as before */
    assert_false(knobx_url_at_ambiguous("postgresql://knob:pw@h/knob"));
    assert_false(knobx_url_at_ambiguous("postgresql://127.0.0.1:54391/kn@b"));
    assert_false(knobx_url_at_ambiguous("postgresql://h/kn@b"));
    assert_false(knobx_url_at_ambiguous("postgresql://knob:Secret/PW@h/knob"));
    assert_false(knobx_url_at_ambiguous("postgresql://knob:p%40ss%2F@h/knob"));
    assert_false(knobx_url_at_ambiguous("sqlite:///a@b/c@d.db"));
    /* an '@' in a query's value is the query's */
    assert_false(knobx_url_at_ambiguous("postgresql://knob:pw@host?application_name=me@work"));
    assert_false(knobx_url_at_ambiguous("postgresql://knob:pw@h/db?sslmode=require&"
                                        "application_name=me@work"));
    assert_false(knobx_url_at_ambiguous("postgresql://knob:p@ss@h/db?options=-c%20a@b"));
    assert_false(knobx_url_at_ambiguous("postgresql://u@h/db?password=a@b"));
    assert_false(knobx_url_at_ambiguous("postgresql://host:5432/db?application_name=me@work"));
    redacted("postgresql://host:5432/db?application_name=me@work",
             "postgresql://host@work"); /* "5432/db?..." may be a password: hidden, as before */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(userinfo_to_its_last_at),
        cmocka_unit_test(more_than_one_at_is_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
