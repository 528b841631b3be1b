// One loaded, verified model: its manifest, the compiled validator, the executor (the compiled trees alone, checked
// against onnxruntime in a child process; or inference threads with their own sessions, behind the dynamic batcher),
// its drift window. It counts the requests using it, so that after a hot swap
// the old one finishes its in-flight requests and only then releases its sessions.

import type { GoldenReport } from "../../src/artifact/golden.js";
import type { Manifest } from "../../src/artifact/manifest.js";
import { DriftWindow } from "../observability/drift-window.js";
import { FeatureValidator, type InputPolicy } from "../validate.js";
import { compileOnnx } from "./compiled/compile-graph.js";
import { CompiledExecutor } from "./compiled/compiled-executor.js";
import { CompiledFirst } from "./compiled/compiled-first.js";
import { CompiledSlices } from "./compiled/compiled-slices.js";
import {
  type CompiledCheck,
  compareRuns,
  verificationRuns,
  verifyCompiled,
} from "./compiled/verify-compiled.js";
import { type BatchObserver, DynamicBatcher } from "./dynamic-batcher.js";
import type { Executor, ModelOutputs } from "./executor.js";
import { checkGolden } from "./golden-check.js";
import { InlineExecutor } from "./inline-executor.js";
import { type Loaded, loaded } from "./load-error.js";
import { createDecoder, type PredictionDecoder } from "./predictions.js";
import type { ModelPackage } from "./read-package.js";
import { runReference } from "./reference-process.js";
import { WorkerPool } from "./worker-pool.js";

export interface ModelSettings {
  /** 0: run on the event loop. */
  workers: number;
  /** One inference thread shares its thread (and V8 isolate) with the prediction log's writer. */
  sharedThread?: boolean;
  intraOpThreads: number;
  interOpThreads: number;
  maxBatchRows: number;
  /** Requests of at most this many rows run on the compiled trees, on the event loop (0: onnxruntime only). */
  compiledMaxRows: number;
  policy: InputPolicy;
  driftWindow: number;
  /** Whether a reload may serve a model whose API contract breaks the serving model's clients. */
  allowBreaking?: boolean;
}

export interface ModelObserver extends BatchObserver {
  onWorkerRestart(reason: string): void;
}

export type CompiledStatus =
  | {
      used: true;
      /** Requests up to this many rows run on the compiled trees as one run; larger ones too, in slices (all: true). */
      maxRows: number;
      /** Whether the compiled trees serve every request and onnxruntime was only run in a child process to check them. */
      all: boolean;
      compileMs: number;
      check: CompiledCheck;
    }
  | { used: false; reason: string };

export class LiveModel {
  /** {"name", "version"} as JSON, for responses. */
  readonly identityJson: string;
  private inflight = 0;
  private retired = false;
  private released: Promise<void> | undefined;
  private releaseDone: (() => void) | undefined;

  constructor(
    readonly dir: string,
    readonly manifest: Manifest,
    readonly validator: FeatureValidator,
    readonly decoder: PredictionDecoder,
    readonly executor: Executor,
    readonly drift: DriftWindow,
    readonly golden: GoldenReport,
    /** Whether small requests run on the compiled trees, and if not, why. */
    readonly compiled: CompiledStatus,
  ) {
    this.identityJson = JSON.stringify({ name: manifest.name, version: manifest.version });
  }

  enter(): void {
    this.inflight++;
  }

  leave(): void {
    this.inflight--;
    if (this.retired && this.inflight === 0) void this.release();
  }

  /** No new requests will use this model; its sessions are released once the in-flight ones finish. */
  retire(): Promise<void> {
    this.retired = true;
    this.released ??= new Promise<void>((resolve) => {
      this.releaseDone = resolve;
    });
    if (this.inflight === 0) void this.release();
    return this.released;
  }

  private async release(): Promise<void> {
    const done = this.releaseDone;
    if (!done) return;
    this.releaseDone = undefined;
    await this.executor.close();
    done();
  }
}

async function startExecutor(
  pkg: ModelPackage,
  settings: ModelSettings,
  observer: ModelObserver,
): Promise<Loaded<Executor>> {
  const { manifest } = pkg;
  const width = manifest.features.length;
  const threads = { intraOpThreads: settings.intraOpThreads, interOpThreads: settings.interOpThreads };
  const started =
    settings.workers === 0
      ? await InlineExecutor.start(pkg.onnx, manifest.onnx.input.name, width, threads)
      : await WorkerPool.start({
          ...threads,
          workers: settings.workers,
          sharedThread: settings.sharedThread ?? false,
          onnx: pkg.onnx,
          inputName: manifest.onnx.input.name,
          width,
          onWorkerRestart: (reason) => observer.onWorkerRestart(reason),
        });
  if (!started.ok) return started;
  return loaded(new DynamicBatcher(started.value, width, settings.maxBatchRows, observer));
}

/** Starts the sessions, warms them up and checks the golden predictions; nothing serves until all of it passed. */
export async function loadLiveModel(
  pkg: ModelPackage,
  settings: ModelSettings,
  observer: ModelObserver,
): Promise<Loaded<LiveModel>> {
  const { manifest } = pkg;
  const decoder = createDecoder(manifest);
  const lenient = new FeatureValidator(manifest.features, {
    ...settings.policy,
    outOfRange: "accept",
    unseenCategory: "accept",
  });
  const alone =
    settings.compiledMaxRows === 0
      ? undefined
      : await compiledAlone(pkg, settings, observer, lenient, decoder);
  if (alone?.kind === "serving") return loaded(alone.model);
  if (alone?.kind === "failed") return alone.error;
  const executor = await startExecutor(pkg, settings, observer);
  if (!executor.ok) return executor;
  // Warm up every inference thread (first runs allocate), then verify.
  for (let round = 0; round < 3; round++) {
    const runs = Array.from({ length: Math.max(1, settings.workers) }, () =>
      checkGolden(manifest, lenient, executor.value, decoder),
    );
    const results = await Promise.all(runs);
    const failed = results.find((result) => !result.ok);
    if (failed && !failed.ok) {
      await executor.value.close();
      return failed;
    }
  }
  const golden = await checkGolden(manifest, lenient, executor.value, decoder);
  if (!golden.ok) {
    await executor.value.close();
    return golden;
  }
  const { status, serving } =
    alone?.kind === "refused"
      ? { status: { used: false, reason: alone.reason } as const, serving: executor.value }
      : await compiledPath(pkg, settings, observer, lenient, decoder, executor.value);
  const validator = new FeatureValidator(manifest.features, settings.policy);
  const drift = new DriftWindow(manifest, settings.driftWindow);
  return loaded(new LiveModel(pkg.dir, manifest, validator, decoder, serving, drift, golden.value, status));
}

/**
 * The model compiled to JavaScript (compiled/compile-graph.ts) serves small requests once it agrees with onnxruntime
 * on the golden and parity rows and reproduces the golden predictions itself; otherwise onnxruntime serves them all,
 * and the status says why.
 */
async function compiledPath(
  pkg: ModelPackage,
  settings: ModelSettings,
  observer: ModelObserver,
  lenient: FeatureValidator,
  decoder: PredictionDecoder,
  reference: Executor,
): Promise<{ status: CompiledStatus; serving: Executor }> {
  if (settings.compiledMaxRows === 0)
    return { status: { used: false, reason: "off (SERVE_COMPILED_MAX_ROWS=0)" }, serving: reference };
  const { manifest } = pkg;
  const started = performance.now();
  let compiled: CompiledExecutor;
  try {
    compiled = new CompiledExecutor(compileOnnx(pkg.onnx, manifest.features.length));
  } catch (error) {
    return {
      status: { used: false, reason: `not compiled: ${(error as Error).message}` },
      serving: reference,
    };
  }
  const compileMs = performance.now() - started;
  const goldenTensor = lenient.encodeRows(manifest.golden.map((row) => row.features)).tensor;
  const verdict = await verifyCompiled(manifest, goldenTensor, compiled, reference);
  if (!verdict.ok)
    return {
      status: { used: false, reason: `differs from onnxruntime: ${verdict.error.message}` },
      serving: reference,
    };
  const golden = await checkGolden(manifest, lenient, compiled, decoder);
  if (!golden.ok)
    return { status: { used: false, reason: `golden rows: ${golden.error.message}` }, serving: reference };
  return {
    status: { used: true, maxRows: settings.compiledMaxRows, all: false, compileMs, check: verdict.value },
    serving: new CompiledFirst(
      new DynamicBatcher(compiled, manifest.features.length, settings.maxBatchRows, observer),
      reference,
      settings.compiledMaxRows,
    ),
  };
}

type Alone =
  | { kind: "serving"; model: LiveModel }
  /** onnxruntime itself misses the golden predictions: the model must not load, as when it runs in process. */
  | { kind: "failed"; error: Loaded<never> }
  /** The compiled trees cannot serve: onnxruntime, loaded in this process, serves every request. */
  | { kind: "refused"; reason: string }
  /** The check could not run (the child failed): load onnxruntime here and check as before. */
  | { kind: "unavailable"; reason: string };

/** An Executor that answers every run with the outputs onnxruntime gave for the golden rows (checkGolden's one run). */
function replay(outputNames: readonly string[], outputs: ModelOutputs): Executor {
  return {
    outputNames,
    run: async () => outputs,
    hasCapacity: () => true,
    onCapacity: () => {},
    close: async () => {},
  };
}

/**
 * The compiled trees serving every request, with onnxruntime's library never loaded into this process: the check
 * against onnxruntime (the golden and parity rows, as compiledPath) runs in a short-lived child process
 * (reference-process.ts). Requests over `compiledMaxRows` rows run on the event loop in slices of that many rows.
 */
async function compiledAlone(
  pkg: ModelPackage,
  settings: ModelSettings,
  observer: ModelObserver,
  lenient: FeatureValidator,
  decoder: PredictionDecoder,
): Promise<Alone> {
  const { manifest } = pkg;
  const width = manifest.features.length;
  const started = performance.now();
  let compiled: CompiledExecutor;
  try {
    compiled = new CompiledExecutor(compileOnnx(pkg.onnx, width));
  } catch (error) {
    return { kind: "refused", reason: `not compiled: ${(error as Error).message}` };
  }
  const compileMs = performance.now() - started;
  let goldenTensor: Float32Array;
  try {
    goldenTensor = lenient.encodeRows(manifest.golden.map((row) => row.features)).tensor;
  } catch (error) {
    return { kind: "unavailable", reason: (error as Error).message };
  }
  const runs = verificationRuns(manifest, goldenTensor);
  const reference = await runReference(
    pkg.onnx,
    manifest.onnx.input.name,
    width,
    { intraOpThreads: settings.intraOpThreads, interOpThreads: settings.interOpThreads },
    runs,
  );
  if (!reference.ok) return { kind: "unavailable", reason: reference.message };
  const goldenOutputs = reference.outputs[0] as ModelOutputs;
  const referenceGolden = await checkGolden(
    manifest,
    lenient,
    replay(reference.outputNames, goldenOutputs),
    decoder,
  );
  if (!referenceGolden.ok) return { kind: "failed", error: referenceGolden };
  const verdict = compareRuns(runs, reference.outputs, compiled);
  if (!verdict.ok) return { kind: "refused", reason: `differs from onnxruntime: ${verdict.error.message}` };
  const golden = await checkGolden(manifest, lenient, compiled, decoder);
  if (!golden.ok) return { kind: "refused", reason: `golden rows: ${golden.error.message}` };
  const executor = new CompiledFirst(
    new DynamicBatcher(compiled, width, settings.maxBatchRows, observer),
    new CompiledSlices(compiled, width, settings.compiledMaxRows),
    settings.compiledMaxRows,
  );
  const status: CompiledStatus = {
    used: true,
    maxRows: settings.compiledMaxRows,
    all: true,
    compileMs,
    check: verdict.value,
  };
  const validator = new FeatureValidator(manifest.features, settings.policy);
  const drift = new DriftWindow(manifest, settings.driftWindow);
  return {
    kind: "serving",
    model: new LiveModel(pkg.dir, manifest, validator, decoder, executor, drift, golden.value, status),
  };
}
