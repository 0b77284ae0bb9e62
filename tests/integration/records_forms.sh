#!/usr/bin/env bash
# Near-misses of the record forms: a Python dict's repr (Hugging Face's Trainer prints its
# logs so; NumPy 2's scalars in it, Python's \x escapes), a line in ANSI colours, a UTF-8
# byte order mark before the first line are read as records. A JSON null (Python's None) is
# "not measured this step": no record, no NaN, no step counted; a metric only ever null fails
# saying so. A line that names the metric but gives no value of it is named in the failure,
# and the last of a key's values that are no number is the one named.
source "$(dirname "$0")/lib.bash"
mkdir lines
printf '%s\n' "{'eval_loss': 0.25, 'eval_runtime': 1.2, 'epoch': 1.0, 'tag': \"it's\", 'q': 'say \\'hi\\'\"', 'x': None}" \
    > lines/0
printf '\033[32mloss=0.2\033[0m\n\033[1;31mloss: 0.15\033[0m\n' > lines/1
printf '\357\273\277loss=0.3\n' > lines/2
printf '\357\273\277{"loss": 0.4}\n' > lines/3
printf '{"loss": null}\n{"loss": 0.5}\n{"step": 7, "loss": null}\n{"loss": 0.45}\n' > lines/4
printf '{"step": 0, "loss": null}\n' > lines/5
printf 'Loss 0.25 (train)\n' > lines/6
printf 'loss=0.9x loss=0.1x\n' > lines/7
printf "%s\n" "{'loss': 0.125, 'lr': 1e-05, 'up': True, 'down': -inf}" > lines/8
# as NumPy 2 prints its scalars in a dict, and Python's escapes of other characters
printf "%s\n" "{'tag': 'caf\\xe9 \\x1b \\U0001f600', 'loss': np.float64(0.0625), 'step': np.int64(3), 'ok': np.True_, 'lr': numpy.float32(0.001)}" > lines/9
cat > sweep.yaml <<YAML
command: ["/bin/sh", "-c", "cat $T/lines/\$KNOB_TRIAL_NUMBER"]
method: grid
metric: {name: loss}
parameters:
  x: {values: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]}
YAML
sed -e 's/name: loss/name: eval_loss/' -e 's/\$KNOB_TRIAL_NUMBER/0/' -e 's/\[0, 1.*\]/[0]/' \
    sweep.yaml > hf.yaml
"$KNOB" run sweep.yaml --storage "sqlite:///$T/s.db" --study f --max-initial-failures 0 \
    > out.txt 2>&1 || fail "run: $(cat out.txt)"
"$KNOB" run hf.yaml --storage "sqlite:///$T/s.db" --study hf > hf.txt 2>&1 || fail "run: $(cat hf.txt)"
"$KNOB" trials f --storage "sqlite:///$T/s.db" --format json > t.json
"$KNOB" trials hf --storage "sqlite:///$T/s.db" --format json > hf.json
expect_eq "$(py '[d[0]["state"], d[0]["values"], d[0]["intermediate"]]' < hf.json)" \
    '["complete", [0.25], {"1": 0.25}]' "a Python dict's repr"
python3 - "$T" <<'PY' || fail "records: $(cat $T/t.json)"
import json, sys
d = {t["number"]: t for t in json.load(open(sys.argv[1] + "/t.json"))}
r = lambda n: d[n]["system_attrs"].get("fail_reason", "")
def ok(n, value, inter):
    t = d[n]
    assert (t["state"], t["values"], t["intermediate"]) == ("complete", [value], inter), t
ok(1, 0.15, {"0": 0.2, "1": 0.15})  # colours
ok(2, 0.3, {"0": 0.3})  # a byte order mark
ok(3, 0.4, {"0": 0.4})
ok(4, 0.45, {"0": 0.5, "1": 0.45})  # null counts no step
ok(8, 0.125, {"0": 0.125})
ok(9, 0.0625, {"3": 0.0625})  # its step 3; NumPy's scalars, \x escapes
assert d[5]["state"] == "fail", d[5]
assert r(5).startswith("no metric 'loss' in stdout: its value was null (not measured)"), r(5)
assert d[6]["state"] == "fail", d[6]
assert r(6).startswith("no metric 'loss' in stdout: a line names it but gives no value of it: "
                       '"Loss 0.25 (train)"'), r(6)
assert r(7).startswith("no metric 'loss' in stdout: its value '0.1x' is not a number"), r(7)
PY
echo ok
