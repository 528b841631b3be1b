// What the serving process and the onnxruntime reference process (reference-child.ts) say to each other.
import type { ThreadSettings } from "./executor.js";

export interface ReferenceHeader extends ThreadSettings {
  inputName: string;
  width: number;
  onnxBytes: number;
  /** The rows of each run, in order. */
  runs: number[];
}

/** One output of one run: numeric data as its raw bytes (base64), strings as they are. */
export interface ReferenceOutput {
  type: string;
  dims: number[];
  base64?: string;
  values?: string[];
}

export type ReferenceReply =
  | { ok: true; outputNames: string[]; runs: Record<string, ReferenceOutput>[] }
  | { ok: false; message: string };
