#!/usr/bin/env bash
# knob run --parallel 1/8/64 of a trivial program (/bin/echo loss=1: the cost of a trial is
# the runner's), in memory and on SQLite, beside Optuna's optimize(n_jobs=...) of the same
# program through subprocess, in the same run.
#   bash bench/run/run.sh                  (from the repository root)
#   OPTUNA_PATH=/work/peers/optuna5 bash bench/run/run.sh    (Optuna from a source tree)
#   PARALLEL="1 8 64" TRIALS=2000 OPTUNA_TRIALS=300 bash bench/run/run.sh
#   PROGRAM="/path/to/prog arg" bash bench/run/run.sh   (another trivial program: it must
#                                print loss=<number>; default /bin/echo loss=1)
#   PROGRAM=static bash bench/run/run.sh   (print_loss.c built static: the cheapest start)
# Columns: trials/s (wall); CPU ms per trial (user+sys of the runner and its trials: the
# program's own start is most of it); knob_self_ms: the CPU of the knob process alone
# (perf stat --no-inherit; "-" without perf); then Optuna's trials/s and CPU ms per trial
# (its process and the programs), and the ratio of trials/s; then the ceiling: the same
# program started as many times at the same parallelism by spawn_ceiling.c (posix_spawn,
# stdout read from a pipe, nothing else), its starts/s and CPU ms per start.
# Options: --build-dir DIR (default build/), --base-build DIR (a build of another knob,
# built already, e.g. of an older commit: each row runs its knob too, in the same run, in
# the columns base_trials/s, base_cpu_ms, base_self_ms), --optuna-path DIR (Optuna's source
# tree; also OPTUNA_PATH), --no-optuna, --help.
set -euo pipefail
SELF="$(cd "$(dirname "$0")" && pwd)/$(basename "$0")"
cd "$(dirname "$0")/../.."
ROOT=$PWD
BUILD=build
NO_OPTUNA=
BASE=
while [ $# -gt 0 ]; do
    case "$1" in
    --build-dir) BUILD=$2; shift 2 ;;
    --base-build) BASE=$2; shift 2 ;;
    --optuna-path) OPTUNA_PATH=$2; shift 2 ;;
    --no-optuna) NO_OPTUNA=1; shift ;;
    --help | -h) sed -n '2,/^set -euo/p' "$SELF" | sed '$d'; exit 0 ;;
    *) echo "bench/run/run.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
    esac
done
case "$BUILD" in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
case "$BASE" in /* | "") ;; *) BASE="$ROOT/$BASE" ;; esac
[ -z "$BASE" ] || [ -x "$BASE/knob" ] || { echo "bench/run/run.sh: no $BASE/knob" >&2; exit 2; }
cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$BUILD" -j"$(nproc)" --target knob_cli >/dev/null
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
cc -O2 -o "$TMP/spawn_ceiling" "$ROOT/bench/run/spawn_ceiling.c"
cd "$TMP"
read -r -a prog <<< "${PROGRAM:-/bin/echo loss=1}"
if [ "${prog[*]}" = static ]; then
    cc -O2 -static -o "$TMP/print_loss" "$ROOT/bench/run/print_loss.c"
    prog=("$TMP/print_loss")
fi
cat > triv.yaml <<YAML
command: [$(printf '"%s", ' "${prog[@]}" | sed 's/, $//')]
metric: {name: loss, goal: minimize}
method: random
parameters:
  x: {distribution: uniform, min: 0, max: 1}
YAML
TRIALS=${TRIALS:-2000}
OPTUNA_TRIALS=${OPTUNA_TRIALS:-300}
# wall seconds, CPU seconds (user+sys, the command and its children) and CPU seconds of
# the command's own process (perf stat -i; "-" without perf) of a command
measure() {
    local perf=()
    command -v perf > /dev/null && perf=(perf stat -i -x, -e task-clock -o "$TMP/self" --)
    /usr/bin/time -f "%e %U %S" -o "$TMP/time" "${perf[@]}" "$@" > "$TMP/out" 2> "$TMP/err" || {
        cat "$TMP/err" >&2
        return 1
    }
    local self=-
    [ ${#perf[@]} -gt 0 ] && self=$(awk -F, '/task-clock/ {printf "%.3f", $1 / 1000}' "$TMP/self")
    awk -v self="$self" '{printf "%s %.3f %s\n", $1, $2 + $3, self}' "$TMP/time"
}
echo "load: $(uptime | sed 's/.*load average/load average/')"
printf '%-8s %8s %13s %11s %12s %15s %13s %7s %9s %10s' storage parallel knob_trials/s \
    knob_cpu_ms knob_self_ms optuna_trials/s optuna_cpu_ms ratio ceiling/s ceiling_ms
[ -z "$BASE" ] && echo || printf ' %13s %11s %12s\n' base_trials/s base_cpu_ms base_self_ms
for storage in memory sqlite; do
    for p in ${PARALLEL:-1 8 64}; do
        n=$TRIALS
        [ "$p" = 1 ] && n=$((TRIALS / 4))
        if [ $storage = memory ]; then k=memory:; o=memory; else
            k="sqlite:///$TMP/k$p.db"
            o="sqlite:///$TMP/o$p.db"
        fi
        # each run its own study and trial directories, all deleted at the end: a file
        # system makes new files slower right after many were deleted (ext4 without a
        # journal skips inodes freed in the last seconds)
        read -r kw kc kself < <(measure "$BUILD/knob" run triv.yaml --storage "$k" \
            --study "$storage$p" --trials "$n" --parallel "$p")
        ks=$(python3 -c "print('%.1f %.2f' % ($n / $kw, 1000 * $kc / $n))")
        [ "$kself" = - ] || kself=$(python3 -c "print('%.2f' % (1000 * $kself / $n))")
        bs=
        if [ -n "$BASE" ]; then
            [ $storage = memory ] || k="sqlite:///$TMP/b$p.db"
            read -r bw bc bself < <(measure "$BASE/knob" run triv.yaml --storage "$k" \
                --study "base$storage$p" --trials "$n" --parallel "$p")
            bs=$(python3 -c "print('%.1f %.2f' % ($n / $bw, 1000 * $bc / $n))")
            [ "$bself" = - ] || bself=$(python3 -c "print('%.2f' % (1000 * $bself / $n))")
        fi
        cs=$("$TMP/spawn_ceiling" "$n" "$p" "${prog[@]}" |
            sed -n 's/spawns_per_s=\([0-9.]*\) cpu_ms_per_spawn=\([0-9.]*\).*/\1 \2/p')
        os=
        [ -n "$NO_OPTUNA" ] ||
            os=$(PYTHONPATH=${OPTUNA_PATH:-} /usr/bin/python3 "$ROOT/bench/run/optuna_run.py" \
                "$o" "$p" "$OPTUNA_TRIALS" "${prog[@]}" 2>> "$TMP/optuna.err" |
                sed -n 's/trials_per_s=\([0-9.]*\) cpu_ms_per_trial=\([0-9.]*\)/\1 \2/p') || true
        set -- $ks ${os:-- -} ${cs:-- -}
        printf '%-8s %8d %13s %11s %12s %15s %13s %7s %9s %10s' $storage "$p" "$1" "$2" \
            "$kself" "$3" "$4" "$(python3 -c "print('%.1fx' % ($1 / $3))" 2>/dev/null || echo -)" \
            "$5" "$6"
        # shellcheck disable=SC2086
        [ -z "$BASE" ] && echo || printf ' %13s %11s %12s\n' $bs "$bself"
    done
done
echo "(program: ${prog[*]}; knob: $TRIALS trials, $((TRIALS / 4)) at --parallel 1; optuna: $OPTUNA_TRIALS; load after: $(uptime | sed 's/.*load average: //'))"
