#!/usr/bin/env bash
# knob studies' table keeps one row per study and its columns in line whatever the names:
# a control character in a name (a newline would start a new row) is written \n, \t or
# \xNN, and a UTF-8 name is padded by its characters, not its bytes. --json keeps names
# as they are.
source "$(dirname "$0")/lib.bash"
S="--storage sqlite:///$T/s.db"
cat > s.yaml <<'YAML'
command: ["/bin/sh", "-c", "echo loss=1"]
metric: {name: loss, goal: minimize}
parameters:
  x: {distribution: uniform, min: 0, max: 1}
YAML
for name in plain $'new\nline' $'tab\tbed\x01' 'ünï☃'; do
    "$KNOB" run s.yaml $S --study "$name" --trials 1 > /dev/null 2>&1 || fail "run $name"
done
"$KNOB" studies $S > table.txt
python3 - table.txt <<'PY' || fail "the table: $(cat table.txt)"
import sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
assert len(lines) == 5, lines
names = [l[:24].rstrip() for l in lines[1:]]
assert names == ["plain", "new\\nline", "tab\\tbed\\x01", "ünï☃"], names
cols = {l.index("minimize") for l in lines[1:]}
assert cols == {lines[0].index("DIRECTIONS")}, (cols, lines)
PY
"$KNOB" studies $S --json > s.json
expect_eq "$(py '[s["name"] for s in d] == ["plain", "new\nline", "tab\tbed\x01", "ünï☃"]' < s.json)" \
    True "the names in --json"
echo ok
