"""SMAC3's side of `bench_tpe speed --sampler smac`: the time of one ask + tell of SMAC3's
hyperparameter-optimisation facade (a random forest of pyrfr, log EI, local and random
search) on the same problem: 5 floats in [-10, 10], the sphere, after N finished trials.

usage: smac3_speed.py --n N [--measure M] [--retrain-after K] [--history random|self]

The history is N random configurations told to SMAC3 (`random`, as `bench_tpe speed
--history random`), or N trials SMAC3 asked itself (`self`). Then M trials are timed one by
one (ask + tell, wall and the process's CPU, all threads). SMAC3 refits its forest every `retrain_after` asks
(its default is 8; `--retrain-after 1` refits at every ask, as knob's smac does): the median
of M trials then misses the refits, so the mean is printed beside it, and M should be a
multiple of K. Run with PYTHONPATH holding smac, ConfigSpace, pynisher and a built pyrfr
(bench/README.md, "smac")."""
import argparse
import json
import logging
import statistics
import tempfile
import time

import numpy as np
from ConfigSpace import Configuration, ConfigurationSpace, Float
from smac import HyperparameterOptimizationFacade as HPO
from smac import Scenario
from smac.runhistory.dataclasses import TrialInfo, TrialValue


def sphere(config, seed=0):
    return sum(config[f"x{i}"] ** 2 for i in range(5))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--n", type=int, default=100)
    p.add_argument("--measure", type=int, default=24)
    p.add_argument("--retrain-after", type=int, default=8)
    p.add_argument("--history", choices=["random", "self"], default="random")
    a = p.parse_args()
    logging.disable(logging.WARNING)
    cs = ConfigurationSpace(seed=1)
    cs.add([Float(f"x{i}", (-10.0, 10.0)) for i in range(5)])
    out = tempfile.mkdtemp(prefix="smac3-speed-")
    scenario = Scenario(cs, deterministic=True, n_trials=a.n + a.measure + 10, seed=1,
                        output_directory=out)
    selector = HPO.get_config_selector(scenario, retrain_after=a.retrain_after)
    smac = HPO(scenario, sphere, config_selector=selector, overwrite=True, logging_level=40)
    t0 = time.perf_counter()
    if a.history == "random":
        rng = np.random.RandomState(1)
        for _ in range(a.n):
            x = {f"x{i}": float(rng.uniform(-10, 10)) for i in range(5)}
            config = Configuration(cs, values=x)
            smac.tell(TrialInfo(config=config, seed=0), TrialValue(cost=sphere(x)))
    else:
        for _ in range(a.n):
            info = smac.ask()
            smac.tell(info, TrialValue(cost=sphere(info.config)))
    fill = time.perf_counter() - t0
    us, cpu = [], []
    for _ in range(a.measure):
        t, c = time.perf_counter(), time.process_time()
        info = smac.ask()
        smac.tell(info, TrialValue(cost=sphere(info.config)))
        us.append((time.perf_counter() - t) * 1e6)
        cpu.append((time.process_time() - c) * 1e6)
    print(json.dumps({"n": a.n, "peer": "smac3-hpo", "history": a.history,
                      "retrain_after": a.retrain_after, "measure": a.measure,
                      "us_per_trial": round(statistics.median(us), 2),
                      "cpu_us_per_trial": round(statistics.median(cpu), 2),
                      "mean_us": round(statistics.mean(us), 2),
                      "mean_cpu_us": round(statistics.mean(cpu), 2),
                      "fill_s": round(fill, 3)}), flush=True)


if __name__ == "__main__":
    main()
