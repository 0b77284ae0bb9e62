#!/usr/bin/env bash
# The sweep parser builds without a warning at -O3 (CMAKE_BUILD_TYPE=Release builds with
# -Werror, and GCC's -Wmaybe-uninitialized sees more at -O3 than at -O2).
source "$(dirname "$0")/lib.bash"
cc=${CC:-cc}
command -v "$cc" > /dev/null || skip "no C compiler ($cc)"
for f in sweep.c sweep_yaml.c sweep_params.c params.c; do
    "$cc" -std=c11 -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L -I"$KNOB_SRC/include" \
        -I"$KNOB_SRC/src" $(pkg-config --cflags yaml-0.1 2> /dev/null) -O3 -DNDEBUG -Wall \
        -Wextra -Werror -Wshadow -Wstrict-prototypes -Wno-unused-parameter \
        -Wno-format-truncation -c "$KNOB_SRC/src/cli/$f" -o "$T/${f%.c}.o" 2> err.txt ||
        fail "$f at -O3: $(cat err.txt)"
done
echo ok
