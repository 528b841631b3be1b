// The experiment queue: `exp run --queue` saves a request; `exp queue start --jobs N` runs the queue with N
// experiments at a time, each in its own workspace copy, all sharing the run cache (its writes are atomic).
import type { EventListener } from "../repro/index.js";
import { formatExpError } from "./exp-error.js";
import type { Experiment, Queued } from "./experiment.js";
import { type ExperimentOutcome, type ExperimentRequest, runExperiment } from "./run-experiment.js";
import { ExperimentStore } from "./store.js";

export function enqueue(root: string, request: ExperimentRequest): Queued {
  const store = new ExperimentStore(root);
  const entry: Queued = {
    id: store.newId(),
    name: request.name,
    overrides: request.overrides,
    stages: request.stages,
    queuedAt: new Date().toISOString(),
  };
  store.enqueue(entry);
  return entry;
}

export interface QueueOptions {
  /** Experiments at a time. */
  jobs: number;
  runCache?: boolean;
  /** A listener for one experiment's stage events. */
  eventsFor?: (entry: Queued) => EventListener | undefined;
  onFinished?: (entry: Queued, result: ExperimentOutcome) => void;
}

export interface QueueReport {
  succeeded: Experiment[];
  failed: { entry: Queued; message: string }[];
}

/** Runs every queued experiment (those that failed before too); finished ones leave the queue, failed ones stay. */
export async function runQueue(root: string, options: QueueOptions): Promise<QueueReport> {
  const store = new ExperimentStore(root);
  const pending = store.queued();
  const report: QueueReport = { succeeded: [], failed: [] };
  const worker = async () => {
    for (let entry = pending.shift(); entry !== undefined; entry = pending.shift()) {
      const result = await runExperiment(
        root,
        { id: entry.id, name: entry.name, overrides: entry.overrides, stages: entry.stages },
        { jobs: 1, runCache: options.runCache, onEvent: options.eventsFor?.(entry) },
      );
      if (result.ok) {
        store.dequeue(entry.id);
        report.succeeded.push(result.experiment);
        options.onFinished?.(entry, result);
      } else {
        const message = formatExpError(result.error);
        store.enqueue({ ...entry, failed: message });
        report.failed.push({ entry, message });
        options.onFinished?.(entry, result);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.jobs) }, worker));
  return report;
}
