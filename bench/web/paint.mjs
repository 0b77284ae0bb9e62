// First paint of a report in headless Chromium:
//   node paint.mjs REPORT.html WEB_DIR [LOADS] [PROFILE.cpuprofile]
// For each load, in a fresh page traced by Chromium (devtools.timeline): the time from the
// navigation to the first plot's canvas having drawn (the page marks "knob-first-plot" on
// ECharts' "finished" event of its first chart), and the CPU time (thread time, the fair
// figure on a loaded machine) the page's renderer spent until then: its main thread, and
// all its threads. Also Chromium's first contentful paint. With PROFILE, the last load is
// profiled by Chromium's sampling profiler (open the file in DevTools, Performance panel).
import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
const [file, webDir, loadsText, profileOut] = process.argv.slice(2);
const loads = Number(loadsText || 3);
const { chromium } = createRequire(webDir + '/')('playwright-core');
const browser = await chromium.launch({ executablePath: process.env.KNOB_CHROMIUM || '/usr/bin/chromium',
                                        args: ['--no-sandbox', '--disable-gpu'] });
const TASKS = new Set(['ThreadControllerImpl::RunTask', 'ThreadPool_RunTask', 'RunTask']);

// The thread time of the top-level tasks of process pid before ts (us): main thread, all.
function cpuBefore(events, pid, mainTid, ts) {
    const end = new Map(); // per thread: the end of the last task counted (nested ones are in it)
    let main = 0, all = 0;
    const list = events.filter(e => e.pid === pid && e.ph === 'X' && TASKS.has(e.name) && e.ts <= ts)
        .sort((a, b) => a.ts - b.ts);
    for (const e of list) {
        if (e.ts < (end.get(e.tid) || 0))
            continue;
        end.set(e.tid, e.ts + (e.dur || 0));
        // a task still running at the mark counts up to the mark, by its share of wall time
        const share = e.ts + (e.dur || 0) > ts && e.dur ? (ts - e.ts) / e.dur : 1;
        const t = (e.tdur || 0) * share;
        all += t;
        if (e.tid === mainTid)
            main += t;
    }
    return { main, all };
}

for (let i = 0; i < loads; i++) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto('about:blank');
    const profile = profileOut && i === loads - 1;
    const cdp = profile ? await page.context().newCDPSession(page) : null;
    if (profile) {
        await cdp.send('Profiler.enable');
        await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
        await cdp.send('Profiler.start');
    }
    await browser.startTracing(page, { categories: ['devtools.timeline', 'blink.user_timing', 'toplevel',
                                                    'loading'] });
    await page.goto(pathToFileURL(file).href, { waitUntil: 'commit' });
    await page.waitForFunction(() => performance.getEntriesByName('knob-first-plot').length > 0, null,
                               { timeout: 120000, polling: 50 });
    const trace = JSON.parse((await browser.stopTracing()).toString());
    const events = trace.traceEvents || trace;
    const t = await page.evaluate(() => {
        const fcp = performance.getEntriesByName('first-contentful-paint')[0];
        return { fcp: fcp ? fcp.startTime : NaN, first: performance.getEntriesByName('knob-first-plot')[0].startTime };
    });
    const mark = events.find(e => e.name === 'knob-first-plot');
    const cpu = cpuBefore(events, mark.pid, mark.tid, mark.ts);
    if (profile) {
        const { profile: p } = await cdp.send('Profiler.stop');
        writeFileSync(profileOut, JSON.stringify(p));
    }
    console.log(`load ${i + 1}: first_plot_ms ${t.first.toFixed(0)}  main_thread_cpu_ms ${(cpu.main / 1000).toFixed(0)}  ` +
                `renderer_cpu_ms ${(cpu.all / 1000).toFixed(0)}  first_contentful_paint_ms ${t.fcp.toFixed(0)}`);
    await page.close();
}
await browser.close();
