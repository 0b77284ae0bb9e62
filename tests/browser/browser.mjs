// The browser test of knob report and knob dashboard (tests/browser/browser.sh runs it):
// headless Chromium (Debian's) driven by playwright-core (the build's web/node_modules).
//   node browser.mjs ARTIFACTS REPORT_ONE REPORT_TWO REPORT_THREE DASHBOARD_URL KNOB STORAGE WEB_DIR
// Fails (exit 1) with the reasons on stderr. Screenshots go to ARTIFACTS.
import { createRequire } from 'node:module';
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { tab, release } from './lib.mjs';

const [artifacts, reportOne, reportTwo, reportThree, dashUrl, knob, storage, webDir] = process.argv.slice(2);
const { chromium } = createRequire(webDir + '/')('playwright-core');
const failures = [];
const started = Date.now();
const lap = what => console.log(`${what}: done at ${Date.now() - started} ms`);
const fail = msg => { failures.push(msg); console.error('FAIL: ' + msg); };

const browser = await chromium.launch({ executablePath: process.env.KNOB_CHROMIUM || '/usr/bin/chromium',
                                        args: ['--no-sandbox', '--disable-gpu'] });

async function open(url, name) {
    const page = await tab(browser, name);
    const t0 = Date.now();
    const resp = await page.goto(url);
    page.status = resp ? resp.status() : 0;
    page.loadMs = Date.now() - t0;
    return page;
}

// Screenshots of what passed are taken given KNOB_SCREENSHOTS=1 only (each costs 0.5-1 s);
// a page that failed is saved whole (shotOnFailure).
const allShots = process.env.KNOB_SCREENSHOTS === '1';
async function shotOnFailure(page, failed, path) {
    if (allShots || failures.length > failed)
        await page.screenshot({ path, fullPage: true });
}

// Every plot the page lists is drawn when scrolled to and has marks; with KNOB_SCREENSHOTS=1,
// those `shots` names (every one by default) are saved as PNGs, and a plot that failed is.
// Each plot in one call into the page (a call costs a round trip through Chromium's processes,
// tens of ms on a busy machine).
async function checkPlots(page, name, expected, shots = null) {
    await page.waitForFunction(() => window.knob && window.knob.plots().length > 0, null, { timeout: 60000 });
    const ids = await page.evaluate(() => window.knob.plots());
    for (const want of expected)
        if (!ids.some(id => id === want || id.startsWith(want + '-')))
            fail(`${name}: no plot ${want} (has ${ids.join(', ')})`);
    for (const id of ids) {
        const failed = failures.length;
        // scrolled to, then drawn within 30 s: its marks; -1 when it was not drawn
        const marks = await page.evaluate(id => new Promise(resolve => {
            document.querySelector(`.chart[data-id="${id}"]`).closest('figure').scrollIntoViewIfNeeded();
            const until = performance.now() + 30000;
            const seen = () => {
                if (window.knob.drawn(id))
                    resolve(window.knob.marks(id));
                else if (performance.now() > until)
                    resolve(-1);
                else
                    requestAnimationFrame(seen);
            };
            seen();
        }), id);
        if (marks < 0)
            fail(`${name}: plot ${id} was not drawn when seen`);
        if (!(marks > 0))
            fail(`${name}: plot ${id} has no marks`);
        if ((allShots && (!shots || shots.some(w => id === w || id.startsWith(w + '-')))) || failures.length > failed)
            await page.locator(`figure:has(.chart[data-id="${id}"])`).screenshot({ path: `${artifacts}/${name}-${id}.png` });
    }
    return ids;
}

// Hovering a trial's point shows a tooltip naming that trial.
async function checkHover(page, name, id) {
    const fig = page.locator(`figure:has(.chart[data-id="${id}"])`);
    await fig.scrollIntoViewIfNeeded();
    const p = await page.evaluate(id => window.knob.point(id), id);
    if (!p)
        return fail(`${name}: no point to hover in ${id}`);
    // The mouse goes to the point, then around it a few pixels (a symbol is small).
    const want = `trial ${p.n}`;
    let shown = false;
    for (const [dx, dy] of [[0, 0], [1, 1], [-1, -1], [2, 0], [-2, 0], [0, 2], [0, -2], [3, 3], [-3, -3]]) {
        await page.mouse.move(p.x + dx, p.y + dy);
        shown = await page.waitForFunction(([id, want]) =>
            document.querySelector(`.chart[data-id="${id}"]`).innerText.includes(want), [id, want],
            { timeout: dx || dy ? 300 : 1500 })
            .then(() => true, () => false);
        if (shown)
            break;
    }
    if (!shown)
        fail(`${name}: hovering ${id} at trial ${p.n} shows no tooltip with '${want}'`);
    if (allShots || !shown)
        await fig.screenshot({ path: `${artifacts}/${name}-${id}-hover.png` });
}

async function checkTable(page, name) {
    const rows = () => page.locator('table.trials tbody tr').count();
    const all = await rows();
    if (all < 2)
        return fail(`${name}: the trials table has ${all} rows`);
    await page.locator('table.trials th[data-col="value"]').click();
    const first = await page.locator('table.trials tbody tr').first().getAttribute('data-n');
    const best = await page.evaluate(() => {
        const c = [...document.querySelectorAll('table.trials tbody tr')]
            .map(r => [Number(r.dataset.n), Number(r.children[2].textContent)]).filter(r => r[1] || r[1] === 0);
        return c.length ? c[0][0] : null;
    });
    if (String(best) !== first)
        fail(`${name}: sorting by value does not put the best first`);
    // reversed: the trials without a value (failed ones) still last
    await page.locator('table.trials th[data-col="value"]').click();
    const values = await page.locator('table.trials tbody tr td:nth-child(3)').allTextContents();
    const blank = values.indexOf('');
    if (values[0] === '' || (blank >= 0 && values.slice(blank).some(v => v !== '')))
        fail(`${name}: sorted by value descending, the empty cells are not last: ${values.join(',')}`);
    await page.locator('select.state').selectOption('pruned');
    const pruned = await page.locator('table.trials tbody tr').count();
    const states = await page.locator('table.trials tbody tr td:nth-child(2)').allTextContents();
    if (!pruned || states.some(s => s !== 'pruned'))
        fail(`${name}: the state filter shows ${states.join(',')}`);
    await page.locator('select.state').selectOption('');
    await page.locator('input.filter').fill('opt=sgd');
    const opts = await page.locator('table.trials tbody tr td:nth-child(6)').allTextContents();
    if (!opts.length || opts.some(s => s !== 'sgd'))
        fail(`${name}: the filter opt=sgd shows ${opts.join(',')}`);
    await page.locator('input.filter').fill('');
    // a column whose name has a space, quoted: every trial with a duration
    const timed = (await page.locator('table.trials tbody tr td:last-child').allTextContents())
        .filter(Boolean).length;
    await page.locator('input.filter').fill('"duration (s)">=0');
    const quoted = await page.locator('table.trials tbody tr').count();
    if (!timed || quoted !== timed)
        fail(`${name}: the filter "duration (s)">=0 shows ${quoted} rows, not the ${timed} with a duration`);
    // a quote inside a word is a letter: opt=sgd' finds no trial (an open quote swallowed the
    // rest), and "sgd" as a whole word is the value sgd
    await page.locator('input.filter').fill("opt=sgd'");
    const inner = await page.locator('table.trials tbody tr').count();
    await page.locator('input.filter').fill('opt="sgd"');
    const whole = await page.locator('table.trials tbody tr td:nth-child(6)').allTextContents();
    if (inner !== 0 || !whole.length || whole.some(s => s !== 'sgd'))
        fail(`${name}: opt=sgd' shows ${inner} rows, opt="sgd" ${whole.join(',')}`);
    await page.locator('input.filter').fill('');
}

// The table shows values and params as knob trials prints them (values %.8g, params as
// its JSON writes them), for every trial.
async function checkExact(page, name, study) {
    const r = spawnSync(knob, ['trials', study, '--storage', storage], { encoding: 'utf8' });
    const want = new Map();
    for (const line of r.stdout.split('\n').slice(1)) {
        const m = /^\s*(\d+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\{.*\})$/.exec(line);
        if (m)
            want.set(m[1], { value: m[3] === '-' ? '' : m[3], params: m[5] });
    }
    await page.locator('table.trials th[data-col="number"]').click(); // by number again
    const rows = await page.evaluate(() => [...document.querySelectorAll('table.trials tbody tr')].map(tr =>
        [tr.dataset.n, [...tr.children].map(td => td.textContent),
         [...tr.closest('table').querySelectorAll('th')].map(th => th.dataset.col)]));
    if (rows.length < 2 || rows.length !== want.size)
        fail(`${name}: the table has ${rows.length} rows, knob trials ${want.size}`);
    let checked = 0;
    const names = (o, at = '') => Object.entries(o).flatMap(([k, v]) =>
        (v && typeof v === 'object' && !Array.isArray(v) ? names(v, `${at}${k}.`) : [`${at}${k}`]));
    for (const [n, cells, cols] of rows) {
        const w = want.get(n);
        if (!w)
            continue;
        // every param knob trials prints is a column (a constant, W&B's value:, too)
        const missing = names(JSON.parse(w.params)).filter(k => !cols.includes(k));
        if (missing.length)
            fail(`${name}: trial ${n}: no column for ${missing.join(', ')}, which knob trials prints`);
        const value = cols.map((c, i) => (/^value( \d+)?$/.test(c) ? cells[i] : null)).filter(v => v !== null)
            .join(';').replace(/^;+$/, '');
        if (value !== w.value)
            fail(`${name}: trial ${n}: value '${value}', knob trials '${w.value}'`);
        for (const [i, col] of cols.entries()) {
            const m = new RegExp(`"${col}":("[^"]*"|[^,}]+)`).exec(w.params);
            // a conditional constant (one's momentum, when opt is sgd) only where it holds
            if (!m && col === 'momentum' && cells[i] !== '')
                fail(`${name}: trial ${n}: momentum '${cells[i]}', which knob trials does not print`);
            if (!m)
                continue;
            const text = m[1].startsWith('"') ? JSON.parse(m[1]) : m[1];
            if (cells[i] !== text)
                fail(`${name}: trial ${n}: ${col} '${cells[i]}', knob trials '${text}'`);
            checked++;
        }
    }
    if (!checked)
        fail(`${name}: no param compared with knob trials`);
}

// The page's number formatting against C's printf (Python's % is glibc's), on tricky values.
async function checkFormat(page) {
    const vals = [0.1, 1 / 3, 123456785, 1234567.25, 1234567.75, 2.5, 1e-5, 1.804687523184376e-05, 99999999.5,
                  1e21, 1e22, -3.25, 1e-300, 5e-324, 0.0001, 12345678, 1.5e-7, 3.2699330798372639e18, 0.041386952451282655,
                  1e-310, -2.5e-320, 1.2345678e-312, 2.225073858507201e-308, 2.2250738585072014e-308];
    for (let i = 0; i < 300; i++)
        vals.push((Math.sin(i * 7.1) - 0.3) * 10 ** ((i % 40) - 20), Math.round(Math.abs(Math.cos(i)) * 1e9) / 4);
    const py = spawnSync('python3', ['-c', `
import sys, json
out = []
for v in [float(x) for x in json.load(sys.stdin)]:
    s = '%.0f' % v if v == int(v) and abs(v) < 2 ** 53 else None
    if s is None:
        for p in range(1 if abs(v) < sys.float_info.min else 15, 18):
            s = '%.*g' % (p, v)
            if float(s) == v:
                break
        if abs(v) < sys.float_info.min and s != repr(v):  # a subnormal: as Python's repr
            s = 'repr %s, %%g %s' % (repr(v), s)
    out.append(['%.8g' % v, s])
print(json.dumps(out))`], { input: JSON.stringify(vals), encoding: 'utf8' });
    const want = JSON.parse(py.stdout);
    const got = await page.evaluate(vals => vals.map(v => [window.knob.fmt.value(v), window.knob.fmt.json(v)]), vals);
    got.forEach((g, i) => {
        if (g[0] !== want[i][0] || g[1] !== want[i][1])
            fail(`formatting ${vals[i]}: page ${g.join(' ')}, printf ${want[i].join(' ')}`);
    });
}

const common = ['history', 'slice', 'contour', 'parallel', 'importance', 'edf', 'timeline'];
// A drawn chart follows its box when the window narrows; the timings kept of the charts
// drawn stay bounded however many draws there were.
async function checkResize(page, name) {
    await page.locator('figure:has(.chart[data-id="history"])').scrollIntoViewIfNeeded();
    const size = () => page.evaluate(() => {
        const el = document.querySelector('.chart[data-id="history"]');
        const c = window.knobChart('history');
        return { box: el.clientWidth, chart: c ? c.getWidth() : -1 };
    });
    const wide = await size();
    await page.setViewportSize({ width: 760, height: 900 });
    const ok = await page.waitForFunction(() => {
        const el = document.querySelector('.chart[data-id="history"]');
        return window.knobChart('history').getWidth() === el.clientWidth;
    }, null, { timeout: 5000 }).then(() => true, () => false);
    const narrow = await size();
    if (!ok || narrow.box >= wide.box || narrow.chart !== narrow.box)
        fail(`${name}: the history chart did not follow its box as the window narrowed ` +
             `(${JSON.stringify({ wide, narrow })})`);
    await page.setViewportSize({ width: 1280, height: 900 });
    const kept = await page.evaluate(() => {
        for (let i = 0; i < 250; i++)
            window.knob.draw('history');
        return [window.knob.timings.length, window.knob.timings.at(-1).id];
    });
    if (kept[0] > 200 || kept[1] !== 'history')
        fail(`${name}: after 250 draws the page keeps ${kept[0]} timings (the last of ${kept[1]})`);
}

// The three reports, then the dashboard (one after the other: on a loaded machine pages at
// once only compete for the same cores).
async function reportOnePage() {
    const failed = failures.length;
    const page = await open(pathToFileURL(reportOne).href, 'report-one');
    await checkPlots(page, 'report-one', [...common, 'intermediate']);
    await checkHover(page, 'report-one', 'history');
    await checkHover(page, 'report-one', 'slice-x');
    await checkHover(page, 'report-one', 'timeline');
    await checkTable(page, 'report-one');
    await checkExact(page, 'report-one', 'one');
    await checkFormat(page);
    await checkResize(page, 'report-one');
    lap('report-one');
    await shotOnFailure(page, failed, `${artifacts}/report-one.png`);
    failures.push(...page.errors);
    await release(page);
}
async function reportTwoPage() {
    const failed = failures.length;
    const page = await open(pathToFileURL(reportTwo).href, 'report-two');
    await checkPlots(page, 'report-two', ['history', 'slice', 'parallel', 'importance', 'pareto', 'hypervolume',
                                          'edf', 'timeline'], ['pareto', 'hypervolume', 'importance']);
    await checkHover(page, 'report-two', 'pareto-0-1');
    // The objective menu: the plots of objective 1, its importance among them.
    await page.locator('.objective-pick select').selectOption('1');
    await page.waitForFunction(() => window.knob.plots().includes('importance-1'), null, { timeout: 5000 })
        .catch(() => fail('report-two: no importance of objective 1 after picking it'));
    await page.locator('figure:has(.chart[data-id="importance-1"])').scrollIntoViewIfNeeded();
    await page.waitForFunction(() => window.knob.drawn('importance-1') && window.knob.marks('importance-1') > 0,
                               null, { timeout: 5000 })
        .catch(() => fail('report-two: the importance of objective 1 is not drawn'));
    if (allShots)
        await page.locator('figure:has(.chart[data-id="importance-1"])').screenshot({ path: `${artifacts}/report-two-importance-1.png` });
    await checkExact(page, 'report-two', 'two');
    lap('report-two');
    await shotOnFailure(page, failed, `${artifacts}/report-two.png`);
    failures.push(...page.errors);
    await release(page);
}
async function reportThreePage() {
    const failed = failures.length;
    const page = await open(pathToFileURL(reportThree).href, 'report-three');
    await checkPlots(page, 'report-three', ['pareto-3d', 'pareto', 'hypervolume'], ['pareto-3d']);
    await checkHover(page, 'report-three', 'pareto-3d');
    // Dragging turns the 3-D view: a point moves.
    const before = await page.evaluate(() => window.knob.point('pareto-3d'));
    const box = await page.locator('.chart[data-id="pareto-3d"]').boundingBox();
    await page.mouse.move(box.x + 20, box.y + 60);
    await page.mouse.down();
    await page.mouse.move(box.x + 80, box.y + 90, { steps: 4 });
    await page.mouse.up();
    const after = await page.evaluate(() => window.knob.point('pareto-3d'));
    if (!before || !after || (Math.abs(before.x - after.x) < 2 && Math.abs(before.y - after.y) < 2))
        fail(`report-three: dragging did not turn the 3-D view (${JSON.stringify([before, after])})`);
    if (allShots)
        await page.locator('figure:has(.chart[data-id="pareto-3d"])').screenshot({ path: `${artifacts}/report-three-pareto-3d-turned.png` });
    await shotOnFailure(page, failed, `${artifacts}/report-three.png`);
    lap('report-three');
    failures.push(...page.errors);
    await release(page);
}
await reportOnePage();
await reportTwoPage();
await reportThreePage();
{
    const failed = failures.length;
    const page = await open(dashUrl + '/', 'dashboard');
    await page.locator('table.studies a', { hasText: 'one' }).click();
    await page.waitForURL(/\/study\?name=one/);
    await checkPlots(page, 'dashboard-one', [...common, 'intermediate'], []);
    lap('dashboard plots');
    const count = () => page.evaluate(() => document.querySelectorAll('table.trials tbody tr').length);
    const before = await count();
    // A trial finished by a worker in another process shows within 2 s.
    const w = spawnSync(knob, ['worker', '--study', 'one', '--storage', storage, '--trials', '1'],
                        { encoding: 'utf8' });
    if (w.status !== 0)
        fail(`knob worker: exit ${w.status}: ${w.stderr}`);
    const t0 = Date.now();
    await page.waitForFunction(n => document.querySelectorAll('table.trials tbody tr').length > n, before,
                               { timeout: 2000 })
        .catch(() => fail(`dashboard: the worker's trial did not show within 2 s`));
    console.log(`dashboard: the worker's trial showed ${Date.now() - t0} ms after the worker exited`);
    await page.locator('table.trials tbody tr').first().click();
    await page.waitForFunction(() => /stdout|no trial directory/.test(document.querySelector('#trial').innerText),
                               null, { timeout: 3000 })
        .catch(() => fail('dashboard: a trial\'s logs did not show'));
    await shotOnFailure(page, failed, `${artifacts}/dashboard-one.png`);
    failures.push(...page.errors);
    const nf = await open(dashUrl + '/no/such/page', 'dashboard-404');
    if (nf.status !== 404 || !(await nf.content()).includes('404'))
        fail(`dashboard: a bad URL gives ${nf.status}, not a 404 page`);
    if (allShots || nf.status !== 404)
        await nf.screenshot({ path: `${artifacts}/dashboard-404.png` });
    await release(page);
}
lap('dashboard');
// Params a sweep converts (quantiles, a reciprocal) and an enqueued trial: the table shows
// them as knob trials does (what the program got; the waiting trial's as it was given).
{
    const failed = failures.length;
    const page = await open(dashUrl + '/study?name=conv', 'dashboard-conv');
    await page.waitForFunction(() => document.querySelectorAll('table.trials tbody tr').length >= 5, null,
                               { timeout: 10000 })
        .catch(() => fail('dashboard-conv: the trials table did not show its 5 trials'));
    await checkExact(page, 'dashboard-conv', 'conv');
    // The enqueue form says what was stored: the trial's number and its values, typed.
    await page.locator('form.enqueue input').fill('{"x": "0.5", "y": 0.05, "opt": "adam"}');
    await page.locator('form.enqueue button').click();
    const said = 'enqueued trial 5: {"x":0.5,"y":0.05,"opt":"adam"}';
    await page.waitForFunction(s => document.querySelector('form.enqueue .msg').textContent === s, said,
                               { timeout: 3000 })
        .catch(async () => fail(`dashboard-conv: the enqueue form said ` +
                                `"${await page.locator('form.enqueue .msg').textContent()}", not "${said}"`));
    await shotOnFailure(page, failed, `${artifacts}/dashboard-conv.png`);
    failures.push(...page.errors);
    await release(page);
}
lap('dashboard-conv');
// An integer beyond 2^53 typed into the enqueue form reaches the study by its digits (as a
// double it would be its neighbour, the other choice).
{
    const page = await open(dashUrl + '/study?name=bigint', 'dashboard-bigint');
    await page.locator('form.enqueue input').fill('{"seed": 9007199254740993}');
    await page.locator('form.enqueue button').click();
    const said = 'enqueued trial 0: {"seed":9007199254740993}';
    await page.waitForFunction(s => document.querySelector('form.enqueue .msg').textContent === s, said,
                               { timeout: 5000 })
        .catch(async () => fail(`dashboard-bigint: the enqueue form said ` +
                                `"${await page.locator('form.enqueue .msg').textContent()}", not "${said}"`));
    const t = spawnSync(knob, ['trials', 'bigint', '--storage', storage, '--format', 'json'], { encoding: 'utf8' });
    if (!t.stdout.includes('"params":{"seed":9007199254740993}'))
        fail(`dashboard-bigint: knob trials: ${t.stdout}${t.stderr}`);
    failures.push(...page.errors);
    await release(page);
}
lap('dashboard-bigint');
await browser.close();
if (failures.length) {
    failures.forEach(f => console.error('FAIL: ' + f));
    console.error(`${failures.length} failure(s); screenshots in ${artifacts}`);
    process.exit(1);
}
console.log(`ok; screenshots in ${artifacts}`);
