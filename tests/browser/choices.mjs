// The browser test of categorical choices the plots once dropped or split (tests/browser/
// choices.sh runs it):
//   node choices.mjs ARTIFACTS DIR DASHBOARD_URL WEB_DIR
// DIR holds NAME.html (knob report) and NAME.labels.json (each complete trial's params as
// the plots label them, from `knob trials NAME --json`, choices.sh) of the studies plain,
// weighted, cond, kinds, wkinds and same. In each, the report and the dashboard must draw every
// complete trial that has the param in the slices, the contours and the parallel
// coordinates, at its value: the choice null (plain and weighted values) in a column of its
// own, labelled null, a trial without the param (cond's max_depth, when lr is 0.1) in none
// (missing on its parallel axis, not at null's), an integer beyond 2^53 among weighted
// values in the one column of that choice; "" and null, "5" and 5, 9007199254740993 and
// 9007199254740992 (kinds: plain values, wkinds: weighted) each in a column of its own with
// a label of its own; the empty string and the string '""' (same), whose labels would both be
// `""`, the second numbered (`"" #2`); the trials table's cells and the tooltips labelled
// alike. Fails (exit 1) with the reasons on stderr.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { fail, launch, openPlots, drawChart, closePage, finish } from './lib.mjs';

const [artifacts, dir, dashUrl, webDir] = process.argv.slice(2);

// Each study's params and the labels of their choices in the sweep's order (model.js,
// choiceLabel).
const STUDIES = {
    plain: { max_depth: ['null', '5', '10'], lr: ['0.1', '0.2'] },
    weighted: { max_depth: ['null', '5', '10'], seed: ['12345678901234567890', '3', '9'] },
    cond: { lr: ['0.1', '0.2'], max_depth: ['null', '5'] },
    kinds: { a: ['""', 'null', '"5"', '5', 'x'], b: ['9007199254740993', '9007199254740992'] },
    wkinds: { a: ['""', 'null', '"5"', '5'], b: ['9007199254740993', '9007199254740992'] },
    same: { a: ['""', '"" #2'], b: ['1', '2', '3'] },
};

const browser = await launch(webDir);
const chart = async (page, id) => (await drawChart(page, id)).option;

async function check(page, where, params, want) {
    const names = Object.keys(params);
    const value = (n, name) => want.get(n)?.[name];
    const having = (...ns) => [...want.values()].filter(p => ns.every(name => name in p)).length;
    for (const name of names) {
        // every choice is some trial's: else the check below proves nothing of it
        for (const c of params[name])
            if (![...want.values()].some(p => p[name] === c))
                fail(`${where}: no complete trial has ${name} = ${JSON.stringify(c)}`);
        const id = `slice-${name}`;
        const option = await chart(page, id);
        const axis = option.xAxis[0];
        const labels = params[name];
        if (axis.type !== 'category' || JSON.stringify(axis.data) !== JSON.stringify(labels))
            fail(`${where}: ${id}: a ${axis.type} axis of ${JSON.stringify(axis.data)}, not ${JSON.stringify(labels)}`);
        const seen = new Set();
        for (const s of option.series)
            for (const d of s.data) {
                const v = value(d[3], name);
                if (v === undefined || d[0] !== v)
                    fail(`${where}: ${id}: trial ${d[3]} at ${JSON.stringify(d[0])}, its value is ${JSON.stringify(v)}`);
                seen.add(d[3]);
            }
        if (seen.size !== having(name))
            fail(`${where}: ${id} shows ${seen.size} trials of ${having(name)}`);
        // the tooltip of each of the slice's trials names its params as the plots label them
        // (shown one after the other in one call into the page)
        const texts = await page.evaluate(([id, n]) => {
            const el = document.querySelector(`.chart[data-id="${id}"]`);
            return Array.from({ length: n }, (_, i) => {
                window.knobChart(id).dispatchAction({ type: 'showTip', seriesIndex: 0, dataIndex: i });
                return el.innerText;
            });
        }, [id, option.series[0].data.length]);
        for (let i = 0; i < option.series[0].data.length; i++) {
            const d = option.series[0].data[i];
            const text = texts[i];
            for (const [q, l] of Object.entries(want.get(d[3]) || {}))
                if (!text.includes(`trial ${d[3]}`) || !text.split('\n').includes(`${q}: ${l}`))
                    fail(`${where}: ${id}: the tooltip of trial ${d[3]} does not show ${q}: ${l}: ${JSON.stringify(text)}`);
        }
    }
    const ids = (await page.evaluate(() => window.knob.plots())).filter(id => id.startsWith('contour-'));
    if (ids.length !== 1)
        fail(`${where}: ${ids.length} contour plots, not 1`);
    for (const id of ids) {
        const [, nx, ny] = id.split('-');
        const pts = (await chart(page, id)).series.find(s => s.type === 'scatter').data;
        for (const d of pts)
            for (const [name, a] of [[nx, d[0]], [ny, d[1]]])
                if (params[name]?.[a] !== value(d[3], name) || value(d[3], name) === undefined)
                    fail(`${where}: ${id}: trial ${d[3]} at ${name} index ${a}, its value is ` +
                         JSON.stringify(value(d[3], name)));
        if (pts.length !== having(nx, ny))
            fail(`${where}: ${id} shows ${pts.length} trials of ${having(nx, ny)}`);
    }
    // the trials table: each param's cell as the plots label it ("" and null apart), empty
    // for a trial without the param
    const rows = await page.evaluate(() => [...document.querySelectorAll('table.trials tbody tr')].map(tr =>
        [Number(tr.dataset.n), [...tr.children].map(td => td.textContent),
         [...tr.closest('table').querySelectorAll('th')].map(th => th.dataset.col)]));
    for (const [n, cells, cols] of rows)
        for (const name of names) {
            const i = cols.indexOf(name), v = value(n, name);
            if (want.has(n) && i >= 0 && cells[i] !== (v === undefined ? '' : v))
                fail(`${where}: table: trial ${n}: ${name} '${cells[i]}', not '${v === undefined ? '' : v}'`);
        }
    // a column of whole numbers beyond 2^53 (BigInt on the page) sorts by value, not as text
    for (const name of names.filter(x => params[x].some(l => /^\d{17,}$/.test(l)))) {
        await page.locator(`table.trials th[data-col="${name}"]`).click();
        const col = await page.evaluate(name => {
            const ths = [...document.querySelectorAll('table.trials th')].map(th => th.dataset.col);
            return [...document.querySelectorAll('table.trials tbody tr')].map(tr => tr.children[ths.indexOf(name)].textContent);
        }, name);
        const nums = col.filter(c => /^-?\d+$/.test(c)).map(c => BigInt(c));
        const up = nums.every((v, i) => i === 0 || nums[i - 1] <= v), down = nums.every((v, i) => i === 0 || nums[i - 1] >= v);
        if (nums.length < 2 || !(up || down))
            fail(`${where}: table sorted by ${name}: ${JSON.stringify(col)}`);
    }
    const option = await chart(page, 'parallel');
    for (const name of names) {
        const a = option.parallelAxis.find(x => x.name === name);
        const labels = params[name];
        if (!a || a.type !== 'category' || JSON.stringify(a.data) !== JSON.stringify(labels)) {
            fail(`${where}: parallel: the axis of ${name} is ${a ? `a ${a.type} axis of ${JSON.stringify(a.data)}` : 'missing'}` +
                 `, not the categories ${JSON.stringify(labels)}`);
            continue;
        }
        for (const d of option.series[0].data)
            if (value(d.n, name) === undefined ? d.value[a.dim] !== null : d.value[a.dim] !== value(d.n, name))
                fail(`${where}: parallel: trial ${d.n} at ${name} ${JSON.stringify(d.value[a.dim])}, its value is ` +
                     JSON.stringify(value(d.n, name)));
    }
}

for (const [study, params] of Object.entries(STUDIES)) {
    const want = new Map();
    for (const [n, labels] of Object.entries(JSON.parse(readFileSync(`${dir}/${study}.labels.json`, 'utf8'))))
        want.set(Number(n), labels);
    if (want.size < 6)
        fail(`${study}: only ${want.size} complete trials`);
    if (study === 'cond' && ![...want.values()].some(p => !('max_depth' in p)))
        fail('cond: every complete trial has max_depth');
    for (const [where, url] of [[`${study} report`, pathToFileURL(`${dir}/${study}.html`).href],
                                [`${study} dashboard`, `${dashUrl}/study?name=${study}`]]) {
        const page = await openPlots(browser, url, where, { rows: want.size });
        await check(page, where, params, want);
        await closePage(page, `${artifacts}/choices-${where.replace(' ', '-')}.png`);
    }
}
await finish(browser, artifacts, 'ok');
