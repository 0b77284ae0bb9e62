/*
 * digits_train: a small neural network trained on the UCI handwritten digits, for knob
 * to tune.
 *
 * One hidden layer of ReLU units, a softmax output, cross-entropy loss, minibatch SGD
 * with momentum and L2 weight decay. The data (1797 8x8 images, 10 classes) is split
 * once, stratified, 80% train and 20% validation, with a fixed seed that does not depend
 * on --seed, so every trial is scored on the same validation set; features are
 * standardized with the training set's mean and deviation. --seed sets the initial
 * weights and the order of the minibatches: the same arguments give the same output.
 *
 *     digits_train --lr=0.05 --hidden=64 --weight_decay=1e-4 --batch_size=32 --epochs=30
 *
 * prints one JSON record per epoch on stdout, flushed:
 *
 *     {"epoch": 1, "val_accuracy": 0.933148, "val_loss": 0.439416, "train_loss": 0.741463}
 *
 * Exit status: 0 done, 1 the data cannot be read or training diverged, 2 bad arguments.
 * Depends on libm, zlib (without zlib it reads the data through `gzip -dcf`) and, for
 * --hypergrad alone, libknob's knob_hypergrad_* (the rest of it is only run by knob).
 */
#include "knob.h"

#include "digits_data.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
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

/* ---------------------------------------------------------------- options */

typedef struct options {
    double lr, weight_decay, momentum;
    long hidden, batch_size, epochs;
    unsigned long long seed;
    const char *data;
    const char *checkpoint_in, *checkpoint_out; /* directories, or NULL */
    bool lr_find;          /* knob lr-find drives the rate on stdin (KNOB_LR_STEPS is set) */
    const char *hypergrad; /* NULL, "sgd" or "adam": the rate adapts (knob_hypergrad_*) */
    double hyper_lr;       /* the hypergradient's step */
} options;

static void usage(FILE *f)
{
    fprintf(f,
            "usage: digits_train [--lr=X] [--hidden=N] [--weight_decay=X] [--batch_size=N]\n"
            "                    [--epochs=N] [--momentum=X] [--seed=N] [--data=PATH]\n"
            "                    [--checkpoint_in=DIR] [--checkpoint_out=DIR]\n"
            "                    [--hypergrad=sgd|adam] [--hyper_lr=X]\n"
            "  --lr            learning rate, > 0 (default 0.05)\n"
            "  --hidden        hidden units, 1..4096 (default 64)\n"
            "  --weight_decay  L2 penalty on the weights, >= 0 (default 1e-4)\n"
            "  --batch_size    minibatch size, 1..number of training samples (default 32)\n"
            "  --epochs        passes over the training set, 1..100000 (default 30)\n"
            "  --momentum      SGD momentum, in [0, 1) (default 0.9)\n"
            "  --seed          seed of the initial weights and batch order, >= 0 (default 0)\n"
            "  --data          digits.csv.gz (default %s)\n"
            "  --hypergrad     sgd or adam: the learning rate adapts by hypergradient descent\n"
            "                  (libknob's knob_hypergrad_*), starting at --lr, or at the\n"
            "                  checkpoint's rate when --checkpoint_in has one (default none)\n"
            "  --hyper_lr      the hypergradient's step (default 1e-4)\n"
            "  --checkpoint_in   start from the checkpoint in this directory, if it holds one\n"
            "                    (default $KNOB_CHECKPOINT_IN); --epochs counts from zero\n"
            "  --checkpoint_out  save a checkpoint into this directory at the end\n"
            "                    (default $KNOB_CHECKPOINT_OUT)\n"
            "With $KNOB_PBT_END_STEP set (knob's method pbt), --epochs defaults to it.\n"
            "With $KNOB_LR_STEPS set (knob lr-find), it trains one minibatch per \"STEP RATE\"\n"
            "line of stdin and prints {\"step\": S, \"loss\": L} for each.\n"
            "Both --name=value and --name value are accepted. One JSON line per epoch:\n"
            "{\"epoch\": E, \"val_accuracy\": A, \"val_loss\": L, \"train_loss\": T}\n",
            DIGITS_DATA_DEFAULT);
}

static int bad_arg(const char *name, const char *value, const char *why)
{
    fprintf(stderr, "digits_train: --%s=%s: %s (see --help)\n", name, value, why);
    return 2;
}

static int parse_real(const char *name, const char *s, double lo, double hi, int hi_open,
                      double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end || errno == ERANGE || !isfinite(v))
        return bad_arg(name, s, "expected a number");
    if (v < lo || v > hi || (hi_open && v >= hi)) {
        char why[128];
        if (isinf(hi))
            snprintf(why, sizeof why, "out of range, expected a value >= %g", lo);
        else
            snprintf(why, sizeof why, "out of range, expected %g <= value %s %g", lo,
                     hi_open ? "<" : "<=", hi);
        return bad_arg(name, s, why);
    }
    *out = v;
    return 0;
}

/* Integers may come as "64" or "64.0" (some sweep tools print every number as a float). */
static int parse_long(const char *name, const char *s, long lo, long hi, long *out)
{
    double v;
    int rc = parse_real(name, s, (double)lo, (double)hi, 0, &v);
    if (rc)
        return rc;
    if (v != floor(v))
        return bad_arg(name, s, "expected an integer");
    *out = (long)v;
    return 0;
}

static int set_option(options *o, const char *name, const char *value)
{
    double seed;
    int rc;
    if (!strcmp(name, "lr")) {
        if ((rc = parse_real(name, value, -INFINITY, INFINITY, 0, &o->lr)))
            return rc;
        return o->lr > 0 ? 0 : bad_arg(name, value, "must be > 0");
    }
    if (!strcmp(name, "weight_decay"))
        return parse_real(name, value, 0, INFINITY, 0, &o->weight_decay);
    if (!strcmp(name, "momentum"))
        return parse_real(name, value, 0, 1, 1, &o->momentum);
    if (!strcmp(name, "hidden"))
        return parse_long(name, value, 1, 4096, &o->hidden);
    if (!strcmp(name, "batch_size"))
        return parse_long(name, value, 1, MAX_SAMPLES, &o->batch_size);
    if (!strcmp(name, "epochs"))
        return parse_long(name, value, 1, 100000, &o->epochs);
    if (!strcmp(name, "seed")) {
        if ((rc = parse_real(name, value, 0, 9007199254740992.0, 0, &seed)))
            return rc;
        if (seed != floor(seed))
            return bad_arg(name, value, "expected an integer");
        o->seed = (unsigned long long)seed;
        return 0;
    }
    if (!strcmp(name, "data")) {
        o->data = value;
        return 0;
    }
    if (!strcmp(name, "hypergrad")) {
        if (strcmp(value, "sgd") && strcmp(value, "adam") && strcmp(value, "none"))
            return bad_arg(name, value, "expected sgd, adam or none");
        o->hypergrad = strcmp(value, "none") ? value : NULL;
        return 0;
    }
    if (!strcmp(name, "hyper_lr"))
        return parse_real(name, value, 0, INFINITY, 0, &o->hyper_lr);
    if (!strcmp(name, "checkpoint_in") || !strcmp(name, "checkpoint_out")) {
        *(name[11] == 'i' ? &o->checkpoint_in : &o->checkpoint_out) = value;
        return 0;
    }
    fprintf(stderr, "digits_train: unknown option '--%s' (see --help)\n", name);
    return 2;
}

/* Returns 0, 2 for bad arguments, or -1 when --help was printed. */
static int parse_args(int argc, char **argv, options *o)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage(stdout);
            return -1;
        }
        if (strncmp(a, "--", 2) || !a[2]) {
            fprintf(stderr, "digits_train: unexpected argument '%s' (see --help)\n", a);
            return 2;
        }
        char name[64];
        const char *eq = strchr(a + 2, '='), *value;
        size_t len = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
        if (len >= sizeof name) {
            fprintf(stderr, "digits_train: unknown option '%s' (see --help)\n", a);
            return 2;
        }
        memcpy(name, a + 2, len);
        name[len] = 0;
        if (eq) {
            value = eq + 1;
        } else if (i + 1 < argc) {
            value = argv[++i];
        } else {
            fprintf(stderr, "digits_train: option '--%s' needs a value (see --help)\n", name);
            return 2;
        }
        int rc = set_option(o, name, value);
        if (rc)
            return rc;
    }
    return 0;
}

/* ---------------------------------------------------------------- the network */

/* Parameters, their gradient and their velocity share one layout, weights first so that
 * weight decay covers a single range: [w1 (N_FEATURES x h) | w2 (N_CLASSES x h) | b1 (h) |
 * b2 (N_CLASSES)]. w1 is stored input-major so the inner loops run over hidden units,
 * contiguous, and vectorize without reassociating sums. */
typedef struct net {
    size_t h, n_weights, n_params;
    float *p, *g, *v;
    float *hid, *dhid; /* one sample's hidden activations and their gradient */
} net;

typedef struct layers {
    float *w1, *w2, *b1, *b2;
} layers;

static layers view(const net *n, float *base)
{
    layers l;
    l.w1 = base;
    l.w2 = l.w1 + N_FEATURES * n->h;
    l.b1 = l.w2 + N_CLASSES * n->h;
    l.b2 = l.b1 + n->h;
    return l;
}

static int net_init(net *n, size_t h, uint64_t seed)
{
    n->h = h;
    n->n_weights = (N_FEATURES + N_CLASSES) * h;
    n->n_params = n->n_weights + h + N_CLASSES;
    n->p = calloc(n->n_params, sizeof *n->p);
    n->g = calloc(n->n_params, sizeof *n->g);
    n->v = calloc(n->n_params, sizeof *n->v);
    n->hid = calloc(h, sizeof *n->hid);
    n->dhid = calloc(h, sizeof *n->dhid);
    if (!n->p || !n->g || !n->v || !n->hid || !n->dhid)
        return -1;
    rng r;
    rng_seed(&r, seed);
    layers l = view(n, n->p);
    double s1 = sqrt(2.0 / N_FEATURES), s2 = sqrt(1.0 / (double)h); /* He; LeCun */
    for (size_t i = 0; i < N_FEATURES * h; i++)
        l.w1[i] = (float)(s1 * rng_normal(&r));
    for (size_t i = 0; i < N_CLASSES * h; i++)
        l.w2[i] = (float)(s2 * rng_normal(&r));
    return 0;
}

static void net_free(net *n)
{
    free(n->p);
    free(n->g);
    free(n->v);
    free(n->hid);
    free(n->dhid);
}

/* Forward pass of one sample: fills n->hid and prob, returns its cross-entropy loss and
 * sets *pred to the predicted class. */
static double forward(net *n, const float *x, int y, float *prob, int *pred)
{
    layers l = view(n, n->p);
    size_t h = n->h;
    float *hid = n->hid;
    memcpy(hid, l.b1, sizeof *hid * h);
    for (size_t k = 0; k < N_FEATURES; k++) {
        const float xk = x[k], *w = l.w1 + k * h;
        for (size_t j = 0; j < h; j++)
            hid[j] += xk * w[j];
    }
    for (size_t j = 0; j < h; j++)
        hid[j] = hid[j] > 0 ? hid[j] : 0;
    double z[N_CLASSES], zmax = -INFINITY, sum = 0;
    for (int c = 0; c < N_CLASSES; c++) {
        const float *w = l.w2 + c * h;
        float s = l.b2[c];
        for (size_t j = 0; j < h; j++)
            s += w[j] * hid[j];
        z[c] = s;
        if (s > zmax || c == 0) {
            zmax = s;
            *pred = c;
        }
    }
    for (int c = 0; c < N_CLASSES; c++)
        sum += exp(z[c] - zmax);
    for (int c = 0; c < N_CLASSES; c++)
        prob[c] = (float)(exp(z[c] - zmax) / sum);
    return log(sum) + zmax - z[y];
}

/* Adds one sample's gradient (after forward on it) to n->g. */
static void backward(net *n, const float *x, int y, const float *prob)
{
    layers l = view(n, n->p), g = view(n, n->g);
    size_t h = n->h;
    float *dhid = n->dhid;
    memset(dhid, 0, sizeof *dhid * h);
    for (int c = 0; c < N_CLASSES; c++) {
        const float dz = prob[c] - (c == y), *w = l.w2 + c * h;
        float *gw = g.w2 + c * h;
        g.b2[c] += dz;
        for (size_t j = 0; j < h; j++) {
            gw[j] += dz * n->hid[j];
            dhid[j] += dz * w[j];
        }
    }
    for (size_t j = 0; j < h; j++) {
        dhid[j] = n->hid[j] > 0 ? dhid[j] : 0;
        g.b1[j] += dhid[j];
    }
    for (size_t k = 0; k < N_FEATURES; k++) {
        const float xk = x[k];
        float *gw = g.w1 + k * h;
        for (size_t j = 0; j < h; j++)
            gw[j] += xk * dhid[j];
    }
}

/* One SGD step with momentum on the averaged gradient plus weight decay on the weights;
 * clears the gradient. */
static void step(net *n, const options *o, size_t batch)
{
    const float lr = (float)o->lr, mu = (float)o->momentum, inv = 1.0f / (float)batch;
    const float wd = (float)o->weight_decay;
    float *p = n->p, *g = n->g, *v = n->v;
    for (size_t i = 0; i < n->n_weights; i++) {
        v[i] = mu * v[i] - lr * (g[i] * inv + wd * p[i]);
        p[i] += v[i];
        g[i] = 0;
    }
    for (size_t i = n->n_weights; i < n->n_params; i++) {
        v[i] = mu * v[i] - lr * g[i] * inv;
        p[i] += v[i];
        g[i] = 0;
    }
}

/* One pass over the training set in a fresh random order; returns the mean loss of the
 * samples as they were met. */
/* The same step through knob_hypergrad: the averaged gradient plus weight decay, then
 * the optimizer's update of the rate and the params. */
static void hyper_step(net *n, const options *o, size_t batch, knob_hypergrad *h, float *g_avg)
{
    const float inv = 1.0f / (float)batch, wd = (float)o->weight_decay;
    for (size_t i = 0; i < n->n_params; i++) {
        g_avg[i] = n->g[i] * inv + (i < n->n_weights ? wd * n->p[i] : 0);
        n->g[i] = 0;
    }
    knob_hypergrad_step_f(h, n->p, g_avg);
}

static double train_epoch(net *n, const dataset *d, const options *o, size_t *order, rng *r,
                          knob_hypergrad *h, float *g_avg)
{
    float prob[N_CLASSES];
    double total = 0;
    int pred;
    shuffle(r, order, d->n);
    for (size_t start = 0; start < d->n; start += (size_t)o->batch_size) {
        size_t end = start + (size_t)o->batch_size < d->n ? start + (size_t)o->batch_size : d->n;
        for (size_t i = start; i < end; i++) {
            const float *x = d->x + order[i] * N_FEATURES;
            int y = d->y[order[i]];
            total += forward(n, x, y, prob, &pred);
            backward(n, x, y, prob);
        }
        if (h)
            hyper_step(n, o, end - start, h, g_avg);
        else
            step(n, o, end - start);
    }
    return total / (double)d->n;
}

static void evaluate(net *n, const dataset *d, double *accuracy, double *loss)
{
    float prob[N_CLASSES];
    double total = 0;
    size_t correct = 0;
    int pred;
    for (size_t i = 0; i < d->n; i++) {
        total += forward(n, d->x + i * N_FEATURES, d->y[i], prob, &pred);
        correct += pred == d->y[i];
    }
    *accuracy = (double)correct / (double)d->n;
    *loss = total / (double)d->n;
}

/* ---------------------------------------------------------------- checkpoints */

/* A checkpoint is DIR/digits.ckpt: a header (magic, hidden units, epochs done, the batch
 * order's generator, the training samples), then the parameters and their velocities as
 * floats, then the last batch order (each epoch shuffles the one before), then with
 * --hypergrad the optimizer's state (knob_hypergrad_save: its rate, velocity or moments,
 * last direction and step count) as a tag, its size and its bytes. What it holds is all
 * that the next epoch depends on, so training E epochs at once or in pieces through
 * checkpoints prints the same lines. A checkpoint without the optimizer's state (written
 * without --hypergrad, or before it was saved) is read all the same. */
#define CKPT_MAGIC 0x6b6e6f62646731ull /* "knobdg1" */
#define CKPT_HYPERGRAD 0x6b6e6f62686731ull /* "knobhg1": the optimizer's state follows */

typedef struct ckpt_header {
    uint64_t magic, hidden, epoch, rng[4], n_train;
} ckpt_header;

/* The optimizer's state as a checkpoint holds it: malloc'ed bytes, or none. */
typedef struct hg_state {
    unsigned char *bytes;
    uint64_t size;
} hg_state;

static void ckpt_path(const char *dir, char *out, size_t size)
{
    snprintf(out, size, "%s/digits.ckpt", dir);
}

/* The optimizer's section: its tag, its size and its state; nothing without h. */
static int ckpt_save_hypergrad(FILE *f, const knob_hypergrad *h)
{
    if (!h)
        return 1;
    hg_state s = {NULL, knob_hypergrad_state_size(h)};
    uint64_t tag = CKPT_HYPERGRAD;
    s.bytes = malloc(s.size);
    int ok = s.bytes && !knob_hypergrad_save(h, s.bytes, s.size) &&
             fwrite(&tag, sizeof tag, 1, f) == 1 && fwrite(&s.size, sizeof s.size, 1, f) == 1 &&
             fwrite(s.bytes, 1, s.size, f) == s.size;
    free(s.bytes);
    return ok;
}

static int ckpt_save(const char *dir, const net *n, long epoch, const rng *r, const size_t *order,
                     size_t n_train, const knob_hypergrad *hg)
{
    char path[4200], tmp[4300];
    ckpt_path(dir, path, sizeof path);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    ckpt_header h = {
        CKPT_MAGIC, n->h, (uint64_t)epoch, {r->s[0], r->s[1], r->s[2], r->s[3]}, n_train};
    FILE *f = fopen(tmp, "wb");
    int ok = f && fwrite(&h, sizeof h, 1, f) == 1 &&
             fwrite(n->p, sizeof *n->p, n->n_params, f) == n->n_params &&
             fwrite(n->v, sizeof *n->v, n->n_params, f) == n->n_params &&
             fwrite(order, sizeof *order, n_train, f) == n_train && ckpt_save_hypergrad(f, hg);
    if (f && fclose(f))
        ok = 0;
    if (!ok || rename(tmp, path)) { /* a whole checkpoint or none */
        fprintf(stderr, "digits_train: cannot write the checkpoint %s: %s\n", path,
                strerror(errno));
        remove(tmp);
        return -1;
    }
    return 0;
}

/* The optimizer's section, when the file has one, into *s; then the file must end. A state
 * is 48 + 24 bytes a param (knob.h); knob_hypergrad_load checks it in full. */
static int ckpt_load_hypergrad(FILE *f, size_t n_params, hg_state *s)
{
    uint64_t tag;
    size_t got = fread(&tag, 1, sizeof tag, f);
    if (got == 0)
        return feof(f) ? 1 : 0;
    if (got != sizeof tag || tag != CKPT_HYPERGRAD || fread(&s->size, sizeof s->size, 1, f) != 1 ||
        s->size > 64 + 32 * (uint64_t)n_params)
        return 0;
    s->bytes = malloc(s->size ? s->size : 1);
    return s->bytes && fread(s->bytes, 1, s->size, f) == s->size && fgetc(f) == EOF;
}

/* Reads a checkpoint into n (initialized here with its hidden units) and, when it holds one,
 * the optimizer's state into *s; 1 when dir holds none (training starts afresh), -1 when it
 * cannot be read. */
static int ckpt_load(const char *dir, net *n, long *epoch, rng *r, size_t *order, size_t n_train,
                     hg_state *s)
{
    char path[4200];
    ckpt_path(dir, path, sizeof path);
    FILE *f = fopen(path, "rb");
    if (!f && errno == ENOENT)
        return 1;
    ckpt_header h;
    int ok = f && fread(&h, sizeof h, 1, f) == 1 && h.magic == CKPT_MAGIC && h.hidden >= 1 &&
             h.hidden <= 4096 && !net_init(n, (size_t)h.hidden, 0) &&
             fread(n->p, sizeof *n->p, n->n_params, f) == n->n_params &&
             fread(n->v, sizeof *n->v, n->n_params, f) == n->n_params && h.n_train == n_train &&
             fread(order, sizeof *order, n_train, f) == n_train &&
             ckpt_load_hypergrad(f, n->n_params, s);
    for (size_t i = 0; ok && i < n_train; i++)
        ok = order[i] < n_train;
    if (f)
        fclose(f);
    if (!ok) {
        fprintf(stderr, "digits_train: cannot read the checkpoint %s\n", path);
        return -1;
    }
    *epoch = (long)h.epoch;
    memcpy(r->s, h.rng, sizeof r->s);
    return 0;
}

/* ---------------------------------------------------------------- main */

/* The starting point: a fresh network, or the checkpoint in o->checkpoint_in (whose
 * hidden units win over --hidden: the shape of a trained network cannot change). */
static int start(const options *o, net *n, long *epoch, rng *r, size_t *order, size_t n_train,
                 hg_state *s)
{
    *epoch = 0;
    rng_seed(r, o->seed ^ 0x5bd1e995u);
    for (size_t i = 0; i < n_train; i++)
        order[i] = i;
    int rc = o->checkpoint_in && *o->checkpoint_in
                 ? ckpt_load(o->checkpoint_in, n, epoch, r, order, n_train, s)
                 : 1;
    if (rc < 0)
        return -1;
    if (rc == 0 && n->h != (size_t)o->hidden)
        fprintf(stderr,
                "digits_train: the checkpoint has %zu hidden units; --hidden=%ld is "
                "ignored\n",
                n->h, o->hidden);
    if (rc == 1 && net_init(n, (size_t)o->hidden, o->seed)) {
        fprintf(stderr, "digits_train: out of memory\n");
        return -1;
    }
    return 0;
}

/* knob lr-find's protocol: a "STEP RATE" line on stdin per step; one minibatch at that
 * rate, then its mean loss (before the update) printed as {"step": S, "loss": L}; until
 * stdin ends. */
static int lr_find(const options *o, const dataset *train)
{
    net n = {0};
    size_t *order = malloc(sizeof *order * train->n), at = train->n;
    if (!order || net_init(&n, (size_t)o->hidden, o->seed)) {
        fprintf(stderr, "digits_train: out of memory\n");
        free(order);
        net_free(&n);
        return 1;
    }
    rng r;
    rng_seed(&r, o->seed ^ 0x5bd1e995u);
    for (size_t i = 0; i < train->n; i++)
        order[i] = i;
    char line[256];
    float prob[N_CLASSES];
    int pred;
    while (fgets(line, sizeof line, stdin)) {
        long s;
        double rate;
        if (sscanf(line, "%ld %lf", &s, &rate) != 2 || !(rate > 0))
            continue;
        if (at + (size_t)o->batch_size > train->n) {
            shuffle(&r, order, train->n);
            at = 0;
        }
        options step_o = *o;
        step_o.lr = rate;
        double total = 0;
        for (size_t i = at; i < at + (size_t)o->batch_size; i++) {
            const float *x = train->x + order[i] * N_FEATURES;
            total += forward(&n, x, train->y[order[i]], prob, &pred);
            backward(&n, x, train->y[order[i]], prob);
        }
        step(&n, &step_o, (size_t)o->batch_size);
        at += (size_t)o->batch_size;
        double loss = total / (double)o->batch_size;
        if (isfinite(loss))
            printf("{\"step\": %ld, \"loss\": %.6g}\n", s, loss);
        else
            printf("{\"step\": %ld, \"loss\": \"nan\"}\n", s);
        fflush(stdout);
    }
    net_free(&n);
    free(order);
    return 0;
}

/* The --hypergrad optimizer for n's params, from the checkpoint's state s when it holds one
 * (the rate it learned, its velocity or moments), else from --lr. */
static int hypergrad_start(const options *o, const net *n, long done, const hg_state *s,
                           knob_hypergrad **h)
{
    if (!o->hypergrad) {
        if (s->bytes)
            fprintf(stderr, "digits_train: the checkpoint's --hypergrad state is not used "
                            "without --hypergrad (the momentum starts at 0)\n");
        return 0;
    }
    knob_hypergrad_options ho = {.method = !strcmp(o->hypergrad, "adam") ? KNOB_HYPERGRAD_ADAM
                                                                         : KNOB_HYPERGRAD_SGD,
                                 .rate = o->lr,
                                 .hyper_rate = o->hyper_lr,
                                 .momentum = !strcmp(o->hypergrad, "sgd") ? o->momentum : 0};
    if (knob_hypergrad_create(&ho, n->n_params, h) ||
        (s->bytes && knob_hypergrad_load(*h, s->bytes, (size_t)s->size))) {
        fprintf(stderr, "digits_train: --hypergrad: %s\n", knob_errmsg());
        return -1;
    }
    if (!s->bytes && done > 0)
        fprintf(stderr, "digits_train: the checkpoint holds no --hypergrad state (written "
                        "without --hypergrad, or by an older digits_train): the rate starts at "
                        "--lr, the velocity at 0\n");
    return 0;
}

static int run(const options *o, dataset *train, dataset *val)
{
    if (o->lr_find)
        return lr_find(o, train);
    net n = {0};
    size_t *order = malloc(sizeof *order * train->n);
    rng r;
    long done = 0;
    hg_state saved = {NULL, 0};
    int rc = order && !start(o, &n, &done, &r, order, train->n, &saved) ? 0 : 1;
    knob_hypergrad *h = NULL;
    float *g_avg = NULL;
    if (!rc && o->hypergrad && !(g_avg = malloc(n.n_params * sizeof *g_avg))) {
        fprintf(stderr, "digits_train: out of memory\n");
        rc = 1;
    }
    if (!rc && hypergrad_start(o, &n, done, &saved, &h))
        rc = 1;
    free(saved.bytes);
    for (long e = done + 1; !rc && e <= o->epochs; e++) {
        double train_loss = train_epoch(&n, train, o, order, &r, h, g_avg), acc, val_loss;
        evaluate(&n, val, &acc, &val_loss);
        if (!isfinite(train_loss) || !isfinite(val_loss)) {
            fprintf(stderr,
                    "digits_train: training diverged at epoch %ld (loss is not finite); "
                    "try a smaller --lr\n",
                    e);
            rc = 1;
            break;
        }
        if (h)
            printf("{\"epoch\": %ld, \"val_accuracy\": %.6f, \"val_loss\": %.6g, "
                   "\"train_loss\": %.6g, \"lr\": %.6g}\n",
                   e, acc, val_loss, train_loss, knob_hypergrad_rate(h));
        else
            printf("{\"epoch\": %ld, \"val_accuracy\": %.6f, \"val_loss\": %.6g, "
                   "\"train_loss\": %.6g}\n",
                   e, acc, val_loss, train_loss);
        fflush(stdout);
        done = e;
    }
    if (!rc && o->checkpoint_out && *o->checkpoint_out &&
        ckpt_save(o->checkpoint_out, &n, done, &r, order, train->n, h))
        rc = 1;
    knob_hypergrad_free(h);
    free(g_avg);
    net_free(&n);
    free(order);
    return rc;
}

int main(int argc, char **argv)
{
    options o = {.lr = 0.05,
                 .weight_decay = 1e-4,
                 .momentum = 0.9,
                 .hidden = 64,
                 .batch_size = 32,
                 .epochs = 30,
                 .seed = 0,
                 .data = DIGITS_DATA_DEFAULT,
                 .hyper_lr = 1e-4,
                 .checkpoint_in = getenv("KNOB_CHECKPOINT_IN"),
                 .checkpoint_out = getenv("KNOB_CHECKPOINT_OUT")};
    o.lr_find = getenv("KNOB_LR_STEPS") != NULL;
    const char *end = getenv("KNOB_PBT_END_STEP");
    int rc = end && *end ? set_option(&o, "epochs", end) : 0;
    if (!rc)
        rc = parse_args(argc, argv, &o);
    if (rc)
        return rc < 0 ? 0 : rc;
    dataset all = {0}, train = {0}, val = {0};
    rc = load_digits(o.data, &all) ? 1 : 0;
    if (!rc && split(&all, &train, &val)) {
        fprintf(stderr, "digits_train: out of memory\n");
        rc = 1;
    }
    if (!rc && (size_t)o.batch_size > train.n) {
        char why[96], value[32];
        snprintf(why, sizeof why, "larger than the %zu training samples", train.n);
        snprintf(value, sizeof value, "%ld", o.batch_size);
        rc = bad_arg("batch_size", value, why);
    }
    if (!rc) {
        standardize(&train, &val);
        rc = run(&o, &train, &val);
    }
    free(all.x);
    free(all.y);
    free(train.x);
    free(train.y);
    free(val.x);
    free(val.y);
    return rc;
}
