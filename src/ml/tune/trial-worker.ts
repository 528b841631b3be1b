// A worker thread of the tuner's pool (piscina): receives the data once (workerData), then one trial's params per
// task, and returns its cross-validated score.
import { workerData } from "node:worker_threads";
import type { ParamSet } from "./space.js";
import { runTrial, type TrialOutcome, type TrialSetup } from "./trial-setup.js";

const setup = workerData as TrialSetup;

export default function evaluateTrial(params: ParamSet): Promise<TrialOutcome> {
  return runTrial(setup, params);
}
