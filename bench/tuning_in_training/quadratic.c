/* The second task of bench/tuning_in_training: SGD on a noisy quadratic (the noisy quadratic
 * model of Zhang et al. 2019), a task whose best learning rate changes during training.
 *
 * L(w) = 1/2 sum_i h_i w_i^2 over 50 dimensions, h_i = 1/i, from w_i = 10 (L = 225); each
 * step's gradient is h w + sqrt(h) * noise (standard normal, a function of --seed and the
 * step alone, so a run resumed from a checkpoint is the same run). A large rate converges
 * fast but stays at a noise floor of about lr/4 sum_i h_i; a small one leaves the flat
 * dimensions where they started: the best schedule decays, and no fixed rate matches it.
 * An epoch is 50 steps; one JSON line per epoch: {"epoch", "val_loss"} (the exact loss).
 *
 *   quadratic --lr=X [--epochs=N] [--seed=N] [--hypergrad=sgd --hyper_lr=X]
 *
 * With $KNOB_PBT_END_STEP set (method pbt) it trains from $KNOB_CHECKPOINT_IN's epoch to
 * that epoch and saves into $KNOB_CHECKPOINT_OUT. --hypergrad=sgd adapts the rate by
 * libknob's knob_hypergrad_* (SGD, rate kept in (0, 1.9]); its checkpoint holds the
 * optimizer's state too (hypergrad.state: the rate it learned), so a resumed run goes on at
 * that rate. */
#include "knob.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DIM 50
#define STEPS 50

static uint64_t mix(uint64_t z)
{
    z += 0x9e3779b97f4a7c15ull;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* The i-th standard normal of step `step` (Box-Muller on two hashed uniforms). */
static double noise(uint64_t seed, uint64_t step, int i)
{
    uint64_t a = mix(mix(seed * 0x100000001b3ull + step) + (uint64_t)(2 * i));
    uint64_t b = mix(a + 1);
    double u1 = ((double)(a >> 11) + 0.5) / 9007199254740992.0;
    double u2 = (double)(b >> 11) / 9007199254740992.0;
    return sqrt(-2 * log(u1)) * cos(2 * M_PI * u2);
}

/* The optimizer's state (knob_hypergrad_save) in DIR/hypergrad.state, beside state.txt. */
static int save_hypergrad(const char *dir, const knob_hypergrad *hg)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/hypergrad.state", dir);
    size_t size = knob_hypergrad_state_size(hg);
    unsigned char *state = malloc(size);
    FILE *f = state && !knob_hypergrad_save(hg, state, size) ? fopen(path, "wb") : NULL;
    int ok = f && fwrite(state, 1, size, f) == size;
    if (f && fclose(f))
        ok = 0;
    free(state);
    return ok ? 0 : -1;
}

/* Takes DIR/hypergrad.state into hg when the checkpoint has one (one written without
 * --hypergrad has none: the rate starts at --lr). */
static int load_hypergrad(const char *dir, knob_hypergrad *hg)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/hypergrad.state", dir);
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    size_t size = knob_hypergrad_state_size(hg);
    unsigned char *state = malloc(size + 1);
    int rc = state && fread(state, 1, size + 1, f) == size ? 0 : -1;
    fclose(f);
    if (!rc && knob_hypergrad_load(hg, state, size)) {
        fprintf(stderr, "quadratic: %s: %s\n", path, knob_errmsg());
        rc = -1;
    } else if (rc) {
        fprintf(stderr, "quadratic: %s is corrupt\n", path);
    }
    free(state);
    return rc;
}

static int save(const char *dir, const double *w, long epoch, const knob_hypergrad *hg)
{
    if (!dir || !*dir)
        return 0;
    char path[4096];
    snprintf(path, sizeof path, "%s/state.txt", dir);
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fprintf(f, "%ld\n", epoch);
    for (int i = 0; i < DIM; i++)
        fprintf(f, "%.17g\n", w[i]);
    if (fclose(f))
        return -1;
    return hg ? save_hypergrad(dir, hg) : 0;
}

int main(int argc, char **argv)
{
    double lr = 0.1, hyper_lr = 1e-4, w[DIM], h[DIM];
    long epochs = 30, start = 0;
    unsigned long long seed = 0;
    int hyper = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strncmp(a, "--lr=", 5))
            lr = atof(a + 5);
        else if (!strncmp(a, "--epochs=", 9))
            epochs = atol(a + 9);
        else if (!strncmp(a, "--seed=", 7))
            seed = strtoull(a + 7, NULL, 10);
        else if (!strcmp(a, "--hypergrad=sgd"))
            hyper = 1;
        else if (!strncmp(a, "--hyper_lr=", 11))
            hyper_lr = atof(a + 11);
        else {
            fprintf(stderr, "quadratic: unknown option %s\n", a);
            return 2;
        }
    }
    if (getenv("KNOB_PBT_END_STEP"))
        epochs = atol(getenv("KNOB_PBT_END_STEP"));
    for (int i = 0; i < DIM; i++)
        h[i] = 1.0 / (i + 1), w[i] = 10;
    const char *in = getenv("KNOB_CHECKPOINT_IN");
    if (in && *in) {
        char path[4096];
        snprintf(path, sizeof path, "%s/state.txt", in);
        FILE *f = fopen(path, "r");
        if (f) {
            int ok = fscanf(f, "%ld", &start) == 1;
            for (int i = 0; ok && i < DIM; i++)
                ok = fscanf(f, "%lf", &w[i]) == 1;
            fclose(f);
            if (!ok) {
                fprintf(stderr, "quadratic: %s is corrupt\n", path);
                return 1;
            }
        }
    }
    knob_hypergrad *hg = NULL;
    if (hyper) {
        knob_hypergrad_options o = {
            .method = KNOB_HYPERGRAD_SGD, .rate = lr, .hyper_rate = hyper_lr, .max_rate = 1.9};
        if (knob_hypergrad_create(&o, DIM, &hg)) {
            fprintf(stderr, "quadratic: %s\n", knob_errmsg());
            return 1;
        }
        if (in && *in && load_hypergrad(in, hg)) {
            knob_hypergrad_free(hg);
            return 1;
        }
    }
    long epoch = start;
    for (; epoch < epochs; epoch++) {
        int blown = 0;
        for (int s = 0; s < STEPS && !blown; s++) {
            uint64_t step = (uint64_t)(epoch * STEPS + s);
            double g[DIM];
            for (int i = 0; i < DIM; i++)
                g[i] = h[i] * w[i] + sqrt(h[i]) * noise(seed, step, i);
            if (hg)
                knob_hypergrad_step(hg, w, g);
            else
                for (int i = 0; i < DIM; i++)
                    w[i] -= lr * g[i];
            for (int i = 0; i < DIM; i++)
                blown |= !isfinite(w[i]) || fabs(w[i]) > 1e6;
        }
        double loss = 0;
        for (int i = 0; i < DIM; i++)
            loss += 0.5 * h[i] * w[i] * w[i];
        if (blown || !isfinite(loss)) {
            printf("{\"epoch\": %ld, \"val_loss\": 1e6}\n", epoch + 1);
            epoch++;
            break;
        }
        printf("{\"epoch\": %ld, \"val_loss\": %.10g}\n", epoch + 1, loss);
    }
    int rc = save(getenv("KNOB_CHECKPOINT_OUT"), w, epoch, hg);
    knob_hypergrad_free(hg);
    if (rc) {
        fprintf(stderr, "quadratic: cannot save the checkpoint\n");
        return 1;
    }
    return 0;
}
