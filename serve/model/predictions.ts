// Turns the model's output tensors into what a client reads: a number per row (regression), or a label and the
// per-class probabilities (classification; probability k belongs to the manifest's classes[k], the label is the
// most probable class, first on ties, as the tree ensemble's own argmax).
import type { Manifest } from "../../src/artifact/manifest.js";
import type { ModelOutputs, OutputTensor, TensorData } from "./executor.js";

export type Label = string | number;
export type Prediction = number | { label: Label; probabilities: Record<string, number> };

export interface DecodedPredictions {
  values: Prediction[];
  /** Regression: the predicted values, for metrics and drift. */
  numeric: Float64Array | undefined;
  /** Classification: the index of each row's label among the classes (-1 if it is not one of them). */
  classIndex: Int32Array | undefined;
}

export interface PredictionDecoder {
  readonly task: Manifest["task"];
  readonly classes: readonly Label[];
  decode(outputs: ModelOutputs, rows: number): DecodedPredictions;
}

function scalar(data: TensorData, i: number): Label {
  const value = data[i];
  return typeof value === "bigint" ? Number(value) : (value as Label);
}

function outputNamed(outputs: ModelOutputs, name: string | undefined, fallback: number): OutputTensor {
  const tensor = name !== undefined ? outputs[name] : Object.values(outputs)[fallback];
  if (!tensor) throw new Error(`the model has no output ${name ?? `#${fallback}`}`);
  return tensor;
}

export function createDecoder(manifest: Manifest): PredictionDecoder {
  const names = manifest.onnx.outputs;
  if (manifest.task === "regression") {
    return {
      task: "regression",
      classes: [],
      decode(outputs, rows) {
        const data = outputNamed(outputs, names.prediction, 0).data as Float32Array;
        const stride = rows === 0 ? 1 : data.length / rows;
        const numeric = new Float64Array(rows);
        const values: Prediction[] = new Array(rows);
        for (let i = 0; i < rows; i++) {
          const value = data[i * stride] as number;
          numeric[i] = value;
          values[i] = value;
        }
        return { values, numeric, classIndex: undefined };
      },
    };
  }
  const classes: readonly Label[] = manifest.target.classes ?? [];
  const classPosition = new Map<string, number>(classes.map((label, k) => [String(label), k]));
  const keys = classes.map(String);
  return {
    task: "classification",
    classes,
    decode(outputs, rows) {
      const values: Prediction[] = new Array(rows);
      const classIndex = new Int32Array(rows);
      const probabilities = names.probabilities !== undefined ? outputs[names.probabilities] : undefined;
      const labels = names.label !== undefined ? outputs[names.label] : undefined;
      const k = probabilities && rows > 0 ? probabilities.data.length / rows : 0;
      for (let i = 0; i < rows; i++) {
        const byClass: Record<string, number> = {};
        let best = -1;
        let bestProbability = Number.NEGATIVE_INFINITY;
        if (probabilities) {
          const data = probabilities.data as Float32Array;
          for (let j = 0; j < k; j++) {
            const p = data[i * k + j] as number;
            byClass[keys[j] ?? String(j)] = p;
            if (p > bestProbability) {
              bestProbability = p;
              best = j;
            }
          }
        }
        const label: Label =
          best >= 0 && best < classes.length
            ? (classes[best] as Label)
            : labels
              ? scalar(labels.data, i)
              : best;
        classIndex[i] = classPosition.get(String(label)) ?? -1;
        values[i] = { label, probabilities: byClass };
      }
      return { values, numeric: undefined, classIndex };
    },
  };
}
