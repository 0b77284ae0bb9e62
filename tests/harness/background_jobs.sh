#!/usr/bin/env bash
# The integration tests that run knob in the background check each job's exit status: a job
# that does its work and then exits non-zero fails the test (a bare `wait` would not see it).
set -euo pipefail
: "${KNOB:?}" "${KNOB_SRC:?}"
T="${KNOB_TEST_TMP:-/tmp}/harness-jobs-$$"
rm -rf "$T"
mkdir -p "$T"
trap 'rm -rf "$T"' EXIT
failed=0

# knob as the tests run it, but the invocation whose stdout is the file named by FAIL_OUT
# exits 3 after it has done its work.
cat > "$T/knob" <<SH
#!/usr/bin/env bash
out=\$(readlink /proc/\$\$/fd/1 || true)
rc=0
"$KNOB" "\$@" || rc=\$?
if [ "\$rc" = 0 ] && [ "\${out##*/}" = "\$FAIL_OUT" ]; then exit 3; fi
exit \$rc
SH
chmod +x "$T/knob"

expect_failure() { # script fail-out message
    local rc=0
    KNOB="$T/knob" FAIL_OUT=$2 bash "$KNOB_SRC/tests/integration/$1" > "$T/out.txt" 2>&1 || rc=$?
    if [ "$rc" = 1 ] && grep -q "$3" "$T/out.txt"; then
        echo "ok: $1 fails when the job writing $2 exits 3"
    else
        echo "FAIL: $1 with the job writing $2 exiting 3: exit status $rc, expected 1" \
            "and '$3'; output:" >&2
        sed 's/^/    /' "$T/out.txt" >&2
        failed=1
    fi
}

expect_failure parallel.sh a.txt "the first run"
if [ -n "${KNOB_TEST_PG_URL:-}" ]; then
    expect_failure worker_pg.sh w2.txt "worker 2"
else
    echo "SKIP: KNOB_TEST_PG_URL is not set: worker_pg.sh is not checked" >&2
    [ "$failed" = 0 ] && exit 77
fi
exit $failed
