// The labels of a categorical param's choices, checked in node (tests/browser/choices.sh
// runs it):   node choices_parts.mjs WEB_DIR TMP_DIR MODULES_DIR
// (WEB_DIR: the sources' web/; MODULES_DIR: the build's web/, which holds node_modules)
// A sweep's values may repeat a choice (["x", "x", "y"]) or have both 0 and -0: each is a
// column of its own on the category axes of the slice and the parallel coordinates, labelled
// apart ("x", "x #2", "y"; "0", "-0"), and the trials of such a value sit in the first of its
// columns, the table and the tooltips labelling them alike. Labels that repeat put ECharts'
// points under the last column of a label, the first left empty. Fails (exit 1) with the
// reasons on stderr.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const [webDir, tmp, modulesDir] = process.argv.slice(2);
const { build } = createRequire(modulesDir + '/')('esbuild');
const out = `${tmp}/choices_parts.mjs`;
await build({ stdin: { contents: "export * from './plots.js'; export * from './model.js';", resolveDir: `${webDir}/src` },
              bundle: true, format: 'esm', outfile: out, logLevel: 'warning' });
const m = await import(pathToFileURL(out).href);
let failures = 0;
const fail = msg => { failures++; console.error('FAIL: ' + msg); };

// The study as knob's JSON has it: a: ["x", "x", "y"], b: [0, -0] (JSON's -0 reads as -0),
// c: ["x", 1, "x", "y"]; trial j at a's, b's and c's values A[j], B[j], C[j].
const A = ['x', 'y', 'x', 'y'], B = [0, 1, 1, 0], C = [0, 1, 3, 1];
const doc = m.parseJson(`{"name": "dup", "directions": ["minimize"],
  "params": [{"name": "a", "kind": "categorical", "choices": ["x", "x", "y"]},
             {"name": "b", "kind": "categorical", "choices": [0, -0]},
             {"name": "c", "kind": "categorical", "choices": ["x", 1, "x", "y"]}],
  "trials": {"n": [0, 1, 2, 3], "s": "cccc", "v": [[1, 2, 3, 4]], "p": [[0, 2, 1, 2], [0, 1, 1, 0], [0, 1, 2, 3]],
             "time0": 0, "t0": [null, null, null, null], "t1": [null, null, null, null],
             "d": [1, 1, 1, 1], "f": {}, "u": {}, "x": [], "ik": [], "i0": [], "iv": [], "is": {}}}`);
const study = m.newStudy();
m.merge(study, doc);
study.tip = n => m.tipHtml(study, n);
const value = { a: ['x', 'y', 'x', 'y'], b: [0, -0, -0, 0], c: ['x', 1, 'x', 'y'] };
const want = { a: ['x', 'x #2', 'y'], b: ['0', '-0'], c: ['x', '1', 'x #2', 'y'] };
const first = { a: ['x', 'y', 'x', 'y'], b: ['0', '0', '0', '0'], c: ['x', '1', 'x', 'y'] };
const list = m.plotList(study, 0);
const parallel = list.find(e => e.id === 'parallel').option();
for (const name of Object.keys(want)) {
    if (!m.trials(study).every(t => Object.is(t.p[name], value[name][t.n])))
        fail(`${name}: the trials' values are ${m.toJson(m.trials(study).map(t => t.p[name]))}`);
    const slice = list.find(e => e.id === `slice-${name}`).option();
    const axis = [].concat(slice.xAxis)[0];
    if (JSON.stringify(axis.data) !== JSON.stringify(want[name]))
        fail(`slice-${name}: the axis ${JSON.stringify(axis.data)}, not ${JSON.stringify(want[name])}`);
    for (const s of slice.series)
        for (const d of s.data)
            if (d[0] !== first[name][d[3]])
                fail(`slice-${name}: trial ${d[3]} at ${JSON.stringify(d[0])}, not ${first[name][d[3]]}`);
    const pa = parallel.parallelAxis.find(x => x.name === name);
    if (JSON.stringify(pa.data) !== JSON.stringify(want[name]))
        fail(`parallel: the axis of ${name} ${JSON.stringify(pa.data)}, not ${JSON.stringify(want[name])}`);
    for (const d of parallel.series[0].data)
        if (d.value[pa.dim] !== first[name][d.n])
            fail(`parallel: trial ${d.n} at ${name} ${JSON.stringify(d.value[pa.dim])}, not ${first[name][d.n]}`);
    for (const t of m.trials(study)) {
        const text = m.paramText(study, name, t.p[name]);
        if (text !== first[name][t.n])
            fail(`table: trial ${t.n}: ${name} '${text}', not '${first[name][t.n]}'`);
        if (!study.tip(t.n).split('<br>').includes(`${name}: ${first[name][t.n]}`))
            fail(`the tooltip of trial ${t.n} does not show ${name}: ${first[name][t.n]}: ${study.tip(t.n)}`);
    }
}
if (failures) {
    console.error(`${failures} failure(s)`);
    process.exit(1);
}
console.log('ok: repeated choices and 0, -0 labelled apart');
