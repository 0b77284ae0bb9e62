// The plots, each an ECharts option made from the study. plotList() says which plots a
// study has (slices per param, contours per top pair, Pareto per pair of objectives...);
// each entry's option() is called when its chart is drawn.
import { complete, feasible, trials, better, objectiveName, objectiveNamed, paramAxisValue, paramView, fmt, fmtValue, esc, STATES }
    from './model.js';

const STATE_COLOR = { complete: '#3b6fb6', pruned: '#e08a1e', fail: '#c23b3b', running: '#2f9e6e',
                      waiting: '#999999' };
const LARGE = 2000;

function base(study, extra) {
    return Object.assign({
        animation: false,
        grid: { left: 64, right: 24, top: 36, bottom: 44, containLabel: false },
        tooltip: { trigger: 'item', confine: true, formatter: p => tip(study, p) },
        legend: { top: 4, type: 'scroll' },
    }, extra);
}

// Every data item of a trial carries the trial's number last.
function tip(study, p) {
    const d = Array.isArray(p.data) ? p.data : p.data && p.data.value;
    if (!d)
        return '';
    const n = Array.isArray(p.data) ? d[d.length - 1] : p.data.n;
    return study.tip(n);
}

// An axis's name cut short past NAME_WIDTH px (an objective's name is the user's, of any
// length: a long one pushed the plot into a strip).
const NAME_WIDTH = 200, NAME_TRUNCATE = { maxWidth: NAME_WIDTH, ellipsis: '…' };
function valueAxis(name, extra) {
    return Object.assign({ type: 'value', name, nameLocation: 'middle', nameGap: 28, scale: true,
                           nameTruncate: NAME_TRUNCATE }, extra);
}

// An axis of whole numbers (trial numbers, counts, steps): no tick between two of them.
function countAxis(name, extra) {
    return valueAxis(name, Object.assign({ minInterval: 1 }, extra));
}

// The significant digits (fmt's P) the ticks of an axis over [lo, hi], about `step` apart,
// need to differ from their neighbours: fmt's 6, more where the span is small beside the
// values (1.0000001 to 1.0000005).
function tickDigits(lo, hi, step) {
    const m = Math.max(Math.abs(lo), Math.abs(hi));
    if (!(step > 0) || !(m > 0) || !Number.isFinite(m / step))
        return 6;
    return Math.min(17, Math.max(6, Math.floor(Math.log10(m / step)) + 2));
}

// The tick labels of an axis ECharts scales itself, over the values (finite or not): the
// page's numbers (fmt: 1e-12, not 0.000000000001), with the digits the span needs.
function valueLabels(values) {
    let lo = Infinity, hi = -Infinity;
    for (const v of values)
        if (Number.isFinite(v)) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
    const P = lo < hi ? tickDigits(lo, hi, (hi - lo) / 5) : 6;
    return { formatter: v => fmt(v, P) };
}

// A log axis's labels: the values as the page writes them (ECharts' own wrote 1e-12 as
// 0.000000000001, and anything below 1e-20 as 0.00000000000000000000).
const LOG_LABELS = { formatter: v => fmt(v) };

// p: a paramView (the program's values, on the axis of the sweep's form).
function paramAxis(p, extra) {
    if (p.kind === 'categorical')
        return Object.assign({ type: 'category', name: p.name, nameLocation: 'middle', nameGap: 28,
                               data: p.labels }, extra);
    return Object.assign({ type: p.log ? 'log' : 'value', name: p.name, nameLocation: 'middle',
                           nameGap: 28, scale: true }, p.log ? { axisLabel: LOG_LABELS } : {}, extra);
}

function scatter(name, data, color, extra) {
    return Object.assign({ type: 'scatter', name, data, symbolSize: 5, large: data.length > LARGE,
                           largeThreshold: LARGE, itemStyle: { color } }, extra);
}

// Values beyond HUGE in size are placed on their axis scaled by HUGE_SCALE (a power of ten,
// so that round ticks stay round): ECharts' arithmetic on such an axis (its span, its ticks
// past the values) overflows to infinity, which drew no point and no colour.
const HUGE = 1e300, HUGE_SCALE = 1e-10;
function hugeScale(lo, hi) {
    return Math.max(Math.abs(lo), Math.abs(hi)) > HUGE ? HUGE_SCALE : 1;
}

// Values whose ticks would be closer than TINY_STEP are placed on their axis scaled by the
// power of ten that brings the span near 1: ECharts rounds a tick to 20 decimals at most,
// which left no tick at all below about 1e-19. The factors by which values from lo to hi
// are placed (as two: their product may be beyond a double, 1e320 for values of 1e-320),
// HUGE_SCALE for huge ones (hugeScale), [1, 1] when ECharts can scale them as they are.
const TINY_STEP = 1e-14;
function axisFactors(lo, hi) {
    const h = hugeScale(lo, hi);
    if (h !== 1)
        return [h, 1];
    const step = hi > lo ? (hi - lo) / 5 : Math.abs(lo) / 2;
    if (!(step > 0) || step >= TINY_STEP)
        return [1, 1];
    const e = -Math.floor(Math.log10(step));
    return [10 ** Math.min(e, 300), 10 ** Math.max(0, e - 300)];
}

// A colour scale's ends for values from lo to hi (finite, placed as drawn): a single value
// in the middle of a span ECharts can divide by (lo + 1 is lo past 2^53).
function colourRange(lo, hi) {
    if (hi > lo)
        return [lo, hi];
    const d = Math.max(1, Math.abs(lo) * 1e-6);
    return [lo - d, lo + d];
}

// An objective's axis where some values are infinite (a study of infinite_values, as
// Optuna's storages hold them), huge or tiny (axisFactors): scaled on the finite values, in ticks
// of a round step, each infinity one step beyond them at the edge of the axis, whose tick
// says +inf or -inf; the points there drawn as arrows (edgeMarks). {at(v): v's place on the
// axis, of(x): the value at place x, axis: ECharts' options of the axis, top, bottom: the
// places of inf and -inf (null: no such value)}; null when no value is infinite, huge or tiny
// (the axis as ECharts scales it).
// NaN is never a stored value: the page gets null, no point.
function edgeScale(values) {
    let lo = Infinity, hi = -Infinity, neg = false, pos = false;
    for (const v of values) {
        if (v === Infinity)
            pos = true;
        else if (v === -Infinity)
            neg = true;
        else if (Number.isFinite(v)) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
    }
    const finite = lo <= hi, [k1, k2] = finite ? axisFactors(lo, hi) : [1, 1];
    if (!pos && !neg && k1 === 1 && k2 === 1)
        return null;
    const to = v => v * k1 * k2, of = x => x / k2 / k1;
    const [a, b] = finite ? [to(lo), to(hi)] : [0, 0];
    const step = roundStep(b > a ? (b - a) / 5 : Math.abs(a) / 2 || 1);
    let min = Math.floor(a / step) * step, max = Math.ceil(b / step) * step;
    if (finite && min === max) { // one finite value: in the middle
        min -= step;
        max += step;
    }
    const bottom = neg ? min - step : min, top = pos ? max + step : max;
    const near = (v, e) => Math.abs(v - e) < step * 1e-6, P = tickDigits(min, max, step);
    const formatter = v => pos && near(v, top) ? '+inf' : neg && near(v, bottom) ? '-inf' : finite ? fmt(of(v), P) : '';
    return { at: v => (v === Infinity ? top : v === -Infinity ? bottom : to(v)), of,
             top: pos ? top : null, bottom: neg ? bottom : null,
             axis: { scale: false, min: bottom, max: top, interval: step, axisLabel: { formatter } } };
}

// 1, 2 or 5 times a power of ten, the least not below x (> 0).
function roundStep(x) {
    const mag = 10 ** Math.floor(Math.log10(x)), f = x / mag;
    return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
}

// The symbol options of a scatter whose data items hold, at dimension dim, the places of
// edgeScale s ({x: [dim, s], y: [dim, s]}, either null): a point at an infinity's edge is an
// arrow pointing off the axis that way, the others circles of size `size`.
function edgeMarks({ x = null, y = null }, size) {
    const at = (a, v) => a && (v[a[0]] === a[1].top || v[a[0]] === a[1].bottom);
    const edge = v => (at(y, v) ? (v[y[0]] === y[1].top ? 0 : 180)
        : at(x, v) ? (v[x[0]] === x[1].top ? -90 : 90) : null);
    return { symbol: v => (edge(v) === null ? 'circle' : 'triangle'),
             symbolRotate: v => edge(v) ?? 0,
             symbolSize: v => (edge(v) === null ? size : size + 4) };
}

// An objective's value axis over `values`: that of edgeScale s where it placed them (an
// infinity, huge or tiny values), else ECharts' with the page's labels.
function objectiveAxis(name, s, values, extra) {
    return valueAxis(name, Object.assign({}, s ? s.axis : { axisLabel: valueLabels(values) }, extra));
}

function history(study, k) {
    const done = complete(study, k);
    const vals = done.map(t => t.v[k]), s = edgeScale(vals), at = s ? s.at : v => v;
    const pts = done.filter(t => !t.infeasible).map(t => [t.n, at(t.v[k]), t.n]);
    const bad = done.filter(t => t.infeasible).map(t => [t.n, at(t.v[k]), t.n]);
    const marks = s ? edgeMarks({ y: [1, s] }, 5) : {};
    // The best so far, as a step line through the trials that improved it (and the last
    // trial): the same line as one point per trial, with far fewer points.
    const best = [];
    let b = null, last = null;
    for (const t of feasible(study, k)) {
        if (b === null || better(study, k, t.v[k], b)) {
            b = t.v[k];
            best.push([t.n, at(b), t.n]);
        }
        last = t;
    }
    if (last && best[best.length - 1][0] !== last.n)
        best.push([last.n, at(b), last.n]);
    return base(study, {
        xAxis: countAxis('trial'), yAxis: objectiveAxis(objectiveName(study, k), s, vals),
        series: [scatter('value', pts, STATE_COLOR.complete, marks),
                 ...(bad.length ? [scatter('infeasible', bad, '#bbbbbb', marks)] : []),
                 // Under the points and deaf to the mouse: the best trial's own point tells it.
                 { type: 'line', name: 'best so far', data: best, step: 'end', showSymbol: false,
                   silent: true, z: 1,
                   lineStyle: { color: '#c23b3b', width: 2 }, itemStyle: { color: '#c23b3b' } }],
    });
}

// Darker for later trials: a gradient over the trial numbers, in LARGE_STEPS colour steps
// (each a series in ECharts' large mode) when there are too many points to draw one by one.
const LARGE_STEPS = 8;
function slice(study, k, param) {
    const p = paramView(param, complete(study, k), study);
    const pts = [];
    const vals = complete(study, k).map(t => t.v[k]), s = edgeScale(vals), at = s ? s.at : v => v;
    for (const t of complete(study, k)) {
        if (!p.has(t))
            continue;
        const v = p.get(t);
        pts.push([p.kind === 'categorical' ? p.label(v) : v, at(t.v[k]), t.n, t.n]);
    }
    const last = Math.max(1, study.trials.length - 1);
    let series, visualMap;
    if (pts.length <= LARGE) {
        series = [scatter(p.name, pts, undefined, Object.assign({ large: false, symbolSize: 6 },
                                                                s ? edgeMarks({ y: [1, s] }, 6) : {}))];
        visualMap = { show: false, dimension: 2, min: 0, max: last, inRange: { color: ['#9ecae1', '#08306b'] } };
    } else {
        const bins = Array.from({ length: LARGE_STEPS }, () => []);
        for (const q of pts)
            bins[Math.min(LARGE_STEPS - 1, Math.floor(q[2] / (last + 1) * LARGE_STEPS))].push(q);
        const mix = (a, b, f) => Math.round(a + (b - a) * f);
        series = bins.map((data, i) => {
            const f = (i + 0.5) / LARGE_STEPS;
            const color = `rgb(${mix(0x9e, 0x08, f)},${mix(0xca, 0x30, f)},${mix(0xe1, 0x6b, f)})`;
            return scatter(p.name, data, color, { large: true, largeThreshold: 1, symbolSize: 5 });
        });
    }
    const o = base(study, { xAxis: paramAxis(p), yAxis: objectiveAxis(objectiveName(study, k), s, vals), series });
    if (visualMap)
        o.visualMap = visualMap;
    o.legend = { show: false };
    return o;
}

// The objective on the grid of the two params' values, as Optuna's plot_contour (and
// knob.visualization's) makes it: a numeric axis at its distinct values and at both ends of
// its range padded by 5% (in log10 on a log axis), a categorical at the indices of the
// choices trials have; each trial's value at its point (the last trial's where several
// share one), and the points without a trial filled as plotly fills Optuna's gaps
// (connectgaps) and as Optuna's matplotlib figure does: each the mean of its neighbours on
// the grid (fillGrid). An axis of more than GRID_MAX distinct values is GRID_MAX evenly
// spaced ones over its padded range instead, each trial at the nearest, as Optuna's
// matplotlib figure is, so that the grid stays small. Drawn as a raster of RASTER x RASTER
// cells over the axes, each the bilinear interpolation of the grid at its centre; none
// outside the grid (a categorical's choices no trial has at an end).
const PAD = 0.05, GRID_MAX = 100, RASTER = 64;

function gridAxis(p, coords) {
    // sorted, then each value once: a typed array sorts numbers without a comparator, and
    // no Set of thousands of doubles is hashed
    const sorted = Float64Array.from(coords).sort();
    let nd = 0;
    for (let i = 0; i < sorted.length; i++)
        if (i === 0 || sorted[i] !== sorted[nd - 1])
            sorted[nd++] = sorted[i];
    const distinct = sorted.subarray(0, nd);
    const min = distinct[0], max = distinct[distinct.length - 1];
    if (p.kind === 'categorical')
        return { grid: distinct, at: c => distinct.indexOf(c), lo: -0.5, hi: p.choices.length - 0.5 };
    const pad = (max - min) * PAD, lo = min - pad, hi = max + pad;
    if (distinct.length < 2)
        return { grid: distinct, at: () => 0, lo: min - 0.5, hi: max + 0.5 };
    if (distinct.length > GRID_MAX) {
        const grid = Array.from({ length: GRID_MAX }, (_, i) => lo + (hi - lo) * i / (GRID_MAX - 1));
        return { grid, at: c => Math.round((c - lo) / (hi - lo) * (GRID_MAX - 1)), lo, hi };
    }
    const grid = [lo, ...distinct, hi], index = new Map(grid.map((c, i) => [c, i]));
    return { grid, at: c => index.get(c), lo, hi };
}

// Fills the NaN points of the grid z (rows of nx) from the others: each the mean of its
// neighbours (up, down, left, right; those on the grid), the solution of Laplace's equation
// that Optuna's matplotlib figure solves and plotly's connectgaps comes near. A first pass
// takes them outwards from the trials' points (each the mean of its neighbours filled so
// far, as plotly starts), then successive over-relaxation sweeps until no value moves by
// more than 1e-4 of the values' range, or past FILL_WORK updates on a large grid.
const FILL_WORK = 1e6;
function fillGrid(z, nx, ny) {
    const n = nx * ny, nb = new Int32Array(4 * n), deg = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
        const x = i % nx;
        if (x > 0) nb[4 * i + deg[i]++] = i - 1;
        if (x < nx - 1) nb[4 * i + deg[i]++] = i + 1;
        if (i >= nx) nb[4 * i + deg[i]++] = i - nx;
        if (i < n - nx) nb[4 * i + deg[i]++] = i + nx;
    }
    let lo = Infinity, hi = -Infinity, front = [];
    const done = new Uint8Array(n);
    for (let i = 0; i < n; i++)
        if (!Number.isNaN(z[i])) {
            done[i] = 1;
            front.push(i);
            lo = Math.min(lo, z[i]);
            hi = Math.max(hi, z[i]);
        }
    const order = [];
    while (front.length) {
        const next = [];
        for (const i of front)
            for (let e = 0; e < deg[i]; e++) {
                const j = nb[4 * i + e];
                if (!done[j]) {
                    done[j] = 1;
                    next.push(j);
                }
            }
        for (const j of next) {
            let sum = 0, cnt = 0;
            for (let e = 0; e < deg[j]; e++) {
                const v = z[nb[4 * j + e]];
                if (!Number.isNaN(v)) {
                    sum += v;
                    cnt++;
                }
            }
            z[j] = sum / cnt;
            order.push(j);
        }
        front = next;
    }
    if (!order.length)
        return;
    const tol = 1e-4 * (hi - lo || 1); // a change no colour shows
    const w = 2 / (1 + Math.sin(Math.PI / Math.max(nx, ny))); // the best for a square grid
    const sweeps = Math.max(20, Math.floor(FILL_WORK / order.length));
    for (let it = 0; it < sweeps; it++) {
        let moved = 0;
        for (const j of order) {
            let sum = 0;
            const d = deg[j];
            for (let e = 0; e < d; e++)
                sum += z[nb[4 * j + e]];
            const step = w * (sum / d - z[j]);
            z[j] += step;
            moved = Math.max(moved, Math.abs(step));
        }
        if (moved <= tol)
            break;
    }
}

// The cell of the grid's axis g that holds c, and c's fraction of the way across it; null
// outside the axis.
function gridCell(g, c) {
    if (c < g[0] || c > g[g.length - 1])
        return null;
    let a = 0, b = g.length - 1;
    while (b - a > 1) {
        const m = (a + b) >> 1;
        if (g[m] <= c)
            a = m;
        else
            b = m;
    }
    return [a, (c - g[a]) / (g[b] - g[a])];
}

// The values of the grid (gx, gy, z) at the centres of the RASTER x RASTER cells over
// [x0, x1] x [y0, y1] by bilinear interpolation, as [bx, by, value]; none outside the grid.
// Each column's cell of gx and each row's of gy found once.
function raster(gx, gy, z, x0, x1, y0, y1) {
    const nx = gx.length, cells = [];
    const cols = Array.from({ length: RASTER }, (_, bx) => gridCell(gx, x0 + (x1 - x0) * (bx + 0.5) / RASTER));
    for (let by = 0; by < RASTER; by++) {
        const cy = gridCell(gy, y0 + (y1 - y0) * (by + 0.5) / RASTER);
        if (!cy)
            continue;
        const [j, fy] = cy;
        for (let bx = 0; bx < RASTER; bx++) {
            const cx = cols[bx];
            if (!cx)
                continue;
            const [i, fx] = cx;
            const at = (a, b) => z[b * nx + a];
            cells.push([bx, by, (1 - fy) * ((1 - fx) * at(i, j) + fx * at(i + 1, j)) +
                                fy * ((1 - fx) * at(i, j + 1) + fx * at(i + 1, j + 1))]);
        }
    }
    return cells;
}

// The grid z filled (fillGrid), or the same grid filled before: the dashboard draws a contour
// again at each poll that brings a trial, and most bring none of the contour's (a trial
// started, one pruned or failed). Kept on the study, the last few grids by their points, of
// FILL_CELLS cells at most: a numeric axis has GRID_MAX + 2 points at most, but a
// categorical one a point per choice, and grids of 600 x 600 would hold tens of MB; such a
// grid is filled at each draw instead, the same numbers.
const FILLS_KEPT = 6, FILL_CELLS = (GRID_MAX + 2) * (GRID_MAX + 2);
function filledGrid(study, z, nx, ny) {
    if (nx * ny > FILL_CELLS) {
        const f = z.slice();
        fillGrid(f, nx, ny);
        return f;
    }
    const kept = study._fills || (study._fills = []);
    const same = f => {
        if (f.nx !== nx || f.ny !== ny)
            return false;
        for (let i = 0; i < z.length; i++)
            if (!Object.is(f.known[i], z[i]))
                return false;
        return true;
    };
    let f = kept.find(same);
    if (!f) {
        f = { nx, ny, known: z.slice(), z: z.slice() };
        fillGrid(f.z, nx, ny);
        kept.push(f);
        if (kept.length > FILLS_KEPT)
            kept.shift();
    }
    return f.z;
}

// The surface of the trials' finite values; the axes span every trial's point, those of
// infinite values too (no colour says them: they are points of their own).
function surface(study, k, px, py) {
    const done = complete(study, k).filter(t => px.has(t) && py.has(t));
    const tr = p => v => {
        const a = paramAxisValue(p, v);
        return a === null ? null : p.log ? Math.log10(a) : a;
    };
    const fx = tr(px), fy = tr(py);
    const all = done.map(t => [fx(px.get(t)), fy(py.get(t)), t.v[k]]).filter(q => q[0] !== null && q[1] !== null);
    // the values placed as hugeScale says: the surface is filled and blended in those units
    const finite = all.filter(q => Number.isFinite(q[2]));
    const sc = finite.length ? hugeScale(Math.min(...finite.map(q => q[2])), Math.max(...finite.map(q => q[2]))) : 1;
    const pts = finite.map(([x, y, v]) => [x, y, v * sc]);
    if (!all.length)
        return { done, cells: [], x0: -0.5, x1: 0.5, y0: -0.5, y1: 0.5, k: sc };
    const ex = gridAxis(px, all.map(q => q[0])), ey = gridAxis(py, all.map(q => q[1]));
    let cells = [];
    if (pts.length) {
        const ax = gridAxis(px, pts.map(q => q[0])), ay = gridAxis(py, pts.map(q => q[1]));
        const nx = ax.grid.length, ny = ay.grid.length;
        if (nx >= 2 && ny >= 2) {
            const z = new Float64Array(nx * ny).fill(NaN);
            for (const [x, y, v] of pts)
                z[ay.at(y) * nx + ax.at(x)] = v;
            cells = raster(ax.grid, ay.grid, filledGrid(study, z, nx, ny), ex.lo, ex.hi, ey.lo, ey.hi);
        }
    }
    return { done, cells, x0: ex.lo, x1: ex.hi, y0: ey.lo, y1: ey.hi, k: sc };
}

// The ticks of a log axis over [a, b] (in log10 units) where its labels read round: the
// powers of ten in it (every so many of them when there are more than LOG_TICKS); where it
// holds fewer than two, 1, 2 and 5 times them; where those are fewer than two too (less
// than an octave), round values 1, 2 or 5 times a power of ten apart. In log10 units.
const LOG_TICKS = 8;
function logTicks(a, b) {
    const inRange = vs => vs.filter(v => v >= a && v <= b);
    const decades = [];
    for (let e = Math.ceil(a); e <= Math.floor(b); e++)
        decades.push(e);
    if (decades.length >= 2) {
        const every = Math.ceil(decades.length / LOG_TICKS);
        return decades.filter(e => e % every === 0);
    }
    const steps = [];
    for (let e = Math.floor(a); e <= Math.ceil(b); e++)
        steps.push(e, e + Math.log10(2), e + Math.log10(5));
    const round = inRange(steps);
    if (round.length >= 2)
        return round;
    const lo = 10 ** a, hi = 10 ** b, step = roundStep((hi - lo) / 4), first = Math.ceil(lo / step), out = [];
    for (let i = first; i * step <= hi && out.length < 10; i++)
        out.push(Math.log10(i * step));
    return out;
}

// Options a and b as one, an object member of both merged (axisLabel: the formatter of one,
// the tick values of the other).
function merged(a, b) {
    const o = Object.assign({}, a);
    for (const [key, v] of Object.entries(b))
        o[key] = v && typeof v === 'object' && o[key] && typeof o[key] === 'object' ? Object.assign({}, o[key], v) : v;
    return o;
}

function contour(study, k, paramX, paramY) {
    const px = paramView(paramX, complete(study, k), study), py = paramView(paramY, complete(study, k), study);
    const { done, cells, x0, x1, y0, y1, k: scale } = surface(study, k, px, py);
    const vals = cells.length ? cells.map(c => c[2])
        : done.map(t => t.v[k]).filter(Number.isFinite).map(v => v * scale);
    const [lo, hi] = colourRange(...(vals.length ? [Math.min(...vals), Math.max(...vals)] : [0, 1]));
    const bins = (a, b) => Array.from({ length: RASTER }, (_, i) => fmt(a + (b - a) * (i + 0.5) / RASTER));
    // Axis labels in the param's terms: 10^v on a log scale, the choice at a whole index.
    const label = p => v => p.log ? fmt(10 ** v) : p.kind === 'categorical'
        ? (Number.isInteger(v) && v >= 0 && v < p.choices.length ? p.labels[v] : '') : fmt(v);
    // the padded ends unlabelled: their labels crowd the values' own; a log axis's ticks at
    // powers of ten (or 1, 2, 5 times them), as the slices' log axes have them
    const ends = { showMinLabel: false, showMaxLabel: false };
    // (each labelled: none is at a padded end)
    const ticks = (p, a, b) => (p.log ? { axisLabel: { customValues: logTicks(a, b), showMinLabel: true, showMaxLabel: true },
                                          axisTick: { customValues: logTicks(a, b) } } : {});
    const hid = { show: false };
    const pts = done.map(t => {
        const x = paramAxisValue(px, px.get(t)), y = paramAxisValue(py, py.get(t));
        return [px.log ? Math.log10(x) : x, py.log ? Math.log10(y) : y, t.v[k], t.n];
    });
    // a trial of an infinite value: an arrow, up for inf, down for -inf
    const inf = v => v[2] === Infinity || v[2] === -Infinity;
    const o = base(study, {
        xAxis: [{ type: 'category', data: bins(x0, x1), show: false },
                { type: 'value', min: x0, max: x1, name: px.name, nameLocation: 'middle', nameGap: 28,
                  position: 'bottom', splitLine: { show: false }, ...merged({ axisLabel: { formatter: label(px), ...ends } }, ticks(px, x0, x1)) }],
        yAxis: [{ type: 'category', data: bins(y0, y1), show: false },
                { type: 'value', min: y0, max: y1, name: py.name, nameLocation: 'middle', nameGap: 44,
                  position: 'left', splitLine: { show: false }, ...merged({ axisLabel: { formatter: label(py), ...ends } }, ticks(py, y0, y1)) }],
        visualMap: { type: 'continuous', seriesIndex: 0, min: lo, max: hi,
                     calculable: false, orient: 'vertical', right: 0, top: 'middle', itemHeight: 120,
                     inRange: { color: ['#440154', '#3b528b', '#21918c', '#5ec962', '#fde725'] },
                     text: ['', ''], formatter: v => fmt(v / scale) },
        // drawn at once: ECharts draws more than 3000 cells over several frames, and a chart
        // made again meanwhile (another objective picked) found its painter gone
        series: [{ type: 'heatmap', data: cells, silent: true, xAxisIndex: 0, yAxisIndex: 0,
                   progressive: 0, itemStyle: { opacity: 0.85 } },
                 scatter('trials', pts, '#ffffff', { xAxisIndex: 1, yAxisIndex: 1,
                         symbol: v => (inf(v) ? 'triangle' : 'circle'), symbolSize: v => (inf(v) ? 9 : 4),
                         symbolRotate: v => (v[2] === -Infinity ? 180 : 0),
                         itemStyle: { color: '#ffffff', borderColor: '#222', borderWidth: 0.5 } })],
    });
    o.grid.right = 72;
    o.legend = { show: false };
    return o;
}

function parallel(study, k) {
    const done = complete(study, k);
    const ps = study.params.map(p => paramView(p, done, study));
    const axes = ps.map((p, i) => p.kind === 'categorical'
        ? { dim: i, name: p.name, type: 'category', data: p.labels }
        : Object.assign({ dim: i, name: p.name, type: p.log ? 'log' : 'value', scale: true },
                        p.log ? { axisLabel: LOG_LABELS } : {}));
    const values = done.map(t => t.v[k]), s = edgeScale(values), at = s ? s.at : v => v;
    axes.push(Object.assign({ dim: ps.length, name: objectiveName(study, k), type: 'value', scale: true,
                              nameTruncate: NAME_TRUNCATE },
                            s ? s.axis : { axisLabel: valueLabels(values) }));
    const data = done.map(t => ({
        // a trial without the param (or a numeric null) is missing on its axis, not at a choice
        value: ps.map(p => !p.has(t) ? null : p.kind === 'categorical' ? p.label(p.get(t)) : p.get(t))
            .concat([at(t.v[k])]),
        n: t.n,
    }));
    // the colours span the finite values; an infinity's (beyond them) is that of its end
    const vals = done.map(t => t.v[k]).filter(Number.isFinite).map(at);
    const [lo, hi] = colourRange(...(vals.length ? [Math.min(...vals), Math.max(...vals)] : [0, 1]));
    const of = s ? s.of : v => v;
    return {
        animation: false,
        tooltip: { trigger: 'item', confine: true, formatter: p => study.tip(p.data.n) },
        parallel: { left: 48, right: 64, top: 48, bottom: 28 },
        parallelAxis: axes,
        visualMap: { type: 'continuous', dimension: ps.length, min: lo, max: hi,
                     show: true, orient: 'horizontal', top: 0, left: 'center', itemWidth: 10,
                     inRange: { color: study.directions[k] === 'maximize'
                         ? ['#c6dbef', '#08306b'] : ['#08306b', '#c6dbef'] },
                     formatter: v => fmt(of(v)) },
        series: [{ type: 'parallel', data, lineStyle: { width: 1, opacity: done.length > 500 ? 0.25 : 0.6 },
                   progressive: 1000, smooth: false }],
    };
}

// The importance of objective k (study.importance holds one list per objective).
export function importanceOf(study, k) {
    const all = study.importance;
    return Array.isArray(all) && Array.isArray(all[k]) && all[k].length ? all[k] : null;
}

// What the importance of objective k leaves out, as a note under its plot (text), or null:
// fanova evaluates the params every trial holds, and a param missing from the bars would read
// as one that does not matter.
function leftOut(study, k) {
    const all = study.importance_left_out;
    return Array.isArray(all) && Array.isArray(all[k]) ? all[k] : [];
}

export function importanceNote(study, k) {
    const left = leftOut(study, k);
    if (!left.length)
        return null;
    return `Left out: ${left.map(e => `${e.name} (${e.why})`).join('; ')}. `
        + `knob importance --method ped-anova evaluates ${left.length > 1 ? 'them' : 'it'}.`;
}

// An importance with no bars, where fanova left params out (the note under it names them):
// it evaluated none, or the objective did not vary with those it evaluated.
function noImportance(study, k) {
    const left = new Set(leftOut(study, k).map(e => e.name));
    const text = study.params.every(p => left.has(p.name))
        ? 'No param to weigh: fanova left out every one (below)'
        : 'No share to show: the objective did not vary with the params fanova evaluated';
    const o = base(study, {
        title: { text, left: 'center', top: 'middle',
                 textStyle: { fontSize: 14, fontWeight: 'normal', color: '#555' } },
        xAxis: { show: false }, yAxis: { show: false }, series: [],
    });
    o.legend = { show: false };
    return o;
}

function importance(study, k) {
    const imp = [...importanceOf(study, k)].sort((a, b) => a.share - b.share);
    const o = base(study, {
        grid: { left: 120, right: 24, top: 12, bottom: 36 },
        xAxis: valueAxis('share of variance', { min: 0 }),
        yAxis: { type: 'category', data: imp.map(e => e.name) },
        // a tooltip is HTML: the param's name is text in it
        tooltip: { trigger: 'item', formatter: p => `${esc(p.name)}: ${fmt(p.value)}` },
        series: [{ type: 'bar', data: imp.map(e => e.share), itemStyle: { color: '#3b6fb6' },
                   label: { show: true, position: 'right', formatter: p => fmt(p.value) } }],
    });
    o.legend = { show: false };
    return o;
}

function intermediate(study) {
    const groups = { complete: [], pruned: [], other: [] };
    const ends = [];
    let total = 0;
    for (const t of trials(study)) {
        if (!t.i || !t.i.length)
            continue;
        const g = t.s === 'complete' ? 'complete' : t.s === 'pruned' ? 'pruned' : 'other';
        for (const [s, v] of t.i)
            groups[g].push([s, v, t.n]);
        groups[g].push('-');
        total += t.i.length;
        if (t.s === 'pruned') {
            const [s, v] = t.i[t.i.length - 1];
            ends.push([s, v, t.n]);
        }
    }
    const sym = total <= 4000;
    const line = (name, data, color) => ({
        type: 'line', name, data, connectNulls: false, showSymbol: sym, symbolSize: 3,
        lineStyle: { width: 1, opacity: 0.5, color }, itemStyle: { color }, large: !sym,
    });
    // huge values placed as hugeScale says (a stored intermediate value is finite)
    const lines = [groups.complete, groups.pruned, groups.other];
    const ivals = lines.flatMap(g => g.filter(q => q !== '-').map(q => q[1])), sy = edgeScale(ivals);
    if (sy)
        for (const list of [...lines, ends])
            for (const q of list)
                if (q !== '-')
                    q[1] = sy.at(q[1]);
    return base(study, {
        xAxis: countAxis('step'), yAxis: objectiveAxis('intermediate value', sy, ivals),
        series: [line('complete', groups.complete, STATE_COLOR.complete),
                 line('pruned', groups.pruned, STATE_COLOR.pruned),
                 line('running, failed', groups.other, STATE_COLOR.running),
                 scatter('pruned here', ends, STATE_COLOR.pruned, { symbol: 'triangle', symbolSize: 9 })],
    });
}

function pareto(study, a, b) {
    const front = new Set(study.pareto || []);
    const done = trials(study).filter(t => t.s === 'complete' && t.v.length > Math.max(a, b));
    const va = done.map(t => t.v[a]), vb = done.map(t => t.v[b]), sx = edgeScale(va), sy = edgeScale(vb);
    const ax = sx ? sx.at : v => v, ay = sy ? sy.at : v => v;
    const pt = t => [ax(t.v[a]), ay(t.v[b]), t.n];
    const marks = size => (sx || sy ? edgeMarks({ x: sx && [0, sx], y: sy && [1, sy] }, size) : {});
    return base(study, {
        xAxis: objectiveAxis(objectiveName(study, a) + ` (${study.directions[a]})`, sx, va),
        yAxis: objectiveAxis(objectiveName(study, b) + ` (${study.directions[b]})`, sy, vb, { nameGap: 44 }),
        series: [scatter('dominated', done.filter(t => !front.has(t.n)).map(pt), '#9bb7dd', marks(5)),
                 scatter('Pareto front', done.filter(t => front.has(t.n)).map(pt), '#c23b3b',
                         Object.assign({ symbolSize: 7, large: false }, marks(7)))],
    });
}

// Three objectives at once: a small 3-D scatter of our own (ECharts draws 2-D): each
// objective scaled to [-1, 1], turned by view.yaw and view.pitch (drag to turn), projected
// orthographically; the front in red, a box's three edges as the axes.
export function project3d(view, p) {
    const [x, y, z] = p;
    const cy = Math.cos(view.yaw), sy = Math.sin(view.yaw), cp = Math.cos(view.pitch), sp = Math.sin(view.pitch);
    const x1 = cy * x + sy * z, z1 = -sy * x + cy * z;
    return [x1, cp * y - sp * z1];
}

function pareto3d(study, view) {
    const front = new Set(study.pareto || []);
    const done = trials(study).filter(t => t.s === 'complete' && t.v.length >= 3 &&
                                           t.v.slice(0, 3).every(v => v !== null));
    // each scaled on its finite values, an infinity just beyond the box (the tooltip says it)
    // (in the units of hugeScale: the span of huge values is no number)
    const finite = [0, 1, 2].map(k => done.map(t => t.v[k]).filter(Number.isFinite));
    const sc = finite.map(vs => (vs.length ? hugeScale(Math.min(...vs), Math.max(...vs)) : 1));
    const lo = finite.map((vs, k) => Math.min(...vs) * sc[k]), hi = finite.map((vs, k) => Math.max(...vs) * sc[k]);
    const unit = (v, k) => (v === Infinity ? 1.1 : v === -Infinity ? -1.1
        : hi[k] > lo[k] ? 2 * (v * sc[k] - lo[k]) / (hi[k] - lo[k]) - 1 : 0);
    const pt = t => [...project3d(view, [unit(t.v[0], 0), unit(t.v[1], 1), unit(t.v[2], 2)]), t.n];
    const corner = [-1, -1, -1];
    const axes = [], labels = [];
    for (let k = 0; k < 3; k++) {
        const end = [-1, -1, -1];
        end[k] = 1.15;
        axes.push(project3d(view, corner), project3d(view, end), '-');
        labels.push({ value: project3d(view, end), name: objectiveName(study, k) });
    }
    return base(study, {
        xAxis: { type: 'value', show: false, min: -1.9, max: 1.9 },
        yAxis: { type: 'value', show: false, min: -1.9, max: 1.9 },
        grid: { left: 8, right: 8, top: 36, bottom: 8 },
        series: [{ type: 'line', name: 'axes', data: axes, silent: true, showSymbol: false,
                   lineStyle: { color: '#888', width: 1 }, itemStyle: { color: '#888' } },
                 { type: 'scatter', name: 'axis names', data: labels, silent: true, symbolSize: 0,
                   label: { show: true, formatter: p => p.name, color: '#444' } },
                 scatter('dominated', done.filter(t => !front.has(t.n)).map(pt), '#9bb7dd'),
                 scatter('Pareto front', done.filter(t => front.has(t.n)).map(pt), '#c23b3b',
                         { symbolSize: 7, large: false })],
        legend: { top: 4, data: ['dominated', 'Pareto front'] },
    });
}

// An infinite hypervolume (a point at an infinity; 1e999 in the data) one tick beyond the
// finite ones, as the objectives' infinities (edgeScale).
function hypervolume(study) {
    const s = edgeScale(study.hypervolume), at = s ? s.at : v => v;
    return base(study, {
        xAxis: countAxis('trials finished'), yAxis: objectiveAxis('hypervolume', s, study.hypervolume),
        tooltip: { trigger: 'item', formatter: p => `after ${p.data[0]} trials: ${fmtValue(p.data[2])}` },
        series: [{ type: 'line', name: 'hypervolume', step: 'end', showSymbol: study.hypervolume.length < 500,
                   data: study.hypervolume.map((hv, i) => [i + 1, hv === null ? null : at(hv), hv]),
                   itemStyle: { color: '#3b6fb6' } }],
    });
}

function edf(study) {
    const vals = study.directions.flatMap((d, k) => complete(study, k).map(t => t.v[k]));
    const s = edgeScale(vals), at = s ? s.at : v => v;
    const series = study.directions.map((d, k) => {
        // a copy: complete() is the cached list in trial order that the other plots read; no
        // difference of values (inf - inf is NaN)
        const done = [...complete(study, k)].sort((x, y) => (x.v[k] < y.v[k] ? -1 : x.v[k] > y.v[k] ? 1 : 0));
        return { type: 'line', name: objectiveName(study, k), step: 'end', showSymbol: done.length < 500,
                 symbolSize: 3, data: done.map((t, i) => [at(t.v[k]), (i + 1) / done.length, t.n]) };
    });
    return base(study, {
        xAxis: objectiveAxis(study.directions.length === 1 && objectiveNamed(study, 0) ? objectiveName(study, 0)
            : 'objective value', s, vals),
        yAxis: valueAxis('fraction of trials', { min: 0, max: 1 }),
        series,
    });
}

// The time a running trial's bar reaches: now in the dashboard; in a report, the time it was
// made (study.now), the study drawn as it was then.
function nowOf(study) {
    return study.now ?? Date.now() / 1000;
}

// Lanes: each runner (host and pid, from the trial's "runner" attribute) gets as many as it
// ran trials at once; trials without a runner share lanes of their own. Within a runner,
// a trial takes the first lane free when it starts.
function lanes(study) {
    const ts = trials(study).filter(t => t.t0 !== null && t.t0 !== undefined)
        .sort((x, y) => x.t0 - y.t0 || x.n - y.n);
    const groups = new Map(), names = [];
    const now = nowOf(study);
    for (const t of ts) {
        const key = t.r && t.r.host ? `${t.r.host}:${t.r.pid}` : 'in process';
        if (!groups.has(key))
            groups.set(key, []);
        const free = groups.get(key);
        // free when the lane's trial ended by then, within a millisecond: the times are sums
        // of doubles (time0 + t0, + t1), and one that started the instant another ended
        // could come out a rounding before its end, a lane of its own
        let i = free.findIndex(l => l.end <= t.t0 + 1e-3);
        if (i < 0) {
            i = free.length;
            free.push({ end: 0, index: -1 });
        }
        free[i].end = t.t1 === null || t.t1 === undefined ? now : t.t1;
        t._lane = [key, i];
    }
    for (const [key, free] of groups)
        free.forEach((l, i) => {
            l.index = names.length;
            names.push(free.length > 1 ? `${key} #${i}` : key);
        });
    for (const t of ts)
        t._lane = groups.get(t._lane[0])[t._lane[1]].index;
    return { ts, names };
}

function timeline(study) {
    const { ts, names } = lanes(study);
    const now = nowOf(study);
    const t00 = Math.min(...ts.map(t => t.t0));
    const data = ts.map(t => ({ value: [t._lane, t.t0 - t00, (t.t1 ?? now) - t00, t.n],
                                itemStyle: { color: STATE_COLOR[t.s] } }));
    return {
        animation: false,
        tooltip: { trigger: 'item', confine: true, formatter: p => study.tip(p.value[3]) },
        grid: { left: 150, right: 24, top: 16, bottom: 44 },
        xAxis: valueAxis('seconds since the first trial started', { min: 0 }),
        yAxis: { type: 'category', data: names, inverse: true },
        series: [{
            type: 'custom', data, encode: { x: [1, 2], y: 0 },
            renderItem: (params, api) => {
                const a = api.coord([api.value(1), api.value(0)]);
                const b = api.coord([api.value(2), api.value(0)]);
                const h = api.size([0, 1])[1] * 0.6;
                return { type: 'rect', shape: { x: a[0], y: a[1] - h / 2, width: Math.max(1, b[0] - a[0]), height: h },
                         style: api.style({ stroke: '#fff', lineWidth: 1 }) };
            },
        }],
    };
}

// Every plot the study has: {id, section, title, option}.
export function plotList(study, k) {
    const out = [];
    const ps = study.params;
    const nobj = study.directions.length;
    const anyComplete = nobj > 0 && complete(study, k).length > 0;
    const add = (section, id, title, option, note = null) => out.push({ section, id, title, option, note });
    if (anyComplete) {
        add('history', 'history', `Optimization history${nobj > 1 ? ` (${objectiveName(study, k)})` : ''}`,
            () => history(study, k));
        for (const p of ps)
            add('slice', `slice-${p.name}`, `Slice: ${p.name}`, () => slice(study, k, p));
    }
    if (anyComplete && ps.length >= 2) {
        let order = ps;
        if (importanceOf(study, k)) {
            const share = new Map(importanceOf(study, k).map(e => [e.name, e.share]));
            order = [...ps].sort((a, b) => (share.get(b.name) || 0) - (share.get(a.name) || 0));
        }
        const top = order.slice(0, 3);
        for (let i = 0; i < top.length; i++)
            for (let j = i + 1; j < top.length; j++)
                add('contour', `contour-${top[i].name}-${top[j].name}`, `Contour: ${top[i].name} × ${top[j].name}`,
                    () => contour(study, k, top[i], top[j]));
    }
    if (anyComplete && ps.length >= 1)
        add('parallel', 'parallel', 'Parallel coordinates', () => parallel(study, k));
    // With every param left out the panel stays, saying so, so that its note has a place.
    const shares = nobj > 0 ? importanceOf(study, k) : null, leftNote = nobj > 0 ? importanceNote(study, k) : null;
    if (shares || leftNote)
        add('importance', nobj > 1 ? `importance-${k}` : 'importance',
            `Parameter importance${nobj > 1 || objectiveNamed(study, k) ? ` (${objectiveName(study, k)})` : ''}`,
            () => shares ? importance(study, k) : noImportance(study, k), leftNote);
    if (trials(study).some(t => t.i && t.i.length))
        add('intermediate', 'intermediate', 'Intermediate values (learning curves)', () => intermediate(study));
    // The Pareto fronts once a trial has completed with every objective: none is empty.
    const anyFront = nobj >= 2 && complete(study, nobj - 1).length > 0;
    if (nobj >= 3 && anyFront) {
        const view = study._view3d || (study._view3d = { yaw: 0.6, pitch: 0.45 });
        out.push({ section: 'pareto3d', id: 'pareto-3d',
                   title: `Pareto front in 3-D: ${[0, 1, 2].map(i => objectiveName(study, i)).join(', ')} (drag to turn)`,
                   option: () => pareto3d(study, view),
                   turn: (dx, dy) => {
                       view.yaw += dx * 0.01;
                       view.pitch = Math.max(-1.5, Math.min(1.5, view.pitch + dy * 0.01));
                   } });
    }
    if (anyFront) {
        for (let a = 0; a < nobj; a++)
            for (let b = a + 1; b < nobj && out.filter(e => e.section === 'pareto').length < 3; b++)
                add('pareto', `pareto-${a}-${b}`, `Pareto front: ${objectiveName(study, a)} × ${objectiveName(study, b)}`,
                    () => pareto(study, a, b));
        if (study.hypervolume && study.hypervolume.length)
            add('hypervolume', 'hypervolume', 'Hypervolume history', () => hypervolume(study));
    }
    if (nobj > 0 && study.directions.some((_, kk) => complete(study, kk).length))
        add('edf', 'edf', 'Empirical distribution function', () => edf(study));
    if (trials(study).some(t => t.t0 !== null && t.t0 !== undefined))
        add('timeline', 'timeline', 'Timeline', () => timeline(study));
    return out;
}

export { STATE_COLOR, STATES };
// the contour's parts, for tests/browser/contour_parts.mjs
export { gridAxis, fillGrid, filledGrid, raster, FILLS_KEPT, FILL_CELLS };
