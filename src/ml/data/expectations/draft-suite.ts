// A first expectations suite drafted from a CSV (`tabula data infer`): bounds the data meets today, with a margin,
// so the next batch of data trips them only when it really changed.
import { type InferredColumn, type InferredDataset, looksLikeIdName } from "../infer-schema.js";
import type { Expectation, Suite } from "./suite-schema.js";

/** The next batch may be this much smaller than the one inferred from. */
const ROW_COUNT_MARGIN = 0.2;
/** Added to each column's missing share. */
const MISSING_MARGIN = 0.05;
/** The share of columns allowed to drift before the (warn) drift check fires. */
const DRIFT_SHARE = 0.2;

function roundUp(fraction: number): number {
  return Math.min(1, Math.ceil(fraction * 100) / 100);
}

/**
 * An id-like column whose values are all present and distinct: a `unique` expectation, so a duplicated id (a
 * double-loaded batch, a bad join) stops prepare. Free text that happens to be distinct only warns, unless its
 * name says it is an id.
 */
function uniqueness(column: InferredColumn, rows: number): Expectation | undefined {
  if (column.idType === undefined || column.missing > 0 || column.distinct !== rows) return undefined;
  const strong = column.idType === "integer" || looksLikeIdName(column.name);
  return { unique: column.name, severity: strong ? "error" : "warn" };
}

export function draftSuite(inferred: InferredDataset, rows: number): Suite {
  const { dataset, columns } = inferred;
  const suite: Expectation[] = [
    { row_count: { min: Math.floor(rows * (1 - ROW_COUNT_MARGIN)) }, severity: "error" },
  ];
  for (const column of columns) {
    const unique = uniqueness(column, rows);
    if (unique) suite.push(unique);
  }
  for (const column of columns) {
    if (column.name !== dataset.target && column.dropReason !== undefined) continue;
    // The target is checked after rows without one are dropped (missing_target: drop) or rejected.
    const fraction = column.name === dataset.target ? 0 : roundUp(column.missing / rows + MISSING_MARGIN);
    suite.push({ max_missing: { column: column.name, fraction }, severity: "error" });
  }
  suite.push({ drift: { max_drifted_share: DRIFT_SHARE }, severity: "warn" });
  return suite;
}
