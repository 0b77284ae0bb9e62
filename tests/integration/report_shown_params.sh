#!/usr/bin/env bash
# The report's shown params (trials.g: what the program got where the page's params, the
# library's, do not say it) byte for byte as knob wrote them before they were read from the
# stored text in place (src/cli/web_data.c, shown_json): every kind of param, params the
# sweep converts (a weighted choice, a normal param, inv_log_uniform_values), conditional and
# nested params, big integers, an enqueued trial not run yet; and a sweep whose params the
# library holds as they are, where only the trials with a big integer choice are shown.
# Big integers are written in full (12345678901234567890, not 1.2345678901234567e+19).
source "$(dirname "$0")/lib.bash"
db="sqlite:///$T/s.db"
cat > s.yaml <<YAML
program: $PROGS/echo_params.py
method: random
metric: {name: score, goal: maximize}
parameters:
  score: {min: 0.0, max: 1.0}
  opt: {values: [adam, sgd]}
  flag: {values: [true, false]}
  layers: {min: 1, max: 4}
  big: {values: [9007199254740993, 12345678901234567890, 3]}
  wide: {min: 0, max: 9000000000000000}
  lr: {distribution: log_uniform_values, min: 0.0001, max: 0.1}
  inv: {distribution: inv_log_uniform_values, min: 0.01, max: 1}
  q: {distribution: q_uniform, min: 0, max: 10, q: 0.5}
  p: {values: [red, green, blue], probabilities: [0.2, 0.5, 0.3]}
  n: {distribution: normal, mu: 5, sigma: 2}
  momentum: {values: [0.9, 0.99], when: {opt: sgd}}
  net:
    parameters:
      width: {values: [16, 32]}
YAML
"$KNOB" run s.yaml --storage "$db" --study s --trials 6 --seed 3 > run.txt 2>&1 || fail "run: $(cat run.txt)"
"$KNOB" enqueue s opt=sgd layers=3 lr=0.01 inv=0.04 p=blue n=6.5 momentum=0.99 net.width=32 \
    big=12345678901234567890 flag=true --storage "$db" > enq.txt || fail "enqueue"
cat > plain.yaml <<YAML
program: $PROGS/echo_params.py
method: random
metric: {name: score, goal: maximize}
parameters:
  score: {min: 0.0, max: 1.0}
  k: {values: [a, b]}
  big: {values: [9007199254740993, 12345678901234567890, 3]}
  wide: {min: 0, max: 9000000000000000}
  momentum: {values: [0.9, 0.99], when: {k: b}}
  net:
    parameters:
      width: {values: [16, 32]}
YAML
"$KNOB" run plain.yaml --storage "$db" --study plain --trials 4 --seed 5 > run2.txt 2>&1 ||
    fail "run: $(cat run2.txt)"

# shown STUDY: trials.g of the report's data, as its bytes stand in the page
shown() {
    "$KNOB" report "$1" --storage "$db" -o - 2> err.txt > page.html || {
        grep -q "no page" err.txt && skip "this knob was built without its page: $(cat err.txt)"
        fail "report: $(cat err.txt)"
    }
    python3 - page.html <<'PY'
import re, sys
t = re.search(r'<script id="knob-data"[^>]*>(.*?)</script>', open(sys.argv[1]).read(), re.S).group(1)
i = t.index('"g":{')
depth, quoted, j = 0, False, i + 4
while True:
    c = t[j]
    if quoted:
        if c == "\\":
            j += 1
        elif c == '"':
            quoted = False
    elif c == '"':
        quoted = True
    elif c == "{":
        depth += 1
    elif c == "}":
        depth -= 1
        if depth == 0:
            break
    j += 1
print(t[i:j + 1])
PY
}
expect_eq "$(shown s)" '"g":{"0":{"score":0.8916904102760074,"opt":"adam","flag":true,"layers":4,"big":3,"wide":5239873188291553,"lr":0.006128226103690144,"inv":0.014199282745562756,"q":4,"p":"green","n":3.49472993925808,"net.width":16},"1":{"score":0.005450938784651749,"opt":"sgd","flag":true,"layers":1,"big":3,"wide":782647146674480,"lr":0.0779029084774775,"inv":0.06178462979287579,"q":3,"p":"blue","n":6.05712741176203,"momentum":0.99,"net.width":16},"2":{"score":0.09645477324136009,"opt":"sgd","flag":true,"layers":3,"big":9007199254740993,"wide":3841501820477131,"lr":0.00011616005190118912,"inv":0.02839722104492302,"q":9.5,"p":"green","n":6.4768868501561,"momentum":0.9,"net.width":32},"3":{"score":0.3153984966831491,"opt":"adam","flag":true,"layers":3,"big":9007199254740993,"wide":4072680686199492,"lr":0.023948038433783986,"inv":0.012268831527836246,"q":9.5,"p":"green","n":5.34762978694128,"net.width":16},"4":{"score":0.48824481907008543,"opt":"sgd","flag":true,"layers":2,"big":12345678901234567890,"wide":7908655277270689,"lr":0.014792385093643884,"inv":0.012877948692581258,"q":3.5,"p":"blue","n":4.34126479312242,"momentum":0.9,"net.width":16},"5":{"score":0.768680100882771,"opt":"sgd","flag":false,"layers":3,"big":9007199254740993,"wide":7657574059627887,"lr":0.012745679607850833,"inv":0.04134699224090825,"q":6,"p":"red","n":6.54698459250326,"momentum":0.9,"net.width":16},"6":{"opt":"sgd","flag":true,"layers":3,"big":12345678901234567890,"lr":0.01,"inv":0.04,"p":"blue","n":6.5,"momentum":0.99,"net.width":32}}' \
    "the shown params of a sweep with converted params"
expect_eq "$(shown plain)" '"g":{"1":{"score":0.19665731990239232,"k":"b","big":9007199254740993,"wide":1234995759082066,"momentum":0.9,"net.width":32},"3":{"score":0.9296348615775488,"k":"a","big":12345678901234567890,"wide":546203512382495,"net.width":32}}' "the shown params of a sweep without converted params"
# The params knob trials shows as whole floats (q's 4.0, where the page's number is 4), by
# position: trials.wf (the table showed 4)
"$KNOB" report s --storage "$db" -o - 2> err.txt | report_data > data.json || fail "report: $(cat err.txt)"
expect_eq "$(py 'json.dumps(d["trials"]["wf"], sort_keys=True)' < data.json)" \
    '{"0": ["q"], "1": ["q"], "5": ["q"]}' "the whole floats of s"
expect_eq "$("$KNOB" trials s --storage "$db" --format json | py '[t["params"].get("q") for t in d]')" \
    "[4.0, 3.0, 9.5, 9.5, 3.5, 6.0, null]" "q as knob trials shows it"
"$KNOB" report plain --storage "$db" -o - 2> err.txt | report_data > data.json || fail "report: $(cat err.txt)"
expect_eq "$(py 'd["trials"]["wf"]' < data.json)" "{}" "the whole floats of plain"

# A param whose kind a sweep edit changed between runs (values: then min/max, and back): the
# page's values are knob trials' (the numbers were read as indices into the first run's
# choices, n = 10 for n = 0, and a choice in a numeric column was left out)
kinds() { # study first-form second-form
    printf 'program: %s\nmethod: random\nmetric: {name: score, goal: maximize}\nparameters:\n  score: {min: 0.0, max: 1.0}\n  n: %s\n' \
        "$PROGS/echo_params.py" "$2" > k1.yaml
    printf 'program: %s\nmethod: random\nmetric: {name: score, goal: maximize}\nparameters:\n  score: {min: 0.0, max: 1.0}\n  n: %s\n' \
        "$PROGS/echo_params.py" "$3" > k2.yaml
    "$KNOB" run k1.yaml --storage "$db" --study "$1" --trials 3 --seed 1 > /dev/null 2>&1
    "$KNOB" run k2.yaml --storage "$db" --study "$1" --trials 4 --seed 1 > /dev/null 2>&1
    "$KNOB" report "$1" --storage "$db" -o - 2> err.txt | report_data > data.json || fail "report $1: $(cat err.txt)"
    # as web/src/model.js decodes a column: a categorical's index into its choices
    page=$(python3 -c 'import json, sys
d = json.load(sys.stdin)
k = [x["name"] for x in d["params"]].index("n")
q, col = d["params"][k], d["trials"]["p"][k]
print(json.dumps([q["choices"][x] if q["kind"] == "categorical" else x for x in col]))' < data.json)
    expect_eq "$page" "$("$KNOB" trials "$1" --storage "$db" --format json | py '[t["params"]["n"] for t in d]')" \
        "$1: the page's n against knob trials'"
}
kinds to_range '{values: [10, 20, 30]}' '{min: 0, max: 2}'
kinds to_words '{values: [a, 20, 30]}' '{min: 0, max: 2}'
kinds to_values '{min: 1, max: 8}' '{values: [1, 2, 3]}'

# A constant (W&B's value:) is sent once (constants) with the runs of trials that show it (kc);
# a trial the program ran with another value (the sweep edited since, or the param searched
# then) shows its own: epochs searched, then 10, then 20 (the page showed 20 for all, and 10
# over the searched values)
for v in '{values: [1, 2, 3]}' '{value: 10}' '{value: 20}'; do
    printf 'program: %s\nmethod: random\nmetric: {name: score, goal: maximize}\nparameters:\n  score: {min: 0.0, max: 1.0}\n  epochs: %s\n' \
        "$PROGS/echo_params.py" "$v" > kc.yaml
    "$KNOB" run kc.yaml --storage "$db" --study kc --trials 2 --seed 1 > /dev/null 2>&1
done
"$KNOB" report kc --storage "$db" -o - 2> err.txt | report_data > data.json || fail "report kc: $(cat err.txt)"
page=$(python3 -c 'import json, sys
d = json.load(sys.stdin)
T, names = d["trials"], [x["name"] for x in d["params"]]
out = []
for j in range(len(T["n"])):  # as web/src/model.js decode and shown()
    p = {}
    for q, col in zip(d["params"], T["p"]):
        if col[j] is not None:
            p[q["name"]] = q["choices"][col[j]] if q["kind"] == "categorical" else col[j]
    for c, runs in zip(d["constants"], T["kc"]):
        if any(runs[r] <= j < runs[r + 1] for r in range(0, len(runs), 2)) and c["name"] not in p:
            p[c["name"]] = c["value"]
    out.append(T["g"].get(str(j), p).get("epochs"))
print(json.dumps(out))' < data.json)
expect_eq "$page" "$("$KNOB" trials kc --storage "$db" --format json | py '[t["params"]["epochs"] for t in d]')" \
    "the page's epochs against knob trials'"
# ... a mapping and an integer beyond 2^53 too, compared by value (any mapping or number
# was taken for the new one)
for v in "18 9007199254740993" "34 9007199254740995"; do
    set -- $v
    printf 'program: %s\nmethod: random\nmetric: {name: score, goal: maximize}\nparameters:\n  score: {min: 0.0, max: 1.0}\n  model: {value: {name: resnet, depth: %s}}\n  big: {value: %s}\n' \
        "$PROGS/echo_params.py" "$1" "$2" > kj.yaml
    "$KNOB" run kj.yaml --storage "$db" --study kj --trials 2 --seed 1 > /dev/null 2>&1
done
"$KNOB" report kj --storage "$db" -o - 2> err.txt | report_data > data.json || fail "report kj: $(cat err.txt)"
page=$(python3 -c 'import json, sys
d = json.load(sys.stdin)
T = d["trials"]
out = []
for j in range(len(T["n"])):
    p = {}
    for c, runs in zip(d["constants"], T["kc"]):
        if any(runs[r] <= j < runs[r + 1] for r in range(0, len(runs), 2)):
            p[c["name"]] = c["value"]
    g = T["g"].get(str(j), p)
    model = g.get("model")
    out.append([json.loads(model) if isinstance(model, str) else model, g.get("big")])
print(json.dumps(out))' < data.json)
expect_eq "$page" "$("$KNOB" trials kj --storage "$db" --format json | py '[[t["params"]["model"], t["params"]["big"]] for t in d]')" \
    "the page's mapping and big integer constants against knob trials'"
echo ok
