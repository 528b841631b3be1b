// A large forest through the steps after training that scale with its node count: writing trees.json and building
// the package stage's ONNX model. Each step runs in a process of its own, so its peak RSS is the step's (plus the
// model it reads). Prints one JSON line per step: wall seconds, process CPU seconds, peak RSS in MB.
//   node --import tsx bench/package-large.ts train ROWS MODEL_JSON [TREES]   fit a forest on Friedman #1 (ROWS ×
//                                                                            20 features, hist, 2 threads), write it
//   node --import tsx bench/package-large.ts write MODEL_JSON OUT_JSON       read a model, time writing it again
//   node --import tsx bench/package-large.ts onnx MODEL_JSON [OUT_ONNX]      read a model, time its ONNX build
import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import { unwrap } from "../src/ml/errors.js";
import { FEATURIZER_FORMAT, type Featurizer } from "../src/ml/features/featurizer-spec.js";
import { writeJsonAtomic } from "../src/ml/io.js";
import { forest } from "../src/ml/models/forest.js";
import { buildOnnxModel } from "../src/ml/onnx/onnx-model.js";
import { readTreeEnsemble } from "../src/ml/read-trees.js";
import { TREE_ITEMS } from "../src/ml/write-tree-json.js";
import { asTrainingSet, friedman1 } from "./train-synthetic.js";

const FEATURES = 20;

function timed<T>(step: string, run: () => T, extra: (result: T) => Record<string, unknown> = () => ({})): T {
  const rssBefore = process.memoryUsage().rss;
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  const result = run();
  const cpu = process.cpuUsage(cpuStarted);
  const seconds = (performance.now() - started) / 1000;
  console.log(
    JSON.stringify({
      step,
      wall_s: Number(seconds.toFixed(2)),
      cpu_s: Number(((cpu.user + cpu.system) / 1e6).toFixed(2)),
      rss_before_mb: Math.round(rssBefore / 2 ** 20),
      peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
      ...extra(result),
    }),
  );
  return result;
}

const [command, first, second, third] = process.argv.slice(2);
if (command === "train" && first !== undefined && second !== undefined) {
  const params = forest.params.parse({ n_estimators: Number(third ?? 20), tree_method: "hist" });
  const ensemble = await forest.fit(
    asTrainingSet(friedman1(Number(first), 1, { features: FEATURES })),
    params,
    {
      seed: 42,
      threads: 2,
    },
  );
  const nodes = ensemble.trees.reduce((sum, tree) => sum + tree.nodes, 0);
  timed(
    "write trees.json",
    () => writeJsonAtomic(second, ensemble, TREE_ITEMS),
    () => ({ trees: ensemble.trees.length, nodes }),
  );
} else if (command === "write" && first !== undefined && second !== undefined) {
  const ensemble = unwrap(readTreeEnsemble(first));
  timed("write trees.json", () => writeJsonAtomic(second, ensemble, TREE_ITEMS));
} else if (command === "onnx" && first !== undefined) {
  const ensemble = unwrap(readTreeEnsemble(first));
  const featurizer: Featurizer = {
    format: FEATURIZER_FORMAT,
    inputs: ensemble.featureNames.map((name) => ({ name, kind: "numeric" as const })),
    steps: [],
    outputs: [...ensemble.featureNames],
  };
  const options = { name: "large", producerVersion: "bench", docString: "", metadata: {} };
  const onnx = timed(
    "build onnx",
    () => buildOnnxModel(featurizer, ensemble, options),
    (bytes) => ({
      onnx_mb: Number((bytes.length / 2 ** 20).toFixed(1)),
      sha256: createHash("sha256").update(bytes).digest("hex").slice(0, 16),
    }),
  );
  if (second !== undefined) writeFileSync(second, onnx);
} else {
  console.error(
    "usage: package-large.ts train ROWS OUT_JSON [TREES] | write IN_JSON OUT_JSON | onnx IN_JSON [OUT_ONNX]",
  );
  process.exitCode = 2;
}
