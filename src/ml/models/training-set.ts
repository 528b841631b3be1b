// The checks every learner makes on its input before fitting: shapes agree, targets are usable.
import { MlFailure } from "../errors.js";
import type { TrainingSet } from "./model-type.js";

export class TrainingSetError extends MlFailure {
  constructor(message: string) {
    super({ kind: "training-set", message });
    this.name = "TrainingSetError";
  }
}

export interface TrainingShape {
  features: number;
  /** Classification: the number of classes (≥ 2). Regression: 1. */
  classCount: number;
}

export function checkTrainingSet(data: TrainingSet): TrainingShape {
  const features = data.features.length;
  const raise = (message: string): never => {
    throw new TrainingSetError(message);
  };
  if (features === 0) raise("the training set has no feature columns");
  if (!Number.isInteger(data.rows) || data.rows < 1)
    raise(`the training set has ${data.rows} rows; need at least 1`);
  if (data.x.length !== data.rows * features)
    raise(`x holds ${data.x.length} values, expected rows × features = ${data.rows} × ${features}`);
  if (data.y.length !== data.rows)
    raise(`y holds ${data.y.length} values, expected one per row (${data.rows})`);
  if (data.task === "regression") {
    for (let i = 0; i < data.rows; i++)
      if (!Number.isFinite(data.y[i]))
        raise(`the target of row ${i} is ${data.y[i]}; regression needs finite targets`);
    return { features, classCount: 1 };
  }
  const classCount = data.classes?.length ?? 0;
  if (classCount < 2)
    raise(`classification needs the list of classes, at least 2 (got ${JSON.stringify(data.classes ?? [])})`);
  for (let i = 0; i < data.rows; i++) {
    const label = data.y[i] as number;
    if (!Number.isInteger(label) || label < 0 || label >= classCount)
      raise(`the class index of row ${i} is ${label}; expected an integer in [0, ${classCount - 1}]`);
  }
  return { features, classCount };
}
