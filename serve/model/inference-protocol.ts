// Messages between the worker pool (main thread) and an inference worker.
import type { OutputTensor, ThreadSettings } from "./executor.js";

export interface InferenceWorkerData extends ThreadSettings {
  onnx: Uint8Array;
  inputName: string;
  width: number;
}

export interface RunMessage {
  id: number;
  input: Float32Array;
  rows: number;
}

export type WorkerReply =
  | { kind: "ready"; outputNames: string[] }
  | { kind: "fatal"; message: string }
  | { kind: "done"; id: number; outputs: Record<string, OutputTensor> }
  | { kind: "failed"; id: number; message: string };
