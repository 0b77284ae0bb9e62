// The page of `knob report` (the study's data inlined in #knob-data) and of `knob
// dashboard` (the same page, fed by the JSON API and polled for what changed).
import * as echarts from 'echarts/core';
import { ScatterChart, LineChart, BarChart, ParallelChart, HeatmapChart, CustomChart } from 'echarts/charts';
import { GridComponent, TooltipComponent, ParallelComponent, VisualMapContinuousComponent, LegendScrollComponent,
         TitleComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import { newStudy, merge, tipHtml, esc, fmt, fmtValue, fmtParam, fmtJson, trials, parseJson, toJson, objectiveName,
         objectiveNamed } from './model.js';
import { plotList } from './plots.js';
import { TrialsTable } from './table.js';

// The parts of ECharts the plots use, and no more (a smaller page): continuous visual maps and
// the scrolling legend only; a title only where a plot has nothing to draw and says why.
echarts.use([ScatterChart, LineChart, BarChart, ParallelChart, HeatmapChart, CustomChart, GridComponent,
             TooltipComponent, ParallelComponent, VisualMapContinuousComponent, LegendScrollComponent, TitleComponent,
             CanvasRenderer]);

const POLL_MS = 1000;
const app = document.getElementById('app');
const statusEl = document.getElementById('status');
const charts = new Map(); // id -> {el, chart, entry, dirty}

// ---------------------------------------------------------------- the JSON API

function token() {
    const q = new URLSearchParams(location.search).get('token');
    if (q)
        sessionStorage.setItem('knob-token', q);
    return sessionStorage.getItem('knob-token');
}

// A page of this dashboard, the token kept for the session (token()) in its URL: the server
// answers a page only with it (a link opened in another tab, a reload too). The page asks
// browsers for no Referer (page.html), and links only to its own pages: the token goes
// nowhere else.
function pageUrl(path, args = {}) {
    const q = new URLSearchParams(args);
    const t = token();
    if (t)
        q.set('token', t);
    const s = q.toString();
    return s ? `${path}?${s}` : path;
}

async function api(path, body) {
    const headers = {};
    const t = token();
    if (t)
        headers.Authorization = `Bearer ${t}`;
    const init = { headers };
    if (body !== undefined) {
        init.method = 'POST';
        // a string: JSON text as typed (1e400 stays itself, which the server refuses in its
        // words; JSON.stringify would make it null); else a BigInt (parseJson) as its digits
        init.body = typeof body === 'string' ? body : toJson(body);
        headers['Content-Type'] = 'application/json';
    }
    const r = await fetch(path, init);
    const doc = await r.text().then(parseJson).catch(() => ({ error: `HTTP ${r.status}` }));
    if (!r.ok)
        throw Object.assign(new Error(doc.error || `HTTP ${r.status}`), { status: r.status });
    return doc;
}

// ---------------------------------------------------------------- charts, drawn when seen

// Charts are drawn when seen, one per task in page order, a frame painted between them:
// the first plot shows before the others are built.
const queue = [];
let pumping = false;
function enqueue(c) {
    if (!queue.includes(c))
        queue.push(c);
    if (!pumping) {
        pumping = true;
        setTimeout(pump, 0);
    }
}
function pump() {
    const order = [...charts.values()];
    queue.sort((a, b) => order.indexOf(a) - order.indexOf(b));
    const c = queue.shift();
    if (c && c.visible && c.dirty && charts.get(c.entry.id) === c)
        draw(c);
    if (queue.length)
        requestAnimationFrame(() => setTimeout(pump, 0));
    else
        pumping = false;
}

const seen = new IntersectionObserver(entries => {
    for (const e of entries) {
        const c = charts.get(e.target.dataset.id);
        if (!c)
            continue;
        c.visible = e.isIntersecting;
        if (c.visible && c.dirty)
            enqueue(c);
    }
}, { rootMargin: '300px' });

// A drawn chart follows its box: the window resized, the page's layout changed. (Its canvas
// keeps the size it was drawn at otherwise: cut off, or a blank strip beside it.)
const sized = new ResizeObserver(entries => {
    for (const e of entries) {
        const c = charts.get(e.target.dataset.id);
        if (!c || c.el !== e.target || !c.chart || c.chart.isDisposed())
            continue;
        // (the observer also reports a box's first size: a chart of that size draws nothing again)
        const { width, height } = e.contentRect;
        if (Math.round(width) !== c.chart.getWidth() || Math.round(height) !== c.chart.getHeight())
            c.chart.resize();
    }
});

let firstMarked = false;
// The last TIMINGS_KEPT charts drawn: when, and the ms to make its option and to draw it (a
// dashboard left open draws at every poll that brings trials: all would grow without end).
const TIMINGS_KEPT = 200;
const timings = [];
function draw(c) {
    if (!c.chart) {
        c.chart = echarts.init(c.el, null, { renderer: 'canvas' });
        if (!firstMarked) { // for bench/web: the first plot's canvas has drawn
            firstMarked = true;
            const chart = c.chart;
            // "finished" comes as the canvas is drawn; the mark, once that frame is painted
            const done = () => {
                chart.off('finished', done);
                requestAnimationFrame(() => setTimeout(() => performance.mark('knob-first-plot'), 0));
            };
            chart.on('finished', done);
        }
    }
    const t0 = performance.now();
    const option = c.entry.option();
    const t1 = performance.now();
    c.chart.setOption(option, { notMerge: true, lazyUpdate: false });
    if (c.entry.turn && !c.turning) { // a 3-D view: dragging turns it
        c.turning = true;
        let from = null;
        const zr = c.chart.getZr();
        zr.on('mousedown', e => { from = [e.offsetX, e.offsetY]; });
        zr.on('mouseup', () => { from = null; });
        zr.on('globalout', () => { from = null; });
        zr.on('mousemove', e => {
            if (!from)
                return;
            c.entry.turn(e.offsetX - from[0], e.offsetY - from[1]);
            from = [e.offsetX, e.offsetY];
            c.chart.setOption(c.entry.option(), { notMerge: true, lazyUpdate: true });
        });
    }
    timings.push({ id: c.entry.id, at: t0, option_ms: t1 - t0, draw_ms: performance.now() - t1 });
    if (timings.length > TIMINGS_KEPT)
        timings.shift();
    c.dirty = false;
    c.el.dataset.drawn = '1';
}

// Disposes of a chart. zrender paints a progressive series (thousands of points or lines) in
// layers it draws for at most 15 ms a frame, leaving the rest to an animation frame that
// dispose() does not cancel: that frame then painted with the disposed painter and threw
// ("reading 'layerStack'"), the plots made again meanwhile (another objective picked, a study
// made again). A paint of the chart cleared first supersedes the one left (that frame then
// paints nothing) and ends at once: it has nothing to draw.
function disposeChart(chart) {
    if (chart.isDisposed())
        return;
    chart.clear();
    chart.getZr().refreshImmediately();
    chart.dispose();
}

// A plot's note under it (text, or null: none).
function showNote(el, text) {
    el.textContent = text || '';
    el.hidden = !text;
}

function showPlots(container, study, k) {
    const list = plotList(study, k);
    const ids = list.map(e => e.id).join('\n');
    if (container.dataset.ids !== ids) {
        for (const c of charts.values()) {
            seen.unobserve(c.el);
            sized.unobserve(c.el);
            if (c.chart)
                disposeChart(c.chart);
        }
        charts.clear();
        queue.length = 0;
        container.innerHTML = '';
        container.dataset.ids = ids;
        let section = null;
        for (const e of list) {
            if (!section || section.dataset.section !== e.section) {
                section = document.createElement('section');
                section.dataset.section = e.section;
                section.className = `plots plots-${e.section}`;
                container.appendChild(section);
            }
            const fig = document.createElement('figure');
            fig.innerHTML = `<figcaption>${esc(e.title)}</figcaption>`;
            const el = document.createElement('div');
            el.className = 'chart';
            el.dataset.id = e.id;
            fig.appendChild(el);
            const note = document.createElement('p');
            note.className = 'plot-note';
            fig.appendChild(note);
            showNote(note, e.note);
            section.appendChild(fig);
            const c = { el, note, entry: e, dirty: true, visible: false, chart: null };
            charts.set(e.id, c);
            seen.observe(el);
            sized.observe(el);
        }
        // The first plot (at the top) now, without waiting for the observer.
        const first = charts.values().next().value;
        if (first) {
            first.visible = true;
            draw(first);
        }
        return;
    }
    for (const e of list) {
        const c = charts.get(e.id);
        c.entry = e;
        c.dirty = true;
        showNote(c.note, e.note);
        if (c.visible)
            enqueue(c);
    }
}

// Hooks for the browser tests and for people at the console.
window.knobChart = id => charts.get(id)?.chart;
window.knob = {
    plots: () => [...charts.keys()],
    drawn: id => !!charts.get(id)?.chart,
    draw: id => { const c = charts.get(id); draw(c); return true; },
    fmt: { value: fmtValue, param: fmtParam, json: fmtJson },
    timings,
    marks(id) {
        const c = charts.get(id);
        if (!c || !c.chart)
            return 0;
        return (c.chart.getOption().series || []).reduce((n, s) =>
            n + (s.data || []).filter(d => d !== '-' && d !== null).length, 0);
    },
    // Viewport coordinates of a data point of a trial in chart `id`, to hover it.
    point(id) {
        const c = charts.get(id);
        const series = c.chart.getOption().series;
        for (let i = 0; i < series.length; i++) {
            const s = series[i];
            if (s.type === 'heatmap' || s.type === 'parallel' || s.type === 'bar' || s.silent)
                continue;
            const items = (s.data || []).filter(x => x !== '-' && x !== null);
            const d = items[Math.floor(items.length / 2)]; /* inside the plot, not on an axis */
            if (!d)
                continue;
            const v = Array.isArray(d) ? d : d.value;
            const at = s.type === 'custom' ? [(v[1] + v[2]) / 2, v[0]] : [v[0], v[1]];
            const px = c.chart.convertToPixel({ seriesIndex: i }, at);
            const r = c.el.getBoundingClientRect();
            return { x: r.left + px[0], y: r.top + px[1], n: v[v.length - 1] };
        }
        return null;
    },
};

// ---------------------------------------------------------------- the study page

function studyPage(study, live) {
    document.title = `knob: ${study.name}`;
    document.getElementById('title').textContent = study.name;
    app.innerHTML = `
        <div class="summary"></div>
        <div class="objective-pick"></div>
        <div id="plots"></div>
        <h2>Trials</h2><div id="table"></div>
        <div id="trial" class="trial-detail"></div>
        ${live ? '<details id="sweep"><summary>Sweep file</summary><pre></pre></details><div id="write"></div>' : ''}`;
    study.tip = n => tipHtml(study, n);
    let k = 0;
    const table = new TrialsTable(app.querySelector('#table'), study, n => showTrial(study, n, live));
    const pick = app.querySelector('.objective-pick');
    const refresh = () => {
        const ts = trials(study);
        const counts = {};
        for (const t of ts)
            counts[t.s] = (counts[t.s] || 0) + 1;
        const count = s => counts[s] || 0;
        const best = study.best;
        app.querySelector('.summary').innerHTML =
            `<b>${ts.length}</b> trials: ${count('complete')} complete, ${count('pruned')} pruned, ` +
            `${count('fail')} failed, ${count('running')} running, ${count('waiting')} waiting · ` +
            `${study.directions.length ? study.directions.map((d, i) => (objectiveNamed(study, i)
                ? `${esc(objectiveName(study, i))} (${d})` : d)).join(', ') : 'no objective'}` +
            (best ? ` · best: trial ${best.n}, value ${best.v.map(fmtValue).join(', ')}` : '');
        // The menu of objectives, made again when they changed (a study deleted and made
        // again under its name, names given), objective 0 then picked.
        const dirs = toJson([study.directions, study.metric_names ?? null]);
        if (pick.dataset.dirs !== dirs) {
            pick.dataset.dirs = dirs;
            pick.innerHTML = '';
            k = 0;
        }
        if (study.directions.length > 1 && !pick.firstChild) {
            pick.innerHTML = 'plots of <select>' + study.directions.map((d, i) =>
                `<option value="${i}">${esc(objectiveName(study, i))} (${d})</option>`).join('') + '</select>';
            pick.querySelector('select').addEventListener('change', e => {
                k = Number(e.target.value);
                showPlots(app.querySelector('#plots'), study, k);
            });
        }
        showPlots(app.querySelector('#plots'), study, k);
        // The table (below the plots) after the first plot has painted.
        requestAnimationFrame(() => setTimeout(() => table.render(), 0));
    };
    return refresh;
}

function bestOf(study) {
    if (study.directions.length !== 1)
        return null;
    let best = null;
    for (const t of trials(study))
        if (t.s === 'complete' && !t.infeasible && t.v.length && t.v[0] !== null &&
            (!best || (study.directions[0] === 'maximize' ? t.v[0] > best.v[0] : t.v[0] < best.v[0])))
            best = t;
    return best;
}

// The trial panel follows its trial at each poll of the dashboard (followTrial): its state and
// values, the form that finishes it by hand only while it runs, the latest lines of its logs
// while it runs (and once more as it ends: the lines it wrote last).
let panel = null; // {study, n, live, el, s: the state shown, logs: the logs wanted, loading}

function showTrial(study, n, live) {
    const el = app.querySelector('#trial');
    if (!study.trials[n])
        return;
    el.innerHTML = `<h2>Trial ${n}</h2><div class="tip"></div><pre class="attrs"></pre>` +
        (live ? '<div class="logs">loading the logs...</div>' : '') + '<div class="tell-slot"></div>';
    panel = { study, n, live, el, s: null, logs: false, loading: false };
    followTrial();
    el.scrollIntoView({ block: 'nearest' });
}

function followTrial() {
    if (!panel || !panel.el.isConnected)
        return;
    const { study, n, live, el } = panel;
    const t = study.trials[n];
    if (!t)
        return;
    const tip = tipHtml(study, n);
    if (el.querySelector('.tip').innerHTML !== tip)
        el.querySelector('.tip').innerHTML = tip;
    const attrs = el.querySelector('pre.attrs'), text = t.u && Object.keys(t.u).length ? toJson(t.u, 1) : '';
    if (attrs.textContent !== text) // set only when it changed: a selection in it stays
        attrs.textContent = text;
    attrs.hidden = !attrs.textContent;
    if (panel.s !== t.s) {
        panel.s = t.s;
        panel.logs = live;
        const slot = el.querySelector('.tell-slot');
        const said = slot.querySelector('.msg')?.textContent; // "told": kept as the form goes
        slot.innerHTML = said ? `<span class="msg">${esc(said)}</span>` : '';
        // a waiting (enqueued) trial has no params until it is asked: the storage refuses its tell
        if (live && study.writable && t.s === 'running')
            tellForm(slot, study, n);
    }
    if (live && (t.s === 'running' || panel.logs))
        readLogs(panel);
}

async function readLogs(p) {
    if (p.loading)
        return;
    p.loading = true;
    p.logs = false;
    const logs = p.el.querySelector('.logs');
    try {
        const log = await api(`/api/log?name=${encodeURIComponent(p.study.name)}&trial=${p.n}`);
        const pres = logs.querySelectorAll('pre');
        if (log.dir && pres.length === 2) { // the lines only, each kept where it is scrolled
            [log.stdout, log.stderr].forEach((text, i) => {
                const pre = pres[i], now = text ?? '(none)';
                if (pre.textContent === now)
                    return;
                const bottom = pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 2;
                pre.textContent = now;
                if (bottom) // following the latest lines
                    pre.scrollTop = pre.scrollHeight;
            });
        } else {
            logs.innerHTML = log.dir
                ? `<div>${esc(log.dir)}</div><h3>stdout (end)</h3><pre>${esc(log.stdout ?? '(none)')}</pre>` +
                  `<h3>stderr (end)</h3><pre>${esc(log.stderr ?? '(none)')}</pre>`
                : 'no trial directory is recorded for this trial (it was not run by knob run or knob worker)';
            logs.querySelectorAll('pre').forEach(pre => { pre.scrollTop = pre.scrollHeight; });
        }
    } catch (err) {
        logs.textContent = err.message;
    } finally {
        p.loading = false;
    }
}

// The numbers of a form's field (split at commas and blanks) as a JSON list, each as typed
// when it is a JSON number (1e400 then reaches the server, which says it is beyond a double's
// range), else as the number it reads as (.5, +1); a word that is no number is refused here.
const JSON_NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;
function numbers(text) {
    return '[' + text.split(/[\s,]+/).filter(Boolean).map(w => {
        if (JSON_NUMBER.test(w))
            return w;
        if (!Number.isFinite(Number(w)))
            throw new Error(`'${w}' is not a number`);
        return toJson(Number(w));
    }).join(',') + ']';
}

// A constraint "size <= 10" as the violation a tell takes: "size - 10" (">= m": "m - size").
function violation(c) {
    const m = /^(.*) (<=|>=) (.*)$/.exec(c);
    return !m ? c : m[2] === '<=' ? `${m[1]} - ${m[3]}` : `${m[3]} - ${m[1]}`;
}

function tellForm(slot, study, n) {
    // a study whose sweep has constraints: a complete trial is told with one value for each
    const cons = study.constraints || [];
    slot.innerHTML = `<form class="tell">finish by hand: <select name="state"><option>complete</option><option>fail</option>
              <option>pruned</option></select> values <input name="values" placeholder="0.5, 1.2">` +
        (cons.length ? ` constraint violations (&lt;= 0 met) <input name="constraints"
              placeholder="${esc(cons.map(violation).join(', '))}"
              title="${esc(`one for each of ${cons.join(', ')}: ${cons.map(violation).join(', ')}, as knob tell --constraints takes them (<= 0 met), not the metric`)}">` : '') +
        ' <button>tell</button> <span class="msg"></span></form>';
    const form = slot.querySelector('form.tell');
    form.addEventListener('submit', async e => {
        e.preventDefault();
        try {
            let body = `{"trial":${n},"state":${toJson(form.state.value)},"values":${numbers(form.values.value)}`;
            if (form.constraints && form.constraints.value.trim())
                body += `,"constraints":${numbers(form.constraints.value)}`;
            await api(`/api/tell?name=${encodeURIComponent(study.name)}`, body + '}');
            form.querySelector('.msg').textContent = 'told';
        } catch (err) {
            form.querySelector('.msg').textContent = err.message;
        }
    });
}

function writeForms(study) {
    const el = app.querySelector('#write');
    el.innerHTML = `<h2>Notes</h2><form class="note"><textarea name="note" rows="3" cols="80"></textarea><br>
        <button>save the note</button> <span class="msg"></span></form>
        <h2>Enqueue a trial</h2><form class="enqueue"><input name="params" size="60" placeholder='{"lr": 0.01, "optimizer": "adam"}'>
        <button>enqueue</button> <span class="msg"></span></form>`;
    el.querySelector('textarea').value = study.note || '';
    const wire = (sel, path, body, said = () => 'done') => {
        const f = el.querySelector(sel);
        f.addEventListener('submit', async e => {
            e.preventDefault();
            try {
                const r = await api(`${path}?name=${encodeURIComponent(study.name)}`, body(f));
                f.querySelector('.msg').textContent = said(r);
            } catch (err) {
                f.querySelector('.msg').textContent = err.message;
            }
        });
    };
    wire('form.note', '/api/note', f => ({ note: f.note.value }));
    wire('form.enqueue', '/api/enqueue', f => {
        try { // JSON: sent as typed (an integer beyond 2^53 by its digits, 1e400 as itself)
            parseJson(f.params.value);
            return `{"params":${f.params.value}}`;
        } catch (err) {
            return { params: f.params.value };
        }
    }, r => `enqueued trial ${r.trial}: ${toJson(r.params)}`); // the values as stored (a big int too)
}

// ---------------------------------------------------------------- report and dashboard

function report(doc) {
    const study = newStudy();
    merge(study, doc);
    performance.mark('knob-decoded');
    study.best = bestOf(study);
    study.now = doc.generated; // running trials drawn as they were then, not as the page is read
    document.getElementById('home').removeAttribute('href');
    statusEl.textContent = `report made ${new Date(doc.generated * 1000).toLocaleString()}`;
    studyPage(study, false)();
}

// What a failed request says on the status line: the server unreachable (no status), or
// what it answered.
function failure(err) {
    return err.status === undefined ? `cannot reach knob dashboard: ${err.message}`
        : `knob dashboard answered ${err.status}: ${err.message}`;
}

// Whether a failed request is asked again at the next poll: not a request the server refused
// as it is (400, 401, 403...), which it would refuse again; a study not found may be made, a
// server unreachable or failing may come back.
function retried(err) {
    const s = err.status;
    return s === undefined || s === 404 || s === 408 || s === 429 || s >= 500;
}

async function live(name) {
    const study = newStudy();
    let refresh = null;
    const poll = async () => {
        try {
            let doc = await api(`/api/study?name=${encodeURIComponent(name)}&since=${study.stamp}`);
            let remade = false;
            if (study.created !== undefined && doc.created !== study.created) {
                // deleted and made again under this name: its stamps and trials are another
                // study's, so all of it again
                doc = await api(`/api/study?name=${encodeURIComponent(name)}&since=0`);
                Object.assign(study, { trials: [], stamp: 0, _cache: null });
                study.version++;
                remade = true;
            }
            study.created = doc.created;
            if (merge(study, doc) || remade || !refresh) {
                study.best = bestOf(study);
                if (!refresh) {
                    refresh = studyPage(study, true);
                    api(`/api/sweep?name=${encodeURIComponent(name)}`).then(s => {
                        app.querySelector('#sweep pre').textContent = s.sweep ?? '(no sweep file is stored with this study)';
                    }).catch(() => {});
                    if (study.writable)
                        writeForms(study);
                }
                refresh();
            }
            followTrial();
            statusEl.textContent = `live · updated ${new Date().toLocaleTimeString()}`;
            statusEl.className = 'ok';
        } catch (err) {
            // 404: the server answered, and has no such study: gone if it was shown, else
            // none by that name (yet: it is polled for)
            const gone = err.status === 404;
            statusEl.textContent = !gone ? failure(err)
                : refresh ? `study '${name}' is gone: it is not in this storage (deleted?); shown as it was`
                    : `no study '${name}' in this storage`;
            statusEl.className = 'err';
            if (!refresh)
                app.innerHTML = `<p class="err">${esc(gone ? statusEl.textContent : err.message)}</p>`;
            if (!retried(err))
                return;
        }
        setTimeout(poll, POLL_MS);
    };
    await poll();
}

// The studies page, polled as the study page is: studies made or deleted show.
let studiesShown = null;
async function studies() {
    document.getElementById('title').textContent = 'studies';
    try {
        const list = await api('/api/studies');
        const text = toJson(list);
        if (text !== studiesShown) {
            studiesShown = text;
            showStudies(list);
        }
        statusEl.textContent = `live · updated ${new Date().toLocaleTimeString()}`;
        statusEl.className = 'ok';
    } catch (err) {
        statusEl.textContent = failure(err);
        statusEl.className = 'err';
        if (studiesShown === null)
            app.innerHTML = `<p class="err">${esc(err.message)}</p>`;
        if (!retried(err))
            return;
    }
    setTimeout(studies, POLL_MS);
}

function showStudies(list) {
    app.innerHTML = '<table class="studies"><thead><tr><th>study</th><th>directions</th><th>trials</th>' +
        '<th>complete</th><th>best</th><th>created</th></tr></thead><tbody>' + list.map(s =>
        `<tr><td><a href="${esc(pageUrl('/study', { name: s.name }))}">${esc(s.name)}</a></td>` +
        `<td>${esc(s.directions.join(', ') || '(no objective)')}</td><td>${s.n_trials}</td><td>${s.n_complete}</td>` +
        `<td>${esc(fmt(s.best_value))}</td><td>${new Date(s.created * 1000).toLocaleString()}</td></tr>`).join('') +
        '</tbody></table>' + (list.length ? '' : '<p>no studies in this storage yet</p>');
}

const inline = document.getElementById('knob-data');
if (inline) {
    performance.mark('knob-script');
    const doc = parseJson(inline.textContent);
    performance.mark('knob-parsed');
    report(doc);
} else if (location.pathname === '/study') {
    document.getElementById('home').href = pageUrl('/');
    live(new URLSearchParams(location.search).get('name') || '');
} else {
    document.getElementById('home').href = pageUrl('/');
    studies();
}
