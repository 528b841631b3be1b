#!/usr/bin/python3
"""Baselines for `npm run bench:train -- --rows N`: XGBoost tree_method=hist (n_jobs 1 and 2), scikit-learn's
HistGradientBoostingRegressor and its RandomForestRegressor (scikit-learn's defaults, n_jobs 1 or 2), fitted on the
rows bench/train-large.ts wrote (raw float32 x, float64 y).

  /usr/bin/python3 bench/baselines/train_hist_baselines.py --dir DIR --features 10 [--learners boosting]
  /usr/bin/python3 bench/baselines/train_hist_baselines.py --dir DIR --features 10 --learners rf --forest-trees 20 --jobs 2
  /usr/bin/python3 bench/baselines/train_hist_baselines.py --dir DIR --features 10 --learners xgb   (n_jobs 2 only)
Prints one JSON object on stdout: per learner fit seconds (wall), process CPU seconds, test MSE, and the
process's peak RSS so far in MB (monotonic: with --learners boosting it covers every fit before it; the forests
run one per process, so theirs is their own).
"""
import argparse
import json
import resource
import sys
import time

try:
    import numpy as np
except ImportError as error:
    print(json.dumps({"skipped": f"numpy is not importable ({error})"}))
    sys.exit(0)

ap = argparse.ArgumentParser()
ap.add_argument("--dir", required=True)
ap.add_argument("--features", type=int, required=True)
ap.add_argument("--rounds", type=int, default=100)
ap.add_argument("--depth", type=int, default=6)
ap.add_argument("--learners", choices=["boosting", "rf", "xgb"], default="boosting")
ap.add_argument("--forest-trees", type=int, default=20)
ap.add_argument("--jobs", type=int, default=1)
args = ap.parse_args()


def load(name):
    x = np.fromfile(f"{args.dir}/{name}-x.f32", dtype=np.float32).reshape(-1, args.features)
    y = np.fromfile(f"{args.dir}/{name}-y.f64", dtype=np.float64)
    return x, y


Xtr, ytr = load("train")
Xte, yte = load("test")
out = {"env": {"python": sys.version.split()[0], "numpy": np.__version__}}


def fit(key, make):
    model = make()
    t0, c0 = time.perf_counter(), time.process_time()
    model.fit(Xtr, ytr)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    mse = float(np.mean((model.predict(Xte) - yte) ** 2))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out[key] = {"fit_s": seconds, "cpu_s": cpu, "mse": mse, "peak_rss_mb": peak}


if args.learners == "rf":
    try:
        import sklearn
        from sklearn.ensemble import RandomForestRegressor

        out["env"]["sklearn"] = sklearn.__version__
        # scikit-learn's defaults: max_features=1.0, bootstrap, no depth limit, min_samples_leaf=1.
        fit(
            f"sklearn_rf_jobs{args.jobs}",
            lambda: RandomForestRegressor(n_estimators=args.forest_trees, n_jobs=args.jobs, random_state=0),
        )
    except ImportError as error:
        out["sklearn_skipped"] = f"scikit-learn is not importable ({error}); apt-get install python3-sklearn"
    print(json.dumps(out))
    sys.exit(0)

try:
    import xgboost as xgb

    out["env"]["xgboost"] = xgb.__version__
    for jobs in (2,) if args.learners == "xgb" else (1, 2):
        fit(
            f"xgb_hist_jobs{jobs}",
            # Our gbt's defaults, spelled out (XGBoost 1.7's own but for base_score, 0.5 there, the mean in ours):
            # max_bin 256 is XGBoost's default, ours is 255 value bins (+ a bin for missing values).
            lambda: xgb.XGBRegressor(
                n_estimators=args.rounds, max_depth=args.depth, learning_rate=0.3, tree_method="hist",
                max_bin=256, n_jobs=jobs, base_score=float(np.mean(ytr)), reg_lambda=1.0, reg_alpha=0.0,
                min_child_weight=1.0, gamma=0.0, subsample=1.0, colsample_bytree=1.0, colsample_bynode=1.0,
                grow_policy="depthwise", max_leaves=0,
            ),
        )
except ImportError as error:
    out["xgb_skipped"] = f"xgboost is not importable ({error}); apt-get install python3-xgboost"
if args.learners == "xgb":
    print(json.dumps(out))
    sys.exit(0)

try:
    import sklearn
    from sklearn.ensemble import HistGradientBoostingRegressor

    out["env"]["sklearn"] = sklearn.__version__
    fit("sklearn_hgb", lambda: HistGradientBoostingRegressor(max_iter=args.rounds, early_stopping=False, random_state=0))
except ImportError as error:
    out["sklearn_skipped"] = f"scikit-learn is not importable ({error}); apt-get install python3-sklearn"

print(json.dumps(out))
