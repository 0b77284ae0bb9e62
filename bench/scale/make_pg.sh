#!/usr/bin/env bash
# Builds a knob PostgreSQL study of N finished trials quickly (bench/scale/run.sh --pg):
# the knob CLI asks and tells the first two trials of sweep.yaml, then one transaction
# copies trial 1 as trials 2 .. N-1 with their own params (5 floats in [-10, 10], drawn by
# the server's random() after setseed) and sphere values (PostgreSQL schema 5: params and
# values are arrays in the trial's row).
#   make_pg.sh KNOB SWEEP URL STUDY N
set -euo pipefail
knob=$1 sweep=$2 url=$3 study=$4 n=$5
for _ in 1 2; do
    line=$("$knob" ask "$study" --sweep "$sweep" --storage "$url")
    read -r num y < <(echo "$line" | /usr/bin/python3 -c 'import json, sys
d = json.load(sys.stdin); print(d["number"], repr(sum(v * v for v in d["params"].values())))')
    "$knob" tell "$study" "$num" "$y" --storage "$url"
done
psql -q -v ON_ERROR_STOP=1 "$url" >/dev/null <<SQL
BEGIN;
CREATE TEMP TABLE t0 AS SELECT t.* FROM knob_trials t JOIN knob_studies s ON s.id = t.study
    WHERE s.name = '$study' AND t.number = 1;
CREATE TEMP TABLE ks AS SELECT k, (SELECT MAX(id) FROM knob_trials) + k AS id
    FROM generate_series(2, $n - 1) k;
SELECT setseed(0.5);
CREATE TEMP TABLE pv AS SELECT id, array_agg(x ORDER BY o) AS x FROM (SELECT ks.id, u.o,
    random() * 20 - 10 AS x FROM ks, t0 t, unnest(t.param_names) WITH ORDINALITY AS u(name, o)
    ORDER BY ks.id, u.o) r GROUP BY id;
INSERT INTO knob_trials(id, study, number, state, start_time, end_time, seq, param_names,
    param_dists, param_internals, vals)
    SELECT ks.id, t.study, ks.k, t.state, t.start_time, t.end_time, txid_current(), t.param_names,
        t.param_dists, pv.x, ARRAY[(SELECT SUM(v * v) FROM unnest(pv.x) v)]
    FROM ks JOIN pv ON pv.id = ks.id, t0 t;
-- the numbers taken here are no longer free (the CLI's first creation allotted a block)
DELETE FROM knob_free_numbers WHERE study = (SELECT study FROM t0);
UPDATE knob_studies SET seq = (SELECT MAX(seq) FROM knob_trials WHERE study = knob_studies.id),
    n_trials = (SELECT COUNT(*) FROM knob_trials WHERE study = knob_studies.id)
    WHERE name = '$study';
SELECT setval(pg_get_serial_sequence('knob_trials', 'id'), (SELECT MAX(id) FROM knob_trials));
COMMIT;
SQL
