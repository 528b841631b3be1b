#!/usr/bin/python3
"""FastAPI prediction server for the rf_sklearn.py config (a) model (RandomForest, 100 trees, n_jobs=1).

Model: ANCHOR_MODEL (default /tmp/anchors/rf_a.joblib); bench/baselines/train_rf_anchor.py creates it.
(Copied from the company anchors; bench/serve.ts runs it for the side-by-side figures.)
Run (127.0.0.1 only):
  cd bench/baselines && ANCHOR_MODEL=rf.joblib /usr/bin/python3 -m uvicorn serve_fastapi:app --host 127.0.0.1 --port 8765 --workers 1 --no-access-log
POST /predict  body: {"instances": [{"crim":..,"zn":..,...,"lstat":..}, ...]}
           or  {"instances": [[13 numbers in FEATURES order], ...]}   (both forms may be mixed)
returns {"predictions": [float, ...]}
GET /health -> {"ok": true}
ANCHOR_ASYNC=1 makes /predict an async def (runs on the event loop) instead of a sync def (threadpool).
"""
import os
from typing import List, Union

import joblib
import numpy as np
from fastapi import FastAPI
from pydantic import BaseModel, Extra, conlist

FEATURES = ["crim", "zn", "indus", "chas", "nox", "rm", "age", "dis", "rad", "tax", "ptratio", "b", "lstat"]
MODEL_PATH = os.environ.get("ANCHOR_MODEL", "/tmp/anchors/rf_a.joblib")
model = joblib.load(MODEL_PATH)


class Row(BaseModel):
    crim: float
    zn: float
    indus: float
    chas: float
    nox: float
    rm: float
    age: float
    dis: float
    rad: float
    tax: float
    ptratio: float
    b: float
    lstat: float

    class Config:
        extra = Extra.forbid


class PredictRequest(BaseModel):
    instances: conlist(Union[Row, conlist(float, min_items=13, max_items=13)], min_items=1, max_items=10000)


class PredictResponse(BaseModel):
    predictions: List[float]


app = FastAPI(title="boston-rf-anchor")


@app.get("/health")
def health():
    return {"ok": True}


def _predict(req: PredictRequest):
    X = np.array([[getattr(r, f) for f in FEATURES] if isinstance(r, Row) else r for r in req.instances], dtype=np.float64)
    return {"predictions": model.predict(X).tolist()}


if os.environ.get("ANCHOR_ASYNC") == "1":
    @app.post("/predict", response_model=PredictResponse)
    async def predict(req: PredictRequest):  # async def: predict runs on the event loop (no threadpool hop)
        return _predict(req)
else:
    @app.post("/predict", response_model=PredictResponse)
    def predict(req: PredictRequest):  # sync def (default, idiomatic for blocking work): runs in FastAPI's threadpool
        return _predict(req)
