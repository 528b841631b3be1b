// DEPRECATED: the hand-built model package written before the package stage's exporter existed (random trees straight
// into an ai.onnx.ml TreeEnsemble with onnx-proto, plus a manifest). Only test/deploy still uses it, through
// fixtures.ts's writeRegressionPackage; the serve tests use models the exporter builds.
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import onnxProto from "onnx-proto";
import { MANIFEST_FORMAT, type Manifest, type ManifestFeature } from "../../../src/artifact/manifest.js";

const { onnx } = onnxProto;

export interface HandBuiltSpec {
  name: string;
  task: "regression" | "classification";
  features: ManifestFeature[];
  classes?: string[];
  trees: number;
  depth: number;
  seed: number;
  /**
   * Grow like a forest trained on this many (bootstrap) rows: each split sends a random share of a node's rows left,
   * and a node with fewer than 2 rows is a leaf (sklearn's defaults give such trees). Without it, trees are full
   * to `depth`.
   */
  samples?: number;
}

interface Node {
  feature: number;
  threshold: number;
  left: number;
  right: number;
  value: number[];
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function codeRange(feature: ManifestFeature): [number, number] {
  if (feature.kind === "categorical") return [0, (feature.categories?.length ?? 1) - 1];
  return [feature.min ?? 0, feature.max ?? 1];
}

function randomTree(spec: HandBuiltSpec, random: () => number, outputs: number): Node[] {
  const nodes: Node[] = [];
  const grow = (depth: number, rows: number): number => {
    const index = nodes.length;
    const node: Node = { feature: -1, threshold: 0, left: -1, right: -1, value: [] };
    nodes.push(node);
    if (depth >= spec.depth || rows < 2) {
      node.value =
        spec.task === "regression"
          ? [Math.fround(5 + random() * 45)]
          : (() => {
              const raw = Array.from({ length: outputs }, () => random() + 0.05);
              const sum = raw.reduce((a, b) => a + b, 0);
              return raw.map((v) => Math.fround(v / sum));
            })();
      return index;
    }
    node.feature = Math.floor(random() * spec.features.length);
    const [lo, hi] = codeRange(spec.features[node.feature] as ManifestFeature);
    node.threshold = Math.fround(lo + (hi - lo) * (0.1 + 0.8 * random()));
    const left = spec.samples === undefined ? rows : Math.max(1, Math.round(rows * (0.15 + 0.7 * random())));
    node.left = grow(depth + 1, left);
    node.right = grow(depth + 1, spec.samples === undefined ? rows : Math.max(1, rows - left));
    return index;
  };
  grow(0, spec.samples ?? Number.POSITIVE_INFINITY);
  return nodes;
}

function leafValue(tree: Node[], row: Float32Array): number[] {
  let node = tree[0] as Node;
  while (node.feature >= 0)
    node = tree[(row[node.feature] as number) <= node.threshold ? node.left : node.right] as Node;
  return node.value;
}

export function encodeRow(features: ManifestFeature[], row: Record<string, unknown>): Float32Array {
  return Float32Array.from(features, (feature) => {
    const value = row[feature.name];
    if (value === null || value === undefined) return Number.NaN;
    if (feature.kind === "categorical" && typeof value === "string")
      return (feature.categories ?? []).indexOf(value);
    return value as number;
  });
}

function attr(name: string, value: number | number[] | string | string[], kind: "int" | "ints" | "floats") {
  const Type = onnx.AttributeProto.AttributeType;
  const encoder = new TextEncoder();
  if (typeof value === "string") return { name, type: Type.STRING, s: encoder.encode(value) };
  if (typeof value === "number") return { name, type: Type.INT, i: value };
  if (typeof value[0] === "string")
    return { name, type: Type.STRINGS, strings: (value as string[]).map((s) => encoder.encode(s)) };
  return kind === "floats"
    ? { name, type: Type.FLOATS, floats: value as number[] }
    : { name, type: Type.INTS, ints: value as number[] };
}

function buildOnnx(spec: HandBuiltSpec, trees: Node[][]): Uint8Array {
  const nodesAttrs = {
    treeids: [] as number[],
    nodeids: [] as number[],
    featureids: [] as number[],
    values: [] as number[],
    modes: [] as string[],
    trueids: [] as number[],
    falseids: [] as number[],
  };
  const targets = {
    treeids: [] as number[],
    nodeids: [] as number[],
    ids: [] as number[],
    weights: [] as number[],
  };
  const scale = 1 / trees.length;
  trees.forEach((tree, t) => {
    tree.forEach((node, n) => {
      nodesAttrs.treeids.push(t);
      nodesAttrs.nodeids.push(n);
      nodesAttrs.featureids.push(Math.max(0, node.feature));
      nodesAttrs.values.push(node.threshold);
      nodesAttrs.modes.push(node.feature >= 0 ? "BRANCH_LEQ" : "LEAF");
      nodesAttrs.trueids.push(Math.max(0, node.left));
      nodesAttrs.falseids.push(Math.max(0, node.right));
      if (node.feature < 0)
        node.value.forEach((v, k) => {
          targets.treeids.push(t);
          targets.nodeids.push(n);
          targets.ids.push(k);
          targets.weights.push(v * scale);
        });
    });
  });
  const common = [
    attr("nodes_treeids", nodesAttrs.treeids, "ints"),
    attr("nodes_nodeids", nodesAttrs.nodeids, "ints"),
    attr("nodes_featureids", nodesAttrs.featureids, "ints"),
    attr("nodes_values", nodesAttrs.values, "floats"),
    attr("nodes_modes", nodesAttrs.modes, "ints"),
    attr("nodes_truenodeids", nodesAttrs.trueids, "ints"),
    attr("nodes_falsenodeids", nodesAttrs.falseids, "ints"),
  ];
  const F = onnx.TensorProto.DataType;
  const valueInfo = (name: string, elemType: number, dims: (number | string)[]) => ({
    name,
    type: {
      tensorType: {
        elemType,
        shape: { dim: dims.map((d) => (typeof d === "number" ? { dimValue: d } : { dimParam: d })) },
      },
    },
  });
  const input = valueInfo("input", F.FLOAT, ["N", spec.features.length]);
  const node =
    spec.task === "regression"
      ? {
          opType: "TreeEnsembleRegressor",
          domain: "ai.onnx.ml",
          input: ["input"],
          output: ["prediction"],
          attribute: [
            ...common,
            attr("target_treeids", targets.treeids, "ints"),
            attr("target_nodeids", targets.nodeids, "ints"),
            attr("target_ids", targets.ids, "ints"),
            attr("target_weights", targets.weights, "floats"),
            attr("n_targets", 1, "int"),
            attr("aggregate_function", "SUM", "int"),
          ],
        }
      : {
          opType: "TreeEnsembleClassifier",
          domain: "ai.onnx.ml",
          input: ["input"],
          output: ["label", "probabilities"],
          attribute: [
            ...common,
            attr("class_treeids", targets.treeids, "ints"),
            attr("class_nodeids", targets.nodeids, "ints"),
            attr("class_ids", targets.ids, "ints"),
            attr("class_weights", targets.weights, "floats"),
            attr("classlabels_strings", spec.classes ?? [], "ints"),
          ],
        };
  const outputs =
    spec.task === "regression"
      ? [valueInfo("prediction", F.FLOAT, ["N", 1])]
      : [
          valueInfo("label", F.STRING, ["N"]),
          valueInfo("probabilities", F.FLOAT, ["N", spec.classes?.length ?? 2]),
        ];
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: "tabula-test-fixture",
    opsetImport: [
      { domain: "", version: 15 },
      { domain: "ai.onnx.ml", version: 3 },
    ],
    graph: { name: spec.name, node: [node], input: [input], output: outputs },
  });
  return onnx.ModelProto.encode(model).finish();
}

function sampleRow(spec: HandBuiltSpec, random: () => number): Record<string, number | string | null> {
  const row: Record<string, number | string | null> = {};
  for (const feature of spec.features) {
    if (feature.nullable && random() < 0.1) row[feature.name] = null;
    else if (feature.kind === "categorical") {
      const categories = feature.categories ?? [];
      row[feature.name] = categories[Math.floor(random() * categories.length)] ?? null;
    } else {
      const lo = feature.min ?? 0;
      const hi = feature.max ?? 1;
      const value = lo + (hi - lo) * random();
      row[feature.name] = feature.dtype === "integer" ? Math.round(value) : Number(value.toPrecision(5));
    }
  }
  return row;
}

function quantileEdges(values: number[], bins: number): number[] {
  const sorted = [...values].sort((a, b) => a - b);
  const edges: number[] = [];
  for (let i = 1; i < bins; i++) {
    const edge = sorted[Math.floor((i * sorted.length) / bins)] as number;
    if (edges.length === 0 || edge > (edges[edges.length - 1] as number)) edges.push(edge);
  }
  return edges;
}

function proportionsByEdges(values: number[], edges: number[]): number[] {
  const counts = new Array(edges.length + 1).fill(0);
  for (const value of values) {
    let bin = 0;
    while (bin < edges.length && value > (edges[bin] as number)) bin++;
    counts[bin]++;
  }
  return counts.map((count) => count / values.length);
}

/** Writes model.onnx and manifest.json into `dir`; returns the manifest. */
export function writeHandBuiltPackage(dir: string, spec: HandBuiltSpec): Manifest {
  const random = mulberry32(spec.seed);
  const outputs = spec.task === "regression" ? 1 : (spec.classes?.length ?? 2);
  const trees = Array.from({ length: spec.trees }, () => randomTree(spec, random, outputs));
  const bytes = buildOnnx(spec, trees);

  const predict = (row: Record<string, unknown>): number[] => {
    const x = encodeRow(spec.features, row);
    const sum = new Array(outputs).fill(0);
    for (const tree of trees) {
      leafValue(tree, x).forEach((v, k) => {
        sum[k] += v;
      });
    }
    return sum.map((v) => v / trees.length);
  };
  const sample = Array.from({ length: 400 }, () => sampleRow(spec, random));
  const predictions = sample.map(predict);
  const labelOf = (p: number[]) => spec.classes?.[p.indexOf(Math.max(...p))] ?? "";

  const driftFeatures: Manifest["drift"]["features"] = {};
  for (const feature of spec.features) {
    const values = sample.map((row) => row[feature.name]).filter((v) => v !== null);
    if (feature.kind === "categorical") {
      const categories = feature.categories ?? [];
      const counts = categories.map((c) => values.filter((v) => v === c).length / values.length);
      driftFeatures[feature.name] = { categories, proportions: [...counts, 0] };
    } else {
      const edges = quantileEdges(values as number[], 10);
      driftFeatures[feature.name] = { edges, proportions: proportionsByEdges(values as number[], edges) };
    }
  }
  const predictionDrift =
    spec.task === "regression"
      ? (() => {
          const values = predictions.map((p) => p[0] as number);
          const edges = quantileEdges(values, 10);
          return { edges, proportions: proportionsByEdges(values, edges) };
        })()
      : {
          categories: spec.classes ?? [],
          proportions: [
            ...(spec.classes ?? []).map(
              (c) => predictions.filter((p) => labelOf(p) === c).length / sample.length,
            ),
            0,
          ],
        };

  const golden = sample.slice(0, 8).map((features, i) => {
    const p = predictions[i] as number[];
    return {
      features,
      expected:
        spec.task === "regression" ? (p[0] as number) : { label: labelOf(p), probabilities: p.map((v) => v) },
    };
  });
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  const manifest: Manifest = {
    format: MANIFEST_FORMAT,
    name: spec.name,
    version: `v-${sha256.slice(0, 12)}`,
    task: spec.task,
    onnx: {
      file: "model.onnx",
      sha256,
      input: { name: "input", dtype: "float32", shape: [-1, spec.features.length] },
      outputs:
        spec.task === "regression"
          ? { prediction: "prediction" }
          : { label: "label", probabilities: "probabilities" },
    },
    features: spec.features,
    target:
      spec.task === "regression"
        ? { name: "y", mean: 25, std: 9 }
        : { name: "y", ...(spec.classes ? { classes: spec.classes } : {}) },
    model: { type: "hand-built", params: { trees: spec.trees, depth: spec.depth }, trees: spec.trees },
    metrics: spec.task === "regression" ? { mse: 10 } : { accuracy: 0.9 },
    testRows: 100,
    lineage: { gitRev: "0000000", dataHash: "fixture", inputs: {} },
    drift: { features: driftFeatures, prediction: predictionDrift },
    golden,
  };
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "model.onnx"), bytes);
  writeFileSync(join(dir, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

/** 13 Boston-like numeric features, ranges from the dataset. */
export function bostonLikeFeatures(): ManifestFeature[] {
  const ranges: [string, number, number, "float" | "integer"][] = [
    ["crim", 0.006, 89, "float"],
    ["zn", 0, 100, "float"],
    ["indus", 0.46, 27.74, "float"],
    ["chas", 0, 1, "integer"],
    ["nox", 0.385, 0.871, "float"],
    ["rm", 3.56, 8.78, "float"],
    ["age", 2.9, 100, "float"],
    ["dis", 1.13, 12.13, "float"],
    ["rad", 1, 24, "integer"],
    ["tax", 187, 711, "float"],
    ["ptratio", 12.6, 22, "float"],
    ["b", 0.32, 396.9, "float"],
    ["lstat", 1.73, 37.97, "float"],
  ];
  return ranges.map(([name, min, max, dtype]) => ({
    name,
    kind: "numeric",
    dtype,
    min,
    max,
    nullable: false,
  }));
}

export function regressionSpec(overrides: Partial<HandBuiltSpec> = {}): HandBuiltSpec {
  return {
    name: "houses",
    task: "regression",
    features: bostonLikeFeatures(),
    trees: 10,
    depth: 4,
    seed: 7,
    ...overrides,
  };
}
