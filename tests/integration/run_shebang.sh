#!/usr/bin/env bash
# A script whose #! interpreter is missing (a removed environment; "#!/bin/sh\r" of a script
# saved with Windows line ends) made execve fail with ENOENT, said as the script missing
# ("cannot run './b.sh': No such file or directory"): the interpreter is named, its \r shown.
source "$(dirname "$0")/lib.bash"
sweep() { # file script
    printf 'command: [./%s]\nmethod: random\nmetric: {name: loss}\nparameters:\n  x: {min: 0.0, max: 1.0}\n' "$2" > "$1"
}
S="--storage sqlite:///$T/s.db"
reason() { "$KNOB" trials "$1" $S --format json | py 'd[0]["system_attrs"]["fail_reason"]'; }
printf '#!/nonexistent/interp -u\necho loss=0.5\n' > b.sh
printf '#!/bin/sh\r\necho loss=0.5\r\n' > c.sh
chmod +x b.sh c.sh
sweep b.yaml b.sh
sweep c.yaml c.sh
"$KNOB" run b.yaml $S --study b --trials 1 > b.txt 2>&1 && fail "b ran"
expect_eq "$(reason b)" "$(printf '%s\n%s' 'exit status 127; stderr:' \
    "knob: cannot run './b.sh': No such file or directory (the script is there, not the interpreter its #! line names: '/nonexistent/interp')")" \
    "a missing interpreter"
"$KNOB" run c.yaml $S --study c --trials 1 > c.txt 2>&1 && fail "c ran"
expect_eq "$(reason c)" "$(printf '%s\n%s' 'exit status 127; stderr:' \
    "knob: cannot run './c.sh': No such file or directory (the script is there, not the interpreter its #! line names: '/bin/sh\\r', whose \\r is a Windows line end (CRLF) the script was saved with)")" \
    "a CRLF #! line"
# a script that is not there is said as before
sweep gone.yaml gone.sh
"$KNOB" run gone.yaml $S --study gone --trials 1 > gone.txt 2>&1 && fail "gone ran"
expect_eq "$(reason gone)" "$(printf '%s\n%s' 'exit status 127; stderr:' \
    "knob: cannot run './gone.sh': No such file or directory")" "a missing script"
echo ok
