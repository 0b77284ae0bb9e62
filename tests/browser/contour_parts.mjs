// The contour's grid, checked in node against the code it replaced (tests/browser/contour.sh
// runs it):   node contour_parts.mjs WEB_DIR TMP_DIR MODULES_DIR
// (WEB_DIR: the sources' web/; MODULES_DIR: the build's web/, which holds node_modules)
// On random inputs: the grid's axis (distinct values sorted once, without a Set), the raster
// of cells (each column's and row's cell of the grid found once) and the filled grid kept
// between draws (filledGrid) give exactly what the code before gave: the same numbers, bit
// for bit; filledGrid keeps no grid of more than FILL_CELLS cells (categorical axes of many
// choices), nor more than FILLS_KEPT grids. Fails (exit 1) with the reasons on stderr.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const [webDir, tmp, modulesDir] = process.argv.slice(2);
const { build } = createRequire(modulesDir + '/')('esbuild');
const out = `${tmp}/plots.mjs`;
await build({ entryPoints: [`${webDir}/src/plots.js`], bundle: true, format: 'esm', outfile: out, logLevel: 'warning' });
const { gridAxis, fillGrid, filledGrid, raster, FILLS_KEPT, FILL_CELLS } = await import(pathToFileURL(out).href);
let failures = 0;
const fail = msg => { failures++; console.error('FAIL: ' + msg); };

// The code before (web/src/plots.js at 2d48834), as it was.
const PAD = 0.05, GRID_MAX = 100, RASTER = 64;
function oldGridAxis(p, coords) {
    const distinct = [...new Set(coords)].sort((a, b) => a - b);
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
function bilinear(gx, gy, z, x, y) {
    const cell = (g, c) => {
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
    };
    const cx = cell(gx, x), cy = cell(gy, y);
    if (!cx || !cy)
        return null;
    const nx = gx.length, [i, fx] = cx, [j, fy] = cy;
    const at = (a, b) => z[b * nx + a];
    return (1 - fy) * ((1 - fx) * at(i, j) + fx * at(i + 1, j)) + fy * ((1 - fx) * at(i, j + 1) + fx * at(i + 1, j + 1));
}
function oldRaster(gx, gy, z, x0, x1, y0, y1) {
    const cells = [];
    for (let by = 0; by < RASTER; by++)
        for (let bx = 0; bx < RASTER; bx++) {
            const v = bilinear(gx, gy, z, x0 + (x1 - x0) * (bx + 0.5) / RASTER, y0 + (y1 - y0) * (by + 0.5) / RASTER);
            if (v !== null)
                cells.push([bx, by, v]);
        }
    return cells;
}

let seed = 12345;
const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
const same = (a, b) => a.length === b.length && Array.prototype.every.call(a, (v, i) => Object.is(v, b[i]));

// axes: few and many distinct values, repeats, a single value, a categorical's indices
for (const [n, distinct, kind] of [[50, 7, 'float'], [3000, 2000, 'float'], [400, 100, 'int'], [400, 101, 'int'],
                                   [20, 1, 'float'], [300, 3, 'categorical'], [9000, 9000, 'float']]) {
    const values = Array.from({ length: distinct }, () => (rnd() - 0.3) * 10 ** Math.floor(rnd() * 6 - 3));
    const coords = Array.from({ length: n }, (_, i) => kind === 'categorical' ? i % distinct
        : kind === 'int' ? Math.floor(rnd() * distinct) : values[i % distinct]);
    const p = { kind, choices: kind === 'categorical' ? ['a', 'b', 'c', 'd'] : undefined };
    const a = gridAxis(p, coords), b = oldGridAxis(p, coords);
    if (!same(Array.from(a.grid), b.grid) || a.lo !== b.lo || a.hi !== b.hi || !coords.every(c => a.at(c) === b.at(c)))
        fail(`gridAxis of ${n} ${kind} values (${distinct} distinct) differs from the code before`);
}

// grids with points missing: filled as fillGrid fills them, kept while of FILL_CELLS cells
// at most (a numeric axis's 102 points; categorical axes of 600 choices each are not kept),
// and the raster over them
if (FILL_CELLS !== 102 * 102)
    fail(`grids of up to ${FILL_CELLS} cells are kept, not 102 x 102`);
const study = {};
for (const [nx, ny, known] of [[7, 5, 0.9], [100, 100, 0.09], [100, 100, 0.54], [100, 10, 0.7], [3, 2, 0.5], [2, 9, 0.3],
                               [102, 102, 0.5], [103, 102, 0.5], [600, 3, 0.4], [600, 600, 0.2], [2, 700, 0.5]]) {
    const keep = nx * ny <= FILL_CELLS;
    const gx = Array.from({ length: nx }, (_, i) => i + rnd() * 0.5).sort((a, b) => a - b);
    const gy = Array.from({ length: ny }, (_, i) => i * 2 + rnd()).sort((a, b) => a - b);
    const z = new Float64Array(nx * ny).fill(NaN);
    z[0] = 1;
    for (let i = 1; i < z.length; i++)
        if (rnd() < known)
            z[i] = Math.sin(i) * 10 + rnd();
    const want = z.slice();
    fillGrid(want, nx, ny);
    const got = filledGrid(study, z.slice(), nx, ny);
    if (!same(got, want))
        fail(`filledGrid of a ${nx} x ${ny} grid differs from fillGrid's`);
    const again = filledGrid(study, z.slice(), nx, ny);
    if (keep && again !== got)
        fail(`the ${nx} x ${ny} grid was filled again, not kept`);
    if (!keep && (again === got || !same(again, want)))
        fail(`the ${nx} x ${ny} grid (${nx * ny} cells) was kept, or filled again otherwise`);
    const cells = (study._fills || []).reduce((a, f) => a + f.nx * f.ny, 0);
    if ((study._fills || []).length > FILLS_KEPT || cells > FILLS_KEPT * FILL_CELLS)
        fail(`after a ${nx} x ${ny} grid the study keeps ${(study._fills || []).length} grids of ${cells} cells`);
    const z2 = z.slice();
    z2[z2.length - 1] = 99; // one more trial: another grid
    const want2 = z2.slice();
    fillGrid(want2, nx, ny);
    if (!same(filledGrid(study, z2, nx, ny), want2))
        fail(`a ${nx} x ${ny} grid with one point more gave the kept grid of the one before`);
    const [x0, x1] = [gx[0] - 0.3, gx[nx - 1] + 0.3], [y0, y1] = [gy[0] - 0.2, gy[ny - 1] + 0.2];
    const a = raster(gx, gy, got, x0, x1, y0, y1), b = oldRaster(gx, gy, got, x0, x1, y0, y1);
    if (a.length !== b.length || !a.every((c, i) => same(c, b[i])))
        fail(`the raster of a ${nx} x ${ny} grid differs from the code before`);
}
if (failures) {
    console.error(`${failures} failure(s)`);
    process.exit(1);
}
console.log('ok: the contour\'s grid as before');
