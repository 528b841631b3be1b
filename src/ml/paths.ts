// Where the ML stages read and write, relative to the project root (pipeline.yaml lists the same paths).
export const PATHS = {
  train: "data/prepared/train.csv",
  test: "data/prepared/test.csv",
  profile: "data/prepared/profile.json",
  dataChecks: "metrics/data-checks.json",
  dataChecksPage: "metrics/data-checks.html",
  featurizer: "data/features/featurizer.json",
  tune: "metrics/tune.json",
  tuneTrials: "metrics/tune-trials.json",
  model: "data/model/trees.json",
  evaluate: "metrics/evaluate.json",
  plots: "metrics/plots",
} as const;
