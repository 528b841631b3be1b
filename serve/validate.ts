// The request validator, compiled once per model from the manifest's feature schema: it checks each value and
// writes it straight into the float32 input tensor, in the manifest's feature order, allocating nothing per value.
//
// Categorical features travel as numeric codes, by the model contract's rule (src/artifact/category-code.ts).

import { type CategoryCodes, categoryCodes } from "../src/artifact/category-code.js";
import { datePartReader, dateProblem } from "../src/artifact/date-features.js";
import type { ManifestFeature } from "../src/artifact/manifest.js";
import { unreachable } from "../src/result.js";
import { type ApiError, ApiFailure, type ErrorCode } from "./errors.js";

export interface InputPolicy {
  /** Values beyond [min - t·(max - min), max + t·(max - min)] are out of range. */
  rangeTolerance: number;
  outOfRange: "accept" | "reject";
  unseenCategory: "accept" | "reject";
}

export interface InputWarning {
  code: "out_of_range" | "unseen_category";
  field: string;
  row: number;
  /** The unseen category (the tensor only records it as a code). */
  value?: string | number;
}

export interface EncodedRows {
  tensor: Float32Array;
  rows: number;
  /** Accepted values worth a client's attention; undefined when there are none. */
  warnings: InputWarning[] | undefined;
}

enum Kind {
  Numeric = 0,
  NumericCategory = 1,
  StringCategory = 2,
}

interface FeaturePlan {
  name: string;
  kind: Kind;
  integer: boolean;
  nullable: boolean;
  low: number;
  high: number;
  min: number | undefined;
  max: number | undefined;
  codes: CategoryCodes;
  categories: readonly (string | number)[];
  /** The request field holding the value: the feature itself, or the date field a date part derives from. */
  field: string;
  /** Date parts: text → the part (NaN for an invalid date), the artifact's one derivation. */
  datePart: ((text: string) => number) | undefined;
  dateFormat: string | undefined;
}

const FLOAT32_MAX = 3.4028234663852886e38;

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string")
    return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === "object") return "an object";
  return `${typeof value} ${String(value)}`;
}

function listed(values: readonly (string | number)[], limit = 20): string {
  const shown = values.slice(0, limit).map(String).join(", ");
  return values.length > limit ? `${shown}, … (${values.length} in all)` : shown;
}

function failure(code: ErrorCode, message: string, field: string | undefined, row: number): ApiFailure {
  const error: ApiError = field === undefined ? { code, message, row } : { code, message, field, row };
  return new ApiFailure(error);
}

function plan(feature: ManifestFeature, policy: InputPolicy): FeaturePlan {
  const categories = feature.categories ?? [];
  const codes = categoryCodes(categories);
  const kind =
    feature.kind === "numeric" ? Kind.Numeric : codes.numeric ? Kind.NumericCategory : Kind.StringCategory;
  const span = feature.min !== undefined && feature.max !== undefined ? feature.max - feature.min : 0;
  return {
    name: feature.name,
    kind,
    integer: feature.dtype === "integer",
    nullable: feature.nullable,
    low: feature.min === undefined ? Number.NEGATIVE_INFINITY : feature.min - policy.rangeTolerance * span,
    high: feature.max === undefined ? Number.POSITIVE_INFINITY : feature.max + policy.rangeTolerance * span,
    min: feature.min,
    max: feature.max,
    codes,
    categories,
    field: feature.date?.column ?? feature.name,
    datePart: feature.date ? datePartReader(feature.date) : undefined,
    dateFormat: feature.date?.format,
  };
}

type RecordEncoder = (
  record: Record<string, unknown>,
  tensor: Float32Array,
  offset: number,
  row: number,
) => void;

/**
 * The per-row read of an object row, generated once per model: each field read by its own name (a property load V8
 * caches per site, where `record[plan.field]` in a loop is one site for every name), and a plain number within the
 * feature's accepted range (and float32's, an integer where the feature is one) written at once; anything else, and
 * every categorical or date feature, goes through `slow` (encodeValue: the same checks, warnings and errors in the
 * same order). Why: under 100-row bodies the generic loop was 4 % of the event loop's samples.
 */
function recordReader(
  plans: readonly FeaturePlan[],
  slow: (j: number, value: unknown, row: number) => number,
): RecordEncoder {
  const lines = plans.map((plan, j) => {
    const read = `v=record[${JSON.stringify(plan.field)}];`;
    if (plan.kind !== Kind.Numeric || plan.datePart) return `${read}tensor[offset+${j}]=slow(${j},v,row);`;
    const low = Math.max(plan.low, -FLOAT32_MAX);
    const high = Math.min(plan.high, FLOAT32_MAX);
    const integer = plan.integer ? "&&Number.isInteger(v)" : "";
    return `${read}tensor[offset+${j}]=typeof v==="number"&&v>=${low}&&v<=${high}${integer}?v:slow(${j},v,row);`;
  });
  const source = `"use strict";return function encodeRecord(record,tensor,offset,row){let v;\n${lines.join("\n")}\n};`;
  return new Function("slow", source)(slow) as RecordEncoder;
}

export class FeatureValidator {
  readonly width: number;
  readonly names: readonly string[];
  /** The fields a request row has: the feature names, with a date's parts as its one date field. */
  readonly fields: readonly string[];
  private readonly fieldSet: Set<string>;
  private readonly plans: FeaturePlan[];
  private readonly index: Map<string, number>;
  private readonly policy: InputPolicy;
  private warnings: InputWarning[] | undefined;
  /** Writes one row given as an object into the tensor (recordReader); throws ApiFailure. */
  private readonly encodeRecord: RecordEncoder;

  constructor(features: readonly ManifestFeature[], policy: InputPolicy) {
    this.policy = policy;
    this.plans = features.map((feature) => plan(feature, policy));
    this.width = features.length;
    this.names = features.map((feature) => feature.name);
    this.index = new Map(this.names.map((name, j) => [name, j]));
    this.fields = [...new Set(this.plans.map((plan) => plan.field))];
    this.fieldSet = new Set(this.fields);
    this.encodeRecord = recordReader(this.plans, (j, value, row) => {
      const plan = this.plans[j] as FeaturePlan;
      // JSON values are never functions: a function here is an inherited property such as `constructor`.
      if (value === undefined || typeof value === "function")
        throw failure("missing_feature", `feature "${plan.field}" is missing`, plan.field, row);
      return this.encodeValue(j, value, row);
    });
  }

  /** Index of a feature in tensor order, or -1. */
  featureIndex(name: string): number {
    return this.index.get(name) ?? -1;
  }

  /** Rows given as objects keyed by feature name, or as arrays in tensor order. Throws ApiFailure. */
  encodeRows(instances: readonly unknown[]): EncodedRows {
    const rows = instances.length;
    const width = this.width;
    const tensor = new Float32Array(rows * width);
    this.warnings = undefined;
    for (let row = 0; row < rows; row++) {
      const offset = row * width;
      let instance = instances[row];
      if (Array.isArray(instance) && this.fields.length !== width) instance = this.fieldRecord(instance, row);
      if (Array.isArray(instance)) {
        if (instance.length !== width)
          throw failure(
            "invalid_body",
            `row ${row} is an array of ${instance.length} values; the model takes ${width} (${listed(this.names)})`,
            undefined,
            row,
          );
        for (let j = 0; j < width; j++) tensor[offset + j] = this.encodeValue(j, instance[j], row);
      } else if (typeof instance === "object" && instance !== null) {
        const record = instance as Record<string, unknown>;
        this.encodeRecord(record, tensor, offset, row);
        let keys = 0;
        for (const _ in record) keys++;
        if (keys !== this.fields.length) this.throwUnknownKey(record, row);
      } else {
        throw failure(
          "invalid_body",
          `row ${row} must be an object of feature values or an array of ${width} values; got ${describe(instance)}`,
          undefined,
          row,
        );
      }
    }
    return { tensor, rows, warnings: this.takeWarnings() };
  }

  /** Starts collecting warnings for values encoded one by one with encodeValue (the OIP tensor paths). */
  beginValues(): void {
    this.warnings = undefined;
  }

  takeWarnings(): InputWarning[] | undefined {
    const warnings = this.warnings;
    this.warnings = undefined;
    return warnings;
  }

  /** The float32 code of one value of feature j; throws ApiFailure naming the field and row. */
  encodeValue(j: number, value: unknown, row: number): number {
    const plan = this.plans[j] as FeaturePlan;
    if (plan.datePart && typeof value === "string") return this.encodeDate(plan, value, row);
    if (typeof value === "number") {
      if (!(Math.abs(value) <= FLOAT32_MAX)) {
        throw failure(
          "not_finite",
          `feature "${plan.name}" must be a finite number within float32 range; got ${value}`,
          plan.name,
          row,
        );
      }
      switch (plan.kind) {
        case Kind.Numeric:
          if (plan.integer && !Number.isInteger(value))
            throw failure(
              "not_an_integer",
              `feature "${plan.name}" must be an integer; got ${value}`,
              plan.name,
              row,
            );
          if (value < plan.low || value > plan.high) this.outOfRange(plan, value, row);
          return value;
        case Kind.NumericCategory:
          if (plan.codes.seen(value) === undefined) this.unseen(plan, value, row);
          return value;
        case Kind.StringCategory:
          throw failure(
            "wrong_type",
            `feature "${plan.name}" takes one of the categories ${listed(plan.categories)}; got ${describe(value)}`,
            plan.name,
            row,
          );
        default:
          return unreachable(plan.kind);
      }
    }
    if (typeof value === "string" && plan.kind !== Kind.Numeric) {
      const code = plan.codes.seen(value);
      if (code !== undefined) return code;
      if (plan.kind === Kind.StringCategory) {
        this.unseen(plan, value, row);
        return -1;
      }
      if (value.trim() !== "" && Number.isFinite(Number(value))) {
        this.unseen(plan, value, row);
        return -1;
      }
    }
    if (value === null) {
      if (plan.nullable) return Number.NaN;
      throw failure(
        "null_not_allowed",
        `feature "${plan.name}" may not be null (the model was trained without missing values here)`,
        plan.name,
        row,
      );
    }
    const expected =
      plan.kind === Kind.StringCategory ? `one of the categories ${listed(plan.categories)}` : "a number";
    throw failure(
      "wrong_type",
      `feature "${plan.name}" must be ${expected}; got ${describe(value)}`,
      plan.name,
      row,
    );
  }

  /**
   * One value of feature j given as it travels in the tensor (Open Inference Protocol tensor input): categorical
   * features as their code, so string categories as their index, -1 for unseen, null for missing.
   */
  encodeCode(j: number, value: unknown, row: number): number {
    const plan = this.plans[j] as FeaturePlan;
    if (plan.kind !== Kind.StringCategory || typeof value !== "number")
      return this.encodeValue(j, value, row);
    if (Number.isInteger(value) && value >= -1 && value < plan.categories.length) {
      if (value === -1) this.unseen(plan, -1, row);
      return value;
    }
    throw failure(
      "wrong_type",
      `feature "${plan.name}" travels in the tensor as a category index from 0 to ${plan.categories.length - 1} (or -1 for unseen); got ${value}`,
      plan.name,
      row,
    );
  }

  private encodeDate(plan: FeaturePlan, text: string, row: number): number {
    const value = (plan.datePart as (text: string) => number)(text);
    if (Number.isNaN(value))
      throw failure(
        "invalid_date",
        `feature "${plan.field}": ${dateProblem(text, plan.dateFormat)}`,
        plan.field,
        row,
      );
    if (value < plan.low || value > plan.high) this.outOfRange(plan, value, row);
    return value;
  }

  /** A row given as an array of field values (in `fields` order) as the object it stands for. */
  private fieldRecord(values: unknown[], row: number): Record<string, unknown> {
    if (values.length !== this.fields.length)
      throw failure(
        "invalid_body",
        `row ${row} is an array of ${values.length} values; the model takes ${this.fields.length} (${listed(this.fields)})`,
        undefined,
        row,
      );
    const record: Record<string, unknown> = {};
    this.fields.forEach((field, i) => {
      record[field] = values[i];
    });
    return record;
  }

  private warn(warning: InputWarning): void {
    if (this.warnings) this.warnings.push(warning);
    else this.warnings = [warning];
  }

  private outOfRange(plan: FeaturePlan, value: number, row: number): void {
    if (this.policy.outOfRange === "reject")
      throw failure(
        "out_of_range",
        `feature "${plan.name}" = ${value} is far outside the training range [${plan.min}, ${plan.max}]`,
        plan.name,
        row,
      );
    this.warn({ code: "out_of_range", field: plan.name, row });
  }

  private unseen(plan: FeaturePlan, value: string | number, row: number): void {
    if (this.policy.unseenCategory === "reject")
      throw failure(
        "unseen_category",
        `feature "${plan.name}" has the category ${JSON.stringify(value)}, not seen in training (known: ${listed(plan.categories)})`,
        plan.name,
        row,
      );
    this.warn({ code: "unseen_category", field: plan.name, row, value });
  }

  private throwUnknownKey(record: Record<string, unknown>, row: number): never {
    for (const key of Object.keys(record)) {
      if (!this.fieldSet.has(key))
        throw failure(
          "unknown_feature",
          `unknown feature "${key.length > 60 ? `${key.slice(0, 60)}…` : key}"; the model takes: ${listed(this.fields)}`,
          key.slice(0, 200),
          row,
        );
    }
    // Only reachable with inherited enumerable keys; report the shape rather than guess.
    throw failure("invalid_body", `row ${row} has unexpected keys`, undefined, row);
  }
}
