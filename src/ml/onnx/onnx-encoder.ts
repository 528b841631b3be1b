// Encodes an ONNX model (protobuf) whose graph may hold tree ensembles of millions of nodes. onnx-proto's encoder
// (protobufjs) makes a JS object for every value it writes and takes attribute values as JS arrays: ~100 bytes per
// value, tens of GB for a forest of 25 million nodes. Here the graph's nodes are written by hand, their attribute
// values straight from typed arrays into one buffer of the model's exact size (every length is computed before
// anything is written); the model's and the graph's other fields (inputs, outputs, initializers, metadata: small)
// still go through onnx-proto. The bytes are the ones onnx-proto writes for the same model (its field order,
// repeated numbers packed), which the tests check.

import type onnxProto from "onnx-proto";
import { type AttributeValue, attributeStrings, type GraphNode, onnx } from "./graph-builder.js";

/** A run of the model's bytes: its length, known before it is written at `at` (returns where it ends). */
interface Piece {
  readonly size: number;
  write(out: Uint8Array, at: number): number;
}

const VARINT = 0;
const LENGTH_DELIMITED = 2;
const FIXED32 = 5;
/** Protobuf messages are limited to 2 GiB; onnxruntime refuses larger models. */
const MAX_MODEL_BYTES = 2 ** 31 - 1;

const uint32Size = (value: number) =>
  value < 0x80 ? 1 : value < 0x4000 ? 2 : value < 0x200000 ? 3 : value < 0x10000000 ? 4 : 5;

function writeUint32(out: Uint8Array, at: number, value: number): number {
  let rest = value >>> 0;
  while (rest > 127) {
    out[at++] = (rest & 127) | 128;
    rest >>>= 7;
  }
  out[at++] = rest;
  return at;
}

/** A number's 64-bit two's complement as protobufjs splits it (LongBits.fromNumber): [low, high] words. */
function int64Words(value: number): [number, number] {
  if (value === 0) return [0, 0];
  const negative = value < 0;
  const magnitude = negative ? -value : value;
  let low = magnitude >>> 0;
  let high = ((magnitude - low) / 4294967296) >>> 0;
  if (negative) {
    high = ~high >>> 0;
    low = ~low >>> 0;
    if (++low > 4294967295) {
      low = 0;
      if (++high > 4294967295) high = 0;
    }
  }
  return [low, high];
}

/** Bytes of an int64 (or int32) varint, as protobufjs writes a JS number. */
function int64Size(value: number): number {
  if (value >>> 0 === value) return uint32Size(value);
  const [low, high] = int64Words(value);
  const middle = ((low >>> 28) | (high << 4)) >>> 0;
  const top = high >>> 24;
  if (top !== 0) return top < 128 ? 9 : 10;
  if (middle !== 0) return middle < 16384 ? (middle < 128 ? 5 : 6) : middle < 2097152 ? 7 : 8;
  return uint32Size(low);
}

function writeInt64(out: Uint8Array, at: number, value: number): number {
  if (value >>> 0 === value) return writeUint32(out, at, value);
  let [low, high] = int64Words(value);
  while (high) {
    out[at++] = (low & 127) | 128;
    low = ((low >>> 7) | (high << 25)) >>> 0;
    high >>>= 7;
  }
  while (low > 127) {
    out[at++] = (low & 127) | 128;
    low >>>= 7;
  }
  out[at++] = low;
  return at;
}

const tagOf = (field: number, wireType: number) => (field << 3) | wireType;

function bytes(data: Uint8Array): Piece {
  return {
    size: data.length,
    write(out, at) {
      out.set(data, at);
      return at + data.length;
    },
  };
}

function all(pieces: readonly Piece[]): Piece {
  return {
    size: pieces.reduce((sum, piece) => sum + piece.size, 0),
    write(out, at) {
      let end = at;
      for (const piece of pieces) end = piece.write(out, end);
      return end;
    },
  };
}

/** A length-delimited field: a string, bytes, a message or a packed array. */
function delimited(field: number, inner: Piece): Piece {
  const tag = tagOf(field, LENGTH_DELIMITED);
  return {
    size: uint32Size(tag) + uint32Size(inner.size) + inner.size,
    write(out, at) {
      return inner.write(out, writeUint32(out, writeUint32(out, at, tag), inner.size));
    },
  };
}

const utf8 = (text: string) => bytes(Buffer.from(text, "utf8"));
const stringField = (field: number, text: string) => delimited(field, utf8(text));

function varintField(field: number, value: number): Piece {
  const tag = tagOf(field, VARINT);
  return {
    size: uint32Size(tag) + int64Size(value),
    write: (out, at) => writeInt64(out, writeUint32(out, at, tag), value),
  };
}

function floatField(field: number, value: number): Piece {
  const tag = tagOf(field, FIXED32);
  return {
    size: uint32Size(tag) + 4,
    write(out, at) {
      const end = writeUint32(out, at, tag);
      new DataView(out.buffer, out.byteOffset + end, 4).setFloat32(0, value, true);
      return end + 4;
    },
  };
}

/** A packed repeated int64 field (nothing when empty, as protobufjs writes it). */
function packedInt64(field: number, values: ArrayLike<number>): Piece[] {
  if (values.length === 0) return [];
  let size = 0;
  for (let i = 0; i < values.length; i++) size += int64Size(values[i] as number);
  const payload: Piece = {
    size,
    write(out, at) {
      let end = at;
      for (let i = 0; i < values.length; i++) end = writeInt64(out, end, values[i] as number);
      return end;
    },
  };
  return [delimited(field, payload)];
}

/** A packed repeated float (float32) field. */
function packedFloat(field: number, values: ArrayLike<number>): Piece[] {
  if (values.length === 0) return [];
  const payload: Piece = {
    size: values.length * 4,
    write(out, at) {
      const view = new DataView(out.buffer, out.byteOffset + at, values.length * 4);
      for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i] as number, true);
      return at + values.length * 4;
    },
  };
  return [delimited(field, payload)];
}

/** A repeated bytes field of UTF-8 strings: `codes` index into `names`, each name encoded once. */
function repeatedStrings(field: number, names: readonly string[], codes: ArrayLike<number>): Piece[] {
  const tag = tagOf(field, LENGTH_DELIMITED);
  const encoded = names.map((name) => Buffer.from(name, "utf8"));
  const sizes = encoded.map((name) => uint32Size(tag) + uint32Size(name.length) + name.length);
  let size = 0;
  for (let i = 0; i < codes.length; i++) size += sizes[codes[i] as number] as number;
  return [
    {
      size,
      write(out, at) {
        let end = at;
        for (let i = 0; i < codes.length; i++) {
          const name = encoded[codes[i] as number] as Buffer;
          end = writeUint32(out, writeUint32(out, end, tag), name.length);
          out.set(name, end);
          end += name.length;
        }
        return end;
      },
    },
  ];
}

const RAW_TENSOR_KEYS = new Set(["name", "dims", "dataType", "rawData"]);
const present = <T>(value: T | null | undefined): value is T => value !== undefined && value !== null;

/**
 * A TensorProto. One that holds its values as raw data (the tree ensemble's thresholds and weights) is written
 * here, its raw data copied once; any other goes through onnx-proto.
 */
function tensorMessage(tensor: onnxProto.onnx.ITensorProto): Piece {
  const keys = Object.keys(tensor).filter((key) => present(tensor[key as keyof typeof tensor]));
  if (!keys.every((key) => RAW_TENSOR_KEYS.has(key))) return bytes(onnx.TensorProto.encode(tensor).finish());
  const dims = (tensor.dims ?? []).map(Number);
  return all([
    ...packedInt64(1, dims),
    ...(present(tensor.dataType) ? [varintField(2, tensor.dataType)] : []),
    ...(present(tensor.name) ? [stringField(8, tensor.name)] : []),
    ...(present(tensor.rawData) ? [delimited(9, bytes(tensor.rawData))] : []),
  ]);
}

/** An AttributeProto, its fields in protobufjs's order: name, f, i, s, t, floats, ints, strings, type. */
function attributeMessage(name: string, value: AttributeValue): Piece {
  const Type = onnx.AttributeProto.AttributeType;
  const fields: Piece[] = [stringField(1, name)];
  let type: number;
  if ("int" in value) {
    fields.push(varintField(3, value.int));
    type = Type.INT;
  } else if ("float" in value) {
    fields.push(floatField(2, value.float));
    type = Type.FLOAT;
  } else if ("string" in value) {
    fields.push(stringField(4, value.string));
    type = Type.STRING;
  } else if ("tensor" in value) {
    fields.push(delimited(5, tensorMessage(value.tensor)));
    type = Type.TENSOR;
  } else if ("floats" in value) {
    fields.push(...packedFloat(7, value.floats));
    type = Type.FLOATS;
  } else if ("ints" in value) {
    fields.push(...packedInt64(8, value.ints));
    type = Type.INTS;
  } else {
    if ("codedStrings" in value)
      fields.push(...repeatedStrings(9, value.codedStrings.names, value.codedStrings.codes));
    else {
      const strings = attributeStrings(value);
      fields.push(...repeatedStrings(9, strings, Uint32Array.from(strings.keys())));
    }
    type = Type.STRINGS;
  }
  fields.push(varintField(20, type));
  return all(fields);
}

/** A NodeProto, its fields in protobufjs's order: input, output, name, op type, attributes, doc string, domain. */
function nodeMessage(node: GraphNode): Piece {
  return all([
    ...node.input.map((input) => stringField(1, input)),
    ...node.output.map((output) => stringField(2, output)),
    stringField(3, node.name),
    stringField(4, node.opType),
    ...node.attributes.map(([name, value]) => delimited(5, attributeMessage(name, value))),
    ...(node.docString === undefined ? [] : [stringField(6, node.docString)]),
    stringField(7, node.domain),
  ]);
}

/** ModelProto's fields numbered below its graph (7), which protobufjs writes before the graph. */
const BEFORE_GRAPH = [
  "irVersion",
  "producerName",
  "producerVersion",
  "domain",
  "modelVersion",
  "docString",
] as const;

/**
 * The model's bytes: `model` with `graph` as its graph and `nodes` as the graph's nodes. A protobuf message is
 * its fields one after the other, so the model is written as onnx-proto's encoding of its fields before the
 * graph, the graph (the nodes, then onnx-proto's encoding of the graph's other fields) and onnx-proto's encoding
 * of the fields after it.
 */
export function encodeModel(
  model: Omit<onnxProto.onnx.IModelProto, "graph">,
  graph: Omit<onnxProto.onnx.IGraphProto, "node">,
  nodes: readonly GraphNode[],
): Uint8Array {
  const isBefore = (key: string) => (BEFORE_GRAPH as readonly string[]).includes(key);
  const before = Object.fromEntries(Object.entries(model).filter(([key]) => isBefore(key)));
  const after = Object.fromEntries(Object.entries(model).filter(([key]) => !isBefore(key)));
  const encoded = all([
    bytes(onnx.ModelProto.encode(before).finish()),
    delimited(
      7,
      all([
        ...nodes.map((node) => delimited(1, nodeMessage(node))),
        bytes(onnx.GraphProto.encode(graph).finish()),
      ]),
    ),
    bytes(onnx.ModelProto.encode(after).finish()),
  ]);
  if (encoded.size > MAX_MODEL_BYTES)
    throw new Error(
      `the ONNX model would take ${encoded.size} bytes; protobuf (and onnxruntime) stop at 2 GiB: train smaller trees`,
    );
  const out = Buffer.allocUnsafe(encoded.size);
  const end = encoded.write(out, 0);
  if (end !== encoded.size) throw new Error(`onnx encoder: wrote ${end} of ${encoded.size} bytes`);
  return out;
}
