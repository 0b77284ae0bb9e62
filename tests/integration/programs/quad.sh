#!/usr/bin/env bash
# loss = (x - CX)^2 + (y - CY)^2 from --x=... --y=... (CX, CY from the environment,
# default 0), and an extra `a=` argument is accepted.
x=0 y=0
for a in "$@"; do
    case "$a" in
    --x=*) x=${a#--x=} ;;
    --y=*) y=${a#--y=} ;;
    esac
done
awk -v x="$x" -v y="$y" -v cx="${CX:-0}" -v cy="${CY:-0}" \
    'BEGIN { printf "loss=%.12g\n", (x - cx) ^ 2 + (y - cy) ^ 2 }'
