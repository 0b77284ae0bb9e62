#!/usr/bin/env bash
# A knob without its web page says why: built with -DKNOB_WEB=OFF (KNOB_WEB_OFF), it says
# the page was turned off and how to turn it on; built where node or npm was missing, it says
# to install them. It said "node and npm were not found" in both cases, also where they were
# installed. src/cli/web_page.c is built here both ways (a build with the page, this one
# most often, cannot show either message); a build of KNOB_WEB=OFF is checked as well.
source "$(dirname "$0")/lib.bash"
cc=${CC:-cc}
command -v "$cc" > /dev/null || skip "no C compiler ($cc)"
cat > main.c <<'C'
#include "cli/web.h"
int main(void)
{
    size_t len = 1;
    return cli_web_page(&len) == NULL && len == 0 && cli_web_missing("report") == -1 ? 0 : 1;
}
C
for off in 1 0; do
    "$cc" -std=c11 -Wall -Wextra -Werror -I"$KNOB_SRC/include" -I"$KNOB_SRC/src" \
        $([ $off = 1 ] && echo -DKNOB_WEB_OFF) main.c "$KNOB_SRC/src/cli/web_page.c" \
        -o "missing$off" 2> err.txt || fail "web_page.c: $(cat err.txt)"
    "./missing$off" 2> "err$off.txt" || fail "cli_web_missing: $(cat "err$off.txt")"
done
off="knob report: this knob was built without its web page (configured with -DKNOB_WEB=OFF)"
grep -qF "$off: configure with -DKNOB_WEB=ON" err1.txt || fail "KNOB_WEB=OFF: $(cat err1.txt)"
! grep -q "not found" err1.txt || fail "KNOB_WEB=OFF: $(cat err1.txt)"
grep -qF "knob report: this knob was built without its web page (node and npm were not found" \
    err0.txt || fail "no node: $(cat err0.txt)"
if [ -n "${KNOB_BUILD:-}" ] && grep -q '^KNOB_WEB:STRING=OFF$' "$KNOB_BUILD/CMakeCache.txt"; then
    rc=0
    "$KNOB" report s --storage "sqlite:///$T/s.db" -o r.html 2> err.txt || rc=$?
    expect_eq "$rc" 1 "knob report built with KNOB_WEB=OFF"
    cmp -s err.txt err1.txt || fail "knob report built with KNOB_WEB=OFF: $(cat err.txt)"
fi
echo ok
