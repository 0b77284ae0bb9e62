#!/usr/bin/env bash
# knob report -o DIR (a directory, or a path ending in '/') is refused naming it as a
# directory, and writes nothing there; the message was "Not a directory" for DIR/. --output
# is -o, as its usage says (it was taken, and listed nowhere).
source "$(dirname "$0")/lib.bash"
S="--storage sqlite:///$T/s.db"
cat > s.yaml <<'YAML'
command: ["/bin/sh", "-c", "echo loss=1"]
metric: {name: loss, goal: minimize}
parameters:
  x: {distribution: uniform, min: 0, max: 1}
YAML
"$KNOB" run s.yaml $S --trials 1 > /dev/null 2>&1 || fail "run"
"$KNOB" report s $S -o r.html 2> err.txt || {
    grep -q "no page" err.txt && skip "this knob was built without its page: $(cat err.txt)"
    fail "report: $(cat err.txt)"
}
"$KNOB" report --help | head -n 1 | grep -qF -- "[-o|--output FILE]" ||
    fail "knob report --help: $("$KNOB" report --help)"
"$KNOB" report s $S --output long.html 2> err.txt || fail "report --output: $(cat err.txt)"
grep -q 'id="knob-data"' long.html || fail "report --output: no report"
mkdir out
for o in out out/; do
    set +e
    "$KNOB" report s $S -o "$o" 2> err.txt
    rc=$?
    set -e
    expect_eq "$rc" 1 "knob report -o $o"
    grep -qx "knob report: cannot write $o: it is a directory (-o names the file)" err.txt ||
        fail "knob report -o $o: $(cat err.txt)"
done
expect_eq "$(ls -A out)" "" "files left in the directory"
[ -z "$(ls -d out.* 2> /dev/null)" ] || fail "a temporary file was left: $(ls -d out.*)"

# (the reports differ in the second they were made at: their data is looked for)
is_report() { grep -q 'id="knob-data"' "$1" && ! grep -qx old "$1" || fail "$1 is not a report"; }

# A regular file is replaced whole and keeps its mode; a symbolic link, a FIFO or a device
# is written into, as a shell's > writes, never replaced (a link became a regular file, a
# FIFO's reader got nothing, /dev/null became a file when root ran it).
echo old > kept.html
chmod 600 kept.html
"$KNOB" report s $S -o kept.html 2> err.txt || fail "report -o kept.html: $(cat err.txt)"
expect_eq "$(stat -c %a kept.html)" 600 "the mode of the file replaced"
is_report kept.html
echo old > target.html
ln -s target.html link.html
"$KNOB" report s $S -o link.html 2> err.txt || fail "report -o link.html: $(cat err.txt)"
[ -L link.html ] || fail "the symbolic link was replaced"
is_report target.html
# a link to a file not made yet: the file is made, as by a shell's > (it was ENOENT)
ln -s new_target.html dangling.html
"$KNOB" report s $S -o dangling.html 2> err.txt || fail "report -o dangling.html: $(cat err.txt)"
[ -L dangling.html ] || fail "the dangling link was replaced"
is_report new_target.html
mkfifo fifo.html
cat fifo.html > from_fifo.html &
"$KNOB" report s $S -o fifo.html 2> err.txt || fail "report -o fifo.html: $(cat err.txt)"
wait
[ -p fifo.html ] || fail "the FIFO was replaced"
is_report from_fifo.html
"$KNOB" report s $S -o /dev/null 2> err.txt || fail "report -o /dev/null: $(cat err.txt)"
[ -c /dev/null ] || fail "/dev/null is no longer a device"
[ -z "$(ls -d ./*.html.* 2> /dev/null)" ] || fail "a temporary file was left: $(ls -d ./*.html.*)"
# -o without its value took the next option for the file name, and the default storage
set +e
"$KNOB" report s -o "--storage=sqlite:///$T/s.db" > /dev/null 2> noval.txt; st1=$?
"$KNOB" report s -o "" $S > /dev/null 2> empty.txt; st2=$?
set -e
expect_eq "$st1 $st2" "2 2" "report -o without a file name"
grep -qF "knob report: -o takes a file name, got '--storage" noval.txt || fail "-o --storage: $(cat noval.txt)"
grep -qF "knob report: -o takes a file name, got ''" empty.txt || fail "-o '': $(cat empty.txt)"
# a file size limit: an error that is said, no temporary file left (SIGXFSZ killed it)
set +e
(ulimit -f 100; "$KNOB" report s $S -o big.html > /dev/null 2> big.txt); st=$?
set -e
expect_eq "$st" 1 "report past ulimit -f ($(cat big.txt))"
grep -qF "knob report: cannot write big.html: File too large" big.txt || fail "ulimit -f: $(cat big.txt)"
[ -z "$(ls -d big.html* 2> /dev/null)" ] || fail "left: $(ls -d big.html*)"
echo ok
