#!/usr/bin/python3
"""scikit-learn and XGBoost defaults on the train/test split tabula wrote (bench/generality.ts runs this).

usage: generality_baselines.py SPEC.json     prints one JSON object: {"versions": {...}, "models": {name: metric}}
SPEC: {"train": csv, "test": csv, "target": str, "task": "regression"|"classification",
       "categorical": [columns], "dates": [columns], "drop": [columns], "missing": [cell texts meaning missing]}

The rows are tabula's own split (data/prepared/train.csv and test.csv), so both sides fit and score the same rows.
Encoding, fitted on the training rows only: categorical columns one-hot (missing is its own level), date columns
(ISO 8601) as year, month, day of year and days since 1970-01-01, other columns as numbers (missing: NaN, which
HistGradientBoosting and XGBoost take as is; RandomForest, which cannot in scikit-learn 1.2, gets the training
median). Exit status 3 when scikit-learn or XGBoost is not installed.
"""
import csv
import datetime
import json
import math
import sys

try:
    import numpy as np
    import sklearn
    import xgboost
    from sklearn.ensemble import (
        HistGradientBoostingClassifier,
        HistGradientBoostingRegressor,
        RandomForestClassifier,
        RandomForestRegressor,
    )
except ImportError as error:  # the bench prints the message and skips the baselines
    print(f"missing: {error.name} (Debian: apt-get install python3-sklearn python3-xgboost)", file=sys.stderr)
    sys.exit(3)

SEED = 0


def read_csv(path):
    with open(path, newline="") as handle:
        rows = list(csv.DictReader(handle))
    return rows


def is_missing(cell, missing):
    return cell is None or cell == "" or cell in missing


def date_parts(cell):
    day = datetime.date.fromisoformat(cell[:10])
    return [day.year, day.month, day.timetuple().tm_yday, (day - datetime.date(1970, 1, 1)).days]


def encoder(train, spec):
    """Column plan fitted on the training rows: a function from one CSV row to its numeric features."""
    missing = set(spec.get("missing", []))
    skip = set(spec.get("drop", [])) | {spec["target"]}
    columns = [name for name in train[0].keys() if name not in skip]
    parts = []
    for name in columns:
        if name in spec.get("categorical", []):
            levels = sorted({row[name] if not is_missing(row[name], missing) else "" for row in train})
            parts.append(lambda row, n=name, lv=levels: [
                1.0 if (row[n] if not is_missing(row[n], missing) else "") == level else 0.0 for level in lv
            ])
        elif name in spec.get("dates", []):
            parts.append(lambda row, n=name: [math.nan] * 4 if is_missing(row[n], missing) else date_parts(row[n]))
        else:
            parts.append(lambda row, n=name: [math.nan if is_missing(row[n], missing) else float(row[n])])
    return lambda row: [value for part in parts for value in part(row)]


def main():
    with open(sys.argv[1]) as handle:
        spec = json.load(handle)
    train, test = read_csv(spec["train"]), read_csv(spec["test"])
    encode = encoder(train, spec)
    x_train = np.array([encode(row) for row in train], dtype=np.float64)
    x_test = np.array([encode(row) for row in test], dtype=np.float64)
    medians = np.nanmedian(x_train, axis=0)
    imputed = lambda x: np.where(np.isnan(x), medians, x)  # noqa: E731
    target = spec["target"]
    regression = spec["task"] == "regression"
    if regression:
        y_train = np.array([float(row[target]) for row in train])
        y_test = np.array([float(row[target]) for row in test])
        models = {
            "sklearn RandomForest": (RandomForestRegressor(n_estimators=100, random_state=SEED), True),
            "sklearn HistGradientBoosting": (HistGradientBoostingRegressor(random_state=SEED), False),
            "XGBoost": (xgboost.XGBRegressor(random_state=SEED), False),
        }
    else:
        classes = sorted({row[target] for row in train})
        y_train = np.array([classes.index(row[target]) for row in train])
        y_test = np.array([classes.index(row[target]) for row in test])
        models = {
            "sklearn RandomForest": (RandomForestClassifier(n_estimators=100, random_state=SEED), True),
            "sklearn HistGradientBoosting": (HistGradientBoostingClassifier(random_state=SEED), False),
            "XGBoost": (xgboost.XGBClassifier(random_state=SEED), False),
        }
    results = {}
    for name, (model, needs_imputation) in models.items():
        model.fit(imputed(x_train) if needs_imputation else x_train, y_train)
        predicted = model.predict(imputed(x_test) if needs_imputation else x_test)
        if regression:
            results[name] = float(np.mean((predicted - y_test) ** 2))
        else:
            results[name] = float(np.mean(predicted == y_test))
    versions = {"scikit-learn": sklearn.__version__, "xgboost": xgboost.__version__}
    print(json.dumps({"versions": versions, "metric": "mse" if regression else "accuracy", "models": results}))


main()
