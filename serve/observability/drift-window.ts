// Drift: the population stability index (PSI) of the last `size` live rows against the training distribution the
// manifest carries (per-feature bins from the data profile, and the distribution of training predictions).
//   PSI = Σ_bins (live − train) · ln(live / train), proportions floored at 1e-4 so empty bins stay finite.
// Numeric bin i holds values in (edges[i-1], edges[i]], the outer bins open-ended (see src/ml/data/profile.ts);
// categorical bins are the categories plus a last bin for unseen values. Missing values fall in no bin.
// The window is a ring of bin indices, so adding a row also retires the oldest one: O(features · log bins) per row.
import { referenceHistogram } from "../../src/artifact/drift-histograms.js";
import type { DriftReference, Manifest } from "../../src/artifact/manifest.js";
import { type DatasetDrift, detectDrift } from "../../src/drift/detect-drift.js";
import { binOf as binOfEdges, type ReferenceHistogram } from "../../src/drift/histogram.js";

const NO_BIN = 0xffff;
const MAX_ROWS_PER_REQUEST = 32;
const FLOOR = 1e-4;

interface Binning {
  name: string;
  reference: number[];
  /** Numeric edges, or the categorical codes mapped to bins. */
  edges: Float64Array | undefined;
  codes: Map<number, number> | undefined;
}

function binningFor(
  name: string,
  reference: DriftReference,
  codeOf: (category: string | number, index: number) => number,
): Binning {
  if (reference.edges)
    return {
      name,
      reference: reference.proportions,
      edges: Float64Array.from(reference.edges),
      codes: undefined,
    };
  const codes = new Map<number, number>();
  for (const [index, category] of (reference.categories ?? []).entries())
    codes.set(codeOf(category, index), index);
  return { name, reference: reference.proportions, edges: undefined, codes };
}

function binOf(binning: Binning, value: number): number {
  if (Number.isNaN(value)) return NO_BIN;
  if (binning.edges) return binOfEdges(binning.edges, value);
  return binning.codes?.get(value) ?? binning.reference.length - 1;
}

class Ring {
  private readonly bins: Uint16Array;
  private readonly counts: Int32Array[];
  private position = 0;
  filled = 0;

  constructor(
    private readonly size: number,
    private readonly binnings: Binning[],
  ) {
    this.bins = new Uint16Array(size * binnings.length).fill(NO_BIN);
    this.counts = binnings.map((binning) => new Int32Array(binning.reference.length));
  }

  push(values: ArrayLike<number>, offset: number): void {
    const width = this.binnings.length;
    const base = this.position * width;
    for (let j = 0; j < width; j++) {
      const counts = this.counts[j] as Int32Array;
      const old = this.bins[base + j] as number;
      if (old !== NO_BIN) counts[old] = (counts[old] as number) - 1;
      const bin = binOf(this.binnings[j] as Binning, values[offset + j] as number);
      this.bins[base + j] = bin;
      if (bin !== NO_BIN) counts[bin] = (counts[bin] as number) + 1;
    }
    this.position = (this.position + 1) % this.size;
    if (this.filled < this.size) this.filled++;
  }

  countsOf(j: number): Int32Array {
    return this.counts[j] as Int32Array;
  }

  psi(j: number): number {
    const counts = this.counts[j] as Int32Array;
    const reference = (this.binnings[j] as Binning).reference;
    let total = 0;
    for (const count of counts) total += count;
    if (total === 0) return 0;
    let psi = 0;
    for (let bin = 0; bin < counts.length; bin++) {
      const live = Math.max((counts[bin] as number) / total, FLOOR);
      const train = Math.max(reference[bin] ?? 0, FLOOR);
      psi += (live - train) * Math.log(live / train);
    }
    return psi;
  }
}

export class DriftWindow {
  readonly featureNames: string[];
  private readonly features: Ring;
  private readonly predictions: Ring;
  private readonly predictionValue = new Float64Array(1);
  private readonly references: ReferenceHistogram[];
  private observedRequests = 0;
  private cached: { observedRequests: number; drift: DatasetDrift } | undefined;

  constructor(manifest: Manifest, size: number) {
    const binnings = manifest.features.map((feature) => {
      const reference = manifest.drift.features[feature.name] ?? { proportions: [1] };
      // Categorical codes as the tensor carries them: the value for numeric categories, else the index.
      const numericCategories = (reference.categories ?? []).every((c) => typeof c === "number");
      const categories = feature.categories ?? [];
      return binningFor(feature.name, reference, (category, index) => {
        if (numericCategories) return category as number;
        const code = categories.indexOf(category);
        return code >= 0 ? code : -2 - index; // a reference category the schema lacks: no live value matches it
      });
    });
    this.featureNames = binnings.map((binning) => binning.name);
    this.references = manifest.features.map((feature) =>
      referenceHistogram(manifest.drift.features[feature.name] ?? { proportions: [1] }),
    );
    this.features = new Ring(size, binnings);
    // Predicted classes are observed as their index among the manifest's classes, whatever order the reference has.
    const classes = (manifest.target.classes ?? []).map(String);
    this.predictions = new Ring(size, [
      binningFor("prediction", manifest.drift.prediction, (category, index) => {
        const k = classes.indexOf(String(category));
        return k >= 0 ? k : -2 - index;
      }),
    ]);
  }

  /**
   * Adds a request's rows: the input tensor (rows × features) and the predictions (regression values, or class
   * indices). A large batch contributes an evenly spaced sample of at most `MAX_ROWS_PER_REQUEST` rows, which keeps
   * the distribution estimate unbiased and the cost per request bounded.
   */
  observe(tensor: Float32Array, predictions: ArrayLike<number>, rows: number): void {
    const width = this.featureNames.length;
    this.observedRequests++;
    const step = rows <= MAX_ROWS_PER_REQUEST ? 1 : rows / MAX_ROWS_PER_REQUEST;
    for (let at = 0; at < rows; at += step) {
      const i = Math.floor(at);
      this.features.push(tensor, i * width);
      this.predictionValue[0] = predictions[i] as number;
      this.predictions.push(this.predictionValue, 0);
    }
  }

  get rows(): number {
    return this.features.filled;
  }

  featurePsi(): Map<string, number> {
    return new Map(this.featureNames.map((name, j) => [name, this.features.psi(j)]));
  }

  /**
   * Per feature the drift test its type and the reference size call for (src/drift), corrected across features,
   * and the share of drifted features. Computed when asked (a scrape), once per change of the window.
   */
  featureDrift(): DatasetDrift {
    if (this.cached?.observedRequests === this.observedRequests) return this.cached.drift;
    const drift = detectDrift(
      this.featureNames.map((name, j) => ({
        name,
        reference: this.references[j] as ReferenceHistogram,
        live: this.features.countsOf(j),
      })),
    );
    this.cached = { observedRequests: this.observedRequests, drift };
    return drift;
  }

  predictionPsi(): number {
    return this.predictions.psi(0);
  }
}
