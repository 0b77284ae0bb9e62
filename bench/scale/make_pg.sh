#!/usr/bin/env bash
# Builds a knob PostgreSQL study of N finished trials quickly (bench/scale/run.sh --pg):
# the knob CLI asks and tells the first two trials of sweep.yaml, then one transaction
# copies trial 1 as trials 2 .. N-1 with their own params (5 floats in [-10, 10], drawn by
# the server's random() after setseed) and sphere values.
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
INSERT INTO knob_trials(id, study, number, state, start_time, end_time, seq)
    SELECT ks.id, t.study, ks.k, t.state, t.start_time, t.end_time, txid_current() FROM ks, t0 t;
SELECT setseed(0.5);
CREATE TEMP TABLE pv AS SELECT ks.id, p.position, p.name, p.dist, random() * 20 - 10 AS x
    FROM ks, t0 t JOIN knob_params p ON p.trial = t.id ORDER BY ks.id, p.position;
INSERT INTO knob_params(trial, position, name, dist, internal)
    SELECT id, position, name, dist, x FROM pv;
INSERT INTO knob_values(trial, idx, value) SELECT id, 0, SUM(x * x) FROM pv GROUP BY id;
UPDATE knob_studies SET seq = (SELECT MAX(seq) FROM knob_trials WHERE study = knob_studies.id),
    n_trials = (SELECT COUNT(*) FROM knob_trials WHERE study = knob_studies.id)
    WHERE name = '$study';
SELECT setval(pg_get_serial_sequence('knob_trials', 'id'), (SELECT MAX(id) FROM knob_trials));
COMMIT;
SQL
