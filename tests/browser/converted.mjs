// The browser test of params a sweep converts (tests/browser/converted.sh runs it):
//   node converted.mjs ARTIFACTS REPORT DASHBOARD_URL WEB_DIR TRIALS_JSON
// TRIALS_JSON is `knob trials conv --json`: the program's values of every trial. In the
// report and the dashboard, every plot that shows a param (slices, contours, parallel
// coordinates) must place each trial at the program's value, on the axis of the sweep's form
// (a log axis for inv_log_uniform_values, q_log_uniform_values and log_normal, a linear one
// for normal, the choices for weighted choices), with tick labels among those values; the
// importance names the params. Fails (exit 1) with the reasons on stderr.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { fail, launch, openPlots, drawChart, closePage, finish } from './lib.mjs';

const [artifacts, report, dashUrl, webDir, trialsJson] = process.argv.slice(2);

// The program's values of the complete trials, by number.
const want = new Map();
for (const t of JSON.parse(readFileSync(trialsJson, 'utf8')))
    if (t.state === 'complete')
        want.set(t.number, t.params);
if (want.size < 10)
    fail(`only ${want.size} complete trials in ${trialsJson}`);
// Each param's axis: its type, and for a categorical its choices in the sweep's order.
const AXES = { x: 'value', y: 'log', z: 'log', w: 'log', opt: 'category', v: 'value' };
const CHOICES = ['adam', 'sgd'];
const names = Object.keys(AXES);
// The span of the program's values of each param: tick labels must lie near it (the
// library's values, quantiles in (0, 1) and reciprocals below 0.1, lie far from it).
const span = {};
for (const name of names.filter(n => AXES[n] !== 'category')) {
    const vals = [...want.values()].map(p => p[name]);
    const lo = Math.min(...vals), hi = Math.max(...vals);
    span[name] = AXES[name] === 'log' ? [lo / 10, hi * 10] : [lo - (hi - lo), hi + (hi - lo)];
}

const browser = await launch(webDir);

const close = (a, b) => a === b || Math.abs(a - b) <= 1e-9 * Math.abs(b);

// The tick labels of a param's axis: numbers near its values (a log axis' labels too).
function checkLabels(where, name, labels) {
    if (AXES[name] === 'category') {
        const bad = labels.filter(l => l !== '' && !CHOICES.includes(l));
        if (bad.length || !labels.length)
            fail(`${where}: the labels of ${name} are ${JSON.stringify(labels)}, not its choices`);
        return;
    }
    const nums = labels.filter(l => l !== '').map(l => Number(l.replace(/,/g, '')));
    if (!nums.length || nums.some(v => !(v >= span[name][0] && v <= span[name][1])))
        fail(`${where}: the tick labels of ${name} are ${JSON.stringify(labels)}, not near the program's ` +
             `values (${span[name].join(' to ')})`);
}

// A point's position on a param's axis against the program's value of trial n.
function checkValue(where, name, n, got) {
    const v = want.get(n)?.[name];
    if (v === undefined)
        return fail(`${where}: a point of trial ${n}, which is not a complete trial`);
    const ok = AXES[name] === 'category' ? got === v : typeof got === 'number' && close(got, v);
    if (!ok)
        fail(`${where}: trial ${n}: ${name} is at ${JSON.stringify(got)}, the program got ${JSON.stringify(v)}`);
}

async function checkSlices(page, where) {
    for (const name of names) {
        const id = `slice-${name}`;
        const { option, labels } = await drawChart(page, id, [['xAxis', 0]]);
        const axis = option.xAxis[0];
        if (axis.type !== AXES[name])
            fail(`${where}: ${id}: a ${axis.type} axis, not ${AXES[name]}`);
        if (AXES[name] === 'category' && JSON.stringify(axis.data) !== JSON.stringify(CHOICES))
            fail(`${where}: ${id}: the categories are ${JSON.stringify(axis.data)}`);
        checkLabels(`${where}: ${id}`, name, labels[0]);
        const seen = new Set();
        for (const s of option.series)
            for (const d of s.data) {
                checkValue(`${where}: ${id}`, name, d[3], d[0]);
                seen.add(d[3]);
            }
        if (seen.size !== want.size)
            fail(`${where}: ${id} shows ${seen.size} trials of ${want.size}`);
    }
}

// The contours' trials (the scatter on the second axes): log axes hold log10 of the value,
// categorical ones a choice's index.
async function checkContours(page, where) {
    const ids = (await page.evaluate(() => window.knob.plots())).filter(id => id.startsWith('contour-'));
    if (ids.length < 3)
        fail(`${where}: ${ids.length} contour plots`);
    for (const id of ids) {
        const [, nx, ny] = id.split('-');
        const { option, labels } = await drawChart(page, id, [['xAxis', 1], ['yAxis', 1]]);
        checkLabels(`${where}: ${id} (x)`, nx, labels[0]);
        checkLabels(`${where}: ${id} (y)`, ny, labels[1]);
        const pts = option.series.find(s => s.type === 'scatter').data;
        const back = (name, a) => AXES[name] === 'log' ? 10 ** a : AXES[name] === 'category' ? CHOICES[a] : a;
        for (const d of pts) {
            checkValue(`${where}: ${id}`, nx, d[3], back(nx, d[0]));
            checkValue(`${where}: ${id}`, ny, d[3], back(ny, d[1]));
        }
        if (pts.length !== want.size)
            fail(`${where}: ${id} shows ${pts.length} trials of ${want.size}`);
    }
}

async function checkParallel(page, where) {
    const { option } = await drawChart(page, 'parallel', []);
    const axes = option.parallelAxis;
    for (const name of names) {
        const a = axes.find(x => x.name === name);
        if (!a) {
            fail(`${where}: parallel: no axis ${name}`);
            continue;
        }
        if (a.type !== AXES[name])
            fail(`${where}: parallel: ${name} on a ${a.type} axis, not ${AXES[name]}`);
        for (const d of option.series[0].data)
            checkValue(`${where}: parallel`, name, d.n, d.value[a.dim]);
    }
    const labels = await page.evaluate(names => {
        const m = window.knobChart('parallel').getModel();
        return names.map(n => m.getComponent('parallelAxis', m.getOption().parallelAxis.findIndex(a => a.name === n))
            .axis.getViewLabels().map(l => l.formattedLabel));
    }, names);
    names.forEach((name, i) => checkLabels(`${where}: parallel`, name, labels[i]));
}

async function checkImportance(page, where) {
    if (!(await page.evaluate(() => window.knob.plots().includes('importance'))))
        return fail(`${where}: no importance plot`);
    const { option } = await drawChart(page, 'importance', []);
    const shown = option.yAxis[0].data;
    if (!shown.length || shown.some(n => !names.includes(n)))
        fail(`${where}: the importance names ${JSON.stringify(shown)}, not the sweep's params`);
}

// Hovering a trial of a slice tells the program's values of its params.
async function checkHover(page, where, name) {
    const id = `slice-${name}`;
    await page.locator(`figure:has(.chart[data-id="${id}"])`).scrollIntoViewIfNeeded();
    const text = await page.evaluate(id => {
        const c = window.knobChart(id);
        c.dispatchAction({ type: 'showTip', seriesIndex: 0, dataIndex: 0 });
        return document.querySelector(`.chart[data-id="${id}"]`).innerText;
    }, id);
    const n = Number((/trial (\d+)/.exec(text) || [])[1]);
    const v = want.get(n);
    if (!v)
        return fail(`${where}: hovering ${id} shows no trial: ${JSON.stringify(text)}`);
    if (!text.includes(`${name}: ${v[name]}`))
        fail(`${where}: hovering ${id} (trial ${n}) does not tell ${name}: ${v[name]}: ${JSON.stringify(text)}`);
}

for (const [where, url] of [['report', pathToFileURL(report).href], ['dashboard', `${dashUrl}/study?name=conv`]]) {
    const page = await openPlots(browser, url, where, { rows: want.size }); // every trial in (the dashboard polls)
    await checkSlices(page, where);
    await checkContours(page, where);
    await checkParallel(page, where);
    await checkImportance(page, where);
    await checkHover(page, where, 'y');
    await closePage(page, `${artifacts}/converted-${where}.png`);
}
await finish(browser, artifacts, `ok: ${want.size} trials`);
