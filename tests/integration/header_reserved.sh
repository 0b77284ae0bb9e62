#!/usr/bin/env bash
# knob.h declares no identifier reserved to the implementation (a double underscore, or an
# underscore and a capital letter, reserved in C++; knob.h's X-macro for the status enum was
# KNOB__STATUS_ENUM, which clang++ -Wreserved-macro-identifier warns about), and the status
# codes its X-macro makes are there, in C and in C++.
source "$(dirname "$0")/lib.bash"
cat > use.c <<'C'
#include <knob.h>
int main(void)
{
    return KNOB_OK == 0 && KNOB_EINVAL == 1 && KNOB_EIO == 12 && knob_status_str(KNOB_EIO)[0]
               ? 0
               : 1;
}
C
cp use.c use.cpp
n=0
for cc in clang gcc; do
    command -v $cc > /dev/null || continue
    n=$((n + 1))
    flags=(-Wall -Wextra -pedantic -Werror -I"$KNOB_SRC/include" -fsyntax-only)
    [ $cc = clang ] && flags+=(-Wreserved-identifier -Wreserved-macro-identifier)
    $cc -std=c11 "${flags[@]}" use.c 2> err.txt || fail "$cc, knob.h in C: $(cat err.txt)"
    cxx=${cc/gcc/g++}
    cxx=${cxx/clang/clang++}
    command -v "$cxx" > /dev/null || continue
    "$cxx" -std=c++11 "${flags[@]}" use.cpp 2> err.txt || fail "$cxx, knob.h in C++: $(cat err.txt)"
done
[ $n -gt 0 ] || skip "neither clang nor gcc is installed"
# the same by name: what the compilers may not all warn about
grep -En '(^|[^A-Za-z0-9_])(_[A-Z_]|[A-Za-z0-9]+__)[A-Za-z0-9_]*' "$KNOB_SRC/include/knob.h" |
    grep -v '__cplusplus\|__GNUC__\|__attribute__' > reserved.txt &&
    fail "reserved names in knob.h: $(cat reserved.txt)"
echo ok
