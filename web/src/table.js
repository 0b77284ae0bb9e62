// The trials table: sortable by any column (click its header), filtered by state and by
// text ("lr>0.01" compares a column, '"duration (s)">5' one whose name has a space, other
// words match any cell), shown 100 rows at a time.
import { trials, fmt, fmtValue, fmtParam, asGiven, categoricalParam, categoryLabels, esc, shown,
         shownNames, objectiveName, objectiveNamed } from './model.js';

const PAGE = 100;

// A trial's state as knob trials prints it: a complete trial that violates a constraint is
// infeasible.
const stateOf = t => (t.s === 'complete' && t.infeasible ? 'infeasible' : t.s);

function columns(study) {
    // Each column's text (of a value and its trial) is what knob trials prints: values %.8g,
    // params exact (a categorical's value as the plots label it, a whole float as 3.0).
    // A value's column is `value k` (`value`: its key, which sorts it), headed by its
    // objective's name where it has one that is no other column's (the filter takes either).
    const cols = [{ name: 'number', get: t => t.n, text: fmt }, { name: 'state', get: stateOf, text: fmt }];
    const plainOf = k => (study.directions.length > 1 ? `value ${k}` : 'value');
    const names = shownNames(study);
    const taken = new Set(['number', 'state', 'duration (s)', ...names, ...study.directions.map((d, k) => plainOf(k))]);
    study.directions.forEach((d, k) => {
        const plain = plainOf(k), own = objectiveName(study, k);
        const label = objectiveNamed(study, k) && !taken.has(own) ? own : plain;
        taken.add(label);
        cols.push({ name: plain, label, also: [label], get: t => t.v[k] ?? null, text: fmtValue });
    });
    for (const name of names) {
        const p = categoricalParam(study, name), labels = p && categoryLabels(study, p);
        const text = labels ? v => (v === undefined ? '' : labels.label(v) ?? fmtParam(v)) : fmtParam;
        cols.push({ name, get: t => (name in shown(t) ? shown(t)[name] : undefined),
                    text: (v, t) => asGiven(t, name, v, text(v)) });
    }
    cols.push({ name: 'duration (s)', get: t => t.d ?? null, text: v => (v === null ? '' : v.toFixed(1)) });
    return cols;
}

const isNum = v => typeof v === 'number' || typeof v === 'bigint';

function cmp(a, b) {
    if (a === null || a === undefined)
        return b === null || b === undefined ? 0 : 1;
    if (b === null || b === undefined)
        return -1;
    if (isNum(a) && isNum(b)) // an integer kept exact (BigInt) beside doubles: compared exactly
        return a < b ? -1 : a > b ? 1 : 0;
    return String(a).localeCompare(String(b));
}

// The words of the filter's text, split at blanks outside quotes: "duration (s)">5 and
// 'value 0'<0 are one word each (a column's name with a space, quoted). A quote opens only at
// the start of a word or right after its operator, and only when it is closed; elsewhere it
// is a letter (it's, a mapping's JSON text {"a":1}).
export function filterWords(text) {
    const words = [];
    for (let i = 0; i < text.length;) {
        while (i < text.length && /\s/.test(text[i]))
            i++;
        let w = '', opens = true;
        while (i < text.length && !/\s/.test(text[i])) {
            const c = text[i], end = opens && (c === '"' || c === "'") ? text.indexOf(c, i + 1) : -1;
            if (end > i) {
                w += text.slice(i, end + 1);
                i = end + 1;
                opens = false;
                continue;
            }
            w += c;
            i++;
            opens = '<>=!'.includes(c);
        }
        if (w)
            words.push(w);
    }
    return words;
}

// A name or value without its quotes, when it is quoted whole: "a b" and 'a b' are a b.
const unquote = s => (s.length >= 2 && (s[0] === '"' || s[0] === "'") && s[s.length - 1] === s[0]
    ? s.slice(1, -1) : s);

// A number as the filter reads it: decimal only (0x10 and 1_0 are words, as Number() read
// 0x10 as 16).
const DECIMAL = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/;

// The column a filter word names: by its name as written, else by another name of it (a
// value's `value k`), else either without regard to case (STATE=complete).
function column(cols, name) {
    const names = c => [c.name, ...(c.also || [])];
    const lower = name.toLowerCase();
    return cols.find(c => c.name === name) || cols.find(c => names(c).includes(name)) ||
        cols.find(c => names(c).some(n => n.toLowerCase() === lower));
}

// One word of the filter: "col<op>value" or a plain substring; the column, the value or the
// substring may be quoted whole (a name with a space or an operator in it).
function matcher(word, cols) {
    const m = /^("[^"]*"|'[^']*'|[^<>=!]+)(<=|>=|!=|=|<|>)(.*)$/.exec(word);
    if (m) {
        m[1] = unquote(m[1]);
        m[3] = unquote(m[3]);
        const col = column(cols, m[1]);
        if (col) {
            const num = DECIMAL.test(m[3]) ? Number(m[3]) : /^\s*[+-]?inf\s*$/i.test(m[3])
                ? (m[3].includes('-') ? -Infinity : Infinity) : NaN;
            const whole = /^\s*-?\d+\s*$/.test(m[3]) ? BigInt(m[3].trim()) : null;
            const order = m[2] !== '=' && m[2] !== '!=';
            // nothing to compare with (x> as typed so far): no trial, as no value is above nothing
            if (order && m[3].trim() === '')
                return () => false;
            return t => {
                const v = col.get(t);
                const numeric = isNum(v) && !Number.isNaN(num);
                // a number is not above or below a word (0x10, 1_0): no order between them
                if (order && isNum(v) && !numeric)
                    return false;
                const a = numeric ? v : String(col.text(v, t));
                // a BigInt against the typed integer exactly, else against its double
                const b = numeric ? (typeof v === 'bigint' && whole !== null ? whole : num) : m[3];
                switch (m[2]) {
                case '<': return v != null && a < b;
                case '>': return v != null && a > b;
                case '<=': return v != null && a <= b;
                case '>=': return v != null && a >= b;
                case '!=': return a != b;
                default: return a == b;
                }
            };
        }
    }
    const w = unquote(word).toLowerCase();
    return t => cols.some(c => String(c.text(c.get(t), t)).toLowerCase().includes(w));
}

export class TrialsTable {
    constructor(el, study, onSelect) {
        this.el = el;
        this.study = study;
        this.onSelect = onSelect;
        this.sortCol = 'number';
        this.sortDir = 1;
        this.limit = PAGE;
        el.innerHTML = `<div class="table-tools"><input type="search" class="filter" placeholder="filter: words, or lr>0.01 state=complete">
            <select class="state"><option value="">every state</option>${['complete', 'infeasible', 'pruned', 'fail', 'running', 'waiting']
            .map(s => `<option>${s}</option>`).join('')}</select> <span class="count"></span></div>
            <div class="table-wrap"><table class="trials"><thead></thead><tbody></tbody></table></div>
            <button class="more">show more</button>`;
        this.filterEl = el.querySelector('.filter');
        this.stateEl = el.querySelector('.state');
        this.filterEl.addEventListener('input', () => { this.limit = PAGE; this.render(); });
        this.stateEl.addEventListener('change', () => { this.limit = PAGE; this.render(); });
        el.querySelector('.more').addEventListener('click', () => { this.limit += PAGE * 5; this.render(); });
        el.querySelector('thead').addEventListener('click', e => {
            const th = e.target.closest('th');
            if (!th)
                return;
            if (this.sortCol === th.dataset.col)
                this.sortDir = -this.sortDir;
            else
                [this.sortCol, this.sortDir] = [th.dataset.col, 1];
            this.render();
        });
        el.querySelector('tbody').addEventListener('click', e => {
            const tr = e.target.closest('tr');
            if (tr && this.onSelect)
                this.onSelect(Number(tr.dataset.n));
        });
    }

    render() {
        const cols = columns(this.study);
        const words = filterWords(this.filterEl.value).map(w => matcher(w, cols));
        const state = this.stateEl.value;
        let rows = trials(this.study).filter(t => (!state || stateOf(t) === state) && words.every(f => f(t)));
        const col = cols.find(c => c.name === this.sortCol) || cols[0];
        // empty cells last whichever way the column is sorted
        const empty = v => v === null || v === undefined;
        rows.sort((a, b) => {
            const x = col.get(a), y = col.get(b);
            return (empty(x) || empty(y) ? cmp(x, y) : this.sortDir * cmp(x, y)) || a.n - b.n;
        });
        this.el.querySelector('.count').textContent = `${rows.length} of ${trials(this.study).length} trials`;
        this.el.querySelector('thead').innerHTML = '<tr>' + cols.map(c =>
            `<th data-col="${esc(c.name)}">${esc(c.label ?? c.name)}${c.name === col.name ? (this.sortDir > 0 ? ' ▲' : ' ▼') : ''}</th>`)
            .join('') + '</tr>';
        const shown = rows.slice(0, this.limit);
        this.el.querySelector('tbody').innerHTML = shown.map(t => `<tr data-n="${t.n}" class="st-${t.s}">` +
            cols.map(c => `<td>${esc(c.text(c.get(t), t))}</td>`).join('') + '</tr>').join('');
        this.el.querySelector('.more').style.display = rows.length > this.limit ? '' : 'none';
    }
}
