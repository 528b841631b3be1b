#!/usr/bin/python3
"""Baselines for `npm run bench:train`: scikit-learn RandomForestRegressor and XGBoost on the same split.

Run with Debian's Python (python3-sklearn, python3-xgboost):
  /usr/bin/python3 bench/baselines/train_baselines.py --csv data/raw/boston.csv \
      --split bench/baselines/split_80_20_seed42.json --target cmedv [--repeats 5] [--seeds 10] [--scale 10]
Prints one JSON object on stdout. Adapted from the company's anchor scripts (rf_sklearn.py, xgb_sklearn.py).
"""
import argparse
import json
import statistics
import sys
import time

try:
    import numpy as np
    import sklearn
    from sklearn.ensemble import RandomForestRegressor
except ImportError as error:  # the TypeScript side prints this and carries on without baselines
    print(json.dumps({"skipped": f"scikit-learn is not importable ({error}); apt-get install python3-sklearn"}))
    sys.exit(0)
try:
    import xgboost as xgb
except ImportError:
    xgb = None

ap = argparse.ArgumentParser()
ap.add_argument("--csv", required=True)
ap.add_argument("--split", required=True)
ap.add_argument("--target", required=True)
ap.add_argument("--repeats", type=int, default=5)
ap.add_argument("--seeds", type=int, default=10)
ap.add_argument("--scale", type=int, default=10)
args = ap.parse_args()

with open(args.csv) as f:
    header = f.readline().strip().split(",")
data = np.loadtxt(args.csv, delimiter=",", skiprows=1)
target = header.index(args.target)
X = np.delete(data, target, axis=1).astype(np.float32)
y = data[:, target]
with open(args.split) as f:
    split = json.load(f)
Xtr, ytr, Xte, yte = X[split["train"]], y[split["train"]], X[split["test"]], y[split["test"]]


def mse(model, Xt=Xte):
    return float(np.mean((model.predict(Xt) - yte) ** 2))


def timed_fits(make, X_, y_, repeats):
    """Median wall seconds, median process CPU seconds (meaningful for one-thread fits), last model."""
    seconds, cpu, model = [], [], None
    for _ in range(repeats):
        model = make()
        t0, c0 = time.perf_counter(), time.process_time()
        model.fit(X_, y_)
        seconds.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return statistics.median(seconds), statistics.median(cpu), model


out = {"env": {"python": sys.version.split()[0], "sklearn": sklearn.__version__, "numpy": np.__version__}}
rf = lambda jobs, seed=42: RandomForestRegressor(n_estimators=100, n_jobs=jobs, random_state=seed)
rf(1).fit(Xtr, ytr), rf(2).fit(Xtr, ytr)  # warm-up (imports, joblib pool)
for jobs in (1, 2):
    seconds, cpu, model = timed_fits(lambda: rf(jobs), Xtr, ytr, args.repeats)
    out[f"rf_jobs{jobs}"] = {"fit_s": seconds, "cpu_s": cpu, "mse": mse(model)}
seed_mse = [mse(rf(1, seed).fit(Xtr, ytr)) for seed in range(args.seeds)]
out["rf_seeds"] = {"mean": statistics.mean(seed_mse), "std": statistics.stdev(seed_mse), "n": len(seed_mse)}

if xgb is not None:
    out["env"]["xgboost"] = xgb.__version__
    xgb.XGBRegressor().fit(Xtr, ytr)  # warm-up
    seconds, cpu, model = timed_fits(lambda: xgb.XGBRegressor(), Xtr, ytr, args.repeats)
    out["xgb"] = {"fit_s": seconds, "cpu_s": cpu, "mse": mse(model)}
    seconds, cpu, model = timed_fits(lambda: xgb.XGBRegressor(n_jobs=1), Xtr, ytr, args.repeats)
    out["xgb_jobs1"] = {"fit_s": seconds, "cpu_s": cpu, "mse": mse(model)}
    seconds, cpu, model = timed_fits(
        lambda: xgb.XGBRegressor(base_score=float(ytr.mean()), n_jobs=1), Xtr, ytr, args.repeats
    )
    out["xgb_mean_base"] = {"fit_s": seconds, "cpu_s": cpu, "mse": mse(model)}

if args.scale > 1:
    # Replicas with 1 % jitter, as in the anchors' scaling section; fit time only.
    rng = np.random.default_rng(0)
    Xk = np.tile(Xtr, (args.scale, 1)) + rng.normal(0, 1, (len(Xtr) * args.scale, X.shape[1])) * 0.01 * Xtr.std(axis=0)
    yk = np.tile(ytr, args.scale) + rng.normal(0, 0.01 * ytr.std(), len(ytr) * args.scale)
    Xk = Xk.astype(np.float32)
    scale = {"rows": len(yk)}
    for jobs in (1, 2):
        wall, cpu, _ = timed_fits(lambda: rf(jobs), Xk, yk, max(1, args.repeats // 2))
        scale[f"rf_jobs{jobs}_fit_s"] = wall
        if jobs == 1:
            scale["rf_jobs1_cpu_s"] = cpu
    if xgb is not None:
        scale["xgb_fit_s"] = timed_fits(lambda: xgb.XGBRegressor(), Xk, yk, max(1, args.repeats // 2))[0]
        wall, cpu, _ = timed_fits(lambda: xgb.XGBRegressor(n_jobs=1), Xk, yk, max(1, args.repeats // 2))
        scale["xgb_jobs1_fit_s"], scale["xgb_jobs1_cpu_s"] = wall, cpu
    out["scale"] = scale

print(json.dumps(out))
