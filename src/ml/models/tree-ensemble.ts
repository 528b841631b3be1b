// The one tree format every model type exports (our forest and boosted trees, the ml-random-forest adapter),
// and the only thing the package stage turns into an ONNX TreeEnsemble. Written as JSON by training, parsed
// with TreeEnsembleSchema wherever it is read; in memory its trees are typed arrays (Tree).
//
// Semantics, for one input row x (float32 values, in `featureNames` order):
//   score[k] = base[k] + AGG over trees of value[leaf(tree, x)][k]      (AGG = sum or average)
//   leaf(tree, x): from node 0, go to `left` when x[feature] <= threshold, else to `right`, until feature = -1;
//                  a missing x[feature] (NaN) goes right, or left where the tree's `missingLeft` says 1.
//   regression:      prediction = score[0]                              (postTransform "none")
//   classification:  probabilities = score                              ("none": leaves hold class probabilities)
//                    probabilities = [1 - σ(score[0]), σ(score[0])]       ("logistic": binary, outputs = 1)
//                    probabilities = softmax(score)                     ("softmax": outputs = number of classes)
// Inputs are float32 and thresholds are float32-representable, so float32 inference (onnxruntime) takes exactly
// the branches that training did.

import { z } from "zod";
import { unreachable } from "../../result.js";

export const TREE_FORMAT = "tabula.trees/v1";

/** One tree as written in JSON. */
export const TreeJsonSchema = z
  .object({
    feature: z.array(z.number().int().min(-1)),
    threshold: z.array(
      z.number().refine((t) => Math.fround(t) === t, "thresholds must be float32-representable"),
    ),
    left: z.array(z.number().int().min(-1)),
    right: z.array(z.number().int().min(-1)),
    /** Per node, `outputs` values. Read at leaves; kept at inner nodes for explanations. */
    value: z.array(z.array(z.number())),
    /** Per node, the (weighted) number of training rows that reached it; feature importance uses it. */
    samples: z.array(z.number()).optional(),
    /** Per node, 1 when a missing value goes left (a learned default direction); absent: missing goes right. */
    missingLeft: z.array(z.union([z.literal(0), z.literal(1)])).optional(),
  })
  .strict();
export type TreeJson = z.infer<typeof TreeJsonSchema>;

/** Per node, the feature it splits on (-1 at leaves), in the narrowest integer type that holds every feature. */
export type FeatureColumn = Int8Array | Int16Array | Int32Array;

/** A tree's node columns in memory: typed arrays, `value` flat (nodes × the ensemble's outputs). */
export interface TreeColumns {
  feature: FeatureColumn;
  /** float32 values (the format's contract), so float32 storage holds them exactly. Absent: splitBins and cuts. */
  threshold?: Float32Array;
  /**
   * Instead of `threshold`, in trees grown on binned features (a histogram forest's): per node, the bin whose cut
   * point its threshold is (0 at leaves): inner node n's threshold is cuts[feature[n]][splitBins[n]]. A byte a
   * node instead of four.
   */
  splitBins?: Uint8Array;
  /** With splitBins: per feature, its ascending cut points (BinnedMatrix.thresholds), shared by the trees. */
  cuts?: Float32Array[];
  /** Absent: the tree is in pre-order, so an inner node's left child is the node right after it. */
  left?: Int32Array;
  /** Absent: rightOffsets and farRights. */
  right?: Int32Array;
  /**
   * Instead of `right`, in pre-order trees (compactRight): per inner node, how far after it its right child is,
   * below FAR_RIGHT; else FAR_RIGHT + k, the right child being farRights[k] (the few nodes near the root whose
   * left subtree is that large). 0 at leaves. Two bytes a node instead of four.
   */
  rightOffsets?: Uint16Array;
  farRights?: Int32Array;
  value: Float64Array;
  /** Float32Array where the counts are whole numbers (a forest's bootstrap counts, exact below 2^24). */
  samples?: Float32Array | Float64Array;
  /**
   * Instead of `samples`, in pre-order trees whose leaves hold whole counts below 256 (compactLeafSamples): the
   * leaves' counts, 0 at inner nodes, whose samples are their children's sum. A byte a node instead of four.
   */
  leafSamples?: Uint8Array;
  missingLeft?: Uint8Array;
}

/** `feature` in the narrowest of Int8/Int16/Int32 that holds its values (itself when already that narrow). */
export function compactFeatures(feature: FeatureColumn): FeatureColumn {
  let widest = 0;
  for (let i = 0; i < feature.length; i++) widest = Math.max(widest, Math.abs(feature[i] as number));
  if (widest < 2 ** 7) return feature instanceof Int8Array ? feature : Int8Array.from(feature);
  if (widest < 2 ** 15) return feature instanceof Int16Array ? feature : Int16Array.from(feature);
  return feature instanceof Int32Array ? feature : Int32Array.from(feature);
}

/**
 * `left` unless the tree is in pre-order (every inner node's left child right after it, -1 at leaves): then
 * undefined, as the node order says it all.
 */
export function explicitLeft(feature: FeatureColumn, left: Int32Array): Int32Array | undefined {
  for (let node = 0; node < left.length; node++)
    if ((left[node] as number) !== ((feature[node] as number) < 0 ? -1 : node + 1)) return left;
  return undefined;
}

/**
 * A pre-order tree's `samples` as leafSamples (TreeColumns) when they say the same: every leaf's a whole number
 * below 256, every inner node's the sum of its children's (float32 whole numbers below 2^24 add up exactly).
 * Undefined otherwise (e.g. boosting's hessian sums).
 */
export function compactLeafSamples(
  feature: FeatureColumn,
  right: Int32Array,
  samples: Float32Array | Float64Array,
): Uint8Array | undefined {
  if (!(samples instanceof Float32Array)) return undefined;
  // Checked in place, as samplesOfLeaves would add them up (no decoded copy: a forest's worker thread makes one
  // per tree, and garbage typed arrays wait for the garbage collector).
  for (let node = 0; node < feature.length; node++) {
    const count = samples[node] as number;
    if ((feature[node] as number) >= 0) {
      const sum = Math.fround((samples[node + 1] as number) + (samples[right[node] as number] as number));
      if (sum !== count) return undefined;
    } else if (!(Number.isInteger(count) && count >= 0 && count < 256)) return undefined;
  }
  const counts = new Uint8Array(feature.length);
  for (let node = 0; node < feature.length; node++)
    if ((feature[node] as number) < 0) counts[node] = samples[node] as number;
  return counts;
}

/** The samples of a pre-order tree from its leafSamples: children come after their parent, so bottom-up is backwards. */
export function samplesOfLeaves(
  feature: FeatureColumn,
  right: Int32Array,
  leafSamples: Uint8Array,
): Float32Array {
  const samples = new Float32Array(feature.length);
  for (let node = feature.length - 1; node >= 0; node--)
    samples[node] =
      (feature[node] as number) < 0
        ? (leafSamples[node] as number)
        : (samples[node + 1] as number) + (samples[right[node] as number] as number);
  return samples;
}

/** The thresholds of a tree held as splitBins and cuts (TreeColumns): 0 at leaves. */
export function thresholdsOfBins(
  feature: FeatureColumn,
  splitBins: Uint8Array,
  cuts: Float32Array[],
): Float32Array {
  const threshold = new Float32Array(feature.length);
  for (let node = 0; node < feature.length; node++) {
    const f = feature[node] as number;
    if (f >= 0) threshold[node] = binThreshold(cuts, f, splitBins[node] as number);
  }
  return threshold;
}

/** The cut point `bin` of feature `f`; a bin past the cut points (every value left) has none: NaN, as float32 storage of `undefined`. */
function binThreshold(cuts: Float32Array[], f: number, bin: number): number {
  return cuts[f]?.[bin] ?? Number.NaN;
}

/**
 * The threshold of inner node `node`, without making a compact tree's whole threshold column (Tree.threshold):
 * for code that walks a tree row by row.
 */
export function thresholdAt(
  tree: Pick<TreeColumns, "feature" | "threshold" | "splitBins" | "cuts">,
  node: number,
): number {
  const { splitBins, cuts } = tree;
  if (splitBins === undefined || cuts === undefined) return (tree.threshold as Float32Array)[node] as number;
  return binThreshold(cuts, tree.feature[node] as number, splitBins[node] as number);
}

/** rightOffsets at and above it say "far": the right child is farRights[offset − FAR_RIGHT]. */
export const FAR_RIGHT = 0xf000;

/**
 * A pre-order tree's `right` as rightOffsets and farRights (TreeColumns), unless more than 65536 − FAR_RIGHT
 * right children are far (or some right child comes before its parent): then undefined.
 */
export function compactRight(
  feature: FeatureColumn,
  right: Int32Array,
): { rightOffsets: Uint16Array; farRights: Int32Array } | undefined {
  const rightOffsets = new Uint16Array(feature.length);
  const far: number[] = [];
  for (let node = 0; node < feature.length; node++) {
    if ((feature[node] as number) < 0) continue;
    const offset = (right[node] as number) - node;
    if (offset <= 0) return undefined;
    if (offset < FAR_RIGHT) rightOffsets[node] = offset;
    else {
      if (far.length === 0x10000 - FAR_RIGHT) return undefined;
      rightOffsets[node] = FAR_RIGHT + far.length;
      far.push(right[node] as number);
    }
  }
  return { rightOffsets, farRights: Int32Array.from(far) };
}

/** The right children of a tree held as rightOffsets and farRights (TreeColumns): −1 at leaves. */
export function rightsOfOffsets(
  feature: FeatureColumn,
  rightOffsets: Uint16Array,
  farRights: Int32Array,
): Int32Array {
  const right = new Int32Array(feature.length);
  for (let node = 0; node < feature.length; node++) {
    right[node] = (feature[node] as number) < 0 ? -1 : rightOfOffset(node, rightOffsets, farRights);
  }
  return right;
}

/** Inner node `node`'s right child from its rightOffsets entry (see TreeColumns). */
function rightOfOffset(node: number, rightOffsets: Uint16Array, farRights: Int32Array): number {
  const offset = rightOffsets[node] as number;
  return offset < FAR_RIGHT ? node + offset : (farRights[offset - FAR_RIGHT] as number);
}

/**
 * The right child of inner node `node`, without making a compact tree's whole right column (Tree.right): for
 * code that walks a tree row by row.
 */
export function rightChild(
  tree: Pick<TreeColumns, "right" | "rightOffsets" | "farRights">,
  node: number,
): number {
  const { rightOffsets, farRights } = tree;
  if (rightOffsets === undefined || farRights === undefined)
    return (tree.right as Int32Array)[node] as number;
  return rightOfOffset(node, rightOffsets, farRights);
}

/**
 * Makes `column` of `tree` an own enumerable property decoded on every read (so structuredClone and JSON copy the
 * full column), with the compact columns it is decoded from as non-enumerable properties (`stored`).
 */
function decodedOnRead(
  tree: Tree,
  column: "threshold" | "right" | "samples",
  stored: Record<string, unknown>,
  decode: () => Float32Array | Int32Array,
): void {
  for (const [name, value] of Object.entries(stored)) Object.defineProperty(tree, name, { value });
  Object.defineProperty(tree, column, { enumerable: true, get: decode });
}

/**
 * The left child of inner node `node`. A free function rather than a method: trees are also passed as plain
 * objects with the same fields (structuredClone, worker messages).
 */
export function leftChild(tree: Pick<TreeColumns, "left">, node: number): number {
  return tree.left === undefined ? node + 1 : (tree.left[node] as number);
}

/**
 * A tree in memory. A forest grown to pure leaves on a million rows has about a million nodes per tree, so the
 * nodes live in typed arrays (~21 bytes a node: the feature in one byte below 128 features, the left child implied
 * by pre-order; ~15 in a histogram forest's trees, whose thresholds are bins and samples the leaves' counts) rather than in the JSON shape (~100 bytes: one array per node's value). JSON.stringify writes the
 * JSON shape (toJSON); TreeEnsembleSchema reads it back into this one.
 */
export class Tree implements TreeColumns {
  readonly feature: FeatureColumn;
  /**
   * Made anew from splitBins and cuts on every read when the tree holds those (a histogram forest's: three bytes
   * a node less), so read it once per tree, or use thresholdAt. An own enumerable property either way, so that
   * structuredClone copies it.
   */
  declare readonly threshold: Float32Array;
  /** Set (not enumerable: clones get the thresholds instead) when the tree holds its thresholds as bins. */
  declare readonly splitBins?: Uint8Array;
  declare readonly cuts?: Float32Array[];
  /** Absent in pre-order trees (the usual case): use leftChild. */
  readonly left?: Int32Array;
  /**
   * Made anew from rightOffsets and farRights on every read when the tree holds those (a forest's: two bytes a
   * node less), so read it once per tree, or use rightChild. An own enumerable property either way.
   */
  declare readonly right: Int32Array;
  /** Set (not enumerable: clones get the right children instead) when the tree holds its right children so. */
  declare readonly rightOffsets?: Uint16Array;
  declare readonly farRights?: Int32Array;
  /** nodes × outputs: node n's values are value[n · outputs + k]. */
  readonly value: Float64Array;
  /**
   * Made anew from leafSamples on every read when the tree holds those (a forest's: three bytes a node less), so
   * read it once per tree, not once per node. An own enumerable property either way, so that structuredClone
   * copies it.
   */
  declare readonly samples?: Float32Array | Float64Array;
  readonly missingLeft?: Uint8Array;
  constructor(columns: TreeColumns) {
    this.feature = compactFeatures(columns.feature);
    if (columns.threshold !== undefined) this.threshold = columns.threshold;
    else if (columns.splitBins !== undefined && columns.cuts !== undefined) {
      const { feature } = this;
      const { splitBins, cuts } = columns;
      decodedOnRead(this, "threshold", { splitBins, cuts }, () => thresholdsOfBins(feature, splitBins, cuts));
    } else throw new RangeError("Tree: expected threshold, or splitBins with cuts");
    const left = columns.left === undefined ? undefined : explicitLeft(columns.feature, columns.left);
    if (left !== undefined) this.left = left;
    if (columns.right !== undefined) this.right = columns.right;
    else if (columns.rightOffsets !== undefined && columns.farRights !== undefined) {
      if (left !== undefined) throw new RangeError("Tree: rightOffsets need a tree in pre-order");
      const { feature } = this;
      const { rightOffsets, farRights } = columns;
      decodedOnRead(this, "right", { rightOffsets, farRights }, () =>
        rightsOfOffsets(feature, rightOffsets, farRights),
      );
    } else throw new RangeError("Tree: expected right, or rightOffsets with farRights");
    this.value = columns.value;
    if (columns.samples !== undefined) this.samples = columns.samples;
    else if (columns.leafSamples !== undefined) {
      if (left !== undefined) throw new RangeError("Tree: leafSamples need a tree in pre-order");
      const { feature } = this;
      const leafSamples = columns.leafSamples;
      decodedOnRead(this, "samples", {}, () => samplesOfLeaves(feature, this.right, leafSamples));
    }
    if (columns.missingLeft !== undefined) this.missingLeft = columns.missingLeft;
  }

  get nodes(): number {
    return this.feature.length;
  }

  /** Values per node: the ensemble's outputs. */
  get outputs(): number {
    return this.nodes === 0 ? 0 : this.value.length / this.nodes;
  }

  /** The tree from its JSON shape; node values shorter than `outputs` are padded with zeros. */
  static fromJson(json: TreeJson, outputs: number): Tree {
    const value = new Float64Array(json.feature.length * outputs);
    json.value.forEach((values, node) => {
      for (let k = 0; k < outputs && k < values.length; k++) value[node * outputs + k] = values[k] as number;
    });
    return new Tree({
      feature: Int32Array.from(json.feature),
      threshold: Float32Array.from(json.threshold),
      left: Int32Array.from(json.left),
      right: Int32Array.from(json.right),
      value,
      ...(json.samples === undefined ? {} : { samples: Float64Array.from(json.samples) }),
      ...(json.missingLeft === undefined ? {} : { missingLeft: Uint8Array.from(json.missingLeft) }),
    });
  }

  toJSON(): TreeJson {
    const k = this.outputs;
    return {
      feature: Array.from(this.feature),
      threshold: Array.from(this.threshold),
      left: Array.from(this.feature, (f, node) => (f < 0 ? -1 : leftChild(this, node))),
      right: Array.from(this.right),
      value: Array.from({ length: this.nodes }, (_, node) =>
        Array.from(this.value.subarray(node * k, (node + 1) * k)),
      ),
      ...(this.samples === undefined ? {} : { samples: Array.from(this.samples) }),
      // Written only when some missing value goes left, so every other tree's JSON stays as it was.
      ...(this.missingLeft?.includes(1)
        ? { missingLeft: Array.from(this.missingLeft, (m) => (m === 1 ? 1 : 0)) }
        : {}),
    };
  }
}

const TreeEnsembleJsonSchema = z
  .object({
    format: z.literal(TREE_FORMAT),
    task: z.enum(["regression", "classification"]),
    /** The model type that produced it, e.g. "forest", "gbt", "ml-random-forest". */
    modelType: z.string(),
    /** The model's input columns, in order: the featurizer's outputs. */
    featureNames: z.array(z.string()).min(1),
    /** Classification labels; probability k belongs to classes[k]. */
    classes: z.array(z.union([z.string(), z.number()])).optional(),
    outputs: z.number().int().positive(),
    aggregate: z.enum(["sum", "average"]),
    base: z.array(z.number()),
    postTransform: z.enum(["none", "logistic", "softmax"]),
    trees: z.array(TreeJsonSchema).min(1),
    /** Normalised impurity-decrease importance per feature (sums to 1), if the learner computed it. */
    featureImportance: z.array(z.number()).optional(),
  })
  .strict();

/** An ensemble's JSON but its trees (read a tree at a time from large files: src/ml/read-trees.ts). */
export const TreeEnsembleHeaderSchema = TreeEnsembleJsonSchema.omit({ trees: true });

/** Reads an ensemble's JSON (as JSON.stringify wrote it) into memory. */
export const TreeEnsembleSchema = TreeEnsembleJsonSchema.transform(
  ({ trees, ...ensemble }): TreeEnsemble => ({
    ...ensemble,
    trees: trees.map((tree) => Tree.fromJson(tree, ensemble.outputs)),
  }),
);

export type TreeEnsemble = Omit<z.infer<typeof TreeEnsembleJsonSchema>, "trees"> & { trees: Tree[] };

/** Index of the leaf that `row` (starting at `offset`) reaches in `tree`. */
export function leafIndex(tree: Tree, row: ArrayLike<number>, offset = 0): number {
  let node = 0;
  const missingLeft = tree.missingLeft;
  for (let feature = tree.feature[0] as number; feature >= 0; feature = tree.feature[node] as number) {
    const x = row[offset + feature] as number;
    const goesLeft = x <= thresholdAt(tree, node) || (missingLeft?.[node] === 1 && Number.isNaN(x));
    node = goesLeft ? leftChild(tree, node) : rightChild(tree, node);
  }
  return node;
}

/**
 * Raw scores (before postTransform) for `rows`, a row-major float32 matrix of n × featureNames.length values.
 * Returns n × outputs values, row-major. This is the reference the ONNX export is checked against.
 */
export function predictScores(ensemble: TreeEnsemble, rows: Float32Array): Float64Array {
  const width = ensemble.featureNames.length;
  const n = Math.floor(rows.length / width);
  const k = ensemble.outputs;
  const scores = new Float64Array(n * k);
  const scale = ensemble.aggregate === "average" ? 1 / ensemble.trees.length : 1;
  for (let i = 0; i < n; i++) {
    const out = i * k;
    for (const tree of ensemble.trees) {
      const leaf = leafIndex(tree, rows, i * width) * k;
      for (let j = 0; j < k; j++)
        scores[out + j] = (scores[out + j] as number) + (tree.value[leaf + j] as number);
    }
    for (let j = 0; j < k; j++)
      scores[out + j] = (scores[out + j] as number) * scale + (ensemble.base[j] ?? 0);
  }
  return scores;
}

/**
 * Predictions: for regression n values; for classification n × classes probabilities, row-major.
 */
export function predictOutputs(ensemble: TreeEnsemble, rows: Float32Array): Float64Array {
  return applyPostTransform(ensemble, predictScores(ensemble, rows));
}

/** From raw scores (n × outputs, as predictScores returns them) to predictions, as predictOutputs does. */
export function applyPostTransform(
  ensemble: Pick<TreeEnsemble, "postTransform" | "outputs">,
  scores: Float64Array,
): Float64Array {
  switch (ensemble.postTransform) {
    case "none":
      return scores;
    case "logistic": {
      const probabilities = new Float64Array(scores.length * 2);
      for (let i = 0; i < scores.length; i++) {
        const p = 1 / (1 + Math.exp(-(scores[i] as number)));
        probabilities[2 * i] = 1 - p;
        probabilities[2 * i + 1] = p;
      }
      return probabilities;
    }
    case "softmax": {
      const k = ensemble.outputs;
      const probabilities = new Float64Array(scores.length);
      for (let start = 0; start < scores.length; start += k) {
        let max = Number.NEGATIVE_INFINITY;
        for (let j = 0; j < k; j++) max = Math.max(max, scores[start + j] as number);
        let sum = 0;
        for (let j = 0; j < k; j++) {
          const e = Math.exp((scores[start + j] as number) - max);
          probabilities[start + j] = e;
          sum += e;
        }
        for (let j = 0; j < k; j++) probabilities[start + j] = (probabilities[start + j] as number) / sum;
      }
      return probabilities;
    }
    default:
      return unreachable(ensemble.postTransform);
  }
}
