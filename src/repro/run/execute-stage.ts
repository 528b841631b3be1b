import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { type ReproError, toReproError } from "../errors.js";
import type { EventListener, StageOutcome } from "../events.js";
import { acceptBlock, storeRun } from "../record-run.js";
import { outputsSnapshot, type StageSnapshot } from "../snapshot.js";
import type { Stage } from "../spec/stage.js";
import type { Workspace } from "../workspace.js";
import { StageJournal } from "./journal.js";
import { RunningCommand, stageEnvironment } from "./run-command.js";

const TAIL_LINES = 30;

export interface ExecutionContext {
  workspace: Workspace;
  env: Record<string, string>;
  emit: EventListener;
  /** Commands currently running, so a signal can be forwarded to them. */
  running: Set<RunningCommand>;
  /** The signal that interrupted this run, if any. */
  interruptedBy(): NodeJS.Signals | undefined;
}

/**
 * Runs a stage's commands with atomic outputs: on success the outputs are stored and the lock block written; on
 * failure or interruption the previous outputs come back and the lock block is left as it was.
 */
export async function executeStage(
  context: ExecutionContext,
  stage: Stage,
  inputs: Omit<StageSnapshot, "outputs">,
): Promise<StageOutcome> {
  const { workspace, emit } = context;
  const { root, hasher, paths } = workspace;
  const outputPaths = stage.outputs.map((output) => output.path);
  const started = performance.now();
  const seconds = () => (performance.now() - started) / 1000;
  const tail: string[] = [];
  const onLine = (stream: "stdout" | "stderr", line: string) => {
    tail.push(line);
    if (tail.length > TAIL_LINES) tail.shift();
    emit({ type: "stage-output", stage: stage.name, stream, line });
  };

  const journal = StageJournal.begin(paths, root, stage.name, outputPaths);
  hasher.invalidate(outputPaths);
  const failed = (error: ReproError): StageOutcome => {
    journal.rollback();
    hasher.invalidate(outputPaths);
    return { kind: "failed", error, seconds: seconds(), outputTail: tail };
  };

  try {
    for (const path of outputPaths) mkdirSync(dirname(join(root, path)), { recursive: true });
    const env = stageEnvironment(
      root,
      stage.name,
      stage.deps.map((dep) => dep.path),
      context.env,
    );
    for (const command of stage.commands) {
      const interrupted = context.interruptedBy();
      if (interrupted) return failed({ kind: "interrupted", signal: interrupted });
      const running = new RunningCommand(command, { cwd: root, env, onLine });
      context.running.add(running);
      if (running.pid !== undefined) journal.setChild(running.pid);
      running.release();
      const result = await running.done;
      context.running.delete(running);
      if (result.exitCode !== 0) {
        const interruptedBy = context.interruptedBy();
        if (interruptedBy) return failed({ kind: "interrupted", signal: interruptedBy });
        return failed({
          kind: "stage-failed",
          stage: stage.name,
          exitCode: result.exitCode,
          signal: result.signal,
        });
      }
    }

    hasher.invalidate(outputPaths);
    const outputs = outputsSnapshot(stage, hasher);
    const missing = outputs.find((output) => output.state === null);
    if (missing)
      return failed({ kind: "output-missing", stage: stage.name, path: missing.path, when: "run" });

    const block = storeRun(workspace, stage, { ...inputs, outputs });
    journal.commit();
    await acceptBlock(workspace, stage.name, block);
    journal.finish();
    return { kind: "ran", reasons: [], seconds: seconds() };
  } catch (thrown) {
    return failed(toReproError(thrown));
  }
}
