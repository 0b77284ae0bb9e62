#!/usr/bin/env bash
# A sweep of thousands of params: KNOB_PARAMS_JSON would be longer than Linux passes in one
# environment string (32 pages, 128 KiB with 4 KiB pages: MAX_ARG_STRLEN), and execve refused every trial ("cannot run
# './p.sh': Argument list too long", blaming the program). It is left out (params.json
# holds the same), also when knob's own environment has one; an argument that long
# (${args_json}) fails the trial before it starts, naming the command's element and its
# size, and the run stops.
source "$(dirname "$0")/lib.bash"
python3 - > big.yaml <<'PY'
print("command: [./p.sh]\nmethod: random\nmetric: {name: loss}\nparameters:")
for i in range(6000):
    print(f"  param_number_{i:05d}: {{min: 0.0, max: 1.0}}")
PY
cat > p.sh <<'SCRIPT'
#!/bin/sh
echo "loss=0.5 set=${KNOB_PARAMS_JSON+1}0"
SCRIPT
chmod +x p.sh
S="--storage sqlite:///$T/s.db"
KNOB_PARAMS_JSON='{"outer": 1}' "$KNOB" run big.yaml $S --study big --trials 1 > big.txt 2>&1 ||
    fail "run: $(head -c 2000 big.txt)"
"$KNOB" trials big $S --format json > t.json
expect_eq "$(py 'd[0]["state"]' < t.json)" complete "the trial of 6000 params"
grep -q "^loss=0.5 set=0$" knob-runs/big/0/stdout.log ||
    fail "KNOB_PARAMS_JSON set: $(cat knob-runs/big/0/stdout.log)"
expect_eq "$(py 'len(d)' < knob-runs/big/0/params.json)" 6000 "the params in params.json"

# a short one is still set
printf 'command: [./p.sh]\nmethod: random\nmetric: {name: loss}\nparameters:\n  x: {min: 0.0, max: 1.0}\n' > small.yaml
"$KNOB" run small.yaml $S --study small --trials 1 > small.txt 2>&1 || fail "run: $(cat small.txt)"
grep -q "^loss=0.5 set=10$" knob-runs/small/0/stdout.log || fail "KNOB_PARAMS_JSON not set"

sed 's|command: \[./p.sh\]|command: [./p.sh, "--config=${args_json}"]|' big.yaml > arg.yaml
rc=0
"$KNOB" run arg.yaml $S --study arg --trials 3 > arg.txt 2> arg.err || rc=$?
expect_eq "$rc" 1 "exit status of a run whose command cannot be passed"
"$KNOB" trials arg $S --format json > a.json
expect_eq "$(py 'len(d)' < a.json)" 1 "trials of that run"
r=$(py 'd[0]["system_attrs"]["fail_reason"]' < a.json)
case "$r" in
"its command's argument 1 (command[1] '--config=\${args_json}') is "*" bytes, more than a program can be given ($(($(getconf PAGESIZE) * 32 - 1)), Linux's MAX_ARG_STRLEN); \${args_json_file} "*) ;;
*) fail "reason: $r" ;;
esac
[ ! -e knob-runs/arg/0/stdout.log ] || fail "the program ran"

# knob lr-find leaves it out as well (its program ran no step), and one of knob's own
# environment is not passed on
cat > lr.sh <<'SCRIPT'
#!/bin/sh
[ -z "${KNOB_PARAMS_JSON+set}" ] || { echo "KNOB_PARAMS_JSON is set" >&2; exit 3; }
while read -r step rate; do echo "step=$step loss=1"; done
SCRIPT
chmod +x lr.sh
{ echo "command: [./lr.sh]"; tail -n +2 big.yaml; echo "  lr: {distribution: log_uniform_values, min: 0.0001, max: 1.0}"; } > lr.yaml
KNOB_PARAMS_JSON='{"outer": 1}' "$KNOB" lr-find lr.yaml --param lr --steps 5 --smoothing 0 \
    --json > lr.json 2> lr.err || fail "lr-find: $(head -c 2000 lr.err)"
expect_eq "$(py 'd["steps"]' < lr.json)" 5 "lr-find's steps with 6000 params"
echo ok
