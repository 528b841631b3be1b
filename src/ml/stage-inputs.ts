// The inputs most stages share, read from the files between stages: a prepared split, featurized with the fitted
// featurizer, as a TrainingSet.
import { loadPrepared } from "./data/load.js";
import { type Profile, ProfileSchema } from "./data/profile.js";
import { ok, type Result } from "./errors.js";
import { type Featurizer, FeaturizerSchema } from "./features/featurizer-spec.js";
import { trainingSet } from "./features/training-set.js";
import { readJson } from "./io.js";
import type { Task, TrainingSet } from "./models/model-type.js";
import { PATHS } from "./paths.js";

export interface FeaturizedSplit {
  profile: Profile;
  featurizer: Featurizer;
  data: TrainingSet;
}

export function loadFeaturizedSplit(split: "train" | "test", task: Task): Result<FeaturizedSplit> {
  const profile = readJson(PATHS.profile, ProfileSchema);
  if (!profile.ok) return profile;
  const featurizer = readJson(PATHS.featurizer, FeaturizerSchema);
  if (!featurizer.ok) return featurizer;
  const path = split === "train" ? PATHS.train : PATHS.test;
  const table = loadPrepared(path, profile.value);
  if (!table.ok) return table;
  const data = trainingSet(table.value, featurizer.value, profile.value, task, path);
  if (!data.ok) return data;
  return ok({ profile: profile.value, featurizer: featurizer.value, data: data.value });
}
