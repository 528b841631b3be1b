// GET /model: what a client needs to build a request: the feature schema (names, types, ranges, categories,
// nullability) in tensor order, the version, task, outputs, metrics, lineage, and an example request body.
import type { Router } from "@koa/router";
import { fail } from "../errors.js";
import type { ServeState } from "../http/state.js";
import type { ModelHolder } from "../model/model-holder.js";

export function modelRoutes(router: Router<ServeState>, models: ModelHolder): void {
  router.get("/model", (ctx) => {
    const model = models.current;
    if (!model) fail("not_ready", "no verified model is loaded yet");
    const { manifest } = model;
    ctx.body = {
      name: manifest.name,
      version: manifest.version,
      task: manifest.task,
      features: manifest.features,
      target: manifest.target,
      outputs: manifest.onnx.outputs,
      metrics: manifest.metrics,
      test_rows: manifest.testRows,
      model: manifest.model,
      lineage: manifest.lineage,
      example: { features: manifest.golden[0]?.features ?? {} },
    };
  });
}
