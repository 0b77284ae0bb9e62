#!/bin/sh
# Prints metric records in the style given by --style=json|kv|colon, among ordinary log
# lines. Reads its stdin to the end first: knob gives trials /dev/null, so this returns at
# once (a trial reading the terminal would hang).
style=json
for a in "$@"; do
    case "$a" in --style=*) style=${a#--style=} ;; esac
done
cat > /dev/null
echo "starting: $style"
case $style in
json)
    echo '{"step": 10, "loss": 3.0}'
    echo '{"step": 20, "loss": 2.5, "acc": 0.25}'
    echo '{"step": 30, "loss": "2.0", "acc": 0.5}'
    ;;
kv)
    echo "epoch=1 loss=3.0"
    echo "some log line, nothing to see"
    echo "epoch=2, loss=2.5, acc=0.25"
    echo "epoch=3,loss=2.0,acc=0.5"
    ;;
colon)
    echo "loss: 3.0"
    echo "loss: 2.5  acc: 0.25"
    printf 'loss: 2.0 | acc: 0.5'   # the last line without a newline
    ;;
esac
echo "done" >&2
