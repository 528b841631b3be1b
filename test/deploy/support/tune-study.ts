// A small tuning study for the distributed-tuning tests: synthetic regression data (seeded), a forest with a tiny
// search space. Also the entry point of one shard process: `node --import tsx tune-study.ts <dir> <i/K> [wait ms]`
// runs that shard and prints its trials as JSON.
import { pathToFileURL } from "node:url";
import { unwrap } from "../../../src/ml/errors.js";
import { openStudy, parseShard, shardRunner } from "../../../src/ml/tune/shard.js";
import { type TuneRequest, tune } from "../../../src/ml/tune/tune.js";

export function smallStudy(overrides: Partial<TuneRequest> = {}): TuneRequest {
  const rows = 90;
  const features = ["a", "b", "c"];
  const x = new Float32Array(rows * features.length);
  const y = new Float64Array(rows);
  let state = 12345;
  const next = () => {
    state = (state * 48271) % 2147483647;
    return state / 2147483647;
  };
  for (let row = 0; row < rows; row++) {
    for (let f = 0; f < features.length; f++) x[row * features.length + f] = Math.fround(next() * 10);
    const [a, b] = [x[row * 3] as number, x[row * 3 + 1] as number];
    y[row] = 2 * a + (b > 5 ? 7 : 0) + next();
  }
  return {
    data: { task: "regression", x, rows, features, y },
    modelType: "forest",
    fixedParams: {},
    space: {
      n_estimators: { type: "int", low: 3, high: 9, step: 1, log: false },
      max_depth: { type: "int", low: 2, high: 5, step: 1, log: false },
    },
    metric: "mse",
    trials: 6,
    folds: 2,
    jobs: 2,
    seed: 7,
    modelSeed: 3,
    startupTrials: 3,
    candidates: 8,
    ...overrides,
  } as TuneRequest;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [dir, spec, wait] = process.argv.slice(2);
  const request = smallStudy();
  const fingerprint = unwrap(openStudy(dir as string, request));
  const runner = shardRunner(dir as string, unwrap(parseShard(spec as string)), fingerprint, {
    pollMs: 25,
    waitMs: Number(wait ?? 60_000),
  });
  try {
    const trials = await tune(request, undefined, runner);
    process.stdout.write(JSON.stringify(trials.map(({ seconds: _, ...trial }) => trial)));
  } catch (error) {
    process.stderr.write(String((error as Error).message));
    process.exitCode = 1;
  }
}
