/* Running sums of the merge grid's cells (see tpe_cells.h). */
#include "math/tpe_cells.h"
#include "math/status.h"
#include "math/tpe_parzen.h"

#include <stdlib.h>
#include <string.h>

#define CELLS KNOB__TPE_CELLS

int knob__tpe_cells_reset(knob__tpe_cells *c, double low, double high)
{
    if (!c->sum && !(c->sum = malloc(4 * CELLS * sizeof *c->sum)))
        return KNOB__MATH_ENOMEM;
    memset(c->sum, 0, 4 * CELLS * sizeof *c->sum);
    c->low = low;
    c->scale = CELLS / (high - low);
    c->n = 0;
    return KNOB__MATH_OK;
}

/* The cell of y, as tpe_parzen.c's merge_cells takes it. */
static size_t cell_of(const knob__tpe_cells *c, double y)
{
    double x = (y - c->low) * c->scale;
    return x <= 0 ? 0 : x >= CELLS - 1 ? CELLS - 1 : (size_t)x;
}

void knob__tpe_cells_add(knob__tpe_cells *c, double y)
{
    size_t k = cell_of(c, y);
    double j = (double)c->n++;
    double *s = c->sum;
    s[k] += 1;
    s[CELLS + k] += j;
    s[2 * CELLS + k] += y;
    s[3 * CELLS + k] += j * y;
}

int knob__tpe_cells_copy(knob__tpe_cells *dst, const knob__tpe_cells *src)
{
    if (!dst->sum && !(dst->sum = malloc(4 * CELLS * sizeof *dst->sum)))
        return KNOB__MATH_ENOMEM;
    memcpy(dst->sum, src->sum, 4 * CELLS * sizeof *dst->sum);
    dst->low = src->low;
    dst->scale = src->scale;
    dst->n = src->n;
    return KNOB__MATH_OK;
}

void knob__tpe_cells_free(knob__tpe_cells *c)
{
    free(c->sum);
    memset(c, 0, sizeof *c);
}

size_t knob__tpe_cells_merge(const knob__tpe_cells *c, const knob__tpe_cell_obs *special,
                             size_t n_special, double high, double *y, double *w)
{
    const double *cnt = c->sum, *sj = cnt + CELLS, *sy = sj + CELLS, *sjy = sy + CELLS;
    double v = (double)c->n, lo = 1 / v, step = (1 - lo) / (v - 26), flat = v - 26;
    double *sw = w, *swy = y, *left = y + CELLS; /* left: bad observations per cell */
    /* y's second half is scratch: the caller's y and w hold 2 x CELLS and CELLS */
    for (size_t k = 0; k < CELLS; k++) {
        sw[k] = lo * cnt[k] + step * sj[k];
        swy[k] = lo * sy[k] + step * sjy[k];
        left[k] = cnt[k];
    }
    for (size_t i = 0; i < n_special; i++) {
        const knob__tpe_cell_obs *o = &special[i];
        size_t k = cell_of(c, o->y);
        double ramp = lo + step * (double)o->j;
        double keep = o->good ? 0 : (double)o->j >= flat ? 1 : ramp;
        sw[k] += keep - ramp;
        swy[k] += (keep - ramp) * o->y;
        left[k] -= o->good;
    }
    size_t n = 0;
    for (size_t k = 0; k < CELLS; k++) {
        if (left[k] > 0 && sw[k] > 0) {
            double m = swy[k] / sw[k];
            y[n] = m < c->low ? c->low : m > high ? high : m;
            w[n++] = sw[k];
        }
    }
    return n;
}
