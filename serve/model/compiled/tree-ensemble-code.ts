// An ai.onnx.ml TreeEnsembleRegressor as JavaScript, with onnxruntime's semantics: the trees as flat typed-array
// tables walked by one small loop, node modes BRANCH_LEQ/LT/GTE/GT/EQ/NEQ, missing values (NaN)
// going the true way where nodes_missing_value_tracks_true says so and otherwise wherever the comparison sends them,
// thresholds, weights and sums in the kernel's own type (float64 for a float64 input, float32 otherwise: Math.fround
// and a Float32Array accumulator reproduce float32 arithmetic), SUM or AVERAGE plus the base values, and the
// post-transform as onnxruntime applies it (one target: none but PROBIT, which is not compiled; several: LOGISTIC
// and SOFTMAX in float32). Anything else is refused with the reason; the caller falls back to onnxruntime.
import { type CompleteTreeInput, type CompleteTreeNode, completeTreesCode } from "./complete-trees.js";
import type { AttributeValue, ConstTensor, ElementType, GraphNode } from "./onnx-graph.js";

export interface EnsembleCode {
  /** Module-level declarations: the tree tables, the function that walks them and the scratch arrays. */
  declarations: string;
  /** Statements for one row: reads the feature expressions, leaves the outputs in the returned variables. */
  statements: string;
  outputs: string[];
}

const MODES = new Set([
  "BRANCH_LEQ",
  "BRANCH_LT",
  "BRANCH_GTE",
  "BRANCH_GT",
  "BRANCH_EQ",
  "BRANCH_NEQ",
  "LEAF",
]);
/** The node modes as the tree loop's codes (see ensembleCode). */
const MODE_CODE: Record<string, number> = {
  BRANCH_LEQ: 0,
  BRANCH_LT: 1,
  BRANCH_GTE: 2,
  BRANCH_GT: 3,
  BRANCH_EQ: 4,
  BRANCH_NEQ: 5,
  LEAF: 6,
};

/** A JavaScript literal that reads back as exactly `value`. */
export function literal(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Number.POSITIVE_INFINITY) return "Infinity";
  if (value === Number.NEGATIVE_INFINITY) return "-Infinity";
  if (Object.is(value, -0)) return "-0";
  return String(value);
}

interface TreeNode extends CompleteTreeNode {
  id: number;
}

function attributeOf(node: GraphNode) {
  const where = `${node.opType} ${node.name}`;
  const get = (name: string) => node.attributes.get(name);
  const ints = (name: string, required = true): number[] => {
    const value = get(name);
    if (value === undefined && !required) return [];
    if (!Array.isArray(value)) throw new Error(`${where}: attribute ${name} is missing`);
    return value as number[];
  };
  const numbers = (name: string): number[] | undefined => {
    const tensor = get(`${name}_as_tensor`) as ConstTensor | undefined;
    if (tensor !== undefined) return tensor.values as number[];
    const value = get(name) as AttributeValue | undefined;
    return Array.isArray(value) ? (value as number[]) : undefined;
  };
  return { where, get, ints, numbers };
}

export function ensembleCode(
  node: GraphNode,
  inputType: ElementType,
  features: string[],
  prefix: string,
): EnsembleCode {
  const { where, get, ints, numbers } = attributeOf(node);
  if (node.opType !== "TreeEnsembleRegressor" || node.domain !== "ai.onnx.ml")
    throw new Error(`${where}: only ai.onnx.ml TreeEnsembleRegressor is compiled`);
  const wide = inputType === "double";
  const round = wide ? (x: number) => x : Math.fround;
  const targets = Number(get("n_targets") ?? 1);
  const aggregate = String(get("aggregate_function") ?? "SUM");
  if (aggregate !== "SUM" && aggregate !== "AVERAGE")
    throw new Error(`${where}: aggregate_function ${aggregate} is not compiled`);
  const postTransform = String(get("post_transform") ?? "NONE");
  if (!["NONE", "LOGISTIC", "SOFTMAX"].includes(postTransform))
    throw new Error(`${where}: post_transform ${postTransform} is not compiled`);

  const treeIds = ints("nodes_treeids");
  const nodeIds = ints("nodes_nodeids");
  const featureIds = ints("nodes_featureids");
  const modes = get("nodes_modes") as string[] | undefined;
  const thresholds = numbers("nodes_values");
  const trueIds = ints("nodes_truenodeids");
  const falseIds = ints("nodes_falsenodeids");
  const missing = ints("nodes_missing_value_tracks_true", false);
  const n = treeIds.length;
  if (!modes || !thresholds) throw new Error(`${where}: nodes_modes or nodes_values is missing`);
  for (const [name, list] of [
    ["nodes_nodeids", nodeIds],
    ["nodes_featureids", featureIds],
    ["nodes_modes", modes],
    ["nodes_values", thresholds],
    ["nodes_truenodeids", trueIds],
    ["nodes_falsenodeids", falseIds],
  ] as const)
    if (list.length !== n)
      throw new Error(`${where}: ${name} has ${list.length} entries, nodes_treeids ${n}`);

  const trees = new Map<number, Map<number, TreeNode>>();
  for (let i = 0; i < n; i++) {
    const mode = modes[i] as string;
    if (!MODES.has(mode)) throw new Error(`${where}: node mode ${mode} is not compiled`);
    const feature = featureIds[i] as number;
    if (mode !== "LEAF" && (feature < 0 || feature >= features.length))
      throw new Error(`${where}: node reads feature ${feature} of ${features.length}`);
    const tree = trees.get(treeIds[i] as number) ?? new Map<number, TreeNode>();
    trees.set(treeIds[i] as number, tree);
    tree.set(nodeIds[i] as number, {
      id: nodeIds[i] as number,
      mode,
      feature,
      threshold: round(thresholds[i] as number),
      trueId: trueIds[i] as number,
      falseId: falseIds[i] as number,
      missingTrue: missing[i] === 1,
      weights: [],
    });
  }
  const targetTrees = ints("target_treeids");
  const targetNodes = ints("target_nodeids");
  const targetIds = ints("target_ids");
  const weights = numbers("target_weights") ?? [];
  for (let i = 0; i < targetTrees.length; i++) {
    const leaf = trees.get(targetTrees[i] as number)?.get(targetNodes[i] as number);
    const target = targetIds[i] as number;
    if (!leaf || target < 0 || target >= targets)
      throw new Error(
        `${where}: target weight ${i} names no leaf (tree ${targetTrees[i]}, node ${targetNodes[i]})`,
      );
    leaf.weights.push({ target, weight: round(weights[i] as number) });
  }
  const baseValues = (numbers("base_values") ?? []).map(round);

  const scores = `${prefix}S`;
  const x = `${prefix}X`;
  // The trees as flat tables (node i: its mode, feature, threshold, children, missing-value track, leaf weights),
  // walked by one small loop. One function of nested ifs per tree ran faster alone, but V8 compiles each of
  // hundreds of functions on its own (seconds of optimising under load) and its mid-tier compiler kept ≈ 70 MB
  // for them (serve/README.md).
  const table = { mode: [] as number[], feature: [] as number[], threshold: [] as number[] };
  const trueNext: number[] = [];
  const falseNext: number[] = [];
  const missingTrue: number[] = [];
  const leafStart: number[] = [];
  const leafEnd: number[] = [];
  const weightTarget: number[] = [];
  const weightValue: number[] = [];
  const roots: number[] = [];
  const sortedTrees: CompleteTreeInput[] = [];
  for (const [treeId, tree] of [...trees].sort((a, b) => a[0] - b[0])) {
    const children = new Set<number>();
    for (const node of tree.values())
      if (node.mode !== "LEAF") {
        children.add(node.trueId);
        children.add(node.falseId);
      }
    const treeRoots = [...tree.keys()].filter((id) => !children.has(id));
    if (treeRoots.length !== 1) throw new Error(`${where}: tree ${treeId} has ${treeRoots.length} roots`);
    const place = (id: number, depth: number, seen: Set<number>): number => {
      const node = tree.get(id);
      if (!node) throw new Error(`${where}: tree ${treeId} refers to missing node ${id}`);
      if (seen.has(id) || depth > 1000) throw new Error(`${where}: tree ${treeId} is not a tree`);
      const path = new Set(seen).add(id);
      const at = table.mode.length;
      table.mode.push(MODE_CODE[node.mode] as number);
      table.feature.push(node.mode === "LEAF" ? 0 : node.feature);
      table.threshold.push(node.mode === "LEAF" ? 0 : node.threshold);
      missingTrue.push(node.missingTrue ? 1 : 0);
      trueNext.push(-1);
      falseNext.push(-1);
      leafStart.push(weightTarget.length);
      for (const { target, weight } of node.mode === "LEAF" ? node.weights : []) {
        weightTarget.push(target);
        weightValue.push(weight);
      }
      leafEnd.push(weightTarget.length);
      if (node.mode !== "LEAF") {
        trueNext[at] = place(node.trueId, depth + 1, path);
        falseNext[at] = place(node.falseId, depth + 1, path);
      }
      return at;
    };
    roots.push(place(treeRoots[0] as number, 0, new Set()));
    sortedTrees.push({ nodes: tree, root: treeRoots[0] as number });
  }
  const real = wide ? "Float64Array" : "Float32Array";
  const array = (type: string, values: number[]) => `new ${type}([${values.map(literal).join(",")}])`;
  const name = (part: string) => `${prefix}${part}`;
  const accumulator = wide ? "Float64Array" : "Float32Array";
  const flatWalk = (): string[] => [
    `const ${name("mode")}=${array("Uint8Array", table.mode)};`,
    `const ${name("feature")}=${array("Int32Array", table.feature)};`,
    `const ${name("threshold")}=${array(real, table.threshold)};`,
    `const ${name("true")}=${array("Int32Array", trueNext)};`,
    `const ${name("false")}=${array("Int32Array", falseNext)};`,
    `const ${name("missing")}=${array("Uint8Array", missingTrue)};`,
    `const ${name("leafStart")}=${array("Int32Array", leafStart)};`,
    `const ${name("leafEnd")}=${array("Int32Array", leafEnd)};`,
    `const ${name("weightTarget")}=${array("Int32Array", weightTarget)};`,
    `const ${name("weightValue")}=${array(real, weightValue)};`,
    `const ${name("roots")}=${array("Int32Array", roots)};`,
    // Modes as MODE_CODE numbers them; NaN compares false, and then the missing-value track decides.
    `function ${name("trees")}(x,s){`,
    `for(let t=0;t<${roots.length};t++){let n=${name("roots")}[t];let m=${name("mode")}[n];`,
    `while(m!==6){const v=x[${name("feature")}[n]];const h=${name("threshold")}[n];`,
    "const go=m===0?v<=h:m===1?v<h:m===2?v>=h:m===3?v>h:m===4?v===h:v!==h;",
    `n=go||(${name("missing")}[n]===1&&v!==v)?${name("true")}[n]:${name("false")}[n];m=${name("mode")}[n];}`,
    `for(let k=${name("leafStart")}[n];k<${name("leafEnd")}[n];k++)s[${name("weightTarget")}[k]]+=${name("weightValue")}[k];}}`,
  ];
  // The complete-tree walk (complete-trees.ts) where the ensemble fits it: the same sums, about 4× faster.
  const complete = completeTreesCode(sortedTrees, targets, wide, name, literal);
  const walk = complete
    ? [...complete.declarations, `function ${name("trees")}(x,s){`, complete.body, "}"]
    : flatWalk();
  const declarations = [
    ...walk,
    `const ${x}=new Float64Array(${features.length});`,
    `const ${scores}=new ${accumulator}(${targets});`,
  ].join("\n");
  const calls = [`${name("trees")}(${x},${scores});`];

  const f = (expression: string) => (wide ? expression : `f(${expression})`);
  const lines: string[] = [];
  features.forEach((feature, i) => {
    lines.push(`${x}[${i}]=${feature};`);
  });
  for (let k = 0; k < targets; k++) lines.push(`${scores}[${k}]=0;`);
  lines.push(...calls);
  const outputs: string[] = [];
  for (let k = 0; k < targets; k++) {
    let score = `${scores}[${k}]`;
    if (aggregate === "AVERAGE") score = f(`${score}/${trees.size}`);
    const base = baseValues[k];
    if (base !== undefined && base !== 0) score = f(`${score}+${literal(base)}`);
    const name = `${prefix}v${k}`;
    lines.push(`let ${name}=f(${score});`);
    outputs.push(name);
  }
  if (targets > 1 && postTransform !== "NONE") {
    if (postTransform === "LOGISTIC") for (const v of outputs) lines.push(`${v}=logistic(${v});`);
    else {
      lines.push(`let ${prefix}m=-3.4028234663852886e38,${prefix}z=0;`);
      for (const v of outputs) lines.push(`if(${v}>${prefix}m)${prefix}m=${v};`);
      for (const v of outputs)
        lines.push(`${v}=f(Math.exp(f(${v}-${prefix}m)));${prefix}z=f(${prefix}z+${v});`);
      for (const v of outputs) lines.push(`${v}=f(${v}/${prefix}z);`);
    }
  }
  return { declarations, statements: lines.join("\n"), outputs };
}
