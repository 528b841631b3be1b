// Errors are values: every failure a user can cause (bad params, bad data, a missing or malformed artifact) is one
// of these, with a message they can act on. Stages turn them into a line on stderr and an exit code in one place
// (src/ml/stage.ts).
import { type Result as BaseResult, err, ok, unreachable } from "../result.js";

export type MlError =
  /** params.yaml is malformed or a value is invalid: names the file, line and key. */
  | { kind: "params"; file: string; line: number; key: string; message: string }
  /**
   * The data violates the declared schema: names the column (when it is about one) and, when it is about one
   * value, the 1-based data row and the file line it starts on.
   */
  | { kind: "data"; file: string; column?: string; row?: number; line?: number; message: string }
  /** An artifact a stage reads (JSON between stages) is missing or does not match its schema. */
  | { kind: "artifact"; file: string; message: string }
  /** The configuration is valid on its own but cannot be carried out (e.g. a transform on an unknown column). */
  | { kind: "config"; message: string }
  /**
   * A model param that parses but does not fit the data (e.g. more features asked for than there are). The learner
   * does not know where the value came from; the stage runner locates `key` in params.yaml.
   */
  | { kind: "model-params"; modelType: string; key: string; message: string }
  /** The data a learner is given cannot be fitted (e.g. one class only, a non-finite target). */
  | { kind: "training-set"; message: string }
  /** Packaging refused the model (its inputs, or the ONNX export disagreeing with the JS model). */
  | { kind: "package"; reason: "incompatible" | "invalid-input" | "parity-failed"; message: string }
  /** A worker thread of a fit died, failed or stopped answering (`thread`: its 1-based number). */
  | { kind: "worker-thread"; thread: number; message: string };

export type Result<T, E = MlError> = BaseResult<T, E>;
export { err, ok };

/** Carries an MlError through code that cannot return it (stage bodies); caught by runStage. */
export class MlFailure extends Error {
  constructor(readonly error: MlError) {
    super(formatError(error));
    this.name = "MlFailure";
  }
}

/** The value of a Result, or throws its error as an MlFailure for the stage runner to report. */
export function unwrap<T>(result: Result<T>): T {
  if (result.ok) return result.value;
  throw new MlFailure(result.error);
}

export function formatError(error: MlError): string {
  switch (error.kind) {
    case "params":
      return `${error.file}:${error.line}: ${error.key}: ${error.message}`;
    case "data": {
      const parts: string[] = [];
      if (error.column !== undefined) parts.push(`column "${error.column}"`);
      if (error.row !== undefined) parts.push(`row ${error.row}`);
      if (error.line !== undefined) parts.push(`line ${error.line}`);
      return `${[error.file, ...parts].join(", ")}: ${error.message}`;
    }
    case "artifact":
      return `${error.file}: ${error.message}`;
    case "config":
      return error.message;
    case "model-params":
      return `model.params.${error.key} (model type "${error.modelType}"): ${error.message}`;
    case "training-set":
      return `training set: ${error.message}`;
    case "package":
      return `${error.reason}: ${error.message}`;
    case "worker-thread":
      return error.message;
    default:
      return unreachable(error);
  }
}
