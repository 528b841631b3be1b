// Live model performance from the rows whose ground truth has arrived: MAE and RMSE for regression, accuracy and
// log loss for classification, and how many predictions still wait for a label.
import type { LoggedRow } from "./logged-rows.js";

export interface LivePerformance {
  predictions: number;
  labelled: number;
  waitingForLabels: number;
  mae?: number;
  rmse?: number;
  accuracy?: number;
  logLoss?: number;
}

const PROBABILITY_FLOOR = 1e-15;

interface ClassPrediction {
  label: unknown;
  probabilities?: Record<string, number>;
}

function asClassPrediction(prediction: unknown): ClassPrediction | undefined {
  return typeof prediction === "object" && prediction !== null && "label" in prediction
    ? (prediction as ClassPrediction)
    : undefined;
}

export function livePerformance(
  rows: readonly LoggedRow[],
  task: "regression" | "classification",
): LivePerformance {
  const labelled = rows.filter((row) => row.actual !== undefined && row.actual !== null);
  const base = {
    predictions: rows.length,
    labelled: labelled.length,
    waitingForLabels: rows.length - labelled.length,
  };
  if (labelled.length === 0) return base;
  if (task === "regression") {
    let absolute = 0;
    let squared = 0;
    for (const row of labelled) {
      const error = Number(row.actual) - Number(row.prediction);
      absolute += Math.abs(error);
      squared += error * error;
    }
    return { ...base, mae: absolute / labelled.length, rmse: Math.sqrt(squared / labelled.length) };
  }
  let right = 0;
  let loss = 0;
  let withProbabilities = 0;
  for (const row of labelled) {
    const prediction = asClassPrediction(row.prediction);
    if (String(prediction?.label) === String(row.actual)) right++;
    const probability = prediction?.probabilities?.[String(row.actual)];
    if (probability !== undefined) {
      withProbabilities++;
      loss -= Math.log(Math.max(probability, PROBABILITY_FLOOR));
    }
  }
  return {
    ...base,
    accuracy: right / labelled.length,
    ...(withProbabilities === labelled.length ? { logLoss: loss / labelled.length } : {}),
  };
}
