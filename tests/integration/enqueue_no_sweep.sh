#!/usr/bin/env bash
# knob enqueue into a study with no sweep stored (made from Python or C) checks the values
# against the distributions of its trials (the latest trial that has each param): inf, -inf,
# nan and 1e400 refused for any param, a fraction for an int, a value out of range or not a
# choice, each with exit status 2 naming the param and what it holds, nothing enqueued; a
# name no trial has is enqueued with a warning naming the params the trials have. Each was
# enqueued without a word (inf as the string "inf"), and a worker then drew other values.
source "$(dirname "$0")/lib.bash"
cat > mk.c <<'C'
#include "knob.h"
#include <stdio.h>
#define CHECK(x) do { if ((x) != KNOB_OK) { fprintf(stderr, "%s: %s\n", #x, knob_errmsg()); return 1; } } while (0)
/* "en": x float in [-10, 10], y int in [0, 5], c one of ["inf", "a", "1"]; "fresh": no trial */
int main(int argc, char **argv)
{
    (void)argc;
    knob_storage *st;
    knob_study *s;
    CHECK(knob_storage_open(argv[1], &st));
    CHECK(knob_study_create(st, "en", NULL, &s));
    for (int i = 0; i < 2; i++) {
        knob_trial *t;
        double x, v = i;
        int64_t y;
        const char *c[] = {"inf", "a", "1"};
        size_t k;
        CHECK(knob_study_ask(s, &t));
        CHECK(knob_trial_suggest_float(t, "x", -10, 10, 0, 0, &x));
        CHECK(knob_trial_suggest_int(t, "y", 0, 5, 1, 0, &y));
        CHECK(knob_trial_suggest_categorical(t, "c", c, 3, &k));
        CHECK(knob_study_tell(s, t, KNOB_TRIAL_COMPLETE, &v, 1));
    }
    knob_study_free(s);
    CHECK(knob_study_create(st, "fresh", NULL, &s));
    knob_study_free(s);
    knob_storage_close(st);
    return 0;
}
C
cc_knob mk mk.c
U="sqlite:///$T/s.db"
S="--storage $U"
./mk "$U" || fail "the studies"
refused() { # STUDY ARG MESSAGE
    local rc=0
    "$KNOB" enqueue "$1" "$2" $S > out.txt 2> err.txt || rc=$?
    expect_eq "$rc" 2 "$2: exit status ($(cat out.txt err.txt))"
    grep -qF "$3" err.txt || fail "$2: $(cat err.txt)"
}
x="in the trials of study 'en' (which has no sweep stored), 'x' is a number in [-10, 10]"
refused en x=inf "knob enqueue: 'x' cannot be inf: $x"
refused en x=-inf "'x' cannot be -inf: $x"
refused en x=1e400 "'x' cannot be 1e400: $x"
refused en x=nan "'x' cannot be nan: $x"
refused en x=11 "'x' cannot be 11: $x"
refused en x=abc "'x' cannot be abc: $x"
refused en y=2.5 "'y' cannot be 2.5: in the trials of study 'en' (which has no sweep stored), 'y' is a whole number in [0, 5]"
refused en y=6 "'y' cannot be 6:"
refused en c=b "'c' cannot be b: in the trials of study 'en' (which has no sweep stored), 'c' is one of [\"inf\", \"a\", \"1\"]"
refused en z=inf "'z' cannot be inf: a number that is not finite is no param's value"
refused fresh x=1e400 "'x' cannot be 1e400: a number that is not finite is no param's value"
expect_eq "$("$KNOB" trials en $S --json | py 'len(d)')" 2 "nothing enqueued"
# values the trials' distributions hold
"$KNOB" enqueue en x=2.5 y=3.0 c=inf $S > out.txt 2> err.txt || fail "enqueue: $(cat err.txt)"
grep -qF 'enqueued {"x":2.5,"y":3,"c":"inf"}' out.txt || fail "enqueued: $(cat out.txt)"
[ ! -s err.txt ] || fail "said: $(cat err.txt)"
# a number given for a choice held only as a string is that string (it was refused, and the
# message listed the choice as the number it is not)
"$KNOB" enqueue en c=1 $S > out.txt 2> err.txt || fail "enqueue c=1: $(cat err.txt)"
grep -qF 'enqueued {"c":"1"}' out.txt || fail "enqueued c=1: $(cat out.txt)"
# a name no trial has: a warning that names the trials' params
"$KNOB" enqueue en z=3 $S > out.txt 2> err.txt || fail "enqueue z: $(cat err.txt)"
grep -qF "warning: study 'en' has no sweep stored, and no trial of it has 'z' (its trials' params: 'x', 'y', 'c')" err.txt ||
    fail "no warning of z: $(cat err.txt)"
"$KNOB" enqueue fresh x=0.5 $S > out.txt 2> err.txt || fail "enqueue fresh: $(cat err.txt)"
grep -qF "warning: study 'fresh' has no sweep stored and no trial with params yet" err.txt ||
    fail "no warning of the unchecked values: $(cat err.txt)"
echo ok
