#!/usr/bin/env bash
# Installs the Debian packages knob needs to build, test and benchmark.
# Idempotent: packages already present are skipped quickly.
set -euo pipefail

build_pkgs=(build-essential cmake pkg-config libsqlite3-dev sqlite3 libyaml-dev libcmocka-dev
            liblapacke-dev libopenblas-dev libnlopt-dev libpq-dev postgresql zlib1g-dev)
# knob dashboard's HTTP server (libmicrohttpd-dev); the page of knob report and knob
# dashboard is bundled from web/ by node with the npm packages of web/package-lock.json
# (nodejs, npm: a nodejs from elsewhere, such as NodeSource's, brings its own npm).
build_pkgs+=(libmicrohttpd-dev nodejs)
if ! command -v npm >/dev/null; then
    build_pkgs+=(npm)
fi
# What the tests run: psql and pg_isready (postgresql-client), `script` for the terminal
# case of tests/integration/progress.sh (bsdutils), clang with libFuzzer and the
# sanitizers' runtime for tests/fuzz (clang, libclang-rt-14-dev); a one-node Slurm cluster
# for tests/integration/slurm.sh (slurm-wlm, munge); the manifests' parser of
# tests/integration/kubernetes.sh (python3-yaml); the requests of the dashboard's tests
# (curl). scripts/test.sh builds with ninja (ninja-build).
test_pkgs=(ninja-build curl postgresql-client bsdutils clang libclang-rt-14-dev groff-base util-linux
           slurm-wlm munge python3-yaml)
# The Python package (python/): pip installs it (python3-pip); its tests run with pytest
# (python3-pytest), read trials_dataframe() with pandas (python3-pandas) and install it into
# a fresh virtual environment (python3-venv), and build knob.visualization's figures with
# plotly (python3-plotly), which validates every trace and layout property; its examples use
# python3-sklearn and run on python3-optuna too (both in peer_pkgs).
test_pkgs+=(python3-pip python3-pytest python3-pandas python3-venv python3-plotly)
# The browser tests (tests/browser): headless Chromium, driven by playwright-core from npm.
test_pkgs+=(chromium)
# strace: cli.sqlite_close checks that a `knob tell` syncs its WAL before it exits.
tool_pkgs=(python3 valgrind strace)
peer_pkgs=(python3-optuna python3-cmaes python3-sklearn python3-psycopg2)
# Benchmarks only (KNOB_WITH_BENCH=1 bash scripts/deps.sh; not in CI's default set): Optuna
# 4.2+'s GPSampler, a column of bench/bayesmark, needs torch (python3-torch); SMAC3, the
# peer of the smac sampler (bench/tpe/smac3_peer.sh), needs SWIG and a compiler for its
# forest (swig, python3-dev, python3-setuptools) and dask, emcee, regex and psutil.
bench_pkgs=(python3-torch swig python3-dev python3-setuptools python3-dask python3-distributed
            python3-emcee python3-regex python3-psutil)

want=("${build_pkgs[@]}" "${test_pkgs[@]}" "${tool_pkgs[@]}")
if [ "${KNOB_WITH_PEERS:-1}" = 1 ]; then
    want+=("${peer_pkgs[@]}")
fi
if [ "${KNOB_WITH_BENCH:-0}" = 1 ]; then
    want+=("${bench_pkgs[@]}")
fi

missing=()
for p in "${want[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed'; then
        missing+=("$p")
    fi
done

if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi

sudo=""
if [ "$(id -u)" != 0 ]; then
    sudo="sudo"
fi
echo "knob: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
