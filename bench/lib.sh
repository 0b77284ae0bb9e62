# Shared by the benchmarks' run.sh scripts (sourced, POSIX sh).

# Python with Debian's Optuna: a python3 earlier on PATH (pyenv's) may not have it.
py=/usr/bin/python3

# OpenBLAS (linked by libknob for LAPACK, and by numpy) starts spinning worker threads;
# neither side needs them here, and on a small machine they steal the CPU.
export OPENBLAS_NUM_THREADS=1

# bench_build ROOT BUILD TARGET: configures BUILD (RelWithDebInfo) and builds TARGET.
bench_build() {
    cmake -S "$1" -B "$2" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
    cmake --build "$2" -j2 --target "$3" >/dev/null
}

# bench_machine BUILD: the Markdown lines that say where and with what a run was made.
bench_machine() {
    echo "- CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores;" \
         "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "- knob: $(grep -m1 CMAKE_BUILD_TYPE "$1/CMakeCache.txt" | cut -d= -f2) build; Optuna" \
         "$($py -c 'import optuna; print(optuna.__version__)' 2>/dev/null || echo '(missing)')," \
         "$($py -c 'import numpy; print("numpy", numpy.__version__)' 2>/dev/null)"
}
