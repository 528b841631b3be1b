#!/usr/bin/python3
"""Baselines for `npm run bench:tune`: Optuna's TPE and random search over scikit-learn's RandomForestRegressor,
5-fold CV MSE on the training rows of a fixed split. Adapted from the company's anchor script tune_optuna.py.

Objective: 5-fold CV MSE (KFold shuffle, random_state=42) on the split's training rows.
Space: n_estimators int[50,300]; max_depth int[3,20] or None (categorical 'depth_limited'; max_depth only sampled
       when True); min_samples_leaf int[1,10]; max_features float[0.2,1.0].
Run with Debian's Python (python3-sklearn, python3-optuna):
  /usr/bin/python3 bench/baselines/tune_baselines.py --csv data/raw/boston.csv \
      --split bench/baselines/split_80_20_seed42.json --target cmedv [--trials 40] [--samplers tpe,random]
Prints one JSON object on stdout: the KFold test indices (so the TypeScript side scores the same folds) and, per
sampler, the best CV MSE after 10/20/40 trials, the wall time and the refit's test MSE.
"""
import argparse
import json
import sys
import time

try:
    import numpy as np
    import optuna
    import sklearn
    from sklearn.ensemble import RandomForestRegressor
    from sklearn.model_selection import KFold, cross_val_score
except ImportError as error:  # the TypeScript side prints this and carries on without baselines
    print(json.dumps({"skipped": f"not importable ({error}); apt-get install python3-sklearn python3-optuna"}))
    sys.exit(0)

ap = argparse.ArgumentParser()
ap.add_argument("--csv", required=True)
ap.add_argument("--split", required=True)
ap.add_argument("--target", required=True)
ap.add_argument("--trials", type=int, default=40)
ap.add_argument("--samplers", default="tpe,random")
args = ap.parse_args()
optuna.logging.set_verbosity(optuna.logging.WARNING)

with open(args.csv) as f:
    header = f.readline().strip().split(",")
data = np.loadtxt(args.csv, delimiter=",", skiprows=1)
target = header.index(args.target)
X = np.delete(data, target, axis=1)
y = data[:, target]
with open(args.split) as f:
    split = json.load(f)
Xtr, ytr, Xte, yte = X[split["train"]], y[split["train"]], X[split["test"]], y[split["test"]]
KF = KFold(n_splits=5, shuffle=True, random_state=42)


def params_from(p):
    return dict(n_estimators=p["n_estimators"], max_depth=p.get("max_depth") if p["depth_limited"] else None,
                min_samples_leaf=p["min_samples_leaf"], max_features=p["max_features"])


def objective(trial):
    p = {"n_estimators": trial.suggest_int("n_estimators", 50, 300),
         "depth_limited": trial.suggest_categorical("depth_limited", [True, False])}
    if p["depth_limited"]:
        p["max_depth"] = trial.suggest_int("max_depth", 3, 20)
    p["min_samples_leaf"] = trial.suggest_int("min_samples_leaf", 1, 10)
    p["max_features"] = trial.suggest_float("max_features", 0.2, 1.0)
    model = RandomForestRegressor(**params_from(p), n_jobs=1, random_state=42)
    return float(-cross_val_score(model, Xtr, ytr, cv=KF, scoring="neg_mean_squared_error").mean())


out = {
    "env": {"sklearn": sklearn.__version__, "optuna": optuna.__version__, "numpy": np.__version__},
    "folds": [test.tolist() for _, test in KF.split(Xtr)],
    "runs": [],
}
for name in args.samplers.split(","):
    sampler = optuna.samplers.TPESampler(seed=42) if name == "tpe" else optuna.samplers.RandomSampler(seed=42)
    study = optuna.create_study(direction="minimize", sampler=sampler)
    started = time.perf_counter()
    study.optimize(objective, n_trials=args.trials, n_jobs=1)
    wall = time.perf_counter() - started
    values = [t.value for t in sorted(study.trials, key=lambda t: t.number)]
    checkpoints = [k for k in (10, 20, 40, 80) if k < len(values)] + [len(values)]
    best_after = {str(k): float(min(values[:k])) for k in checkpoints}
    best = RandomForestRegressor(**params_from(study.best_params), n_jobs=1, random_state=42).fit(Xtr, ytr)
    out["runs"].append({
        "sampler": name, "wall_s": wall, "best_cv_mse": float(study.best_value), "best_after": best_after,
        "best_params": params_from(study.best_params),
        "refit_test_mse": float(np.mean((best.predict(Xte) - yte) ** 2)),
    })
print(json.dumps(out))
