#!/usr/bin/python3
"""Fits the anchor's forest (config (a) of the company's rf_sklearn.py: RandomForestRegressor, 100 trees, n_jobs=1,
random_state=42, on the fixed 80/20 split of data/raw/boston.csv) and saves it with joblib for serve_fastapi.py.

Run: /usr/bin/python3 bench/baselines/train_rf_anchor.py OUT.joblib
"""
import os
import sys

import joblib
import pandas as pd
from sklearn.ensemble import RandomForestRegressor
from sklearn.model_selection import train_test_split

HERE = os.path.dirname(os.path.abspath(__file__))
CSV = os.path.join(HERE, "..", "..", "data", "raw", "boston.csv")

df = pd.read_csv(CSV)
X = df.drop(columns=["cmedv"])
y = df["cmedv"].to_numpy()
X_train, _, y_train, _ = train_test_split(X, y, test_size=0.2, random_state=42, shuffle=True)
model = RandomForestRegressor(n_estimators=100, n_jobs=1, random_state=42).fit(X_train.to_numpy(), y_train)
joblib.dump(model, sys.argv[1])
print(f"saved {sys.argv[1]}")
