// Runs onnxruntime on given inputs in a short-lived child process (reference-child.ts: the same node binary, the
// bundle's dist/serve-reference.js or, from source, that file bundled on the fly) and returns its outputs. This is
// how the compiled trees are checked against onnxruntime at load without onnxruntime's library ever being mapped into
// the serving process: once the child exits, its memory is the OS's again.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { buildFromSource } from "../worker-thread.js";
import type { ModelOutputs, TensorData, ThreadSettings } from "./executor.js";
import type { ReferenceHeader, ReferenceOutput, ReferenceReply } from "./reference-protocol.js";

/** Loading onnxruntime and a session takes well under a second; this only bounds a child that hangs. */
const TIMEOUT_MS = 60_000;

function childScript(): string {
  if (import.meta.url.endsWith(".ts"))
    return buildFromSource(
      fileURLToPath(new URL("./reference-child.ts", import.meta.url)),
      "reference-child",
    );
  return fileURLToPath(new URL("./serve-reference.js", import.meta.url));
}

const TYPED: Record<string, new (buffer: ArrayBuffer) => Exclude<TensorData, string[] | boolean[]>> = {
  float32: Float32Array,
  float64: Float64Array,
  int8: Int8Array,
  int16: Int16Array,
  int32: Int32Array,
  int64: BigInt64Array,
  uint8: Uint8Array,
  uint16: Uint16Array,
  uint32: Uint32Array,
  uint64: BigUint64Array,
  bool: Uint8Array,
};

function decode(output: ReferenceOutput): ModelOutputs[string] {
  if (output.values) return { type: output.type, dims: output.dims, data: output.values };
  const bytes = Buffer.from(output.base64 ?? "", "base64");
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  const Typed = TYPED[output.type];
  if (!Typed) throw new Error(`onnxruntime returned an output of type ${output.type}`);
  return { type: output.type, dims: output.dims, data: new Typed(buffer as ArrayBuffer) };
}

export interface ReferenceRun {
  input: Float32Array;
  rows: number;
}

export type ReferenceResult =
  | { ok: true; outputNames: string[]; outputs: ModelOutputs[] }
  | { ok: false; message: string };

/** onnxruntime's outputs for each run, in order, or why the child could not give them. */
export function runReference(
  onnx: Uint8Array,
  inputName: string,
  width: number,
  threads: ThreadSettings,
  runs: readonly ReferenceRun[],
): Promise<ReferenceResult> {
  const header: ReferenceHeader = {
    ...threads,
    inputName,
    width,
    onnxBytes: onnx.byteLength,
    runs: runs.map((run) => run.rows),
  };
  const headerBytes = Buffer.from(JSON.stringify(header), "utf8");
  const length = Buffer.alloc(4);
  length.writeUInt32LE(headerBytes.byteLength);
  return new Promise((resolve) => {
    let script: string;
    try {
      script = childScript();
    } catch (error) {
      resolve({
        ok: false,
        message: `the reference process could not be built: ${(error as Error).message}`,
      });
      return;
    }
    // No execArgv: the script is plain JavaScript, and the parent's flags (a loader, heap sizes) are not its business.
    const child = spawn(process.execPath, [script], { stdio: ["pipe", "pipe", "pipe"] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    const timer = setTimeout(() => child.kill("SIGKILL"), TIMEOUT_MS);
    child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
    child.stdin.on("error", () => {});
    child.on("error", (error) => {
      clearTimeout(timer);
      resolve({ ok: false, message: `the reference process did not start: ${error.message}` });
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const text = Buffer.concat(stdout).toString("utf8");
      let reply: ReferenceReply;
      try {
        reply = JSON.parse(text) as ReferenceReply;
      } catch {
        const why = signal ? `was killed by ${signal}` : `exited with code ${code}`;
        const detail = Buffer.concat(stderr).toString("utf8").trim().split("\n").slice(-3).join(" ");
        resolve({
          ok: false,
          message: `the reference process ${why} without an answer${detail ? `: ${detail}` : ""}`,
        });
        return;
      }
      if (!reply.ok) {
        resolve(reply);
        return;
      }
      try {
        resolve({
          ok: true,
          outputNames: reply.outputNames,
          outputs: reply.runs.map((run) =>
            Object.fromEntries(Object.entries(run).map(([k, v]) => [k, decode(v)])),
          ),
        });
      } catch (error) {
        resolve({ ok: false, message: (error as Error).message });
      }
    });
    child.stdin.write(length);
    child.stdin.write(headerBytes);
    child.stdin.write(onnx);
    for (const run of runs)
      child.stdin.write(new Uint8Array(run.input.buffer, run.input.byteOffset, run.input.byteLength));
    child.stdin.end();
  });
}
