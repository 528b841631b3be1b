// Distributed tuning: K processes (e.g. the pods of a Kubernetes Indexed Job) run shards of one study, sharing a
// directory. Every shard runs the whole study loop (study.ts) with the same options, so every shard suggests the
// same params for each trial; trial n is evaluated by shard n mod K, which writes its outcome to the directory, and
// the other shards read it from there instead of evaluating it. The batches therefore see exactly the history they
// see in one process: K shards give the same trials as local tuning with the same seed and jobs. Any shard (or
// `mergeTrials`) then has the complete study.
import { createHash, randomUUID } from "node:crypto";
import {
  existsSync,
  linkSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { err, type MlError, MlFailure, ok, type Result } from "../errors.js";
import type { ParamSet } from "./space.js";
import type { TrialOutcome } from "./trial-setup.js";
import type { TrialRunner, TunedTrial, TuneRequest } from "./tune.js";

export interface Shard {
  index: number;
  count: number;
}

export interface ShardOptions {
  /** How often a shard looks for another shard's trial. */
  pollMs?: number;
  /** How long a shard waits for another shard's trial before giving up. */
  waitMs?: number;
}

const STUDY_FILE = "study.json";
const StudySchema = z.object({
  format: z.literal("tabula.tune-study/v1"),
  fingerprint: z.string(),
  trials: z.number(),
});

const ParamValue = z.union([z.number(), z.string(), z.boolean(), z.null()]);
const TrialFileSchema = z
  .object({
    format: z.literal("tabula.tune-trial/v1"),
    fingerprint: z.string(),
    number: z.number().int().min(0),
    shard: z.string(),
    params: z.record(z.string(), ParamValue),
    /** null: a failed trial (NaN, which JSON cannot hold). */
    value: z.number().nullable(),
    std: z.number().nullable(),
    scores: z.array(z.number().nullable()),
    rounds: z.number().int().optional(),
    seconds: z.number(),
  })
  .strict();
type TrialFile = z.infer<typeof TrialFileSchema>;

/** "i/K" (0 ≤ i < K) → a shard. */
export function parseShard(text: string): Result<Shard> {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || count < 1 || index >= count) {
    return err({ kind: "config", message: `--shard ${text}: expected i/K with 0 ≤ i < K, e.g. 0/4` });
  }
  return ok({ index, count });
}

/**
 * What makes two processes the same study: every setting that changes which params are tried or how they score,
 * and the training data itself. Shards of different studies must not share a directory.
 */
export function studyFingerprint(request: TuneRequest): string {
  const { data, ...settings } = request;
  const hash = createHash("sha256");
  hash.update(JSON.stringify({ ...settings, task: data.task, rows: data.rows, features: data.features }));
  hash.update(new Uint8Array(data.x.buffer, data.x.byteOffset, data.x.byteLength));
  hash.update(new Uint8Array(data.y.buffer, data.y.byteOffset, data.y.byteLength));
  hash.update(JSON.stringify(data.classes ?? null));
  return hash.digest("hex").slice(0, 32);
}

const trialPath = (dir: string, number: number) => join(dir, `trial-${String(number).padStart(5, "0")}.json`);

/** Writes through a uniquely named temp file: shards on other machines may all be pid 1. */
function writeAtomic(path: string, text: string): void {
  const temp = `${path}.${randomUUID()}.tmp`;
  writeFileSync(temp, text);
  renameSync(temp, path);
}

const artifact = (file: string, message: string): MlError => ({ kind: "artifact", file, message });

/** Creates the study's directory and marker, or checks that the directory holds this very study. */
export function openStudy(dir: string, request: TuneRequest): Result<string> {
  mkdirSync(dir, { recursive: true });
  const fingerprint = studyFingerprint(request);
  const marker = join(dir, STUDY_FILE);
  const text = `${JSON.stringify({ format: "tabula.tune-study/v1", fingerprint, trials: request.trials })}\n`;
  const temp = `${marker}.${randomUUID()}.tmp`;
  writeFileSync(temp, text);
  try {
    linkSync(temp, marker); // create-if-absent, atomically, even when shards start at once
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  } finally {
    rmSync(temp, { force: true });
  }
  const parsed = StudySchema.safeParse(JSON.parse(readFileSync(marker, "utf8")));
  if (!parsed.success) return err(artifact(marker, "not a tabula study marker"));
  if (parsed.data.fingerprint !== fingerprint) {
    return err(
      artifact(
        marker,
        "this directory holds another study (different params, search space or data): use an empty directory",
      ),
    );
  }
  return ok(fingerprint);
}

function readTrial(dir: string, number: number, fingerprint: string): Result<TrialFile> {
  const path = trialPath(dir, number);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    return err(artifact(path, `unreadable: ${(error as Error).message}`));
  }
  const parsed = TrialFileSchema.safeParse(raw);
  if (!parsed.success) return err(artifact(path, `not a trial record: ${parsed.error.issues[0]?.message}`));
  if (parsed.data.fingerprint !== fingerprint) return err(artifact(path, "belongs to another study"));
  if (parsed.data.number !== number) return err(artifact(path, `holds trial ${parsed.data.number}`));
  return ok(parsed.data);
}

const toOutcome = (trial: TrialFile): TrialOutcome => ({
  value: trial.value ?? Number.NaN,
  std: trial.std ?? Number.NaN,
  scores: trial.scores.map((score) => score ?? Number.NaN),
  seconds: trial.seconds,
  ...(trial.rounds ? { rounds: trial.rounds } : {}),
});

const finiteOrNull = (value: number) => (Number.isFinite(value) ? value : null);

/**
 * A TrialRunner for `tune`: evaluates this shard's trials and records them, waits for the others'. A trial already
 * recorded (by an earlier attempt of this shard, e.g. a Job pod that was restarted) is read back, not rerun.
 */
export function shardRunner(
  dir: string,
  shard: Shard,
  fingerprint: string,
  options: ShardOptions = {},
): TrialRunner {
  const pollMs = options.pollMs ?? 200;
  const waitMs = options.waitMs ?? 3_600_000;
  const name = `${shard.index}/${shard.count}`;
  return async (number: number, params: ParamSet, evaluate: () => Promise<TrialOutcome>) => {
    if (number % shard.count === shard.index && !existsSync(trialPath(dir, number))) {
      const outcome = await evaluate();
      const record: TrialFile = {
        format: "tabula.tune-trial/v1",
        fingerprint,
        number,
        shard: name,
        params,
        value: finiteOrNull(outcome.value),
        std: finiteOrNull(outcome.std),
        scores: outcome.scores.map(finiteOrNull),
        ...(outcome.rounds ? { rounds: outcome.rounds } : {}),
        seconds: outcome.seconds,
      };
      writeAtomic(trialPath(dir, number), `${JSON.stringify(record)}\n`);
      return outcome;
    }
    const deadline = Date.now() + waitMs;
    // Another shard's trial, or one of ours recorded before a restart.
    while (!existsSync(trialPath(dir, number))) {
      if (Date.now() > deadline) {
        const owner = `${number % shard.count}/${shard.count}`;
        throw new MlFailure({
          kind: "config",
          message: `shard ${name}: trial ${number + 1} (shard ${owner}'s) did not arrive in ${dir} within ${waitMs / 1000} s; is that shard running?`,
        });
      }
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
    const trial = readTrial(dir, number, fingerprint);
    if (!trial.ok) throw new MlFailure(trial.error);
    if (JSON.stringify(trial.value.params) !== JSON.stringify(params)) {
      throw new MlFailure(
        artifact(
          trialPath(dir, number),
          `was tried with other params than shard ${name} suggests: not the same study`,
        ),
      );
    }
    return toOutcome(trial.value);
  };
}

/** The complete study from the directory, in trial order, as `tune` returns it; an error names what is missing. */
export function mergeTrials(dir: string, request: TuneRequest): Result<TunedTrial[]> {
  const study = openStudy(dir, request);
  if (!study.ok) return study;
  const present = new Set(
    readdirSync(dir).flatMap((file) => {
      const match = /^trial-(\d+)\.json$/.exec(file);
      return match ? [Number(match[1])] : [];
    }),
  );
  const missing = Array.from({ length: request.trials }, (_, n) => n).filter((n) => !present.has(n));
  if (missing.length > 0) {
    const listed = missing
      .slice(0, 10)
      .map((n) => n + 1)
      .join(", ");
    return err({
      kind: "config",
      message: `${dir}: ${missing.length} of ${request.trials} trials missing (${listed}${missing.length > 10 ? ", ..." : ""}): not every shard has finished`,
    });
  }
  const trials: TunedTrial[] = [];
  for (let number = 0; number < request.trials; number++) {
    const trial = readTrial(dir, number, study.value);
    if (!trial.ok) return trial;
    const { value, std, scores, seconds, rounds } = toOutcome(trial.value);
    trials.push({
      number,
      params: trial.value.params,
      value,
      std,
      scores,
      seconds,
      ...(rounds ? { rounds } : {}),
    });
  }
  return ok(trials);
}
