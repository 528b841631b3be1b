// The fitted featurizer, as JSON: what `featurize` writes, what training, evaluation and notebooks apply, and what
// the package stage turns into ONNX ops in front of the trees. Parsed with this schema wherever it is read.
//
// Input: the raw features as one float32 matrix n × inputs.length, in `inputs` order (the server's tensor order).
//   numeric feature:     its value; NaN when missing. An input with `date` is a part of a date column's text
//                        (src/artifact/date-features.ts), derived before the tensor by training and server alike.
//   categorical feature: a numeric code: the value itself when the categories are numbers, otherwise the index of
//                        the value in `categories` (src/artifact/category-code.ts); NaN when missing, -1 when never seen.
// Steps run in order over a working set of named float32 columns (starting with the inputs); each step adds or
// replaces columns. `outputs` names the columns fed to the model, in order.
// Arithmetic follows float32 semantics (every intermediate is rounded to float32), which is what the ONNX graph
// computes, so the JS featurizer and the exported graph agree bit for bit on +, -, *, /.

import { z } from "zod";
import { DateSourceSchema } from "../../artifact/date-features.js";
import { unreachable } from "../../result.js";

export const FEATURIZER_FORMAT = "tabula.featurizer/v1";

export type Expr =
  | { const: number }
  | { column: string }
  | { op: "add" | "sub" | "mul" | "div"; args: [Expr, Expr] }
  | { fn: "log1p" | "log" | "sqrt" | "abs" | "neg"; arg: Expr };

export const ExprSchema: z.ZodType<Expr> = z.lazy(() =>
  z.union([
    z.object({ const: z.number() }).strict(),
    z.object({ column: z.string() }).strict(),
    z.object({ op: z.enum(["add", "sub", "mul", "div"]), args: z.tuple([ExprSchema, ExprSchema]) }).strict(),
    z.object({ fn: z.enum(["log1p", "log", "sqrt", "abs", "neg"]), arg: ExprSchema }).strict(),
  ]),
);

export const RawFeatureSchema = z
  .object({
    name: z.string(),
    kind: z.enum(["numeric", "categorical"]),
    /** Categorical only: the categories seen in training. */
    categories: z.array(z.union([z.string(), z.number()])).optional(),
    /** A number derived from a date column's text (a `date` step): which column, which part. Numeric kind. */
    date: DateSourceSchema.optional(),
  })
  .strict();

export const StepSchema = z.discriminatedUnion("op", [
  /** NaN → value (the fitted mean, median, most frequent value or a constant). */
  z.object({ op: z.literal("impute"), column: z.string(), strategy: z.string(), value: z.number() }).strict(),
  /** x → log(1 + x). */
  z.object({ op: z.literal("log1p"), column: z.string() }).strict(),
  /** x → (x - mean) / std. */
  z.object({ op: z.literal("scale"), column: z.string(), mean: z.number(), std: z.number() }).strict(),
  /** x → min(max(x, min), max). */
  z.object({ op: z.literal("clip"), column: z.string(), min: z.number(), max: z.number() }).strict(),
  /** Adds outputs[i] = (x == codes[i] ? 1 : 0); an unseen code gives all zeros. */
  z
    .object({
      op: z.literal("onehot"),
      column: z.string(),
      codes: z.array(z.number()),
      outputs: z.array(z.string()),
    })
    .strict(),
  /** Adds a derived column; `source` is the text it was parsed from (for docs and errors). */
  z
    .object({ op: z.literal("expression"), output: z.string(), source: z.string(), expr: ExprSchema })
    .strict(),
]);

export const FeaturizerSchema = z
  .object({
    format: z.literal(FEATURIZER_FORMAT),
    inputs: z.array(RawFeatureSchema).min(1),
    steps: z.array(StepSchema),
    outputs: z.array(z.string()).min(1),
  })
  .strict();

export type RawFeature = z.infer<typeof RawFeatureSchema>;
export type FeaturizerStep = z.infer<typeof StepSchema>;
export type Featurizer = z.infer<typeof FeaturizerSchema>;

const f32 = Math.fround;

function evaluate(expr: Expr, columns: Map<string, Float32Array>, row: number): number {
  if ("const" in expr) return f32(expr.const);
  if ("column" in expr) return columnOf(columns, expr.column)[row] as number;
  if ("op" in expr) {
    const a = evaluate(expr.args[0], columns, row);
    const b = evaluate(expr.args[1], columns, row);
    switch (expr.op) {
      case "add":
        return f32(a + b);
      case "sub":
        return f32(a - b);
      case "mul":
        return f32(a * b);
      case "div":
        return f32(a / b);
      default:
        return unreachable(expr.op);
    }
  }
  const x = evaluate(expr.arg, columns, row);
  switch (expr.fn) {
    case "log1p":
      return f32(Math.log(f32(x + 1)));
    case "log":
      return f32(Math.log(x));
    case "sqrt":
      return f32(Math.sqrt(x));
    case "abs":
      return Math.abs(x);
    case "neg":
      return -x;
    default:
      return unreachable(expr.fn);
  }
}

function columnOf(columns: Map<string, Float32Array>, name: string): Float32Array {
  const column = columns.get(name);
  if (!column) throw new Error(`featurizer: no column named "${name}" at this step`);
  return column;
}

/**
 * Applies a fitted featurizer to raw rows (row-major, n × inputs.length) and returns the model's input rows
 * (row-major, n × outputs.length). This is the reference the ONNX preprocessing is checked against.
 */
export function applyFeaturizer(featurizer: Featurizer, raw: Float32Array): Float32Array {
  const width = featurizer.inputs.length;
  const n = Math.floor(raw.length / width);
  const columns = new Map<string, Float32Array>();
  featurizer.inputs.forEach((input, j) => {
    const column = new Float32Array(n);
    for (let i = 0; i < n; i++) column[i] = raw[i * width + j] as number;
    columns.set(input.name, column);
  });

  for (const step of featurizer.steps) {
    switch (step.op) {
      case "impute": {
        const column = columnOf(columns, step.column);
        for (let i = 0; i < n; i++) if (Number.isNaN(column[i])) column[i] = step.value;
        break;
      }
      case "log1p": {
        const column = columnOf(columns, step.column);
        for (let i = 0; i < n; i++) column[i] = Math.log(f32((column[i] as number) + 1));
        break;
      }
      case "scale": {
        const column = columnOf(columns, step.column);
        const mean = f32(step.mean);
        const std = f32(step.std);
        for (let i = 0; i < n; i++) column[i] = f32((column[i] as number) - mean) / std;
        break;
      }
      case "clip": {
        const column = columnOf(columns, step.column);
        const min = f32(step.min);
        const max = f32(step.max);
        for (let i = 0; i < n; i++) column[i] = Math.min(Math.max(column[i] as number, min), max);
        break;
      }
      case "onehot": {
        const column = columnOf(columns, step.column);
        step.codes.forEach((code, k) => {
          const indicator = new Float32Array(n);
          for (let i = 0; i < n; i++) indicator[i] = column[i] === f32(code) ? 1 : 0;
          columns.set(step.outputs[k] as string, indicator);
        });
        break;
      }
      case "expression": {
        const column = new Float32Array(n);
        for (let i = 0; i < n; i++) column[i] = evaluate(step.expr, columns, i);
        columns.set(step.output, column);
        break;
      }
      default:
        return unreachable(step);
    }
  }

  const outputs = featurizer.outputs.map((name) => columnOf(columns, name));
  const rows = new Float32Array(n * outputs.length);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < outputs.length; j++)
      rows[i * outputs.length + j] = (outputs[j] as Float32Array)[i] as number;
  }
  return rows;
}
