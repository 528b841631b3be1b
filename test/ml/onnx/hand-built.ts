// Hand-built featurizers, profiles and tree ensembles for the ONNX and registry tests (no learner involved): every
// featurizer op, regression and classification (binary logistic, multiclass softmax, forest-style averaged
// probabilities), string and integer class labels, a categorical feature used both raw and one-hot.
import { type ColumnProfile, PROFILE_FORMAT, type Profile } from "../../../src/ml/data/profile.js";
import {
  applyFeaturizer,
  FEATURIZER_FORMAT,
  type Featurizer,
} from "../../../src/ml/features/featurizer-spec.js";
import { TREE_FORMAT, Tree, type TreeEnsemble, type TreeJson } from "../../../src/ml/models/tree-ensemble.js";
import { createRandom, type Random } from "../../../src/ml/random.js";

export const regressionFeaturizer: Featurizer = {
  format: FEATURIZER_FORMAT,
  inputs: [
    { name: "rooms", kind: "numeric" },
    { name: "crime", kind: "numeric" },
    { name: "age", kind: "numeric" },
    { name: "zone", kind: "categorical", categories: [1, 2, 4] },
    { name: "tax", kind: "numeric" },
  ],
  steps: [
    { op: "impute", column: "rooms", strategy: "mean", value: 6.25 },
    { op: "impute", column: "tax", strategy: "median", value: 330 },
    {
      op: "expression",
      output: "tax_per_room",
      source: "tax / rooms",
      expr: { op: "div", args: [{ column: "tax" }, { column: "rooms" }] },
    },
    { op: "scale", column: "rooms", mean: 6.25, std: 0.7 },
    { op: "log1p", column: "crime" },
    { op: "clip", column: "age", min: 5, max: 95 },
    { op: "onehot", column: "zone", codes: [1, 2, 4], outputs: ["zone_1", "zone_2", "zone_4"] },
    {
      op: "expression",
      output: "mix",
      source: "sqrt(abs(-crime)) + log(age + 1) * 0.5 - log1p(tax)",
      expr: {
        op: "sub",
        args: [
          {
            op: "add",
            args: [
              { fn: "sqrt", arg: { fn: "abs", arg: { fn: "neg", arg: { column: "crime" } } } },
              {
                op: "mul",
                args: [
                  { fn: "log", arg: { op: "add", args: [{ column: "age" }, { const: 1 }] } },
                  { const: 0.5 },
                ],
              },
            ],
          },
          { fn: "log1p", arg: { column: "tax" } },
        ],
      },
    },
  ],
  outputs: ["rooms", "crime", "age", "zone", "zone_1", "zone_2", "zone_4", "tax", "tax_per_room", "mix"],
};

export const classificationFeaturizer: Featurizer = {
  format: FEATURIZER_FORMAT,
  inputs: [
    { name: "color", kind: "categorical", categories: ["red", "green", "blue"] },
    { name: "x", kind: "numeric" },
    { name: "y", kind: "numeric" },
  ],
  steps: [
    { op: "impute", column: "x", strategy: "mean", value: 0.1 },
    { op: "scale", column: "x", mean: 0.1, std: 2.2 },
    { op: "log1p", column: "y" },
    { op: "onehot", column: "color", codes: [0, 1, 2], outputs: ["color_red", "color_green", "color_blue"] },
  ],
  outputs: ["color", "color_red", "color_green", "color_blue", "x", "y"],
};

function normal(random: Random): number {
  return Math.sqrt(-2 * Math.log(1 - random.next())) * Math.cos(2 * Math.PI * random.next());
}

/** Raw training-like rows for a featurizer (row-major float32), with a few missing values where it imputes. */
export function rawRows(featurizer: Featurizer, rows: number, seed: number): Float32Array {
  const random = createRandom(seed);
  const draw: Record<string, () => number> = {
    rooms: () => (random.next() < 0.05 ? Number.NaN : 6.25 + 0.7 * normal(random)),
    crime: () => Math.exp(2 * normal(random) - 1),
    age: () => Math.round(100 * random.next()),
    zone: () => [1, 2, 4][Math.floor(random.next() * 3)] as number,
    tax: () => (random.next() < 0.05 ? Number.NaN : 180 + Math.floor(500 * random.next())),
    color: () => Math.floor(random.next() * 3),
    x: () => (random.next() < 0.05 ? Number.NaN : 0.1 + 2.2 * normal(random)),
    y: () => 10 * random.next() ** 2,
  };
  const width = featurizer.inputs.length;
  const raw = new Float32Array(rows * width);
  for (let i = 0; i < rows; i++)
    featurizer.inputs.forEach((input, j) => {
      raw[i * width + j] = (draw[input.name] as () => number)();
    });
  return raw;
}

function columnProfile(featurizer: Featurizer, j: number, raw: Float32Array): ColumnProfile {
  const input = featurizer.inputs[j] as Featurizer["inputs"][number];
  const width = featurizer.inputs.length;
  const values: number[] = [];
  let missing = 0;
  for (let i = j; i < raw.length; i += width) {
    const value = raw[i] as number;
    if (Number.isNaN(value)) missing++;
    else values.push(value);
  }
  const count = values.length + missing;
  if (input.kind === "categorical") {
    const categories = input.categories ?? [];
    const counts = categories.map(
      (_, k) => values.filter((v) => v === (typeof categories[k] === "number" ? categories[k] : k)).length,
    );
    return {
      name: input.name,
      kind: "categorical",
      dtype: typeof categories[0] === "number" ? "integer" : "string",
      count,
      missing,
      categories: { values: categories, counts },
    };
  }
  values.sort((a, b) => a - b);
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  const std = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length);
  const edges = [
    ...new Set([0.2, 0.4, 0.6, 0.8].map((q) => values[Math.floor(q * (values.length - 1))] as number)),
  ];
  const counts = Array.from(
    { length: edges.length + 1 },
    (_, b) =>
      values.filter(
        (v) => (b === 0 || v > (edges[b - 1] as number)) && (b === edges.length || v <= (edges[b] as number)),
      ).length,
  );
  const integer = values.every(Number.isInteger);
  return {
    name: input.name,
    kind: "numeric",
    dtype: integer ? "integer" : "float",
    count,
    missing,
    min: values[0] as number,
    max: values[values.length - 1] as number,
    mean,
    std,
    bins: { edges, counts },
  };
}

export function profileOf(featurizer: Featurizer, raw: Float32Array, target: ColumnProfile): Profile {
  return {
    format: PROFILE_FORMAT,
    rows: raw.length / featurizer.inputs.length,
    target,
    features: featurizer.inputs.map((_, j) => columnProfile(featurizer, j, raw)),
  };
}

export interface EnsembleShape {
  task: "regression" | "classification";
  aggregate: "sum" | "average";
  postTransform: "none" | "logistic" | "softmax";
  outputs: number;
  classes?: (string | number)[];
  trees: number;
  depth: number;
  seed: number;
}

/**
 * Random trees whose thresholds are values the featurizer actually produces on `raw` rows (so that rows land exactly
 * on them), with leaf values fitting the shape: class probabilities for "none" classifiers, scores otherwise.
 */
export function randomEnsemble(
  featurizer: Featurizer,
  raw: Float32Array,
  shape: EnsembleShape,
): TreeEnsemble {
  const random = createRandom(shape.seed);
  const model = applyFeaturizer(featurizer, raw);
  const width = featurizer.outputs.length;
  const rows = model.length / width;
  const leafValue = (): number[] => {
    if (shape.task === "regression") return [Math.round(200 + 100 * normal(random)) / 10];
    if (shape.postTransform === "none") {
      const counts = Array.from({ length: shape.outputs }, () => Math.floor(random.next() * 4));
      const total = counts.reduce((s, c) => s + c, 0) || 1;
      return counts.map((c) => (total === 0 ? 1 / shape.outputs : c / total));
    }
    return Array.from({ length: shape.outputs }, () => normal(random) * 0.5);
  };
  const trees: Tree[] = [];
  for (let t = 0; t < shape.trees; t++) {
    const tree: TreeJson = { feature: [], threshold: [], left: [], right: [], value: [] };
    const grow = (depth: number): number => {
      const node = tree.feature.length;
      tree.feature.push(-1);
      tree.threshold.push(0);
      tree.left.push(-1);
      tree.right.push(-1);
      tree.value.push([]);
      if (depth === shape.depth || random.next() < 0.1) {
        tree.value[node] = leafValue();
        return node;
      }
      const feature = Math.floor(random.next() * width);
      let threshold = model[Math.floor(random.next() * rows) * width + feature] as number;
      if (Number.isNaN(threshold)) threshold = 0;
      tree.feature[node] = feature;
      tree.threshold[node] = threshold;
      tree.value[node] = Array.from({ length: shape.outputs }, () => 0);
      tree.left[node] = grow(depth + 1);
      tree.right[node] = grow(depth + 1);
      return node;
    };
    grow(0);
    trees.push(Tree.fromJson(tree, shape.outputs));
  }
  return {
    format: TREE_FORMAT,
    task: shape.task,
    modelType: "hand-built",
    featureNames: [...featurizer.outputs],
    ...(shape.classes ? { classes: shape.classes } : {}),
    outputs: shape.outputs,
    aggregate: shape.aggregate,
    base:
      shape.task === "regression"
        ? [22.5]
        : Array.from({ length: shape.outputs }, (_, k) =>
            shape.postTransform === "none" ? 0 : 0.1 * k - 0.05,
          ),
    postTransform: shape.postTransform,
    trees,
  };
}

export const regressionTarget: ColumnProfile = {
  name: "price",
  kind: "numeric",
  dtype: "float",
  count: 400,
  missing: 0,
  min: 5,
  max: 50,
  mean: 22.5,
  std: 9.2,
};

export function classificationTarget(classes: (string | number)[]): ColumnProfile {
  return {
    name: "kind",
    kind: "categorical",
    dtype: typeof classes[0] === "number" ? "integer" : "string",
    count: 400,
    missing: 0,
    categories: { values: classes, counts: classes.map(() => Math.floor(400 / classes.length)) },
  };
}

/** A complete hand-built case: featurizer, training rows, profile, test rows, ensemble. */
export function handBuiltCase(
  kind: "regression" | "binary" | "multiclass" | "forest-classifier",
  options: { trees?: number; depth?: number; seed?: number } = {},
) {
  const seed = options.seed ?? 11;
  const trees = options.trees ?? 20;
  const depth = options.depth ?? 5;
  const featurizer = kind === "regression" ? regressionFeaturizer : classificationFeaturizer;
  const train = rawRows(featurizer, 400, seed);
  const test = rawRows(featurizer, 100, seed + 1);
  const shapes: Record<typeof kind, EnsembleShape> = {
    regression: {
      task: "regression",
      aggregate: "average",
      postTransform: "none",
      outputs: 1,
      trees,
      depth,
      seed,
    },
    binary: {
      task: "classification",
      aggregate: "sum",
      postTransform: "logistic",
      outputs: 1,
      classes: ["no", "yes"],
      trees,
      depth,
      seed,
    },
    multiclass: {
      task: "classification",
      aggregate: "sum",
      postTransform: "softmax",
      outputs: 3,
      classes: [0, 1, 2],
      trees,
      depth,
      seed,
    },
    "forest-classifier": {
      task: "classification",
      aggregate: "average",
      postTransform: "none",
      outputs: 3,
      classes: ["setosa", "versicolor", "virginica"],
      trees,
      depth,
      seed,
    },
  };
  const shape = shapes[kind];
  const ensemble = randomEnsemble(featurizer, train, shape);
  const target = shape.task === "regression" ? regressionTarget : classificationTarget(shape.classes ?? []);
  return { featurizer, train, test, profile: profileOf(featurizer, train, target), ensemble };
}
