// A first expectations suite drafted from a CSV (`tabula data infer`): bounds the data meets today, with a margin,
// so the next batch of data trips them only when it really changed.
import type { InferredDataset } from "../infer-schema.js";
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

export function draftSuite(inferred: InferredDataset, rows: number): Suite {
  const { dataset, columns } = inferred;
  const suite: Expectation[] = [
    { row_count: { min: Math.floor(rows * (1 - ROW_COUNT_MARGIN)) }, severity: "error" },
  ];
  for (const column of columns) {
    if (column.name !== dataset.target && column.dropReason !== undefined) continue;
    // The target is checked after rows without one are dropped (missing_target: drop) or rejected.
    const fraction = column.name === dataset.target ? 0 : roundUp(column.missing / rows + MISSING_MARGIN);
    suite.push({ max_missing: { column: column.name, fraction }, severity: "error" });
  }
  suite.push({ drift: { max_drifted_share: DRIFT_SHARE }, severity: "warn" });
  return suite;
}
