#!/usr/bin/python3
"""What the server does per trial while bench_workers runs: counts that the machine's load
does not move (bench/workers).

    counts.py DSN PG_DIR BENCH_WORKERS URL N M [read]

DSN: the server's superuser (to read every backend and reset the statistics), for
instance "host=/tmp/pg-x port=54364 user=postgres dbname=knob"; PG_DIR its data directory
(postmaster.pid, the log). URL, N, M [read]: bench_workers' arguments (a fresh schema). Prints, per
trial: statements and rows by statement (pg_stat_statements, when it is loaded), buffer
pages touched, transactions, rows read from the tables (sequential and through indexes),
index entries read, updates and how many were HOT, the backends' context switches (read
from /proc every 20 ms, the last reading of each backend), lock waits logged (with
log_lock_waits on), and the server's CPU from /proc.
"""
import collections
import os
import re
import subprocess
import sys
import time

from waits import stats_cursor


def server_cpu(pg_dir):
    pm = open(os.path.join(pg_dir, "postmaster.pid")).readline().strip()
    tck = os.sysconf("SC_CLK_TCK")
    pids = [pm] + open(f"/proc/{pm}/task/{pm}/children").read().split()
    s = 0
    for p in pids:
        try:
            f = open(f"/proc/{p}/stat").read()
        except OSError:
            continue
        v = f[f.rindex(")") + 2:].split()
        s += sum(int(x) for x in v[11:15])
    return s / tck


def backends(pg_dir):
    pm = open(os.path.join(pg_dir, "postmaster.pid")).readline().strip()
    return open(f"/proc/{pm}/task/{pm}/children").read().split()


def switches(pid):
    try:
        txt = open(f"/proc/{pid}/status").read()
    except OSError:
        return None
    v = dict(re.findall(r"^(\w+_ctxt_switches):\s+(\d+)", txt, re.M))
    return int(v["voluntary_ctxt_switches"]), int(v["nonvoluntary_ctxt_switches"])


def main():
    if len(sys.argv) not in (7, 8):
        sys.exit(__doc__)
    dsn, pg_dir, binary, url, n, m = sys.argv[1:7]
    extra = sys.argv[7:]
    cur, statements = stats_cursor(dsn)
    cur.execute("SELECT pg_stat_reset()")
    time.sleep(0.6)  # the statistics collector's reset reaches every backend
    log = os.path.join(pg_dir, "server.log")
    log_at = os.path.getsize(log) if os.path.exists(log) else 0
    before = set(backends(pg_dir))
    cpu0 = server_cpu(pg_dir)
    proc = subprocess.Popen([binary, url, n, m] + extra, stdout=subprocess.PIPE, text=True)
    last = {}
    while proc.poll() is None:
        for p in backends(pg_dir):
            if p not in before:
                s = switches(p)
                if s:
                    last[p] = s
        time.sleep(0.02)
    out = proc.stdout.read()
    time.sleep(1)
    cpu1 = server_cpu(pg_dir)
    trials = int(re.search(r"trials=(\d+)", out).group(1))
    print(out.strip())
    per = lambda x: x / trials
    print(f"server CPU ms per trial: {per((cpu1 - cpu0) * 1000):.3f}")
    vol = sum(v for v, _ in last.values())
    invol = sum(i for _, i in last.values())
    print(f"backends seen: {len(last)}; context switches per trial: voluntary {per(vol):.2f}, "
          f"involuntary {per(invol):.2f}")
    time.sleep(0.6)
    cur.execute("SELECT pg_stat_clear_snapshot()")
    cur.execute("SELECT xact_commit, xact_rollback, deadlocks, blks_hit, tup_returned, "
                "tup_fetched FROM pg_stat_database WHERE datname = current_database()")
    x = cur.fetchone()
    print(f"transactions per trial {per(x[0]):.2f} (rollbacks {x[1]}, deadlocks {x[2]}); "
          f"buffer hits {per(x[3]):.1f}; tup_returned {per(x[4]):.1f}; tup_fetched "
          f"{per(x[5]):.1f}")
    cur.execute("SELECT relname, seq_scan, seq_tup_read, idx_scan, idx_tup_fetch, n_tup_ins, "
                "n_tup_upd, n_tup_hot_upd FROM pg_stat_user_tables WHERE relname LIKE 'knob%' "
                "AND (seq_scan + COALESCE(idx_scan, 0) + n_tup_ins + n_tup_upd) > 0 ORDER BY 1")
    print("table: seq scans, rows; index scans, rows fetched; inserts; updates (HOT), per trial")
    for r in cur.fetchall():
        print(f"  {r[0]}: {per(r[1]):.2f}, {per(r[2]):.1f}; {per(r[3] or 0):.2f}, "
              f"{per(r[4] or 0):.1f}; {per(r[5]):.2f}; {per(r[6]):.2f} ({per(r[7]):.2f})")
    cur.execute("SELECT indexrelname, idx_scan, idx_tup_read, idx_tup_fetch FROM "
                "pg_stat_user_indexes WHERE relname LIKE 'knob%' AND idx_scan > 0 ORDER BY 1")
    print("index: scans, entries read, rows fetched, per trial")
    for r in cur.fetchall():
        print(f"  {r[0]}: {per(r[1]):.2f}, {per(r[2]):.1f}, {per(r[3]):.1f}")
    waits = 0
    if os.path.exists(log):
        with open(log, errors="replace") as f:
            f.seek(log_at)
            waits = collections.Counter(
                re.sub(r"\d+", "#", w) for w in re.findall(r"still waiting for (\w+)", f.read()))
    print(f"lock waits logged (> deadlock_timeout): {dict(waits) if waits else 0}")
    if statements:
        cur.execute("SELECT calls, rows, total_exec_time, shared_blks_hit, "
                    "regexp_replace(query, '\\s+', ' ', 'g') FROM pg_stat_statements "
                    "WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) "
                    "AND query NOT LIKE '%pg_stat_statements%' AND query NOT LIKE '%pg_stat_clear%' "
                    "AND query NOT LIKE '%FROM pg_stat_database%' AND query NOT LIKE '%pg_stat_user%' "
                    "ORDER BY total_exec_time DESC")
        rows = cur.fetchall()
        calls = sum(r[0] for r in rows)
        print(f"statements per trial {per(calls):.2f}, buffer pages touched per trial "
              f"{per(sum(r[3] for r in rows)):.1f}")
        print("calls/trial rows/trial ms/trial pages/trial statement")
        for r in rows[:10]:
            print(f"  {per(r[0]):6.2f} {per(r[1]):7.2f} {per(r[2]):7.3f} {per(r[3]):7.1f}  "
                  f"{r[4][:110]}")


if __name__ == "__main__":
    main()
