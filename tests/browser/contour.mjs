// The browser test of the contour plots' grid (tests/browser/contour.sh runs it):
//   node contour.mjs ARTIFACTS DIR DASHBOARD_URL WEB_DIR
// DIR holds NAME.html (knob report) of the studies num (x an int 0..4, y an int 0..2) and cat
// (c one of lo, mid, hi, at indices 0, 1, 2; y), each a grid whose objective is x + 10 y (c's
// index for x) but for the trial at x = 1, y = 1, which failed. In the report and the
// dashboard, the one contour plot must be on Optuna's grid of the params' distinct values:
// a numeric axis from the least value less 5% of the values' range to the greatest plus 5%
// (x: -0.2 to 4.2, y: -0.1 to 2.1), a categorical one the choices' (-0.5 to 2.5); every
// cell whose centre is among the trials' values (0..4 or 0..2) of the objective there
// exactly, as the grid's linear values and the missing point's mean of its neighbours
// (1 + 10) interpolate bilinearly; the cells past them between the trials' range and the
// padded ends within the trials' values (means of neighbours); none past a categorical's
// first and last index with a trial. Fails (exit 1) with the reasons on stderr.
import { pathToFileURL } from 'node:url';
import { fail, launch, openPlots, drawChart, closePage, finish } from './lib.mjs';

const [artifacts, dir, dashUrl, webDir] = process.argv.slice(2);

// Each study's params: the trials' least and greatest values on the axis (a categorical's
// indices), the axis's ends, and whether it is categorical; its complete trials.
const STUDIES = {
    num: { x: { lo: 0, hi: 4, ends: [-0.2, 4.2] }, y: { lo: 0, hi: 2, ends: [-0.1, 2.1] } },
    cat: { c: { lo: 0, hi: 2, ends: [-0.5, 2.5], categorical: true }, y: { lo: 0, hi: 2, ends: [-0.1, 2.1] } },
};
const COMPLETE = { num: 14, cat: 8 };
const objective = at => ('x' in at ? at.x : at.c) + 10 * at.y;
const close = (a, b) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));

const browser = await launch(webDir);
const chart = async (page, id) => (await drawChart(page, id)).option;

async function check(page, where, params, complete) {
    const ids = (await page.evaluate(() => window.knob.plots())).filter(id => id.startsWith('contour-'));
    if (ids.length !== 1)
        fail(`${where}: ${ids.length} contour plots, not 1`);
    for (const id of ids) {
        const [, nx, ny] = id.split('-');
        const option = await chart(page, id);
        const px = params[nx], py = params[ny];
        const ax = option.xAxis.find(a => a.type === 'value'), ay = option.yAxis.find(a => a.type === 'value');
        const rx = option.xAxis.find(a => a.type === 'category').data.length;
        const ry = option.yAxis.find(a => a.type === 'category').data.length;
        for (const [name, a, p] of [[nx, ax, px], [ny, ay, py]])
            if (!close(a.min, p.ends[0]) || !close(a.max, p.ends[1]))
                fail(`${where}: ${id}: the axis of ${name} from ${a.min} to ${a.max}, not ${p.ends[0]} to ${p.ends[1]}`);
        const heat = option.series.find(s => s.type === 'heatmap').data;
        let inside = 0;
        const bad = [];
        for (const [bx, by, v] of heat) {
            const cx = ax.min + (ax.max - ax.min) * (bx + 0.5) / rx;
            const cy = ay.min + (ay.max - ay.min) * (by + 0.5) / ry;
            const inX = cx >= px.lo && cx <= px.hi, inY = cy >= py.lo && cy <= py.hi;
            if ((px.categorical && !inX) || (py.categorical && !inY))
                bad.push(`a cell at ${nx} ${cx}, ${ny} ${cy}, past a categorical's grid`);
            else if (inX && inY) {
                inside++;
                const want = objective({ [nx]: cx, [ny]: cy });
                if (!close(v, want))
                    bad.push(`${v} at ${nx} ${cx}, ${ny} ${cy}, not ${want}`);
            } else if (!(v >= objective({ [nx]: px.lo, [ny]: py.lo }) && v <= objective({ [nx]: px.hi, [ny]: py.hi }))) {
                bad.push(`${v} at ${nx} ${cx}, ${ny} ${cy}, past the trials' values`);
            }
        }
        if (bad.length)
            fail(`${where}: ${id}: ${bad.length} cells of ${heat.length} wrong: ${bad.slice(0, 5).join('; ')}`);
        if (inside < rx * ry / 4)
            fail(`${where}: ${id}: only ${inside} cells among the trials' values`);
        const pts = option.series.find(s => s.type === 'scatter').data;
        if (pts.length !== complete)
            fail(`${where}: ${id}: ${pts.length} trials' points, not ${complete}`);
    }
}

for (const [study, params] of Object.entries(STUDIES)) {
    for (const [where, url] of [[`${study} report`, pathToFileURL(`${dir}/${study}.html`).href],
                                [`${study} dashboard`, `${dashUrl}/study?name=${study}`]]) {
        const page = await openPlots(browser, url, where,
                                     { ready: () => window.knob && window.knob.plots().some(id => id.startsWith('contour-')) });
        await check(page, where, params, COMPLETE[study]);
        await closePage(page, `${artifacts}/contour-${where.replace(' ', '-')}.png`);
    }
}
await finish(browser, artifacts, 'ok');
