#!/usr/bin/env bash
# Runs examples/nas/sweep.yaml with tpe (group), smac, evolution and random at the same budget
# and seeds, and prints each one's best validation accuracy and how many trials ran to the
# end (the rest Hyperband pruned). From the repository root, after building into build/:
#
#     bash examples/nas/compare.sh [TRIALS] [SEEDS...]     (default: 40 trials, seed 1)
#
# Studies go to nas.db in a scratch directory (NAS_WORK, default a new one, kept and
# named at the end), so runs never mix with the sweep's own storage. KNOB and NAS_TRAIN
# name other binaries (a copy, so a rebuild cannot change them during the runs); SAMPLERS
# chooses among them (default "tpe smac evolution random").
set -euo pipefail
trials=${1:-40}
shift || true
seeds=("${@:-1}")
root=$(cd "$(dirname "$0")/../.." && pwd)
knob=${KNOB:-$root/build/knob}
train=${NAS_TRAIN:-$root/build/examples/nas/nas_train}
work=${NAS_WORK:-$(mktemp -d)}
mkdir -p "$work"
declare -A samplers=(
    [tpe]="{name: tpe, options: {group: true, multivariate: true}}"
    [evolution]="{name: evolution, options: {population_size: 10, sample_size: 3, include_pruned: true}}"
    [random]="random"
    [smac]="smac"
)
printf '%-10s %5s %6s %10s %9s\n' sampler seed trials best complete
for s in ${SAMPLERS:-tpe smac evolution random}; do
    sed -e "s|^sampler: .*|sampler: ${samplers[$s]}|" -e "s|build/examples/nas/nas_train|$train|" \
        "$root/examples/nas/sweep.yaml" > "$work/$s.yaml"
    echo "trial_dir: $work/runs" >> "$work/$s.yaml"
    for seed in "${seeds[@]}"; do
        (cd "$root" && nice -n 10 "$knob" run "$work/$s.yaml" --storage "sqlite:///$work/nas.db" \
            --study "$s-$seed" --trials "$trials" --seed "$seed" --parallel 2 \
            > "$work/$s-$seed.log" 2>&1)
        "$knob" trials "$s-$seed" --storage "sqlite:///$work/nas.db" --format json |
            python3 -c "
import json, sys
d = json.load(sys.stdin)
done = [t for t in d if t['state'] == 'complete']
best = max(t['values'][0] for t in done) if done else float('nan')
print('%-10s %5s %6d %10.4f %9d' % ('$s', '$seed', len(d), best, len(done)))"
    done
done
echo "studies and logs: $work"
