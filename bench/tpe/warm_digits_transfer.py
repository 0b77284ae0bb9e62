#!/usr/bin/env python3
"""What the digits pair's source can give a warm run at once: each seed's source
configurations re-scored on the other half of the data, against the cold run's target.

Reads the studies `warm_digits.py --keep DIR` left (DIR/s<seed>/s.db, DIR/half0.csv and
DIR/half1.csv). Per seed, one JSON line: the cold run's target (its final incumbent's mean
val_loss over the program's seeds 0 .. R-1 on the second half, as warm_digits.py scores
it), and the same mean on the second half of
- "best": the source's best configuration (its lowest single draw, on the first half);
- "top5": each of its next four;
- "smooth_<h>": the source's configuration of lowest kernel-smoothed loss (each trial's
  loss the Gaussian-weighted mean of every finished source trial's, bandwidth h of each
  param's range, log params on their log scale), for h = 0.05 and 0.1: the best by a
  denoised estimate rather than by the luckiest draw;
and "reached": how many of those re-score at or below the target. A warm start that begins
at the source's best can reach the cold run's quality at once only on seeds where one does.

    warm_digits_transfer.py --knob build/knob --train build/examples/digits/digits_train DIR...
"""
import argparse, json, math, os, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import warm_digits as wd  # noqa: E402

RANGES = {"lr": (True, 1e-4, 1.0), "hidden": (False, 8, 128),
          "weight_decay": (True, 1e-6, 1e-2), "momentum": (False, 0.0, 0.99)}


def unit(params):
    return [(math.log(params[k]) - math.log(lo)) / (math.log(hi) - math.log(lo)) if log
            else (params[k] - lo) / (hi - lo) for k, (log, lo, hi) in RANGES.items()]


def smoothed_best(source, h):
    done = [(v, p, unit(p)) for v, p in source if math.isfinite(v)]
    def estimate(u):
        w = [math.exp(-sum((a - b) ** 2 for a, b in zip(u, u2)) / (2 * h * h))
             for _, _, u2 in done]
        return sum(wi * v for wi, (v, _, _) in zip(w, done)) / sum(w)
    return min(done, key=lambda t: estimate(t[2]))[1]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--knob", required=True)
    p.add_argument("--train", required=True)
    p.add_argument("--rescore", type=int, default=10)
    p.add_argument("dirs", nargs="+")
    a = p.parse_args()
    a.knob, a.train = os.path.abspath(a.knob), os.path.abspath(a.train)
    for d in a.dirs:
        second = os.path.join(d, "half1.csv")
        seeds = sorted(int(n[1:]) for n in os.listdir(d) if n[:1] == "s" and n[1:].isdigit())
        for seed in seeds:
            db = f"sqlite:///{os.path.abspath(d)}/s{seed}/s.db"
            src, cold = (wd.read_trials(a, db, name) for name in ("source", "cold"))
            target = wd.rescore(a, second, wd.incumbents(cold)[-1][1])
            ranked = sorted((t for t in src if math.isfinite(t[0])), key=lambda t: t[0])
            line = {"seed": seed, "target": target,
                    "best": wd.rescore(a, second, ranked[0][1]),
                    "top5": [wd.rescore(a, second, q) for _, q in ranked[1:5]]}
            for h in (0.05, 0.1):
                line[f"smooth_{h}"] = wd.rescore(a, second, smoothed_best(src, h))
            scores = [line["best"], *line["top5"], line["smooth_0.05"], line["smooth_0.1"]]
            line["reached"] = sum(s <= target for s in scores)
            print(json.dumps(line), flush=True)


if __name__ == "__main__":
    main()
