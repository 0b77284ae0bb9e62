// The browser test of odd studies (tests/browser/odd.sh runs it):
//   node odd.mjs ARTIFACTS DIR DASHBOARD_URL EVIL_STUDY WEB_DIR STORAGE
// DIR holds evil.html, proto.html, multi.html, inf.html, mfail.html, mrun.html and big.html
// (odd_fixtures.py says what each study is).
// Fails (exit 1) with the reasons on stderr.
import { createRequire } from 'node:module';
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { tab, release } from './lib.mjs';

const [artifacts, dir, dashUrl, evilName, webDir, storage] = process.argv.slice(2);
const { chromium } = createRequire(webDir + '/')('playwright-core');
const failures = [];
const fail = msg => { failures.push(msg); console.error('FAIL: ' + msg); };

const browser = await chromium.launch({ executablePath: process.env.KNOB_CHROMIUM || '/usr/bin/chromium',
                                        args: ['--no-sandbox', '--disable-gpu'] });

// The whole page saved as a PNG when it failed (or always, given KNOB_SCREENSHOTS=1), its
// errors counted as failures, and closed.
async function closePage(page, shot) {
    if (failures.length > page.failed || page.errors.length || process.env.KNOB_SCREENSHOTS === '1')
        await page.screenshot({ path: shot, fullPage: true });
    failures.push(...page.errors);
    await release(page);
}

async function open(url, name) {
    // the dashboard's 404 for a missing resource is not the page's error
    const page = await tab(browser, name, { ignore: /Failed to load resource/ });
    page.failed = failures.length;
    await page.goto(url);
    await page.waitForFunction(() => window.knob && window.knob.plots().length > 0, null, { timeout: 60000 });
    return page;
}

// Script from the data ran, or markup from it became elements (the page has no <img> of its own).
// (everyTip makes the same check in the page.)
async function injected(page) {
    return page.evaluate(() => [window.__xss ? `window.__xss = ${window.__xss}` : '',
                                document.querySelector('img') ? 'an <img> in the page' : '']
        .filter(Boolean).join(', '));
}

// Draws every plot and shows the tooltip of the first data items of each series. Each plot in
// one call into the page (a call costs a round trip through Chromium's processes, tens of ms on
// a busy machine), the tooltips 30 ms apart as before.
async function everyTip(page, name) {
    for (const id of await page.evaluate(() => window.knob.plots())) {
        const r = await page.evaluate(async id => {
            const injected = () => [window.__xss ? `window.__xss = ${window.__xss}` : '',
                                    document.querySelector('img') ? 'an <img> in the page' : '']
                .filter(Boolean).join(', ');
            try {
                window.knob.draw(id);
            } catch (e) {
                return { error: String(e.message || e).split('\n')[0] };
            }
            const marks = window.knob.marks(id);
            const n = (window.knobChart(id).getOption().series || []).length;
            for (let s = 0; s < n; s++) {
                for (let d = 0; d < 3; d++) {
                    try { // a series without such an item (or a kind without tooltips) shows none
                        window.knobChart(id).dispatchAction({ type: 'showTip', seriesIndex: s, dataIndex: d });
                    } catch (e) { /* nothing shown */ }
                    await new Promise(resolve => setTimeout(resolve, 30));
                    const bad = injected();
                    if (bad)
                        return { marks, bad, s, d };
                }
            }
            return { marks };
        }, id);
        if (r.error) {
            fail(`${name}: plot ${id} is not drawn: ${r.error}`);
            continue;
        }
        if (!(r.marks > 0))
            fail(`${name}: plot ${id} has no marks`);
        if (r.bad)
            return fail(`${name}: the tooltip of plot ${id} (series ${r.s}, item ${r.d}) runs the data: ${r.bad}`);
    }
}

async function evilPage(url, name) {
    const page = await open(url, name);
    if ((await page.title()) !== `knob: ${evilName}`)
        fail(`${name}: the title is '${await page.title()}'`);
    await everyTip(page, name);
    await page.locator('table.trials tbody tr').first().click(); // its params, attributes, logs
    await page.locator('table.trials tbody tr.st-fail').first().click(); // its fail reason
    await page.locator('input.filter').fill('é😀');
    await page.waitForTimeout(300);
    const bad = await injected(page);
    if (bad)
        fail(`${name}: the page runs the data: ${bad}`);
    await closePage(page, `${artifacts}/odd-${name}.png`);
}

// Params named __proto__, constructor and toString, each absent from some trials: every plot
// draws, and a trial without one shows nothing in its column.
async function protoPage() {
    const page = await open(pathToFileURL(`${dir}/proto.html`).href, 'report-proto');
    await everyTip(page, 'report-proto');
    const rows = await page.evaluate(() => {
        const cols = [...document.querySelectorAll('table.trials th')].map(th => th.dataset.col);
        return [...document.querySelectorAll('table.trials tbody tr')].map(tr =>
            [...tr.children].map((td, i) => [cols[i], td.textContent]));
    }).then(rows => rows.map(r => new Map(r))); // a Map: an object's __proto__ is no member
    if (rows.length !== 30)
        fail(`report-proto: the table has ${rows.length} rows, not 30`);
    for (const r of rows) {
        const svm = r.get('model') === 'svm';
        for (const [col, w] of [['constructor', svm ? 'num' : ''], ['toString', svm ? '' : 'num'],
                                ['__proto__', svm ? '' : 'num']]) {
            const ok = w === 'num' ? /^[0-9.e+-]+$/.test(r.get(col) ?? '') : r.get(col) === '';
            if (!ok)
                fail(`report-proto: trial ${r.get('number')} (${r.get('model')}): ${col} shows '${r.get(col)}'`);
        }
    }
    await closePage(page, `${artifacts}/odd-report-proto.png`);
}

// The best-so-far line of the history plot of objective k: at each of its points, the best
// value of the trials up to that one.
async function checkBestLine(page, k) {
    await page.evaluate(() => window.knob.draw('history'));
    const [pts, best] = await page.evaluate(() => {
        const series = window.knobChart('history').getOption().series;
        return [series.find(s => s.name === 'value').data, series.find(s => s.name === 'best so far').data];
    });
    const maximize = k === 1;
    let b = null;
    const want = new Map();
    for (const [n, v] of [...pts].sort((x, y) => x[0] - y[0])) {
        if (b === null || (maximize ? v > b : v < b))
            b = v;
        want.set(n, b);
    }
    if (best.length < 2)
        fail(`report-multi: objective ${k}: the best-so-far line has ${best.length} points`);
    best.forEach(([n, v], i) => {
        if (i && n <= best[i - 1][0])
            fail(`report-multi: objective ${k}: the best-so-far line goes back from trial ${best[i - 1][0]} to ${n}`);
        if (want.get(n) !== v)
            fail(`report-multi: objective ${k}: best so far at trial ${n} is ${v}, not ${want.get(n)}`);
    });
}

// The best-so-far lines after the other plots (the distribution function among them) drew.
async function multiPage() {
    const page = await open(pathToFileURL(`${dir}/multi.html`).href, 'report-multi');
    await checkBestLine(page, 0);
    for (const id of await page.evaluate(() => window.knob.plots()))
        await page.evaluate(id => window.knob.draw(id), id);
    await page.locator('.objective-pick select').selectOption('1');
    await checkBestLine(page, 1);
    await page.locator('.objective-pick select').selectOption('0');
    await checkBestLine(page, 0);
    failures.push(...page.errors);
    await release(page);
}

// Pruned trials valued inf and -inf: the table shows what knob trials prints.
async function infPage() {
    const page = await open(pathToFileURL(`${dir}/inf.html`).href, 'report-inf');
    await page.locator('table.trials tbody tr').first().waitFor();
    const values = await page.locator('table.trials tbody tr td:nth-child(3)').allTextContents();
    if (JSON.stringify(values) !== JSON.stringify(['inf', '-inf', '2.5']))
        fail(`report-inf: the values show as ${JSON.stringify(values)}, knob trials prints inf, -inf, 2.5`);
    failures.push(...page.errors);
    await release(page);
}

// Complete trials valued inf and -inf (odd_fixtures.py: neginf, posinf, allinf, moinf) at url:
// every plot draws, and the points of those on a grid (history, slices, contours, Pareto
// front, distribution function) inside it, the history, slices and Pareto front one for each
// of the three trials; an objective's axis says +inf or -inf at the edge where
// such a value is (neginf and posinf: with ticks of the finite values too, which infinities
// in the axis's range left out), and the best-so-far line of neginf (minimized) ends at the
// bottom edge, at -inf; moinf's infinite hypervolume is drawn at +inf.
async function infinitePage(url, name, study) {
    const page = await open(url, name);
    await page.locator('table.trials tbody tr').first().waitFor();
    const plots = await page.evaluate(() => {
        const out = {};
        for (const id of window.knob.plots()) {
            try {
                window.knob.draw(id);
            } catch (e) {
                out[id] = { error: String(e.message || e).split('\n')[0] };
                continue;
            }
            const m = window.knobChart(id).getModel(), grid = m.getComponent('grid');
            if (!grid)
                continue;
            const r = grid.coordinateSystem.getRect();
            // the points of the trials (scatters; the distribution function's lines), and
            // those drawn inside the grid (a pixel of slack)
            let points = 0, inside = 0;
            m.eachSeries(s => {
                if (s.subType !== 'scatter' && !(id === 'edf' && s.subType === 'line'))
                    return;
                const d = s.getData();
                points += d.count();
                const line = s.subType === 'line' && d.getLayout('points'); // x, y, x, y...
                for (let i = 0; i < d.count(); i++) {
                    const [x, y] = line ? [line[2 * i], line[2 * i + 1]] : d.getItemLayout(i) || [];
                    if (x >= r.x - 1 && x <= r.x + r.width + 1 && y >= r.y - 1 && y <= r.y + r.height + 1)
                        inside++;
                }
            });
            const axis = (kind, i) => m.getComponent(kind, i)?.axis;
            const labels = a => (a && a.type === 'value' ? a.getViewLabels().map(l => l.formattedLabel) : []);
            const best = m.getSeriesByName('best so far')[0];
            // the hypervolume history's points of no place (null: an infinity sent as null)
            const lost = id === 'hypervolume'
                ? window.knobChart(id).getOption().series[0].data.filter(d => !Number.isFinite(d[1])).length : 0;
            out[id] = { points, inside, lost, x: labels(axis('xAxis', 0)), y: labels(axis('yAxis', 0)),
                        bottom: axis('yAxis', 0)?.scale.getExtent()[0],
                        best: best ? best.getData().get('y', best.getData().count() - 1) : null };
        }
        return out;
    });
    const want = ['allinf', 'hugemo'].includes(study) ? ['+inf', '-inf'] : study === 'posinf' ? ['+inf'] : ['-inf'];
    for (const [id, p] of Object.entries(plots)) {
        if (p.error) {
            fail(`${name}: plot ${id} is not drawn: ${p.error}`);
            continue;
        }
        if (p.inside !== p.points)
            fail(`${name}: plot ${id} draws ${p.inside} of its ${p.points} points inside its grid`);
    }
    for (const id of ['moinf', 'hugemo'].includes(study) ? ['pareto-0-1'] : ['history', 'slice-a', 'slice-b']) {
        const p = plots[id];
        if (!p) {
            fail(`${name}: no plot ${id} among ${Object.keys(plots).join(', ')}`);
            continue;
        }
        if (p.points !== 3)
            fail(`${name}: plot ${id} has ${p.points} points, not one for each of the 3 trials`);
        const labels = ['moinf', 'hugemo'].includes(study) ? [...p.x, ...p.y] : p.y;
        const numbers = labels.filter(l => /^-?[0-9.]+(e[+-]?[0-9]+)?$/.test(l));
        if (!want.every(w => labels.includes(w)) || (study !== 'allinf' && numbers.length < 2))
            fail(`${name}: plot ${id}'s objective axis is labelled ${JSON.stringify(labels)}`);
    }
    // moinf's hypervolume is infinite from its first trial (-inf, 1) on: a line at +inf
    if (study === 'moinf' && (!plots.hypervolume || plots.hypervolume.lost || !plots.hypervolume.y.includes('+inf')))
        fail(`${name}: the hypervolume history does not draw its infinities: ${JSON.stringify(plots.hypervolume)}`);
    if (['neginf', 'hugeinf'].includes(study) && plots.history && !(plots.history.best === plots.history.bottom))
        fail(`${name}: the best so far ends at ${plots.history.best}, not at -inf (the bottom edge, ` +
             `${plots.history.bottom})`);
    await closePage(page, `${artifacts}/odd-${name}.png`);
}

// The study shown (two objectives, the second picked) deleted and made again (other trials,
// another param, one objective) under its name: the page shows the new study alone.
async function remadePage() {
    const page = await open(`${dashUrl}/study?name=re`, 'dashboard-re');
    const shown = () => page.evaluate(() => [document.querySelectorAll('table.trials tbody tr').length,
        [...document.querySelectorAll('table.trials th')].map(th => th.dataset.col)]);
    await page.waitForFunction(() => document.querySelectorAll('table.trials tbody tr').length === 5, null,
                               { timeout: 30000 })
        .catch(() => fail('dashboard-re: the five trials did not show'));
    await page.locator('.objective-pick select').selectOption('1');
    const r = spawnSync('python3', [new URL('odd_fixtures.py', import.meta.url).pathname, storage, 'remake'],
                        { encoding: 'utf8' });
    if (r.status !== 0)
        fail(`dashboard-re: making the study again: ${r.stderr}`);
    await page.waitForFunction(() => {
        const cols = [...document.querySelectorAll('table.trials th')].map(th => th.dataset.col);
        return document.querySelectorAll('table.trials tbody tr').length === 2 && cols.includes('y') &&
            !cols.includes('x');
    }, null, { timeout: 30000 })
        .catch(async () => fail(`dashboard-re: the study made again shows as ${JSON.stringify(await shown())}`));
    const [picker, plots] = await page.evaluate(() => [!!document.querySelector('.objective-pick select'),
                                                      window.knob.plots()]);
    if (picker || !plots.includes('history'))
        fail(`dashboard-re: the study made again with one objective shows ${picker ? 'a menu of objectives and ' : ''}` +
             `the plots ${plots.join(', ')}`);
    failures.push(...page.errors);
    await release(page);
}

// The plots made again (objective 1 picked) while the parallel coordinates of 3,100 trials
// (drawn progressively past 3,000) have a paint left for a later frame: nothing throws. Every
// Date.now() while it draws is 20 ms on, so that zrender paints one line of the progressive
// layer a frame (its budget is 15 ms) and leaves the rest to requestAnimationFrame. The
// chart's own painter is marked while it paints (__painting), and the page's
// requestAnimationFrame (which zrender binds when it loads) counts the paints it leaves for
// a later frame (__paintsLeft), no other chart's; the objective is picked at the first frame
// that leaves one. The plot ids must change (the charts are disposed only then) and the old
// chart be disposed; the check ends when its paints left have all run, and one task more.
// It threw "Cannot read properties of null (reading 'layerStack')" in that later frame.
async function disposePage() {
    const name = 'report-big';
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.errors = [];
    page.on('pageerror', e => page.errors.push(`${name}: ${e.message}`));
    await page.addInitScript(() => {
        const raf = window.requestAnimationFrame.bind(window);
        window.__paintsLeft = 0;
        window.__painting = false;
        window.requestAnimationFrame = cb => {
            if (!window.__painting) // only the watched painter going on with a paint
                return raf(cb);
            window.__paintsLeft++;
            return raf(t => {
                window.__paintsLeft--;
                cb(t);
            });
        };
    });
    await page.goto(pathToFileURL(`${dir}/big.html`).href);
    await page.waitForFunction(() => window.knob && window.knob.plots().includes('parallel'), null, { timeout: 60000 });
    await page.locator('figure:has(.chart[data-id="parallel"])').scrollIntoViewIfNeeded();
    await page.waitForFunction(() => window.knob.drawn('parallel'), null, { timeout: 60000 });
    const how = await page.evaluate(() => new Promise(resolve => {
        const real = Date.now;
        let skew = 0;
        Date.now = () => real() + (skew += 20);
        const old = window.knobChart('parallel'), ids = window.knob.plots().join('\n');
        const painter = old.getZr().painter, paintList = painter._paintList;
        painter._paintList = function (...args) {
            window.__painting = true;
            try {
                return paintList.apply(this, args);
            } finally {
                window.__painting = false;
            }
        };
        let left = -1; // the paints left when the objective was picked
        const done = what => {
            Date.now = real;
            resolve({ what, left, disposed: old.isDisposed(), same: window.knob.plots().join('\n') === ids,
                      now: window.__paintsLeft });
        };
        const settle = () => { // until the old chart's paints left have run, then a task more
            if (window.__paintsLeft > 0)
                setTimeout(settle, 0);
            else
                setTimeout(() => done('picked'), 0);
        };
        old.on('rendered', () => {
            if (window.__paintsLeft > 0 && Date.now !== real) {
                Date.now = real;
                queueMicrotask(() => { // before that frame
                    left = window.__paintsLeft;
                    const pick = document.querySelector('.objective-pick select');
                    pick.value = '1';
                    pick.dispatchEvent(new Event('change'));
                    settle();
                });
            }
        });
        window.knob.draw('parallel');
        setTimeout(() => done('never a paint left for a later frame'), 20000);
    }));
    if (how.what !== 'picked' || how.left < 1)
        fail(`${name}: ${how.what} (${how.left} paints left at the pick): the check proves nothing`);
    if (how.same)
        fail(`${name}: the plot ids are the same with objective 1: no chart was disposed, the check proves nothing`);
    if (!how.disposed)
        fail(`${name}: the parallel coordinates of objective 0 were not disposed`);
    if (how.now !== 0)
        fail(`${name}: ${how.now} paints of the old chart left`);
    if (!(await page.evaluate(() => window.knob.drawn('history'))))
        fail(`${name}: the plots of objective 1 are not drawn`);
    failures.push(...page.errors);
    await page.close();
}

await disposePage();
await evilPage(pathToFileURL(`${dir}/evil.html`).href, 'report-evil');
await protoPage();
await multiPage();
await infPage();
for (const study of ['neginf', 'posinf', 'allinf', 'moinf', 'hugeinf', 'hugemo']) {
    await infinitePage(pathToFileURL(`${dir}/${study}.html`).href, `report-${study}`, study);
    await infinitePage(`${dashUrl}/study?name=${study}`, `dashboard-${study}`, study);
}
// Several objectives, no complete trial: every plot listed has marks (no empty Pareto front).
for (const name of ['mfail', 'mrun']) {
    const page = await open(pathToFileURL(`${dir}/${name}.html`).href, `report-${name}`);
    await everyTip(page, `report-${name}`);
    failures.push(...page.errors);
    await release(page);
}
await evilPage(`${dashUrl}/study?name=${encodeURIComponent(evilName)}`, 'dashboard-evil');
await remadePage();
{
    const page = await tab(browser, 'dashboard-studies', { ignore: /Failed to load resource/ });
    await page.goto(dashUrl + '/');
    await page.waitForSelector('table.studies');
    const names = await page.locator('table.studies tbody td:first-child').allTextContents();
    if (!names.includes(evilName))
        fail(`dashboard-studies: the list shows ${JSON.stringify(names)}`);
    const bad = await injected(page);
    if (bad)
        fail(`dashboard-studies: the page runs the data: ${bad}`);
    failures.push(...page.errors);
    await release(page);
}
await browser.close();
if (failures.length) {
    failures.forEach(f => console.error('FAIL: ' + f));
    console.error(`${failures.length} failure(s); screenshots of the failed pages in ${artifacts}`);
    process.exit(1);
}
console.log('ok');
