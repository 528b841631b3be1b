// The API contract diff on its own: each kind of change, classed compatible or breaking, naming who breaks.
import { test } from "uvu";
import * as assert from "uvu/assert";
import {
  type ContractChange,
  type ContractPolicy,
  DEFAULT_POLICY,
  diffContract,
  formatContractDiff,
} from "../../src/artifact/contract-diff.js";
import type { Manifest, ManifestFeature } from "../../src/artifact/manifest.js";
import { packagedHandBuilt } from "../package/packaged.js";

const regression = (await packagedHandBuilt("regression", { seed: 1 })).manifest;
const classification = (await packagedHandBuilt("multiclass", { seed: 1 })).manifest;

function variant(
  base: Manifest,
  change: (features: ManifestFeature[], manifest: Manifest) => void,
): Manifest {
  const copy = structuredClone(base);
  copy.version = `${base.version}-changed`;
  change(copy.features, copy);
  return copy;
}

const summary = (changes: ContractChange[]) =>
  changes.map((change) => [change.kind, change.feature, change.breaking]);
const numeric = (features: ManifestFeature[]) =>
  features.find((feature) => feature.kind === "numeric") as ManifestFeature;
const categorical = (features: ManifestFeature[]) =>
  features.find((feature) => feature.kind === "categorical") as ManifestFeature;

test("the same manifest has the same contract", () => {
  const diff = diffContract(regression, regression);
  assert.equal([diff.changes, diff.breaking], [[], false]);
  assert.match(formatContractDiff(diff), /the API contract is the same/);
});

test("features added, removed and renamed are breaking; a rename is recognised by its unchanged schema", () => {
  const first = regression.features[0] as ManifestFeature;
  const renamed = diffContract(
    regression,
    variant(regression, (features) => {
      (features[0] as ManifestFeature).name = "renamed";
    }),
  );
  assert.equal(summary(renamed.changes), [["feature-renamed", "renamed", true]]);
  assert.match(
    renamed.changes[0]?.clients ?? "",
    new RegExp(`"${first.name}" is an unknown feature and "renamed" is missing`),
  );

  const removed = diffContract(
    regression,
    variant(regression, (features) => void features.splice(0, 1)),
  );
  assert.equal(summary(removed.changes), [["feature-removed", first.name, true]]);

  const added = diffContract(
    regression,
    variant(regression, (features) => {
      features.push({ name: "extra", kind: "numeric", dtype: "float", min: 0, max: 1, nullable: true });
    }),
  );
  assert.equal(summary(added.changes), [["feature-added", "extra", true]]);
  assert.match(
    added.changes[0]?.clients ?? "",
    /requests without "extra" are rejected \(400 missing_feature; send null if unknown\)/,
  );

  const moved = diffContract(
    regression,
    variant(regression, (features) => void features.reverse()),
  );
  assert.equal(summary(moved.changes), [["feature-moved", undefined, true]]);
});

test("types: integer → float is compatible, anything else breaks; nullable only breaks when taken away", () => {
  const name = numeric(regression.features).name;
  const retype = (dtype: ManifestFeature["dtype"]) =>
    diffContract(
      regression,
      variant(regression, (features) => {
        numeric(features).dtype = dtype;
      }),
    );
  const base = numeric(regression.features).dtype;
  if (base === "integer") assert.equal(summary(retype("float").changes), [["type-changed", name, false]]);
  else assert.equal(summary(retype("integer").changes), [["type-changed", name, true]]);
  assert.equal(summary(retype("string").changes), [["type-changed", name, true]]);

  const nullable = numeric(regression.features).nullable;
  const flipped = diffContract(
    regression,
    variant(regression, (features) => {
      numeric(features).nullable = !nullable;
    }),
  );
  assert.equal(summary(flipped.changes), [["nullable-changed", name, nullable]]);
});

const STRICT: ContractPolicy = { ...DEFAULT_POLICY, outOfRange: "reject", unseenCategory: "reject" };

test("categories: added is compatible, removed breaks where unseen ones are rejected; string categories reordered break positional clients", () => {
  const feature = categorical(regression.features);
  const categories = feature.categories ?? [];
  assert.ok(categories.length >= 2, "the hand-built model has a categorical feature with categories");
  const added = diffContract(
    regression,
    variant(regression, (features) => {
      categorical(features).categories = [...categories, typeof categories[0] === "number" ? 999 : "new"];
    }),
  );
  assert.equal(summary(added.changes), [["categories-added", feature.name, false]]);
  const fewer = variant(regression, (features) => {
    categorical(features).categories = categories.slice(1);
  });
  assert.equal(summary(diffContract(regression, fewer).changes)[0], [
    "categories-removed",
    feature.name,
    false,
  ]);
  assert.match(
    diffContract(regression, fewer).changes[0]?.detail ?? "",
    /breaking under SERVE_UNSEEN_CATEGORY=reject/,
  );
  assert.equal(summary(diffContract(regression, fewer, STRICT).changes)[0], [
    "categories-removed",
    feature.name,
    true,
  ]);
  const strings = variant(regression, (features) => {
    categorical(features).categories = ["a", "b", "c"];
    categorical(features).dtype = "string";
  });
  const reordered = diffContract(
    strings,
    variant(strings, (features) => {
      categorical(features).categories = ["b", "a", "c"];
    }),
  );
  assert.equal(summary(reordered.changes), [["categories-reordered", feature.name, true]]);
});

test("ranges: widened is compatible; narrowed breaks beyond the range tolerance where out-of-range is rejected", () => {
  const feature = numeric(regression.features);
  const { min = 0, max = 1 } = feature;
  const span = max - min;
  const range = (low: number, high: number, policy = STRICT) =>
    diffContract(
      regression,
      variant(regression, (features) => {
        numeric(features).min = low;
        numeric(features).max = high;
      }),
      policy,
    ).changes;
  assert.equal(summary(range(min - span, max + span)), [["range-widened", feature.name, false]]);
  assert.equal(summary(range(min + span * 0.1, max)), [["range-narrowed", feature.name, false]]);
  assert.match(range(min + span * 0.1, max)[0]?.detail ?? "", /within the server's range tolerance/);
  assert.equal(summary(range(min, min + span * 0.1)), [["range-narrowed", feature.name, true]]);
  assert.match(range(min, min + span * 0.1)[0]?.clients ?? "", /rejected \(400 out_of_range\)/);
  const warned = range(min, min + span * 0.1, DEFAULT_POLICY);
  assert.equal(summary(warned), [["range-narrowed", feature.name, false]]);
  assert.match(warned[0]?.detail ?? "", /a warning; breaking under SERVE_OUT_OF_RANGE=reject/);
});

test("output kind and class set", () => {
  const task = diffContract(
    regression,
    variant(regression, (_, manifest) => {
      manifest.task = "classification";
    }),
  );
  assert.equal(summary(task.changes), [["output-kind-changed", undefined, true]]);
  const classes = diffContract(
    classification,
    variant(classification, (_, manifest) => {
      manifest.target.classes = [...(manifest.target.classes ?? [])].reverse();
    }),
  );
  assert.equal(summary(classes.changes), [["classes-changed", undefined, true]]);
  assert.ok(classes.breaking);
  assert.match(
    formatContractDiff(classes),
    /1 contract change, 1 breaking\n {2}breaking {4}classes-changed: .*\n {14}breaks clients reading labels/,
  );
});

test.run();
