// What the package stage needs about the numeric inputs a `date` step derives: a profile of each part (ranges and
// drift bins, as prepare writes for the other columns) and the date texts of a split (golden rows carry the text a
// client sends, not the parts).
import type { Profile } from "../data/profile.js";
import { profileColumn } from "../data/profiling.js";
import { column, type Table } from "../data/table.js";
import type { Featurizer } from "./featurizer-spec.js";
import { rawMatrix } from "./training-set.js";

/** `profile` plus a numeric profile of every date-part input, computed on `train`. */
export function profileWithDateInputs(profile: Profile, featurizer: Featurizer, train: Table): Profile {
  const parts = featurizer.inputs.filter((input) => input.date);
  if (parts.length === 0) return profile;
  const matrix = rawMatrix(train, parts);
  const derived = parts.map((input, j) => {
    const values = new Float64Array(train.rows);
    for (let i = 0; i < train.rows; i++) values[i] = matrix[i * parts.length + j] as number;
    const integer =
      input.date?.part !== "days_since" || values.every((v) => Number.isNaN(v) || Number.isInteger(v));
    return profileColumn({ name: input.name, dtype: integer ? "integer" : "float", values }, false);
  });
  return { ...profile, features: [...profile.features, ...derived] };
}

/** The date texts of `table`, per date column the featurizer reads. */
export function dateTexts(table: Table, featurizer: Featurizer): Record<string, (string | null)[]> {
  const texts: Record<string, (string | null)[]> = {};
  for (const input of featurizer.inputs) {
    if (!input.date || input.date.column in texts) continue;
    const col = column(table, input.date.column);
    texts[input.date.column] = col.dtype === "string" ? [...col.values] : [];
  }
  return texts;
}
