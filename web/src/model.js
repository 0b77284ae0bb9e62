// The study as the page holds it: the C side's JSON (knob report inlines it, knob
// dashboard serves it by /api/study; src/cli/web_data.c writes it), merged poll after poll.
//
// {name, directions: ["minimize", ...], metric_names: the objectives' names, or null,
//  params: [{name, kind, log, low, high, choices, shown}],
//  constants: the sweep's (W&B's value:) [{name, value, float}] (trials.kc: where each shows),
//  constraints: the sweep's, as text ["size_mb <= 10", ...],
//  pareto: [numbers], importance: [per objective: [{name, share}] | null] | null,
//  importance_left_out: [per objective: [{name, why}] | null] | null (the params fanova left
//  out of the importance, as knob importance warns of them),
//  hypervolume: [hv after 1, 2, ... trials] | null, stamp, note, trials: columns (decode);
//  the dashboard's also writable and created (when the study was made)}
// Each trial is held as {n, s, v: [...], p: {name: value}, i: [[step, value]...], t0, t1, d,
// f, u, g: {name: value}, wf: Set of names, r: {host, pid}, infeasible}: p the library's
// values, g where they are not what knob trials shows (shown()), wf the params knob trials
// shows as whole floats (3.0: the program got a float), which a number cannot say. A param's
// `shown` (a param the sweep converts: the library holds a quantile, a reciprocal) is the axis
// of the program's values, which the plots show (paramView).

export const STATES = ['complete', 'pruned', 'fail', 'running', 'waiting'];
const STATE_OF = { c: 'complete', p: 'pruned', f: 'fail', r: 'running', w: 'waiting' };

export function newStudy() {
    return { name: '', directions: [], params: [], constants: [], trials: [], pareto: [],
             importance: null, importance_left_out: null, hypervolume: null, stamp: 0, version: 0 };
}

// The trials of a response, from its columns: n (numbers), s (one letter per state), v (per
// objective; 1e999 and -1e999 for inf and -inf, which JSON.parse reads as the infinities; the
// strings "inf" and "-inf" of an older knob too), p (per param: numbers, or a categorical's
// index into its choices), time0 (s) with t0 (ms after it) and t1 (ms after t0), d
// (duration, s), ik/i0/iv/is (intermediate values of the trials at positions ik: steps from
// i0, or is[position]), x (infeasible positions), f/u (fail reasons, user attributes by
// position), g (the params as knob trials shows them, by position, where p is not that: a
// waiting trial's enqueued values, the program's values of params a sweep converts), wf (the
// names of the params knob trials shows as whole floats, by position), rk/r (runners), kc
// (per constant of the study, the runs of positions that show it: [start, end, ...]).
export function decode(cols, params, constants) {
    const out = [];
    const m = cols.n.length;
    for (let j = 0; j < m; j++) {
        const v = [];
        for (const col of cols.v) // inf and -inf: 1e999, read as such, or an older knob's strings
            v.push(col[j] === 'inf' ? Infinity : col[j] === '-inf' ? -Infinity : col[j]);
        while (v.length && (v[v.length - 1] === null || v[v.length - 1] === undefined))
            v.pop();
        // no prototype: a param named __proto__, constructor or toString is a param like any
        // other, and `name in p` holds only for the params the trial has
        const p = Object.create(null);
        params.forEach((q, c) => {
            const x = cols.p[c][j];
            if (x !== null && x !== undefined)
                p[q.name] = q.kind === 'categorical' ? q.choices[x] : x;
        });
        const t0 = cols.t0[j] === null ? null : cols.time0 + cols.t0[j] / 1000;
        const t = { n: cols.n[j], s: STATE_OF[cols.s[j]] || 'fail', v, p, t0,
                    t1: t0 === null || cols.t1[j] === null ? null : t0 + cols.t1[j] / 1000, d: cols.d[j] };
        if (cols.f[j] !== undefined)
            t.f = cols.f[j];
        if (cols.u[j] !== undefined)
            t.u = cols.u[j];
        if (cols.g && cols.g[j] !== undefined)
            t.g = Object.assign(Object.create(null), cols.g[j]);
        if (cols.wf && cols.wf[j] !== undefined)
            t.wf = new Set(cols.wf[j]);
        if (cols.r && cols.r[j] !== null) {
            const key = cols.rk[cols.r[j]], at = key.lastIndexOf(':');
            t.r = { host: key.slice(0, at), pid: Number(key.slice(at + 1)) };
        }
        out.push(t);
    }
    // the sweep's constants (W&B's value:), which the library does not hold: in p, at the
    // runs of positions kc gives per constant, as knob trials shows them
    (constants || []).forEach((c, k) => {
        const runs = (cols.kc && cols.kc[k]) || [];
        for (let r = 0; r + 1 < runs.length; r += 2)
            for (let j = runs[r]; j < runs[r + 1] && j < m; j++) {
                if (c.name in out[j].p)
                    continue; // the library's own (a param searched in an earlier run)
                out[j].p[c.name] = c.value;
                if (c.float)
                    (out[j].wf = out[j].wf || new Set()).add(c.name);
            }
    });
    for (const j of cols.x)
        out[j].infeasible = true;
    cols.ik.forEach((j, k) => {
        const vals = cols.iv[k], steps = cols.i0[k] === null ? cols.is[j] : null;
        out[j].i = vals.map((v, h) => [steps ? steps[h] : cols.i0[k] + h, v]);
    });
    return out;
}

// JSON as knob writes it (the report's data, the dashboard's replies), an integer that knob
// keeps as text because a double would round it (a choice 9007199254740993 beside
// 9007199254740992, the program's value of it) read as a BigInt with its digits in full: as
// numbers such choices would be one. The browser gives a number's source text to the reviver
// (context.source; without it such integers stay rounded numbers); the reviver runs only
// when the text has a whole number of 16 digits or more at all, which a study rarely has
// (with spaces around it too: the enqueue form's text is typed by hand).
const LONG_INT = /[[,:]\s*-?\d{16,}\s*[,\]}]/;
export function parseJson(text) {
    if (!LONG_INT.test(text))
        return JSON.parse(text);
    return JSON.parse(text, (key, v, context) => {
        const src = context && context.source;
        if (typeof v === 'number' && !Number.isSafeInteger(v) && typeof src === 'string' &&
            /^-?\d+$/.test(src) && (!Number.isFinite(v) || BigInt(v) !== BigInt(src)))
            return BigInt(src);
        return v;
    });
}

// JSON.stringify, a BigInt (parseJson) written as its digits.
export function toJson(v, space) {
    return JSON.stringify(v, (key, x) => typeof x !== 'bigint' ? x
        : typeof JSON.rawJSON === 'function' ? JSON.rawJSON(String(x)) : String(x), space);
}

// Takes a response (or the report's data) into `study`; returns true when anything changed.
export function merge(study, doc) {
    let changed = false;
    for (const k of ['name', 'directions', 'metric_names', 'params', 'constants', 'pareto', 'importance',
                     'importance_left_out', 'hypervolume', 'note', 'writable', 'constraints']) {
        if (k in doc && toJson(doc[k]) !== toJson(study[k])) {
            study[k] = doc[k];
            changed = true;
        }
    }
    if (doc.trials && doc.trials.n.length) {
        for (const t of decode(doc.trials, doc.params, study.constants))
            study.trials[t.n] = t;
        changed = true;
    }
    if (doc.stamp !== undefined)
        study.stamp = doc.stamp;
    if (changed) {
        study.version++;
        study._cache = null;
    }
    return changed;
}

// Every trial, and the complete ones per objective: kept until the study changes.
function cache(study) {
    if (!study._cache)
        study._cache = { all: study.trials.filter(Boolean), complete: [] };
    return study._cache;
}

export function trials(study) {
    return cache(study).all;
}

export function complete(study, k) {
    const c = cache(study);
    if (!c.complete[k])
        c.complete[k] = c.all.filter(t => t.s === 'complete' && t.v.length > k && t.v[k] !== null);
    return c.complete[k];
}

// The complete trials that count for the best: feasible ones (constraints all <= 0).
export function feasible(study, k) {
    return complete(study, k).filter(t => !t.infeasible);
}

// The objectives' names: those the study stores (metric_names: Python's set_metric_names, else
// the sweep's metric or objectives), each where it is a name no other objective has, else
// `objective k` ('objective' for a study of one). Kept until the study changes. Names are the
// user's text: they go into HTML only through esc().
export function objectiveNames(study) {
    const c = cache(study);
    if (!c.names) {
        const n = study.directions.length, given = Array.isArray(study.metric_names) ? study.metric_names : [];
        const usable = x => typeof x === 'string' && x.trim() !== '' &&
            given.filter(y => y === x).length === 1;
        c.names = Array.from({ length: n }, (_, k) => (usable(given[k]) ? given[k]
            : n > 1 ? `objective ${k}` : 'objective'));
    }
    return c.names;
}

export function objectiveName(study, k) {
    return objectiveNames(study)[k] ?? `objective ${k}`;
}

// Whether objective k has a name of its own (not `objective k`).
export function objectiveNamed(study, k) {
    const given = study.metric_names;
    return Array.isArray(given) && objectiveName(study, k) === given[k];
}

export function better(study, k, a, b) {
    return study.directions[k] === 'maximize' ? a > b : a < b;
}

// A trial's value of param p as the plots take it: the program's value (what knob trials
// shows) where the sweep converts the param (p.shown), else the library's; undefined when the
// trial has none.
function valueGetter(p) {
    const name = p.name;
    return p.shown
        ? t => { const g = shown(t); return name in g ? g[name] : undefined; }
        : t => (name in t.p ? t.p[name] : undefined);
}

// The label of each value of categorical param p, one and the same in the plots, the trials
// table and the tooltips: the choices, then the values trials have that are none of them
// (the complete trials' first, in trial order, as the plots add them to the choices; then the
// other trials', which only the table and the tooltips show) labelled together by
// choiceLabels, so that two values that would share a label (the empty string and the string
// `""`) are told apart alike everywhere. Every choice has its place by position (choices:
// their labels): a sweep's values may repeat one (["x", "x", "y"]) or have both 0 and -0,
// which a category axis must still draw as columns of their own ("x", "x #2"; "0", "-0").
// label(x), a value's, is that of the first place it has (=== as the plots place it); it is
// undefined for a value neither a choice nor any trial's. Kept until the study changes.
export function categoryLabels(study, p) {
    const c = cache(study);
    const kept = c.labels || (c.labels = new Map());
    if (kept.has(p.name))
        return kept.get(p.name);
    const get = valueGetter(p), name = p.name;
    const values = [], index = new Map(); // index: a value's first place (0 and -0 are one)
    const add = x => {
        if (x !== undefined && !index.has(x)) {
            index.set(x, values.length);
            values.push(x);
        }
    };
    const choices = (p.shown || p).choices || [];
    for (const x of choices) { // each by position, repeated or not
        if (!index.has(x))
            index.set(x, values.length);
        values.push(x);
    }
    for (const t of c.all)
        if (t.s === 'complete')
            add(get(t));
    for (const t of c.all) {
        add(get(t));
        add(name in shown(t) ? shown(t)[name] : undefined);
    }
    const labels = choiceLabels(values);
    const out = { choices: labels.slice(0, choices.length), label: x => labels[index.get(x)] };
    kept.set(p.name, out);
    return out;
}

// The categorical param of the study named name (the axis of the program's values where the
// sweep converts it), or null.
export function categoricalParam(study, name) {
    const p = study.params.find(q => q.name === name);
    return p && (p.shown || p).kind === 'categorical' ? p : null;
}

// A param as the plots show it: {name, kind, log, low, high, choices, get(t), has(t)}, get
// giving a trial's value, or undefined when the trial has none, has whether the trial has a
// place on the axis: null is a value (a categorical's choice null, its own category), but
// has no place on a numeric axis. The program's values (what knob trials shows) on the axis
// of the sweep's form where the sweep converts the param (p.shown), else the library's
// values (the same) on its distribution's. A log axis only while every value of the trials
// ts is > 0; a categorical's choices, and a value seen that is none of them, each with a
// label of its own (labels, label(x)), those of categoryLabels(study, p).
export function paramView(p, ts, study) {
    const name = p.name;
    const get = valueGetter(p);
    // the library's bounds are not those of the program's values: a shown axis has its own
    const v = Object.assign({}, p.shown || p, { name, get });
    delete v.shown;
    v.has = t => { const x = get(t); return x !== undefined && (v.kind === 'categorical' || x !== null); };
    if (v.kind === 'categorical') {
        v.choices = [...(v.choices || [])];
        for (const t of ts) {
            const x = get(t);
            if (x !== undefined && !v.choices.some(c => c === x))
                v.choices.push(x);
        }
        const all = categoryLabels(study, p), n = all.choices.length;
        v.labels = v.choices.map((x, i) => (i < n ? all.choices[i] : all.label(x)));
        v.label = x => v.labels[v.choices.findIndex(c => c === x)];
    } else {
        // a whole number knob kept as text (parseJson) on a numeric axis: its double
        v.get = t => { const x = get(t); return typeof x === 'bigint' ? Number(x) : x; };
        v.log = !!v.log && ts.every(t => { const x = v.get(t); return x === undefined || x === null || x > 0; });
    }
    return v;
}

// A choice as the plots label it, told apart from every other kind of value: null as null,
// a string in quotes where it would read as something else without them (empty, blank at
// an end, a number, null, true or false: the string "5" beside the number 5), numbers as
// knob trials prints them (exactly), integers kept as text (BigInt) in full; other strings,
// and lists held as their JSON text, as they are.
const READS_AS_OTHER = /^(-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?|null|true|false)?$/;
export function choiceLabel(v) {
    if (v === null || v === undefined)
        return 'null';
    if (typeof v === 'string')
        return READS_AS_OTHER.test(v) || v.trim() !== v ? JSON.stringify(v) : v;
    if (typeof v === 'number')
        return fmtJson(v);
    if (typeof v === 'bigint' || typeof v === 'boolean')
        return String(v);
    return toJson(v);
}

// The labels of distinct choices, distinct: a category axis draws one category per label.
// Two choices that would still share one (the string "[1,2]" and the list [1, 2]) are
// numbered after the first.
export function choiceLabels(choices) {
    const taken = new Set(choices.map(choiceLabel));
    const used = new Set();
    return choices.map(c => {
        const l = choiceLabel(c);
        if (!used.has(l)) {
            used.add(l);
            return l;
        }
        let k = 2; // a numbered label no other choice has or takes ("[1,2] #2" may be a string)
        while (used.has(`${l} #${k}`) || taken.has(`${l} #${k}`))
            k++;
        used.add(`${l} #${k}`);
        return `${l} #${k}`;
    });
}

// A param's value as a number on its axis: the value, or a categorical's index.
export function paramAxisValue(p, value) {
    if (p.kind === 'categorical') {
        const i = p.choices.findIndex(c => c === value);
        return i < 0 ? null : i;
    }
    return typeof value === 'number' ? value : typeof value === 'bigint' ? Number(value) : null;
}

// Numbers as C's printf writes them, so that the page shows what knob trials prints.
// digits(x, P), x > 0: the significant digits of x rounded to P of them, half to even on
// the exact binary value as glibc rounds, and the exponent of the first (x ~ d.dd * 10^ex).
function digits(x, P) {
    let sig, ex;
    if (Number.isInteger(x)) {
        sig = BigInt(x).toString();
        ex = sig.length - 1;
    } else if (x >= 1e-80) { // toFixed is exact to 100 decimals: enough digits to round
        const [ip, fp] = x.toFixed(100).split('.');
        if (ip !== '0') {
            sig = ip + fp;
            ex = ip.length - 1;
        } else {
            const z = fp.search(/[1-9]/);
            sig = fp.slice(z);
            ex = -(z + 1);
        }
    } else {
        const [m, e] = x.toExponential(P - 1).split('e');
        return { ds: m.replace('.', ''), ex: Number(e) };
    }
    sig = sig.replace(/0+$/, '') || '0';
    if (sig.length <= P)
        return { ds: sig, ex };
    let head = sig.slice(0, P);
    const rest = sig.slice(P);
    const up = rest[0] > '5' || (rest[0] === '5' && (/[1-9]/.test(rest.slice(1)) || Number(head[P - 1]) % 2 === 1));
    if (up) {
        const d = head.split('').map(Number);
        let i = P - 1;
        while (i >= 0 && d[i] === 9)
            d[i--] = 0;
        if (i < 0) {
            d.unshift(1);
            d.pop();
            ex++;
        } else {
            d[i]++;
        }
        head = d.join('');
    }
    return { ds: head, ex };
}

// printf("%.Pg", v)
export function fmtG(v, P) {
    if (typeof v !== 'number')
        return v === null || v === undefined ? '' : String(v);
    if (Number.isNaN(v))
        return Number.isNaN(v) && 1 / v < 0 ? '-nan' : 'nan';
    if (!Number.isFinite(v))
        return v < 0 ? '-inf' : 'inf';
    if (v === 0)
        return Object.is(v, -0) ? '-0' : '0';
    const sign = v < 0 ? '-' : '';
    let { ds, ex } = digits(Math.abs(v), P);
    return sign + place(ds, ex, P);
}

// The digits ds (first at 10^ex) as %g places them with precision P, trailing zeros cut.
function place(ds, ex, P) {
    ds = ds.replace(/0+$/, '') || '0';
    if (ex < -4 || ex >= P) {
        const m = ds.length > 1 ? `${ds[0]}.${ds.slice(1)}` : ds;
        const ae = Math.abs(ex);
        return `${m}e${ex < 0 ? '-' : '+'}${ae < 10 ? '0' : ''}${ae}`;
    }
    if (ex < 0)
        return `0.${'0'.repeat(-ex - 1)}${ds}`;
    if (ds.length <= ex + 1)
        return ds + '0'.repeat(ex + 1 - ds.length);
    return `${ds.slice(0, ex + 1)}.${ds.slice(ex + 1)}`;
}

// A number as knob's JSON writes it (knob trials' params): whole numbers below 2^53 in
// full, others the shortest of %.15g, %.16g, %.17g that reads back; a subnormal (below
// 2^-1022) the shortest of %.1g to %.17g, 1e-310.
export function fmtJson(v) {
    if (typeof v !== 'number')
        return v === null || v === undefined ? '' : String(v);
    if (!Number.isFinite(v))
        return 'null';
    if (Number.isInteger(v) && Math.abs(v) < 9007199254740992)
        return Object.is(v, -0) ? '-0' : String(BigInt(v));
    for (let P = Math.abs(v) < 2.2250738585072014e-308 ? 1 : 15; P <= 17; P++) {
        const s = fmtG(v, P);
        if (Number(s) === v)
            return s;
    }
    return fmtG(v, 17);
}

// A value (objective) as knob trials prints it: %.8g.
export function fmtValue(v) {
    return fmtG(v, 8);
}

// A param's value as knob trials prints it (in its JSON): exact numbers, choices as text.
// A param's value in the trials table and the tooltips: as the plots label it (choiceLabel:
// null as null, the string "" or "5" quoted), nothing for a param the trial does not have.
export function fmtParam(v) {
    return v === undefined ? '' : choiceLabel(v);
}

// The text of trial t's param name (value v, its text so far) as knob trials shows it: a
// whole float the program got as 3.0 (t.wf), where the number's text is 3.
export function asGiven(t, name, v, text) {
    return t && t.wf && t.wf.has(name) && typeof v === 'number' && /^-?\d+$/.test(text) ? `${text}.0` : text;
}

// Param name's value v (of trial t) in the trials table and the tooltips: a categorical's as
// the plots label it among its other values (categoryLabels), others as fmtParam; a whole
// float as knob trials shows it (asGiven).
export function paramText(study, name, v, t) {
    const p = v === undefined ? null : categoricalParam(study, name);
    return asGiven(t, name, v, p ? categoryLabels(study, p).label(v) ?? fmtParam(v) : fmtParam(v));
}

// Other numbers (axes, shares): 6 significant digits are plenty (P: more, for the ticks of
// an axis whose span is small beside its values).
export function fmt(v, P = 6) {
    if (v === null || v === undefined)
        return '';
    if (typeof v === 'number')
        return Number.isInteger(v) ? String(v) : Number(v.toPrecision(P)).toString();
    return typeof v === 'string' ? v : toJson(v);
}

function esc(s) {
    return String(s).replace(/[&<>"]/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
}
export { esc };

// A trial's params as knob trials shows them: {name: value}.
export function shown(t) {
    return t.g || t.p || {};
}

// The names of the params the table shows: the study's, its sweep's constants, then those
// only enqueued trials (or converted ones) have.
export function shownNames(study) {
    const names = study.params.map(p => p.name), seen = new Set(names);
    for (const c of study.constants || [])
        if (!seen.has(c.name)) {
            seen.add(c.name);
            names.push(c.name);
        }
    for (const t of trials(study))
        for (const k of Object.keys(t.g || {}))
            if (!seen.has(k)) {
                seen.add(k);
                names.push(k);
            }
    return names;
}

// The tooltip of a trial: its number, state, values and params.
export function tipHtml(study, n) {
    const t = study.trials[n];
    if (!t)
        return '';
    let h = `<b>trial ${t.n}</b> (${t.s}${t.infeasible ? ', infeasible' : ''})<br>`;
    if (t.v.length && t.v.some((_, k) => objectiveNamed(study, k))) // names are text in the HTML
        h += t.v.map((v, k) => `${esc(objectiveName(study, k))}: ${fmtValue(v)}<br>`).join('');
    else if (t.v.length)
        h += `value: ${t.v.map(fmtValue).join(', ')}<br>`;
    for (const [k, v] of Object.entries(shown(t)))
        h += `${esc(k)}: ${esc(paramText(study, k, v, t))}<br>`;
    if (t.f)
        h += `<i>${esc(String(t.f).slice(0, 200))}</i>`;
    return h;
}
