// The featurizer (src/ml/features/featurizer-spec.ts) as ONNX ops, computing what `applyFeaturizer` computes, bit for
// bit: every intermediate is a float32 tensor, so +, -, *, /, sqrt, comparisons and casts round exactly as the JS
// reference does. Logarithms are the exception: onnxruntime's float32 Log is a fast approximation (up to an ulp off),
// while the reference rounds the double-precision log to float32; the graph therefore takes the log in float64 and
// casts back, which reproduces the reference.
//
// Each column is a [N, 1] tensor: the input [N, F] is split once, steps work per column, and the outputs are
// concatenated back into the model's [N, M] input.
import type { Expr, Featurizer, FeaturizerStep } from "../features/featurizer-spec.js";
import { DataType, type GraphBuilder } from "./graph-builder.js";

const f32 = Math.fround;

class ColumnGraph {
  private readonly columns = new Map<string, string>();
  private readonly constants = new Map<string, string>();

  constructor(private readonly graph: GraphBuilder) {}

  set(name: string, tensorName: string): void {
    this.columns.set(name, tensorName);
  }

  get(name: string): string {
    const tensorName = this.columns.get(name);
    if (tensorName === undefined) throw new Error(`featurizer: no column named "${name}" at this step`);
    return tensorName;
  }

  /**
   * A float32 scalar constant: named for its role when `role` is given (e.g. "rooms_mean", readable in Netron and in
   * error messages), otherwise shared by every use of the same value.
   */
  float(value: number, role?: string): string {
    if (role !== undefined) return this.graph.constant(role, "float", [f32(value)], []);
    const key = Object.is(value, -0) ? "-0" : String(f32(value));
    let name = this.constants.get(key);
    if (name === undefined) {
      name = this.graph.constant(`const_${key.replace(/[-.+]/g, "_")}`, "float", [f32(value)], []);
      this.constants.set(key, name);
    }
    return name;
  }

  op(op: string, inputs: string[], attributes?: Parameters<GraphBuilder["op"]>[2]): string {
    return this.graph.op(op, inputs, attributes);
  }

  /** log(x) rounded to float32, via float64 (see the header). */
  log(x: string): string {
    const wide = this.op("Cast", [x], { to: { int: DataType.DOUBLE } });
    return this.op("Cast", [this.op("Log", [wide])], { to: { int: DataType.FLOAT } });
  }

  log1p(x: string): string {
    return this.log(this.op("Add", [x, this.float(1)]));
  }

  expression(expr: Expr): string {
    if ("const" in expr) return this.float(expr.const);
    if ("column" in expr) return this.get(expr.column);
    if ("op" in expr) {
      const ops = { add: "Add", sub: "Sub", mul: "Mul", div: "Div" } as const;
      return this.op(ops[expr.op], [this.expression(expr.args[0]), this.expression(expr.args[1])]);
    }
    const x = this.expression(expr.arg);
    switch (expr.fn) {
      case "log1p":
        return this.log1p(x);
      case "log":
        return this.log(x);
      case "sqrt":
        return this.op("Sqrt", [x]);
      case "abs":
        return this.op("Abs", [x]);
      case "neg":
        return this.op("Neg", [x]);
    }
  }

  step(step: FeaturizerStep): void {
    switch (step.op) {
      case "impute": {
        const x = this.get(step.column);
        const value = this.float(step.value, `${step.column}_impute_${step.strategy}`);
        this.set(step.column, this.op("Where", [this.op("IsNaN", [x]), value, x]));
        return;
      }
      case "log1p":
        this.set(step.column, this.log1p(this.get(step.column)));
        return;
      case "scale": {
        const centred = this.op("Sub", [this.get(step.column), this.float(step.mean, `${step.column}_mean`)]);
        this.set(step.column, this.op("Div", [centred, this.float(step.std, `${step.column}_std`)]));
        return;
      }
      case "clip": {
        // Written with comparisons rather than Clip so that NaN passes through as it does in the reference
        // (Math.min/Math.max propagate NaN; a comparison with NaN is false, so Where keeps x).
        const x = this.get(step.column);
        const low = this.float(step.min, `${step.column}_min`);
        const high = this.float(step.max, `${step.column}_max`);
        const raised = this.op("Where", [this.op("Less", [x, low]), low, x]);
        this.set(step.column, this.op("Where", [this.op("Greater", [raised, high]), high, raised]));
        return;
      }
      case "onehot": {
        const x = this.get(step.column);
        step.codes.forEach((code, k) => {
          const hit = this.op("Equal", [x, this.float(code, `${step.outputs[k]}_code`)]);
          this.set(step.outputs[k] as string, this.op("Cast", [hit], { to: { int: DataType.FLOAT } }));
        });
        return;
      }
      case "expression":
        this.set(step.output, this.expression(step.expr));
        return;
    }
  }
}

/**
 * Adds the featurizer's ops reading `input` (float32 [N, inputs]) and returns the name of the float32
 * [N, outputs] tensor the trees read.
 */
export function addFeaturizer(graph: GraphBuilder, featurizer: Featurizer, input: string): string {
  const identity =
    featurizer.steps.length === 0 &&
    featurizer.outputs.length === featurizer.inputs.length &&
    featurizer.outputs.every((name, j) => featurizer.inputs[j]?.name === name);
  if (identity) return input;

  const columns = new ColumnGraph(graph);
  const split =
    featurizer.inputs.length === 1
      ? [input]
      : graph.node({
          op: "Split",
          inputs: [input],
          outputCount: featurizer.inputs.length,
          attributes: { axis: { int: 1 } },
        });
  featurizer.inputs.forEach((feature, j) => {
    columns.set(feature.name, split[j] as string);
  });
  for (const step of featurizer.steps) columns.step(step);
  const outputs = featurizer.outputs.map((name) => columns.get(name));
  return outputs.length === 1 ? (outputs[0] as string) : graph.op("Concat", outputs, { axis: { int: 1 } });
}
