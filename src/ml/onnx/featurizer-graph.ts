// The featurizer (src/ml/features/featurizer-spec.ts) as ONNX ops, computing what `applyFeaturizer` computes, bit for
// bit: every intermediate is a float32 tensor, so +, -, *, /, sqrt, comparisons and casts round exactly as the JS
// reference does. Logarithms are the exception: onnxruntime's float32 Log is a fast approximation (up to an ulp off,
// which moves rows across split thresholds), while the reference rounds the float64 log to float32; the graph
// therefore takes the log in float64 and casts back, which reproduces the reference.
//
// Columns live in blocks: float32 [N, width] tensors, the first being the raw input [N, F]. A run of consecutive
// steps of one kind (impute, log1p, scale, clip) on columns of the same block becomes one vectorised op over the
// whole block, with constants that leave the other columns bit-identical (fill NaN with NaN, subtract 0 and divide
// by 1, clip to ±Infinity, select the input back): a few ops per run instead of a few per column, which is most of a
// single-row prediction's time. One-hot and expressions add new blocks; the model input is assembled at the end.
import { unreachable } from "../../result.js";
import type { Expr, Featurizer, FeaturizerStep } from "../features/featurizer-spec.js";
import { DataType, type GraphBuilder } from "./graph-builder.js";

const f32 = Math.fround;

interface Block {
  tensor: string;
  width: number;
}

interface Location {
  block: Block;
  index: number;
}

type ColumnStep = Extract<FeaturizerStep, { op: "impute" | "log1p" | "scale" | "clip" }>;

const isColumnStep = (step: FeaturizerStep): step is ColumnStep =>
  step.op === "impute" || step.op === "log1p" || step.op === "scale" || step.op === "clip";

class FeaturizerGraph {
  private readonly columns = new Map<string, Location>();
  private readonly constants = new Map<string, string>();
  private readonly extracted = new Map<string, string>();

  constructor(private readonly graph: GraphBuilder) {}

  place(name: string, location: Location): void {
    this.columns.set(name, location);
  }

  locate(name: string): Location {
    const location = this.columns.get(name);
    if (location === undefined) throw new Error(`featurizer: no column named "${name}" at this step`);
    return location;
  }

  /** A float32 scalar constant shared by every use of the same value. */
  scalar(value: number): string {
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

  /** One column as a float32 [N, 1] tensor. */
  column(name: string): string {
    const { block, index } = this.locate(name);
    if (block.width === 1) return block.tensor;
    const key = `${block.tensor}[${index}]`;
    let tensor = this.extracted.get(key);
    if (tensor === undefined) {
      const indices = this.graph.constant(`${name}_index`, "int64", [index]);
      tensor = this.op("Gather", [block.tensor, indices], { axis: { int: 1 } });
      this.extracted.set(key, tensor);
    }
    return tensor;
  }

  /** log(x) rounded to float32, via float64 (see the header). */
  log(x: string): string {
    const wide = this.op("Cast", [x], { to: { int: DataType.DOUBLE } });
    return this.op("Cast", [this.op("Log", [wide])], { to: { int: DataType.FLOAT } });
  }

  log1p(x: string): string {
    return this.log(this.op("Add", [x, this.scalar(1)]));
  }

  expression(expr: Expr): string {
    if ("const" in expr) return this.scalar(expr.const);
    if ("column" in expr) return this.column(expr.column);
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
      default:
        return unreachable(expr.fn);
    }
  }

  /**
   * A float32 [width] constant: `value(step)` at the columns the run's steps touch, `identity` elsewhere. Named for
   * the run (e.g. "scale_mean"), so the graph reads well in Netron.
   */
  private vector(
    role: string,
    block: Block,
    run: ColumnStep[],
    value: (step: ColumnStep) => number,
    identity: number,
  ) {
    const values = new Array<number>(block.width).fill(identity);
    for (const step of run) values[this.locate(step.column).index] = f32(value(step));
    return this.graph.constant(role, "float", values, [block.width]);
  }

  /** Applies a run of same-kind steps on distinct columns of one block, as ops over the whole block. */
  columnRun(run: ColumnStep[]): void {
    const first = run[0] as ColumnStep;
    const block = this.locate(first.column).block;
    const names = run.map((step) => step.column).join("_");
    const x = block.tensor;
    let result: string;
    switch (first.op) {
      case "impute": {
        const fill = this.vector(
          `impute_${names}`,
          block,
          run,
          (step) => (step as typeof first).value,
          Number.NaN,
        );
        result = this.op("Where", [this.op("IsNaN", [x]), fill, x]);
        break;
      }
      case "scale": {
        const mean = this.vector(`scale_mean_${names}`, block, run, (step) => (step as typeof first).mean, 0);
        const std = this.vector(`scale_std_${names}`, block, run, (step) => (step as typeof first).std, 1);
        result = this.op("Div", [this.op("Sub", [x, mean]), std]);
        break;
      }
      case "clip": {
        // Comparisons rather than Clip so that NaN passes through as in the reference (Math.min/max propagate NaN;
        // a comparison with NaN is false, so Where keeps x).
        const low = this.vector(
          `clip_min_${names}`,
          block,
          run,
          (step) => (step as typeof first).min,
          -Infinity,
        );
        const high = this.vector(
          `clip_max_${names}`,
          block,
          run,
          (step) => (step as typeof first).max,
          Infinity,
        );
        const raised = this.op("Where", [this.op("Less", [x, low]), low, x]);
        result = this.op("Where", [this.op("Greater", [raised, high]), high, raised]);
        break;
      }
      case "log1p": {
        const logged = this.log1p(x);
        if (run.length === block.width) result = logged;
        else {
          const mask = new Array<boolean>(block.width).fill(false);
          for (const step of run) mask[this.locate(step.column).index] = true;
          const selected = this.graph.constant(`log1p_${names}`, "bool", mask, [block.width]);
          result = this.op("Where", [selected, logged, x]);
        }
        break;
      }
      default:
        unreachable(first);
    }
    // Every column of the block now lives in the result (untouched ones are bit-identical).
    const updated: Block = { tensor: result, width: block.width };
    for (const [name, location] of this.columns)
      if (location.block === block) this.columns.set(name, { block: updated, index: location.index });
  }

  /** A step that adds columns: one-hot indicators, or an expression. */
  step(step: Exclude<FeaturizerStep, ColumnStep>): void {
    if (step.op === "onehot") {
      const codes = this.graph.constant(`${step.column}_codes`, "float", step.codes.map(f32), [
        step.codes.length,
      ]);
      const hits = this.op("Equal", [this.column(step.column), codes]);
      const block: Block = {
        tensor: this.op("Cast", [hits], { to: { int: DataType.FLOAT } }),
        width: step.codes.length,
      };
      step.outputs.forEach((name, index) => {
        this.place(name, { block, index });
      });
      return;
    }
    this.place(step.output, { block: { tensor: this.expression(step.expr), width: 1 }, index: 0 });
  }

  /** The named columns, in order, as one float32 [N, names.length] tensor. */
  assemble(names: string[]): string {
    const locations = names.map((name) => this.locate(name));
    const blocks: Block[] = [];
    for (const { block } of locations) if (!blocks.includes(block)) blocks.push(block);
    const offsets = new Map<Block, number>();
    let width = 0;
    for (const block of blocks) {
      offsets.set(block, width);
      width += block.width;
    }
    const combined =
      blocks.length === 1
        ? (blocks[0] as Block).tensor
        : this.op(
            "Concat",
            blocks.map((block) => block.tensor),
            { axis: { int: 1 } },
          );
    const order = locations.map(({ block, index }) => (offsets.get(block) as number) + index);
    if (order.length === width && order.every((position, i) => position === i)) return combined;
    const indices = this.graph.constant("model_columns", "int64", order);
    return this.op("Gather", [combined, indices], { axis: { int: 1 } });
  }
}

/** The run at the head of `steps`: consecutive steps of one column kind, on distinct columns of the same block. */
function headRun(steps: FeaturizerStep[], blockOf: (column: string) => Block): ColumnStep[] {
  const first = steps[0];
  if (!first || !isColumnStep(first)) return [];
  const run: ColumnStep[] = [first];
  const block = blockOf(first.column);
  for (const step of steps.slice(1)) {
    if (
      !isColumnStep(step) ||
      step.op !== first.op ||
      run.some((previous) => previous.column === step.column)
    )
      break;
    if (blockOf(step.column) !== block) break;
    run.push(step);
  }
  return run;
}

/**
 * Adds the featurizer's ops reading `input` (float32 [N, inputs]) and returns the name of the float32
 * [N, outputs] tensor the trees read.
 */
export function addFeaturizer(graph: GraphBuilder, featurizer: Featurizer, input: string): string {
  const columns = new FeaturizerGraph(graph);
  const raw: Block = { tensor: input, width: featurizer.inputs.length };
  featurizer.inputs.forEach((feature, index) => {
    columns.place(feature.name, { block: raw, index });
  });
  // Runs are formed as the steps are applied, since blocks change as they go.
  for (let next = 0; next < featurizer.steps.length; ) {
    const run = headRun(featurizer.steps.slice(next), (column) => columns.locate(column).block);
    if (run.length > 0) {
      columns.columnRun(run);
      next += run.length;
    } else {
      columns.step(featurizer.steps[next] as Exclude<FeaturizerStep, ColumnStep>);
      next += 1;
    }
  }
  return columns.assemble(featurizer.outputs);
}
