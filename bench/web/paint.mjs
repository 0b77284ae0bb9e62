// First paint of a report in headless Chromium: node paint.mjs REPORT.html WEB_DIR
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
const [file, webDir] = process.argv.slice(2);
const { chromium } = createRequire(webDir + '/')('playwright-core');
const browser = await chromium.launch({ executablePath: process.env.KNOB_CHROMIUM || '/usr/bin/chromium',
                                        args: ['--no-sandbox'] });
for (let i = 0; i < 3; i++) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(pathToFileURL(file).href);
    await page.waitForFunction(() => document.querySelector('.chart[data-drawn="1"]'), null, { timeout: 60000 });
    const t = await page.evaluate(() => {
        const fcp = performance.getEntriesByName('first-contentful-paint')[0];
        return { fcp: fcp ? fcp.startTime : NaN, drawn: performance.now() };
    });
    console.log(`load ${i + 1}: first_contentful_paint_ms ${t.fcp.toFixed(0)}  first_plot_drawn_ms ${t.drawn.toFixed(0)}`);
    await page.close();
}
await browser.close();
