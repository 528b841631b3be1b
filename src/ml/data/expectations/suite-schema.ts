// The expectations suite in params.yaml (`expectations:`, a list): checks on the raw data as a whole that prepare runs
// before splitting, in the spirit of Great Expectations / pandera / TFDV. Each entry is one check with a severity:
// `error` stops prepare, `warn` is reported.
import { z } from "zod";

const Severity = z.enum(["error", "warn"]).default("error");
const Name = z.string().min(1).optional();
const Bound = z.number().optional();
const Column = z.string().min(1);

const common = { severity: Severity, name: Name };

export const ExpectationSchema = z.union([
  z.object({ row_count: z.object({ min: Bound, max: Bound }).strict(), ...common }).strict(),
  /** A column, or a key of several columns, whose values never repeat. */
  z.object({ unique: z.union([Column, z.array(Column).min(1)]), ...common }).strict(),
  z
    .object({
      max_missing: z.object({ column: Column, fraction: z.number().min(0).max(1) }).strict(),
      ...common,
    })
    .strict(),
  /** At least `min_fraction` of the non-missing values are in `values` (value-set coverage). */
  z
    .object({
      values_in: z
        .object({
          column: Column,
          values: z.array(z.union([z.string(), z.number()])).min(1),
          min_fraction: z.number().min(0).max(1).default(1),
        })
        .strict(),
      ...common,
    })
    .strict(),
  z.object({ mean: z.object({ column: Column, min: Bound, max: Bound }).strict(), ...common }).strict(),
  z.object({ std: z.object({ column: Column, min: Bound, max: Bound }).strict(), ...common }).strict(),
  z
    .object({
      quantile: z.object({ column: Column, q: z.number().min(0).max(1), min: Bound, max: Bound }).strict(),
      ...common,
    })
    .strict(),
  /** A condition every row (or `min_fraction` of rows) meets: `Displacement > 0 or Cylinders == 0`. */
  z
    .object({ rule: z.string().min(1), min_fraction: z.number().min(0).max(1).default(1), ...common })
    .strict(),
  /**
   * The raw data against the last accepted training profile (the committed data/prepared/profile.json), each column
   * with the drift test its type calls for: passes while at most `max_drifted_share` of the columns drift.
   */
  z
    .object({
      drift: z
        .object({
          columns: z.array(Column).optional(),
          max_drifted_share: z.number().min(0).max(1).default(0),
          /**
           * The accepted profile, committed (copy data/prepared/profile.json there when new data is accepted).
           * Default: the previous data/prepared/profile.json, which exists only when prepare runs outside the
           * engine (`npm run repro` clears a stage's outputs before running it).
           */
          reference: z.string().min(1).optional(),
        })
        .strict(),
      ...common,
    })
    .strict(),
]);

export const SuiteSchema = z.array(ExpectationSchema).default([]);

export type Expectation = z.infer<typeof ExpectationSchema>;
export type Suite = z.infer<typeof SuiteSchema>;
