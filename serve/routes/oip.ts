// The Open Inference Protocol v2 REST API (as KServe, MLServer and Triton speak it), with the spec's field names:
//   GET  /v2                                             server metadata {name, version, extensions}
//   GET  /v2/health/live, /v2/health/ready               200 (true) or 400 (false), empty body
//   GET  /v2/models/{name}[/versions/{v}]                model metadata {name, versions, platform, inputs, outputs}
//   GET  /v2/models/{name}[/versions/{v}]/ready          200 or 400, empty body
//   POST /v2/models/{name}[/versions/{v}]/infer          {id?, parameters?, inputs, outputs?} → {model_name,
//                                                        model_version, id, outputs: [{name, shape, datatype, data}]}
// Errors use the protocol's shape {"error": "<message>"} (see http/error-handler.ts).
import type { Router, RouterMiddleware } from "@koa/router";
import type { Manifest } from "../../src/artifact/manifest.js";
import { fail } from "../errors.js";
import type { ServeContext, ServeState } from "../http/state.js";
import type { Inference } from "../inference.js";
import type { OutputTensor } from "../model/executor.js";
import type { LiveModel } from "../model/live-model.js";
import type { ModelHolder } from "../model/model-holder.js";
import { decodeInferRequest } from "./oip-request.js";

const DATATYPES: Record<string, string> = {
  float32: "FP32",
  float64: "FP64",
  float16: "FP16",
  int8: "INT8",
  int16: "INT16",
  int32: "INT32",
  int64: "INT64",
  uint8: "UINT8",
  uint16: "UINT16",
  uint32: "UINT32",
  uint64: "UINT64",
  bool: "BOOL",
  string: "BYTES",
};

export const SERVER_NAME = "tabula-serve";

function outputMetadata(manifest: Manifest): { name: string; datatype: string; shape: number[] }[] {
  const names = manifest.onnx.outputs;
  const classes = manifest.target.classes ?? [];
  const labelType = classes.length > 0 && classes.every((c) => typeof c === "number") ? "INT64" : "BYTES";
  const outputs: { name: string; datatype: string; shape: number[] }[] = [];
  if (names.prediction) outputs.push({ name: names.prediction, datatype: "FP32", shape: [-1, 1] });
  if (names.label) outputs.push({ name: names.label, datatype: labelType, shape: [-1] });
  if (names.probabilities)
    outputs.push({ name: names.probabilities, datatype: "FP32", shape: [-1, classes.length || -1] });
  return outputs;
}

function tensorJson(name: string, tensor: OutputTensor) {
  const data = Array.isArray(tensor.data)
    ? tensor.data
    : tensor.data instanceof BigInt64Array || tensor.data instanceof BigUint64Array
      ? Array.from(tensor.data, Number)
      : Array.from(tensor.data as ArrayLike<number>);
  return { name, shape: tensor.dims, datatype: DATATYPES[tensor.type] ?? tensor.type.toUpperCase(), data };
}

export function oipRoutes(
  router: Router<ServeState>,
  models: ModelHolder,
  inference: Inference,
  options: { maxRows: number; serverVersion: string; ready: () => boolean },
  body: RouterMiddleware<ServeState>,
): void {
  /** The serving model when the URL names it (and the version, if given); 404 otherwise. */
  const named = (ctx: ServeContext): LiveModel => {
    const model = models.current;
    const { name, version } = ctx.params as { name: string; version?: string };
    if (!model || model.manifest.name !== name)
      fail(
        "unknown_model",
        `no model named "${name.slice(0, 60)}" is served${model ? ` (serving "${model.manifest.name}")` : ""}`,
      );
    if (version !== undefined && version !== model.manifest.version)
      fail(
        "unknown_model",
        `model "${name}" has no version "${version.slice(0, 60)}" here (serving ${model.manifest.version})`,
      );
    return model;
  };

  router.get("/v2", (ctx) => {
    ctx.body = { name: SERVER_NAME, version: options.serverVersion, extensions: [] };
  });
  router.get("/v2/health/live", (ctx) => {
    ctx.status = 200;
    ctx.body = "";
  });
  router.get("/v2/health/ready", (ctx) => {
    ctx.status = options.ready() ? 200 : 400;
    ctx.body = "";
  });

  const metadata = (ctx: ServeContext) => {
    const { manifest } = named(ctx);
    ctx.body = {
      name: manifest.name,
      versions: [manifest.version],
      platform: "onnxruntime_onnx",
      inputs: [{ name: manifest.onnx.input.name, datatype: "FP32", shape: [-1, manifest.features.length] }],
      outputs: outputMetadata(manifest),
    };
  };
  router.get("/v2/models/:name", metadata);
  router.get("/v2/models/:name/versions/:version", metadata);

  const ready = (ctx: ServeContext) => {
    named(ctx);
    ctx.status = options.ready() ? 200 : 400;
    ctx.body = "";
  };
  router.get("/v2/models/:name/ready", ready);
  router.get("/v2/models/:name/versions/:version/ready", ready);

  const infer: RouterMiddleware<ServeState> = async (ctx) => {
    named(ctx);
    const model = models.acquire();
    try {
      const request = decodeInferRequest(ctx.state.body, model, options.maxRows);
      const { requestId, startedAt, rawBody } = ctx.state;
      const { outputs } = await inference.run(model, request.encoded, { requestId, startedAt, rawBody });
      const names = request.outputs ?? model.executor.outputNames;
      ctx.body = {
        model_name: model.manifest.name,
        model_version: model.manifest.version,
        id: request.id ?? ctx.state.requestId,
        outputs: names.map((name) => tensorJson(name, outputs[name] as OutputTensor)),
      };
    } finally {
      model.leave();
    }
  };
  router.post("/v2/models/:name/infer", body, infer);
  router.post("/v2/models/:name/versions/:version/infer", body, infer);
}
