// The browser test of knob report and knob dashboard (tests/browser/browser.sh runs it):
// headless Chromium (Debian's) driven by playwright-core (web/node_modules).
//   node browser.mjs ARTIFACTS REPORT_ONE REPORT_TWO DASHBOARD_URL KNOB STORAGE
// Fails (exit 1) with the reasons on stderr. Screenshots go to ARTIFACTS.
import { createRequire } from 'node:module';
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';

const [artifacts, reportOne, reportTwo, dashUrl, knob, storage, webDir] = process.argv.slice(2);
const { chromium } = createRequire(webDir + '/')('playwright-core');
const failures = [];
const fail = msg => { failures.push(msg); console.error('FAIL: ' + msg); };

const browser = await chromium.launch({ executablePath: process.env.KNOB_CHROMIUM || '/usr/bin/chromium',
                                        args: ['--no-sandbox', '--disable-gpu'] });

async function open(url, name) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.errors = [];
    page.on('console', m => { if (m.type() === 'error') page.errors.push(`${name}: console: ${m.text()}`); });
    page.on('pageerror', e => page.errors.push(`${name}: ${e.message}`));
    const t0 = Date.now();
    const resp = await page.goto(url);
    page.status = resp ? resp.status() : 0;
    page.loadMs = Date.now() - t0;
    return page;
}

// Every plot the page lists is drawn when scrolled to, has marks, and is saved as a PNG.
async function checkPlots(page, name, expected) {
    await page.waitForFunction(() => window.knob && window.knob.plots().length > 0, null, { timeout: 10000 });
    const ids = await page.evaluate(() => window.knob.plots());
    for (const want of expected)
        if (!ids.some(id => id === want || id.startsWith(want + '-')))
            fail(`${name}: no plot ${want} (has ${ids.join(', ')})`);
    for (const id of ids) {
        const fig = page.locator(`figure:has(.chart[data-id="${id}"])`);
        await fig.scrollIntoViewIfNeeded();
        await page.waitForFunction(id => window.knob.drawn(id), id, { timeout: 5000 })
            .catch(() => fail(`${name}: plot ${id} was not drawn when seen`));
        const marks = await page.evaluate(id => window.knob.marks(id), id);
        if (!(marks > 0))
            fail(`${name}: plot ${id} has no marks`);
        await fig.screenshot({ path: `${artifacts}/${name}-${id}.png` });
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
            document.querySelector(`.chart[data-id="${id}"]`).innerText.includes(want), [id, want], { timeout: 400 })
            .then(() => true, () => false);
        if (shown)
            break;
    }
    if (!shown)
        fail(`${name}: hovering ${id} at trial ${p.n} shows no tooltip with '${want}'`);
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
}

const common = ['history', 'slice', 'contour', 'parallel', 'importance', 'edf', 'timeline'];
{
    const page = await open(pathToFileURL(reportOne).href, 'report-one');
    await checkPlots(page, 'report-one', [...common, 'intermediate']);
    await checkHover(page, 'report-one', 'history');
    await checkHover(page, 'report-one', 'slice-x');
    await checkHover(page, 'report-one', 'timeline');
    await checkTable(page, 'report-one');
    await page.screenshot({ path: `${artifacts}/report-one.png`, fullPage: true });
    failures.push(...page.errors);
    await page.close();
}
{
    const page = await open(pathToFileURL(reportTwo).href, 'report-two');
    await checkPlots(page, 'report-two', ['history', 'slice', 'parallel', 'pareto', 'hypervolume', 'edf',
                                          'timeline']);
    await checkHover(page, 'report-two', 'pareto-0-1');
    await page.screenshot({ path: `${artifacts}/report-two.png`, fullPage: true });
    failures.push(...page.errors);
    await page.close();
}
{
    const page = await open(dashUrl + '/', 'dashboard');
    await page.locator('table.studies a', { hasText: 'one' }).click();
    await page.waitForURL(/\/study\?name=one/);
    await checkPlots(page, 'dashboard-one', [...common, 'intermediate']);
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
    await page.screenshot({ path: `${artifacts}/dashboard-one.png`, fullPage: true });
    failures.push(...page.errors);
    const nf = await open(dashUrl + '/no/such/page', 'dashboard-404');
    if (nf.status !== 404 || !(await nf.content()).includes('404'))
        fail(`dashboard: a bad URL gives ${nf.status}, not a 404 page`);
    await nf.screenshot({ path: `${artifacts}/dashboard-404.png` });
    await page.close();
}
await browser.close();
if (failures.length) {
    failures.forEach(f => console.error('FAIL: ' + f));
    console.error(`${failures.length} failure(s); screenshots in ${artifacts}`);
    process.exit(1);
}
console.log(`ok; screenshots in ${artifacts}`);
