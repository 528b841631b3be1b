// Runs the model on the event loop itself (SERVE_INFERENCE_WORKERS=0): no thread hop, but every run blocks the
// loop while it computes. Kept for one-core deployments and for the benchmark that compares the choices.
import type * as Ort from "onnxruntime-node";
import {
  type Executor,
  type ModelOutputs,
  type OutputTensor,
  sessionOptions,
  type TensorData,
  type ThreadSettings,
} from "./executor.js";
import { type Loaded, loadError, loaded } from "./load-error.js";

export class InlineExecutor implements Executor {
  readonly outputNames: readonly string[];
  private running = 0;
  private capacityListener: () => void = () => {};

  private constructor(
    private readonly ort: typeof Ort,
    private readonly session: Ort.InferenceSession,
    private readonly inputName: string,
    private readonly width: number,
  ) {
    this.outputNames = [...session.outputNames];
  }

  static async start(
    onnx: Uint8Array,
    inputName: string,
    width: number,
    threads: ThreadSettings,
  ): Promise<Loaded<InlineExecutor>> {
    try {
      // Imported here, not at the top: a process the compiled trees serve alone never loads onnxruntime (live-model.ts).
      const ort = await import("onnxruntime-node");
      const session = await ort.InferenceSession.create(onnx, sessionOptions(threads));
      return loaded(new InlineExecutor(ort, session, inputName, width));
    } catch (error) {
      return loadError(
        "session-failed",
        `onnxruntime could not create a session: ${(error as Error).message}`,
      );
    }
  }

  async run(input: Float32Array, rows: number): Promise<ModelOutputs> {
    this.running++;
    try {
      const results = await this.session.run({
        [this.inputName]: new this.ort.Tensor("float32", input, [rows, this.width]),
      });
      const outputs: ModelOutputs = {};
      for (const name of this.outputNames) {
        const tensor = results[name] as Ort.Tensor;
        outputs[name] = {
          type: tensor.type,
          dims: tensor.dims.map(Number),
          data: tensor.data as TensorData,
        } satisfies OutputTensor;
      }
      return outputs;
    } finally {
      this.running--;
      this.capacityListener();
    }
  }

  hasCapacity(): boolean {
    return this.running === 0;
  }

  onCapacity(listener: () => void): void {
    this.capacityListener = listener;
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}
