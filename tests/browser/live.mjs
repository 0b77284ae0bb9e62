// knob dashboard clicked through (live.sh): node live.mjs PART ARTIFACTS URL WEB_DIR
import { launch, tab, closePage, fail, finish } from './lib.mjs';

const [part, artifacts, url, web] = process.argv.slice(2);
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

const parts = { token };
await parts[part]();
await finish(browser, artifacts, `${part}: ok`);
