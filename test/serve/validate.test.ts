// The compiled validator on its own: the categorical encoding rule of docs/architecture.md, the policies for
// out-of-range values and unseen categories, and what errors name.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { ApiFailure } from "../../serve/errors.js";
import { FeatureValidator, type InputPolicy } from "../../serve/validate.js";
import { encodeCategory } from "../../src/artifact/category-code.js";
import type { ManifestFeature } from "../../src/artifact/manifest.js";

const features: ManifestFeature[] = [
  { name: "rooms", kind: "numeric", dtype: "float", min: 1, max: 9, nullable: false },
  { name: "floors", kind: "numeric", dtype: "integer", min: 1, max: 3, nullable: true },
  { name: "zone", kind: "categorical", dtype: "integer", categories: [1, 2, 5], nullable: false },
  { name: "style", kind: "categorical", dtype: "string", categories: ["loft", "villa"], nullable: true },
];
const accept: InputPolicy = { rangeTolerance: 0.5, outOfRange: "accept", unseenCategory: "accept" };
const strict: InputPolicy = { rangeTolerance: 0.5, outOfRange: "reject", unseenCategory: "reject" };
const good = { rooms: 4.5, floors: 2, zone: 5, style: "villa" };

function failureOf(run: () => unknown) {
  try {
    run();
  } catch (error) {
    assert.instance(error, ApiFailure);
    return (error as ApiFailure).error;
  }
  throw new Error("expected a failure");
}

test("rows become the float32 tensor in manifest order; objects and positional arrays agree", () => {
  const validator = new FeatureValidator(features, accept);
  const byName = validator.encodeRows([good, { ...good, floors: null, style: null }]);
  assert.equal(Array.from(byName.tensor), [4.5, 2, 5, 1, 4.5, Number.NaN, 5, Number.NaN]);
  assert.is(byName.warnings, undefined);
  const positional = validator.encodeRows([[4.5, 2, 5, "villa"]]);
  assert.equal(Array.from(positional.tensor), [4.5, 2, 5, 1]);
});

test("categorical codes follow encodeCategory (the model contract's rule, training's too) for seen and unseen values", () => {
  const validator = new FeatureValidator(features, accept);
  const cases: [number, unknown][] = [
    [2, 5],
    [2, 7],
    [2, "2"],
    [2, "9"],
    [3, "loft"],
    [3, "castle"],
  ];
  for (const [j, value] of cases) {
    const feature = features[j] as ManifestFeature;
    const row = { ...good, [feature.name]: value };
    const encoded = validator.encodeRows([row]).tensor[j];
    const expected = encodeCategory(feature, value as string | number);
    assert.is(encoded, expected, `${feature.name} = ${JSON.stringify(value)}`);
  }
});

test("unusual values are accepted with warnings, or refused under the strict policy", () => {
  const lenient = new FeatureValidator(features, accept);
  const encoded = lenient.encodeRows([{ ...good, rooms: 100, style: "castle" }, good]);
  assert.equal(encoded.warnings, [
    { code: "out_of_range", field: "rooms", row: 0 },
    { code: "unseen_category", field: "style", row: 0, value: "castle" },
  ]);
  assert.is(lenient.encodeRows([{ ...good, rooms: 12.9 }]).warnings, undefined, "within the tolerance band");
  const validator = new FeatureValidator(features, strict);
  assert.is(failureOf(() => validator.encodeRows([good, { ...good, rooms: 100 }])).code, "out_of_range");
  const unseen = failureOf(() => validator.encodeRows([{ ...good, zone: 3 }]));
  assert.equal([unseen.code, unseen.field, unseen.row], ["unseen_category", "zone", 0]);
  assert.match(unseen.message, /known: 1, 2, 5/);
});

test("errors name the field and the row and say what was expected", () => {
  const validator = new FeatureValidator(features, accept);
  const cases: [Record<string, unknown>, string, string, RegExp][] = [
    [{ ...good, floors: 1.5 }, "not_an_integer", "floors", /must be an integer; got 1.5/],
    [{ ...good, rooms: null }, "null_not_allowed", "rooms", /may not be null/],
    [{ ...good, rooms: true }, "wrong_type", "rooms", /must be a number; got boolean true/],
    [{ ...good, style: 1 }, "wrong_type", "style", /categories loft, villa/],
    [{ ...good, zone: "north" }, "wrong_type", "zone", /must be a number/],
    [{ ...good, rooms: 1e39 }, "not_finite", "rooms", /float32/],
    [{ rooms: 1, floors: 1, zone: 1 }, "missing_feature", "style", /"style" is missing/],
    [{ ...good, constructor: 1 }, "unknown_feature", "constructor", /unknown feature "constructor"/],
  ];
  for (const [row, code, field, message] of cases) {
    const error = failureOf(() => validator.encodeRows([good, row]));
    assert.equal([error.code, error.field, error.row], [code, field, 1], JSON.stringify(row));
    assert.match(error.message, message);
  }
  const inherited = failureOf(() =>
    validator.encodeRows([{ rooms: 1, floors: 1, zone: 1, style: "loft", toString: 1 }]),
  );
  assert.is(inherited.code, "unknown_feature");
  const missingInherited = failureOf(() => validator.encodeRows([{ rooms: 1, floors: 1, zone: 1 }]));
  assert.is(missingInherited.field, "style");
  assert.is(failureOf(() => validator.encodeRows([[1, 2]])).code, "invalid_body");
  assert.is(failureOf(() => validator.encodeRows(["row"])).code, "invalid_body");
});

test("object rows at the edges: the band's ends accepted silently, one step beyond warned; float32's limit without a range", () => {
  const validator = new FeatureValidator(features, accept);
  // rooms: [1, 9] with tolerance 0.5 → accepted silently within [-3, 13].
  const beyond = (x: number, up: boolean) => (up ? x + 2 ** -49 : x - 2 ** -49);
  const rows = [-3, 13, beyond(-3, false), beyond(13, true)].map((rooms) => ({ ...good, rooms }));
  const encoded = validator.encodeRows(rows);
  assert.equal(
    Array.from(encoded.tensor.filter((_, i) => i % 4 === 0)),
    rows.map((row) => Math.fround(row.rooms)),
  );
  assert.equal(encoded.warnings, [
    { code: "out_of_range", field: "rooms", row: 2 },
    { code: "out_of_range", field: "rooms", row: 3 },
  ]);
  const unbounded = new FeatureValidator(
    [{ name: "x", kind: "numeric", dtype: "float", nullable: true }],
    accept,
  );
  const limit = 3.4028234663852886e38;
  assert.equal(Array.from(unbounded.encodeRows([{ x: -limit }, { x: limit }, { x: null }]).tensor), [
    -limit,
    limit,
    Number.NaN,
  ]);
  assert.is(failureOf(() => unbounded.encodeRows([{ x: 2 * limit }])).code, "not_finite");
  assert.is(failureOf(() => unbounded.encodeRows([{ x: "1" }])).code, "wrong_type");
});

test("tensor codes (OIP tensor input): string categories as their index, -1 unseen", () => {
  const validator = new FeatureValidator(features, accept);
  validator.beginValues();
  assert.is(validator.encodeCode(3, 1, 0), 1);
  assert.is(validator.encodeCode(3, -1, 0), -1);
  assert.equal(validator.takeWarnings(), [{ code: "unseen_category", field: "style", row: 0, value: -1 }]);
  assert.is(failureOf(() => validator.encodeCode(3, 2, 4)).row, 4);
  assert.is(failureOf(() => validator.encodeCode(3, 0.5, 0)).code, "wrong_type");
  assert.is(validator.encodeCode(0, 3.25, 0), 3.25);
});

test.run();
