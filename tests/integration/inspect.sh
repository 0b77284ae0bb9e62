#!/usr/bin/env bash
# studies, trials (table, csv, json), best, enqueue, delete.
source "$(dirname "$0")/lib.bash"
cat > sweep.yaml <<YAML
program: $PROGS/curve.py
metric: {name: loss, goal: minimize}
method: random
parameters:
  lr: {distribution: log_uniform_values, min: 0.001, max: 0.1}
  epochs: {values: [2, 3]}
YAML
S="--storage sqlite:///$T/s.db"
"$KNOB" run sweep.yaml $S --trials 3 --study insp > /dev/null
"$KNOB" enqueue insp lr=0.01 epochs=3 $S | grep -q "enqueued" || fail "enqueue"
"$KNOB" run sweep.yaml $S --trials 1 --study insp > /dev/null
"$KNOB" trials insp $S --format json > t.json
expect_eq "$(py 'd[3]["params"]' < t.json)" '{"lr": 0.01, "epochs": 3}' "the enqueued params ran"
expect_eq "$(py 'd[3]["values"][0]' < t.json)" "0.3333333333333333" "value of the enqueued trial"
"$KNOB" trials insp $S > table.txt
grep -q "NUMBER  STATE" table.txt && [ "$(wc -l < table.txt)" = 5 ] || fail "table: $(cat table.txt)"
"$KNOB" trials insp $S --format csv | python3 -c "import csv,sys; r=list(csv.DictReader(sys.stdin)); assert len(r)==4 and r[3]['state']=='complete', r" || fail "csv"
# CSV is read back by programs: values as exact as JSON's, duration_s a number of seconds
"$KNOB" trials insp $S --format csv > t.csv
python3 - t.csv t.json <<'PY' || fail "csv values and durations: $(cat t.csv)"
import csv, json, sys
rows, js = list(csv.DictReader(open(sys.argv[1]))), json.load(open(sys.argv[2]))
for r, t in zip(rows, js):
    assert [float(v) for v in r["values"].split(";")] == t["values"], (r, t["values"])
    assert abs(float(r["duration_s"]) - (t["end"] - t["start"])) < 1e-3, (r, t["start"], t["end"])
PY
"$KNOB" best insp $S --json | py 'd["number"]' | grep -q 3 || fail "best --json"
"$KNOB" best insp $S | grep -q "trial 3: value 0.3333" || fail "best"
"$KNOB" studies $S | grep -q "^insp " || fail "studies"
# a name longer than the column's 24 characters widens it: the rows stay aligned (the long
# one pushed its row's cells out of line)
"$KNOB" run sweep.yaml --storage "sqlite:///$T/wide.db" --trials 0 --study a_study_name_of_forty_characters_long_x > /dev/null
"$KNOB" run sweep.yaml --storage "sqlite:///$T/wide.db" --trials 0 --study short > /dev/null
"$KNOB" studies --storage "sqlite:///$T/wide.db" > wide.txt
[ "$(awk '{ print index($0, "minimize") }' wide.txt | tail -n +2 | sort -u | wc -l)" = 1 ] ||
    fail "studies: the rows are not aligned: $(cat wide.txt)"
[ "$(awk 'NR == 1 { print index($0, "DIRECTIONS") } NR == 2 { print index($0, "minimize") }' wide.txt | sort -u | wc -l)" = 1 ] ||
    fail "studies: the header is not aligned with the rows: $(cat wide.txt)"
"$KNOB" trials insp $S --json | py 'len(d)' | grep -qx 4 || fail "trials --json"
"$KNOB" studies $S --json | py 'd[0]["n_trials"]' | grep -q 4 || fail "studies --json"
# SQLAlchemy's query on the URL: the same file, its timeout taken; another parameter refused
"$KNOB" studies --storage "sqlite:///$T/s.db?timeout=10" | grep -q "^insp " || fail "studies ?timeout=10"
if "$KNOB" studies --storage "sqlite:///$T/s.db?mode=ro" 2> err.txt; then fail "?mode=ro taken"; fi
grep -q "unknown query parameter 'mode'" err.txt || fail "?mode=ro: $(cat err.txt)"
# a format knob trials does not have, or --json beside another --format: refused, named
# (csv won over --json, silently)
for c in "--format xml" "--format csv --json" "--json --format table"; do
    set +e
    "$KNOB" trials insp $c $S > out.txt 2> err.txt
    status=$?
    set -e
    expect_eq "$status" 2 "'knob trials insp $c' ($(cat err.txt))"
    [ ! -s out.txt ] || fail "knob trials insp $c printed: $(cat out.txt)"
    grep -qE "^knob trials: (unknown format 'xml' \(table, csv or json\)|--json and --format (csv|table) ask for two formats)$" err.txt ||
        fail "knob trials insp $c: $(cat err.txt)"
done
"$KNOB" trials insp $S --format json --json | py 'len(d)' | grep -qx 4 || fail "--format json --json"
"$KNOB" delete insp $S | grep -q "deleted" || fail "delete"
if "$KNOB" trials insp $S 2> err.txt; then fail "deleted study still listed"; fi
grep -q "^knob: sqlite storage '.*s.db': no study named 'insp'$" err.txt ||
    fail "missing-study error: $(cat err.txt)"
"$KNOB" samplers > samplers.txt
grep -q "^  random" samplers.txt && grep -q "^  hyperband" samplers.txt || fail "samplers"
grep -q "seed" samplers.txt || fail "samplers: options"
"$KNOB" --help > help.txt
grep -q "run SWEEP" help.txt || fail "help"
"$KNOB" --version | grep -q "^knob [0-9]" || fail "version"
# A command that only reads or changes existing studies, on a SQLite file that does not
# exist (a mistyped path, the wrong directory, the default knob.db elsewhere): exit 1
# naming the file, and no empty database left behind (each made one before)
mkdir -p elsewhere
for c in "studies" "trials insp" "best insp" "delete insp" "tell insp 0 1" "enqueue insp x=1" \
    "importance insp" "worker --study insp"; do
    set +e
    (cd elsewhere && "$KNOB" $c > ../out.txt 2> ../err.txt)
    status=$?
    set -e
    expect_eq "$status" 1 "'knob $c' without knob.db ($(cat err.txt))"
    grep -q "no file 'knob.db' in .*/elsewhere (knob run creates it)" err.txt || fail "knob $c: $(cat err.txt)"
    [ -z "$(ls -A elsewhere)" ] || fail "knob $c created $(ls -A elsewhere)"
done
# a file in a directory that does not exist: said so (knob run does not create the directory)
set +e
"$KNOB" trials s --storage sqlite:///nodir/x.db > /dev/null 2> err.txt
set -e
grep -qF "no file 'nodir/x.db' in $PWD (its directory does not exist)" err.txt ||
    fail "a file in a missing directory: $(cat err.txt)"
# an option of another command is refused, naming it (it was ignored: best --state fail)
for c in "best insp --state fail" "studies --seed 3" "trials insp --sweep x.yaml" \
    "delete insp --json" "enqueue insp x=1 --constraints 1" "samplers --storage memory:" \
    "tell insp 0 1 --seed=2" "ask insp --sweep sweep.yaml --format json"; do
    set +e
    "$KNOB" $c $S > /dev/null 2> err.txt
    status=$?
    set -e
    expect_eq "$status" 2 "'knob $c' ($(cat err.txt))"
    grep -q "knob: option '--[a-z]*[=0-9]*' is not one of this command's" err.txt || fail "knob $c: $(cat err.txt)"
done
for c in run ask tell studies trials best delete enqueue samplers worker; do
    "$KNOB" $c --help > h.txt || fail "$c --help failed"
    grep -q "$c" h.txt || fail "$c --help: $(cat h.txt)"
done
echo ok
