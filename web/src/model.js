// The study as the page holds it: the C side's JSON (knob report inlines it, knob
// dashboard serves it by /api/study), merged poll after poll.
//
// {name, directions: ["minimize", ...], params: [{name, kind, log, low, high, choices}],
//  pareto: [numbers], importance: [{name, share}] | null, hypervolume: [[number, hv]] | null,
//  stamp, trials: [{n, s, v: [...], p: {name: value}, i: [[step, value]...] (sent as i0
//  and iv when the steps follow each other), t0, t1, f, u, r, infeasible}]}

export const STATES = ['complete', 'pruned', 'fail', 'running', 'waiting'];

export function newStudy() {
    return { name: '', directions: [], params: [], trials: [], pareto: [], importance: null,
             hypervolume: null, stamp: 0, version: 0 };
}

// Takes a response (or the report's data) into `study`; returns true when anything changed.
export function merge(study, doc) {
    let changed = false;
    for (const k of ['name', 'directions', 'params', 'pareto', 'importance', 'hypervolume',
                     'note', 'writable']) {
        if (k in doc && JSON.stringify(doc[k]) !== JSON.stringify(study[k])) {
            study[k] = doc[k];
            changed = true;
        }
    }
    for (const t of doc.trials || []) {
        if (t.iv)  // steps i0, i0 + 1, ... (web_data.c)
            t.i = t.iv.map((v, j) => [t.i0 + j, v]);
        study.trials[t.n] = t;
        changed = true;
    }
    if (doc.stamp !== undefined)
        study.stamp = doc.stamp;
    if (changed)
        study.version++;
    return changed;
}

export function trials(study) {
    return study.trials.filter(Boolean);
}

export function complete(study, k) {
    return trials(study).filter(t => t.s === 'complete' && t.v.length > k && t.v[k] !== null);
}

// The complete trials that count for the best: feasible ones (constraints all <= 0).
export function feasible(study, k) {
    return complete(study, k).filter(t => !t.infeasible);
}

export function objectiveName(study, k) {
    const n = study.directions.length;
    return n > 1 ? `objective ${k}` : 'objective';
}

export function better(study, k, a, b) {
    return study.directions[k] === 'maximize' ? a > b : a < b;
}

// A param's value as a number on its axis: the value, or a categorical's index.
export function paramAxisValue(p, value) {
    if (p.kind === 'categorical') {
        const i = p.choices.findIndex(c => c === value);
        return i < 0 ? null : i;
    }
    return typeof value === 'number' ? value : null;
}

export function fmt(v) {
    if (v === null || v === undefined)
        return '';
    if (typeof v === 'number')
        return Number.isInteger(v) ? String(v) : Number(v.toPrecision(6)).toString();
    return typeof v === 'string' ? v : JSON.stringify(v);
}

function esc(s) {
    return String(s).replace(/[&<>"]/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
}
export { esc };

// The tooltip of a trial: its number, state, values and params.
export function tipHtml(study, n) {
    const t = study.trials[n];
    if (!t)
        return '';
    let h = `<b>trial ${t.n}</b> (${t.s}${t.infeasible ? ', infeasible' : ''})<br>`;
    if (t.v.length)
        h += `value: ${t.v.map(fmt).join(', ')}<br>`;
    for (const [k, v] of Object.entries(t.p || {}))
        h += `${esc(k)}: ${esc(fmt(v))}<br>`;
    if (t.f)
        h += `<i>${esc(String(t.f).slice(0, 200))}</i>`;
    return h;
}
