#!/usr/bin/env bash
# A study's name becomes one directory under trial_dir, whatever it holds: "..", "/",
# absolute names, empty components and names too long for a directory stay inside it and
# never share a directory; ordinary names keep the directory they always had.
source "$(dirname "$0")/lib.bash"
mkdir -p a/b
cat > sweep.yaml <<YAML
program: $PROGS/runner_prog.py
method: random
metric: {name: loss, goal: minimize}
trial_dir: $T/a/b/runs
parameters:
  mode: {value: ok}
YAML
long=$(printf 'x%.0s' $(seq 260))
names=("../../escaped" "../b/runs2" "a/b" "a//b" "a%2Fb" "/abs/x" "." ".." "${long}1" "${long}2"
    "plain-name_1.0" "with space")
for name in "${names[@]}"; do
    timeout 60 "$KNOB" run sweep.yaml --storage "sqlite:///$T/s.db" --study "$name" --trials 1 \
        > out.txt 2>&1 || fail "study '$name': $(cat out.txt)"
    dir=$(sed -n 's|^trial logs: \(.*\)/<number>/$|\1|p' out.txt)
    case "$dir" in
    "$T/a/b/runs/"*) ;;
    *) fail "study '$name': trial logs in '$dir'" ;;
    esac
    rest=${dir#"$T/a/b/runs/"}
    case "$rest" in
    */* | . | .. | "") fail "study '$name': directory '$rest' is not one name" ;;
    esac
    [ -f "$dir/0/params.json" ] || fail "study '$name': no $dir/0/params.json"
    [ "$(cat "$dir/0/pid")" -gt 0 ] || fail "study '$name': the trial did not run in $dir/0"
done
[ ! -e a/escaped ] && [ ! -e a/b/runs2 ] && [ ! -e escaped ] || fail "a trial directory escaped"
# one directory per study, none shared
expect_eq "$(find a/b/runs -mindepth 1 -maxdepth 1 -type d | wc -l)" "${#names[@]}" \
    "directories for ${#names[@]} studies: $(ls a/b/runs)"
expect_eq "$(find a/b/runs -name params.json | wc -l)" "${#names[@]}" "trial directories"
[ -f "a/b/runs/plain-name_1.0/0/params.json" ] && [ -f "a/b/runs/with space/0/params.json" ] ||
    fail "ordinary names moved: $(ls a/b/runs)"
echo ok
