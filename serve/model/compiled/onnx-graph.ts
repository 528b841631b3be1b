// The packaged ONNX file read as plain data (onnx-proto, no onnxruntime): nodes, their attributes, constant tensors.
// Enough for the compiler (compile-graph.ts) to turn the graph into JavaScript; anything it cannot read exactly is
// an error naming the node and attribute, and the model is then served by onnxruntime alone.
import onnxProto from "onnx-proto";

const { onnx } = onnxProto;
type ITensorProto = onnxProto.onnx.ITensorProto;
type IAttributeProto = onnxProto.onnx.IAttributeProto;

export type ElementType = "float" | "double" | "int64" | "bool" | "string";

export interface ConstTensor {
  type: ElementType;
  dims: number[];
  values: (number | string | boolean)[];
}

export type AttributeValue = number | string | number[] | string[] | ConstTensor;

export interface GraphNode {
  opType: string;
  domain: string;
  name: string;
  inputs: string[];
  outputs: string[];
  attributes: Map<string, AttributeValue>;
}

export interface OnnxGraph {
  inputs: { name: string; type: ElementType }[];
  outputs: string[];
  initializers: Map<string, ConstTensor>;
  nodes: GraphNode[];
}

const DATA_TYPES: Record<number, ElementType> = {
  1: "float",
  7: "int64",
  9: "bool",
  8: "string",
  11: "double",
};

const num = (value: unknown): number => Number(value);

function elementType(code: number, where: string): ElementType {
  const type = DATA_TYPES[code];
  if (!type) throw new Error(`${where}: tensor element type ${code} is not compiled`);
  return type;
}

function decodeTensor(tensor: ITensorProto, where: string): ConstTensor {
  const type = elementType(tensor.dataType ?? 0, where);
  const dims = (tensor.dims ?? []).map(num);
  const count = dims.reduce((a, b) => a * b, 1);
  const raw = tensor.rawData && tensor.rawData.length > 0 ? tensor.rawData : undefined;
  let values: (number | string | boolean)[];
  if (type === "string") {
    values = (tensor.stringData ?? []).map((bytes) => Buffer.from(bytes).toString("utf8"));
  } else if (raw) {
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    values = [];
    for (let i = 0; i < count; i++) {
      if (type === "float") values.push(view.getFloat32(i * 4, true));
      else if (type === "double") values.push(view.getFloat64(i * 8, true));
      else if (type === "int64") values.push(Number(view.getBigInt64(i * 8, true)));
      else values.push(view.getUint8(i) !== 0);
    }
  } else if (type === "float") values = [...(tensor.floatData ?? [])];
  else if (type === "double") values = [...(tensor.doubleData ?? [])];
  else if (type === "int64") values = (tensor.int64Data ?? []).map(num);
  else values = (tensor.int32Data ?? []).map((v) => v !== 0);
  if (values.length !== count)
    throw new Error(`${where}: tensor has ${values.length} values for dims [${dims.join(", ")}]`);
  return { type, dims, values };
}

function decodeAttribute(attribute: IAttributeProto, where: string): AttributeValue {
  const { AttributeType } = onnx.AttributeProto;
  switch (attribute.type) {
    case AttributeType.INT:
      return num(attribute.i);
    case AttributeType.FLOAT:
      return attribute.f ?? 0;
    case AttributeType.STRING:
      return Buffer.from(attribute.s ?? []).toString("utf8");
    case AttributeType.INTS:
      return (attribute.ints ?? []).map(num);
    case AttributeType.FLOATS:
      return [...(attribute.floats ?? [])];
    case AttributeType.STRINGS:
      return (attribute.strings ?? []).map((bytes) => Buffer.from(bytes).toString("utf8"));
    case AttributeType.TENSOR:
      return decodeTensor(attribute.t ?? {}, `${where}.${attribute.name}`);
    default:
      throw new Error(`${where}: attribute ${attribute.name} of type ${attribute.type} is not compiled`);
  }
}

export function readOnnxGraph(bytes: Uint8Array): OnnxGraph {
  const model = onnx.ModelProto.decode(bytes);
  const graph = model.graph;
  if (!graph) throw new Error("the ONNX file has no graph");
  const initializers = new Map<string, ConstTensor>();
  for (const tensor of graph.initializer ?? [])
    initializers.set(tensor.name ?? "", decodeTensor(tensor, `initializer ${tensor.name}`));
  const initializerNames = new Set(initializers.keys());
  const inputs = (graph.input ?? [])
    .filter((input) => !initializerNames.has(input.name ?? ""))
    .map((input) => ({
      name: input.name ?? "",
      type: elementType(input.type?.tensorType?.elemType ?? 0, `input ${input.name}`),
    }));
  const nodes = (graph.node ?? []).map((node, index): GraphNode => {
    const name = node.name || `#${index} ${node.opType}`;
    const attributes = new Map<string, AttributeValue>();
    for (const attribute of node.attribute ?? [])
      attributes.set(attribute.name ?? "", decodeAttribute(attribute, `node ${name}`));
    return {
      opType: node.opType ?? "",
      domain: node.domain ?? "",
      name,
      inputs: [...(node.input ?? [])],
      outputs: [...(node.output ?? [])],
      attributes,
    };
  });
  return { inputs, outputs: (graph.output ?? []).map((output) => output.name ?? ""), initializers, nodes };
}
