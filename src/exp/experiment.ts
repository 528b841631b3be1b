// An experiment: one pipeline run's params, metrics and inputs, recorded under .repro/experiments/ (git-ignored)
// by `tabula repro` (when it produced new metrics) and `tabula exp run`. Parsed with this schema when read back.
import { z } from "zod";

export const EXPERIMENT_FORMAT = "tabula.experiment/v1";

const Leaf = z.union([z.number(), z.string(), z.boolean(), z.null()]);

export const ExperimentSchema = z
  .object({
    format: z.literal(EXPERIMENT_FORMAT),
    /** 8 hex digits; commands accept any unique prefix. */
    id: z.string().regex(/^[0-9a-f]{8}$/),
    name: z.string().nullable(),
    source: z.enum(["repro", "exp run"]),
    /** When the run finished, ISO 8601 UTC. */
    time: z.string(),
    /** The git commit the workspace was at, and whether it had uncommitted changes (null outside git). */
    rev: z.object({ commit: z.string(), dirty: z.boolean() }).strict().nullable(),
    /** The stages the run brought up to date (with their upstream); empty: the whole pipeline. */
    targets: z.array(z.string()),
    /** The params set for this run (`--set-param`), as given. */
    overrides: z.record(z.string(), z.unknown()),
    /**
     * Every param the stages read, flattened to dotted keys (`tune.trials`; `other.yaml:key` for other files);
     * lists are single values.
     */
    params: z.record(z.string(), z.unknown()),
    /** Metrics file → dotted key → value. */
    metrics: z.record(z.string(), z.record(z.string(), Leaf)),
    /** Every dep of every stage → its content hash, from pipeline.lock. */
    deps: z.record(z.string(), z.string()),
    seconds: z.number(),
    stages: z.object({ ran: z.array(z.string()), restored: z.array(z.string()) }).strict(),
  })
  .strict();
export type Experiment = z.infer<typeof ExperimentSchema>;

/** A run waiting in the queue (`exp run --queue`), until `exp queue start` runs it. */
export const QueuedSchema = z
  .object({
    id: z.string().regex(/^[0-9a-f]{8}$/),
    name: z.string().nullable(),
    overrides: z.record(z.string(), z.unknown()),
    stages: z.array(z.string()),
    queuedAt: z.string(),
    /** Set when a run from the queue failed; the entry stays so the failure can be read and retried. */
    failed: z.string().optional(),
  })
  .strict();
export type Queued = z.infer<typeof QueuedSchema>;
