// Small fitted models of every learner (forest exact and hist, boosted trees exact, hist and leaf-wise, the
// ml-random-forest adapter) on every task it offers (regression, binary and multiclass classification), one with
// missing values (learned default directions), for the tests that check a writer's or an encoder's bytes.
import { FEATURIZER_FORMAT, type Featurizer } from "../../../src/ml/features/featurizer-spec.js";
import { getModelType } from "../../../src/ml/models/index.js";
import { parseModelParams } from "../../../src/ml/models/model-params.js";
import type { TrainingSet } from "../../../src/ml/models/model-type.js";
import type { TreeEnsemble } from "../../../src/ml/models/tree-ensemble.js";
import { friedman, sectors } from "./synthetic.js";

export interface FittedCase {
  name: string;
  ensemble: TreeEnsemble;
  /** A featurizer without steps whose outputs are the model's features (what ONNX export needs). */
  featurizer: Featurizer;
}

const LEARNERS: [string, Record<string, unknown>][] = [
  ["forest", { n_estimators: 3 }],
  ["forest", { n_estimators: 3, tree_method: "hist", max_bins: 16 }],
  ["gbt", { n_estimators: 3, max_depth: 3 }],
  ["gbt", { n_estimators: 3, max_depth: 3, tree_method: "hist", max_bins: 16 }],
  ["gbt", { n_estimators: 3, grow_policy: "lossguide", max_leaves: 6, tree_method: "hist" }],
  ["ml-random-forest", { n_estimators: 2 }],
];

/** Friedman #1 with a fifth of x3 missing (a high target there), so hist learners learn to send some NaN left. */
function withMissing(data: TrainingSet): TrainingSet {
  const width = data.features.length;
  for (let i = 0; i < data.rows; i += 5) {
    data.x[i * width + 3] = Number.NaN;
    data.y[i] = (data.y[i] as number) + (i % 10 === 0 ? 8 : -8);
  }
  return data;
}

export async function everyLearner(): Promise<FittedCase[]> {
  const sets: [string, () => TrainingSet][] = [
    ["regression", () => friedman(300, 3, { noise: 0.5 })],
    ["regression with missing values", () => withMissing(friedman(600, 4, { noise: 0.5 }))],
    ["binary", () => sectors(300, 2, 5, { flip: 0.1 })],
    ["multiclass", () => sectors(300, 3, 5, { flip: 0.1 })],
  ];
  const cases: FittedCase[] = [];
  for (const [type, rawParams] of LEARNERS) {
    const found = getModelType(type);
    if (!found.ok) throw new Error(found.error.message);
    const params = parseModelParams(found.value, rawParams);
    if (!params.ok) throw new Error(params.error.message);
    for (const [task, make] of sets) {
      const data = make();
      if (!found.value.tasks.includes(data.task)) continue;
      // The ml-random-forest adapter has no missing-value handling to exercise.
      if (type === "ml-random-forest" && task.includes("missing")) continue;
      const ensemble = await found.value.fit(data, params.value, { seed: 7, threads: 1 });
      cases.push({
        name: `${type} ${JSON.stringify(rawParams)}, ${task}`,
        ensemble,
        featurizer: {
          format: FEATURIZER_FORMAT,
          inputs: data.features.map((name) => ({ name, kind: "numeric" as const })),
          steps: [],
          outputs: [...data.features],
        },
      });
    }
  }
  return cases;
}
