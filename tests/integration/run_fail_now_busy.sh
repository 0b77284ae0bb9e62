#!/usr/bin/env bash
# A trial that never ran (its directory cannot be made) is told FAIL, and the storage answers
# that its lock was held the whole timeout: knob run says the state was not saved and stops,
# without touching the trial's handle again (the tell frees it whatever the answer; the
# handle was detached after it, a double free). The lock's answer comes from a sampler whose
# after_trial returns KNOB_EBUSY, as a FAIL's write waiting out the lock would.
source "$(dirname "$0")/lib.bash"
: "${KNOB_BUILD:?KNOB_BUILD must name the build tree}"
san="" # a sanitized libknob needs its runtime linked into what loads it
if grep -q '^KNOB_SANITIZE:BOOL=ON' "$KNOB_BUILD/CMakeCache.txt" 2> /dev/null; then
    san="-fsanitize=address,undefined"
fi
cat > busy.c <<'C'
#include <knob.h>

static int sample(void *state, knob_study *s, knob_trial *t, const char *name,
                  const knob_distribution *d, double *internal)
{
    (void)state, (void)s, (void)t, (void)name;
    *internal = (d->low + d->high) / 2;
    return KNOB_OK;
}

static int after(void *state, knob_study *s, knob_trial *t, knob_trial_state st)
{
    (void)state, (void)s, (void)t, (void)st;
    return knob_set_error(KNOB_EBUSY, "the database is locked (the busy sampler)");
}

static const knob_sampler_plugin busy = {
    .version = KNOB_SAMPLER_PLUGIN_VERSION,
    .name = "busy",
    .help = "the middle of each range; its after_trial answers KNOB_EBUSY",
    .sample_independent = sample,
    .after_trial = after,
};

int knob_plugin_init(void) { return knob_sampler_register(&busy); }
C
cc -std=c11 -fPIC -shared $san -I"$KNOB_SRC/include" -o libbusy.so busy.c \
    -L"$KNOB_BUILD/src" -lknob -Wl,-rpath,"$KNOB_BUILD/src" || fail "cc busy.c"
cat > sweep.yaml <<YAML
command: ["/bin/echo", "loss=1"]
metric: {name: loss}
sampler: {name: busy}
plugins: [$T/libbusy.so]
run_cap: 1
parameters:
  x: {min: 0.0, max: 1.0}
YAML
mkdir knob-runs && touch knob-runs/s # the study's trial directories cannot be made
rc=0
"$KNOB" run sweep.yaml --storage "sqlite:///$T/db" --study s > out.txt 2> err.txt || rc=$?
[ "$rc" -ne 0 ] && [ "$rc" -lt 128 ] || fail "exit status $rc: $(cat err.txt)"
grep -q "trial 0: its state was not saved: .*the busy sampler" err.txt || fail "$(cat err.txt)"
grep -qi "AddressSanitizer\|double free\|free()" err.txt && fail "$(cat err.txt)"
expect_eq "$("$KNOB" trials s --storage "sqlite:///$T/db" --format json | py 'd[0]["state"]')" \
    running "trial 0's state, whose FAIL was not saved"
echo ok
