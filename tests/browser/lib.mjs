// What the browser tests of the plots share (choices.mjs, contour.mjs, converted.mjs):
// headless Chromium (Debian's, or KNOB_CHROMIUM) driven by playwright-core from the build's
// web/node_modules, a page of the report or the dashboard with its errors collected, a chart
// drawn and read, and the failures told at the end (exit 1 when any).
import { createRequire } from 'node:module';

export const failures = [];

export function fail(msg) {
    failures.push(msg);
    console.error('FAIL: ' + msg);
}

// Chromium, by the playwright-core of webDir (the build's web/).
export async function launch(webDir) {
    const { chromium } = createRequire(webDir + '/')('playwright-core');
    return chromium.launch({ executablePath: process.env.KNOB_CHROMIUM || '/usr/bin/chromium',
                            args: ['--no-sandbox', '--disable-gpu'] });
}

// The tab a test opens its pages in, one per browser, navigated from page to page: a new
// page costs Chromium a renderer process and compiling the page's script again (8 reports
// opened and drawn, each in a new page: 30 s of CPU; one after the other in one tab: 14 s;
// 2026-12-05, a quiet 2-core machine). Each page opened in it starts with no errors
// (page.errors), those of the page named `name` from then on; console errors whose text
// matches `ignore` are not the page's, and a dialog is an error. A page of its own
// (browser.newPage) is for a test that changes the tab itself (an init script).
const tabs = new WeakMap();
export async function tab(browser, name, { ignore = null } = {}) {
    let page = tabs.get(browser);
    if (!page) {
        page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
        page.on('console', m => {
            if (m.type() === 'error' && !(page.ignore && page.ignore.test(m.text())))
                page.errors.push(`${page.name}: console: ${m.text()}`);
        });
        page.on('pageerror', e => page.errors.push(`${page.name}: ${e.message}`));
        page.on('dialog', d => { page.errors.push(`${page.name}: a dialog: ${d.message()}`); d.dismiss(); });
        page.isTab = true;
        tabs.set(browser, page);
    } else {
        // the page before may still be reporting (a 404 page's "Failed to load resource"
        // came after its goto, and was counted as the next page's error): a blank page
        // first, whose load comes after every event of the page before
        await page.goto('about:blank');
    }
    page.name = name;
    page.ignore = ignore;
    page.errors = [];
    page.failed = failures.length;
    return page;
}

// The page at url in the browser's tab (its uncaught errors and console errors in
// page.errors, named name), once `ready` holds in it (by default: the page lists a plot)
// and, given rows, once the trials table shows that many rows (the dashboard polls for them).
export async function openPlots(browser, url, name, { ready = null, rows = 0 } = {}) {
    const page = await tab(browser, name);
    await page.goto(url);
    await page.waitForFunction(ready || (() => window.knob && window.knob.plots().length > 0), null, { timeout: 60000 });
    if (rows)
        await page.waitForFunction(n => document.querySelectorAll('table.trials tbody tr').length >= n, rows,
                                   { timeout: 10000 }).catch(() => fail(`${name}: the table never showed every trial`));
    return page;
}

// Chart `id` scrolled to and drawn: its option (a copy), and the text of the tick labels of
// the axes asked for ([[kind, index], ...], e.g. [['xAxis', 1]]). One call into the page
// (each costs a round trip through Chromium's processes, tens of ms on a busy machine).
export async function drawChart(page, id, axes = []) {
    return page.evaluate(([id, axes]) => {
        document.querySelector(`.chart[data-id="${id}"]`).closest('figure').scrollIntoViewIfNeeded();
        window.knob.draw(id);
        const c = window.knobChart(id);
        const labels = axes.map(([kind, i]) =>
            c.getModel().getComponent(kind, i).axis.getViewLabels().map(l => l.formattedLabel));
        return { option: JSON.parse(JSON.stringify(c.getOption())), labels };
    }, [id, axes]);
}

// The page's errors counted as failures, the whole page saved as shot (a PNG's path) when it
// failed (or always, given KNOB_SCREENSHOTS=1: a full-page screenshot costs 0.5-1 s); the
// tab stays for the next page, a page of its own is closed.
export async function closePage(page, shot) {
    if (failures.length > page.failed || page.errors.length || process.env.KNOB_SCREENSHOTS === '1')
        await page.screenshot({ path: shot, fullPage: true });
    failures.push(...page.errors);
    page.errors = [];
    await release(page);
}

// A page done with: the tab stays for the next page, a page of its own is closed.
export async function release(page) {
    if (!page.isTab)
        await page.close();
}

// Chromium closed; exit 1 with the count of failures when any, else `ok` said.
export async function finish(browser, artifacts, ok) {
    await browser.close();
    if (failures.length) {
        console.error(`${failures.length} failure(s); screenshots of the failed pages in ${artifacts}`);
        process.exit(1);
    }
    console.log(ok);
}
