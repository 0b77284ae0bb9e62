/*
 * nas_train: an MLP on the UCI digits whose architecture is given on the command line, for
 * knob's architecture search (examples/nas/sweep.yaml).
 *
 *     nas_train --layers=2 --layer1.width=64 --layer1.act=relu --layer1.skip=false
 *               --layer2.width=32 --layer2.act=tanh --layer2.skip=true --dropout=0.1
 *               --lr=0.05 --epochs=27
 *
 * 1 to 4 hidden layers, each with its width, activation (relu, tanh, elu) and skip
 * connection (the layer's input added to its output: ResNet's identity shortcut, cut or
 * padded with zeros where the widths differ); dropout after each hidden layer; a softmax
 * output; minibatch SGD (32) with momentum 0.9 and weight decay 1e-4. The data, its split
 * and standardization are examples/digits' (digits_data.c). Prints one JSON record per
 * epoch: {"epoch": E, "val_accuracy": A, "val_loss": L}. Exit status 0, 1 (data or
 * divergence), 2 (arguments).
 */
#include "digits_data.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LAYERS 4
#define MAX_WIDTH 1024
#define BATCH 32

typedef enum { ACT_RELU, ACT_TANH, ACT_ELU } act_kind;

typedef struct arch {
    int layers;
    int width[MAX_LAYERS + 1]; /* width[0] is the input's */
    act_kind act[MAX_LAYERS + 1];
    int skip[MAX_LAYERS + 1];
    double dropout, lr;
    long epochs;
    unsigned long long seed;
    const char *data;
} arch;

/* One dense layer: out x in weights, out biases, with their gradients and velocities. */
typedef struct dense {
    int in, out;
    float *w, *b, *gw, *gb, *vw, *vb;
} dense;

typedef struct net {
    arch a;
    dense l[MAX_LAYERS + 1]; /* l[1..layers] hidden, l[0] the output */
    float *h[MAX_LAYERS + 1], *z[MAX_LAYERS + 1], *mask[MAX_LAYERS + 1], *dh[MAX_LAYERS + 1];
    float prob[N_CLASSES];
} net;

/* ---------------------------------------------------------------- arguments */

static int bad(const char *arg, const char *why)
{
    fprintf(stderr, "nas_train: %s: %s\n", arg, why);
    return -1;
}

static int layer_arg(arch *a, const char *arg, const char *key, const char *v)
{
    int k = key[5] - '0';
    if (k < 1 || k > MAX_LAYERS || key[6] != '.')
        return bad(arg, "layers are layer1 .. layer4");
    const char *f = key + 7;
    if (!strcmp(f, "width")) {
        a->width[k] = atoi(v);
        return a->width[k] >= 1 && a->width[k] <= MAX_WIDTH ? 0 : bad(arg, "width in 1..1024");
    }
    if (!strcmp(f, "act")) {
        a->act[k] = !strcmp(v, "relu") ? ACT_RELU : !strcmp(v, "tanh") ? ACT_TANH : ACT_ELU;
        return !strcmp(v, "relu") || !strcmp(v, "tanh") || !strcmp(v, "elu")
                   ? 0
                   : bad(arg, "act is relu, tanh or elu");
    }
    if (!strcmp(f, "skip")) {
        a->skip[k] = !strcmp(v, "true");
        return !strcmp(v, "true") || !strcmp(v, "false") ? 0 : bad(arg, "skip is true or false");
    }
    return bad(arg, "unknown option");
}

static int parse_args(int argc, char **argv, arch *a)
{
    *a = (arch){.layers = 1, .dropout = 0, .lr = 0.05, .epochs = 27, .data = DIGITS_DATA_DEFAULT};
    for (int k = 1; k <= MAX_LAYERS; k++)
        a->width[k] = 64;
    a->width[0] = N_FEATURES;
    for (int i = 1; i < argc; i++) {
        char key[64];
        const char *arg = argv[i], *eq = strchr(arg, '=');
        if (strncmp(arg, "--", 2) || !eq || (size_t)(eq - arg - 2) >= sizeof key)
            return bad(arg, "expected --name=value");
        memcpy(key, arg + 2, (size_t)(eq - arg - 2));
        key[eq - arg - 2] = 0;
        const char *v = eq + 1;
        int rc = 0;
        if (!strncmp(key, "layer", 5) && strcmp(key, "layers"))
            rc = layer_arg(a, arg, key, v);
        else if (!strcmp(key, "layers"))
            rc = (a->layers = atoi(v)) >= 1 && a->layers <= MAX_LAYERS ? 0 : bad(arg, "1..4");
        else if (!strcmp(key, "dropout"))
            rc = (a->dropout = atof(v)) >= 0 && a->dropout < 1 ? 0 : bad(arg, "in [0, 1)");
        else if (!strcmp(key, "lr"))
            rc = (a->lr = atof(v)) > 0 ? 0 : bad(arg, "> 0");
        else if (!strcmp(key, "epochs"))
            rc = (a->epochs = atol(v)) >= 1 ? 0 : bad(arg, ">= 1");
        else if (!strcmp(key, "seed"))
            a->seed = strtoull(v, NULL, 10);
        else if (!strcmp(key, "data"))
            a->data = v;
        else
            rc = bad(arg, "unknown option");
        if (rc)
            return -1;
    }
    return 0;
}

/* ---------------------------------------------------------------- the network */

static float *zeros(size_t n)
{
    return calloc(n ? n : 1, sizeof(float));
}

static int dense_init(dense *d, int in, int out, rng *r)
{
    size_t n = (size_t)in * (size_t)out;
    *d = (dense){in,       out,
                 zeros(n), zeros((size_t)out),
                 zeros(n), zeros((size_t)out),
                 zeros(n), zeros((size_t)out)};
    if (!d->w || !d->b || !d->gw || !d->gb || !d->vw || !d->vb)
        return -1;
    double scale = sqrt(2.0 / in); /* He */
    for (size_t i = 0; i < n; i++)
        d->w[i] = (float)(scale * rng_normal(r));
    return 0;
}

static int net_init(net *n, const arch *a)
{
    rng r;
    rng_seed(&r, a->seed);
    memset(n, 0, sizeof *n);
    n->a = *a;
    int rc = 0;
    for (int k = 0; k <= a->layers && !rc; k++) {
        n->h[k] = zeros((size_t)a->width[k]);
        n->z[k] = zeros((size_t)a->width[k]);
        n->mask[k] = zeros((size_t)a->width[k]);
        n->dh[k] = zeros((size_t)a->width[k]);
        rc = n->h[k] && n->z[k] && n->mask[k] && n->dh[k] ? 0 : -1;
        if (!rc && k)
            rc = dense_init(&n->l[k], a->width[k - 1], a->width[k], &r);
    }
    return rc ? -1 : dense_init(&n->l[0], a->width[a->layers], N_CLASSES, &r);
}

static void dense_free(dense *d)
{
    free(d->w);
    free(d->b);
    free(d->gw);
    free(d->gb);
    free(d->vw);
    free(d->vb);
}

static void net_free(net *n)
{
    for (int k = 0; k <= MAX_LAYERS; k++) {
        dense_free(&n->l[k]);
        free(n->h[k]);
        free(n->z[k]);
        free(n->mask[k]);
        free(n->dh[k]);
    }
}

static void dataset_free(dataset *d)
{
    free(d->x);
    free(d->y);
}

static float act(act_kind k, float z)
{
    if (k == ACT_RELU)
        return z > 0 ? z : 0;
    if (k == ACT_TANH)
        return tanhf(z);
    return z > 0 ? z : expm1f(z);
}

/* d act / dz, from z and the activation a. */
static float act_grad(act_kind k, float z, float a)
{
    if (k == ACT_RELU)
        return z > 0 ? 1.0f : 0.0f;
    if (k == ACT_TANH)
        return 1 - a * a;
    return z > 0 ? 1.0f : a + 1;
}

static void affine(const dense *d, const float *x, float *y)
{
    for (int o = 0; o < d->out; o++) {
        const float *w = d->w + (size_t)o * (size_t)d->in;
        float s = d->b[o];
        for (int i = 0; i < d->in; i++)
            s += w[i] * x[i];
        y[o] = s;
    }
}

/* The loss of one sample; with r (training), dropout masks are drawn. */
static double forward(net *n, const float *x, int y, rng *r, int *pred)
{
    const arch *a = &n->a;
    memcpy(n->h[0], x, sizeof(float) * N_FEATURES);
    for (int k = 1; k <= a->layers; k++) {
        affine(&n->l[k], n->h[k - 1], n->z[k]);
        for (int o = 0; o < a->width[k]; o++) {
            float v = act(a->act[k], n->z[k][o]);
            if (a->skip[k] && o < a->width[k - 1])
                v += n->h[k - 1][o];
            float m = 1;
            if (r && a->dropout > 0)
                m = rng_uniform(r) < a->dropout ? 0.0f : (float)(1 / (1 - a->dropout));
            n->mask[k][o] = m;
            n->h[k][o] = v * m;
        }
    }
    float logits[N_CLASSES], mx = -INFINITY, sum = 0;
    affine(&n->l[0], n->h[a->layers], logits);
    for (int c = 0; c < N_CLASSES; c++)
        mx = fmaxf(mx, logits[c]);
    for (int c = 0; c < N_CLASSES; c++)
        sum += (n->prob[c] = expf(logits[c] - mx));
    *pred = 0;
    for (int c = 0; c < N_CLASSES; c++) {
        n->prob[c] /= sum;
        if (n->prob[c] > n->prob[*pred])
            *pred = c;
    }
    return -log(fmax(n->prob[y], 1e-12));
}

/* Adds the gradient of d at input x, from dy, to d's gradients; dx (may be NULL) gets the
 * gradient of the input. */
static void affine_back(dense *d, const float *x, const float *dy, float *dx)
{
    if (dx)
        memset(dx, 0, sizeof(float) * (size_t)d->in);
    for (int o = 0; o < d->out; o++) {
        float *gw = d->gw + (size_t)o * (size_t)d->in;
        const float *w = d->w + (size_t)o * (size_t)d->in;
        d->gb[o] += dy[o];
        for (int i = 0; i < d->in; i++)
            gw[i] += dy[o] * x[i];
        if (dx)
            for (int i = 0; i < d->in; i++)
                dx[i] += dy[o] * w[i];
    }
}

static void backward(net *n, int y)
{
    const arch *a = &n->a;
    float dlog[N_CLASSES];
    for (int c = 0; c < N_CLASSES; c++)
        dlog[c] = n->prob[c] - (c == y);
    affine_back(&n->l[0], n->h[a->layers], dlog, n->dh[a->layers]);
    for (int k = a->layers; k >= 1; k--) {
        float dz[MAX_WIDTH];
        for (int o = 0; o < a->width[k]; o++) {
            float dv = n->dh[k][o] * n->mask[k][o];
            float av = act(a->act[k], n->z[k][o]);
            dz[o] = dv * act_grad(a->act[k], n->z[k][o], av);
        }
        affine_back(&n->l[k], n->h[k - 1], dz, k > 1 ? n->dh[k - 1] : NULL);
        if (k > 1 && a->skip[k])
            for (int o = 0; o < a->width[k] && o < a->width[k - 1]; o++)
                n->dh[k - 1][o] += n->dh[k][o] * n->mask[k][o];
    }
}

static void sgd(dense *d, double lr, size_t batch)
{
    size_t n = (size_t)d->in * (size_t)d->out;
    float g = (float)(1.0 / (double)batch);
    for (size_t i = 0; i < n; i++) {
        d->vw[i] = 0.9f * d->vw[i] - (float)lr * (d->gw[i] * g + 1e-4f * d->w[i]);
        d->w[i] += d->vw[i];
        d->gw[i] = 0;
    }
    for (int o = 0; o < d->out; o++) {
        d->vb[o] = 0.9f * d->vb[o] - (float)lr * d->gb[o] * g;
        d->b[o] += d->vb[o];
        d->gb[o] = 0;
    }
}

static double train_epoch(net *n, const dataset *d, size_t *order, rng *r)
{
    double loss = 0;
    int pred;
    shuffle(r, order, d->n);
    for (size_t i = 0; i < d->n; i++) {
        size_t s = order[i];
        loss += forward(n, d->x + s * N_FEATURES, d->y[s], r, &pred);
        backward(n, d->y[s]);
        if ((i + 1) % BATCH == 0 || i + 1 == d->n)
            for (int k = 0; k <= n->a.layers; k++)
                sgd(&n->l[k], n->a.lr, (i % BATCH) + 1);
    }
    return loss / (double)d->n;
}

static void evaluate(net *n, const dataset *d, double *accuracy, double *loss)
{
    size_t right = 0;
    int pred;
    *loss = 0;
    for (size_t i = 0; i < d->n; i++) {
        *loss += forward(n, d->x + i * N_FEATURES, d->y[i], NULL, &pred);
        right += pred == d->y[i];
    }
    *loss /= (double)d->n;
    *accuracy = (double)right / (double)d->n;
}

int main(int argc, char **argv)
{
    arch a;
    dataset all = {0}, train = {0}, val = {0};
    net n = {0};
    if (parse_args(argc, argv, &a))
        return 2;
    int rc = 1;
    size_t *order = NULL;
    if (load_digits(a.data, &all) || split(&all, &train, &val))
        goto done;
    standardize(&train, &val);
    order = malloc(sizeof *order * train.n);
    if (!order || net_init(&n, &a)) {
        fputs("nas_train: out of memory\n", stderr);
        goto done;
    }
    for (size_t i = 0; i < train.n; i++)
        order[i] = i;
    rng r;
    rng_seed(&r, a.seed ^ 0x5eedu);
    for (long e = 1; e <= a.epochs; e++) {
        double tl = train_epoch(&n, &train, order, &r), acc, vl;
        evaluate(&n, &val, &acc, &vl);
        if (!isfinite(tl) || !isfinite(vl)) {
            fprintf(stderr, "nas_train: training diverged at epoch %ld (lr %g)\n", e, a.lr);
            goto done;
        }
        printf("{\"epoch\": %ld, \"val_accuracy\": %.6f, \"val_loss\": %.6f}\n", e, acc, vl);
        fflush(stdout);
    }
    rc = 0;
done:
    net_free(&n);
    free(order);
    dataset_free(&all);
    dataset_free(&train);
    dataset_free(&val);
    return rc;
}
