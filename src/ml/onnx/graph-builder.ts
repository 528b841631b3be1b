// A small typed layer over onnx-proto for building one graph: nodes with named attributes, constant initializers,
// and names that stay unique and stable (the same inputs give the same graph, byte for byte). Attribute values may
// be typed arrays, kept as they are: a forest's TreeEnsemble attributes have one value per node, millions of them,
// and onnx-encoder.ts writes them from the typed arrays.

import { endianness } from "node:os";
import onnxProto from "onnx-proto";
import { unreachable } from "../../result.js";

export const { onnx } = onnxProto;

export const DataType = onnx.TensorProto.DataType;
export type DataType = onnxProto.onnx.TensorProto.DataType;

export const ML_DOMAIN = "ai.onnx.ml";

/** Per value, a code into `names`: a strings attribute with few distinct values (a tree node's mode). */
export interface CodedStrings {
  names: readonly string[];
  codes: Uint8Array;
}

/** An attribute value; the ONNX attribute type follows from the wrapper chosen. */
export type AttributeValue =
  | { int: number }
  | { float: number }
  | { string: string }
  | { ints: ArrayLike<number> }
  | { floats: ArrayLike<number> }
  | { strings: readonly string[] }
  | { codedStrings: CodedStrings }
  | { tensor: onnxProto.onnx.ITensorProto };

/** A node as built: its attributes' values as given (typed arrays stay typed). */
export interface GraphNode {
  name: string;
  opType: string;
  domain: string;
  input: string[];
  output: string[];
  attributes: [string, AttributeValue][];
  docString?: string;
}

const encoder = new TextEncoder();

/** The strings a strings attribute holds, whichever way it was given. */
export function attributeStrings(
  value: { strings: readonly string[] } | { codedStrings: CodedStrings },
): string[] {
  if ("strings" in value) return [...value.strings];
  const { names, codes } = value.codedStrings;
  return Array.from(codes, (code) => names[code] as string);
}

function attribute(name: string, value: AttributeValue): onnxProto.onnx.IAttributeProto {
  const Type = onnx.AttributeProto.AttributeType;
  if ("int" in value) return { name, type: Type.INT, i: value.int };
  if ("float" in value) return { name, type: Type.FLOAT, f: value.float };
  if ("string" in value) return { name, type: Type.STRING, s: encoder.encode(value.string) };
  if ("ints" in value) return { name, type: Type.INTS, ints: Array.from(value.ints) };
  if ("floats" in value) return { name, type: Type.FLOATS, floats: Array.from(value.floats) };
  if ("strings" in value || "codedStrings" in value)
    return { name, type: Type.STRINGS, strings: attributeStrings(value).map((s) => encoder.encode(s)) };
  return { name, type: Type.TENSOR, t: value.tensor };
}

/** The node as an onnx-proto message, for onnx-proto's encoder. */
export function nodeProto(node: GraphNode): onnxProto.onnx.INodeProto {
  return {
    name: node.name,
    opType: node.opType,
    domain: node.domain,
    input: node.input,
    output: node.output,
    attribute: node.attributes.map(([name, value]) => attribute(name, value)),
    ...(node.docString === undefined ? {} : { docString: node.docString }),
  };
}

const LITTLE_ENDIAN = endianness() === "LE";

function littleEndianBytes(values: ArrayLike<number>, type: "float" | "double"): Uint8Array {
  // A typed array of the tensor's type is already its raw data on a little-endian machine: viewed, not copied.
  if (LITTLE_ENDIAN && values instanceof (type === "float" ? Float32Array : Float64Array)) {
    const typed = values as Float32Array | Float64Array;
    return new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength);
  }
  const width = type === "float" ? 4 : 8;
  const view = new DataView(new ArrayBuffer(values.length * width));
  for (let i = 0; i < values.length; i++) {
    if (type === "float") view.setFloat32(i * width, values[i] as number, true);
    else view.setFloat64(i * width, values[i] as number, true);
  }
  return new Uint8Array(view.buffer);
}

export type ConstantType = "float" | "double" | "int64" | "bool" | "string";

/**
 * A tensor constant: float (float32), double (float64), int64, bool or string values with the given dims. Float
 * and double values given as a Float32Array / Float64Array become the tensor's raw data without a copy.
 */
export function tensor(
  name: string,
  type: ConstantType,
  values: readonly (number | string | boolean)[] | Float32Array | Float64Array,
  dims: readonly number[] = [values.length],
): onnxProto.onnx.ITensorProto {
  const base = { name, dims: [...dims] };
  switch (type) {
    case "float":
      return {
        ...base,
        dataType: DataType.FLOAT,
        rawData: littleEndianBytes(values as ArrayLike<number>, "float"),
      };
    case "double":
      return {
        ...base,
        dataType: DataType.DOUBLE,
        rawData: littleEndianBytes(values as ArrayLike<number>, "double"),
      };
    case "int64":
      return { ...base, dataType: DataType.INT64, int64Data: Array.from(values as ArrayLike<number>) };
    case "bool":
      return {
        ...base,
        dataType: DataType.BOOL,
        rawData: Uint8Array.from(values as ArrayLike<unknown>, (value) => (value ? 1 : 0)),
      };
    case "string":
      return {
        ...base,
        dataType: DataType.STRING,
        stringData: Array.from(values as ArrayLike<unknown>, (value) => encoder.encode(String(value))),
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
  /** The nodes in order, encoded by onnx-encoder.ts. */
  readonly graphNodes: GraphNode[] = [];
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
    this.graphNodes.push({
      name: this.fresh(`${spec.op}_${this.graphNodes.length}`),
      opType: spec.op,
      domain: spec.domain ?? "",
      input: [...spec.inputs],
      output: outputs,
      attributes: Object.entries(spec.attributes ?? {}),
      ...(spec.doc ? { docString: spec.doc } : {}),
    });
    return outputs;
  }

  /** The nodes as onnx-proto messages, for onnx-proto's encoder (hand-built models in tests). */
  get nodes(): onnxProto.onnx.INodeProto[] {
    return this.graphNodes.map(nodeProto);
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
