/* The UCI digits for the C examples: see digits_data.h. */
#include "digits_data.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef DIGITS_HAVE_ZLIB
#include <zlib.h>
#else
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#endif

/* ---------------------------------------------------------------- randomness */

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

void rng_seed(rng *r, uint64_t seed)
{
    for (int i = 0; i < 4; i++) {
        uint64_t z = (seed += 0x9e3779b97f4a7c15u);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
        r->s[i] = z ^ (z >> 31);
    }
}

uint64_t rng_next(rng *r)
{
    uint64_t *s = r->s, out = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return out;
}

double rng_uniform(rng *r)
{
    return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}

/* Uniform in [0, n) by rejection, without modulo bias. */
size_t rng_below(rng *r, size_t n)
{
    uint64_t limit = UINT64_MAX - UINT64_MAX % n, x;
    do
        x = rng_next(r);
    while (x >= limit);
    return (size_t)(x % n);
}

double rng_normal(rng *r)
{
    double u = 1.0 - rng_uniform(r), v = rng_uniform(r);
    return sqrt(-2.0 * log(u)) * cos(6.283185307179586 * v);
}

void shuffle(rng *r, size_t *idx, size_t n)
{
    for (size_t i = n; i > 1; i--) {
        size_t j = rng_below(r, i), t = idx[i - 1];
        idx[i - 1] = idx[j];
        idx[j] = t;
    }
}

/* ---------------------------------------------------------------- data */

static int parse_line(const char *line, long lineno, const char *path, float *x, int *y)
{
    const char *s = line;
    for (int j = 0; j <= N_FEATURES; j++) {
        char *end;
        long v = strtol(s, &end, 10);
        int last = j == N_FEATURES;
        long max = last ? N_CLASSES - 1 : 16;
        if (end == s || v < 0 || v > max ||
            (last ? (*end && *end != '\n' && *end != '\r') : *end != ',')) {
            fprintf(stderr, "digits_train: %s:%ld: field %d: expected %s\n", path, lineno, j + 1,
                    last ? "a label 0..9 ending the line" : "a pixel 0..16 then ','");
            return -1;
        }
        if (last)
            *y = (int)v;
        else
            x[j] = (float)v;
        s = end + 1;
    }
    return 0;
}

/* The data file is read through zlib (which also reads an uncompressed file as is); a
 * build without zlib reads it through `gzip -dcf`, run without a shell. */
#ifdef DIGITS_HAVE_ZLIB
typedef struct source {
    gzFile gz;
} source;

static int source_open(source *src, const char *path)
{
    errno = 0;
    src->gz = gzopen(path, "rb");
    if (!src->gz)
        fprintf(stderr, "digits_train: cannot open %s: %s (give the file with --data)\n", path,
                errno ? strerror(errno) : "zlib error");
    return src->gz ? 0 : -1;
}

static char *source_gets(source *src, char *buf, int size)
{
    return gzgets(src->gz, buf, size);
}

static int source_close(source *src, const char *path)
{
    int err;
    const char *msg = gzerror(src->gz, &err);
    int rc = err == Z_OK || err == Z_STREAM_END ? 0 : -1;
    if (rc)
        fprintf(stderr, "digits_train: %s: %s\n", path, msg);
    gzclose(src->gz);
    return rc;
}
#else
typedef struct source {
    FILE *f;
    pid_t pid;
} source;

static int source_open(source *src, const char *path)
{
    int fd[2];
    if (access(path, R_OK) || pipe(fd)) {
        fprintf(stderr, "digits_train: cannot open %s: %s (give the file with --data)\n", path,
                strerror(errno));
        return -1;
    }
    src->pid = fork();
    if (src->pid == 0) {
        dup2(fd[1], STDOUT_FILENO);
        close(fd[0]);
        close(fd[1]);
        execlp("gzip", "gzip", "-dcf", "--", path, (char *)NULL);
        _exit(127);
    }
    close(fd[1]);
    src->f = src->pid > 0 ? fdopen(fd[0], "r") : NULL;
    if (!src->f) {
        fprintf(stderr, "digits_train: cannot run gzip on %s: %s\n", path, strerror(errno));
        close(fd[0]);
        return -1;
    }
    return 0;
}

static char *source_gets(source *src, char *buf, int size)
{
    return fgets(buf, size, src->f);
}

static int source_close(source *src, const char *path)
{
    int status = 0;
    fclose(src->f);
    if (waitpid(src->pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status)) {
        fprintf(stderr, "digits_train: %s: gzip -dcf failed\n", path);
        return -1;
    }
    return 0;
}
#endif

int load_digits(const char *path, dataset *d)
{
    source src;
    if (source_open(&src, path))
        return -1;
    d->x = malloc(sizeof *d->x * MAX_SAMPLES * N_FEATURES);
    d->y = malloc(sizeof *d->y * MAX_SAMPLES);
    d->n = 0;
    char line[1024];
    long lineno = 0;
    int rc = d->x && d->y ? 0 : -1;
    while (!rc && source_gets(&src, line, sizeof line)) {
        lineno++;
        if (line[0] == '\n' || line[0] == '\r' || !line[0])
            continue;
        if (d->n == MAX_SAMPLES) {
            fprintf(stderr, "digits_train: %s: more than %d samples\n", path, MAX_SAMPLES);
            rc = -1;
            break;
        }
        rc = parse_line(line, lineno, path, d->x + d->n * N_FEATURES, d->y + d->n);
        d->n += rc == 0;
    }
    if (source_close(&src, path))
        rc = -1;
    if (!rc && d->n < 10 * N_CLASSES) {
        fprintf(stderr, "digits_train: %s: only %zu samples\n", path, d->n);
        rc = -1;
    }
    return rc;
}

/* Stratified: in each class a fixed-seed shuffle puts round(VAL_FRACTION * count) of its
 * samples in validation and the rest in training. */
int split(const dataset *all, dataset *train, dataset *val)
{
    size_t *idx = malloc(sizeof *idx * all->n);
    train->x = malloc(sizeof *train->x * all->n * N_FEATURES);
    train->y = malloc(sizeof *train->y * all->n);
    val->x = malloc(sizeof *val->x * all->n * N_FEATURES);
    val->y = malloc(sizeof *val->y * all->n);
    if (!idx || !train->x || !train->y || !val->x || !val->y) {
        free(idx);
        return -1;
    }
    rng r;
    rng_seed(&r, SPLIT_SEED);
    train->n = val->n = 0;
    for (int c = 0; c < N_CLASSES; c++) {
        size_t m = 0;
        for (size_t i = 0; i < all->n; i++)
            if (all->y[i] == c)
                idx[m++] = i;
        shuffle(&r, idx, m);
        size_t n_val = (size_t)floor(VAL_FRACTION * (double)m + 0.5);
        for (size_t i = 0; i < m; i++) {
            dataset *d = i < n_val ? val : train;
            memcpy(d->x + d->n * N_FEATURES, all->x + idx[i] * N_FEATURES,
                   sizeof *d->x * N_FEATURES);
            d->y[d->n++] = c;
        }
    }
    free(idx);
    return 0;
}

/* Scales each feature to zero mean and unit variance over the training set; a feature
 * that is constant there (a corner pixel that is always 0) is only centered. */
void standardize(dataset *train, dataset *val)
{
    for (int j = 0; j < N_FEATURES; j++) {
        double sum = 0, sq = 0;
        for (size_t i = 0; i < train->n; i++)
            sum += train->x[i * N_FEATURES + j];
        double mean = sum / (double)train->n;
        for (size_t i = 0; i < train->n; i++) {
            double d = train->x[i * N_FEATURES + j] - mean;
            sq += d * d;
        }
        double sd = sqrt(sq / (double)train->n);
        double scale = sd > 1e-8 ? 1.0 / sd : 1.0;
        for (size_t i = 0; i < train->n; i++)
            train->x[i * N_FEATURES + j] = (float)((train->x[i * N_FEATURES + j] - mean) * scale);
        for (size_t i = 0; i < val->n; i++)
            val->x[i * N_FEATURES + j] = (float)((val->x[i * N_FEATURES + j] - mean) * scale);
    }
}
