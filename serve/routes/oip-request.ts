// Decodes an Open Inference Protocol v2 inference request into the model's input tensor. Two forms are accepted:
//   - the model's own input: one tensor named as the ONNX input, shape [N, F] (or [F] for one row), numeric data,
//     categorical features as their codes (string categories as their index);
//   - one tensor per feature (as MLServer's and KServe's tabular codecs send), shape [N] or [N, 1], named after the
//     features, string categories as BYTES, null for a missing value where the feature is nullable.
// Data may be flat or nested (row-major either way); its element count must match the shape.
import { fail } from "../errors.js";
import type { LiveModel } from "../model/live-model.js";
import type { EncodedRows } from "../validate.js";

const NUMERIC = new Set([
  "FP32",
  "FP64",
  "INT8",
  "INT16",
  "INT32",
  "INT64",
  "UINT8",
  "UINT16",
  "UINT32",
  "UINT64",
]);
const INTEGER = new Set(["INT8", "INT16", "INT32", "INT64", "UINT8", "UINT16", "UINT32", "UINT64"]);
const MAX_DEPTH = 8;

export interface InferRequest {
  id: string | undefined;
  encoded: EncodedRows;
  /** Output names asked for, or undefined for all. */
  outputs: string[] | undefined;
}

interface RequestInput {
  name: string;
  shape: number[];
  datatype: string;
  data: unknown[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function checkParameters(value: unknown, where: string): void {
  if (value !== undefined && !isRecord(value))
    fail("invalid_body", `${where}.parameters must be an object`, { field: `${where}.parameters` });
}

/** Row-major flattening with a cap on the element count and the nesting depth. */
function flatten(data: unknown, where: string, limit: number): unknown[] {
  if (!Array.isArray(data))
    fail("invalid_body", `${where}.data must be an array (flat or nested)`, { field: `${where}.data` });
  const out: unknown[] = [];
  const walk = (value: unknown[], depth: number): void => {
    if (depth > MAX_DEPTH)
      fail("invalid_body", `${where}.data is nested more than ${MAX_DEPTH} levels deep`, {
        field: `${where}.data`,
      });
    for (const element of value) {
      if (Array.isArray(element)) walk(element, depth + 1);
      else {
        if (out.length >= limit)
          fail(
            "too_many_rows",
            `${where}.data has more elements than ${limit} (the row limit times the row width)`,
            {
              field: `${where}.data`,
            },
          );
        out.push(element);
      }
    }
  };
  walk(data, 1);
  return out;
}

function parseInput(value: unknown, index: number, limit: number): RequestInput {
  const where = `inputs[${index}]`;
  if (!isRecord(value))
    fail("invalid_body", `${where} must be an object with name, shape, datatype and data`, { field: where });
  const { name, shape, datatype, data } = value;
  if (typeof name !== "string")
    fail("invalid_body", `${where}.name must be a string`, { field: `${where}.name` });
  if (!Array.isArray(shape) || shape.length === 0 || !shape.every((d) => Number.isSafeInteger(d) && d >= 0))
    fail("invalid_body", `${where}.shape must be a list of non-negative integers`, {
      field: `${where}.shape`,
    });
  if (typeof datatype !== "string")
    fail("invalid_body", `${where}.datatype must be a string`, { field: `${where}.datatype` });
  checkParameters(value.parameters, where);
  const flat = flatten(data, where, limit);
  const expected = (shape as number[]).reduce((product, d) => product * d, 1);
  if (flat.length !== expected)
    fail(
      "invalid_body",
      `${where} has ${flat.length} data elements but its shape [${shape.join(", ")}] needs ${expected}`,
      {
        field: `${where}.data`,
      },
    );
  return { name, shape: shape as number[], datatype, data: flat };
}

function checkElement(input: RequestInput, value: unknown, row: number, feature: string): void {
  if (value === null) return; // the validator decides whether this feature may be missing
  if (input.datatype === "BYTES") {
    if (typeof value !== "string")
      fail("wrong_type", `tensor "${input.name}" is BYTES but holds ${typeof value}`, {
        field: feature,
        row,
      });
    return;
  }
  if (typeof value !== "number")
    fail("wrong_type", `tensor "${input.name}" is ${input.datatype} but holds ${typeof value}`, {
      field: feature,
      row,
    });
  if (INTEGER.has(input.datatype) && !Number.isInteger(value))
    fail("wrong_type", `tensor "${input.name}" is ${input.datatype} but holds ${value}`, {
      field: feature,
      row,
    });
}

export function decodeInferRequest(body: unknown, model: LiveModel, maxRows: number): InferRequest {
  if (!isRecord(body)) fail("invalid_body", 'the body must be an inference request object with "inputs"');
  for (const key of Object.keys(body)) {
    if (key !== "id" && key !== "parameters" && key !== "inputs" && key !== "outputs")
      fail("invalid_body", `unknown field "${key.slice(0, 60)}" in the inference request`, {
        field: key.slice(0, 200),
      });
  }
  const { id, inputs, outputs } = body;
  if (id !== undefined && typeof id !== "string")
    fail("invalid_body", '"id" must be a string', { field: "id" });
  checkParameters(body.parameters, "request");
  if (!Array.isArray(inputs) || inputs.length === 0)
    fail("invalid_body", '"inputs" must be a non-empty list of tensors', { field: "inputs" });
  const validator = model.validator;
  const width = validator.width;
  const limit = maxRows * width;
  const parsed = inputs.map((input, index) => parseInput(input, index, limit));
  validator.beginValues();

  let rows: number;
  let tensor: Float32Array;
  const tensorName = model.manifest.onnx.input.name;
  const first = parsed[0] as RequestInput;
  if (parsed.length === 1 && first.name === tensorName && validator.featureIndex(tensorName) < 0) {
    if (!NUMERIC.has(first.datatype))
      fail(
        "wrong_type",
        `tensor "${tensorName}" must be one of ${[...NUMERIC].join(", ")}; got ${first.datatype}`,
        {
          field: "inputs[0].datatype",
        },
      );
    const [n, f] =
      first.shape.length === 1
        ? [1, first.shape[0] as number]
        : [first.shape[0] as number, first.shape[1] as number];
    if (first.shape.length > 2 || f !== width)
      fail(
        "invalid_body",
        `tensor "${tensorName}" must have shape [N, ${width}]; got [${first.shape.join(", ")}]`,
        {
          field: "inputs[0].shape",
        },
      );
    rows = n;
    tensor = new Float32Array(rows * width);
    for (let i = 0; i < first.data.length; i++) {
      const row = Math.floor(i / width);
      const j = i % width;
      checkElement(first, first.data[i], row, validator.names[j] as string);
      tensor[i] = validator.encodeCode(j, first.data[i], row);
    }
  } else {
    const byFeature = new Map<number, RequestInput>();
    rows = -1;
    for (const [index, input] of parsed.entries()) {
      const j = validator.featureIndex(input.name);
      if (j < 0)
        fail(
          "unknown_feature",
          `inputs[${index}] is named "${input.name.slice(0, 60)}", which is neither the model input "${tensorName}" nor a feature`,
          { field: input.name.slice(0, 200) },
        );
      if (byFeature.has(j))
        fail("invalid_body", `feature "${input.name}" is given twice`, { field: input.name });
      if (input.shape.length > 2 || (input.shape.length === 2 && input.shape[1] !== 1))
        fail(
          "invalid_body",
          `tensor "${input.name}" must have shape [N] or [N, 1]; got [${input.shape.join(", ")}]`,
          {
            field: input.name,
          },
        );
      if (!NUMERIC.has(input.datatype) && input.datatype !== "BYTES")
        fail("wrong_type", `tensor "${input.name}" has the unsupported datatype ${input.datatype}`, {
          field: input.name,
        });
      const n = input.shape[0] as number;
      if (rows >= 0 && n !== rows)
        fail("invalid_body", `tensor "${input.name}" has ${n} rows, the others ${rows}`, {
          field: input.name,
        });
      rows = n;
      byFeature.set(j, input);
    }
    for (const [j, name] of validator.names.entries()) {
      if (!byFeature.has(j))
        fail("missing_feature", `feature "${name}" is missing: send a tensor named "${name}"`, {
          field: name,
        });
    }
    tensor = new Float32Array(rows * width);
    for (const [j, input] of byFeature) {
      const name = validator.names[j] as string;
      for (let row = 0; row < rows; row++) {
        const value = input.data[row];
        checkElement(input, value, row, name);
        tensor[row * width + j] = validator.encodeValue(j, value, row);
      }
    }
  }
  if (rows === 0) fail("invalid_body", "the request has no rows", { field: "inputs" });
  if (rows > maxRows)
    fail("too_many_rows", `${rows} rows is more than the limit of ${maxRows} per request`, {
      field: "inputs",
    });

  let requested: string[] | undefined;
  if (outputs !== undefined) {
    if (!Array.isArray(outputs))
      fail("invalid_body", '"outputs" must be a list of {"name": ...}', { field: "outputs" });
    requested = outputs.map((output, index) => {
      if (!isRecord(output) || typeof output.name !== "string")
        fail("invalid_body", `outputs[${index}] must be an object with a "name"`, {
          field: `outputs[${index}]`,
        });
      checkParameters(output.parameters, `outputs[${index}]`);
      if (!model.executor.outputNames.includes(output.name))
        fail(
          "invalid_body",
          `the model has no output "${output.name.slice(0, 60)}" (it has: ${model.executor.outputNames.join(", ")})`,
          {
            field: `outputs[${index}].name`,
          },
        );
      return output.name;
    });
  }
  return {
    id: id as string | undefined,
    encoded: { tensor, rows, warnings: validator.takeWarnings() },
    outputs: requested,
  };
}
