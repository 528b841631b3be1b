// featurize: fit the transforms of features.* on the training split → data/features/featurizer.json.
import { loadPrepared } from "../src/ml/data/load.js";
import { ProfileSchema } from "../src/ml/data/profile.js";
import { MlFailure, unwrap } from "../src/ml/errors.js";
import { FeaturizerSchema } from "../src/ml/features/featurizer-spec.js";
import { fitFeaturizer } from "../src/ml/features/fit.js";
import { readJson, writeJsonAtomic } from "../src/ml/io.js";
import { MlParams } from "../src/ml/params.js";
import { PATHS } from "../src/ml/paths.js";
import { runStageIfMain } from "../src/ml/stage.js";

export function featurizeStage(): string {
  const params = unwrap(MlParams.read());
  const features = unwrap(params.features());
  const profile = unwrap(readJson(PATHS.profile, ProfileSchema));
  const train = unwrap(loadPrepared(PATHS.train, profile));
  const fitted = fitFeaturizer(train, profile, features);
  if (!fitted.ok)
    throw new MlFailure(params.file.error(["features", ...fitted.error.path], fitted.error.message));
  const featurizer = FeaturizerSchema.parse(fitted.value);
  writeJsonAtomic(PATHS.featurizer, featurizer);
  return `${featurizer.inputs.length} inputs → ${featurizer.outputs.length} model features in ${featurizer.steps.length} steps`;
}

await runStageIfMain(import.meta.url, "featurize", featurizeStage);
