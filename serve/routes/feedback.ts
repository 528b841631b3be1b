// POST /feedback {"request_id", "actual", "row"?}: the true value arrives after the prediction. It is joined to the
// logged prediction(s) of that request (all rows, one row, or an array of values for a batch), stored beside them,
// and the error feeds model_feedback_abs_error and the live error gauges of the version that predicted the row
// (model_live_*{model_version}, serve/live-errors.ts).
import type { Router, RouterMiddleware } from "@koa/router";
import { fail } from "../errors.js";
import type { ServeState } from "../http/state.js";
import { LiveErrors, registerLiveErrorGauges } from "../live-errors.js";
import type { Label } from "../model/predictions.js";
import type { ServeMetrics } from "../observability/metrics.js";
import type { PredictionLog } from "../prediction-log.js";

const isLabel = (value: unknown): value is Label =>
  typeof value === "string" || (typeof value === "number" && Number.isFinite(value));

function parseFeedback(body: unknown): {
  requestId: string;
  row: number | undefined;
  actual: Label | Label[];
} {
  if (typeof body !== "object" || body === null || Array.isArray(body))
    fail(
      "invalid_body",
      'the body must be {"request_id": "...", "actual": <value or list of values>, "row"?: n}',
    );
  const record = body as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (key !== "request_id" && key !== "actual" && key !== "row")
      fail("invalid_body", `unknown field "${key.slice(0, 60)}"; feedback takes request_id, actual and row`, {
        field: key.slice(0, 200),
      });
  }
  const { request_id: requestId, actual, row } = record;
  if (typeof requestId !== "string" || requestId.length === 0 || requestId.length > 128)
    fail("invalid_body", '"request_id" must be the request id of a prediction (a string)', {
      field: "request_id",
    });
  if (row !== undefined && !(Number.isInteger(row) && (row as number) >= 0))
    fail("invalid_body", '"row" must be a non-negative integer', { field: "row" });
  if (actual === undefined) fail("invalid_body", '"actual" is missing', { field: "actual" });
  if (Array.isArray(actual)) {
    if (row !== undefined)
      fail("invalid_body", 'give "row" with a single "actual" value, not a list', { field: "row" });
    const bad = actual.findIndex((value) => !isLabel(value));
    if (bad >= 0 || actual.length === 0 || actual.length > 1_000_000)
      fail("wrong_type", '"actual" must be a finite number or a label, or a list of them', {
        field: "actual",
        ...(bad >= 0 ? { row: bad } : {}),
      });
    return { requestId, row: undefined, actual: actual as Label[] };
  }
  if (!isLabel(actual))
    fail("wrong_type", '"actual" must be a finite number or a label', { field: "actual" });
  return { requestId, row: row as number | undefined, actual };
}

export function feedbackRoutes(
  router: Router<ServeState>,
  log: PredictionLog | undefined,
  metrics: ServeMetrics,
  body: RouterMiddleware<ServeState>,
  /** Labelled rows per model version the live error gauges cover (SERVE_FEEDBACK_WINDOW). */
  window: number,
): void {
  const live = new LiveErrors(window);
  registerLiveErrorGauges(metrics.registry, live, () => log?.awaitingLabels ?? {});
  router.post("/feedback", body, async (ctx) => {
    const { requestId, row, actual } = parseFeedback(ctx.state.body);
    if (!log)
      fail(
        "unknown_request_id",
        "feedback needs the prediction log, which is off (SERVE_PREDICTION_LOG=false)",
      );
    const result = await log.feedback(requestId, row, actual);
    if (!result.ok)
      fail("unknown_request_id", `the prediction log cannot take feedback: ${result.error.message}`);
    if (result.value.length === 0) {
      metrics.feedbackRequests.inc({ result: "unknown_request_id" });
      fail(
        "unknown_request_id",
        `no logged prediction has request id "${requestId.slice(0, 128)}"${row !== undefined ? ` and row ${row}` : ""}`,
        {
          field: "request_id",
        },
      );
    }
    metrics.feedbackRequests.inc({ result: "matched" });
    for (const match of result.value) metrics.feedbackAbsError.observe(match.absError);
    live.observe(result.value);
    ctx.body = {
      request_id: requestId,
      matched: result.value.length,
      errors: result.value.map(({ row: matchedRow, absError }) => ({
        row: matchedRow,
        abs_error: absError,
      })),
    };
  });
}
