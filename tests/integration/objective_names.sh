#!/usr/bin/env bash
# The objectives' names, as the sweep (or Python's set_metric_names) gives them, in knob best,
# knob trials and knob importance, as knob run's lines and the report say them: they showed
# bare values ("trial 3: value 0.899 18.73", a VALUE column of "0.5;0.2", "objective 1"), and
# --objective took an index only. The machine-readable forms keep what they had and add the
# names: JSON "named_values" and "objective_name", CSV columns values_NAME after the others.
source "$(dirname "$0")/lib.bash"
cat > s.yaml <<'YAML'
command: [/bin/sh, -c, 'x=${1#x=}; echo "acc=$x latency=$((x * x))"', sh, "${args_no_hyphens}"]
method: grid
objectives: [{name: acc, goal: maximize}, {name: latency, goal: minimize}]
parameters:
  x: {values: [1, 2, 3, 4]}
YAML
S="--storage sqlite:///$T/s.db"
"$KNOB" run s.yaml $S --study mo > run.txt 2> run.err || fail "run: $(cat run.txt run.err)"

"$KNOB" best mo $S > best.txt || fail "best: $(cat best.txt)"
expect_eq "$(grep '^trial' best.txt)" "trial 0: value acc=1 latency=1
trial 1: value acc=2 latency=4
trial 2: value acc=3 latency=9
trial 3: value acc=4 latency=16" "knob best's front"
"$KNOB" best mo $S --json > best.json
expect_eq "$(py '[d["values"], d["named_values"]]' < <(head -1 best.json))" \
    '[[1, 1], {"acc": 1, "latency": 1}]' "knob best --json: values, and by name"

"$KNOB" trials mo $S > table.txt
grep -qE '^NUMBER  STATE      acc;latency +DURATION  PARAMS$' table.txt || fail "the table's header: $(cat table.txt)"
grep -qE '^ +3  complete   4;16 ' table.txt || fail "the table's row: $(cat table.txt)"
"$KNOB" trials mo $S --format csv > t.csv
expect_eq "$(head -1 t.csv)" "number,state,values,duration_s,params,fail_reason,feasible,values_acc,values_latency" \
    "the CSV's header: its columns as they were, then one per objective"
python3 - "$T/t.csv" <<'PY' || fail "csv: $(cat t.csv)"
import csv, sys
r = list(csv.DictReader(open(sys.argv[1])))
assert [(x["values"], x["values_acc"], x["values_latency"]) for x in r] == \
    [("1;1", "1", "1"), ("2;4", "2", "4"), ("3;9", "3", "9"), ("4;16", "4", "16")], r
PY
"$KNOB" trials mo $S --format json > t.json
expect_eq "$(py '[[t["values"], t["named_values"]] for t in d][3]' < t.json)" \
    '[[4, 16], {"acc": 4, "latency": 16}]' "knob trials --format json"

# importance: the objective's name beside its number; --objective takes a name
"$KNOB" importance mo $S --objective 1 > imp1.txt 2> /dev/null
grep -qF "importance in study 'mo' (fanova, objective 1 'latency')" imp1.txt || fail "title: $(cat imp1.txt)"
"$KNOB" importance mo $S --objective latency > imp_name.txt 2> /dev/null || fail "--objective latency: $(cat imp_name.txt)"
expect_eq "$(cat imp_name.txt)" "$(cat imp1.txt)" "--objective latency is --objective 1"
"$KNOB" importance mo $S --objective latency --json > imp.json 2> /dev/null
expect_eq "$(py '[d["objective"], d["objective_name"]]' < imp.json)" '[1, "latency"]' "the JSON's objective"
rc=0
"$KNOB" importance mo $S --objective speed > /dev/null 2> err.txt || rc=$?
expect_eq "$rc" 2 "an unknown objective's exit status"
expect_eq "$(cat err.txt)" "knob: --objective 'speed': study 'mo' has no objective of that name (its objectives: 0 acc, 1 latency); give one of them, its number or 'pareto'" \
    "an unknown objective"

# a metric alone names the one objective in JSON and CSV; knob best's line and the table's
# header say its value as they always did, which scripts read
sed 's/^objectives: .*/metric: {name: acc, goal: maximize}/' s.yaml > one.yaml
"$KNOB" run one.yaml $S --study one > run.txt 2> run.err || fail "run one: $(cat run.txt run.err)"
expect_eq "$("$KNOB" best one $S | head -1)" "trial 3: value 4" "the best trial of one metric"
"$KNOB" trials one $S | head -1 | grep -qE '^NUMBER  STATE      VALUE +DURATION' || fail "one: $("$KNOB" trials one $S)"
expect_eq "$("$KNOB" best one $S --json | py 'd["named_values"]')" '{"acc": 4}' "one metric's named value"

# Python's set_metric_names (Optuna's study system attribute) wins over the sweep's, as on
# the web page; a study that names neither shows bare values, as before
cp "$T/s.db" "$T/py.db"
python3 - "$T/py.db" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
sid = c.execute("SELECT id FROM studies WHERE name = 'mo'").fetchone()[0]
c.execute("INSERT INTO study_attrs(study, system, key, json) VALUES (?, 1, 'study:metric_names', "
          "'[\"top1\", \"ms\"]')", (sid,))
sid = c.execute("SELECT id FROM studies WHERE name = 'one'").fetchone()[0]
c.execute("DELETE FROM study_attrs WHERE study = ? AND key = 'sweep'", (sid,))
c.commit()
PY
P="--storage sqlite:///$T/py.db"
expect_eq "$("$KNOB" best mo $P | head -1)" "trial 0: value top1=1 ms=1" "set_metric_names's names"
expect_eq "$("$KNOB" importance mo $P --objective ms --json 2> /dev/null | py 'd["objective_name"]')" ms \
    "--objective by set_metric_names's name"
expect_eq "$("$KNOB" best one $P | head -1)" "trial 3: value 4" "a study without names"
"$KNOB" trials one $P | head -1 | grep -qE '^NUMBER  STATE      VALUE +DURATION' || fail "unnamed: $("$KNOB" trials one $P)"
expect_eq "$("$KNOB" trials one $P --format csv | head -1)" "number,state,values,duration_s,params,fail_reason,feasible" \
    "the CSV of a study without names"
expect_eq "$("$KNOB" trials one $P --format json | py '"named_values" in d[0]')" False "the JSON without names"
rc=0
"$KNOB" importance one $P --objective acc > /dev/null 2> err.txt || rc=$?
expect_eq "$rc" 2 "a name for a study without names"
grep -qF "knob: --objective 'acc': study 'one' does not name its objectives" err.txt || fail "unnamed: $(cat err.txt)"
echo ok
