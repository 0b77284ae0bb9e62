#!/usr/bin/env bash
# A Python program's printed dict of metrics, as print() writes it when the values are not
# Python's own: NumPy 2's scalars, tuples, torch's tensors, calls and objects' reprs. The
# lines are the text print() gives (NumPy and torch need not be installed). The metric is
# read wherever a value of another key is no number; a metric that is a tensor (printed
# rounded, so not its value) fails the trial naming it, as loss=tensor(0.2500) does.
source "$(dirname "$0")/lib.bash"
cat > prog.py <<'PY'
import os
lines = [
    # print({'loss': np.float64(0.25), 'shape': x.shape, ...}): a tuple, a tuple of one
    "{'loss': np.float64(0.25), 'epoch': np.int64(2), 'shape': (3, 4), 'one': (5,), 'none': ()}",
    # torch: a tensor other than the metric, an optimizer, a function
    "{'loss': np.float32(0.5), 'grad': tensor(1.5000, grad_fn=<AddBackward0>), "
    "'opt': <torch.optim.adam.Adam object at 0x7f3a2c1d0e50>, 'f': <function <lambda> at 0x7f>}",
    "{'loss': 0.125, 'when': datetime.datetime(2024, 1, 1, 0, 0), 'w': array([1., 2.]), "
    "'tag': 'it\\'s (a) <b> \\x00', 'n': Decimal('3')}",
    # the metric itself a tensor: its text is rounded, so it is named, not read
    "{'loss': tensor(0.2500, device='cuda:0')}",
    # a NumPy scalar beside a nested tuple of NumPy scalars, steps from the epoch
    "{'loss': np.float64(0.75), 'epoch': 4, 'pair': (np.float64(1.0), (np.int64(2),))}",
    # still no record: a bare name, an unclosed call
    "{'loss': 0.5, 'act': relu}",
    "{'loss': 0.5, 'w': array([1, 2]}",
]
print(lines[int(os.environ["KNOB_TRIAL_NUMBER"])])
PY
cat > sweep.yaml <<YAML
command: ["python3", "$T/prog.py"]
method: grid
metric: {name: loss}
parameters:
  x: {values: [0, 1, 2, 3, 4, 5, 6]}
YAML
"$KNOB" run sweep.yaml --storage "sqlite:///$T/s.db" --study p --max-initial-failures 0 \
    > out.txt 2>&1 || fail "run: $(cat out.txt)"
"$KNOB" trials p --storage "sqlite:///$T/s.db" --format json > t.json
python3 - "$T" <<'PY' || fail "records: $(cat $T/t.json)"
import json, sys
d = {t["number"]: t for t in json.load(open(sys.argv[1] + "/t.json"))}
r = lambda n: d[n]["system_attrs"].get("fail_reason", "")
def ok(n, value, inter):
    t = d[n]
    assert (t["state"], t["values"], t["intermediate"]) == ("complete", [value], inter), t
ok(0, 0.25, {"2": 0.25})
ok(1, 0.5, {"0": 0.5})
ok(2, 0.125, {"0": 0.125})
assert d[3]["state"] == "fail", d[3]
assert r(3).startswith("no metric 'loss' in stdout: its value 'tensor(0.2500, device='cuda:0')'"
                       " is not a number (a torch tensor, which prints rounded: print its .item())"), r(3)
ok(4, 0.75, {"4": 0.75})
for n in (5, 6):
    assert d[n]["state"] == "fail", d[n]
    assert r(n).startswith("no metric 'loss' in stdout: a line names it but gives no value"), r(n)
PY
echo ok
