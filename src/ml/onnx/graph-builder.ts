// A small typed layer over onnx-proto for building one graph: nodes with named attributes, constant initializers,
// and names that stay unique and stable (the same inputs give the same graph, byte for byte).

import onnxProto from "onnx-proto";
import { unreachable } from "../../result.js";

export const { onnx } = onnxProto;

export const DataType = onnx.TensorProto.DataType;
export type DataType = onnxProto.onnx.TensorProto.DataType;

export const ML_DOMAIN = "ai.onnx.ml";

/** An attribute value; the ONNX attribute type follows from the wrapper chosen. */
export type AttributeValue =
  | { int: number }
  | { float: number }
  | { string: string }
  | { ints: readonly number[] }
  | { floats: readonly number[] }
  | { strings: readonly string[] }
  | { tensor: onnxProto.onnx.ITensorProto };

const encoder = new TextEncoder();

function attribute(name: string, value: AttributeValue): onnxProto.onnx.IAttributeProto {
  const Type = onnx.AttributeProto.AttributeType;
  if ("int" in value) return { name, type: Type.INT, i: value.int };
  if ("float" in value) return { name, type: Type.FLOAT, f: value.float };
  if ("string" in value) return { name, type: Type.STRING, s: encoder.encode(value.string) };
  if ("ints" in value) return { name, type: Type.INTS, ints: [...value.ints] };
  if ("floats" in value) return { name, type: Type.FLOATS, floats: [...value.floats] };
  if ("strings" in value)
    return { name, type: Type.STRINGS, strings: value.strings.map((s) => encoder.encode(s)) };
  return { name, type: Type.TENSOR, t: value.tensor };
}

function littleEndianBytes(values: readonly number[], type: "float" | "double"): Uint8Array {
  const width = type === "float" ? 4 : 8;
  const view = new DataView(new ArrayBuffer(values.length * width));
  values.forEach((value, i) => {
    if (type === "float") view.setFloat32(i * width, value, true);
    else view.setFloat64(i * width, value, true);
  });
  return new Uint8Array(view.buffer);
}

export type ConstantType = "float" | "double" | "int64" | "bool" | "string";

/** A tensor constant: float (float32), double (float64), int64, bool or string values with the given dims. */
export function tensor(
  name: string,
  type: ConstantType,
  values: readonly (number | string | boolean)[],
  dims: readonly number[] = [values.length],
): onnxProto.onnx.ITensorProto {
  const base = { name, dims: [...dims] };
  switch (type) {
    case "float":
      return { ...base, dataType: DataType.FLOAT, rawData: littleEndianBytes(values as number[], "float") };
    case "double":
      return { ...base, dataType: DataType.DOUBLE, rawData: littleEndianBytes(values as number[], "double") };
    case "int64":
      return { ...base, dataType: DataType.INT64, int64Data: values as number[] };
    case "bool":
      return {
        ...base,
        dataType: DataType.BOOL,
        rawData: Uint8Array.from(values, (value) => (value ? 1 : 0)),
      };
    case "string":
      return {
        ...base,
        dataType: DataType.STRING,
        stringData: values.map((value) => encoder.encode(String(value))),
      };
    default:
      return unreachable(type);
  }
}

export function tensorValueInfo(
  name: string,
  elemType: DataType,
  shape: readonly (number | string)[],
  docString?: string,
): onnxProto.onnx.IValueInfoProto {
  return {
    name,
    ...(docString ? { docString } : {}),
    type: {
      tensorType: {
        elemType,
        shape: { dim: shape.map((d) => (typeof d === "number" ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

export interface NodeSpec {
  op: string;
  inputs: readonly string[];
  /** Output names; fresh names are made from `op` when omitted. */
  outputs?: readonly string[];
  outputCount?: number;
  attributes?: Record<string, AttributeValue>;
  domain?: string;
  doc?: string;
}

export class GraphBuilder {
  readonly nodes: onnxProto.onnx.INodeProto[] = [];
  readonly initializers: onnxProto.onnx.ITensorProto[] = [];
  private readonly used = new Set<string>();

  /** A name not used yet in this graph, derived from `hint` (kept readable: it shows up in error messages). */
  fresh(hint: string): string {
    const base = hint.replace(/[^A-Za-z0-9_]/g, "_");
    let name = base;
    for (let k = 1; this.used.has(name); k++) name = `${base}_${k}`;
    this.used.add(name);
    return name;
  }

  reserve(name: string): string {
    if (this.used.has(name)) throw new Error(`onnx graph: the name "${name}" is used twice`);
    this.used.add(name);
    return name;
  }

  constant(
    hint: string,
    type: ConstantType,
    values: readonly (number | string | boolean)[],
    dims?: readonly number[],
  ): string {
    const name = this.fresh(hint);
    this.initializers.push(tensor(name, type, values, dims));
    return name;
  }

  /** Adds a node and returns its output names. */
  node(spec: NodeSpec): string[] {
    const outputs =
      spec.outputs?.map((name) => this.reserve(name)) ??
      Array.from({ length: spec.outputCount ?? 1 }, () => this.fresh(spec.op.toLowerCase()));
    this.nodes.push({
      name: this.fresh(`${spec.op}_${this.nodes.length}`),
      opType: spec.op,
      domain: spec.domain ?? "",
      input: [...spec.inputs],
      output: outputs,
      attribute: Object.entries(spec.attributes ?? {}).map(([name, value]) => attribute(name, value)),
      ...(spec.doc ? { docString: spec.doc } : {}),
    });
    return outputs;
  }

  /** Adds a single-output node and returns its output name. */
  op(
    op: string,
    inputs: readonly string[],
    attributes?: Record<string, AttributeValue>,
    domain?: string,
  ): string {
    return this.node({
      op,
      inputs,
      ...(attributes ? { attributes } : {}),
      ...(domain ? { domain } : {}),
    })[0] as string;
  }
}
