#!/usr/bin/env python3
"""Builds a knob SQLite study of N finished trials quickly (bench/scale/run.sh).

The knob CLI asks and tells the first two trials (so the study, its sweep's
distributions and the rows are knob's own); the other N - 2 are copies of them made by
one SQL statement per table, with their own params (5 floats in [-10, 10], drawn with a
fixed seed) and values (the sphere function).

    make_sqlite.py KNOB SWEEP DB N
"""
import json
import random
import sqlite3
import subprocess
import sys


def main():
    knob, sweep, db, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    url = "sqlite:///" + db
    for _ in range(2):
        line = subprocess.run([knob, "ask", "big", "--sweep", sweep, "--storage", url],
                              check=True, capture_output=True, text=True).stdout
        d = json.loads(line)
        y = sum(v * v for v in d["params"].values())
        subprocess.run([knob, "tell", "big", str(d["number"]), repr(y), "--storage", url],
                       check=True)
    con = sqlite3.connect(db)
    con.execute("BEGIN")
    (tid, study, seq), = con.execute(
        "SELECT id, study, seq FROM trials WHERE number = 1")
    base = con.execute("SELECT MAX(id) FROM trials").fetchone()[0]
    rng = random.Random(1)
    names = [r[0] for r in con.execute(
        "SELECT name FROM params WHERE trial = ? ORDER BY position", (tid,))]
    rows_t, rows_p, rows_v = [], [], []
    for k in range(2, n):
        new = base + k
        x = [rng.uniform(-10, 10) for _ in names]
        rows_t.append((new, k, seq + k))
        rows_p.extend((new, tid, name, v) for name, v in zip(names, x))
        rows_v.append((new, sum(v * v for v in x)))
    con.executemany(
        "INSERT INTO trials(id, study, number, state, start_time, end_time, seq) "
        "SELECT ?, study, ?, state, start_time, end_time, ? FROM trials WHERE id = %d" % tid,
        rows_t)
    con.executemany(
        "INSERT INTO params(trial, position, name, dist, internal) "
        "SELECT ?, position, name, dist, ? FROM params WHERE trial = ? AND name = ?",
        [(new, v, t, name) for new, t, name, v in rows_p])
    con.executemany("INSERT INTO trial_values(trial, idx, value) VALUES(?, 0, ?)", rows_v)
    con.execute("UPDATE studies SET seq = (SELECT MAX(seq) FROM trials) WHERE id = ?",
                (study,))
    # a knob with the trials' best (src/storage/sqlite.c, BEST_SCHEMA) finds it as it
    # finishes a trial; copies written here would be stale, read from their rows
    if any(r[1] == "best_seq" for r in con.execute("PRAGMA table_info(trials)")):
        con.execute("UPDATE trials SET best = (SELECT value FROM trial_values WHERE "
                    "trial = trials.id AND idx = 0), best_seq = seq WHERE study = ? AND "
                    "state = 1 AND best_seq IS NOT seq", (study,))
    con.commit()
    con.close()


if __name__ == "__main__":
    main()
