#!/usr/bin/env bash
# A knob process's heap begins with 2 MB marked for a transparent huge page (src/cli/main.c):
# its first touch is one fault instead of one per 4 KB page, most of what a short `knob tell`
# spent on its heap. A trial's program reads its parent's (knob run's) mappings: one of
# exactly 2 MB, aligned, with the flag `hg`, just above the heap's first page. A compiler
# that drops the first malloc (a malloc freed at once) or a change that lets malloc touch
# the range first leaves no such mapping. Where the kernel has no THP, or in a sanitizer
# build (the sanitizer's allocator does not use the break), the mark is not made, and the
# run must work as before.
source "$(dirname "$0")/lib.bash"
cat > probe.sh <<'SH'
#!/bin/sh
cp "/proc/$PPID/smaps" "$KNOB_TRIAL_DIR/../parent_smaps"
echo loss=1
SH
chmod +x probe.sh
cat > sweep.yaml <<YAML
program: $T/probe.sh
metric: {name: loss, goal: minimize}
run_cap: 1
parameters:
  x: {min: 0.0, max: 1.0}
YAML
timeout 60 "$KNOB" run sweep.yaml --storage "sqlite:///$T/s.db" --study h > out.txt 2>&1 ||
    fail "run: $(cat out.txt)"
smaps=knob-runs/h/parent_smaps
[ -s "$smaps" ] || fail "the trial did not read knob run's mappings"
marked=$(python3 - "$smaps" <<'PY'
import re, sys
rng = None
for line in open(sys.argv[1]):
    m = re.match(r"([0-9a-f]+)-([0-9a-f]+) ", line)
    if m:
        rng = (int(m.group(1), 16), int(m.group(2), 16))
    elif line.startswith("VmFlags:") and " hg" in line and rng:
        if rng[1] - rng[0] == 2 << 20 and rng[0] % (2 << 20) == 0:
            print("%x" % rng[0])
PY
)
if [ -n "${KNOB_SANITIZE_FLAGS:-}" ] || [ ! -e /sys/kernel/mm/transparent_hugepage/enabled ]; then
    echo "no huge-page mark expected here (sanitizer build or no THP): the run worked"
    exit 0
fi
[ -n "$marked" ] || fail "knob run's heap has no 2 MB range marked for a huge page: $(grep -B1 -A0 heap "$smaps")"
echo "marked: $marked"
