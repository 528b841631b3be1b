// The short-lived process that runs onnxruntime for the compiled trees' load-time check (reference-process.ts), so
// that the serving process never loads onnxruntime's library (≈ 24 MB of code) nor holds a session (≈ 5 MB) when the
// compiled trees serve every request. It reads one request from stdin, runs the model on each of its inputs in order,
// writes the outputs to stdout and exits.
// stdin: a 4-byte little-endian header length, the header (JSON: ReferenceHeader), the ONNX bytes, then each run's
// float32 input (row-major), back to back. stdout: one JSON ReferenceReply; numeric outputs as their raw bytes in
// base64, so that every value (NaN included) arrives bit for bit.
import * as ort from "onnxruntime-node";
import { sessionOptions } from "./executor.js";
import type { ReferenceHeader, ReferenceOutput, ReferenceReply } from "./reference-protocol.js";

async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function encode(tensor: ort.Tensor): ReferenceOutput {
  const data = tensor.data;
  const dims = tensor.dims.map(Number);
  if (Array.isArray(data)) return { type: tensor.type, dims, values: data.map(String) };
  const view = data as ArrayBufferView;
  const bytes = Buffer.from(view.buffer, view.byteOffset, view.byteLength);
  return { type: tensor.type, dims, base64: bytes.toString("base64") };
}

async function main(): Promise<ReferenceReply> {
  const input = await readStdin();
  const headerLength = input.readUInt32LE(0);
  const header = JSON.parse(input.subarray(4, 4 + headerLength).toString("utf8")) as ReferenceHeader;
  let offset = 4 + headerLength;
  const onnx = input.subarray(offset, offset + header.onnxBytes);
  offset += header.onnxBytes;
  const session = await ort.InferenceSession.create(onnx, sessionOptions(header));
  const runs: Record<string, ReferenceOutput>[] = [];
  for (const rows of header.runs) {
    const length = rows * header.width;
    const values = new Float32Array(length);
    values.set(
      new Float32Array(input.buffer.slice(input.byteOffset + offset, input.byteOffset + offset + 4 * length)),
    );
    offset += 4 * length;
    const results = await session.run({
      [header.inputName]: new ort.Tensor("float32", values, [rows, header.width]),
    });
    const outputs: Record<string, ReferenceOutput> = {};
    for (const name of session.outputNames) outputs[name] = encode(results[name] as ort.Tensor);
    runs.push(outputs);
  }
  await session.release();
  return { ok: true, outputNames: [...session.outputNames], runs };
}

main().then(
  (reply) => process.stdout.write(JSON.stringify(reply)),
  (error: unknown) => {
    process.stdout.write(
      JSON.stringify({ ok: false, message: (error as Error).message } satisfies ReferenceReply),
    );
  },
);
