// package/manifest.json: everything about a packaged model that is not the ONNX graph itself. Written by the
// package stage, copied into the registry, read by the server (which never imports training code: this module
// depends on zod alone). Parsed with this schema wherever it is read.
import { z } from "zod";
import { DateSourceSchema } from "./date-features.js";

export const MANIFEST_FORMAT = "tabula.manifest/v1";

const Label = z.union([z.string(), z.number()]);
const RawValue = z.union([z.number(), z.string(), z.null()]);

export const FeatureSchemaEntry = z
  .object({
    name: z.string(),
    kind: z.enum(["numeric", "categorical"]),
    dtype: z.enum(["float", "integer", "string"]),
    /** Range seen in training (numeric). */
    min: z.number().optional(),
    max: z.number().optional(),
    /** Categories seen in training (categorical); string categories travel in the tensor as their index here. */
    categories: z.array(Label).optional(),
    /** Whether the value may be missing (null): the model imputes it. */
    nullable: z.boolean(),
    /**
     * A number derived from a date field's text (date-features.ts): the request carries `date.column` as text and
     * the server derives this part into the tensor.
     */
    date: DateSourceSchema.optional(),
  })
  .strict();

export const DriftReferenceSchema = z
  .object({
    /** Numeric: interior bin edges (see ProfileSchema) and the training proportion per bin. */
    edges: z.array(z.number()).optional(),
    /** Categorical: the categories; an extra last bin holds unseen values. */
    categories: z.array(Label).optional(),
    proportions: z.array(z.number()),
    /** Training rows behind the proportions (drift tests are two-sample: the reference's own noise counts). */
    rows: z.number().int().optional(),
    /** Numeric: the training standard deviation, the unit of the Wasserstein distance. */
    std: z.number().optional(),
  })
  .strict();

export const GoldenRowSchema = z
  .object({
    features: z.record(z.string(), RawValue),
    /** Regression: the prediction. Classification: the label and the per-class probabilities. */
    expected: z.union([z.number(), z.object({ label: Label, probabilities: z.array(z.number()) }).strict()]),
  })
  .strict();

export const ManifestSchema = z
  .object({
    format: z.literal(MANIFEST_FORMAT),
    name: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/),
    /** Derived from the content hash of the artifact, so the same inputs give the same version. */
    version: z.string(),
    task: z.enum(["regression", "classification"]),
    onnx: z
      .object({
        file: z.string(),
        sha256: z.string(),
        input: z.object({
          name: z.string(),
          dtype: z.literal("float32"),
          shape: z.tuple([z.number(), z.number()]),
        }),
        /** ONNX output names: regression → prediction; classification → label and probabilities. */
        outputs: z.object({
          prediction: z.string().optional(),
          label: z.string().optional(),
          probabilities: z.string().optional(),
        }),
      })
      .strict(),
    /** Raw features in tensor order. */
    features: z.array(FeatureSchemaEntry).min(1),
    target: z
      .object({
        name: z.string(),
        classes: z.array(Label).optional(),
        mean: z.number().optional(),
        std: z.number().optional(),
      })
      .strict(),
    model: z
      .object({ type: z.string(), params: z.record(z.string(), z.unknown()), trees: z.number().int() })
      .strict(),
    metrics: z.record(z.string(), z.number()),
    testRows: z.number().int(),
    /** The evaluate stage's champion gate for this model; `tabula models promote` refuses `promote: false`. */
    gate: z.object({ promote: z.boolean(), reason: z.string() }).strict().optional(),
    /** Provenance: git revision and the content hash of every input the model came from. */
    lineage: z
      .object({ gitRev: z.string(), dataHash: z.string(), inputs: z.record(z.string(), z.string()) })
      .strict(),
    drift: z
      .object({ features: z.record(z.string(), DriftReferenceSchema), prediction: DriftReferenceSchema })
      .strict(),
    golden: z.array(GoldenRowSchema).min(1),
  })
  .strict();

export type Manifest = z.infer<typeof ManifestSchema>;
export type ManifestFeature = z.infer<typeof FeatureSchemaEntry>;
export type DriftReference = z.infer<typeof DriftReferenceSchema>;
export type GoldenRow = z.infer<typeof GoldenRowSchema>;
