// The packaged ONNX graph compiled to one JavaScript function that computes every output for a batch of rows, one row
// at a time, fully unrolled: each tensor of a row is a list of local variables (the graph's tensors are [N, width]
// with a small, fixed width), each op a few lines, and the tree ensemble one call that walks its tables
// (tree-ensemble-code.ts).
// Float32 ops round as onnxruntime's do (Math.fround after each exact operation). The op set is what model packages
// hold (the featurizer's arithmetic, casts, gathers and selects; the ensemble; the classification head); any other op
// or shape is refused with the reason, and onnxruntime serves that model alone.
import {
  type ConstTensor,
  type ElementType,
  type GraphNode,
  type OnnxGraph,
  readOnnxGraph,
} from "./onnx-graph.js";
import { ensembleCode, literal } from "./tree-ensemble-code.js";

type RowValue = { kind: "row"; type: ElementType; rank: 1 | 2; cells: string[] };
type ConstValue = { kind: "const"; tensor: ConstTensor };
type Value = RowValue | ConstValue;

export interface CompiledOutput {
  name: string;
  type: ElementType;
  /** Values per row. */
  width: number;
  rank: 1 | 2;
}

export interface CompiledGraph {
  outputs: CompiledOutput[];
  /** Computes `rows` rows of `input` (row-major float32, rows × width) into `targets` (one per output, sized). */
  run(input: Float32Array, rows: number, targets: unknown[]): void;
  /** The generated source, for inspection. */
  source: string;
}

const ARITHMETIC: Record<string, string> = { Add: "+", Sub: "-", Mul: "*", Div: "/" };
const COMPARISON: Record<string, string> = {
  Less: "<",
  Greater: ">",
  LessOrEqual: "<=",
  GreaterOrEqual: ">=",
  Equal: "===",
};
const LOGICAL: Record<string, string> = { And: "&&", Or: "||", Xor: "!==" };
const UNARY: Record<string, (x: string) => string> = {
  Neg: (x) => `-${x}`,
  Abs: (x) => `Math.abs(${x})`,
  Sqrt: (x) => `Math.sqrt(${x})`,
  Log: (x) => `Math.log(${x})`,
  Exp: (x) => `Math.exp(${x})`,
  Floor: (x) => `Math.floor(${x})`,
  Ceil: (x) => `Math.ceil(${x})`,
  Sigmoid: (x) => `1/(1+Math.exp(-${x}))`,
};
const CAST_TYPES: Record<number, ElementType> = { 1: "float", 7: "int64", 9: "bool", 11: "double" };

class Compiler {
  private readonly values = new Map<string, Value>();
  private readonly declarations: string[] = [];
  private readonly lines: string[] = [];
  private counter = 0;

  constructor(
    private readonly graph: OnnxGraph,
    inputWidth: number,
  ) {
    const [input, ...others] = graph.inputs;
    if (!input || others.length > 0) throw new Error("the graph must have exactly one input");
    if (input.type !== "float") throw new Error(`the graph's input is ${input.type}, not float`);
    for (const [name, tensor] of graph.initializers) this.values.set(name, { kind: "const", tensor });
    const cells = Array.from({ length: inputWidth }, (_, j) => this.emit(`input[b+${j}]`));
    this.values.set(input.name, { kind: "row", type: "float", rank: 2, cells });
  }

  private fresh(): string {
    return `v${this.counter++}`;
  }

  private emit(expression: string): string {
    const name = this.fresh();
    this.lines.push(`const ${name}=${expression};`);
    return name;
  }

  private value(name: string, node: GraphNode): Value {
    const value = this.values.get(name);
    if (!value) throw new Error(`${node.opType} ${node.name}: input ${name} is not computed`);
    return value;
  }

  private row(name: string, node: GraphNode): RowValue {
    const value = this.value(name, node);
    if (value.kind !== "row")
      throw new Error(`${node.opType} ${node.name}: input ${name} must depend on the rows`);
    return value;
  }

  private static cellLiteral(type: ElementType, value: number | string | boolean): string {
    if (type === "string") return JSON.stringify(value);
    if (type === "bool") return value ? "true" : "false";
    return literal(value as number);
  }

  /** Element-wise operands broadcast to one row shape: for each, a function from column to expression. */
  private broadcast(
    operands: Value[],
    node: GraphNode,
  ): { rank: 1 | 2; width: number; cell: ((j: number) => string)[] } {
    const rows = operands.filter((value): value is RowValue => value.kind === "row");
    if (rows.length === 0) throw new Error(`${node.opType} ${node.name}: no input depends on the rows`);
    const rank = rows[0]?.rank as 1 | 2;
    if (rows.some((value) => value.rank !== rank))
      throw new Error(`${node.opType} ${node.name}: inputs of different ranks`);
    const widths = operands.map((value) => {
      if (value.kind === "row") return value.cells.length;
      const { dims } = value.tensor;
      if (dims.length > 2 || (dims.length === 2 && dims[0] !== 1) || (rank === 1 && dims.length > 1))
        throw new Error(
          `${node.opType} ${node.name}: constant of shape [${dims.join(", ")}] is not broadcast`,
        );
      return value.tensor.values.length;
    });
    const width = Math.max(...widths);
    if (widths.some((w) => w !== 1 && w !== width))
      throw new Error(`${node.opType} ${node.name}: widths ${widths.join(", ")} do not broadcast`);
    const cell = operands.map((value, i) => {
      const one = widths[i] === 1;
      if (value.kind === "row") return (j: number) => value.cells[one ? 0 : j] as string;
      const { type, values } = value.tensor;
      return (j: number) => Compiler.cellLiteral(type, values[one ? 0 : j] as number);
    });
    return { rank, width, cell };
  }

  private typeOf(operands: Value[], node: GraphNode): ElementType {
    const types = new Set(operands.map((value) => (value.kind === "row" ? value.type : value.tensor.type)));
    if (types.size !== 1)
      throw new Error(`${node.opType} ${node.name}: inputs of types ${[...types].join(", ")}`);
    return [...types][0] as ElementType;
  }

  private elementwise(node: GraphNode, type: ElementType, expression: (args: string[]) => string): RowValue {
    const operands = node.inputs.map((name) => this.value(name, node));
    const { rank, width, cell } = this.broadcast(operands, node);
    const cells = Array.from({ length: width }, (_, j) => this.emit(expression(cell.map((get) => get(j)))));
    return { kind: "row", type, rank, cells };
  }

  private static rounded(type: ElementType, expression: string): string {
    return type === "float" ? `f(${expression})` : expression;
  }

  private axis(node: GraphNode, rank: number, fallback: number): number {
    const axis = Number(node.attributes.get("axis") ?? fallback);
    return axis < 0 ? axis + rank : axis;
  }

  private compileNode(node: GraphNode): Value[] {
    const op = node.opType;
    const where = `${op} ${node.name}`;
    if (node.domain === "ai.onnx.ml") {
      const input = this.row(node.inputs[0] as string, node);
      if (input.rank !== 2) throw new Error(`${where}: the input must be [N, features]`);
      const code = ensembleCode(node, input.type, input.cells, `e${this.counter++}_`);
      this.declarations.push(code.declarations);
      this.lines.push(code.statements);
      return [{ kind: "row", type: "float", rank: 2, cells: code.outputs }];
    }
    if (node.domain !== "") throw new Error(`${where}: domain ${node.domain} is not compiled`);
    if (op === "Identity") return [this.value(node.inputs[0] as string, node)];
    if (op === "Constant") {
      const tensor = node.attributes.get("value");
      if (typeof tensor !== "object" || Array.isArray(tensor))
        throw new Error(`${where}: only value= constants`);
      return [{ kind: "const", tensor }];
    }
    const symbol = ARITHMETIC[op];
    if (symbol) {
      const type = this.typeOf(
        node.inputs.map((name) => this.value(name, node)),
        node,
      );
      if (type !== "float" && type !== "double")
        throw new Error(`${where}: ${type} arithmetic is not compiled`);
      return [this.elementwise(node, type, ([a, b]) => Compiler.rounded(type, `${a}${symbol}${b}`))];
    }
    const comparison = COMPARISON[op];
    if (comparison) {
      this.typeOf(
        node.inputs.map((name) => this.value(name, node)),
        node,
      );
      return [this.elementwise(node, "bool", ([a, b]) => `${a}${comparison}${b}`)];
    }
    const logical = LOGICAL[op];
    if (logical) return [this.elementwise(node, "bool", ([a, b]) => `(${a})${logical}(${b})`)];
    if (op === "Not") return [this.elementwise(node, "bool", ([a]) => `!${a}`)];
    const unary = UNARY[op];
    if (unary) {
      const type = this.typeOf([this.value(node.inputs[0] as string, node)], node);
      if (type !== "float" && type !== "double") throw new Error(`${where}: ${type} input is not compiled`);
      return [this.elementwise(node, type, ([a]) => Compiler.rounded(type, unary(a as string)))];
    }
    switch (op) {
      case "IsNaN":
        return [this.elementwise(node, "bool", ([a]) => `${a}!==${a}`)];
      case "Where": {
        const [condition, ...branches] = node.inputs.map((name) => this.value(name, node));
        const type = this.typeOf(branches, node);
        if ((condition?.kind === "row" ? condition.type : condition?.tensor.type) !== "bool")
          throw new Error(`${where}: the condition must be bool`);
        return [this.elementwise(node, type, ([c, a, b]) => `${c}?${a}:${b}`)];
      }
      case "Cast": {
        const input = this.row(node.inputs[0] as string, node);
        const to = CAST_TYPES[Number(node.attributes.get("to"))];
        if (!to || input.type === "string") throw new Error(`${where}: cast to ${node.attributes.get("to")}`);
        const cast = (x: string): string => {
          if (to === input.type) return x;
          if (to === "bool") return `${x}!==0`;
          if (input.type === "bool") return `(${x}?1:0)`;
          if (to === "float") return `f(${x})`;
          if (to === "int64") return `Math.trunc(${x})`;
          return x; // float or int64 to double: exact
        };
        return [
          { ...input, type: to, cells: input.cells.map((x) => (cast(x) === x ? x : this.emit(cast(x)))) },
        ];
      }
      case "Gather": {
        const data = this.value(node.inputs[0] as string, node);
        const indices = this.value(node.inputs[1] as string, node);
        if (data.kind === "row") {
          if (indices.kind !== "const" || this.axis(node, data.rank, 0) !== 1 || data.rank !== 2)
            throw new Error(`${where}: only constant column indices on axis 1`);
          const width = data.cells.length;
          const picked = indices.tensor.values.map((index) => {
            const at = (index as number) < 0 ? (index as number) + width : (index as number);
            const cell = data.cells[at];
            if (cell === undefined) throw new Error(`${where}: index ${index} is out of [0, ${width})`);
            return cell;
          });
          return [
            { kind: "row", type: data.type, rank: indices.tensor.dims.length === 0 ? 1 : 2, cells: picked },
          ];
        }
        if (
          indices.kind !== "row" ||
          this.axis(node, data.tensor.dims.length, 0) !== 0 ||
          data.tensor.dims.length !== 1
        )
          throw new Error(`${where}: only row indices into a constant list`);
        const table = `c${this.counter++}`;
        const { type, values } = data.tensor;
        this.declarations.push(
          `const ${table}=[${values.map((value) => Compiler.cellLiteral(type, value)).join(",")}];`,
        );
        return [{ ...indices, type, cells: indices.cells.map((index) => this.emit(`${table}[${index}]`)) }];
      }
      case "Concat": {
        const parts = node.inputs.map((name) => this.row(name, node));
        if (parts.some((part) => part.rank !== 2) || this.axis(node, 2, 1) !== 1)
          throw new Error(`${where}: only [N, k] tensors along axis 1`);
        return [
          {
            kind: "row",
            type: this.typeOf(parts, node),
            rank: 2,
            cells: parts.flatMap((part) => part.cells),
          },
        ];
      }
      case "ArgMax": {
        const input = this.row(node.inputs[0] as string, node);
        if (input.rank !== 2 || this.axis(node, 2, 0) !== 1)
          throw new Error(`${where}: only axis 1 of [N, k]`);
        const last = Number(node.attributes.get("select_last_index") ?? 0) === 1;
        const index = this.fresh();
        const best = this.fresh();
        this.lines.push(`let ${index}=0,${best}=${input.cells[0]};`);
        input.cells.forEach((cell, j) => {
          if (j > 0)
            this.lines.push(`if(${cell}${last ? ">=" : ">"}${best}){${best}=${cell};${index}=${j};}`);
        });
        const keep = Number(node.attributes.get("keepdims") ?? 1) === 1;
        return [{ kind: "row", type: "int64", rank: keep ? 2 : 1, cells: [index] }];
      }
      default:
        throw new Error(`${where}: op ${op} is not compiled`);
    }
  }

  compile(): CompiledGraph {
    for (const node of this.graph.nodes) {
      const results = this.compileNode(node);
      node.outputs.forEach((name, i) => {
        const result = results[i];
        if (name !== "" && result) this.values.set(name, result);
      });
    }
    const outputs: CompiledOutput[] = [];
    const writes: string[] = [];
    this.graph.outputs.forEach((name, k) => {
      const value = this.values.get(name);
      if (value?.kind !== "row") throw new Error(`output ${name} does not depend on the rows`);
      if (value.type === "bool") throw new Error(`output ${name}: bool outputs are not compiled`);
      const width = value.cells.length;
      outputs.push({ name, type: value.type, width, rank: value.rank });
      value.cells.forEach((cell, j) => {
        writes.push(`o${k}[r*${width}+${j}]=${value.type === "int64" ? `BigInt(${cell})` : cell};`);
      });
    });
    const source = [
      '"use strict";',
      "const f=Math.fround;",
      "function logistic(x){const v=f(1/f(1+f(Math.exp(-Math.abs(x)))));return x<0?f(1-v):v;}",
      ...this.declarations,
      `return function run(input,rows,targets){${outputs.map((_, k) => `const o${k}=targets[${k}];`).join("")}`,
      `for(let r=0;r<rows;r++){const b=r*${this.inputWidth()};`,
      ...this.lines,
      ...writes,
      "}};",
    ].join("\n");
    const run = new Function(source)() as CompiledGraph["run"];
    return { outputs, run, source };
  }

  private inputWidth(): number {
    const input = this.values.get(this.graph.inputs[0]?.name as string) as RowValue;
    return input.cells.length;
  }
}

/** Compiles the ONNX model; throws with the reason when something in it is not compiled. */
export function compileOnnx(onnx: Uint8Array, inputWidth: number): CompiledGraph {
  return new Compiler(readOnnxGraph(onnx), inputWidth).compile();
}
