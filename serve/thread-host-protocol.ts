// Messages between the main thread and a thread host (serve/thread-host.ts): the control channel only; each
// attached piece of work talks over its own MessagePort, in its own protocol.
import type { MessagePort } from "node:worker_threads";
import type { InferenceWorkerData } from "./model/inference-protocol.js";
import type { LogWorkerData } from "./prediction-log-protocol.js";

export type HostedWork =
  | { role: "inference"; data: InferenceWorkerData }
  | { role: "prediction-log"; data: LogWorkerData };

export type HostRequest =
  | ({ kind: "attach"; id: number; port: MessagePort } & HostedWork)
  /** Stop one piece of work and free what it holds (its session, its database). */
  | { kind: "detach"; id: number };

/** A piece of work ended: asked to (detach), or by itself (code ≠ 0: it could not start). */
export type HostReply = { kind: "exited"; id: number; code: number };

/** What the host keeps of a running piece of work. */
export interface Attached {
  dispose(): Promise<void> | void;
}
