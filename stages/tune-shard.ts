// tune, distributed: run one shard of the study params.yaml describes, sharing trials through a directory (see
// src/ml/tune/shard.ts), or merge a finished directory into metrics/tune.json and metrics/tune-trials.json. The
// result is the one `tune` gives with the same seed and jobs. k8s/jobs/tune runs the shards as an Indexed Job.
//
// usage: node --import tsx stages/tune-shard.ts --dir DIR --shard i/K [--write-results]
//        node --import tsx stages/tune-shard.ts --dir DIR --shards K     (i from $JOB_COMPLETION_INDEX)
//        node --import tsx stages/tune-shard.ts --dir DIR --merge
import { parseArgs } from "node:util";
import { MlFailure, unwrap } from "../src/ml/errors.js";
import { runStageIfMain } from "../src/ml/stage.js";
import { mergeTrials, openStudy, parseShard, type Shard, shardRunner } from "../src/ml/tune/shard.js";
import { tune } from "../src/ml/tune/tune.js";
import { readTuneRequest, writeTuneResults } from "./tune.js";

type Mode = { kind: "shard"; shard: Shard; writeResults: boolean } | { kind: "merge" };

function usage(message: string): never {
  throw new MlFailure({
    kind: "config",
    message: `${message}\nusage: tune-shard.ts --dir DIR (--shard i/K [--write-results] | --shards K | --merge)`,
  });
}

export function parseMode(argv: string[], env: NodeJS.ProcessEnv): { dir: string; mode: Mode } {
  const { values } = parseArgs({
    args: argv,
    options: {
      dir: { type: "string" },
      shard: { type: "string" },
      shards: { type: "string" },
      merge: { type: "boolean", default: false },
      "write-results": { type: "boolean", default: false },
    },
  });
  if (!values.dir) usage("--dir is required (the directory the shards share)");
  const chosen = [values.shard !== undefined, values.shards !== undefined, values.merge].filter(
    Boolean,
  ).length;
  if (chosen !== 1) usage("give exactly one of --shard, --shards, --merge");
  if (values.merge) return { dir: values.dir, mode: { kind: "merge" } };
  const spec =
    values.shard ??
    `${env.JOB_COMPLETION_INDEX ?? usage("--shards needs $JOB_COMPLETION_INDEX")}/${values.shards}`;
  const shard = unwrap(parseShard(spec));
  // In a Job, the first shard writes the results into the shared directory's workspace once the study is complete.
  const writeResults = values["write-results"] || (values.shards !== undefined && shard.index === 0);
  return { dir: values.dir, mode: { kind: "shard", shard, writeResults } };
}

export async function tuneShardStage(argv = process.argv.slice(2)): Promise<string> {
  const { dir, mode } = parseMode(argv, process.env);
  const request = readTuneRequest();
  const started = performance.now();
  if (mode.kind === "merge") {
    const trials = unwrap(mergeTrials(dir, request));
    return `merged ${dir}: ${writeTuneResults(request, trials, (performance.now() - started) / 1000)}`;
  }
  const fingerprint = unwrap(openStudy(dir, request));
  const trials = await tune(request, undefined, shardRunner(dir, mode.shard, fingerprint));
  const own = trials.filter((trial) => trial.number % mode.shard.count === mode.shard.index).length;
  const seconds = (performance.now() - started) / 1000;
  const name = `shard ${mode.shard.index}/${mode.shard.count}`;
  if (mode.writeResults)
    return `${name} (${own} trials evaluated here): ${writeTuneResults(request, trials, seconds)}`;
  return `${name}: ${own} of ${trials.length} trials evaluated here in ${seconds.toFixed(1)} s`;
}

await runStageIfMain(import.meta.url, "tune-shard", () => tuneShardStage());
