#!/usr/bin/env bash
# A whole read of a PostgreSQL study (KNOB_SNAPSHOT=off: every trial's rows, as a first
# worker, a report or a restored database reads them): a study of N trials with two
# intermediate values each (made through the Python package's add_trial unless it exists),
# then `knob trials` R times; prints the median wall and CPU seconds (/usr/bin/time).
#   bench/scale/pg_whole_read.sh KNOB LIBKNOB URL STUDY N [R]
set -euo pipefail
knob=$1 lib=$2 url=$3 study=$4 n=$5 repeat=${6:-3}
here=$(cd "$(dirname "$0")" && pwd)
if ! "$knob" studies --storage "$url" 2> /dev/null | grep -q "^$study "; then
    PYTHONPATH="$here/../../python" KNOB_LIBRARY="$lib" /usr/bin/python3 - "$url" "$study" "$n" <<'PY'
import random, sys, knob
from knob.distributions import FloatDistribution, IntDistribution
knob.logging.set_verbosity(knob.logging.WARNING)
url, name, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
s = knob.create_study(study_name=name, storage=url)
d = {"x": FloatDistribution(-5, 5), "k": IntDistribution(1, 10)}
rng = random.Random(0)
for _ in range(n):
    p = {"x": rng.uniform(-5, 5), "k": rng.randint(1, 10)}
    v = p["x"] ** 2 + 0.1 * p["k"]
    s.add_trial(knob.trial.create_trial(params=p, distributions=d, value=v,
                                        intermediate_values={0: v + 1, 1: v + 0.5}))
PY
fi
walls=() cpus=()
for _ in $(seq "$repeat"); do
    out=$(KNOB_SNAPSHOT=off /usr/bin/time -f "%e %U %S" "$knob" trials "$study" --storage "$url" 2>&1 >/dev/null | tail -1)
    read -r w u s <<< "$out"
    walls+=("$w")
    cpus+=("$(python3 -c "print($u + $s)")")
done
python3 - "${walls[*]}" "${cpus[*]}" "$study" <<'PY'
import statistics, sys
w = [float(x) for x in sys.argv[1].split()]
c = [float(x) for x in sys.argv[2].split()]
print(f"{sys.argv[3]}: knob trials, KNOB_SNAPSHOT=off: median {statistics.median(w):.2f} s wall, "
      f"{statistics.median(c):.2f} s CPU (of {len(w)})")
PY
