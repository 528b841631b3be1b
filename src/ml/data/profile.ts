// The data profile `prepare` writes from the training split: per-column statistics and histogram bins.
// The package stage copies its bins into the manifest as the drift reference, and its ranges into the
// feature schema; notebooks read it too.
import { z } from "zod";

export const PROFILE_FORMAT = "tabula.profile/v1";

export const ColumnProfileSchema = z
  .object({
    name: z.string(),
    /** date: text in the CSV (dtype string), turned into numbers by a `date` feature step. */
    kind: z.enum(["numeric", "categorical", "date"]),
    dtype: z.enum(["float", "integer", "string"]),
    /** Date columns: the text's format (absent: ISO 8601). */
    format: z.string().optional(),
    count: z.number().int(),
    missing: z.number().int(),
    /** Numeric columns. */
    min: z.number().optional(),
    max: z.number().optional(),
    mean: z.number().optional(),
    std: z.number().optional(),
    quantiles: z.record(z.string(), z.number()).optional(),
    /**
     * Numeric columns: histogram over the training values. `edges` are the interior cut points (k - 1 of them for
     * k bins, quantile-based, strictly increasing); bin i holds values in (edges[i-1], edges[i]], with the first and
     * last bins open-ended so live values outside the training range still land in a bin.
     */
    bins: z
      .object({ edges: z.array(z.number()), counts: z.array(z.number().int()) })
      .strict()
      .optional(),
    /** Categorical columns: the values seen, and how often. */
    categories: z
      .object({ values: z.array(z.union([z.string(), z.number()])), counts: z.array(z.number().int()) })
      .strict()
      .optional(),
  })
  .strict();

export const ProfileSchema = z
  .object({
    format: z.literal(PROFILE_FORMAT),
    rows: z.number().int(),
    /** With dataset.missing_target: drop, the rows prepare left out (before the split) for a missing target. */
    droppedMissingTarget: z.number().int().optional(),
    target: ColumnProfileSchema,
    features: z.array(ColumnProfileSchema),
  })
  .strict();

export type ColumnProfile = z.infer<typeof ColumnProfileSchema>;
export type Profile = z.infer<typeof ProfileSchema>;
