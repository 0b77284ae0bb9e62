// The browser test of what the page's axes, captions, menus and table say
// (tests/browser/labels.sh runs it):
//   node labels.mjs ARTIFACTS DIR DASHBOARD_URL WEB_DIR
// DIR holds NAME.html (knob report) of the studies of labels_fixtures.py and of the sweep
// "swept" (objectives latency and accuracy); the dashboard serves the same storage. Fails
// (exit 1) with the reasons on stderr.
import { pathToFileURL } from 'node:url';
import { fail, launch, openPlots, drawChart, closePage, finish, tab } from './lib.mjs';

const [artifacts, dir, dashUrl, webDir] = process.argv.slice(2);
const browser = await launch(webDir);
const report = name => pathToFileURL(`${dir}/${name}.html`).href;
const EVIL = '<img src=x onerror="window.__xss=(window.__xss||0)+1">';

// The tick labels of chart id's axes ([[kind, index], ...]), each list by its axis.
async function labels(page, id, axes) {
    return (await drawChart(page, id, axes)).labels;
}

// Labels that say values: some, each a number of the page's form (no run of zeros, as
// 0.00000000000000000000 and 0.0000000001 were), each within [lo, hi].
function saysValues(where, list, lo, hi) {
    if (!list.length)
        return fail(`${where}: no tick labels`);
    const bad = list.filter(l => l === '' || !Number.isFinite(Number(l)) || /0{6}/.test(l) ||
                                 Number(l) < lo || Number(l) > hi);
    if (bad.length)
        fail(`${where}: tick labels that do not say values in [${lo}, ${hi}]: ${JSON.stringify(bad)}`);
}

// A label that reads round: at most two significant digits (20, 500, 0.001; not 15.8489).
const round = l => /^-?[0-9.]+(e[+-]?\d+)?$/.test(l) && l.replace(/e.*$/, '').replace(/[-.]/g, '').replace(/^0+/, '')
    .replace(/0+$/, '').length <= 2;

// The table's count of trials shown, once the filter reads `text`.
async function filtered(page, text) {
    await page.fill('#table .filter', text);
    return Number((await page.textContent('#table .count')).split(' ')[0]);
}

// 1. objective values near 1e-20, a log param from 1e-30 to 1e-22: every axis says them
{
    const page = await openPlots(browser, report('tiny'), 'tiny report', { rows: 10 });
    const [h] = await labels(page, 'history', [['yAxis', 0]]);
    saysValues('tiny: history', h, 5e-21, 3e-20);
    const [sx, sy] = await labels(page, 'slice-wd', [['xAxis', 0], ['yAxis', 0]]);
    saysValues('tiny: slice-wd (wd)', sx, 1e-31, 1e-21);
    saysValues('tiny: slice-wd (objective)', sy, 5e-21, 3e-20);
    const [pw, po] = await labels(page, 'parallel', [['parallelAxis', 0], ['parallelAxis', 1]]);
    saysValues('tiny: parallel (wd)', pw, 1e-31, 1e-21);
    saysValues('tiny: parallel (objective)', po, 5e-21, 3e-20);
    const [e] = await labels(page, 'edf', [['xAxis', 0]]);
    saysValues('tiny: edf', e, 5e-21, 3e-20);
    // the table's filter: an operator with nothing after it, a column named in capitals, a
    // number that is not decimal
    for (const [text, want] of [['wd>', 0], ['value<', 0], ['STATE=complete', 10], ['WD>0', 10], ['wd>0x10', 0],
                                ['wd<1', 10]]) {
        const n = await filtered(page, text);
        if (n !== want)
            fail(`tiny: the filter '${text}' shows ${n} trials, not ${want}`);
    }
    await closePage(page, `${artifacts}/labels-tiny.png`);
}

// 2. values 1 to 5 times 1e-10, 1e-20, 1e-300; 1 + k 1e-12 (labels that differ)
for (const e of [10, 20, 300]) {
    const page = await openPlots(browser, report(`e${e}`), `e${e} report`);
    const [h] = await labels(page, 'history', [['yAxis', 0]]);
    saysValues(`e${e}: history`, h, 0.5 * 10 ** -e, 6 * 10 ** -e);
    await closePage(page, `${artifacts}/labels-e${e}.png`);
}
{
    const page = await openPlots(browser, report('near1'), 'near1 report');
    const [h] = await labels(page, 'history', [['yAxis', 0]]);
    if (h.length < 2 || new Set(h).size !== h.length)
        fail(`near1: the history's labels are not told apart: ${JSON.stringify(h)}`);
    await closePage(page, `${artifacts}/labels-near1.png`);
}

// 3. the contour's log axes at round values; the history's trial axis at whole numbers
{
    const page = await openPlots(browser, report('steps'), 'steps report');
    const id = (await page.evaluate(() => window.knob.plots())).find(p => p.startsWith('contour-'));
    if (!id)
        fail('steps: no contour plot');
    else
        for (const [x, y] of [await labels(page, id, [['xAxis', 1], ['yAxis', 1]])])
            for (const [axis, list] of [['x', x], ['y', y]])
                if (!list.length || !list.every(round))
                    fail(`steps: ${id}'s ${axis} axis: labels not round: ${JSON.stringify(list)}`);
    await closePage(page, `${artifacts}/labels-steps.png`);
}
{
    const page = await openPlots(browser, report('few'), 'few report');
    const [x] = await labels(page, 'history', [['xAxis', 0]]);
    if (!x.length || !x.every(l => Number.isInteger(Number(l))))
        fail(`few: the history's trial axis: ${JSON.stringify(x)}, not whole numbers`);
    await closePage(page, `${artifacts}/labels-few.png`);
}

// 4. the objectives' names, in the report and the dashboard; markup in one stays text
async function names(page, where, want, { menu = want, table = want } = {}) {
    const got = await page.evaluate(() => ({
        captions: [...document.querySelectorAll('figcaption')].map(f => f.textContent),
        options: [...document.querySelectorAll('.objective-pick option')].map(o => o.textContent),
        headers: [...document.querySelectorAll('table.trials th')].map(t => t.textContent.replace(/ [▲▼]$/, '')),
        summary: document.querySelector('.summary').textContent,
        injected: document.querySelectorAll('#app img, #app script, #app svg').length,
        xss: window.__xss,
    }));
    for (let k = 0; k < want.length; k++) {
        if (!got.options[k] || !got.options[k].startsWith(`${menu[k]} (`))
            fail(`${where}: the menu's objective ${k} reads '${got.options[k]}', not '${menu[k]} (...)'`);
        if (!got.headers.includes(table[k]))
            fail(`${where}: no table column '${table[k]}' (${JSON.stringify(got.headers)})`);
    }
    if (want.length >= 2 && want === menu && !got.captions.includes(`Pareto front: ${want[0]} × ${want[1]}`))
        fail(`${where}: no caption 'Pareto front: ${want[0]} × ${want[1]}' (${JSON.stringify(got.captions)})`);
    if (want === menu && !got.summary.includes(`${want[0]} (`))
        fail(`${where}: the summary does not name ${want[0]}: ${got.summary}`);
    if (got.injected || got.xss)
        fail(`${where}: a name's markup made ${got.injected} elements and ran ${got.xss || 0} times`);
    const [name] = await page.evaluate(() => [window.knobChart('history').getOption().yAxis[0].name]);
    if (name !== menu[0])
        fail(`${where}: the history's axis is named '${name}', not '${menu[0]}'`);
}
const NAMED = [`loss${EVIL}`, 'acc', 'gap'];
for (const [where, url] of [['named report', report('named')], ['named dashboard', `${dashUrl}/study?name=named`]]) {
    const page = await openPlots(browser, url, where, { rows: 12 });
    await drawChart(page, 'history');
    await names(page, where, NAMED);
    // the trial panel's values by name, as text
    await page.click('table.trials tbody tr');
    const tip = await page.textContent('#trial .tip');
    if (!tip.includes(`${NAMED[0]}: `) || !tip.includes('acc: '))
        fail(`${where}: the trial panel does not name the values: ${tip}`);
    // the filter takes a value's column by its name and as value k
    const byName = await filtered(page, 'acc>0.5'), byIndex = await filtered(page, "'value 1'>0.5");
    if (byName !== byIndex || byName === 0 || byName === 12)
        fail(`${where}: acc>0.5 shows ${byName} trials, 'value 1'>0.5 ${byIndex}`);
    await names(page, where, NAMED);
    await closePage(page, `${artifacts}/labels-${where.replace(' ', '-')}.png`);
}
for (const [where, url] of [['swept report', report('swept')], ['swept dashboard', `${dashUrl}/study?name=swept`]]) {
    const page = await openPlots(browser, url, where, { rows: 6 });
    await drawChart(page, 'history');
    await names(page, where, ['latency', 'accuracy']);
    await closePage(page, `${artifacts}/labels-${where.replace(' ', '-')}.png`);
}
{
    // one name twice: the objectives told apart by number
    const page = await openPlots(browser, report('twin'), 'twin report', { rows: 6 });
    await drawChart(page, 'history');
    await names(page, 'twin report', ['m', 'm'], { menu: ['objective 0', 'objective 1'], table: ['value 0', 'value 1'] });
    await closePage(page, `${artifacts}/labels-twin.png`);
}

// 5. the importance names the params fanova left out (in some trials only), under its plot,
// in the report and the dashboard; a name's markup stays text. The other plots have no note.
for (const [where, url] of [['cond report', report('cond')], ['cond dashboard', `${dashUrl}/study?name=cond`]]) {
    const page = await openPlots(browser, url, where, { rows: 12 });
    const got = await page.evaluate(() => ({
        notes: [...document.querySelectorAll('figure')].map(f => [f.querySelector('.chart').dataset.id,
            f.querySelector('.plot-note') && !f.querySelector('.plot-note').hidden
                ? f.querySelector('.plot-note').textContent : null]),
        injected: document.querySelectorAll('#app img, #app script, #app svg').length,
        xss: window.__xss,
    }));
    const note = (got.notes.find(([id]) => id === 'importance') || [])[1];
    const said = name => new RegExp(`${name.replace(/[^\w]/g, c => `\\${c}`)} \\(it is in \\d+ of the 12 `
        + 'complete trials with a value of objective 0, and fanova evaluates the params every one of them holds\\)');
    if (!got.notes.some(([id]) => id === 'importance'))
        fail(`${where}: no importance plot`);
    else if (!note || !said('alpha').test(note) || !said(`depth${EVIL}`).test(note))
        fail(`${where}: the importance's note does not name alpha and depth${EVIL}, and why: ${note}`);
    const others = got.notes.filter(([id, text]) => id !== 'importance' && text !== null);
    if (others.length)
        fail(`${where}: notes under other plots: ${JSON.stringify(others)}`);
    if (got.injected || got.xss)
        fail(`${where}: a name's markup made ${got.injected} elements and ran ${got.xss || 0} times`);
    await closePage(page, `${artifacts}/labels-${where.replace(' ', '-')}.png`);
}

// 5b. where fanova left out every param (no param every trial holds), the panel stays: it
// says so, and its note names each (there was no panel, so the note had no place)
for (const [where, url] of [['cond0 report', report('cond0')], ['cond0 dashboard', `${dashUrl}/study?name=cond0`]]) {
    const page = await openPlots(browser, url, where, { rows: 12 });
    if (!(await page.evaluate(() => window.knob.plots().includes('importance'))))
        fail(`${where}: no importance panel`);
    else {
        await drawChart(page, 'importance');
        // the title as drawn (an option of a component the page lacks is kept and not drawn)
        const title = await page.evaluate(() => {
            const t = window.knobChart('importance').getModel().getComponent('title', 0);
            return t ? t.get('text') : null;
        });
        if (!/fanova left out every one/.test(title || ''))
            fail(`${where}: the empty importance does not say why: ${title}`);
        const note = await page.evaluate(() => {
            const n = document.querySelector('.chart[data-id="importance"]').closest('figure').querySelector('.plot-note');
            return n && !n.hidden ? n.textContent : null;
        });
        if (!note || !/alpha \(it is in 6 of the 12 /.test(note) || !/depth \(it is in 6 of the 12 /.test(note))
            fail(`${where}: the importance's note does not name alpha and depth, and why: ${note}`);
    }
    await closePage(page, `${artifacts}/labels-${where.replace(' ', '-')}.png`);
}

// 6. the dashboard's words for what the server answered: a request it refused (400) is not
// "cannot reach", nor asked again; a study never made is not "gone"
{
    // (the browser's console says a 400 and a 404 came: they are the test's)
    const page = await tab(browser, 'refused', { ignore: /Failed to load resource/ });
    let asked = 0;
    const count = r => { if (r.url().includes('/api/study')) asked++; };
    page.on('request', count);
    await page.goto(`${dashUrl}/study?name=`);
    await page.waitForFunction(() => document.getElementById('status').textContent !== '', null, { timeout: 10000 });
    await page.waitForTimeout(2500);
    page.off('request', count);
    const status = await page.textContent('#status');
    if (/cannot reach/.test(status) || !/400/.test(status))
        fail(`an empty study name: the status reads '${status}'`);
    if (asked !== 1)
        fail(`an empty study name: /api/study asked ${asked} times in 2.5 s, not once`);
    await page.goto(`${dashUrl}/study?name=nope`);
    await page.waitForFunction(() => document.getElementById('status').textContent !== '', null, { timeout: 10000 });
    const missing = await page.textContent('#status');
    if (!/no study 'nope'/.test(missing) || /gone/.test(missing))
        fail(`a study never made: the status reads '${missing}'`);
    await closePage(page, `${artifacts}/labels-refused.png`);
}
await finish(browser, artifacts, 'ok');
