// The tree ensemble padded to complete binary trees of one depth D and walked without branches: node p of level d
// sits at 2^d − 1 + p in its tree's block, a step is `p = 2p + bit` where bit is 0 for the true child and 1 for the
// false one, and after D steps p indexes the tree's 2^D leaf slots. A leaf above depth D fills every slot below it
// (the padding nodes between lead to the same value whichever way they go), so the result is the flat walk's.
// Why: the flat tables' walk (tree-ensemble-code.ts) follows a pointer and takes an unpredictable branch per node
// (≈ 8 µs per row for the pipeline's 447 depth-3 trees); this one loads a fixed number of nodes per tree with no branch on
// the data: ≈ 2 µs per row, against onnxruntime's ≈ 4 (serve/README.md). It applies when every split uses the
// same node mode and missing-value track (one comparison expression for all of them, as exported models have) and
// the padding stays small; otherwise the caller keeps the flat walk.

/** A node of a tree as the ensemble compiler reads it from the ONNX attributes. */
export interface CompleteTreeNode {
  mode: string;
  feature: number;
  /** Already in the kernel's type (float32-rounded for a float input). */
  threshold: number;
  trueId: number;
  falseId: number;
  missingTrue: boolean;
  weights: { target: number; weight: number }[];
}

/** A tree as the ensemble compiler reads it: node ids to nodes, and its root. */
export interface CompleteTreeInput {
  nodes: Map<number, CompleteTreeNode>;
  root: number;
}

/** Deeper trees would pad to too many slots; they keep the flat walk. */
const MAX_DEPTH = 10;
/** Leaf slots (× targets) over all trees: 8 MB of float64 at most. */
const MAX_LEAF_VALUES = 1 << 20;

/** The comparison that sends value v to the true child, as the node modes define it (NaN compares false). */
const GOES_TRUE: Record<string, (v: string, h: string) => string> = {
  BRANCH_LEQ: (v, h) => `${v}<=${h}`,
  BRANCH_LT: (v, h) => `${v}<${h}`,
  BRANCH_GTE: (v, h) => `${v}>=${h}`,
  BRANCH_GT: (v, h) => `${v}>${h}`,
  BRANCH_EQ: (v, h) => `${v}===${h}`,
  BRANCH_NEQ: (v, h) => `${v}!==${h}`,
};

export interface CompleteTreesCode {
  declarations: string[];
  /** The body of `function trees(x, s)`: adds every tree's leaf weights to s[target]. */
  body: string;
}

function depthOf(tree: CompleteTreeInput, id: number): number {
  const node = tree.nodes.get(id) as CompleteTreeNode;
  if (node.mode === "LEAF") return 0;
  return 1 + Math.max(depthOf(tree, node.trueId), depthOf(tree, node.falseId));
}

/**
 * The complete-tree tables and walk, or undefined when the ensemble does not fit it (mixed modes or missing
 * tracks, a leaf with two weights for one target, too deep). `trees` are already checked to be trees.
 */
export function completeTreesCode(
  trees: readonly CompleteTreeInput[],
  targets: number,
  wide: boolean,
  name: (part: string) => string,
  literal: (value: number) => string,
): CompleteTreesCode | undefined {
  const splitModes = new Set<string>();
  const missingTracks = new Set<boolean>();
  for (const tree of trees)
    for (const node of tree.nodes.values()) {
      if (node.mode === "LEAF") {
        const seen = new Set<number>();
        for (const { target } of node.weights) {
          if (seen.has(target)) return undefined;
          seen.add(target);
        }
      } else {
        splitModes.add(node.mode);
        missingTracks.add(node.missingTrue);
      }
    }
  if (splitModes.size > 1 || missingTracks.size > 1) return undefined;
  const mode = [...splitModes][0] ?? "BRANCH_LEQ";
  const goesTrue = GOES_TRUE[mode];
  if (!goesTrue) return undefined;
  const missingTrue = [...missingTracks][0] ?? false;
  const depth = Math.max(0, ...trees.map((tree) => depthOf(tree, tree.root)));
  if (depth > MAX_DEPTH || trees.length * 2 ** depth * targets > MAX_LEAF_VALUES) return undefined;

  const size = 2 ** depth - 1;
  const slots = 2 ** depth;
  const feature = new Array<number>(trees.length * size).fill(0);
  const threshold = new Array<number>(trees.length * size).fill(0);
  const leaf = new Array<number>(trees.length * slots * targets).fill(0);
  trees.forEach((tree, t) => {
    const place = (id: number, level: number, p: number) => {
      const node = tree.nodes.get(id) as CompleteTreeNode;
      if (node.mode === "LEAF") {
        // Every slot under this position: the padding nodes between lead here whichever way they go.
        const span = 2 ** (depth - level);
        for (let slot = p * span; slot < (p + 1) * span; slot++)
          for (const { target, weight } of node.weights) leaf[(t * slots + slot) * targets + target] = weight;
        return;
      }
      const at = t * size + 2 ** level - 1 + p;
      feature[at] = node.feature;
      threshold[at] = node.threshold;
      place(node.trueId, level + 1, 2 * p);
      place(node.falseId, level + 1, 2 * p + 1);
    };
    place(tree.root, 0, 0);
  });

  const real = wide ? "Float64Array" : "Float32Array";
  const array = (type: string, values: number[]) => `new ${type}([${values.map(literal).join(",")}])`;
  const declarations = [
    `const ${name("cFeature")}=${array("Int32Array", feature)};`,
    `const ${name("cThreshold")}=${array(real, threshold)};`,
    `const ${name("cLeaf")}=${array(real, leaf)};`,
  ];
  // bit: 0 to the true child, 1 to the false one (booleans combine to 0/1 with | and ^, without a branch).
  const bit = (at: string) => {
    const v = `x[${name("cFeature")}[${at}]]`;
    const compare = `(${goesTrue(v, `${name("cThreshold")}[${at}]`)})`;
    return missingTrue ? `((${compare}|(${v}!==${v}))^1)` : `(${compare}^1)`;
  };
  const steps: string[] = [];
  for (let level = 0; level < depth; level++) {
    const at = level === 0 ? "o" : `o+${2 ** level - 1}+p`;
    steps.push(level === 0 ? `let p=${bit(at)};` : `p=2*p+${bit(at)};`);
  }
  if (depth === 0) steps.push("const p=0;");
  const add = (slot: string, k: number) => {
    const value = `${name("cLeaf")}[${targets === 1 ? slot : `(${slot})*${targets}+${k}`}]`;
    return wide ? `a${k}+=${value};` : `a${k}=f(a${k}+${value});`;
  };
  const accumulators = Array.from({ length: targets }, (_, k) => k);
  const body = [
    // Each target's sum in a local, rounded as the kernel's accumulator array would round it.
    `let ${accumulators.map((k) => `a${k}=s[${k}]`).join(",")};`,
    `for(let t=0,o=0,l=0;t<${trees.length};t++,o+=${size},l+=${slots}){`,
    ...steps,
    ...accumulators.map((k) => add("l+p", k)),
    "}",
    ...accumulators.map((k) => `s[${k}]=a${k};`),
  ].join("\n");
  return { declarations, body };
}
