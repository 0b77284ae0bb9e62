/* TPE's kept state (see tpe_state.h). */
#include "samplers/tpe_state.h"
#include "internal.h"
#include "math/tpe_parzen.h"
#include "util/bytes.h"

#include <math.h>
#include <string.h>

#define TOP KNOB__TPE_KEPT_TOP
#define LAST KNOB__TPE_KEPT_LAST
#define NO_POS UINT64_MAX
#define CELLS KNOB__TPE_CELLS

knob__tpe_kept *knob__tpe_kept_new(size_t n_cols, const char *const *names,
                                   const knob_distribution *const *dists)
{
    knob__tpe_kept *k = calloc(1, sizeof *k);
    if (!k)
        return NULL;
    k->cols = calloc(n_cols ? n_cols : 1, sizeof *k->cols);
    k->top_pos = malloc(TOP * (n_cols ? n_cols : 1) * sizeof *k->top_pos);
    k->top_y = malloc(TOP * (n_cols ? n_cols : 1) * sizeof *k->top_y);
    if (!k->cols || !k->top_pos || !k->top_y) {
        knob__tpe_kept_free(k);
        return NULL;
    }
    k->n_cols = n_cols;
    for (size_t c = 0; c < n_cols; c++) {
        knob__tpe_kept_col *col = &k->cols[c];
        col->dist = *dists[c];
        col->dist.choices = NULL;
        col->dist.n_choices = 0;
        if (!(col->name = knob__strdup(names[c])) ||
            knob__tpe_cells_reset(&col->acc, col->dist.low, col->dist.high)) {
            knob__tpe_kept_free(k);
            return NULL;
        }
    }
    return k;
}

void knob__tpe_kept_free(knob__tpe_kept *k)
{
    if (!k)
        return;
    for (size_t c = 0; c < k->n_cols; c++) {
        free(k->cols[c].name);
        knob__tpe_cells_free(&k->cols[c].acc);
    }
    free(k->cols);
    free(k->top_pos);
    free(k->top_y);
    free(k->open);
    free(k->open_y);
    free(k);
}

int knob__tpe_kept_col_of(const knob__tpe_kept *k, const char *name, const knob_distribution *d)
{
    for (size_t c = 0; c < k->n_cols; c++) {
        const knob_distribution *e = &k->cols[c].dist;
        if (strcmp(k->cols[c].name, name) == 0 && e->kind == d->kind && e->low == d->low &&
            e->high == d->high && e->step == d->step && e->flags == d->flags && d->n_choices == 0)
            return (int)c;
    }
    return -1;
}

static bool ranks_before(const knob__tpe_rank *a, const knob__tpe_rank *b)
{
    if (a->step_key != b->step_key)
        return a->step_key < b->step_key;
    return a->loss < b->loss;
}

/* Inserts r into a best list of TOP (values per column along), as tpe.c's top_update. */
static void top_insert(knob__tpe_rank *top, uint64_t *pos, double *y, size_t *n, size_t n_cols,
                       const knob__tpe_rank *r, const uint64_t *rpos, const double *ry)
{
    if (*n == TOP && !ranks_before(r, &top[TOP - 1]))
        return;
    size_t j = *n < TOP ? (*n)++ : TOP - 1;
    while (j > 0 && ranks_before(r, &top[j - 1])) {
        top[j] = top[j - 1];
        if (pos) {
            memcpy(pos + j * n_cols, pos + (j - 1) * n_cols, n_cols * sizeof *pos);
            memcpy(y + j * n_cols, y + (j - 1) * n_cols, n_cols * sizeof *y);
        }
        j--;
    }
    top[j] = *r;
    if (pos) {
        memcpy(pos + j * n_cols, rpos, n_cols * sizeof *pos);
        memcpy(y + j * n_cols, ry, n_cols * sizeof *y);
    }
}

void knob__tpe_kept_top_add(knob__tpe_kept *k, const knob__tpe_rank *r, const uint64_t *pos,
                            const double *y)
{
    top_insert(k->top, k->top_pos, k->top_y, &k->n_top, k->n_cols, r, pos, y);
}

int knob__tpe_kept_add_frozen(knob__tpe_kept *k, const knob__tpe_rank *r, const double *y)
{
    uint64_t pos[64];
    double *yy = NULL, ys[64];
    if (k->n_cols > 64)
        return KNOB_ENOMEM;
    yy = ys;
    for (size_t c = 0; c < k->n_cols; c++) {
        knob__tpe_kept_col *col = &k->cols[c];
        yy[c] = y[c];
        if (isnan(y[c])) {
            pos[c] = NO_POS;
            continue;
        }
        pos[c] = col->acc.n;
        knob__tpe_cells_add(&col->acc, y[c]);
        if (col->n_last == LAST) {
            memmove(col->last_pos, col->last_pos + 1, (LAST - 1) * sizeof *col->last_pos);
            memmove(col->last_y, col->last_y + 1, (LAST - 1) * sizeof *col->last_y);
            memmove(col->last_num, col->last_num + 1, (LAST - 1) * sizeof *col->last_num);
            col->n_last--;
        }
        col->last_pos[col->n_last] = pos[c];
        col->last_y[col->n_last] = y[c];
        col->last_num[col->n_last++] = r->number;
    }
    top_insert(k->top, k->top_pos, k->top_y, &k->n_top, k->n_cols, r, pos, yy);
    k->n_frozen++;
    return KNOB_OK;
}

/* Freezes the open trials from `settled` on while they are finished and known. */
static int freeze(knob__tpe_kept *k)
{
    size_t i = 0;
    int rc = KNOB_OK;
    for (; i < k->n_open && !rc; i++) {
        const knob__tpe_open *o = &k->open[i];
        if (o->r.number != k->settled || !o->settled)
            break;
        if (o->is_obs)
            rc = knob__tpe_kept_add_frozen(k, &o->r, k->open_y + i * k->n_cols);
        k->settled++;
    }
    if (i) {
        memmove(k->open, k->open + i, (k->n_open - i) * sizeof *k->open);
        memmove(k->open_y, k->open_y + i * k->n_cols,
                (k->n_open - i) * k->n_cols * sizeof *k->open_y);
        k->n_open -= i;
    }
    return rc;
}

int knob__tpe_kept_put(knob__tpe_kept *k, const knob__tpe_open *t, const double *y)
{
    if (t->r.number < k->settled)
        return KNOB_ECORRUPT;
    size_t lo = 0, hi = k->n_open;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (k->open[mid].r.number < t->r.number)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == k->n_open || k->open[lo].r.number != t->r.number) {
        size_t need = k->n_open + 1;
        if (need > k->cap_open) {
            size_t cap = need * 2 + 8;
            knob__tpe_open *o = realloc(k->open, cap * sizeof *o);
            if (o)
                k->open = o;
            double *yy =
                o ? realloc(k->open_y, cap * (k->n_cols ? k->n_cols : 1) * sizeof *yy) : NULL;
            if (!yy)
                return KNOB_ENOMEM;
            k->open_y = yy;
            k->cap_open = cap;
        }
        memmove(k->open + lo + 1, k->open + lo, (k->n_open - lo) * sizeof *k->open);
        memmove(k->open_y + (lo + 1) * k->n_cols, k->open_y + lo * k->n_cols,
                (k->n_open - lo) * k->n_cols * sizeof *k->open_y);
        k->n_open++;
    }
    k->open[lo] = *t;
    if (k->n_cols)
        memcpy(k->open_y + lo * k->n_cols, y, k->n_cols * sizeof *y);
    return freeze(k);
}

static bool counted(const knob__tpe_open *o, int64_t self)
{
    return o->is_obs && o->r.number != self;
}

size_t knob__tpe_kept_n_obs(const knob__tpe_kept *k, int64_t self)
{
    size_t n = (size_t)k->n_frozen;
    for (size_t i = 0; i < k->n_open; i++)
        n += counted(&k->open[i], self);
    return n;
}

static bool is_good(const knob__tpe_kept *k, int64_t number)
{
    for (size_t i = 0; i < k->n_good; i++)
        if (k->good[i] == number)
            return true;
    return false;
}

bool knob__tpe_kept_split(knob__tpe_kept *k, int64_t self, size_t gamma, size_t n_obs,
                          size_t n_done)
{
    knob__tpe_rank top[TOP];
    size_t n_top = k->n_top;
    memcpy(top, k->top, n_top * sizeof *top);
    for (size_t i = 0; i < k->n_open; i++)
        if (counted(&k->open[i], self))
            top_insert(top, NULL, NULL, &n_top, 0, &k->open[i].r, NULL, NULL);
    k->n_good = 0;
    k->explore = false;
    size_t got = gamma < n_top ? gamma : n_top;
    bool all = n_top == n_obs;
    const knob__tpe_rank *last = n_top ? &top[n_top - 1] : NULL;
    if (got && !all && !ranks_before(&top[got - 1], last))
        return false;
    size_t better = 0, tied = 0;
    const knob__tpe_rank *edge = got ? &top[got - 1] : NULL;
    bool good[TOP] = {false};
    for (size_t j = 0; j < n_top && edge; j++) {
        if (top[j].step_key == INFINITY)
            continue;
        if (ranks_before(&top[j], edge))
            better++;
        else if (!ranks_before(edge, &top[j]))
            tied++;
    }
    if (!edge) {
        /* nothing finished: nothing is good */
    } else if (better + tied <= got) {
        for (size_t j = 0; j < got; j++)
            good[j] = true;
    } else if (better > 0) {
        for (size_t j = 0; j < got; j++)
            good[j] = ranks_before(&top[j], edge);
    } else if (tied == n_done) {
        k->explore = true;
    } else {
        for (size_t j = 0; j < n_top; j++)
            good[j] = top[j].step_key != INFINITY && !ranks_before(edge, &top[j]);
    }
    for (size_t j = 0; j < n_top; j++)
        if (good[j])
            k->good[k->n_good++] = top[j].number;
    /* by number, as tpe.c takes the good side in time order */
    for (size_t i = 1; i < k->n_good; i++) {
        int64_t v = k->good[i];
        size_t j = i;
        for (; j > 0 && k->good[j - 1] > v; j--)
            k->good[j] = k->good[j - 1];
        k->good[j] = v;
    }
    k->ei_threshold = INFINITY;
    for (size_t j = 0; j < n_top; j++) {
        if (top[j].step_key != -INFINITY)
            break;
        if (!good[j]) {
            k->ei_threshold = top[j].loss;
            break;
        }
    }
    return true;
}

/* The frozen good observation `number` of the best list, or -1. */
static long top_index(const knob__tpe_kept *k, int64_t number)
{
    for (size_t j = 0; j < k->n_top; j++)
        if (k->top[j].number == number)
            return (long)j;
    return -1;
}

int knob__tpe_kept_gather(const knob__tpe_kept *k, size_t c, int64_t self, knob__tpe_cells *tail,
                          knob__tpe_cell_obs *special, size_t *n_special, double *yg,
                          knob__tpe_rank *lg, size_t *g)
{
    const knob__tpe_kept_col *col = &k->cols[c];
    uint64_t *opos = malloc((k->n_open ? k->n_open : 1) * sizeof *opos);
    if (!opos || knob__tpe_cells_copy(tail, &col->acc)) {
        free(opos);
        return KNOB_ENOMEM;
    }
    for (size_t i = 0; i < k->n_open; i++) {
        double y = k->open_y[i * k->n_cols + c];
        opos[i] = NO_POS;
        if (counted(&k->open[i], self) && !isnan(y)) {
            opos[i] = tail->n;
            knob__tpe_cells_add(tail, y);
        }
    }
    /* the good ones in trial order: frozen ones from the best list, open ones here */
    size_t ng = 0;
    for (size_t i = 0; i < k->n_good; i++) {
        int64_t num = k->good[i];
        long t = num < k->settled ? top_index(k, num) : -1;
        double y = NAN;
        uint64_t pos = NO_POS;
        const knob__tpe_rank *r = NULL;
        if (t >= 0) {
            y = k->top_y[(size_t)t * k->n_cols + c];
            pos = k->top_pos[(size_t)t * k->n_cols + c];
            r = &k->top[t];
        } else {
            for (size_t j = 0; j < k->n_open; j++) {
                if (k->open[j].r.number == num) {
                    y = k->open_y[j * k->n_cols + c];
                    pos = opos[j];
                    r = &k->open[j].r;
                    break;
                }
            }
        }
        if (!r || isnan(y))
            continue;
        special[ng] = (knob__tpe_cell_obs){(size_t)pos, y, true};
        lg[ng] = *r;
        yg[ng++] = y;
    }
    *g = ng;
    /* the last 26 positions' bad ones, in descending positions */
    knob__tpe_cell_obs last[LAST];
    size_t nl = 0;
    size_t from = tail->n >= LAST ? tail->n - LAST : 0;
    bool done = false;
    for (size_t i = k->n_open; i-- > 0 && !done;) {
        if (opos[i] == NO_POS)
            continue;
        if (opos[i] < from) {
            done = true;
            break;
        }
        if (!is_good(k, k->open[i].r.number))
            last[nl++] = (knob__tpe_cell_obs){(size_t)opos[i], k->open_y[i * k->n_cols + c], false};
    }
    for (size_t i = col->n_last; i-- > 0 && !done;) {
        if (col->last_pos[i] < from)
            break;
        if (!is_good(k, col->last_num[i]))
            last[nl++] = (knob__tpe_cell_obs){(size_t)col->last_pos[i], col->last_y[i], false};
    }
    free(opos);
    size_t n = ng + nl, a = ng, b = 0;
    for (size_t q = n; q-- > 0;) {
        if (b < nl && (a == 0 || last[b].j > special[a - 1].j))
            special[q] = last[b++];
        else
            special[q] = special[--a];
    }
    *n_special = n;
    return KNOB_OK;
}

/* ---------------------------------------------------------------- bytes */

#define KEPT_MAGIC UINT64_C(0x3170746b626f6e6b) /* "knobktp1" */

static void put_u64(knobx_bytes *b, uint64_t v)
{
    knobx_bytes_put(b, &v, sizeof v);
}

void *knob__tpe_kept_encode(const knob__tpe_kept *k, size_t *len)
{
    knobx_bytes b = {0};
    put_u64(&b, KEPT_MAGIC);
    knobx_bytes_put(&b, &k->stamp, sizeof k->stamp);
    knobx_bytes_put(&b, &k->settled, sizeof k->settled);
    put_u64(&b, k->n_frozen);
    put_u64(&b, k->n_cols);
    put_u64(&b, k->n_top);
    put_u64(&b, k->n_open);
    for (size_t c = 0; c < k->n_cols; c++) {
        const knob__tpe_kept_col *col = &k->cols[c];
        uint64_t nl = strlen(col->name);
        put_u64(&b, nl);
        knobx_bytes_put(&b, col->name, nl);
        knobx_bytes_put(&b, &col->dist.kind, sizeof col->dist.kind);
        knobx_bytes_put(&b, &col->dist.low, sizeof(double));
        knobx_bytes_put(&b, &col->dist.high, sizeof(double));
        knobx_bytes_put(&b, &col->dist.step, sizeof(double));
        knobx_bytes_put(&b, &col->dist.flags, sizeof col->dist.flags);
        knobx_bytes_put(&b, &col->acc.low, sizeof(double));
        knobx_bytes_put(&b, &col->acc.scale, sizeof(double));
        put_u64(&b, col->acc.n);
        knobx_bytes_put(&b, col->acc.sum, 4 * CELLS * sizeof *col->acc.sum);
        put_u64(&b, col->n_last);
        knobx_bytes_put(&b, col->last_pos, col->n_last * sizeof *col->last_pos);
        knobx_bytes_put(&b, col->last_y, col->n_last * sizeof *col->last_y);
        knobx_bytes_put(&b, col->last_num, col->n_last * sizeof *col->last_num);
    }
    knobx_bytes_put(&b, k->top, k->n_top * sizeof *k->top);
    knobx_bytes_put(&b, k->top_pos, k->n_top * k->n_cols * sizeof *k->top_pos);
    knobx_bytes_put(&b, k->top_y, k->n_top * k->n_cols * sizeof *k->top_y);
    for (size_t i = 0; i < k->n_open; i++) {
        const knob__tpe_open *o = &k->open[i];
        knobx_bytes_put(&b, &o->r, sizeof o->r);
        unsigned char f[2] = {o->settled, o->is_obs};
        knobx_bytes_put(&b, f, 2);
    }
    knobx_bytes_put(&b, k->open_y, k->n_open * k->n_cols * sizeof *k->open_y);
    if (b.oom) {
        free(b.p);
        return NULL;
    }
    *len = b.n;
    return b.p;
}

knob__tpe_kept *knob__tpe_kept_decode(const void *data, size_t len)
{
    knobx_reader r = {data, (const unsigned char *)data + len};
    uint64_t magic, n_frozen, n_cols, n_top, n_open;
    int64_t stamp, settled;
    if (!data || !knobx_read(&r, &magic, 8) || magic != KEPT_MAGIC || !knobx_read(&r, &stamp, 8) ||
        !knobx_read(&r, &settled, 8) || !knobx_read(&r, &n_frozen, 8) ||
        !knobx_read(&r, &n_cols, 8) || !knobx_read(&r, &n_top, 8) || !knobx_read(&r, &n_open, 8) ||
        n_cols > 64 || n_top > TOP || n_open > len || settled < 0)
        return NULL;
    knob__tpe_kept *k = calloc(1, sizeof *k);
    if (!k)
        return NULL;
    k->stamp = stamp;
    k->settled = settled;
    k->n_frozen = n_frozen;
    k->cols = calloc(n_cols ? n_cols : 1, sizeof *k->cols);
    k->top_pos = malloc(TOP * (n_cols ? n_cols : 1) * sizeof *k->top_pos);
    k->top_y = malloc(TOP * (n_cols ? n_cols : 1) * sizeof *k->top_y);
    bool ok = k->cols && k->top_pos && k->top_y;
    for (size_t c = 0; ok && c < n_cols; c++) {
        knob__tpe_kept_col *col = &k->cols[c];
        uint64_t nl = 0, an = 0, nlast = 0;
        k->n_cols = c + 1;
        ok = knobx_read(&r, &nl, 8) && nl < 4096 && (size_t)(r.end - r.p) >= nl &&
             (col->name = malloc(nl + 1));
        if (!ok)
            break;
        knobx_read(&r, col->name, nl);
        col->name[nl] = 0;
        ok = knobx_read(&r, &col->dist.kind, sizeof col->dist.kind) &&
             knobx_read(&r, &col->dist.low, sizeof(double)) &&
             knobx_read(&r, &col->dist.high, sizeof(double)) &&
             knobx_read(&r, &col->dist.step, sizeof(double)) &&
             knobx_read(&r, &col->dist.flags, sizeof col->dist.flags) &&
             (col->acc.sum = malloc(4 * CELLS * sizeof *col->acc.sum)) &&
             knobx_read(&r, &col->acc.low, sizeof(double)) &&
             knobx_read(&r, &col->acc.scale, sizeof(double)) && knobx_read(&r, &an, 8) &&
             knobx_read(&r, col->acc.sum, 4 * CELLS * sizeof *col->acc.sum) &&
             knobx_read(&r, &nlast, 8) && nlast <= LAST &&
             knobx_read(&r, col->last_pos, nlast * sizeof *col->last_pos) &&
             knobx_read(&r, col->last_y, nlast * sizeof *col->last_y) &&
             knobx_read(&r, col->last_num, nlast * sizeof *col->last_num);
        col->acc.n = (size_t)an;
        col->n_last = (size_t)nlast;
    }
    k->n_cols = n_cols;
    ok = ok && knobx_read(&r, k->top, n_top * sizeof *k->top) &&
         knobx_read(&r, k->top_pos, n_top * n_cols * sizeof *k->top_pos) &&
         knobx_read(&r, k->top_y, n_top * n_cols * sizeof *k->top_y);
    k->n_top = n_top;
    if (ok && n_open) {
        k->open = malloc(n_open * sizeof *k->open);
        k->open_y = malloc(n_open * (n_cols ? n_cols : 1) * sizeof *k->open_y);
        k->cap_open = n_open;
        ok = k->open && k->open_y;
        for (size_t i = 0; ok && i < n_open; i++) {
            unsigned char f[2] = {0, 0};
            ok = knobx_read(&r, &k->open[i].r, sizeof k->open[i].r) && knobx_read(&r, f, 2) &&
                 f[0] <= 1 && f[1] <= 1;
            k->open[i].settled = f[0];
            k->open[i].is_obs = f[1];
            ok = ok && (i == 0 || k->open[i].r.number > k->open[i - 1].r.number) &&
                 k->open[i].r.number >= settled;
        }
        ok = ok && knobx_read(&r, k->open_y, n_open * n_cols * sizeof *k->open_y);
        k->n_open = n_open;
    }
    if (!ok || r.p != r.end) {
        knob__tpe_kept_free(k);
        return NULL;
    }
    return k;
}
