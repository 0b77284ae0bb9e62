/* The UCI digits for the C examples (examples/digits, examples/nas): a seeded generator
 * (xoshiro256**), the data read from digits.csv.gz, a fixed stratified split and
 * standardization. Shared by the programs, written once. */
#ifndef DIGITS_DATA_H
#define DIGITS_DATA_H

#include <stddef.h>
#include <stdint.h>

#ifndef DIGITS_DATA_DEFAULT
#define DIGITS_DATA_DEFAULT "examples/digits/digits.csv.gz"
#endif

#define N_FEATURES 64
#define N_CLASSES 10
#define MAX_SAMPLES 8192
#define SPLIT_SEED 20240531u
#define VAL_FRACTION 0.2

/* xoshiro256** seeded through splitmix64: small, fast, the same on every machine. */
typedef struct rng {
    uint64_t s[4];
} rng;

void rng_seed(rng *r, uint64_t seed);
uint64_t rng_next(rng *r);
double rng_uniform(rng *r);
/* Uniform in [0, n) by rejection, without modulo bias. */
size_t rng_below(rng *r, size_t n);
double rng_normal(rng *r);
void shuffle(rng *r, size_t *idx, size_t n);

typedef struct dataset {
    size_t n;
    float *x; /* n x N_FEATURES */
    int *y;
} dataset;

/* Reads the CSV (64 features, then the class) of `path`, gzipped or not; -1 after
 * printing why. */
int load_digits(const char *path, dataset *d);

/* Stratified: in each class a fixed-seed shuffle puts round(VAL_FRACTION * count) of its
 * samples in validation and the rest in training. */
int split(const dataset *all, dataset *train, dataset *val);

/* Scales each feature to zero mean and unit variance over the training set; a feature
 * that is constant there (a corner pixel that is always 0) is only centered. */
void standardize(dataset *train, dataset *val);

#endif
