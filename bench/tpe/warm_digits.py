#!/usr/bin/env python3
"""The digits-MLP warm pair: examples/digits/train.c on two halves of the UCI digits (rows
0, 2, 4, ... and rows 1, 3, 5, ...), tuned through the knob CLI. Per seed: a source study of
T trials on the first half, a cold study of T trials on the second half (its best
validation loss, and the trial that first reached it), and a study on the second half
warm-started from the source (the `warm_start:` key): the trials it needs to reach the cold
study's best (T + 1: never). One JSON line per seed, the fields of `bench_tpe warm`, so
warm_table.py makes the table.

Space: lr (log, 1e-4..1), hidden (8..128), weight_decay (log, 1e-6..1e-2), momentum
(0..0.99); 10 epochs, batches of 32; the metric is the last epoch's val_loss (minimized:
the validation set is 180 samples, so val_accuracy ties too often to count trials to it).

    warm_digits.py --knob build/knob --train build/examples/digits/digits_train
                   [--sampler tpe|gp] [--seeds S] [--first-seed F] [--trials T]
                   [--options "k: v, ..."] [--warm-options "k: v, ...|k: v, ..."]
                   [--keep DIR]

--warm-options: variants of the warm study alone, separated by '|' (an empty one: as
--options); the source and cold studies are made once a seed, and each variant prints a
line, its "options" the two lists joined.

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
    with open(path, "w") as f:
        f.write(f'command: [{a.train}, "--data={data}", "--epochs=10", "--batch_size=32", '
                f'"${{args}}"]\n')
        f.write("metric: {name: val_loss, goal: minimize}\n")
        f.write(f"sampler: {{name: {sampler}, options: {{{opts}}}}}\n")
        if warm:
            f.write(f"warm_start: {{study: {warm}}}\n")
        f.write(SPACE)


FAILED = []


def run(a, yaml, db, study, seed):
    subprocess.run([a.knob, "run", yaml, "--storage", db, "--study", study, "--trials",
                    str(a.trials), "--seed", str(seed)], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   cwd=os.path.dirname(yaml))
    out = subprocess.run([a.knob, "trials", study, "--storage", db, "--format", "json"],
                         check=True, capture_output=True, text=True).stdout
    trials = sorted(json.loads(out), key=lambda t: t["number"])
    for t in trials:
        if t["state"] != "complete":
            why = t.get("system_attrs", {}).get("fail_reason", t["state"])
            if not why.startswith("exit status 1;"):
                FAILED.append(why)
            print(f"warm_digits: {db} {study} trial {t['number']}: {why}", file=sys.stderr)
    return [t["values"][0] if t["state"] == "complete" else float("inf") for t in trials]


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
    a = p.parse_args()
    a.knob, a.train = os.path.abspath(a.knob), os.path.abspath(a.train)
    with gzip.open(a.data, "rt") as f:
        rows = [r for r in f.read().splitlines() if r.strip()]
    if a.keep:
        os.makedirs(a.keep, exist_ok=True)
    with (contextlib.nullcontext(os.path.abspath(a.keep)) if a.keep
          else tempfile.TemporaryDirectory()) as tmp:
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
                best = min(cold)
                at_cold = cold.index(best) + 1
                at_warm = next((i + 1 for i, v in enumerate(warm) if v <= best), a.trials + 1)
                print(json.dumps({"func": "digits", "sampler": a.sampler, "source": "other_half",
                                  "seed": seed, "trials": a.trials, "options": opts,
                                  "source_best": min(src), "cold_best": best,
                                  "cold_trials": at_cold, "warm_trials": at_warm,
                                  "warm_best": min(warm),
                                  "failed": sum(v == float("inf") for v in src + cold + warm)}),
                      flush=True)
    if FAILED:
        print(f"warm_digits: {len(FAILED)} trials could not run", file=sys.stderr)
        sys.exit(1)

if __name__ == "__main__":
    main()
