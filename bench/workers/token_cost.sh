#!/usr/bin/env bash
# What a random search's ask and tell cost on PostgreSQL, for builds of knob side by side (the
# creation tokens' lock and indexes, bench/README.md 2026-12-05). Each round runs, for each
# build in turn, in a fresh schema of its own:
#   1. bench_ask_tell --trials N (the build's bench/ask_tell/bench_ask_tell): the wall time per
#      ask+tell, and the server's mean execution time of the ask's statement and of the tell's;
#   2. pgbench, one client, M transactions of those two statements as that build's
#      postgres.c writes them (the ask's Q_POP_OR_CREATE, then Q_FINISH of the trial it gave,
#      the finish without params), prepared: the server's mean execution time of each and the
#      buffer pages each touched per call.
# The server's figures come from pg_stat_statements (reset before each run), which the server
# must load (shared_preload_libraries) and the user may reset (CREATE EXTENSION in the
# database, GRANT EXECUTE ON FUNCTION pg_stat_statements_reset, GRANT pg_read_all_stats).
#
#   KNOB_PG_URL=postgresql://... bench/workers/token_cost.sh [--rounds R] [--trials N]
#       [--transactions M] NAME=SOURCE_DIR:BUILD_DIR ...
#
# Prints a line per run: round, name, then for ask_tell: us per trial, ask us, tell us; then
# for pgbench: ask us, tell us, ask pages, tell pages. Then the medians per name.
set -euo pipefail
rounds=7 trials=2000 transactions=5000
builds=()
while [ $# -gt 0 ]; do
    case "$1" in
    --rounds) rounds=$2; shift 2 ;;
    --trials) trials=$2; shift 2 ;;
    --transactions) transactions=$2; shift 2 ;;
    -h | --help) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *=*:*) builds+=("$1"); shift ;;
    *) echo "token_cost.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    esac
done
base=${KNOB_PG_URL:?set KNOB_PG_URL}
[ ${#builds[@]} -gt 0 ] || { echo "token_cost.sh: no NAME=SOURCE_DIR:BUILD_DIR" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The two statements of each build, from its preprocessed postgres.c, as a pgbench script.
for b in "${builds[@]}"; do
    name=${b%%=*} dirs=${b#*=}
    src=${dirs%%:*} build=${dirs#*:}
    gcc -E -I"$src/src" -I"$src/include" -I"$build/src" -I"$build/include" -I"$build" \
        -I/usr/include/postgresql "$src/src/storage/postgres.c" -o "$tmp/$name.c"
    /usr/bin/python3 - "$tmp/$name.c" "$tmp/$name.sql" <<'EOF'
import sys

def literal(pp, key):
    """The concatenated string literals of sql[key] in the preprocessed source."""
    j = pp.index("[" + key + "] =") + len(key) + 4
    out = []
    while True:
        while pp[j].isspace():
            j += 1
        if pp[j] != '"':
            return "".join(out)
        k = j + 1
        while pp[k] != '"':
            out.append(pp[k + 1] if pp[k] == "\\" else pp[k])
            k += 2 if pp[k] == "\\" else 1
        j = k + 1

pp = open(sys.argv[1]).read()
ask = literal(pp, "Q_POP_OR_CREATE").replace(
    "(SELECT id FROM t)), ", "(SELECT id FROM t), 0) AS tid, ", 1)
fin = literal(pp, "Q_FINISH")
for n, v in [(4, ":tok"), (3, "0"), (2, ":now"), (1, ":sid")]:
    ask = ask.replace("$%d" % n, v)
for n, v in [(5, "'{1.5}'"), (4, ":now"), (3, "1"), (2, ":tid"), (1, ":sid")]:
    fin = fin.replace("$%d" % n, v)
open(sys.argv[2], "w").write("\\set tok random(1, 4611686018427387903)\n\\set now 1000000\n"
                             + ask + " \\gset\n" + fin + "\n")
EOF
done

ask_like="query LIKE 'WITH w AS MATERIALIZED (SELECT id FROM knob_trials%'"
tell_like="query LIKE 'WITH t AS (UPDATE knob_trials%SET state%'"
stats() { # the server's mean us of the ask and the tell, with pages per call when $1 is set
    local q="SELECT round((sum(mean_exec_time) FILTER (WHERE $ask_like))::numeric * 1000, 1),
        round((sum(mean_exec_time) FILTER (WHERE $tell_like))::numeric * 1000, 1)"
    [ -z "${1:-}" ] || q="$q, round(sum(shared_blks_hit + shared_blks_read) FILTER (WHERE
        $ask_like) / sum(calls) FILTER (WHERE $ask_like), 2), round(sum(shared_blks_hit +
        shared_blks_read) FILTER (WHERE $tell_like) / sum(calls) FILTER (WHERE $tell_like), 2)"
    psql -qAt -F' ' "$base" -c "$q FROM pg_stat_statements"
}
fresh() { # a fresh schema $1, made by the build's knob with one study (its id printed)
    psql -qAt "$base" -c "SET client_min_messages = warning" -c "DROP SCHEMA IF EXISTS $1 CASCADE" \
        -c "CREATE SCHEMA $1" >/dev/null
}
sep=$([[ $base == *\?* ]] && echo '&' || echo '?')
for r in $(seq 1 "$rounds"); do
    for b in "${builds[@]}"; do
        name=${b%%=*} dirs=${b#*=}
        bin=${dirs#*:}/bench/ask_tell/bench_ask_tell
        s=token_cost_$name
        fresh "$s"
        psql -qAt "$base" -c "SELECT pg_stat_statements_reset()" >/dev/null
        out=$("$bin" --storage "$base${sep}options=-csearch_path%3D$s" --trials "$trials")
        us=$(echo "$out" | sed 's/.*"us_per_trial": \([0-9.]*\).*/\1/')
        at=$(stats)
        fresh "$s"
        "$bin" --storage "$base${sep}options=-csearch_path%3D$s" --trials 1 >/dev/null
        sid=$(PGOPTIONS="-csearch_path=$s" psql -qAt "$base" -c "SELECT id FROM knob_studies")
        psql -qAt "$base" -c "SELECT pg_stat_statements_reset()" >/dev/null
        PGOPTIONS="-csearch_path=$s" pgbench -n -M prepared -c 1 -t "$transactions" \
            -D sid="$sid" -f "$tmp/$name.sql" "$base" >/dev/null 2>&1
        echo "$r $name $us $at $(stats pages)" | tee -a "$tmp/runs"
        psql -qAt "$base" -c "SET client_min_messages = warning" -c "DROP SCHEMA $s CASCADE" \
            >/dev/null
    done
done
echo "medians:"
/usr/bin/python3 - "$tmp/runs" <<'EOF'
import statistics, sys
runs = {}
for line in open(sys.argv[1]):
    f = line.split()
    runs.setdefault(f[1], []).append([float(x) for x in f[2:]])
for name, rows in runs.items():
    print(name, " ".join("%g" % round(statistics.median(c), 2) for c in zip(*rows)))
EOF
