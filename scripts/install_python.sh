#!/usr/bin/env bash
# Installs the Python package (python/, `import knob`) with pip, offline, into Debian's
# python3 and into the python3 first on PATH when that is another interpreter (pyenv's, a
# virtual environment's). Run after building libknob into ./build (scripts/setup.sh does
# both): the wheel carries build/src/libknob.so, so the package finds its library with no
# environment variable. Debian's python3 is "externally managed" (PEP 668): as root its
# packages go to /usr/local/lib/python3.X/dist-packages, which Debian keeps for local
# installs, apart from apt's /usr/lib/python3/dist-packages.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -e build/src/libknob.so ] && [ -z "${KNOB_LIBRARY:-}" ]; then
    echo "install_python.sh: build libknob first (cmake -S . -B build && cmake --build build)" >&2
    exit 1
fi

install_into() { # python
    local py=$1 flags=(--no-deps --force-reinstall --disable-pip-version-check -q)
    if ! "$py" -m pip --version >/dev/null 2>&1; then
        echo "knob: $py has no pip; skipped" >&2
        return 0
    fi
    if "$py" -c 'import sys, sysconfig, os; sys.exit(0 if os.path.exists(os.path.join(sysconfig.get_path("stdlib"), "EXTERNALLY-MANAGED")) and sys.prefix == sys.base_prefix else 1)'; then
        flags+=(--break-system-packages)
    fi
    PIP_NO_INDEX=1 "$py" -m pip install "${flags[@]}" ./python
    echo "knob: installed the Python package for $py ($("$py" -c 'import sys; print(sys.version.split()[0])'))"
}

done_for=()
for py in /usr/bin/python3 "$(command -v python3 || true)"; do
    [ -n "$py" ] && [ -x "$py" ] || continue
    real=$("$py" -c 'import sys, os; print(os.path.realpath(sys.executable))' 2>/dev/null) || continue
    case " ${done_for[*]-} " in *" $real "*) continue ;; esac
    done_for+=("$real")
    install_into "$py"
done
