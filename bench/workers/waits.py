#!/usr/bin/python3
"""Where the server's time goes while a command runs (bench/workers): samples
pg_stat_activity every INTERVAL seconds (the client backends of the database, this
connection left out) and reads pg_stat_database and pg_stat_statements before and after.

    waits.py DSN [--interval 0.01] [--top 8] -- COMMAND ARGS...

DSN: a connection allowed to read every backend's wait events and to reset
pg_stat_statements (the server's superuser over its unix socket, for instance
"host=/tmp/pg-x port=54371 user=postgres dbname=knob"). pg_stat_statements is read only
when the extension exists in that database (shared_preload_libraries must name it).
Prints the command's output, then: samples; per sample, the backends active and each
(wait_event_type:wait_event) seen ("CPU" when active and not waiting); the database's
transactions, rollbacks and deadlocks during the run; the statements that took the most
server time (calls, total ms, mean ms). The sampler's own queries add a little server CPU:
measure CPU per trial in a run without it.
"""
import collections
import subprocess
import sys
import time

import psycopg2


def stats_cursor(dsn):
    """A cursor on DSN (autocommit) and whether pg_stat_statements is loaded there; its
    statistics are reset."""
    conn = psycopg2.connect(dsn)
    conn.autocommit = True
    cur = conn.cursor()
    cur.execute("SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_stat_statements')")
    statements = cur.fetchone()[0]
    if statements:
        cur.execute("SELECT pg_stat_statements_reset()")
    return cur, statements


def main():
    args = sys.argv[1:]
    if "--" not in args:
        sys.exit(__doc__)
    cut = args.index("--")
    opts, cmd = args[:cut], args[cut + 1:]
    dsn, interval, top = opts[0], 0.01, 8
    for i in range(1, len(opts) - 1, 2):
        if opts[i] == "--interval":
            interval = float(opts[i + 1])
        elif opts[i] == "--top":
            top = int(opts[i + 1])
    cur, statements = stats_cursor(dsn)
    db = ("SELECT xact_commit, xact_rollback, deadlocks FROM pg_stat_database "
          "WHERE datname = current_database()")
    cur.execute("SELECT pg_stat_clear_snapshot()")
    cur.execute(db)
    before = cur.fetchone()
    proc = subprocess.Popen(cmd)
    samples, active = 0, 0
    waits = collections.Counter()
    sample = ("SELECT COALESCE(wait_event_type || ':' || wait_event, 'CPU') FROM pg_stat_activity "
              "WHERE datname = current_database() AND backend_type = 'client backend' "
              "AND state = 'active' AND pid <> pg_backend_pid()")
    while proc.poll() is None:
        cur.execute(sample)
        rows = cur.fetchall()
        samples += 1
        active += len(rows)
        waits.update(r[0] for r in rows)
        time.sleep(interval)
    cur.execute("SELECT pg_stat_clear_snapshot()")
    time.sleep(0.6)  # the statistics of the ended backends reach the collector
    cur.execute(db)
    after = cur.fetchone()
    print("samples=%d active_per_sample=%.2f" % (samples, active / max(samples, 1)))
    for w, c in waits.most_common():
        print("  %-40s %.3f per sample" % (w, c / max(samples, 1)))
    print("xact=%d rollback=%d deadlocks=%d" % tuple(a - b for a, b in zip(after, before)))
    if statements:
        cur.execute("SELECT calls, total_exec_time, mean_exec_time, left(regexp_replace(query, "
                    "'\\s+', ' ', 'g'), 70) FROM pg_stat_statements ORDER BY total_exec_time "
                    "DESC LIMIT %s", (top,))
        for calls, total, mean, q in cur.fetchall():
            print("  %7d calls %9.1f ms %7.3f ms/call  %s" % (calls, total, mean, q))
    sys.exit(proc.returncode)


if __name__ == "__main__":
    main()
