// The model's drift reference as histograms the drift tests take, and the bin a raw request value falls in: the one
// reading of `manifest.drift` shared by the server's rolling window and `tabula monitor`.
import type { ReferenceHistogram } from "../drift/histogram.js";
import { binOf } from "../drift/histogram.js";
import { datePartReader } from "./date-features.js";
import type { DriftReference, Manifest, ManifestFeature } from "./manifest.js";

/** Used for manifests written before the reference carried its row count: treated as a large reference. */
const UNKNOWN_REFERENCE_ROWS = 10_000;

export interface FeatureHistogram {
  name: string;
  reference: ReferenceHistogram;
  /** The bin of a raw value as a client sends it (number, numeric text, category, date text); undefined: missing. */
  binOfRaw(features: Readonly<Record<string, unknown>>): number | undefined;
}

export function referenceHistogram(reference: DriftReference): ReferenceHistogram {
  const rows = reference.rows ?? UNKNOWN_REFERENCE_ROWS;
  if (reference.edges !== undefined)
    return {
      kind: "numeric",
      edges: reference.edges,
      proportions: reference.proportions,
      rows,
      ...(reference.std === undefined ? {} : { std: reference.std }),
    };
  return { kind: "categorical", proportions: reference.proportions, rows };
}

function numericValue(feature: ManifestFeature, raw: unknown): number {
  if (feature.date !== undefined) {
    if (typeof raw !== "string") return Number.NaN;
    try {
      return datePartReader(feature.date)(raw);
    } catch {
      return Number.NaN;
    }
  }
  if (typeof raw === "number") return raw;
  if (typeof raw === "string" && raw.trim() !== "") return Number(raw);
  return Number.NaN;
}

export function featureHistograms(manifest: Manifest): FeatureHistogram[] {
  return manifest.features.flatMap((feature): FeatureHistogram[] => {
    const drift = manifest.drift.features[feature.name];
    if (drift === undefined) return [];
    const reference = referenceHistogram(drift);
    const source = feature.date?.column ?? feature.name;
    if (reference.kind === "numeric") {
      const edges = reference.edges ?? [];
      return [
        {
          name: feature.name,
          reference,
          binOfRaw: (features) => {
            const value = numericValue(feature, features[source]);
            return Number.isNaN(value) ? undefined : binOf(edges, value);
          },
        },
      ];
    }
    const index = new Map((drift.categories ?? []).map((category, k) => [String(category), k]));
    const unseen = drift.proportions.length - 1;
    return [
      {
        name: feature.name,
        reference,
        binOfRaw: (features) => {
          const raw = features[source];
          if (raw === null || raw === undefined || raw === "") return undefined;
          return index.get(String(raw)) ?? unseen;
        },
      },
    ];
  });
}
