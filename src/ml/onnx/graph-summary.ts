// A stable text summary of an ONNX model's structure (opsets, interface, nodes with attribute summaries, metadata
// keys): what the golden-file test compares, and what `tabula models show --graph` prints.
import type onnxProto from "onnx-proto";
import { onnx } from "./graph-builder.js";

type Attribute = onnxProto.onnx.IAttributeProto;
type Tensor = onnxProto.onnx.ITensorProto;
type ValueInfo = onnxProto.onnx.IValueInfoProto;

const decoder = new TextDecoder();
const typeName = (type: number | null | undefined) =>
  onnx.TensorProto.DataType[type ?? 0]?.toLowerCase() ?? "?";

function tensorSummary(tensor: Tensor): string {
  return `${typeName(tensor.dataType)}[${(tensor.dims ?? []).join(",")}]`;
}

function listSummary(values: readonly (number | string)[]): string {
  if (values.length <= 6) return `[${values.join(",")}]`;
  const counts = new Map<string, number>();
  for (const value of values) counts.set(String(value), (counts.get(String(value)) ?? 0) + 1);
  if (counts.size <= 4)
    return `${values.length} × {${[...counts].map(([value, count]) => `${value}: ${count}`).join(", ")}}`;
  return `${values.length} values [${values.slice(0, 3).join(",")},…]`;
}

function attributeSummary(attribute: Attribute): string {
  const Type = onnx.AttributeProto.AttributeType;
  switch (attribute.type) {
    case Type.INT:
      return String(attribute.i);
    case Type.FLOAT:
      return String(attribute.f);
    case Type.STRING:
      return JSON.stringify(decoder.decode(attribute.s ?? new Uint8Array()));
    case Type.INTS:
      return listSummary((attribute.ints ?? []).map(Number));
    case Type.FLOATS:
      return listSummary(attribute.floats ?? []);
    case Type.STRINGS:
      return listSummary((attribute.strings ?? []).map((s) => decoder.decode(s)));
    case Type.TENSOR:
      return tensorSummary(attribute.t ?? {});
    default:
      return `<${Type[attribute.type ?? 0]}>`;
  }
}

function valueInfoSummary(info: ValueInfo): string {
  const tensorType = info.type?.tensorType;
  const dims = (tensorType?.shape?.dim ?? []).map((dim) => dim.dimParam || String(dim.dimValue));
  return `${info.name}: ${typeName(tensorType?.elemType)}[${dims.join(",")}]`;
}

export function summarizeOnnxModel(bytes: Uint8Array): string {
  const model = onnx.ModelProto.decode(bytes);
  const graph = model.graph ?? {};
  const lines = [
    `ir_version ${model.irVersion}`,
    `opsets ${(model.opsetImport ?? []).map((opset) => `${opset.domain || "ai.onnx"}=${opset.version}`).join(" ")}`,
    `producer ${model.producerName}`,
    `graph ${graph.name}`,
    ...(graph.input ?? []).map((input) => `input ${valueInfoSummary(input)}`),
    ...(graph.output ?? []).map((output) => `output ${valueInfoSummary(output)}`),
    ...(graph.initializer ?? []).map((tensor) => `initializer ${tensor.name}: ${tensorSummary(tensor)}`),
  ];
  for (const node of graph.node ?? []) {
    const op = node.domain ? `${node.domain}.${node.opType}` : (node.opType ?? "");
    lines.push(`node ${op}(${(node.input ?? []).join(", ")}) -> ${(node.output ?? []).join(", ")}`);
    const attributes = [...(node.attribute ?? [])].sort((a, b) => (a.name ?? "").localeCompare(b.name ?? ""));
    for (const attribute of attributes) lines.push(`  ${attribute.name} = ${attributeSummary(attribute)}`);
  }
  lines.push(`metadata ${(model.metadataProps ?? []).map((entry) => entry.key).join(" ")}`);
  return `${lines.join("\n")}\n`;
}
