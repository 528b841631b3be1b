// An inference thread's work: an onnxruntime session of its own, fed input tensors by the worker pool through
// `port`. `run` occupies the thread while it computes (onnxruntime-node's `run` is synchronous under its promise),
// which is the point: the event loop on the main thread stays free. Runs inside serve/thread-host.ts, alone on its
// thread or beside the prediction log's writer.
import type { MessagePort } from "node:worker_threads";
import type * as Ort from "onnxruntime-node";
import type { Attached } from "../thread-host-protocol.js";
import { type OutputTensor, sessionOptions, type TensorData } from "./executor.js";
import type { InferenceWorkerData, RunMessage, WorkerReply } from "./inference-protocol.js";

export async function serveInference(
  port: MessagePort,
  init: InferenceWorkerData,
  exit: (code: number) => void,
): Promise<Attached> {
  const reply = (message: WorkerReply, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);
  let session: Ort.InferenceSession;
  // Imported here, not at the top: the thread host also runs the prediction log alone, which needs no onnxruntime.
  let ort: typeof Ort;
  try {
    ort = await import("onnxruntime-node");
    session = await ort.InferenceSession.create(init.onnx, sessionOptions(init));
  } catch (error) {
    reply({ kind: "fatal", message: (error as Error).message });
    exit(1);
    return { dispose: async () => {} };
  }

  port.on("message", async (message: RunMessage) => {
    try {
      const input = new ort.Tensor("float32", message.input, [message.rows, init.width]);
      const results = await session.run({ [init.inputName]: input });
      const outputs: Record<string, OutputTensor> = {};
      const transfer: ArrayBuffer[] = [];
      for (const name of session.outputNames) {
        const tensor = results[name] as Ort.Tensor;
        const data = tensor.data as TensorData;
        outputs[name] = { type: tensor.type, dims: tensor.dims.map(Number), data };
        if (!Array.isArray(data) && data.buffer instanceof ArrayBuffer) transfer.push(data.buffer);
      }
      reply({ kind: "done", id: message.id, outputs }, transfer);
    } catch (error) {
      reply({ kind: "failed", id: message.id, message: (error as Error).message });
    }
  });

  reply({ kind: "ready", outputNames: [...session.outputNames] });
  return { dispose: () => session.release() };
}
