// The manifest's feature schema: the raw inputs in tensor order, with what training saw of each (range or
// categories) and whether the model accepts it missing.
import type { ManifestFeature } from "../artifact/manifest.js";
import type { Profile } from "../ml/data/profile.js";
import type { Featurizer } from "../ml/features/featurizer-spec.js";
import { nullableInputs } from "../ml/onnx/featurizer-analysis.js";
import { inputProfiles } from "../ml/onnx/parity-rows.js";

export function featureSchema(featurizer: Featurizer, profile: Profile): ManifestFeature[] {
  const columns = inputProfiles(featurizer, profile);
  const nullable = nullableInputs(featurizer);
  return featurizer.inputs.map((input, j) => {
    const column = columns[j] as Profile["features"][number];
    const entry: ManifestFeature = {
      name: input.name,
      kind: input.kind,
      dtype: column.dtype,
      nullable: nullable.has(input.name),
      ...(input.date ? { date: input.date } : {}),
    };
    if (input.kind === "categorical") {
      // The tensor code of a string category is its index in this list (encodeCategory), so it must be the
      // featurizer's list, in its order.
      entry.categories = input.categories ?? column.categories?.values ?? [];
    } else {
      if (column.min !== undefined) entry.min = column.min;
      if (column.max !== undefined) entry.max = column.max;
    }
    return entry;
  });
}
