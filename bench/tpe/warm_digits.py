#!/usr/bin/env python3
"""The digits-MLP warm pair: examples/digits/train.c on two halves of the UCI digits (rows
0, 2, 4, ... and rows 1, 3, 5, ...), tuned through the knob CLI. Per seed: a source study of
T trials on the first half, a cold study of T trials on the second half (its best
validation loss, and the trial that first reached it), and a study on the second half
warm-started from the source (the `warm_start:` key): the trials it needs to reach the cold
study's best (T + 1: never). One JSON line per seed, the fields of `bench_tpe warm`, so
warm_table.py makes the table.

The measure (--rescore R, default 10). The objective is deterministic (every trial trains
with --seed 0) but a noisy function of the params: the program's seeds 1-9 at a run's best
configuration give losses about 0.03 above the seed-0 draw that made it the best, and a step
of 1 in hidden is another such draw. "Trials to reach the cold run's best value" then counts
the wait for a draw as lucky as the cold run's luckiest. So each run's incumbents (the
trials that lowered its best value, in order) are re-scored as the mean val_loss over the
program's seeds 0 .. R-1, run after the search (a diverged seed counts as infinite). The cold
run's target is the re-scored loss of its final incumbent (what it returns after T trials);
"cold_trials" is the first trial whose incumbent re-scores at or below it, "warm_trials" the
first trial of the warm run whose incumbent does (T + 1: never). "cold_true" and "warm_true"
are the final incumbents' re-scored losses; "raw_cold_trials" and "raw_warm_trials" the
measure on the single draws (what --rescore 0 reports as cold_trials and warm_trials).

Space: lr (log, 1e-4..1), hidden (8..128), weight_decay (log, 1e-6..1e-2), momentum
(0..0.99); 10 epochs, batches of 32; the metric is the last epoch's val_loss (minimized:
the validation set is 180 samples, so val_accuracy ties too often to count trials to it).

    warm_digits.py --knob build/knob --train build/examples/digits/digits_train
                   [--sampler tpe|gp] [--seeds S] [--first-seed F] [--trials T]
                   [--options "k: v, ..."] [--warm-options "k: v, ...|k: v, ..."]
                   [--keep DIR] [--rescore R] [--average K]

--average K: a trial's loss is the mean of the program's last val_loss over its seeds 0 ..
K-1 (a wrapper script runs it K times; a training that diverges fails the trial as one run's
does), a smoother objective for the search; the measure (--rescore) is unchanged.

--warm-options: variants of the warm study alone, separated by '|' (an empty one: as
--options; "warm_start_first: N" goes to the key warm_start as first: N); the source and
cold studies are made once a seed, and each variant prints a line, its "options" the two
lists joined.

Each seed's studies (s<seed>/s.db) and trial logs (s<seed>/knob-runs/) go to a temporary
directory, removed at the end, or to DIR with --keep (created; a seed's old study file is
removed first). Processes run side by side and seeds share no file. "failed" counts the
trials of the source, cold and warm studies that did not complete (their reasons go to
stderr). The program's own failures (exit status 1: training diverged at a large lr) belong to
the objective; any other (the program could not start) means the run measured something else,
and the script exits with status 1. A seen cause: a rebuild of the build tree while the script
runs. digits_train loads libknob.so from it, and the trials started while the library is being
relinked fail at once ("file too short"), each counted as never reaching anything.
"""
import argparse, contextlib, gzip, json, os, subprocess, sys, tempfile

SPACE = """parameters:
  lr: {distribution: log_uniform_values, min: 0.0001, max: 1.0}
  hidden: {distribution: int_uniform, min: 8, max: 128}
  weight_decay: {distribution: log_uniform_values, min: 0.000001, max: 0.01}
  momentum: {min: 0.0, max: 0.99}
"""


def sweep(path, a, data, sampler, options, warm):
    opts = options or ""
    # warm_start_first is set by the key warm_start (first: N), not beside it
    parts = [o for o in opts.split(",") if o.strip()]
    first = [o for o in parts if o.split(":")[0].strip() == "warm_start_first"]
    # the other warm_start_* options act with a source alone (refused without one): the source
    # and cold runs go without them
    cold = [o for o in parts if o.split(":")[0].strip().startswith("warm_start_") and not warm]
    opts = ", ".join(o.strip() for o in parts if o not in first and o not in cold)
    train = a.average_program or a.train
    with open(path, "w") as f:
        f.write(f'command: [{train}, "--data={data}", "--epochs=10", "--batch_size=32", '
                f'"${{args}}"]\n')
        f.write("metric: {name: val_loss, goal: minimize}\n")
        f.write(f"sampler: {{name: {sampler}, options: {{{opts}}}}}\n")
        if warm:
            n = f", first: {first[-1].split(':')[1].strip()}" if first else ""
            f.write(f"warm_start: {{study: {warm}{n}}}\n")
        f.write(SPACE)


FAILED = []


def run(a, yaml, db, study, seed):
    subprocess.run([a.knob, "run", yaml, "--storage", db, "--study", study, "--trials",
                    str(a.trials), "--seed", str(seed)], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   cwd=os.path.dirname(yaml))
    return read_trials(a, db, study)


def read_trials(a, db, study):
    """(value, params) of each trial of a study, in order (a trial not complete: inf)."""
    out = subprocess.run([a.knob, "trials", study, "--storage", db, "--format", "json"],
                         check=True, capture_output=True, text=True).stdout
    trials = sorted(json.loads(out), key=lambda t: t["number"])
    for t in trials:
        if t["state"] != "complete":
            why = t.get("system_attrs", {}).get("fail_reason", t["state"])
            if not why.startswith("exit status 1;"):
                FAILED.append(why)
            print(f"warm_digits: {db} {study} trial {t['number']}: {why}", file=sys.stderr)
    return [(t["values"][0] if t["state"] == "complete" else float("inf"), t.get("params", {}))
            for t in trials]


def incumbents(run_):
    """(trial index, params) of each trial that lowered the run's best value, in order."""
    out, best = [], float("inf")
    for i, (v, params) in enumerate(run_):
        if v < best:
            best = v
            out.append((i, params))
    return out


AVERAGE = """#!/bin/sh
# digits_train's last val_loss, the mean over its seeds 0 .. K-1 (--average K); a training
# that diverged (exit status 1) fails the trial as a single one does
k=%d
s=0
all=
while [ $s -lt $k ]; do
    out=$(%s "$@" --seed=$s) || exit $?
    v=$(printf '%%s\\n' "$out" | tail -n 1 | sed -n 's/.*"val_loss": *\\([^,}]*\\).*/\\1/p')
    [ -n "$v" ] || { echo "no val_loss in seed $s's output" >&2; exit 3; }
    all="$all $v"
    s=$((s + 1))
done
echo "$all" | awk '{ t = 0; for (i = 1; i <= NF; i++) t += $i; printf "{\\"val_loss\\": %%.9g}\\n", t / NF }'
"""


def arg(v):
    return str(v) if isinstance(v, int) else repr(float(v))


RESCORED = {}


def rescore(a, data, params):
    """The mean val_loss of one configuration over the program's seeds 0 .. R-1 (a seed
    whose training diverged counts as infinite); cached per data and configuration."""
    key = (data, json.dumps(params, sort_keys=True))
    if key not in RESCORED:
        total = 0.0
        for seed in range(a.rescore):
            cmd = [a.train, f"--data={data}", "--epochs=10", "--batch_size=32", f"--seed={seed}"]
            cmd += [f"--{k}={arg(v)}" for k, v in sorted(params.items())]
            r = subprocess.run(cmd, capture_output=True, text=True)
            lines = [ln for ln in r.stdout.splitlines() if ln.startswith("{")]
            if r.returncode == 1 or not lines:
                if r.returncode not in (0, 1):
                    FAILED.append(f"rescore exit status {r.returncode}: {r.stderr.strip()}")
                total = float("inf")
                break
            total += json.loads(lines[-1])["val_loss"]
        RESCORED[key] = total / a.rescore
    return RESCORED[key]


def trials_to(a, data, run_, target):
    """The first trial (1-based) whose incumbent re-scores at or below target; T + 1: never.
    With the incumbents' re-scored losses."""
    for i, params in incumbents(run_):
        if rescore(a, data, params) <= target:
            return i + 1
    return a.trials + 1


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--knob", required=True)
    p.add_argument("--train", required=True)
    p.add_argument("--data", default=os.path.join(os.path.dirname(__file__),
                                                  "../../examples/digits/digits.csv.gz"))
    p.add_argument("--sampler", default="tpe")
    p.add_argument("--seeds", type=int, default=1)
    p.add_argument("--first-seed", type=int, default=0)
    p.add_argument("--trials", type=int, default=100)
    p.add_argument("--options", default="")
    p.add_argument("--warm-options", default=None)
    p.add_argument("--keep", default=None)
    p.add_argument("--rescore", type=int, default=10,
                   help="the program's seeds each incumbent is re-scored over (0: single draws)")
    p.add_argument("--average", type=int, default=1,
                   help="a trial's val_loss is the mean over the program's seeds 0 .. K-1 "
                        "(1: seed 0's alone)")
    a = p.parse_args()
    a.knob, a.train = os.path.abspath(a.knob), os.path.abspath(a.train)
    a.average_program = None
    with gzip.open(a.data, "rt") as f:
        rows = [r for r in f.read().splitlines() if r.strip()]
    if a.keep:
        os.makedirs(a.keep, exist_ok=True)
    with (contextlib.nullcontext(os.path.abspath(a.keep)) if a.keep
          else tempfile.TemporaryDirectory()) as tmp:
        if a.average > 1:
            a.average_program = os.path.join(tmp, "average.sh")
            with open(a.average_program, "w") as f:
                f.write(AVERAGE % (a.average, a.train))
            os.chmod(a.average_program, 0o755)
        halves = []
        for h in range(2):
            path = os.path.join(tmp, f"half{h}.csv")
            with open(path, "w") as f:
                f.write("\n".join(rows[h::2]) + "\n")
            halves.append(path)
        for seed in range(a.first_seed, a.first_seed + a.seeds):
            here = os.path.join(tmp, f"s{seed}")  # this seed's studies, sweep file and logs
            os.makedirs(here, exist_ok=True)
            if os.path.exists(f"{here}/s.db"):
                os.remove(f"{here}/s.db")
            db = f"sqlite:///{here}/s.db"
            y = os.path.join(here, "s.yaml")
            sweep(y, a, halves[0], a.sampler, a.options, None)
            src = run(a, y, db, "source", seed + 1000)
            sweep(y, a, halves[1], a.sampler, a.options, None)
            cold = run(a, y, db, "cold", seed)
            variants = a.warm_options.split("|") if a.warm_options is not None else [""]
            for i, variant in enumerate(variants):
                opts = ", ".join(o for o in (a.options, variant) if o)
                sweep(y, a, halves[1], a.sampler, opts, "source")
                name = "warm" if i == 0 else f"warm{i}"
                warm = run(a, y, db, name, seed)
                cv, wv = [v for v, _ in cold], [v for v, _ in warm]
                best = min(cv)
                raw_cold = cv.index(best) + 1
                raw_warm = next((i + 1 for i, v in enumerate(wv) if v <= best), a.trials + 1)
                line = {"func": "digits", "sampler": a.sampler, "source": "other_half",
                        "seed": seed, "trials": a.trials, "options": opts, "average": a.average,
                        "source_best": min(v for v, _ in src), "cold_best": best,
                        "cold_trials": raw_cold, "warm_trials": raw_warm, "warm_best": min(wv),
                        "failed": sum(v == float("inf") for v, _ in src + cold + warm)}
                if a.rescore > 0 and incumbents(cold) and incumbents(warm):
                    target = rescore(a, halves[1], incumbents(cold)[-1][1])
                    line.update({"rescore": a.rescore, "cold_true": target,
                                 "warm_true": rescore(a, halves[1], incumbents(warm)[-1][1]),
                                 "raw_cold_trials": raw_cold, "raw_warm_trials": raw_warm,
                                 "cold_trials": trials_to(a, halves[1], cold, target),
                                 "warm_trials": trials_to(a, halves[1], warm, target)})
                print(json.dumps(line),
                      flush=True)
    if FAILED:
        print(f"warm_digits: {len(FAILED)} trials could not run", file=sys.stderr)
        sys.exit(1)

if __name__ == "__main__":
    main()
