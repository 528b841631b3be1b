// Messages between the main thread and a thread host (serve/thread-host.ts): the control channel, and the one
// message the host adds on each piece of work's own MessagePort (its end); otherwise each piece of work talks over
// its port in its own protocol.
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

/**
 * A piece of work ended: asked to (detach), or by itself (code ≠ 0: it could not start). Sent as the last message
 * on the work's own port, so that it arrives after every reply the work sent before it.
 */
export const HOST_EXITED = "host-exited";
export type HostExited = { kind: typeof HOST_EXITED; code: number };

/** What the host keeps of a running piece of work. */
export interface Attached {
  dispose(): Promise<void> | void;
}
