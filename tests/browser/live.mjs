// knob dashboard clicked through (live.sh): node live.mjs PART ARTIFACTS URL WEB_DIR [DIR KNOB
// STORAGE] (DIR: live.sh's directory, where the file go ends the running trial)
import fs from 'node:fs';
import { spawnSync } from 'node:child_process';
import { launch, tab, closePage, fail, finish, failures } from './lib.mjs';

const [part, artifacts, url, web, dir, knob, storage] = process.argv.slice(2);

function run(...args) {
    const r = spawnSync(knob, [...args, '--storage', storage], { cwd: dir, encoding: 'utf8' });
    if (r.status !== 0)
        fail(`knob ${args.join(' ')}: ${r.stderr}`);
}
const browser = await launch(web);

// --token s3cret: the studies page opened once with the token; its links carry it (a click
// opens the study, the home link comes back), and nothing else is asked for.
async function token() {
    const page = await tab(browser, 'token');
    const denied = [];
    page.on('response', r => { if (r.status() === 401) denied.push(r.url()); });
    await page.goto(`${url}/?token=s3cret`);
    await page.waitForSelector('table.studies a');
    await page.click('table.studies a');
    await page.waitForFunction(() => window.knob && window.knob.plots().length > 0, null, { timeout: 20000 })
        .catch(() => fail(`token: the study page did not load: ${page.url()}`));
    await page.click('#home');
    await page.waitForSelector('table.studies a', { timeout: 20000 })
        .catch(() => fail(`token: the home link did not lead back to the studies: ${page.url()}`));
    if (denied.length)
        fail(`token: answered 401: ${denied.join(', ')}`);
    if (await page.evaluate(() => document.querySelector('meta[name=referrer]')?.content) !== 'no-referrer')
        fail('token: the page lets the browser send the URL (and its token) as a Referer');
    await closePage(page, `${artifacts}/live-token.png`);
}

// The panel of the running trial of study slow, opened: its stdout's lines follow, and as
// the trial ends it says complete, with no form to finish it by hand.
async function live() {
    const page = await tab(browser, 'live');
    await page.goto(`${url}/study?name=slow`);
    await page.waitForSelector('table.trials tbody tr.st-running', { timeout: 30000 });
    await page.click('table.trials tbody tr.st-running');
    const ticks = () => page.evaluate(() => {
        const m = (document.querySelector('#trial .logs pre')?.textContent || '').match(/tick (\d+)\s*$/);
        return m ? Number(m[1]) : 0;
    });
    await page.waitForFunction(() => /tick \d/.test(document.querySelector('#trial .logs')?.textContent),
                               null, { timeout: 20000 }).catch(() => fail('live: no stdout lines shown'));
    const first = await ticks();
    await page.waitForFunction(k => {
        const m = (document.querySelector('#trial .logs pre')?.textContent || '').match(/tick (\d+)\s*$/);
        return m && Number(m[1]) > k + 2;
    }, first, { timeout: 15000 }).catch(() => fail(`live: the stdout lines stay at tick ${first}`));
    if (!await page.$('#trial form.tell'))
        fail('live: a running trial has no form to finish it');
    fs.writeFileSync(`${dir}/go`, '');
    await page.waitForFunction(() => /\(complete/.test(document.querySelector('#trial .tip')?.textContent) &&
                               !document.querySelector('#trial form.tell'), null, { timeout: 20000 })
        .catch(() => fail('live: the panel did not follow the trial to its end'));
    await page.waitForFunction(() => /"loss"/.test(document.querySelector('#trial .logs')?.textContent),
                               null, { timeout: 10000 }).catch(() => fail('live: the last line is not shown'));
    await closePage(page, `${artifacts}/live-live.png`);
}

// The running trial of study cons (its sweep has a constraint size <= 10) finished by hand as
// complete, with a constraint value the form asks for.
async function cons() {
    const page = await tab(browser, 'cons', { ignore: /status of 400/ }); // the tells refused
    await page.goto(`${url}/study?name=cons`);
    await page.waitForSelector('table.trials tbody tr.st-running', { timeout: 30000 });
    await page.click('table.trials tbody tr.st-running');
    await page.waitForSelector('#trial form.tell');
    if (!await page.$('#trial form.tell input[name=constraints]'))
        fail('cons: the form to finish a trial has no constraints field');
    else {
        // a number beyond a double's range, sent as typed: the server's words, not "null"
        await page.fill('#trial form.tell input[name=values]', '1e400');
        await page.fill('#trial form.tell input[name=constraints]', '2');
        await page.click('#trial form.tell button');
        await page.waitForFunction(() => /beyond a double's range/.test(document.querySelector('#trial form.tell .msg')
            ?.textContent), null, { timeout: 10000 })
            .catch(async () => fail(`cons: the tell of 1e400 says ${await page.textContent('#trial form.tell .msg')}`));
        await page.fill('form.enqueue input[name=params]', '{"x": 1e400}');
        await page.click('form.enqueue button');
        await page.waitForFunction(() => /beyond a double's range/.test(document.querySelector('form.enqueue .msg')
            ?.textContent), null, { timeout: 10000 })
            .catch(async () => fail(`cons: the enqueue of 1e400 says ${await page.textContent('form.enqueue .msg')}`));
        await page.fill('#trial form.tell input[name=values]', '0.5');
        await page.fill('#trial form.tell input[name=constraints]', '2');
        await page.click('#trial form.tell button');
        await page.waitForFunction(() => /\(complete, infeasible/.test(document.querySelector('#trial .tip')?.textContent),
                                   null, { timeout: 10000 })
            .catch(async () => fail(`cons: not told: ${await page.textContent('#trial')}`));
        // the table says infeasible, as knob trials does, and its state menu picks it
        await page.waitForFunction(() => document.querySelector('table.trials tbody tr td:nth-child(2)')
            ?.textContent === 'infeasible', null, { timeout: 10000 })
            .catch(async () => fail(`cons: the table shows the trial as ${
                await page.textContent('table.trials tbody tr td:nth-child(2)')}, not infeasible`));
        await page.selectOption('select.state', 'infeasible').catch(e => fail(`cons: ${e.message}`));
        const rows = await page.$$eval('table.trials tbody tr', rs => rs.length);
        if (rows !== 1)
            fail(`cons: the state filter infeasible shows ${rows} rows, not 1`);
    }
    await closePage(page, `${artifacts}/live-cons.png`);
}

// The report of study cons made while its trial ran, read a week later (the page's clock set
// on): the running trial's bar ends at the time the report was made.
async function report() {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors = [];
    page.on('pageerror', e => errors.push(`report: ${e.message}`));
    await page.addInitScript(() => {
        const real = Date.now;
        Date.now = () => real() + 7 * 86400e3;
    });
    await page.goto(`file://${dir}/cons.html`);
    await page.waitForFunction(() => window.knob && window.knob.plots().includes('timeline'), null, { timeout: 20000 });
    const bar = await page.evaluate(() => {
        window.knob.draw('timeline');
        return window.knobChart('timeline').getOption().series[0].data[0].value;
    });
    if (!(bar[2] - bar[1] < 3600))
        fail(`report: the running trial's bar runs ${bar[2] - bar[1]} s, to when the report is read`);
    for (const e of errors)
        fail(e);
    if (failures.length)
        await page.screenshot({ path: `${artifacts}/live-report.png`, fullPage: true });
    await page.close();
}

// The report of study quick (three trials of one runner, one after the other) with times
// made back to back, each trial starting the instant the one before ended, where the sums of
// doubles the page makes of them (time0 + t0 + t1) put an end a rounding after the next start:
// one lane still.
async function lanes() {
    const html = fs.readFileSync(`${dir}/quick.html`, 'utf8');
    const m = /(<script id="knob-data" type="application\/json">)([\s\S]*?)(<\/script>)/.exec(html);
    if (!m)
        return fail('lanes: no data in quick.html');
    const doc = JSON.parse(m[2]), cols = doc.trials;
    const time0 = 1796589000.123;
    let found = null; // a start s and a duration d (ms) whose sums round apart
    for (let s = 1; s < 5000 && !found; s++)
        for (let d = 1; d < 2000 && !found; d++)
            if ((time0 + s / 1000) + d / 1000 > time0 + (s + d) / 1000)
                found = [s, d];
    const [s, d] = found;
    cols.time0 = time0;
    cols.t0 = [0, s, s + d];
    cols.t1 = [s, d, 10];
    const path = `${dir}/lanes.html`;
    fs.writeFileSync(path, html.slice(0, m.index) + m[1] + JSON.stringify(doc).replace(/</g, '\\u003c') + m[3] +
                     html.slice(m.index + m[0].length));
    const page = await tab(browser, 'lanes');
    await page.goto(`file://${path}`);
    await page.waitForFunction(() => window.knob && window.knob.plots().includes('timeline'), null, { timeout: 20000 });
    const names = await page.evaluate(() => {
        window.knob.draw('timeline');
        return window.knobChart('timeline').getOption().yAxis[0].data;
    });
    if (names.length !== 1)
        fail(`lanes: trials back to back take ${names.length} lanes: ${names.join(', ')}`);
    await closePage(page, `${artifacts}/live-lanes.png`);
}

// The studies page follows the storage: a study made shows, and goes when deleted; the page
// of a study deleted says it is gone, not that the dashboard cannot be reached.
async function studies() {
    const page = await tab(browser, 'studies', { ignore: /status of 404/ });
    await page.goto(`${url}/`);
    await page.waitForSelector('table.studies a');
    run('run', 'cons.yaml', '--study', 'added', '--trials', '0');
    await page.waitForSelector('table.studies a:text-is("added")', { timeout: 10000 })
        .catch(() => fail('studies: a study made does not show'));
    const study = await browser.newPage();
    study.on('console', m => { if (m.type() === 'error' && !/status of 404/.test(m.text())) fail(`studies: ${m.text()}`); });
    await study.goto(`${url}/study?name=added`);
    await study.waitForFunction(() => document.getElementById('status').className === 'ok', null, { timeout: 10000 });
    run('delete', 'added');
    await page.waitForFunction(() => ![...document.querySelectorAll('table.studies a')].some(a => a.textContent === 'added'),
                               null, { timeout: 10000 })
        .catch(() => fail('studies: a study deleted still shows'));
    await study.waitForFunction(() => /is gone/.test(document.getElementById('status').textContent), null,
                                { timeout: 10000 })
        .catch(async () => fail(`studies: the page of a study deleted says ${await study.textContent('#status')}`));
    await study.close();
    await closePage(page, `${artifacts}/live-studies.png`);
}

const parts = { token, live, cons, report, lanes, studies };
for (const p of part.split(','))
    await parts[p]();
await finish(browser, artifacts, `${part}: ok`);
