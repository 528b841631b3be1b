// The model's API contract, compared between two versions: what a client sends (the feature schema) and what it
// reads back (the output kind and the class set). Each change is classed as compatible (every request that worked
// still works and means the same) or breaking, with who breaks and how. `tabula models diff` prints it, `models
// promote` refuses a breaking change against production without --force, and the server's hot reload refuses a
// breaking alias change unless SERVE_ALLOW_BREAKING=true.
import type { Manifest, ManifestFeature } from "./manifest.js";

export type ContractChangeKind =
  | "feature-added"
  | "feature-removed"
  | "feature-renamed"
  | "feature-moved"
  | "type-changed"
  | "nullable-changed"
  | "categories-added"
  | "categories-removed"
  | "categories-reordered"
  | "range-widened"
  | "range-narrowed"
  | "output-kind-changed"
  | "classes-changed";

export interface ContractChange {
  kind: ContractChangeKind;
  /** The feature it is about (the new name for a rename). */
  feature?: string;
  breaking: boolean;
  /** What changed, in a client's words. */
  detail: string;
  /** Breaking changes: which clients break and how. */
  clients?: string;
}

export interface ContractDiff {
  from: string;
  to: string;
  changes: ContractChange[];
  breaking: boolean;
}

type Category = string | number;

/**
 * What the server does with unusual inputs (SERVE_RANGE_TOLERANCE, SERVE_OUT_OF_RANGE, SERVE_UNSEEN_CATEGORY): a
 * narrowed range or a removed category only breaks clients where such values are rejected rather than warned about.
 */
export interface ContractPolicy {
  /** How far outside [min, max] a value may be, as a share of max − min, before it is out of range. */
  rangeTolerance: number;
  outOfRange: "accept" | "reject";
  unseenCategory: "accept" | "reject";
}

/** The server's defaults. */
export const DEFAULT_POLICY: ContractPolicy = {
  rangeTolerance: 0.5,
  outOfRange: "accept",
  unseenCategory: "accept",
};

const OBJECT_CLIENTS = "clients sending rows as objects";
const POSITIONAL_CLIENTS = "clients sending rows as arrays or Open Inference Protocol tensors (by position)";

function listed(values: readonly Category[]): string {
  return values.map((value) => JSON.stringify(value)).join(", ");
}

/** Everything of a feature but its name, to recognise a rename. */
function shape(feature: ManifestFeature): string {
  const { name: _, ...rest } = feature;
  return JSON.stringify(rest, Object.keys(rest).sort());
}

function typeOf(feature: ManifestFeature): string {
  return `${feature.kind} ${feature.dtype}`;
}

function compareFeature(
  before: ManifestFeature,
  after: ManifestFeature,
  policy: ContractPolicy,
  changes: ContractChange[],
): void {
  const feature = after.name;
  if (before.kind !== after.kind || before.dtype !== after.dtype) {
    // An integer column that now takes any number accepts every request it did before.
    const widened = before.kind === after.kind && before.dtype === "integer" && after.dtype === "float";
    changes.push({
      kind: "type-changed",
      feature,
      breaking: !widened,
      detail: `"${feature}" was ${typeOf(before)}, is ${typeOf(after)}`,
      ...(widened
        ? {}
        : {
            clients: `every client: values of "${feature}" valid as ${typeOf(before)} are rejected or mean something else`,
          }),
    });
    return;
  }
  if (before.nullable !== after.nullable)
    changes.push({
      kind: "nullable-changed",
      feature,
      breaking: before.nullable,
      detail: `"${feature}" ${after.nullable ? "may now be null" : "may no longer be null"}`,
      ...(before.nullable
        ? { clients: `clients sending null for "${feature}": rejected (400 null_not_allowed)` }
        : {}),
    });
  compareCategories(feature, before.categories ?? [], after.categories ?? [], policy, changes);
  compareRange(before, after, policy, changes);
}

function compareCategories(
  feature: string,
  before: readonly Category[],
  after: readonly Category[],
  policy: ContractPolicy,
  changes: ContractChange[],
): void {
  const had = new Set(before.map(String));
  const has = new Set(after.map(String));
  const added = after.filter((category) => !had.has(String(category)));
  const removed = before.filter((category) => !has.has(String(category)));
  if (added.length > 0)
    changes.push({
      kind: "categories-added",
      feature,
      breaking: false,
      detail: `"${feature}" has new categories ${listed(added)}`,
    });
  if (removed.length > 0)
    changes.push({
      kind: "categories-removed",
      feature,
      breaking: policy.unseenCategory === "reject",
      detail: `"${feature}" no longer has the categories ${listed(removed)}${policy.unseenCategory === "reject" ? "" : " (sent anyway, they are unseen: a warning; breaking under SERVE_UNSEEN_CATEGORY=reject)"}`,
      ...(policy.unseenCategory === "reject"
        ? { clients: `clients sending them for "${feature}": rejected (400 unseen_category)` }
        : {}),
    });
  const stringCodes = !before.every((category) => typeof category === "number");
  // A string category travels as its index, so a kept category at another index changes its code.
  const index = (list: readonly Category[], category: Category) =>
    list.findIndex((candidate) => String(candidate) === String(category));
  const moved = before.some((category, i) => has.has(String(category)) && index(after, category) !== i);
  if (stringCodes && moved)
    changes.push({
      kind: "categories-reordered",
      feature,
      breaking: true,
      detail: `"${feature}"'s categories have new indices (${listed(after)})`,
      clients: `Open Inference Protocol clients sending "${feature}" as a category index: the same index is another category`,
    });
}

function compareRange(
  before: ManifestFeature,
  after: ManifestFeature,
  policy: ContractPolicy,
  changes: ContractChange[],
): void {
  if (
    before.min === undefined ||
    before.max === undefined ||
    after.min === undefined ||
    after.max === undefined
  )
    return;
  if (before.min === after.min && before.max === after.max) return;
  const range = (feature: ManifestFeature) => `[${feature.min}, ${feature.max}]`;
  const narrowed = after.min > before.min || after.max < before.max;
  // Values of the old training range beyond the server's tolerance around the new one are now out of range.
  const slack = policy.rangeTolerance * (after.max - after.min);
  const outOfRange = before.min < after.min - slack || before.max > after.max + slack;
  const breaking = outOfRange && policy.outOfRange === "reject";
  const note = !narrowed
    ? ""
    : !outOfRange
      ? " (within the server's range tolerance)"
      : breaking
        ? ""
        : " (some values of the old range are now out of range: a warning; breaking under SERVE_OUT_OF_RANGE=reject)";
  changes.push({
    kind: narrowed ? "range-narrowed" : "range-widened",
    feature: after.name,
    breaking,
    detail: `"${after.name}"'s training range was ${range(before)}, is ${range(after)}${note}`,
    ...(breaking
      ? {
          clients: `clients sending "${after.name}" values of ${range(before)} far outside ${range(after)}: rejected (400 out_of_range)`,
        }
      : {}),
  });
}

function compareFeatures(
  before: readonly ManifestFeature[],
  after: readonly ManifestFeature[],
  policy: ContractPolicy,
  changes: ContractChange[],
) {
  const afterByName = new Map(after.map((feature) => [feature.name, feature]));
  const beforeByName = new Map(before.map((feature) => [feature.name, feature]));
  const removed = before.filter((feature) => !afterByName.has(feature.name));
  const added = after.filter((feature) => !beforeByName.has(feature.name));
  for (const old of removed) {
    const renamed = added.find((feature) => shape(feature) === shape(old));
    if (renamed) {
      added.splice(added.indexOf(renamed), 1);
      changes.push({
        kind: "feature-renamed",
        feature: renamed.name,
        breaking: true,
        detail: `"${old.name}" is now called "${renamed.name}"`,
        clients: `${OBJECT_CLIENTS}: "${old.name}" is an unknown feature and "${renamed.name}" is missing (400)`,
      });
      continue;
    }
    changes.push({
      kind: "feature-removed",
      feature: old.name,
      breaking: true,
      detail: `"${old.name}" (${typeOf(old)}) is no longer an input`,
      clients: `${OBJECT_CLIENTS}: "${old.name}" is an unknown feature (400 unknown_feature); ${POSITIONAL_CLIENTS}: one value too many`,
    });
  }
  for (const feature of added)
    changes.push({
      kind: "feature-added",
      feature: feature.name,
      breaking: true,
      detail: `"${feature.name}" (${typeOf(feature)}${feature.nullable ? ", nullable" : ""}) is a new input`,
      clients: `every client: requests without "${feature.name}" are rejected (400 missing_feature${feature.nullable ? "; send null if unknown" : ""})`,
    });
  for (const feature of after) {
    const old = beforeByName.get(feature.name);
    if (old) compareFeature(old, feature, policy, changes);
  }
  const common = after.map((feature) => feature.name).filter((name) => beforeByName.has(name));
  const oldOrder = before.map((feature) => feature.name).filter((name) => afterByName.has(name));
  if (common.join("\u0000") !== oldOrder.join("\u0000"))
    changes.push({
      kind: "feature-moved",
      breaking: true,
      detail: `the features are in another order (${common.join(", ")})`,
      clients: `${POSITIONAL_CLIENTS}: values go to the wrong features`,
    });
}

/** The contract changes from `before` to `after` (e.g. production and a candidate), for a server with `policy`. */
export function diffContract(before: Manifest, after: Manifest, policy = DEFAULT_POLICY): ContractDiff {
  const changes: ContractChange[] = [];
  if (before.task !== after.task)
    changes.push({
      kind: "output-kind-changed",
      breaking: true,
      detail: `the model was a ${before.task} model, is a ${after.task} model`,
      clients: `every client: the response holds ${after.task === "regression" ? "a number instead of a label and probabilities" : "a label and probabilities instead of a number"}`,
    });
  compareFeatures(before.features, after.features, policy, changes);
  if (before.task === "classification" && after.task === "classification") {
    const was = before.target.classes ?? [];
    const is = after.target.classes ?? [];
    if (was.map(String).join("\u0000") !== is.map(String).join("\u0000"))
      changes.push({
        kind: "classes-changed",
        breaking: true,
        detail: `the classes were ${listed(was)}, are ${listed(is)}`,
        clients: "clients reading labels or probabilities: other labels, or probability k of another class",
      });
  }
  return {
    from: `${before.name} ${before.version}`,
    to: `${after.name} ${after.version}`,
    changes,
    breaking: changes.some((change) => change.breaking),
  };
}

/** The diff as lines a person reads: one per change, breaking ones with who breaks. */
export function formatContractDiff(diff: ContractDiff): string {
  if (diff.changes.length === 0) return `${diff.from} → ${diff.to}: the API contract is the same\n`;
  const breaking = diff.changes.filter((change) => change.breaking).length;
  const lines = [
    `${diff.from} → ${diff.to}: ${diff.changes.length} contract change${diff.changes.length === 1 ? "" : "s"}, ${breaking} breaking`,
  ];
  for (const change of diff.changes) {
    lines.push(`  ${change.breaking ? "breaking  " : "compatible"}  ${change.kind}: ${change.detail}`);
    if (change.clients) lines.push(`              breaks ${change.clients}`);
  }
  return `${lines.join("\n")}\n`;
}
