#include "cli/records.h"
#include "util/json.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static bool parse_number(const char *s, size_t n, double *out)
{
    char tmp[64];
    while (n && isspace((unsigned char)*s)) {
        s++;
        n--;
    }
    while (n && (isspace((unsigned char)s[n - 1]) || s[n - 1] == ','))
        n--;
    if (!n || n >= sizeof tmp)
        return false;
    memcpy(tmp, s, n);
    tmp[n] = 0;
    /* decimal only, as JSON and Python's float() read numbers: strtod would take hex
     * ("0x7ffd" of a printed pointer is no loss) */
    if (strpbrk(tmp, "xX"))
        return false;
    /* digits grouped by underscores, as Python's float() reads them ("1_000.5", which
     * f"{x:_}" prints): an underscore only between two digits */
    char plain[sizeof tmp];
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (tmp[i] == '_' && !(i > 0 && isdigit((unsigned char)tmp[i - 1]) && i + 1 < n &&
                               isdigit((unsigned char)tmp[i + 1])))
            return false;
        if (tmp[i] != '_')
            plain[k++] = tmp[i];
    }
    plain[k] = 0;
    char *end;
    double v = strtod(plain, &end);
    if (end == plain || *end)
        return false;
    *out = v;
    return true;
}

/* Whether the record keeps `key` (record_parse_keys). */
static bool kept(const record *r, const char *key, size_t klen)
{
    if (!r->keys)
        return true;
    for (size_t i = 0; i < r->n_keys; i++)
        if (strlen(r->keys[i]) == klen && !memcmp(r->keys[i], key, klen))
            return true;
    return false;
}

/* word (wlen bytes, cut to fit) into to, a RECORD_WORD_MAX array. */
static void put_word(char *to, const char *word, size_t wlen)
{
    if (!word)
        wlen = 0;
    if (wlen >= RECORD_WORD_MAX)
        wlen = RECORD_WORD_MAX - 1;
    if (wlen)
        memcpy(to, word, wlen);
    to[wlen] = 0;
}

/* A key given twice in a line is its last value, as Python's json.loads reads an object:
 * a key kept already takes the new value in its place, however many numbers the line holds
 * ("\rstep=0 loss=1.0\rstep=1 loss=0.5...", a progress loop's line of records). `word` is
 * the word passed over before the key (wlen bytes; none: 0): given under another word, the
 * key's first such value is kept as a clash, which the runner warns of. */
static void add(record *r, const char *key, size_t klen, double v, const char *word, size_t wlen)
{
    r->n_numbers++;
    if (!kept(r, key, klen) || !klen || klen >= sizeof r->f[0].key)
        return;
    char w[RECORD_WORD_MAX];
    put_word(w, word, wlen);
    for (size_t i = 0; i < r->n; i++) {
        record_field *f = &r->f[i];
        if (!memcmp(f->key, key, klen) && !f->key[klen]) {
            if (!f->clash && strcmp(f->word, w)) {
                f->clash = true;
                f->clash_value = f->value;
                memcpy(f->clash_word, f->word, sizeof f->word);
            }
            f->value = v;
            memcpy(f->word, w, sizeof w);
            return;
        }
    }
    if (r->n >= sizeof r->f / sizeof *r->f)
        return;
    record_field *f = &r->f[r->n++];
    memcpy(f->key, key, klen);
    f->key[klen] = 0;
    f->value = v;
    memcpy(f->word, w, sizeof w);
    f->clash = false;
}

/* A key given a value that is not a number: its last such value in the line is kept. */
static void add_bad(record *r, const char *key, size_t klen, const char *text, size_t tlen)
{
    if (!kept(r, key, klen) || !klen || klen >= sizeof r->bad[0].key)
        return;
    record_text *b = NULL;
    for (size_t i = 0; i < r->n_bad && !b; i++)
        if (strlen(r->bad[i].key) == klen && !memcmp(r->bad[i].key, key, klen))
            b = &r->bad[i];
    if (!b && r->n_bad >= sizeof r->bad / sizeof *r->bad)
        return;
    if (!b)
        b = &r->bad[r->n_bad++];
    memcpy(b->key, key, klen);
    b->key[klen] = 0;
    if (tlen >= sizeof b->text) {
        memcpy(b->text, text, sizeof b->text - 4);
        memcpy(b->text + sizeof b->text - 4, "...", 4);
    } else {
        memcpy(b->text, text, tlen);
        b->text[tlen] = 0;
    }
}

/* A member k of a record's JSON object, its key `key` (klen bytes): a nested object's
 * members under "key.member", as W&B names a nested metric ({"val": {"loss": 0.25}} is
 * val.loss), to depth 8. */
static void add_member(record *out, const knobx_json *k, const char *key, size_t klen, int depth)
{
    double v;
    if (k->type == KNOBX_JSON_NUMBER)
        add(out, key, klen, k->num, NULL, 0);
    else if (k->type == KNOBX_JSON_STRING && parse_number(k->str, strlen(k->str), &v))
        add(out, key, klen, v, NULL, 0); /* "nan", "inf", "0.5" */
    else if (k->type == KNOBX_JSON_NULL)
        add_bad(out, key, klen, "null", 4); /* not measured this step (Python's None) */
    else if (k->type == KNOBX_JSON_STRING)
        add_bad(out, key, klen, k->str, strlen(k->str));
    else if (k->type == KNOBX_JSON_OBJECT && k->n && depth < 8) {
        char inner[sizeof out->f[0].key];
        for (size_t i = 0; i < k->n; i++) {
            int n = snprintf(inner, sizeof inner, "%.*s.%s", (int)klen, key, k->kids[i]->key);
            if (n > 0 && (size_t)n < sizeof inner)
                add_member(out, k->kids[i], inner, (size_t)n, depth + 1);
        }
        add_bad(out, key, klen, "an object", strlen("an object")); /* the key itself */
    } else {
        const char *what = k->type == KNOBX_JSON_BOOL    ? (k->b ? "true" : "false")
                           : k->type == KNOBX_JSON_ARRAY ? "a list"
                                                         : "an object";
        add_bad(out, key, klen, what, strlen(what));
    }
}

static bool parse_json(const char *line, record *out)
{
    knobx_json *j = knobx_json_parse_nonfinite(line, (size_t)-1, NULL, 0);
    if (!j || j->type != KNOBX_JSON_OBJECT) {
        knobx_json_free(j);
        return false;
    }
    for (size_t i = 0; i < j->n; i++)
        add_member(out, j->kids[i], j->kids[i]->key, strlen(j->kids[i]->key), 0);
    knobx_json_free(j);
    return true;
}

static bool key_char(char c)
{
    return isalnum((unsigned char)c) || c == '_' || c == '-' || c == '.' || c == '/';
}

/* Whether c closes a bracket: ')', ']' or '}'. */
static bool closer(char c)
{
    return c == ')' || c == ']' || c == '}';
}

/* The end of a pair's value from s: a space, ';' or '|' ends it, and so does a comma
 * after '=' pairs; and, read with `brackets`, a bracket that closes one opened before the
 * value ("v_num=0, acc=0.33]" of a tqdm or Lightning progress bar, "(loss=0.5)"): a bracket
 * opened in the value is its own ("tensor(0.2500)", "[0.1]"), so such a value stays whole,
 * no number. */
static const char *value_end(const char *s, char sep, bool brackets)
{
    int depth = 0;
    for (; *s && !isspace((unsigned char)*s); s++) {
        if (*s == ';' || *s == '|' || (*s == ',' && sep == '='))
            break;
        if (!brackets)
            continue;
        if (*s == '(' || *s == '[' || *s == '{')
            depth++;
        else if (closer(*s) && depth-- == 0)
            break;
    }
    return s;
}

/* Whether w (n bytes) is a word a key may follow as "train" does in "train loss: 0.25":
 * one that starts with a letter ("epoch 3 loss" has the key after the number 3, no word). */
static bool key_word(const char *w, size_t n)
{
    return n && isalpha((unsigned char)*w);
}

/* key=value pairs separated by spaces, commas or semicolons; or key: value pairs; spaces
 * may stand around the '=' or before the ':'. True when a pair has a number; with `strict`,
 * only a pair of a key the record keeps counts, and so is it for the keys found by reading
 * a word again (below): a line knob did not read as a record before these readings
 * ("Epoch 1: lr: 0.001", "mode=train lr: 0.1") stays a log line unless it holds a key
 * asked for. The word passed over just before a key, spaces between ("train" of "train
 * loss: 0.25"), goes with its value (add). With `brackets`, an opening bracket before a key
 * is passed over and a closing one may end a value (value_end); without, a word that starts
 * with a bracket is passed over whole, as knob read lines before (parse_text). */
static bool parse_pairs(const char *s, record *out, char sep, bool strict, bool brackets)
{
    bool any = false;
    const char *word = NULL, *word_end = NULL;
    while (*s) {
        while (*s && (isspace((unsigned char)*s) || *s == ',' || *s == ';' || *s == '|'))
            s++;
        const char *k = s;
        while (key_char(*s))
            s++;
        size_t klen = (size_t)(s - k);
        const char *after = s;
        while (*s == ' ' || *s == '\t')
            s++; /* "loss = 0.25", "loss : 0.25" */
        if (!klen || *s != sep) {
            s = after; /* not a pair: the next word may be a key ("train loss: 0.25") */
            word = klen ? k : NULL;
            word_end = after;
            if (!klen && brackets && (*s == '(' || *s == '[' || *s == '{'))
                s++; /* "(loss=0.5)", "[loss: 0.5]": a key may follow the bracket */
            else if (!klen)
                while (*s && !isspace((unsigned char)*s))
                    s++; /* not a key: skip the word */
            continue;
        }
        size_t wlen = 0;
        if (word && word_end < k && strspn(word_end, " \t") == (size_t)(k - word_end) &&
            key_word(word, (size_t)(word_end - word)))
            wlen = (size_t)(word_end - word);
        word = NULL;
        s++;
        while (*s == ' ' || *s == '\t')
            s++;
        const char *v = s;
        s = value_end(s, sep, brackets);
        /* "loss=1,234" or "loss=0,5" (a thousands separator, a decimal comma): a comma then
         * a digit, and no pair after it, is part of the value, which is then no number (it
         * was read as 1 or 0) */
        if (*s == ',' && isdigit((unsigned char)s[1])) {
            const char *e = s + 1;
            while (*e && !isspace((unsigned char)*e) && *e != ';' && *e != '|' && *e != '=' &&
                   !(brackets && closer(*e)))
                e++;
            if (*e != '=')
                s = e;
        }
        double val;
        if (parse_number(v, (size_t)(s - v), &val)) {
            add(out, k, klen, val, wlen ? word_end - wlen : NULL, wlen);
            any = any || !strict || kept(out, k, klen);
        } else if (s > v) {
            add_bad(out, k, klen, v, (size_t)(s - v));
            /* "INFO: loss: 0.25", "INFO:root:loss: 0.25" (Python's logging): a key's word
             * that is no number may hold the next key, so it is read again as one */
            if (sep == ':') {
                s = v;
                strict = true;
            }
        }
    }
    return any;
}

/* A NumPy scalar's constructor as NumPy 2 prints it inside a dict ({'loss': np.float64(0.25)},
 * np.int64(3), np.True_): true for the names whose argument is the value itself. */
static bool numpy_scalar(const char *w, size_t n)
{
    static const char *const types[] = {
        "float16", "float32",   "float64", "float128", "longdouble", "double", "single",
        "half",    "int8",      "int16",   "int32",    "int64",      "intc",   "intp",
        "int_",    "longlong",  "uint8",   "uint16",   "uint32",     "uint64", "uintc",
        "uintp",   "ulonglong", "bool_",   "bool",     "str_"};
    size_t p = n >= 3 && !memcmp(w, "np.", 3) ? 3 : n >= 6 && !memcmp(w, "numpy.", 6) ? 6 : 0;
    if (!p)
        return false;
    for (size_t i = 0; i < sizeof types / sizeof *types; i++)
        if (strlen(types[i]) == n - p && !memcmp(types[i], w + p, n - p))
            return true;
    return false;
}

/* A code point as JSON's escape of it into b (a surrogate pair past U+FFFF); false past
 * U+10FFFF. */
static bool add_code_point(knobx_buf *b, unsigned long c)
{
    if (c > 0x10ffff)
        return false;
    if (c < 0x10000)
        knobx_buf_printf(b, "\\u%04lx", c);
    else
        knobx_buf_printf(b, "\\u%04lx\\u%04lx", 0xd800 + ((c - 0x10000) >> 10),
                         0xdc00 + ((c - 0x10000) & 0x3ff));
    return true;
}

/* Past the bracket `right` that closes the `left` at s, quoted strings and other brackets
 * within passed over ("tensor(1.5, grad_fn=<AddBackward0>)"); NULL when the line ends first. */
static const char *closing(const char *s, char left, char right)
{
    int depth = 0;
    for (; *s; s++) {
        if (*s == '\'' || *s == '"') {
            char q = *s;
            for (s++; *s && *s != q; s++)
                s += *s == '\\' && s[1];
            if (!*s)
                return NULL;
        } else if (*s == left) {
            depth++;
        } else if (*s == right && --depth == 0) {
            return s + 1;
        }
    }
    return NULL;
}

/* The n bytes at s as a JSON string into b. */
static bool add_text(knobx_buf *b, const char *s, size_t n)
{
    char *t = strndup(s, n);
    if (!t)
        return false;
    knobx_json_add_string(b, t);
    free(t);
    return true;
}

/* A tuple's end into b: "]", after the comma of a tuple of one ((3,) is [3]). */
static void close_tuple(knobx_buf *b)
{
    while (b->len && isspace((unsigned char)b->data[b->len - 1]))
        b->len--;
    if (b->len && b->data[b->len - 1] == ',')
        b->len--;
    knobx_buf_add(b, "]", 1);
}

/* A Python dict's repr as JSON into b ({'eval_loss': 0.25, 'epoch': 1.0}, as print(dict)
 * and Hugging Face's Trainer write it): quoted strings in double quotes, their escapes
 * \xHH and \UHHHHHHHH as the characters they stand for; None, True, False, nan and inf as
 * JSON's null, true, false, NaN and Infinity; a NumPy scalar (np.float64(0.25), np.True_,
 * as NumPy 2 prints them) as its value; a tuple as a list, as json.dumps writes it. Any other
 * call (torch's tensor(0.2500), array([1, 2]), datetime.date(2024, 1, 1)) and an object's
 * repr (<Adam object at 0x7f...>) is the string of its text: a value that is no number, named
 * as printed when it is the metric's, while the dict's numbers are read. torch prints a
 * tensor rounded (to 4 decimals by default), so its text is not the value. false for a bare
 * word of another name. */
static bool python_dict_json(const char *s, knobx_buf *b)
{
    static const char *const words[][2] = {
        {"None", "null"},       {"True", "true"},        {"False", "false"},
        {"nan", "NaN"},         {"inf", "Infinity"},     {"np.True_", "true"},
        {"np.False_", "false"}, {"numpy.True_", "true"}, {"numpy.False_", "false"}};
    char shut[32]; /* what each open parenthesis closes as: ']' a tuple, ')' a NumPy scalar */
    size_t depth = 0;
    while (*s) {
        if (*s == '\'' || *s == '"') {
            char q = *s++;
            knobx_buf_add(b, "\"", 1);
            for (; *s && *s != q; s++) {
                if (*s == '\\' && (s[1] == 'x' || s[1] == 'U')) { /* \xe9, \U0001f600 */
                    size_t digits = s[1] == 'x' ? 2 : 8;
                    char hex[9] = {0};
                    for (size_t i = 0; i < digits; i++) {
                        if (!isxdigit((unsigned char)s[2 + i]))
                            return false;
                        hex[i] = s[2 + i];
                    }
                    if (!add_code_point(b, strtoul(hex, NULL, 16)))
                        return false;
                    s += 1 + digits;
                } else if (*s == '\\' && s[1]) { /* \' is a quote; other escapes are JSON's */
                    knobx_buf_add(b, s, s[1] == '\'' ? 0 : 1);
                    s++;
                    knobx_buf_add(b, s, 1);
                } else {
                    knobx_buf_add(b, *s == '"' ? "\\\"" : s, *s == '"' ? 2 : 1);
                }
            }
            if (*s++ != q)
                return false;
            knobx_buf_add(b, "\"", 1);
        } else if (isdigit((unsigned char)*s) || *s == '.') { /* 1e-05: no word */
            const char *n = s++;
            while (isalnum((unsigned char)*s) || *s == '.' ||
                   ((*s == '+' || *s == '-') && (s[-1] == 'e' || s[-1] == 'E')))
                s++;
            knobx_buf_add(b, n, (size_t)(s - n));
        } else if (isalpha((unsigned char)*s) || *s == '_') {
            const char *w = s;
            while (isalnum((unsigned char)*s) || *s == '_' || *s == '.')
                s++;
            size_t i = 0, n = (size_t)(s - w);
            if (*s == '(' && numpy_scalar(w, n)) {
                if (depth == sizeof shut)
                    return false;
                shut[depth++] = ')';
                s++;
                continue;
            }
            if (*s == '(') { /* a call of another name: its text */
                const char *end = closing(s, '(', ')');
                if (!end || !add_text(b, w, (size_t)(end - w)))
                    return false;
                s = end;
                continue;
            }
            while (i < sizeof words / sizeof *words &&
                   !(strlen(words[i][0]) == n && !memcmp(words[i][0], w, n)))
                i++;
            if (i == sizeof words / sizeof *words)
                return false;
            knobx_buf_puts(b, words[i][1]);
        } else if (*s == '<') { /* an object's repr: its text */
            const char *end = closing(s, '<', '>');
            if (!end || !add_text(b, s, (size_t)(end - s)))
                return false;
            s = end;
        } else if (*s == '(') { /* a tuple */
            if (depth == sizeof shut)
                return false;
            shut[depth++] = ']';
            knobx_buf_add(b, "[", 1);
            s++;
        } else if (*s == ')') {
            if (!depth)
                return false;
            if (shut[--depth] == ']')
                close_tuple(b);
            s++;
        } else {
            knobx_buf_add(b, s++, 1);
        }
    }
    return depth == 0 && !b->oom;
}

/* The line without its ANSI escape sequences (ESC [ ... and a final byte: colours, as
 * rich, loguru or a forced-colour logger print them), into b. */
static void strip_escapes(const char *s, knobx_buf *b)
{
    while (*s) {
        const char *e = strchr(s, '\x1b');
        if (!e) {
            knobx_buf_puts(b, s);
            break;
        }
        knobx_buf_add(b, s, (size_t)(e - s));
        s = e + 1;
        if (*s != '[')
            continue;
        s++;
        while (*s >= 0x20 && *s <= 0x3f) /* parameters and intermediates */
            s++;
        if (*s >= 0x40 && *s <= 0x7e)
            s++;
    }
}

/* The pairs of a line (parse_pairs). A '=' that makes no pair ("[=====] - loss: 0.25", a
 * progress bar as Keras prints it) leaves the line to the ':' pairs. */
static bool parse_text(const char *line, record *out, bool brackets)
{
    if (strchr(line, '=') && parse_pairs(line, out, '=', false, brackets))
        return true;
    if (strchr(line, ':'))
        return parse_pairs(line, out, ':', strchr(line, '=') != NULL, brackets);
    return false;
}

/* Into out, the numbers of b (a reading of the same line with brackets) of keys out has no
 * number of, and b's text of a value that is no number ('0,5' of "loss=0,5]", where out
 * holds '0,5]') of a key still without one. True when a number was added. */
static bool merge(record *out, const record *b)
{
    double v;
    size_t added = 0;
    for (size_t i = 0; i < b->n; i++) {
        if (out->n == sizeof out->f / sizeof *out->f || record_get(out, b->f[i].key, &v))
            continue;
        out->f[out->n++] = b->f[i];
        added++;
        size_t k = 0; /* its value, no number read without brackets ('0.5]') */
        for (size_t j = 0; j < out->n_bad; j++)
            if (strcmp(out->bad[j].key, b->f[i].key))
                out->bad[k++] = out->bad[j];
        out->n_bad = k;
    }
    out->n_numbers += added;
    for (size_t i = 0; i < b->n_bad; i++) {
        if (record_get(out, b->bad[i].key, &v))
            continue;
        size_t j = 0;
        while (j < out->n_bad && strcmp(out->bad[j].key, b->bad[i].key))
            j++;
        if (j < sizeof out->bad / sizeof *out->bad) {
            out->bad[j] = b->bad[i];
            out->n_bad += j == out->n_bad;
        }
    }
    return added > 0;
}

static bool parse_line(const char *line, record *out)
{
    while (isspace((unsigned char)*line))
        line++;
    if (*line == '{' && !knobx_utf8_valid(line)) {
        /* JSON text is UTF-8: a byte that is not (Latin-1 text, a character cut short) in a
         * string of the record is read as U+FFFD, as Python's errors="replace" reads it,
         * rather than the record dropped (the key=value forms read such bytes as they are) */
        knobx_buf u = {0};
        knobx_buf_add_utf8(&u, line, strlen(line));
        bool ok = !u.oom && parse_line(knobx_buf_cstr(&u), out);
        knobx_buf_free(&u);
        return ok;
    }
    if (*line == '{') {
        if (parse_json(line, out))
            return out->n_numbers > 0;
        knobx_buf b = {0};
        bool ok = python_dict_json(line, &b) && parse_json(knobx_buf_cstr(&b), out);
        knobx_buf_free(&b);
        return ok && out->n_numbers > 0;
    }
    bool ok = parse_text(line, out, false);
    if (!strpbrk(line, "()[]{}"))
        return ok;
    /* Read again with brackets (parse_pairs): "(pid=1234) loss: 0.5", "[rank=0] loss: 0.25"
     * and "loss: 0.5 (lr=0.001)" stay records of loss (the '=' pairs in brackets would leave
     * the ':' pairs unread), and "loss=0.5 (best loss=0.3)" of 0.5, as before; that reading
     * adds only the keys this one gave no number */
    record b;
    b.n = b.n_bad = b.n_numbers = 0;
    b.keys = out->keys;
    b.n_keys = out->n_keys;
    bool more = parse_text(line, &b, true);
    return (merge(out, &b) && more) || ok;
}

bool record_parse_keys(const char *line, const char *const *keys, size_t n_keys, record *out)
{
    out->n = 0;
    out->n_bad = 0;
    out->n_numbers = 0;
    out->keys = keys;
    out->n_keys = n_keys;
    if (!strncmp(line, "\xef\xbb\xbf", 3)) /* a UTF-8 byte order mark */
        line += 3;
    if (!strchr(line, '\x1b'))
        return parse_line(line, out);
    knobx_buf b = {0};
    strip_escapes(line, &b);
    bool ok = !b.oom && parse_line(knobx_buf_cstr(&b), out);
    knobx_buf_free(&b);
    return ok;
}

bool record_mentions(const char *line, const char *key)
{
    size_t n = strlen(key);
    for (const char *p = line; n && *p; p++) {
        if (strncasecmp(p, key, n))
            continue;
        bool before = p > line && (isalnum((unsigned char)p[-1]) || p[-1] == '_');
        bool after = isalnum((unsigned char)p[n]) || p[n] == '_';
        if (!before && !after)
            return true;
    }
    return false;
}

bool record_parse(const char *line, record *out)
{
    return record_parse_keys(line, NULL, 0, out);
}

/* A key given twice in a line ("loss=0.1 loss=0.9", a JSON object's repeated key) holds
 * its last value (add). */
bool record_get(const record *r, const char *key, double *value)
{
    for (size_t i = 0; i < r->n; i++) {
        if (strcmp(r->f[i].key, key) == 0) {
            *value = r->f[i].value;
            return true;
        }
    }
    return false;
}

const record_field *record_field_of(const record *r, const char *key)
{
    for (size_t i = 0; i < r->n; i++)
        if (strcmp(r->f[i].key, key) == 0)
            return &r->f[i];
    return NULL;
}

const record_field *record_clash(const record *r, const char *key)
{
    const record_field *f = record_field_of(r, key);
    return f && f->clash ? f : NULL;
}

const char *record_bad(const record *r, const char *key)
{
    for (size_t i = 0; i < r->n_bad; i++)
        if (strcmp(r->bad[i].key, key) == 0)
            return r->bad[i].text;
    return NULL;
}
