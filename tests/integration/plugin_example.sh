#!/usr/bin/env bash
# examples/plugin builds with its own Makefile against the build tree's libknob, as a
# user's plugin would, and works: run_study registers the localsearch sampler and, on 200
# trials of seeds 1..5, gets below 0.1 where random search with the same budget and seeds
# stays above it (random reaches 0.1 with a chance near 2e-5 per seed; localsearch's best
# over seeds 1..20 is 0.04). Then liblocalsearch.so, loaded with dlopen, registers the
# sampler through knob_plugin_init, as the CLI will load plugins.
source "$(dirname "$0")/lib.bash"
: "${KNOB_BUILD:?KNOB_BUILD must name the build tree}"
LIB="$KNOB_BUILD/src"
[ -e "$LIB/libknob.so" ] || fail "no libknob.so in $LIB"
command -v make > /dev/null || fail "make is not installed (scripts/deps.sh installs build-essential)"

# A sanitized libknob needs its runtime linked first into whatever loads it.
san=""
if grep -q '^KNOB_SANITIZE:BOOL=ON' "$KNOB_BUILD/CMakeCache.txt" 2> /dev/null; then
    san="-fsanitize=address,undefined"
fi
make -s -f "$KNOB_SRC/examples/plugin/Makefile" KNOB_INCLUDE="$KNOB_SRC/include" KNOB_LIB="$LIB" \
    LDFLAGS="$san" \
    OUT="$T" CFLAGS="-O2 -Wall -Wextra -Werror" > make.txt 2>&1 || fail "make: $(cat make.txt)"

"$T/run_study" 200 5 > study.txt 2> err.txt || fail "run_study: $(cat err.txt)"
[ "$(wc -l < study.txt)" = 5 ] || fail "run_study printed: $(cat study.txt)"
while read -r _ seed _ ls _ rs; do
    python3 -c "import sys; sys.exit(not (float('$ls') < 0.1 <= float('$rs')))" ||
        fail "seed $seed: localsearch $ls, random $rs (localsearch must be below 0.1, random not)"
done < study.txt

# The same sampler through the plugin entry point, in a program that does not link it.
cat > load.c <<'C'
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#include <knob.h>

int main(int argc, char **argv)
{
    void *so = argc == 2 ? dlopen(argv[1], RTLD_NOW | RTLD_LOCAL) : NULL;
    if (!so) {
        fprintf(stderr, "dlopen: %s\n", dlerror());
        return 1;
    }
    knob_plugin_init_fn init;
    *(void **)&init = dlsym(so, KNOB_PLUGIN_INIT_SYMBOL);
    knob_sampler *s;
    if (!init || init() != KNOB_OK) {
        fprintf(stderr, "init: %s\n", init ? knob_errmsg() : "no knob_plugin_init");
        return 1;
    }
    if (init() != KNOB_EEXIST) {
        fprintf(stderr, "a second init registered the name again\n");
        return 1;
    }
    if (knob_sampler_create("localsearch", "seed=1,shape=laplace", &s) != KNOB_EINVAL) {
        fprintf(stderr, "shape=laplace was taken\n");
        return 1;
    }
    printf("%s\n", knob_errmsg());
    if (knob_sampler_create("localsearch", "seed=1,shape=cauchy", &s) != KNOB_OK) {
        fprintf(stderr, "create: %s\n", knob_errmsg());
        return 1;
    }
    knob_sampler_free(s);
    const knob_sampler_plugin *all[64];
    size_t n = knob_sampler_list(all, 64);
    printf("last listed: %s of %zu\n", all[n - 1]->name, n);
    return 0;
}
C
cc -std=c11 -Wall -Wextra -Werror $san -I"$KNOB_SRC/include" load.c -o load -L"$LIB" \
    -Wl,-rpath,"$LIB" -lknob -ldl > cc.txt 2>&1 || fail "cc load.c: $(cat cc.txt)"
./load "$T/liblocalsearch.so" > load.txt 2>&1 || fail "load: $(cat load.txt)"
grep -qx "sampler 'localsearch': option 'shape' must be one of gaussian or cauchy; got 'laplace'" \
    load.txt || fail "the enum's message: $(cat load.txt)"
grep -q "^last listed: localsearch of " load.txt || fail "listing: $(cat load.txt)"
echo "ok: $(tr '\n' ' ' < study.txt)"
