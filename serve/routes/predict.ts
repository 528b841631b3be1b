// POST /predict: one row as {"features": {name: value, ...}} or a batch as {"instances": [{...}, ...]} (rows may
// also be arrays in the manifest's feature order). Answers {"predictions": [...], "model": {name, version},
// "request_id"}, plus "warnings" when values were accepted but are unusual (out of range, unseen category).
import type { Router, RouterMiddleware } from "@koa/router";
import { fail } from "../errors.js";
import type { ServeState } from "../http/state.js";
import type { Inference } from "../inference.js";
import { jsonString } from "../json-string.js";
import type { ModelHolder } from "../model/model-holder.js";

function rowsOf(body: unknown, maxRows: number): readonly unknown[] {
  if (typeof body !== "object" || body === null || Array.isArray(body))
    fail(
      "invalid_body",
      'the body must be a JSON object: {"features": {...}} for one row or {"instances": [...]} for a batch',
    );
  const record = body as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (key !== "features" && key !== "instances")
      fail(
        "invalid_body",
        `unknown field "${key.slice(0, 60)}"; the body takes "features" (one row) or "instances" (a batch)`,
        {
          field: key.slice(0, 200),
        },
      );
  }
  if ("features" in record && "instances" in record)
    fail("invalid_body", 'send either "features" (one row) or "instances" (a batch), not both', {
      field: "instances",
    });
  if ("features" in record) return [record.features];
  const instances = record.instances;
  if (!Array.isArray(instances))
    fail(
      "invalid_body",
      instances === undefined
        ? 'the body needs "features" (one row) or "instances" (a list of rows)'
        : '"instances" must be a list of rows',
      { field: "instances" },
    );
  if (instances.length === 0)
    fail("invalid_body", '"instances" is empty; send at least one row', { field: "instances" });
  if (instances.length > maxRows)
    fail("too_many_rows", `${instances.length} rows is more than the limit of ${maxRows} per request`, {
      field: "instances",
    });
  return instances;
}

export interface PredictRequest {
  /** The parsed JSON body. */
  body: unknown;
  /** The body's bytes as received, for the prediction log. */
  rawBody: Uint8Array;
  requestId: string;
  startedAt: bigint;
}

export type Predict = (request: PredictRequest) => Promise<string>;

/**
 * POST /predict after its JSON body is read: the answer's JSON text, or an ApiFailure thrown. The Koa route and the
 * lean listener (http/lean-predict.ts) both call it.
 */
export function predictor(models: ModelHolder, inference: Inference, options: { maxRows: number }): Predict {
  return async ({ body, rawBody, requestId, startedAt }) => {
    const rows = rowsOf(body, options.maxRows);
    const model = models.acquire();
    try {
      const encoded = model.validator.encodeRows(rows);
      const { predictionsJson } = await inference.run(model, encoded, { requestId, startedAt, rawBody });
      // The predictions were serialised once for the log; the response reuses that text.
      const warnings = encoded.warnings ? `,"warnings":${JSON.stringify(encoded.warnings)}` : "";
      return `{"predictions":${predictionsJson},"model":${model.identityJson},"request_id":${jsonString(requestId)}${warnings}}`;
    } finally {
      model.leave();
    }
  };
}

/** The Koa handler of POST /predict, after its JSON body is read. */
export function predictHandler(predict: Predict): RouterMiddleware<ServeState> {
  return async (ctx) => {
    const { requestId, startedAt, rawBody, body } = ctx.state;
    const json = await predict({ body, rawBody, requestId, startedAt });
    ctx.type = "application/json";
    ctx.body = json;
  };
}

export function predictRoutes(
  router: Router<ServeState>,
  body: RouterMiddleware<ServeState>,
  handler: RouterMiddleware<ServeState>,
): void {
  router.post("/predict", body, handler);
}
