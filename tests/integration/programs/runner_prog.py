#!/usr/bin/env python3
"""A trial program for the runner's tests. Writes its pid to $KNOB_TRIAL_DIR/pid, then by
--mode=...:
  flood     prints metric records (key=value) as fast as it can for --seconds=S (30)
  errflood  the same on stderr, one record on stdout at the end
  long      lines longer than any buffer: a record split by a 16 KB buffer would read
            loss=0.001; the trial's value is 0.25, from a 200 KB JSON line
  family    starts a child (sleep 300, its pid in child.pid) and waits for it
  wait      waits (60 s at most) for the file go.<trial number> in the current directory,
            then prints loss=--loss (1.0)
  signal    kills itself with SIGUSR2
  ok        prints loss=--loss (1.0)
and exits with status --exit (0)."""
import os, signal, sys, time

args = {"mode": "ok", "seconds": "30", "loss": "1.0", "exit": "0"}
for a in sys.argv[1:]:
    if a.startswith("--") and "=" in a:
        k, v = a[2:].split("=", 1)
        args[k] = v
mode = args["mode"]
tdir = os.environ.get("KNOB_TRIAL_DIR", ".")
with open(os.path.join(tdir, "pid"), "w") as f:
    f.write(str(os.getpid()))

if mode in ("flood", "errflood"):
    out = sys.stdout if mode == "flood" else sys.stderr
    end = time.time() + float(args["seconds"])
    step = 0
    while time.time() < end:
        # a new step each time: every record is an intermediate value to store
        out.write("".join("step=%d loss=%d\n" % (i, i) for i in range(step, step + 1000)))
        step += 1000
    out.flush()
    print("loss=0.5", flush=True)
elif mode == "long":
    print("loss=0.5", flush=True)
    # 16383 bytes, then a pair: a reader that cuts lines at 16 KB sees "loss=0.001"
    print("a" * 16383 + "loss=0.001", flush=True)
    # one record of 200 KB: within the limit, parsed whole
    print('{"pad": "%s", "loss": 0.25}' % ("x" * 200000), flush=True)
    # beyond the 1 MiB limit: skipped whole, never parsed
    print("b" * (2 << 20) + " loss=0.002", flush=True)
    # the same on stderr: kept in the log, never parsed
    print("c" * 100000 + " loss=0.003", file=sys.stderr, flush=True)
elif mode == "family":
    pid = os.fork()
    if pid == 0:
        os.execvp("sleep", ["sleep", "300"])
    with open(os.path.join(tdir, "child.pid"), "w") as f:
        f.write(str(pid))
    os.waitpid(pid, 0)
    print("loss=1.0", flush=True)
elif mode == "wait":
    go = "go.%s" % os.environ.get("KNOB_TRIAL_NUMBER", "")
    end = time.time() + 60
    while not os.path.exists(go) and time.time() < end:
        time.sleep(0.05)
    print("loss=%s" % args["loss"], flush=True)
elif mode == "signal":
    os.kill(os.getpid(), signal.SIGUSR2)
else:
    print("loss=%s" % args["loss"], flush=True)
sys.exit(int(args["exit"]))
