/* A small JSON reader (one arena per tree) and writer (knobx_buf). */
#include "util/json.h"

#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- arena */

typedef struct chunk {
    struct chunk *next;
    size_t used, size;
    max_align_t data[];
} chunk;

typedef struct parser {
    const char *p, *end, *start;
    chunk *arena;
    char *err;
    size_t errsz;
    int depth;
    bool oom;       /* the failure was memory, not the text */
    bool nonfinite; /* NaN, Infinity and -Infinity read as numbers */
    bool as_written; /* a number's text kept in str (knobx_json_parse_as_written) */
} parser;

static void *arena_alloc(parser *ps, size_t n)
{
    n = (n + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
    chunk *c = ps->arena;
    if (!c || c->size - c->used < n) {
        size_t size = n > 4096 ? n : 4096;
        chunk *nc = malloc(sizeof *nc + size);
        if (!nc)
            return NULL;
        nc->used = 0;
        nc->size = size;
        nc->next = c;
        ps->arena = nc;
        c = nc;
    }
    void *r = (char *)c->data + c->used;
    c->used += n;
    return r;
}

static void arena_free(chunk *c)
{
    while (c) {
        chunk *n = c->next;
        free(c);
        c = n;
    }
}

/* ---------------------------------------------------------------- parser */

static knobx_json *fail(parser *ps, const char *what)
{
    ps->oom = ps->oom || strcmp(what, "out of memory") == 0;
    if (ps->err && !ps->err[0])
        snprintf(ps->err, ps->errsz, "%s at byte %zu", what, (size_t)(ps->p - ps->start));
    return NULL;
}

static void skip_ws(parser *ps)
{
    while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r'))
        ps->p++;
}

static knobx_json *new_node(parser *ps, knobx_json_type type)
{
    knobx_json *n = arena_alloc(ps, sizeof *n);
    if (!n)
        return fail(ps, "out of memory");
    memset(n, 0, sizeof *n);
    n->type = type;
    return n;
}

static int hex4(const char *p, unsigned *out)
{
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f')
            v |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            v |= (unsigned)(c - 'A' + 10);
        else
            return -1;
    }
    *out = v;
    return 0;
}

static size_t put_utf8(char *o, unsigned cp)
{
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xC0 | (cp >> 6));
        o[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xE0 | (cp >> 12));
        o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (char)(0xF0 | (cp >> 18));
    o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

size_t knobx_utf8_seq(const unsigned char *s, size_t n)
{
    if (!n)
        return 0;
    if (s[0] < 0x80)
        return 1;
    size_t len = s[0] >= 0xC2 && s[0] <= 0xDF   ? 2
                 : s[0] >= 0xE0 && s[0] <= 0xEF ? 3
                 : s[0] >= 0xF0 && s[0] <= 0xF4 ? 4
                                                : 0;
    if (!len || len > n)
        return 0;
    for (size_t i = 1; i < len; i++)
        if ((s[i] & 0xC0) != 0x80)
            return 0;
    /* overlong three- and four-byte forms, surrogates, past U+10FFFF */
    if ((s[0] == 0xE0 && s[1] < 0xA0) || (s[0] == 0xED && s[1] >= 0xA0) ||
        (s[0] == 0xF0 && s[1] < 0x90) || (s[0] == 0xF4 && s[1] >= 0x90))
        return 0;
    return len;
}

size_t knobx_utf8_bad_at(const char *s)
{
    size_t n = strlen(s);
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        size_t k = knobx_utf8_seq(u + i, n - i);
        if (!k)
            return i;
        i += k;
    }
    return n;
}

bool knobx_utf8_valid(const char *s)
{
    return !s[knobx_utf8_bad_at(s)];
}

void knobx_buf_add_utf8(knobx_buf *b, const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t run = 0;
    for (size_t i = 0; i < n;) {
        size_t k = u[i] ? knobx_utf8_seq(u + i, n - i) : 0;
        if (k) {
            i += k;
            continue;
        }
        knobx_buf_add(b, s + run, i - run);
        knobx_buf_add(b, "\xef\xbf\xbd", 3);
        run = ++i;
    }
    knobx_buf_add(b, s + run, n - run);
}

/* Decodes the string starting after the opening quote; *out in the arena. */
static const char *parse_string_raw(parser *ps)
{
    const char *s = ps->p;
    size_t n = 0;
    while (s < ps->end && *s != '"') {
        if (*s == '\\')
            s++;
        s++;
        n++;
    }
    if (s >= ps->end)
        return (const char *)fail(ps, "unterminated string");
    char *out = arena_alloc(ps, n * 4 + 1), *o = out;
    if (!out)
        return (const char *)fail(ps, "out of memory");
    while (*ps->p != '"') {
        unsigned char c = (unsigned char)*ps->p++;
        if (c < 0x20)
            return (const char *)fail(ps, "control character in string");
        if (c >= 0x80) {
            /* JSON text is UTF-8 (RFC 8259): other bytes no JSON reader takes */
            size_t k =
                knobx_utf8_seq((const unsigned char *)ps->p - 1, (size_t)(ps->end - ps->p) + 1);
            if (!k)
                return (const char *)fail(ps, "invalid UTF-8 in string");
            memcpy(o, ps->p - 1, k);
            o += k;
            ps->p += k - 1;
            continue;
        }
        if (c != '\\') {
            *o++ = (char)c;
            continue;
        }
        char e = *ps->p++;
        switch (e) {
        case '"':
            *o++ = '"';
            break;
        case '\\':
            *o++ = '\\';
            break;
        case '/':
            *o++ = '/';
            break;
        case 'b':
            *o++ = '\b';
            break;
        case 'f':
            *o++ = '\f';
            break;
        case 'n':
            *o++ = '\n';
            break;
        case 'r':
            *o++ = '\r';
            break;
        case 't':
            *o++ = '\t';
            break;
        case 'u': {
            unsigned cp, lo;
            if (ps->end - ps->p < 4 || hex4(ps->p, &cp))
                return (const char *)fail(ps, "bad \\u escape");
            ps->p += 4;
            if (cp >= 0xD800 && cp < 0xDC00 && ps->end - ps->p >= 6 && ps->p[0] == '\\' &&
                ps->p[1] == 'u' && !hex4(ps->p + 2, &lo) && lo >= 0xDC00 && lo < 0xE000) {
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                ps->p += 6;
            } else if (cp == 0 || (cp >= 0xD800 && cp < 0xE000)) {
                /* U+FFFD, as Python's errors="replace" writes what it cannot encode: a NUL
                 * would end the C string ("a\u0000b" read as "a"), and UTF-8 cannot hold
                 * a lone surrogate */
                cp = 0xFFFD;
            }
            o += put_utf8(o, cp);
            break;
        }
        default:
            return (const char *)fail(ps, "bad escape in string");
        }
    }
    ps->p++;
    *o = 0;
    return out;
}

static knobx_json *parse_value(parser *ps);

static knobx_json *parse_container(parser *ps, bool object)
{
    knobx_json *n = new_node(ps, object ? KNOBX_JSON_OBJECT : KNOBX_JSON_ARRAY);
    if (!n)
        return NULL;
    if (++ps->depth > 512)
        return fail(ps, "nesting too deep");
    char close = object ? '}' : ']';
    knobx_json *small[16], **kids = small;
    size_t count = 0, cap = 16;
    skip_ws(ps);
    if (ps->p < ps->end && *ps->p == close) {
        ps->p++;
        ps->depth--;
        return n;
    }
    for (;;) {
        const char *key = NULL;
        skip_ws(ps);
        if (object) {
            if (ps->p >= ps->end || *ps->p != '"')
                goto bad_key;
            ps->p++;
            if (!(key = parse_string_raw(ps)))
                goto out;
            skip_ws(ps);
            if (ps->p >= ps->end || *ps->p != ':') {
                fail(ps, "expected ':'");
                goto out;
            }
            ps->p++;
        }
        knobx_json *kid = parse_value(ps);
        if (!kid)
            goto out;
        kid->key = key;
        if (count == cap) {
            knobx_json **nk = arena_alloc(ps, 2 * cap * sizeof *nk);
            if (!nk) {
                fail(ps, "out of memory");
                goto out;
            }
            memcpy(nk, kids, count * sizeof *nk);
            kids = nk;
            cap *= 2;
        }
        kids[count++] = kid;
        skip_ws(ps);
        if (ps->p < ps->end && *ps->p == ',') {
            ps->p++;
            continue;
        }
        if (ps->p < ps->end && *ps->p == close) {
            ps->p++;
            break;
        }
        fail(ps, object ? "expected ',' or '}'" : "expected ',' or ']'");
        goto out;
    }
    n->kids = arena_alloc(ps, count * sizeof *kids);
    if (!n->kids)
        return fail(ps, "out of memory");
    memcpy(n->kids, kids, count * sizeof *kids);
    n->n = count;
    ps->depth--;
    return n;
bad_key:
    fail(ps, "expected a string key");
out:
    return NULL;
}

/* Python's json.dumps writes NaN, Infinity and -Infinity for the non-finite floats. */
static knobx_json *parse_nonfinite(parser *ps)
{
    static const struct {
        const char *word;
        double v;
    } words[] = {{"NaN", NAN}, {"Infinity", INFINITY}, {"-Infinity", -INFINITY}};
    for (size_t i = 0; i < sizeof words / sizeof *words; i++) {
        size_t len = strlen(words[i].word);
        if ((size_t)(ps->end - ps->p) >= len && memcmp(ps->p, words[i].word, len) == 0) {
            knobx_json *n = new_node(ps, KNOBX_JSON_NUMBER);
            if (!n)
                return NULL;
            n->num = words[i].v;
            ps->p += len;
            return n;
        }
    }
    return fail(ps, "unexpected character");
}

/* RFC 8259's number: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?. strtod alone takes
 * "01", "1." and "1.e5", which no other JSON reader does. */
static bool number_ok(const char *t)
{
    if (*t == '-')
        t++;
    if (*t == '0')
        t++;
    else if (*t >= '1' && *t <= '9')
        while (*t >= '0' && *t <= '9')
            t++;
    else
        return false;
    if (*t == '.') {
        if (!(*++t >= '0' && *t <= '9'))
            return false;
        while (*t >= '0' && *t <= '9')
            t++;
    }
    if (*t == 'e' || *t == 'E') {
        t++;
        if (*t == '+' || *t == '-')
            t++;
        if (!(*t >= '0' && *t <= '9'))
            return false;
        while (*t >= '0' && *t <= '9')
            t++;
    }
    return *t == 0;
}

bool knobx_json_number_syntax(const char *s)
{
    return number_ok(s);
}

static knobx_json *parse_number(parser *ps)
{
    const char *s = ps->p;
    if (ps->nonfinite && s < ps->end &&
        (*s == 'N' || *s == 'I' || (*s == '-' && s + 1 < ps->end && s[1] == 'I')))
        return parse_nonfinite(ps);
    if (s < ps->end && *s == '-')
        s++;
    if (s >= ps->end || !(*s >= '0' && *s <= '9'))
        return fail(ps, "unexpected character");
    while (s < ps->end && ((*s >= '0' && *s <= '9') || *s == '.' || *s == 'e' || *s == 'E' ||
                           *s == '+' || *s == '-'))
        s++;
    char tmp[KNOBX_JSON_NUMBER_MAX + 1];
    size_t len = (size_t)(s - ps->p);
    if (len >= sizeof tmp)
        return fail(ps, "number too long");
    memcpy(tmp, ps->p, len);
    tmp[len] = 0;
    char *endp;
    if (!number_ok(tmp))
        return fail(ps, "bad number");
    double v = strtod(tmp, &endp);
    if (*endp)
        return fail(ps, "bad number");
    knobx_json *n = new_node(ps, KNOBX_JSON_NUMBER);
    if (!n)
        return NULL;
    n->num = v;
    if (len >= 16 && knobx_big_int_text(tmp, len)) {
        char *big = arena_alloc(ps, len + 1);
        if (!big)
            return fail(ps, "out of memory");
        memcpy(big, tmp, len + 1);
        n->big = big;
    } else if (ps->as_written && isfinite(v) && v == floor(v) && strpbrk(tmp, ".eE")) {
        char *text = arena_alloc(ps, len + 1);
        if (!text)
            return fail(ps, "out of memory");
        memcpy(text, tmp, len + 1);
        n->str = text;
    }
    ps->p = s;
    return n;
}

static knobx_json *parse_word(parser *ps, const char *word, knobx_json_type type, bool b)
{
    size_t len = strlen(word);
    if ((size_t)(ps->end - ps->p) < len || memcmp(ps->p, word, len) != 0)
        return fail(ps, "unexpected character");
    ps->p += len;
    knobx_json *n = new_node(ps, type);
    if (n)
        n->b = b;
    return n;
}

static knobx_json *parse_value(parser *ps)
{
    skip_ws(ps);
    if (ps->p >= ps->end)
        return fail(ps, "unexpected end of text");
    switch (*ps->p) {
    case '{':
        ps->p++;
        return parse_container(ps, true);
    case '[':
        ps->p++;
        return parse_container(ps, false);
    case '"': {
        ps->p++;
        const char *s = parse_string_raw(ps);
        if (!s)
            return NULL;
        knobx_json *n = new_node(ps, KNOBX_JSON_STRING);
        if (n)
            n->str = s;
        return n;
    }
    case 't':
        return parse_word(ps, "true", KNOBX_JSON_BOOL, true);
    case 'f':
        return parse_word(ps, "false", KNOBX_JSON_BOOL, false);
    case 'n':
        return parse_word(ps, "null", KNOBX_JSON_NULL, false);
    default:
        return parse_number(ps);
    }
}

static knobx_json *parse_root(const char *text, size_t len, char *err, size_t errsz, bool *oom,
                              bool nonfinite, bool as_written)
{
    parser ps = {0};
    ps.nonfinite = nonfinite;
    ps.as_written = as_written;
    if (len == (size_t)-1)
        len = strlen(text);
    ps.p = ps.start = text;
    ps.end = text + len;
    ps.err = err;
    ps.errsz = errsz;
    if (err && errsz)
        err[0] = 0;
    knobx_json *root = parse_value(&ps);
    if (root) {
        skip_ws(&ps);
        if (ps.p != ps.end)
            root = fail(&ps, "trailing characters");
    }
    if (oom)
        *oom = ps.oom;
    if (!root) {
        arena_free(ps.arena);
        return NULL;
    }
    root->arena_ = ps.arena;
    return root;
}

knobx_json *knobx_json_parse(const char *text, size_t len, char *err, size_t errsz)
{
    return parse_root(text, len, err, errsz, NULL, false, false);
}

knobx_json *knobx_json_parse_as_written(const char *text, size_t len, char *err, size_t errsz)
{
    return parse_root(text, len, err, errsz, NULL, false, true);
}

knobx_json *knobx_json_parse_nonfinite(const char *text, size_t len, char *err, size_t errsz)
{
    return parse_root(text, len, err, errsz, NULL, true, false);
}

void knobx_json_free(knobx_json *root)
{
    if (root)
        arena_free(root->arena_);
}

const knobx_json *knobx_json_get(const knobx_json *obj, const char *key)
{
    if (!obj || obj->type != KNOBX_JSON_OBJECT)
        return NULL;
    for (size_t i = 0; i < obj->n; i++)
        if (strcmp(obj->kids[i]->key, key) == 0)
            return obj->kids[i];
    return NULL;
}

bool knobx_big_int_text(const char *s, size_t n)
{
    const char *d = s + (n && *s == '-');
    size_t digits = n - (size_t)(d - s);
    if (!digits || *d < '1' || *d > '9')
        return false;
    for (size_t i = 0; i < digits; i++)
        if (d[i] < '0' || d[i] > '9')
            return false;
    /* 2^53 = 9007199254740992 has 16 digits */
    return digits > 16 || (digits == 16 && memcmp(d, "9007199254740992", 16) > 0);
}

bool knobx_big_int_is(const char *digits, double x)
{
    char text[400];
    if (!isfinite(x) || x != floor(x))
        return false;
    snprintf(text, sizeof text, "%.0f", x);
    return strcmp(digits, text) == 0;
}

bool knobx_json_equal(const knobx_json *a, const knobx_json *b)
{
    if (!a || !b || a->type != b->type)
        return a == b;
    switch (a->type) {
    case KNOBX_JSON_NULL:
        return true;
    case KNOBX_JSON_BOOL:
        return a->b == b->b;
    case KNOBX_JSON_NUMBER:
        if (a->big || b->big) /* as doubles, neighbours would be equal */
            return a->big && b->big && strcmp(a->big, b->big) == 0;
        return a->num == b->num;
    case KNOBX_JSON_STRING:
        return strcmp(a->str, b->str) == 0;
    case KNOBX_JSON_ARRAY:
    case KNOBX_JSON_OBJECT:
        break;
    }
    if (a->n != b->n)
        return false;
    for (size_t i = 0; i < a->n; i++) {
        const knobx_json *other =
            a->type == KNOBX_JSON_ARRAY ? b->kids[i] : knobx_json_get(b, a->kids[i]->key);
        if (!knobx_json_equal(a->kids[i], other))
            return false;
    }
    /* and each key of b in a (a key twice in a could hide one of b's) */
    for (size_t i = 0; a->type == KNOBX_JSON_OBJECT && i < b->n; i++)
        if (!knobx_json_equal(knobx_json_get(a, b->kids[i]->key), b->kids[i]))
            return false;
    return true;
}

bool knobx_json_text_equal(const char *a, const char *b)
{
    if (strcmp(a, b) == 0)
        return true;
    knobx_json *x = knobx_json_parse(a, (size_t)-1, NULL, 0);
    knobx_json *y = x ? knobx_json_parse(b, (size_t)-1, NULL, 0) : NULL;
    bool same = y && knobx_json_equal(x, y);
    knobx_json_free(x);
    knobx_json_free(y);
    return same;
}

bool knobx_json_valid(const char *text)
{
    return knobx_json_check(text) == 0;
}

int knobx_json_check(const char *text)
{
    bool oom = false;
    knobx_json *j = parse_root(text, (size_t)-1, NULL, 0, &oom, false, false);
    knobx_json_free(j);
    return j ? 0 : oom ? -1 : 1;
}

/* ---------------------------------------------------------------- writer */

void knobx_buf_free(knobx_buf *b)
{
    free(b->data);
    memset(b, 0, sizeof *b);
}

void knobx_buf_reset(knobx_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = 0;
}

void knobx_buf_add(knobx_buf *b, const char *s, size_t n)
{
    if (b->oom)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *d = realloc(b->data, cap);
        if (!d) {
            b->oom = true;
            return;
        }
        b->data = d;
        b->cap = cap;
    }
    if (n) /* s may be NULL when n is 0: an empty buffer's data */
        memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = 0;
}

void knobx_buf_puts(knobx_buf *b, const char *s)
{
    knobx_buf_add(b, s, strlen(s));
}

void knobx_buf_printf(knobx_buf *b, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n < sizeof small) {
        knobx_buf_add(b, small, (size_t)n);
        return;
    }
    char *big = malloc((size_t)n + 1);
    if (!big) {
        b->oom = true;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    knobx_buf_add(b, big, (size_t)n);
    free(big);
}

const char *knobx_buf_cstr(knobx_buf *b)
{
    return b->data && !b->oom ? b->data : "";
}

void knobx_json_add_string(knobx_buf *b, const char *s)
{
    knobx_buf_add(b, "\"", 1);
    const char *run = s;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c >= 0x80) {
            /* the NUL ending s is no continuation byte: the check stops there */
            size_t k = knobx_utf8_seq((const unsigned char *)s, 4);
            if (k) {
                s += k - 1;
                continue;
            }
            knobx_buf_add(b, run, (size_t)(s - run));
            knobx_buf_puts(b, "\\ufffd"); /* JSON text is UTF-8: a byte that is not, U+FFFD */
            run = s + 1;
            continue;
        }
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        knobx_buf_add(b, run, (size_t)(s - run));
        run = s + 1;
        switch (c) {
        case '"':
            knobx_buf_puts(b, "\\\"");
            break;
        case '\\':
            knobx_buf_puts(b, "\\\\");
            break;
        case '\n':
            knobx_buf_puts(b, "\\n");
            break;
        case '\r':
            knobx_buf_puts(b, "\\r");
            break;
        case '\t':
            knobx_buf_puts(b, "\\t");
            break;
        default:
            knobx_buf_printf(b, "\\u%04x", c);
            break;
        }
    }
    knobx_buf_add(b, run, (size_t)(s - run));
    knobx_buf_add(b, "\"", 1);
}

/* ---------------------------------------------------------------- numbers */

/* What snprintf's "%.*g" (precision 15 to 17) writes for a finite nonzero v, worked out in
 * 128-bit integers: printf's exact binary-to-decimal (a bignum per call) and strtod's check
 * were two thirds of `knob trials --format json` at 100,000 trials. The digits are the exact
 * quotient of v by a power of ten, rounded half to even as printf does, so the text is
 * printf's byte for byte (tests/unit/test_json.c compares them over many values). Outside
 * the range where numerator and denominator fit in 128 bits (about 1e-22 to 1e21) and for
 * subnormals, printf's own. */
__extension__ typedef unsigned __int128 u128;

static const uint64_t p10_u64[20] = {1u,
                                     10u,
                                     100u,
                                     1000u,
                                     10000u,
                                     100000u,
                                     1000000u,
                                     10000000u,
                                     100000000u,
                                     1000000000u,
                                     10000000000u,
                                     100000000000u,
                                     1000000000000u,
                                     10000000000000u,
                                     100000000000000u,
                                     1000000000000000u,
                                     10000000000000000u,
                                     100000000000000000u,
                                     1000000000000000000u,
                                     10000000000000000000u};

/* 10^k for 0 <= k <= 38 */
static u128 p10_u128(int k)
{
    return k <= 19 ? p10_u64[k] : (u128)p10_u64[19] * p10_u64[k - 19];
}

/* The exact division of a (normal, positive) by 10^(*exp10 - 16): the quotient *q17 in
 * [10^16, 10^17) (v's first 17 digits, truncated), the remainder *r over *den. */
typedef struct digits17 {
    uint64_t q;
    u128 r, den;
    int exp10;
} digits17;

static bool digits_of(double a, digits17 *out)
{
    uint64_t bits;
    memcpy(&bits, &a, sizeof bits);
    int field = (int)(bits >> 52 & 0x7ff);
    if (field == 0 || field == 0x7ff)
        return false;
    uint64_t m = (bits & ((UINT64_C(1) << 52) - 1)) | UINT64_C(1) << 52;
    int e = field - 1075; /* a = m x 2^e */
    /* a in [2^(field - 1023), 2^(field - 1022)): its decimal exponent is this or one more */
    int x = (int)floor((field - 1023) * 0.30102999566398119521);
    for (int tries = 0; tries < 3; tries++) {
        int s = x - 16; /* q = a / 10^s */
        if (s < -38 || s > 38 || e > 74 || e < -127)
            return false;
        u128 num = (u128)m << (e > 0 ? e : 0), den = (u128)1 << (e < 0 ? -e : 0);
        if (s < 0 ? __builtin_mul_overflow(num, p10_u128(-s), &num)
                  : __builtin_mul_overflow(den, p10_u128(s), &den))
            return false;
        u128 q = num / den;
        if (q >= p10_u64[17]) {
            x++;
            continue;
        }
        if (q < p10_u64[16]) {
            x--;
            continue;
        }
        *out = (digits17){(uint64_t)q, num - q * den, den, x};
        return true;
    }
    return false;
}

/* v's `prec` significant digits from its first 17, rounded half to even on the exact
 * remainder: *digits in [10^(prec-1), 10^prec), v ~ digits x 10^(*exp10 - prec + 1). */
static void round_to(const digits17 *d, int prec, uint64_t *digits, int *exp10)
{
    uint64_t div = p10_u64[17 - prec], q = d->q / div, t = d->q % div;
    bool up;
    if (div == 1)
        up = d->r > d->den - d->r || (d->r == d->den - d->r && (q & 1));
    else
        up = t > div / 2 || (t == div / 2 && (d->r > 0 || (q & 1)));
    q += up;
    *exp10 = d->exp10;
    if (q == p10_u64[prec]) {
        q = p10_u64[prec - 1];
        ++*exp10;
    }
    *digits = q;
}

/* The %g text of digits x 10^(exp10 - prec + 1): trailing zeros and a bare point dropped,
 * the exponent form when exp10 < -4 or exp10 >= prec, its exponent with two digits at least. */
static size_t g_text(char *out, bool neg, uint64_t digits, int prec, int exp10)
{
    char d[24];
    for (int i = prec - 1; i >= 0; i--, digits /= 10)
        d[i] = (char)('0' + digits % 10);
    int nd = prec;
    size_t n = 0;
    if (neg)
        out[n++] = '-';
    if (exp10 < -4 || exp10 >= prec) {
        while (nd > 1 && d[nd - 1] == '0')
            nd--;
        out[n++] = d[0];
        if (nd > 1) {
            out[n++] = '.';
            memcpy(out + n, d + 1, (size_t)nd - 1);
            n += (size_t)nd - 1;
        }
        n += (size_t)snprintf(out + n, 8, "e%c%02d", exp10 < 0 ? '-' : '+', abs(exp10));
        return n;
    }
    int point = exp10 + 1; /* digits before the point (<= 0: a leading "0.") */
    while (nd > point && nd > 0 && d[nd - 1] == '0')
        nd--;
    if (point <= 0) {
        out[n++] = '0';
        out[n++] = '.';
        for (int i = point; i < 0; i++)
            out[n++] = '0';
        memcpy(out + n, d, (size_t)nd);
        return n + (size_t)nd;
    }
    memcpy(out + n, d, (size_t)point);
    n += (size_t)point;
    if (nd > point) {
        out[n++] = '.';
        memcpy(out + n, d + point, (size_t)(nd - point));
        n += (size_t)(nd - point);
    }
    return n;
}

/* Whether digits x 10^(exp10 - prec + 1) reads back as a exactly (strtod's result), where
 * that is one correctly rounded operation on exact operands: digits < 2^53 and a power of
 * ten that is a double (Clinger's fast path). -1: not known this way. */
static int reads_back(double a, uint64_t digits, int prec, int exp10)
{
    static const double p10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                 1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    int s = exp10 - prec + 1;
    if (digits > (UINT64_C(1) << 53) || s < -22 || s > 22)
        return -1;
    return (s < 0 ? (double)digits / p10[-s] : (double)digits * p10[s]) == a;
}

/* A subnormal v (not 0) in its fewest significant digits that read back, 1 to 17: 1e-310,
 * not the 15 digits 9.99999999999997e-311 (a subnormal holds fewer than a normal double;
 * 5e-324 holds one), as Python's repr writes it. The doubles near a subnormal are evenly
 * spaced, so the nearest decimal of more digits is as near and reads back too: the fewest
 * are found by halving 1..17. */
static void add_subnormal(knobx_buf *b, double v)
{
    char tmp[40];
    int lo = 1, hi = 17;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        snprintf(tmp, sizeof tmp, "%.*g", mid, v);
        if (strtod(tmp, NULL) == v)
            hi = mid;
        else
            lo = mid + 1;
    }
    snprintf(tmp, sizeof tmp, "%.*g", lo, v);
    knobx_buf_puts(b, tmp);
}

void knobx_json_add_number(knobx_buf *b, double v)
{
    if (!isfinite(v)) {
        knobx_buf_puts(b, "null");
        return;
    }
    char tmp[40];
    if (v == floor(v) && fabs(v) < 9007199254740992.0) { /* as "%.0f" writes it */
        uint64_t u = (uint64_t)fabs(v);
        size_t n = sizeof tmp;
        do
            tmp[--n] = (char)('0' + u % 10);
        while (u /= 10);
        if (signbit(v))
            tmp[--n] = '-';
        knobx_buf_add(b, tmp + n, sizeof tmp - n);
        return;
    }
    /* Shortest of %.15g/%.16g/%.17g that reads back exactly. */
    double a = fabs(v);
    digits17 d;
    if (a < DBL_MIN) { /* a subnormal: fewer digits than 15 may read back */
        add_subnormal(b, v);
        return;
    }
    if (!digits_of(a, &d)) { /* out of the integers' range: printf's */
        for (int prec = 15; prec <= 17; prec++) {
            snprintf(tmp, sizeof tmp, "%.*g", prec, v);
            if (strtod(tmp, NULL) == v)
                break;
        }
        knobx_buf_puts(b, tmp);
        return;
    }
    size_t n = 0;
    for (int prec = 15; prec <= 17; prec++) {
        uint64_t digits;
        int exp10;
        round_to(&d, prec, &digits, &exp10);
        int back = prec == 17 ? 1 : reads_back(a, digits, prec, exp10);
        if (back == 0)
            continue;
        n = g_text(tmp, v < 0, digits, prec, exp10);
        tmp[n] = 0;
        if (back == 1 || fabs(strtod(tmp, NULL)) == a)
            break;
    }
    knobx_buf_add(b, tmp, n);
}

static void add_node(knobx_buf *b, const knobx_json *n, bool as_written)
{
    switch (n->type) {
    case KNOBX_JSON_NULL:
        knobx_buf_puts(b, "null");
        break;
    case KNOBX_JSON_BOOL:
        knobx_buf_puts(b, n->b ? "true" : "false");
        break;
    case KNOBX_JSON_NUMBER:
        if (n->big)
            knobx_buf_puts(b, n->big);
        else if (as_written && n->str)
            knobx_buf_puts(b, n->str);
        else
            knobx_json_add_number(b, n->num);
        break;
    case KNOBX_JSON_STRING:
        knobx_json_add_string(b, n->str);
        break;
    case KNOBX_JSON_ARRAY:
    case KNOBX_JSON_OBJECT: {
        bool obj = n->type == KNOBX_JSON_OBJECT;
        knobx_buf_add(b, obj ? "{" : "[", 1);
        for (size_t i = 0; i < n->n; i++) {
            if (i)
                knobx_buf_add(b, ",", 1);
            if (obj) {
                knobx_json_add_string(b, n->kids[i]->key);
                knobx_buf_add(b, ":", 1);
            }
            add_node(b, n->kids[i], as_written);
        }
        knobx_buf_add(b, obj ? "}" : "]", 1);
        break;
    }
    }
}

void knobx_json_add_node(knobx_buf *b, const knobx_json *n)
{
    add_node(b, n, false);
}

void knobx_json_add_node_as_written(knobx_buf *b, const knobx_json *n)
{
    add_node(b, n, true);
}

bool knobx_json_given_equal(const knobx_json *value, const knobx_json *given, bool loose)
{
    const char *text = given->type == KNOBX_JSON_STRING ? given->str : NULL;
    if (loose && value->type == KNOBX_JSON_NUMBER && given->type == KNOBX_JSON_BOOL)
        return value->num == (given->b ? 1 : 0);
    if (loose && value->type == KNOBX_JSON_BOOL && given->type == KNOBX_JSON_NUMBER)
        return given->num == (value->b ? 1 : 0);
    switch (value->type) {
    case KNOBX_JSON_NUMBER: {
        if (given->type == KNOBX_JSON_NUMBER)
            return given->num == value->num;
        char *end;
        double x = text ? strtod(text, &end) : 0;
        return text && end != text && !*end && x == value->num;
    }
    case KNOBX_JSON_STRING:
        return text && strcmp(text, value->str) == 0;
    case KNOBX_JSON_BOOL:
        return (given->type == KNOBX_JSON_BOOL && given->b == value->b) ||
               (text && strcmp(text, value->b ? "true" : "false") == 0);
    case KNOBX_JSON_NULL:
        return given->type == KNOBX_JSON_NULL || (text && strcmp(text, "null") == 0);
    default:
        return false;
    }
}
