// The rows the parity check runs besides the test set: rows drawn inside the training profile's ranges (seeded), and
// edge rows where float32 inference is most likely to part from training: values exactly on (and one float32 step
// past) the trees' split thresholds mapped back to raw inputs, missing values where the featurizer imputes, unseen
// categories, and each range's extremes.
import { encodeCategory } from "../../artifact/category-code.js";
import type { ColumnProfile, Profile } from "../data/profile.js";
import { applyFeaturizer, type Featurizer, type RawFeature } from "../features/featurizer-spec.js";
import { leftChild, type TreeEnsemble } from "../models/tree-ensemble.js";
import { createRandom, type Random, weightedIndex } from "../random.js";
import { columnOrigins, nullableInputs } from "./featurizer-analysis.js";

export interface RowSet {
  name: string;
  /** Raw rows, row-major float32, rows × featurizer inputs. */
  raw: Float32Array;
  rows: number;
  /** Why each row is there (edge rows). */
  notes?: string[];
}

const f32 = Math.fround;

/** The profile of each raw input, in the featurizer's order; throws naming the first input the profile lacks. */
export function inputProfiles(featurizer: Featurizer, profile: Profile): ColumnProfile[] {
  return featurizer.inputs.map((input) => {
    const column = profile.features.find((candidate) => candidate.name === input.name);
    if (!column)
      throw new Error(`the data profile has no column "${input.name}", which the featurizer reads`);
    return column;
  });
}

/** The numeric codes of a categorical input's training categories, and their training counts. */
function categoryCodes(input: RawFeature, column: ColumnProfile): { codes: number[]; counts: number[] } {
  const values = column.categories?.values ?? input.categories ?? [];
  const counts = column.categories?.counts ?? values.map(() => 1);
  return { codes: values.map((value) => encodeCategory(input, value)), counts };
}

function unseenCode(input: RawFeature, codes: number[]): number {
  const numeric = (input.categories ?? []).every((category) => typeof category === "number");
  return numeric ? Math.max(0, ...codes.filter(Number.isFinite)) + 1 : -1;
}

function sampleNumeric(random: Random, column: ColumnProfile): number {
  const min = column.min ?? 0;
  const max = column.max ?? min;
  let value: number;
  const bins = column.bins;
  if (bins && bins.counts.length > 0 && random.next() < 0.5) {
    // Dense where the training data was: a bin drawn by its count, then a value inside it.
    const bin = weightedIndex(random, bins.counts);
    const low = bin === 0 ? min : Math.max(min, bins.edges[bin - 1] as number);
    const high = bin === bins.counts.length - 1 ? max : Math.min(max, bins.edges[bin] as number);
    value = low + random.next() * (high - low);
  } else {
    value = min + random.next() * (max - min);
  }
  if (column.dtype === "integer") value = Math.round(value);
  return f32(value);
}

/** `count` rows drawn inside the profile's ranges: numeric values uniform or by bin, categories by frequency. */
export function sampleRows(featurizer: Featurizer, profile: Profile, count: number, seed: number): RowSet {
  const columns = inputProfiles(featurizer, profile);
  const nullable = nullableInputs(featurizer);
  const width = featurizer.inputs.length;
  const random = createRandom(seed);
  const raw = new Float32Array(count * width);
  const categorical = featurizer.inputs.map((input, j) =>
    input.kind === "categorical" ? categoryCodes(input, columns[j] as ColumnProfile) : undefined,
  );
  for (let i = 0; i < count; i++) {
    featurizer.inputs.forEach((input, j) => {
      const column = columns[j] as ColumnProfile;
      const categories = categorical[j];
      let value: number;
      if (nullable.has(input.name) && random.next() < 0.05) value = Number.NaN;
      else if (categories) {
        value =
          random.next() < 0.03
            ? unseenCode(input, categories.codes)
            : (categories.codes[weightedIndex(random, categories.counts)] as number);
      } else value = sampleNumeric(random, column);
      raw[i * width + j] = value;
    });
  }
  return { name: "sampled", raw, rows: count };
}

// Float32 values in order, as integers: adjacent keys are adjacent float32 values (+0 and -0 share key 0).
const scratch = new DataView(new ArrayBuffer(4));
function floatKey(value: number): number {
  scratch.setFloat32(0, value);
  const bits = scratch.getInt32(0);
  return bits >= 0 ? bits : -(bits & 0x7fffffff);
}
function keyFloat(key: number): number {
  scratch.setInt32(0, key >= 0 ? key : -key | 0x80000000);
  return scratch.getFloat32(0);
}

interface ThresholdTarget {
  output: number;
  input: number;
  threshold: number;
  /** The base row that reaches this split (so the row is decided by it). */
  row: number;
}

/**
 * One target per split on a model column computed from one numeric raw input, paired with a base row that reaches
 * that split (splits no base row reaches are skipped); at most `limit`, spread evenly over the ensemble.
 */
function thresholdTargets(
  featurizer: Featurizer,
  ensemble: TreeEnsemble,
  pool: RowSet,
  limit: number,
): ThresholdTarget[] {
  const origins = columnOrigins(featurizer);
  const inputIndex = new Map(featurizer.inputs.map((input, j) => [input.name, j]));
  const rawInput = featurizer.outputs.map((name) => {
    const origin = origins.get(name);
    if (!origin || origin.indicator || origin.inputs.size !== 1) return -1;
    const input = inputIndex.get([...origin.inputs][0] as string) as number;
    return featurizer.inputs[input]?.kind === "numeric" ? input : -1;
  });
  const model = applyFeaturizer(featurizer, pool.raw);
  const width = featurizer.outputs.length;
  const targets: ThresholdTarget[] = [];
  const seen = new Set<string>();
  for (const tree of ensemble.trees) {
    // Read once: a forest's trees make their thresholds and right children anew on every read (Tree.threshold).
    const thresholds = tree.threshold;
    const right = tree.right;
    const reachedBy = new Int32Array(tree.feature.length).fill(-1);
    for (let row = 0; row < pool.rows; row++) {
      for (let node = 0; (tree.feature[node] as number) >= 0; ) {
        if ((reachedBy[node] as number) < 0) reachedBy[node] = row;
        const value = model[row * width + (tree.feature[node] as number)] as number;
        node = value <= (thresholds[node] as number) ? leftChild(tree, node) : (right[node] as number);
      }
    }
    tree.feature.forEach((output, node) => {
      const row = reachedBy[node] as number;
      if (output < 0 || row < 0 || (rawInput[output] as number) < 0) return;
      const threshold = thresholds[node] as number;
      const key = `${output}:${threshold}:${row}`;
      if (seen.has(key)) return;
      seen.add(key);
      targets.push({ output, input: rawInput[output] as number, threshold, row });
    });
  }
  if (targets.length <= limit) return targets;
  return Array.from(
    { length: limit },
    (_, i) => targets[Math.floor((i * targets.length) / limit)] as ThresholdTarget,
  );
}

/**
 * For each split t on a model column computed from one raw input x = f(raw), the two adjacent float32 raw values
 * around the boundary of f(raw) <= t (found by bisection over float32 values, batched through applyFeaturizer
 * itself, so no inverse transform is written by hand): when f is invertible at t, one of them reproduces t exactly.
 */
function thresholdRows(
  featurizer: Featurizer,
  targets: ThresholdTarget[],
  columns: ColumnProfile[],
  pool: RowSet,
): { rows: Float32Array[]; notes: string[] } {
  const width = featurizer.inputs.length;
  const modelWidth = featurizer.outputs.length;
  const base = (target: ThresholdTarget) => pool.raw.subarray(target.row * width, (target.row + 1) * width);
  const evaluate = (values: number[]): Float32Array => {
    const raw = new Float32Array(targets.length * width);
    targets.forEach((target, i) => {
      raw.set(base(target), i * width);
      raw[i * width + target.input] = values[i] as number;
    });
    const model = applyFeaturizer(featurizer, raw);
    return Float32Array.from(targets, (target, i) => model[i * modelWidth + target.output] as number);
  };
  const low = targets.map((target) => floatKey(f32(columns[target.input]?.min ?? 0)));
  const high = targets.map((target) => floatKey(f32(columns[target.input]?.max ?? 0)));
  const below = (values: Float32Array, i: number) =>
    (values[i] as number) <= (targets[i] as ThresholdTarget).threshold;
  const lowValues = evaluate(low.map(keyFloat));
  const highValues = evaluate(high.map(keyFloat));
  const active = targets.map((_, i) => below(lowValues, i) !== below(highValues, i));
  const lowSide = targets.map((_, i) => below(lowValues, i));
  for (let step = 0; step < 34; step++) {
    const middle = low.map((key, i) => Math.floor((key + (high[i] as number)) / 2));
    const values = evaluate(middle.map(keyFloat));
    targets.forEach((_, i) => {
      if (!active[i] || (high[i] as number) - (low[i] as number) <= 1) return;
      if (below(values, i) === lowSide[i]) low[i] = middle[i] as number;
      else high[i] = middle[i] as number;
    });
  }
  const rows: Float32Array[] = [];
  const notes: string[] = [];
  targets.forEach((target, i) => {
    if (!active[i]) return;
    const name = featurizer.inputs[target.input]?.name;
    const column = featurizer.outputs[target.output];
    for (const key of [low[i] as number, high[i] as number]) {
      const row = Float32Array.from(base(target));
      row[target.input] = keyFloat(key);
      rows.push(row);
      notes.push(`${name} = ${keyFloat(key)} at the split ${column} <= ${target.threshold}`);
    }
  });
  return { rows, notes };
}

/**
 * Edge rows (see the header), each built on a row of `pool` (e.g. the test set and some sampled rows) so that it is
 * otherwise realistic and, for a split, reaches that split.
 */
export function edgeRows(
  featurizer: Featurizer,
  ensemble: TreeEnsemble,
  profile: Profile,
  pool: RowSet,
  thresholdLimit = 4000,
): RowSet {
  const columns = inputProfiles(featurizer, profile);
  const nullable = nullableInputs(featurizer);
  const width = featurizer.inputs.length;
  if (pool.rows === 0) throw new Error("edge rows need at least one base row");
  const base = (i: number) => pool.raw.subarray((i % pool.rows) * width, ((i % pool.rows) + 1) * width);
  const rows: Float32Array[] = [];
  const notes: string[] = [];
  const add = (i: number, changes: [number, number][], note: string) => {
    const row = Float32Array.from(base(i));
    for (const [j, value] of changes) row[j] = value;
    rows.push(row);
    notes.push(note);
  };

  featurizer.inputs.forEach((input, j) => {
    const column = columns[j] as ColumnProfile;
    if (input.kind === "categorical") {
      const { codes } = categoryCodes(input, column);
      codes.forEach((code, k) => {
        add(j + k, [[j, code]], `${input.name}: category code ${code}`);
      });
      add(j, [[j, unseenCode(input, codes)]], `${input.name}: an unseen category`);
    } else {
      add(j, [[j, f32(column.min ?? 0)]], `${input.name} at its training minimum`);
      add(j + 1, [[j, f32(column.max ?? 0)]], `${input.name} at its training maximum`);
    }
    if (nullable.has(input.name)) add(j + 2, [[j, Number.NaN]], `${input.name} missing`);
  });
  const missing = featurizer.inputs.flatMap((input, j) => (nullable.has(input.name) ? [j] : []));
  if (missing.length > 1)
    add(
      0,
      missing.map((j) => [j, Number.NaN]),
      "every nullable input missing",
    );

  const targets = thresholdTargets(featurizer, ensemble, pool, thresholdLimit);
  const thresholds = thresholdRows(featurizer, targets, columns, pool);
  rows.push(...thresholds.rows);
  notes.push(...thresholds.notes);

  const raw = new Float32Array(rows.length * width);
  rows.forEach((row, i) => {
    raw.set(row, i * width);
  });
  return { name: "edge", raw, rows: rows.length, notes };
}

/** The first `limit` rows of `sets`, one after the other: a pool of base rows for `edgeRows`. */
export function rowPool(sets: RowSet[], width: number, limit: number): RowSet {
  const parts: Float32Array[] = [];
  let rows = 0;
  for (const set of sets) {
    const take = Math.min(set.rows, limit - rows);
    if (take <= 0) break;
    parts.push(set.raw.subarray(0, take * width));
    rows += take;
  }
  const raw = new Float32Array(rows * width);
  let offset = 0;
  for (const part of parts) {
    raw.set(part, offset);
    offset += part.length;
  }
  return { name: "pool", raw, rows };
}
