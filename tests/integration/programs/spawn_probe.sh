#!/bin/sh
# Prints what the trial's process was given: its parent, ignored and blocked signals, its
# open descriptors, stdin and the environment knob sets; and loss=1. With quiet=0 it also
# writes a line on stderr.
status=/proc/$$/status
echo "ppid=$(sed -n 's/^PPid:[[:space:]]*//p' $status)"
echo "sigign=$(sed -n 's/^SigIgn:[[:space:]]*//p' $status)"
echo "sigblk=$(sed -n 's/^SigBlk:[[:space:]]*//p' $status)"
echo "fds=$(ls /proc/$$/fd | sort -n | tr '\n' ' ')"
echo "stdin=$(readlink /proc/$$/fd/0)"
echo "number=$KNOB_TRIAL_NUMBER dir=$KNOB_TRIAL_DIR study=$KNOB_STUDY params=$KNOB_PARAMS_JSON"
echo "inherited=${KNOB_SPAWN_TEST_VAR:-unset}"
[ "${1:-}" = "--quiet=0" ] && echo "a line on stderr" >&2
echo "loss=1"
