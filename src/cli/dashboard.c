/* knob dashboard: a live web view of a storage's studies, served by libmicrohttpd (Debian's
 * libmicrohttpd-dev: a small, mature HTTP/1.1 server library in C with its own polling
 * thread). Every request runs on that one thread, which alone uses the storage handle;
 * the main thread waits for SIGINT or SIGTERM. The page is the report's, fed by the JSON
 * API of dashboard_api.c. */
#include "cli/cli.h"
#include "cli/dashboard.h"
#include "cli/web.h"
#include "util/url.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <errno.h>
#include <microhttpd.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_BODY 65536
#define CONNECTIONS 512 /* served at once; more wait to be accepted (docs/cli.md) */
#define IDLE_S 10       /* a connection idle this long is closed */

static const char *usage_text =
    "knob dashboard [--storage URL] [--host 127.0.0.1] [--port 8080] [--token T] [--allow-write]\n"
    "               [--trial-dir DIR]\n"
    "  serves a live web view of the storage's studies: the report's plots and table,\n"
    "  updated as workers finish trials, the sweep file, each trial's stdout/stderr.\n"
    "  --host      the address to listen on (default 127.0.0.1: this machine only)\n"
    "  --port      the TCP port (default 8080; 0 picks a free one, printed at start)\n"
    "  --token T   every request must carry it (?token=T once in the page's URL, or the\n"
    "              header Authorization: Bearer T)\n"
    "  --allow-write  lets the page write: notes, finish a trial by hand, enqueue a trial\n"
    "  --trial-dir DIR  the runs' trial_dir: a trial's stdout/stderr are shown only from\n"
    "              DIR/<study>/ (default: the study's sweep's trial_dir, else knob-runs,\n"
    "              relative to the current directory), whatever the trial recorded";

/* A request's body, gathered over the calls libmicrohttpd makes while it arrives. */
typedef struct upload {
    knobx_buf body;
    bool too_big;
} upload;

static const char *query_arg(void *conn, const char *key)
{
    return MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, key);
}

/* A query argument's name or value holding a NUL (%00): a C string would end there, so
 * that ?name=a%00b named study "a". */
static enum MHD_Result nul_in_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                                  size_t key_size, const char *value, size_t value_size)
{
    (void)kind;
    if (strlen(key) != key_size || (value && strlen(value) != value_size)) {
        *(bool *)cls = true;
        return MHD_NO;
    }
    return MHD_YES;
}

static enum MHD_Result reply(struct MHD_Connection *c, unsigned status, const char *type,
                             const char *data, size_t len)
{
    struct MHD_Response *r =
        MHD_create_response_from_buffer(len, (void *)data, MHD_RESPMEM_MUST_COPY);
    if (!r)
        return MHD_NO;
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
    MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
    enum MHD_Result rc = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return rc;
}

static enum MHD_Result not_found(struct MHD_Connection *c, const char *url)
{
    knobx_buf b = {0};
    knobx_buf_puts(&b, "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>404: not "
                       "found</title></head><body><h1>404: not found</h1><p>knob dashboard has "
                       "no page ");
    for (const char *p = url; *p && p - url < 300; p++) {
        if (*p == '<' || *p == '>' || *p == '&' || *p == '"')
            knobx_buf_printf(&b, "&#%d;", *p);
        else
            knobx_buf_add(&b, p, 1);
    }
    knobx_buf_puts(&b, ".</p><p><a href=\"/\">the studies</a></p></body></html>");
    enum MHD_Result rc =
        reply(c, MHD_HTTP_NOT_FOUND, "text/html; charset=utf-8", knobx_buf_cstr(&b), b.len);
    knobx_buf_free(&b);
    return rc;
}

/* Compares in time independent of where the texts differ. */
static bool same_secret(const char *a, const char *b)
{
    size_t na = strlen(a), nb = strlen(b);
    unsigned char diff = (unsigned char)(na != nb);
    for (size_t i = 0; i < na; i++)
        diff |= (unsigned char)(a[i] ^ b[i % (nb ? nb : 1)]);
    return diff == 0;
}

static bool authorized(const dash *d, struct MHD_Connection *c)
{
    if (!d->token)
        return true;
    const char *q = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "token");
    const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
    if (q && same_secret(q, d->token))
        return true;
    return h && !strncmp(h, "Bearer ", 7) && same_secret(h + 7, d->token);
}

/* A Host header naming this machine: the --host given (the name the printed URL has, a
 * hostname that /etc/hosts maps to 127.0.1.1, say), localhost, 127.x.y.z or an IPv6
 * loopback in brackets, with any port. A request without one (HTTP/1.0) passes: a
 * browser always sends it. */
static bool host_is_local(const dash *d, struct MHD_Connection *c)
{
    const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST);
    if (!h)
        return true;
    char name[256];
    size_t n;
    if (h[0] == '[') { /* [::1]:8080 */
        const char *close = strchr(h, ']');
        if (!close || (close[1] && close[1] != ':'))
            return false;
        n = (size_t)(close - h - 1);
        h++;
    } else {
        const char *colon = strrchr(h, ':');
        n = colon ? (size_t)(colon - h) : strlen(h);
    }
    if (n == 0 || n >= sizeof name)
        return false;
    memcpy(name, h, n);
    name[n] = 0;
    if (n > 1 && name[n - 1] == '.') /* localhost. */
        name[--n] = 0;
    if (!strcasecmp(name, "localhost") || (d->host && !strcasecmp(name, d->host)))
        return true;
    struct in_addr v4;
    struct in6_addr v6;
    if (inet_pton(AF_INET, name, &v4) == 1)
        return (ntohl(v4.s_addr) >> 24) == 127;
    return inet_pton(AF_INET6, name, &v6) == 1 && IN6_IS_ADDR_LOOPBACK(&v6);
}

/* A write's body is JSON, said by its Content-Type: a page of another site can send a
 * form or text/plain to this address without asking, but not application/json. */
static bool json_body(struct MHD_Connection *c)
{
    const char *t = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
    return t && !strncasecmp(t, "application/json", 16) &&
           (t[16] == 0 || t[16] == ';' || t[16] == ' ');
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version, const char *data,
                              size_t *data_size, void **state)
{
    dash *d = cls;
    bool post = !strcmp(method, MHD_HTTP_METHOD_POST);
    if (post && !*state) { /* the first call: the headers only */
        upload *u = calloc(1, sizeof *u);
        *state = u;
        return u ? MHD_YES : MHD_NO;
    }
    if (post && *data_size) {
        upload *u = *state;
        if (u->body.len + *data_size > MAX_BODY)
            u->too_big = true;
        else
            knobx_buf_add(&u->body, data, *data_size);
        *data_size = 0;
        return MHD_YES;
    }
    const char *json = "application/json; charset=utf-8";
    if (!post && strcmp(method, MHD_HTTP_METHOD_GET) && strcmp(method, MHD_HTTP_METHOD_HEAD)) {
        static const char msg[] = "{\"error\":\"GET or POST only\"}";
        return reply(c, MHD_HTTP_METHOD_NOT_ALLOWED, json, msg, sizeof msg - 1);
    }
    if (d->local && !host_is_local(d, c)) {
        static const char msg[] =
            "{\"error\":\"this dashboard listens on a loopback address and answers requests "
            "for localhost, 127.x.y.z or [::1] only (the Host header names another machine)\"}";
        return reply(c, MHD_HTTP_FORBIDDEN, json, msg, sizeof msg - 1);
    }
    if (!authorized(d, c)) {
        static const char msg[] = "{\"error\":\"a token is needed: open the page with ?token=T\"}";
        return reply(c, MHD_HTTP_UNAUTHORIZED, json, msg, sizeof msg - 1);
    }
    if (post && !strncmp(url, "/api/", 5) && !json_body(c)) {
        static const char msg[] =
            "{\"error\":\"a POST's body is JSON, sent with Content-Type: application/json\"}";
        return reply(c, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE, json, msg, sizeof msg - 1);
    }
    if (!strncmp(url, "/api/", 5)) {
        upload *u = *state;
        if (u && (u->too_big || u->body.oom)) {
            static const char msg[] = "{\"error\":\"the body is too large (64 KiB at most)\"}";
            return reply(c, MHD_HTTP_CONTENT_TOO_LARGE, json, msg, sizeof msg - 1);
        }
        bool nul = false;
        MHD_get_connection_values_n(c, MHD_GET_ARGUMENT_KIND, nul_in_arg, &nul);
        if (nul) {
            static const char msg[] = "{\"error\":\"a query argument holds a NUL (%00)\"}";
            return reply(c, MHD_HTTP_BAD_REQUEST, json, msg, sizeof msg - 1);
        }
        dash_req r = {url, post, query_arg, c, u ? u->body.data : NULL, u ? u->body.len : 0};
        knobx_buf out = {0};
        int status = dash_api(d, &r, &out);
        enum MHD_Result rc =
            out.oom ? MHD_NO : reply(c, (unsigned)status, json, knobx_buf_cstr(&out), out.len);
        knobx_buf_free(&out);
        return rc;
    }
    if (!post && (!strcmp(url, "/") || !strcmp(url, "/study")))
        return reply(c, MHD_HTTP_OK, "text/html; charset=utf-8", d->page, d->page_len);
    return not_found(c, url);
}

static void completed(void *cls, struct MHD_Connection *c, void **state,
                      enum MHD_RequestTerminationCode why)
{
    upload *u = *state;
    if (u) {
        knobx_buf_free(&u->body);
        free(u);
        *state = NULL;
    }
}

static bool loopback(const struct sockaddr *a)
{
    if (a->sa_family == AF_INET)
        return (ntohl(((const struct sockaddr_in *)a)->sin_addr.s_addr) >> 24) == 127;
    if (a->sa_family == AF_INET6)
        return IN6_IS_ADDR_LOOPBACK(&((const struct sockaddr_in6 *)a)->sin6_addr);
    return false;
}

static struct MHD_Daemon *start(dash *d, const char *host, int port, bool *local, unsigned *bound)
{
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE}, *ai;
    char service[16];
    snprintf(service, sizeof service, "%d", port);
    int rc = getaddrinfo(host, service, &hints, &ai);
    if (rc) {
        fprintf(stderr, "knob dashboard: --host %s: %s\n", host, gai_strerror(rc));
        return NULL;
    }
    *local = d->local = loopback(ai->ai_addr);
    /* The socket is knob's own, so that a port in use or an address not of this machine is
     * said once, in knob's words with the system's reason (libmicrohttpd said it too, in its
     * own words, with the wrong port for --port 0). */
    int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0), one = 1;
    struct sockaddr_storage at;
    socklen_t at_len = sizeof at;
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) ||
        (ai->ai_family == AF_INET6 &&
         setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one)) ||
        bind(fd, ai->ai_addr, ai->ai_addrlen) || listen(fd, SOMAXCONN) ||
        getsockname(fd, (struct sockaddr *)&at, &at_len)) {
        int e = errno;
        fprintf(stderr, "knob dashboard: cannot listen on %s port %d: %s\n", host, port,
                strerror(e));
        if (fd >= 0)
            close(fd);
        freeaddrinfo(ai);
        return NULL;
    }
    *bound = ntohs(at.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&at)->sin6_port
                                            : ((struct sockaddr_in *)&at)->sin_port);
    unsigned flags = MHD_USE_AUTO | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG;
    if (ai->ai_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    struct MHD_Daemon *m = MHD_start_daemon(
        flags, (uint16_t)port, NULL, NULL, handle, d, MHD_OPTION_LISTEN_SOCKET, fd,
        MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
        /* With 64 connections and 30 s, 64 idle connections (a few stuck tabs, a script)
         * locked every client out for 30 s. A tab polls each second: its connection stays. */
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)IDLE_S, MHD_OPTION_CONNECTION_LIMIT,
        (unsigned)CONNECTIONS,
        /* a request's headers and query arguments (32 KB by default: 500 short arguments
         * were no answer for 30 s, then none) */
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(256 << 10), MHD_OPTION_END);
    freeaddrinfo(ai);
    if (!m) {
        fprintf(stderr, "knob dashboard: cannot serve on %s port %d\n", host, port);
        close(fd);
    }
    return m;
}

int cmd_dashboard(int argc, char **argv)
{
    const char *storage = KNOB_DEFAULT_STORAGE, *host = "127.0.0.1", *port_text = "8080";
    dash d = {0};
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            printf("usage: %s\n", usage_text);
            return cli_stdout_written("dashboard");
        }
        if (cli_opt(argc, argv, &i, "--storage", &storage) ||
            cli_opt(argc, argv, &i, "--host", &host) ||
            cli_opt(argc, argv, &i, "--port", &port_text) ||
            cli_opt(argc, argv, &i, "--token", &d.token) ||
            cli_opt(argc, argv, &i, "--trial-dir", &d.trial_dir))
            continue;
        if (!strcmp(argv[i], "--allow-write")) {
            d.writable = true;
            continue;
        }
        fprintf(stderr, "knob dashboard: unexpected argument '%s'\nusage: %s\n", argv[i],
                usage_text);
        return EXIT_USAGE;
    }
    const char *missing = cli_lazy_mhd();
    if (missing) {
        fprintf(stderr, "knob dashboard needs %s\n", missing);
        return EXIT_FAIL;
    }
    int64_t port;
    if (cli_int(port_text, &port) || port < 0 || port > 65535) {
        fprintf(stderr, "knob dashboard: --port %s: not a port (0 to 65535)\n", port_text);
        return EXIT_USAGE;
    }
    if (d.trial_dir && !d.trial_dir[0]) {
        fprintf(stderr, "knob dashboard: --trial-dir is empty\n");
        return EXIT_USAGE;
    }
    if (d.token && !d.token[0]) {
        fprintf(stderr, "knob dashboard: --token is empty\n");
        return EXIT_USAGE;
    }
    if (!(d.page = cli_web_page(&d.page_len))) {
        cli_web_missing("dashboard");
        return EXIT_FAIL;
    }
    d.url = storage;
    if (knob_storage_open(storage, &d.st)) {
        fprintf(stderr, "knob dashboard: %s\n", knob_errmsg());
        return EXIT_FAIL;
    }
    if (dash_watch(&d)) {
        fprintf(stderr, "knob dashboard: out of memory\n");
        knob_storage_close(d.st);
        return EXIT_FAIL;
    }
    /* The signals are waited for here, not delivered to the server's thread. */
    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);
    signal(SIGPIPE, SIG_IGN);
    bool local;
    unsigned bound;
    d.host = host;
    struct MHD_Daemon *m = start(&d, host, (int)port, &local, &bound);
    if (!m) {
        knob_storage_close(d.st);
        free(d.db_path);
        return EXIT_FAIL;
    }
    if (!local)
        fprintf(stderr,
                "knob dashboard: warning: listening on %s, not on this machine only: whoever "
                "reaches it can %s the studies%s\n",
                host, d.writable ? "read and change" : "read",
                d.token ? "" : " (--token T makes every request carry a token)");
    char *shown = knobx_redact_url(storage);
    printf("knob dashboard: http://%s%s%s:%u/%s (storage %s%s; Ctrl-C stops it)\n",
           strchr(host, ':') ? "[" : "", host, strchr(host, ':') ? "]" : "", bound,
           d.token ? "?token=..." : "", shown ? shown : "?",
           d.writable ? ", writable" : ", read-only");
    free(shown);
    fflush(stdout);
    int sig;
    sigwait(&sigs, &sig);
    MHD_stop_daemon(m);
    dash_free_studies(&d);
    knob_storage_close(d.st);
    free(d.db_path);
    return 130; /* stopped by Ctrl-C or SIGTERM, as knob run */
}
