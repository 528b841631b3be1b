// A worker thread of the tuner's pool (piscina): receives the data once (workerData), then one trial's params per
// task, and returns its cross-validated score. A user mistake the learner reports (an MlFailure) comes back as a
// value: a thrown error loses its class and kind crossing the thread boundary.
import { workerData } from "node:worker_threads";
import { MlFailure } from "../errors.js";
import type { ParamSet } from "./space.js";
import { runTrial, type TrialSetup, type WorkerTrialOutcome } from "./trial-setup.js";

const setup = workerData as TrialSetup;

export default async function evaluateTrial(params: ParamSet): Promise<WorkerTrialOutcome> {
  try {
    return { outcome: await runTrial(setup, params) };
  } catch (error) {
    if (error instanceof MlFailure) return { failure: error.error };
    throw error;
  }
}
