#!/usr/bin/env bash
# The warm_start key: the sampler (cmaes) starts from a study in another storage; tpe and
# smac evaluate the source's best configurations first with `first: N`; a
# missing study is an error at the key's line; a study sharing no param is a warning and
# a cold start; a sampler without a warm start is refused at the key's line.
source "$(dirname "$0")/lib.bash"
cat > src.yaml <<YAML
program: $PROGS/quad.sh
method: random
metric: {name: loss}
parameters:
  x: {min: -5.0, max: 5.0}
  y: {min: -5.0, max: 5.0}
YAML
CX=4 CY=4 "$KNOB" run src.yaml --storage "sqlite:///$T/src.db" --study src --trials 30 --seed 1 \
    --parallel 4 > /dev/null || fail "source run"
sweep() { # warm-start-line
    cat <<YAML
program: $PROGS/quad.sh
sampler: {name: cmaes, options: {popsize: 6}}
metric: {name: loss}
parameters:
  x: {min: -5.0, max: 5.0}
  y: {min: -5.0, max: 5.0}
$1
YAML
}
# cmaes starts after one trial: the next six are its first generation
first_gen_mean_x() { # study storage
    "$KNOB" trials "$1" --storage "$2" --format json |
        py 'sum(t["params"]["x"] for t in d[1:7]) / 6'
}
sweep "warm_start: {study: src, storage: sqlite:///$T/src.db}" > warm.yaml
sweep "" > cold.yaml
CX=4 CY=4 "$KNOB" run warm.yaml --storage "sqlite:///$T/b.db" --study w --trials 7 --seed 2 \
    > w.txt 2>&1 || fail "warm run: $(cat w.txt)"
CX=4 CY=4 "$KNOB" run cold.yaml --storage "sqlite:///$T/b.db" --study c --trials 7 --seed 2 \
    > /dev/null || fail "cold run"
warm=$(first_gen_mean_x w "sqlite:///$T/b.db")
cold=$(first_gen_mean_x c "sqlite:///$T/b.db")
python3 -c "assert $warm > 2.5 and $cold < 2.5, ($warm, $cold)" ||
    fail "warm start not used: first generation's mean x $warm (warm), $cold (cold)"
# the source's trials are not this study's
expect_eq "$("$KNOB" trials w --storage "sqlite:///$T/b.db" --format json | py 'len(d)')" 7 "trials"

# a missing study: a clear error at the key, nothing run
sweep "warm_start: {study: nope, storage: sqlite:///$T/src.db}" > missing.yaml
if "$KNOB" run missing.yaml --storage "sqlite:///$T/b.db" --study m --trials 2 2> m.txt; then
    fail "a missing warm start study ran"
fi
grep -q "missing.yaml:7:1: key 'warm_start': study 'nope' in sqlite:///$T/src.db: .*no study named 'nope'" m.txt ||
    fail "missing study message: $(cat m.txt)"

# a study with a disjoint space: a warning, and a cold start that runs
cat > other.yaml <<YAML
program: $PROGS/quad.sh
method: random
metric: {name: loss}
parameters:
  a: {min: 0.0, max: 1.0}
YAML
"$KNOB" run other.yaml --storage "sqlite:///$T/src.db" --study other --trials 2 > /dev/null
# ... a constant of the source's param's name shares nothing either: it is not suggested (it
# was taken for a shared param, and the run started cold without a word)
sweep "warm_start: {study: other, storage: sqlite:///$T/src.db}" |
    sed 's/^parameters:$/parameters:\n  a: {value: 0.5}/' > disjoint.yaml
grep -q "a: {value: 0.5}" disjoint.yaml || fail "disjoint.yaml: $(cat disjoint.yaml)"
"$KNOB" run disjoint.yaml --storage "sqlite:///$T/b.db" --study d --trials 3 > d.txt 2>&1 ||
    fail "disjoint: $(cat d.txt)"
grep -q "warning: warm_start: study 'other' shares no parameter with this sweep (2 trials); starting cold" d.txt ||
    fail "disjoint warning: $(cat d.txt)"
expect_eq "$("$KNOB" trials d --storage "sqlite:///$T/b.db" --format json | py 'len([t for t in d if t["state"] == "complete"])')" \
    3 "cold start trials"

# a source sharing only a categorical param with a cmaes sweep, which models numbers alone:
# a warning, and the trials of a cold start (it was a cold start without a word)
cat > cats.yaml <<YAML
program: $PROGS/quad.sh
method: random
metric: {name: loss}
parameters:
  a: {min: 0, max: 10}
  x: {min: -5.0, max: 5.0}
  c: {values: [u, v, w]}
  y: {min: -5.0, max: 5.0}
YAML
"$KNOB" run cats.yaml --storage "sqlite:///$T/src.db" --study cats --trials 5 --seed 1 > /dev/null ||
    fail "categorical source run"
cat_sweep() { # warm-start-line
    printf '%s\n' "program: $PROGS/quad.sh" "sampler: {name: cmaes, options: {popsize: 4}}" \
        "metric: {name: loss}" "parameters:" "  c: {values: [u, v, w]}" "  zz: {min: 0.0, max: 1.0}" "$1"
}
cat_sweep "warm_start: {study: cats, storage: sqlite:///$T/src.db}" > cats_w.yaml
cat_sweep "" > cats_c.yaml
"$KNOB" run cats_w.yaml --storage "sqlite:///$T/b.db" --study cw --trials 5 --seed 3 > /dev/null 2> cw.txt ||
    fail "categorical source, cmaes: $(cat cw.txt)"
grep -q "warning: warm_start: cmaes: warm_start_study 'cats': shares no numerical param with this study (cmaes models numbers; categorical params are drawn at random), so none of its 5 finished trials is used; starting cold" cw.txt ||
    fail "categorical source warning: $(cat cw.txt)"
"$KNOB" run cats_c.yaml --storage "sqlite:///$T/b.db" --study cc --trials 5 --seed 3 > /dev/null ||
    fail "cold run beside the categorical source's"
expect_eq "$("$KNOB" trials cw --storage "sqlite:///$T/b.db" --format json | py '[t["params"] for t in d]')" \
    "$("$KNOB" trials cc --storage "sqlite:///$T/b.db" --format json | py '[t["params"] for t in d]')" \
    "a categorical source's trials, a cold start's"

# the same storage as the study's, by name alone
CX=4 CY=4 "$KNOB" run src.yaml --storage "sqlite:///$T/src.db" --study src2 --trials 3 > /dev/null
sweep "warm_start: src" > same.yaml
CX=4 CY=4 "$KNOB" run same.yaml --storage "sqlite:///$T/src.db" --study s --trials 3 > /dev/null 2>&1 ||
    fail "warm start from the study's own storage"
# ... but not the study itself (it ran, its own trials counted twice), also when its file is
# named by another path; nothing runs
CX=4 CY=4 "$KNOB" run same.yaml --storage "sqlite:///$T/./src.db" --study src --trials 1 \
    > /dev/null 2> self.txt && fail "a study warm-started from itself ran"
grep -q "same.yaml:7:1: key 'warm_start': study 'src' in sqlite:///$T/./src.db is this study itself" self.txt ||
    fail "self message: $(cat self.txt)"
expect_eq "$("$KNOB" trials src --storage "sqlite:///$T/src.db" --format json | py 'len(d)')" 30 \
    "trials of a study refused as its own source"
# a file that is not there: an error naming it, and no empty file made
sweep "warm_start: {study: src, storage: sqlite:///$T/absent.db}" > absent.yaml
"$KNOB" run absent.yaml --storage "sqlite:///$T/b.db" --study a --trials 1 2> a.txt && fail "absent file ran"
grep -q "absent.yaml:7:1: key 'warm_start': study 'src' in sqlite:///$T/absent.db: no file '$T/absent.db'" a.txt ||
    fail "absent file message: $(cat a.txt)"
[ ! -e absent.db ] || fail "the absent source file was made"
# ... named by a relative path, from another directory: the directory it was looked for in
sweep "warm_start: {study: src, storage: \"sqlite:///absent.db\"}" > rel.yaml
mkdir -p sub
(cd sub && "$KNOB" run ../rel.yaml --storage "sqlite:///$T/b.db" --study a --trials 1 2> ../r.txt) &&
    fail "absent relative file ran"
grep -qF "../rel.yaml:7:1: key 'warm_start': study 'src' in sqlite:///absent.db: no file 'absent.db' in $T/sub" r.txt ||
    fail "absent relative file message: $(cat r.txt)"
# a source of two objectives: refused at the key (it failed the first model's trial); an
# empty one (no complete trial): a warning that says so (it said "shares no parameter")
sed 's/metric: .*/objectives: [{name: loss, goal: minimize}, {name: l2, goal: maximize}]/' \
    src.yaml > two.yaml
"$KNOB" run two.yaml --storage "sqlite:///$T/src.db" --study two --trials 0 > /dev/null
"$KNOB" run src.yaml --storage "sqlite:///$T/src.db" --study empty --trials 0 > /dev/null
sweep "warm_start: two" > two_w.yaml
"$KNOB" run two_w.yaml --storage "sqlite:///$T/src.db" --study t2 --trials 1 2> t2.txt && fail "two objectives ran"
grep -q "two_w.yaml:7:1: key 'warm_start': study 'two' in sqlite:///$T/src.db has 2 objectives; a warm start learns from a study of one" t2.txt ||
    fail "two objectives message: $(cat t2.txt)"
sweep "warm_start: empty" > empty_w.yaml
"$KNOB" run empty_w.yaml --storage "sqlite:///$T/src.db" --study e --trials 1 > /dev/null 2> e.txt ||
    fail "empty source: $(cat e.txt)"
grep -q "warning: warm_start: study 'empty' in sqlite:///$T/src.db has no complete trial with a value (0 trials); starting cold" e.txt ||
    fail "empty source warning: $(cat e.txt)"
# a source whose only complete trial is -inf (infinite_values, written by the library): used
# (warm_start_first and tpe take it), not "no complete trial with a value"
"$KNOB" run src.yaml --storage "sqlite:///$T/ninf.db" --study ninf --trials 1 > /dev/null ||
    fail "ninf source"
python3 -c "import sqlite3; c = sqlite3.connect('$T/ninf.db'); c.execute('UPDATE trial_values SET value = ?', (float('-inf'),)); [c.execute('DELETE FROM ' + t) for (t,) in c.execute(\"SELECT name FROM sqlite_master WHERE name = 'knob_snapshots'\").fetchall()]; c.commit()"
expect_eq "$("$KNOB" trials ninf --storage "sqlite:///$T/ninf.db" --format json | py 'd[0]["values"]')" "[-Infinity]" "ninf value (-1e999, read as -inf)"
sweep "warm_start: {study: ninf, storage: sqlite:///$T/ninf.db}" > ninf_w.yaml
"$KNOB" run ninf_w.yaml --storage "sqlite:///$T/ninf.db" --study ni --trials 1 > /dev/null 2> ni.txt ||
    fail "-inf source: $(cat ni.txt)"
grep -q "no complete trial" ni.txt && fail "-inf source taken for one without a value: $(cat ni.txt)"
# source trials the sampler leaves out (x outside this sweep's range): the library says so in
# the study's attribute warm_start_skipped, and knob run shows it (it showed nothing)
sed 's/x: {min: -5.0, max: 5.0}/x: {min: 10.0, max: 20.0}/' src.yaml > far.yaml
"$KNOB" run far.yaml --storage "sqlite:///$T/src.db" --study far --trials 3 > /dev/null
sweep "warm_start: far" > far_w.yaml
"$KNOB" run far_w.yaml --storage "sqlite:///$T/src.db" --study fw --trials 2 > /dev/null 2> fw.txt ||
    fail "far source: $(cat fw.txt)"
grep -q "warning: warm_start: cmaes: warm_start_study 'far': 3 of its 3 finished trials not used: 3 with a param of this study under another kind of distribution or outside its range; the first: param 'x'" fw.txt ||
    fail "far source warning: $(cat fw.txt)"
# a warning of an earlier run is not shown again by a run that skipped nothing: another
# sampler (tpe, which says its own: the source's good trial, whose x it leaves out once x is
# suggested; it said nothing), a run that asks nothing (run_cap reached); the first
# sampler again says it again (each run showed the first run's sentence)
sweep "warm_start: far" | sed 's/sampler: .*/sampler: tpe/' > far_tpe.yaml
"$KNOB" run far_tpe.yaml --storage "sqlite:///$T/src.db" --study fw --trials 1 > /dev/null 2> fw2.txt ||
    fail "far source, tpe: $(cat fw2.txt)"
grep -q "cmaes:" fw2.txt && fail "a stale warning shown by tpe's run: $(cat fw2.txt)"
grep -q "warning: warm_start: tpe: warm_start_study 'far': 1 of the 1 good trials tpe reads from it not used in full: 1 with a param of this study under another kind of distribution or outside its range; the first: param 'x'" fw2.txt ||
    fail "far source warning, tpe: $(cat fw2.txt)"
{ cat far_w.yaml; echo "run_cap: 3"; } > far_cap.yaml
"$KNOB" run far_w.yaml --storage "sqlite:///$T/src.db" --study fw --trials 1 > /dev/null 2> fw3.txt
grep -q "warning: warm_start: cmaes: warm_start_study 'far': 3 of its 3" fw3.txt ||
    fail "far source warning, cmaes again: $(cat fw3.txt)"
"$KNOB" run far_cap.yaml --storage "sqlite:///$T/src.db" --study fw > /dev/null 2> fw4.txt
grep -q "warm_start:" fw4.txt && fail "a stale warning shown by a run that asked nothing: $(cat fw4.txt)"
# ... nor taken from a run by another that opens its study meanwhile (a run that asks
# nothing cleared the attribute, which the running sampler had written once: its warning
# was lost): the third trial's program runs knob run on the study, run_cap reached
cat > beside.sh <<SH
#!/usr/bin/env bash
echo >> "$T/beside.count"
[ "\$(wc -l < "$T/beside.count")" != 3 ] || {
    touch "$T/beside.done"; "$KNOB" run "$T/cap1.yaml" --storage "sqlite:///$T/src.db" --study fw5 > /dev/null 2>&1; }
exec $PROGS/quad.sh "\$@"
SH
chmod +x beside.sh
sed "s|program: .*|program: $T/beside.sh|" far_w.yaml > far_beside.yaml
{ cat far_w.yaml; echo "run_cap: 1"; } > cap1.yaml
"$KNOB" run far_beside.yaml --storage "sqlite:///$T/src.db" --study fw5 --trials 3 > /dev/null 2> fw5.txt
[ -e "$T/beside.done" ] || fail "the run beside did not run"
grep -q "warning: warm_start: cmaes: warm_start_study 'far': 3 of its 3" fw5.txt ||
    fail "a warning lost to a run beside: $(cat fw5.txt)"

# first: N (warm_start_first): tpe's first 3 trials are the source's 3 best distinct
# configurations (each more than 10% of x's or y's range from the ones before), from
# another storage, on the params the two share: z, which the source lacks, is drawn
best3() { # storage study: the [x, y] of the first 3 distinct trials, best first
    "$KNOB" trials "$2" --storage "$1" --format json | python3 -c '
import json, sys
ts = sorted((t for t in json.load(sys.stdin) if t["state"] == "complete"),
            key=lambda t: (t["values"][0], t["number"]))
pick = []
for t in ts:
    p = t["params"]
    if len(pick) < 3 and all(abs(p["x"] - q[0]) > 1 or abs(p["y"] - q[1]) > 1 for q in pick):
        pick.append([p["x"], p["y"]])
print(json.dumps(pick))'
}
firsts_sweep() { # sampler warm-start-line
    cat <<YAML
program: $PROGS/quad.sh
sampler: {name: $1}
metric: {name: loss}
parameters:
  x: {min: -5.0, max: 5.0}
  y: {min: -5.0, max: 5.0}
  z: {min: 0.0, max: 1.0}
$2
YAML
}
want=$(best3 "sqlite:///$T/src.db" src)
for smp in tpe smac; do
    firsts_sweep $smp "warm_start: {study: src, storage: sqlite:///$T/src.db, first: 3}" > f_$smp.yaml
    CX=4 CY=4 "$KNOB" run f_$smp.yaml --storage "sqlite:///$T/b.db" --study f_$smp --trials 4 \
        --seed 3 > f.txt 2>&1 || fail "first: 3 with $smp: $(cat f.txt)"
    got=$("$KNOB" trials f_$smp --storage "sqlite:///$T/b.db" --format json |
        py '[[t["params"]["x"], t["params"]["y"]] for t in d[:3]]')
    expect_eq "$got" "$want" "$smp's first trials against the source's best"
    "$KNOB" trials f_$smp --storage "sqlite:///$T/b.db" --format json |
        py 'all(0 <= t["params"]["z"] <= 1 for t in d)' | grep -q True || fail "z of $smp's trials"
done
# the default (method bayes: the auto sampler) gives its warm start to its delegates
firsts_sweep tpe "warm_start: {study: src, storage: sqlite:///$T/src.db, first: 3}" |
    sed 's/sampler: .*/method: bayes/' > f_bayes.yaml
CX=4 CY=4 "$KNOB" run f_bayes.yaml --storage "sqlite:///$T/b.db" --study f_bayes --trials 4 \
    --seed 3 > f.txt 2>&1 || fail "first: 3 with method bayes: $(cat f.txt)"
got=$("$KNOB" trials f_bayes --storage "sqlite:///$T/b.db" --format json |
    py '[[t["params"]["x"], t["params"]["y"]] for t in d[:3]]')
expect_eq "$got" "$want" "method bayes's first trials against the source's best"
# without first, the first trial is not the source's best
firsts_sweep tpe "warm_start: {study: src, storage: sqlite:///$T/src.db}" > f_none.yaml
CX=4 CY=4 "$KNOB" run f_none.yaml --storage "sqlite:///$T/b.db" --study f_none --trials 1 --seed 3 \
    > /dev/null 2>&1 || fail "warm tpe without first"
got=$("$KNOB" trials f_none --storage "sqlite:///$T/b.db" --format json |
    py '[[t["params"]["x"], t["params"]["y"]] for t in d[:1]]')
if [ "$got" = "$(echo "$want" | py '[d[0]]')" ]; then fail "first trial without first: $got"; fi
# a sampler without first trials from its source: refused at the key's line
sweep "warm_start: {study: src, storage: sqlite:///$T/src.db, first: 2}" > cf.yaml
# (a sweep-file error: exit status 2, even where the source shares no param with the sweep)
"$KNOB" run cf.yaml --storage "sqlite:///$T/b.db" --study cf --trials 1 2> cf.txt &&
    fail "cmaes with first"
expect_eq "$?" 2 "exit status of cmaes with first"
sed 's/study: src,/study: other,/' cf.yaml > cf_other.yaml
"$KNOB" run cf_other.yaml --storage "sqlite:///$T/b.db" --study cf --trials 1 2> cfo.txt &&
    fail "cmaes with first, from a study sharing no param"
grep -q "cf_other.yaml:7:1: key 'warm_start.first': sampler 'cmaes' takes no first trials" cfo.txt ||
    fail "cmaes first message, source sharing no param: $(cat cfo.txt)"
grep -q "cf.yaml:7:1: key 'warm_start.first': sampler 'cmaes' takes no first trials" cf.txt ||
    fail "cmaes first message: $(cat cf.txt)"

# no name, null, no storage URL: errors of the file at the value (exit status 2; a study ''
# or 'null' was looked up in the storage, with status 1)
for v in '""' 'null' '{study: src, storage: ""}'; do
    sweep "warm_start: $v" > noname.yaml
    "$KNOB" run noname.yaml --storage "sqlite:///$T/src.db" --study nn --trials 1 2> nn.txt &&
        fail "warm_start: $v ran"
    expect_eq "$?" 2 "exit status of warm_start: $v"
    grep -Eq "noname.yaml:7:(13|35): key 'warm_start(.storage)?': expected a (study's name|storage URL), got (an empty string|null)" nn.txt ||
        fail "warm_start: $v: $(cat nn.txt)"
done

# the key beside a sampler option it sets: refused at the key (the key's source was read, the
# option's left without a word; with a source sharing nothing, the option's alone)
sweep "warm_start: src" | sed 's/sampler: .*/sampler: {name: tpe, options: {warm_start_study: other}}/' > both.yaml
"$KNOB" run both.yaml --storage "sqlite:///$T/src.db" --study both --trials 1 2> both.txt &&
    fail "the key and warm_start_study both"
grep -q "both.yaml:7:1: key 'warm_start': the sampler's option 'warm_start_study' is set too" both.txt ||
    fail "the key and the option: $(cat both.txt)"
# warm_start_first (or warm_start_storage) beside the key: the same, not "set without
# 'warm_start_study'" at the sampler's line, which the key gives
for opt in 'warm_start_first: 1' "warm_start_storage: 'sqlite:///$T/src.db'"; do
    sweep "warm_start: src" | sed "s|sampler: .*|sampler: {name: gp, options: {$opt}}|" > first.yaml
    "$KNOB" run first.yaml --storage "sqlite:///$T/src.db" --study first --trials 1 2> first.txt &&
        fail "the key and $opt both"
    grep -q "first.yaml:7:1: key 'warm_start': the sampler's option '${opt%%:*}' is set too" first.txt ||
        fail "the key and $opt: $(cat first.txt)"
done

# samplers without a warm start
{ sweep "warm_start: src" | sed 's/sampler: .*/sampler: random/'; } > rnd.yaml
if "$KNOB" run rnd.yaml --storage "sqlite:///$T/b.db" --trials 1 2> r.txt; then fail "random warm"; fi
grep -q "rnd.yaml:7:1: key 'warm_start': sampler 'random' takes no warm start" r.txt ||
    fail "random message: $(cat r.txt)"
{ sweep "warm_start: src" | sed 's/sampler: .*/method: random/'; } > meth.yaml
"$KNOB" run meth.yaml --storage "sqlite:///$T/src.db" --trials 1 2> r2.txt && fail "method random warm"
expect_eq "$?" 2 "exit status of method random with warm_start"
grep -q "meth.yaml:7:1: key 'warm_start': sampler 'random' (chosen by method random) takes no warm start" r2.txt ||
    fail "method message: $(cat r2.txt)"
# the message names every sampler that takes one (it said "(cmaes, ...)")
grep -q "name one that does with the key 'sampler' (tpe, cmaes, gp, smac, auto)" r2.txt ||
    fail "method message's samplers: $(cat r2.txt)"
# refused as a sweep-file error before the source is looked for (it said the study was missing)
{ sweep "warm_start: nope" | sed 's/sampler: .*/method: random/'; } > meth_nope.yaml
"$KNOB" run meth_nope.yaml --storage "sqlite:///$T/src.db" --trials 1 2> r3.txt && fail "method random, missing source"
expect_eq "$?" 2 "exit status of method random with a missing warm_start study"
grep -q "meth_nope.yaml:7:1: key 'warm_start': sampler 'random' (chosen by method random) takes no warm start" r3.txt ||
    fail "method message, missing source: $(cat r3.txt)"

# a param the source searched as a normal number (held as its quantile) or by its reciprocal
# (inv_log_uniform_values) and this sweep otherwise: refused at the key (the quantile 0.49 of
# the source's best x = 0.698 was run as x = 0.49); the same distribution in both is read
printf 'program: %s\nmethod: random\nmetric: {name: loss}\nparameters:\n  x: {distribution: normal, mu: 4, sigma: 0.5}\n  y: {distribution: inv_log_uniform_values, min: 1, max: 5}\n' \
    "$PROGS/quad.sh" > conv.yaml
CX=4 CY=4 "$KNOB" run conv.yaml --storage "sqlite:///$T/conv.db" --study conv --trials 8 --seed 1 > /dev/null ||
    fail "the converted source's run"
conv_sweep() { # x y
    printf 'program: %s\nsampler: tpe\nmetric: {name: loss}\nwarm_start: {study: conv, storage: sqlite:///%s/conv.db, first: 1}\nparameters:\n  x: %s\n  y: %s\n' \
        "$PROGS/quad.sh" "$T" "$1" "$2"
}
conv_sweep '{min: 0.0, max: 5.0}' '{distribution: inv_log_uniform_values, min: 1, max: 5}' > conv1.yaml
"$KNOB" run conv1.yaml --storage "sqlite:///$T/b.db" --study cv1 --trials 1 > /dev/null 2> cv1.txt &&
    fail "a normal source param read as a range"
grep -q "conv1.yaml:4:1: key 'warm_start': param 'x' is normal (mu 4, sigma 0.5) in study 'conv' and a range here; knob holds the source's 'x' as its quantile" cv1.txt ||
    fail "normal against a range: $(cat cv1.txt)"
conv_sweep '{distribution: normal, mu: 4, sigma: 0.5}' '{min: 1.0, max: 5.0}' > conv2.yaml
"$KNOB" run conv2.yaml --storage "sqlite:///$T/b.db" --study cv2 --trials 1 > /dev/null 2> cv2.txt &&
    fail "a reciprocal source param read as a range"
grep -q "param 'y' is inv_log_uniform_values in study 'conv' and a range here; knob holds the source's 'y' as its reciprocal" cv2.txt ||
    fail "inv_log against a range: $(cat cv2.txt)"
# two normal laws, or two sets of weighted values: what differs is said, there and here ("is
# normal in study 'conv' and normal here" read as a match)
conv_sweep '{distribution: normal, mu: 4, sigma: 1}' '{distribution: inv_log_uniform_values, min: 1, max: 5}' > conv4.yaml
"$KNOB" run conv4.yaml --storage "sqlite:///$T/b.db" --study cv4 --trials 1 > /dev/null 2> cv4.txt &&
    fail "a normal source param read under another sigma"
grep -q "conv4.yaml:4:1: key 'warm_start': param 'x' is normal (mu 4, sigma 0.5) in study 'conv' and normal (mu 4, sigma 1) here;" cv4.txt ||
    fail "normal against another normal: $(cat cv4.txt)"
printf 'program: %s\nmethod: random\nmetric: {name: loss}\nparameters:\n  x: {min: 0.0, max: 1.0}\n  o: {values: [a, b], probabilities: [0.25, 0.75]}\n' \
    "$PROGS/quad.sh" > wsrc.yaml
"$KNOB" run wsrc.yaml --storage "sqlite:///$T/wsrc.db" --study wsrc --trials 2 > /dev/null ||
    fail "the weighted source's run"
sed -e 's/method: random/sampler: tpe\nwarm_start: wsrc/' -e 's/0.25, 0.75/0.5, 0.5/' wsrc.yaml > w2.yaml
"$KNOB" run w2.yaml --storage "sqlite:///$T/wsrc.db" --study w2 --trials 1 > /dev/null 2> w2.txt &&
    fail "weighted values read under other probabilities"
grep -qF "param 'o' is values [\"a\", \"b\"] with probabilities [0.25, 0.75] in study 'wsrc' and values [\"a\", \"b\"] with probabilities [0.5, 0.5] here;" w2.txt ||
    fail "weighted values against other weights: $(cat w2.txt)"
conv_sweep '{distribution: normal, mu: 4, sigma: 0.5}' '{distribution: inv_log_uniform_values, min: 1, max: 9}' > conv3.yaml
CX=4 CY=4 "$KNOB" run conv3.yaml --storage "sqlite:///$T/b.db" --study cv3 --trials 1 > /dev/null 2> cv3.txt ||
    fail "the same forms: $(cat cv3.txt)"
# its first trial is the source's best, as the program got it
best=$("$KNOB" best conv --storage "sqlite:///$T/conv.db" --json | py 'd["params"]')
expect_eq "$("$KNOB" trials cv3 --storage "sqlite:///$T/b.db" --format json | py 'd[0]["params"]')" "$best" \
    "the warm first trial"

# a source without a stored sweep (made by Python or C: its values are the program's) and a
# sweep that holds x as a quantile: refused at the key, naming x (the source's x = 0.25 ran
# as the quantile 0.25 of the normal, -0.674); a plain x reads it as it is
printf 'program: %s\nmethod: random\nmetric: {name: loss}\nparameters:\n  x: {min: 0.0, max: 1.0}\n' \
    "$PROGS/quad.sh" > bare.yaml
"$KNOB" run bare.yaml --storage "sqlite:///$T/bare.db" --study bare --trials 3 --seed 1 > /dev/null ||
    fail "the source without a sweep's run"
sqlite3 "$T/bare.db" "DELETE FROM study_attrs WHERE system = 1 AND key IN ('sweep', 'program_distributions')"
bare_sweep() { # x warm-start-line
    printf 'program: %s\nsampler: gp\nmetric: {name: loss}\nparameters:\n  x: %s\n%s\n' \
        "$PROGS/quad.sh" "$1" "$2"
}
bare_sweep '{distribution: normal, mu: 0, sigma: 1}' "warm_start: {study: bare, storage: sqlite:///$T/bare.db, first: 1}" > bare1.yaml
"$KNOB" run bare1.yaml --storage "sqlite:///$T/b.db" --study bw1 --trials 1 > /dev/null 2> bw1.txt &&
    fail "a source without a sweep read as quantiles"
grep -q "bare1.yaml:6:1: key 'warm_start': param 'x' is normal here, and study 'bare' has no stored sweep" bw1.txt ||
    fail "a source without a sweep, by the key: $(cat bw1.txt)"
bare_sweep '{distribution: normal, mu: 0, sigma: 1}' "sampler: {name: gp, options: {warm_start_study: bare, warm_start_storage: sqlite:///$T/bare.db}}" |
    grep -v '^sampler: gp$' > bare2.yaml
"$KNOB" run bare2.yaml --storage "sqlite:///$T/b.db" --study bw2 --trials 1 > /dev/null 2> bw2.txt &&
    fail "a source without a sweep read as quantiles, by the option"
grep -q "key 'sampler.options.warm_start_study': param 'x' is normal here, and study 'bare' has no stored sweep" bw2.txt ||
    fail "a source without a sweep, by the option: $(cat bw2.txt)"
bare_sweep '{min: 0.0, max: 1.0}' "warm_start: {study: bare, storage: sqlite:///$T/bare.db, first: 1}" > bare3.yaml
"$KNOB" run bare3.yaml --storage "sqlite:///$T/b.db" --study bw3 --trials 1 > /dev/null 2> bw3.txt ||
    fail "a source without a sweep, a plain x: $(cat bw3.txt)"
# knob run stores which params its sweep holds otherwise, for a study of Python or C to refuse
expect_eq "$(sqlite3 "$T/conv.db" "SELECT json FROM study_attrs WHERE system = 1 AND key = 'program_distributions'" |
    py '{k: v["as"] for k, v in d.items()}')" \
    '{"x": "quantile", "y": "reciprocal"}' "the params a sweep holds otherwise"

# a PostgreSQL source where nothing listens: an error at the key naming the server, at once
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
sweep "warm_start: {study: src, storage: postgresql://knob:s3cret@127.0.0.1:$PORT/knob}" > down.yaml
"$KNOB" run down.yaml --storage "sqlite:///$T/b.db" --study dn --trials 1 > /dev/null 2> dn.txt &&
    fail "a source on a server that is down ran"
grep -q "down.yaml:7:1: key 'warm_start': study 'src' in postgresql://knob@127.0.0.1:$PORT/knob: .*Connection refused" dn.txt ||
    fail "server down message: $(cat dn.txt)"
grep -q s3cret dn.txt && fail "the password is shown: $(cat dn.txt)"

# SQLite -> PostgreSQL, then PostgreSQL -> SQLite
if [ -n "${KNOB_TEST_PG_URL:-}" ]; then
    schema="warm_$$_$(date +%s)"
    psql "$KNOB_TEST_PG_URL" -qc "CREATE SCHEMA $schema" || fail "cannot create a schema"
    PG="$KNOB_TEST_PG_URL?options=-csearch_path%3D$schema"
    sweep "warm_start: {study: src, storage: sqlite:///$T/src.db}" > to_pg.yaml
    CX=4 CY=4 "$KNOB" run to_pg.yaml --storage "$PG" --study src --trials 7 --seed 2 > pg.txt 2>&1 ||
        fail "SQLite -> PostgreSQL: $(cat pg.txt)"
    warm=$(first_gen_mean_x src "$PG")
    python3 -c "assert $warm > 2.5, $warm" || fail "SQLite -> PostgreSQL: first generation's mean x $warm"
    expect_eq "$("$KNOB" trials src --storage "$PG" --format json | py 'len(d)')" 7 "PostgreSQL trials"
    sweep "warm_start: {study: src, storage: '$PG'}" > from_pg.yaml
    CX=4 CY=4 "$KNOB" run from_pg.yaml --storage "sqlite:///$T/b.db" --study from_pg --trials 7 \
        --seed 2 > fp.txt 2>&1 || fail "PostgreSQL -> SQLite: $(cat fp.txt)"
    warm=$(first_gen_mean_x from_pg "sqlite:///$T/b.db")
    python3 -c "assert $warm > 2.5, $warm" || fail "PostgreSQL -> SQLite: first generation's mean x $warm"
    # the study itself, on the server too
    "$KNOB" run from_pg.yaml --storage "$PG" --study src --trials 1 > /dev/null 2> ps.txt &&
        fail "a PostgreSQL study warm-started from itself ran"
    grep -q "from_pg.yaml:7:1: key 'warm_start': study 'src' in postgresql://.* is this study itself" ps.txt ||
        fail "PostgreSQL self message: $(cat ps.txt)"
    # the study itself by another spelling of its URL (scheme, host, an option): the text
    # differs, the database is the same, and its trials counted twice
    PG2=$(printf '%s' "$PG" | sed -e 's|^postgresql://|postgres://|' -e 's|@127\.0\.0\.1|@LOCAL|' \
        -e 's|@localhost|@127.0.0.1|' -e 's|@LOCAL|@localhost|')
    sweep "warm_start: {study: src, storage: '$PG2&sslmode=disable'}" > spelt.yaml
    "$KNOB" run spelt.yaml --storage "$PG" --study src --trials 1 > /dev/null 2> sp.txt &&
        fail "a PostgreSQL study warm-started from itself by another URL ran"
    grep -q "is this study itself" sp.txt || fail "PostgreSQL self by another URL: $(cat sp.txt)"
    # a new study from itself, the scheme spelt otherwise: the CLI's check is the library's
    # (it compared the URLs' text, and the study, not made yet, was "no study named 'fresh'")
    PG3=$(printf '%s' "$PG" | sed 's|^postgresql://|postgres://|')
    sweep "warm_start: {study: fresh, storage: '$PG3'}" > fresh.yaml
    "$KNOB" run fresh.yaml --storage "$PG" --study fresh --trials 1 > /dev/null 2> fr.txt &&
        fail "a new PostgreSQL study warm-started from itself ran"
    grep -q "fresh.yaml:7:1: key 'warm_start': study 'fresh' in postgres://.* is this study itself" fr.txt ||
        fail "PostgreSQL self, new study, scheme spelt otherwise: $(cat fr.txt)"
    expect_eq "$("$KNOB" trials src --storage "$PG" --format json | py 'len(d)')" 7 "trials after self"
    # a missing study there: named with its storage, the password left out
    sed 's/{study: src,/{study: nope,/' from_pg.yaml > pg_nope.yaml
    "$KNOB" run pg_nope.yaml --storage "sqlite:///$T/b.db" --study pn --trials 1 2> pn.txt &&
        fail "a missing PostgreSQL source ran"
    grep -q "pg_nope.yaml:7:1: key 'warm_start': study 'nope' in postgresql://.*no study named 'nope'" pn.txt ||
        fail "missing PostgreSQL source: $(cat pn.txt)"
    PGOPTIONS="-c client_min_messages=warning" psql "$KNOB_TEST_PG_URL" -qc "DROP SCHEMA $schema CASCADE"
    echo ok
else
    skip "SQLite cases passed; KNOB_TEST_PG_URL is not set for the PostgreSQL cases"
fi
