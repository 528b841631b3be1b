// Post-deploy smoke test of a running tabula server:
//   1. readiness: /readyz answers 200 (retried until --timeout),
//   2. model version: /model names the model; equal to --expect-version and to the manifest's, when given,
//   3. golden predictions: the manifest's golden rows (--manifest, the package's manifest.json) predicted through
//      POST /predict match the expected values; without a manifest, /model's example row must predict,
//   4. bad input: a non-numeric feature gets a 400 naming the field.
// Prints one line per check; exits 1 when any fails, 2 on bad arguments.
//
// usage: npm run smoke -- --url URL [--manifest package/manifest.json] [--expect-version V] [--api-key KEY]
//                         [--timeout 60]
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { type Manifest, ManifestSchema } from "../src/artifact/manifest.js";

export type SmokeOptions = {
  url: string;
  manifest?: Manifest;
  expectVersion?: string;
  apiKey?: string;
  timeoutSeconds: number;
};

export type CheckResult = { check: string; ok: boolean; detail: string };

type Json = Record<string, unknown>;
type Response = { status: number; body: Json | undefined };

async function call(options: SmokeOptions, path: string, body?: unknown): Promise<Response> {
  const headers: Record<string, string> = {};
  if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(new URL(path, options.url), {
    method: body === undefined ? "GET" : "POST",
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  let parsed: Json | undefined;
  try {
    parsed = JSON.parse(text) as Json;
  } catch {
    parsed = undefined;
  }
  return { status: response.status, body: parsed };
}

async function waitUntilReady(options: SmokeOptions): Promise<CheckResult> {
  const deadline = Date.now() + options.timeoutSeconds * 1000;
  let last = "no answer";
  while (Date.now() < deadline) {
    try {
      const response = await call(options, "/readyz");
      if (response.status === 200) return { check: "readiness", ok: true, detail: "/readyz answered 200" };
      last = `/readyz answered ${response.status}: ${JSON.stringify(response.body)}`;
    } catch (error) {
      last = `/readyz unreachable: ${(error as Error).cause ?? (error as Error).message}`;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return { check: "readiness", ok: false, detail: `not ready after ${options.timeoutSeconds} s (${last})` };
}

function checkVersion(options: SmokeOptions, model: Response): CheckResult {
  const name = model.body?.name;
  const version = model.body?.version;
  if (model.status !== 200 || typeof version !== "string") {
    return { check: "model version", ok: false, detail: `/model answered ${model.status} without a version` };
  }
  const expected = options.expectVersion ?? options.manifest?.version;
  if (expected !== undefined && expected !== version) {
    return { check: "model version", ok: false, detail: `serving ${name} ${version}, expected ${expected}` };
  }
  return { check: "model version", ok: true, detail: `${name} ${version}` };
}

/** How far a served prediction is from the golden one (0 = equal); Infinity when the shapes differ. */
function distance(
  manifest: Manifest,
  got: unknown,
  expected: Manifest["golden"][number]["expected"],
): number {
  if (typeof expected === "number") return typeof got === "number" ? Math.abs(got - expected) : Infinity;
  const served = got as { label?: unknown; probabilities?: Record<string, number> } | undefined;
  if (served?.label !== expected.label || !served.probabilities) return Infinity;
  const classes = manifest.target.classes ?? [];
  return Math.max(
    0,
    ...expected.probabilities.map((p, k) =>
      Math.abs((served.probabilities?.[String(classes[k])] ?? Infinity) - p),
    ),
  );
}

async function checkGolden(options: SmokeOptions, model: Response): Promise<CheckResult> {
  const { manifest } = options;
  if (!manifest) {
    const example = model.body?.example;
    const response = await call(options, "/predict", example);
    const prediction = (response.body?.predictions as unknown[] | undefined)?.[0];
    const ok = response.status === 200 && prediction !== undefined && prediction !== null;
    const detail = `no manifest given: /model's example row predicted ${JSON.stringify(prediction)} (${response.status})`;
    return { check: "predictions", ok, detail };
  }
  const response = await call(options, "/predict", { instances: manifest.golden.map((row) => row.features) });
  const predictions = response.body?.predictions as unknown[] | undefined;
  if (response.status !== 200 || !predictions) {
    return {
      check: "golden predictions",
      ok: false,
      detail: `/predict answered ${response.status}: ${JSON.stringify(response.body)}`,
    };
  }
  // The server's own golden check uses the same tolerance: float32 inference against the stored values.
  const tolerance = manifest.task === "regression" ? 1e-4 * (manifest.target.std ?? 1) : 1e-5;
  const off = manifest.golden.flatMap((row, i) => {
    const d = distance(manifest, predictions[i], row.expected);
    return d <= tolerance
      ? []
      : [`row ${i}: got ${JSON.stringify(predictions[i])}, expected ${JSON.stringify(row.expected)}`];
  });
  if (off.length > 0) return { check: "golden predictions", ok: false, detail: off.slice(0, 3).join("; ") };
  return {
    check: "golden predictions",
    ok: true,
    detail: `${manifest.golden.length} rows within ${tolerance.toPrecision(2)}`,
  };
}

async function checkBadRequest(options: SmokeOptions, model: Response): Promise<CheckResult> {
  const features = (model.body?.features as { name: string; kind: string }[] | undefined) ?? [];
  const numeric = features.find((feature) => feature.kind === "numeric") ?? features[0];
  const example = (model.body?.example as { features?: Json } | undefined)?.features ?? {};
  if (!numeric) return { check: "bad request", ok: false, detail: "/model lists no features" };
  const response = await call(options, "/predict", {
    features: { ...example, [numeric.name]: "not a number" },
  });
  const error = response.body?.error as { field?: string; message?: string } | undefined;
  const ok = response.status === 400 && error?.field === numeric.name;
  const detail = `${numeric.name}="not a number" → ${response.status} ${error?.message ?? JSON.stringify(response.body)}`;
  return { check: "bad request", ok, detail };
}

export async function runSmoke(options: SmokeOptions): Promise<CheckResult[]> {
  const ready = await waitUntilReady(options);
  if (!ready.ok) return [ready];
  const model = await call(options, "/model");
  return [
    ready,
    checkVersion(options, model),
    await checkGolden(options, model),
    await checkBadRequest(options, model),
  ];
}

function readManifest(path: string): Manifest {
  const parsed = ManifestSchema.safeParse(JSON.parse(readFileSync(path, "utf8")));
  if (!parsed.success)
    throw new Error(`${path} is not a tabula manifest: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}

const USAGE =
  "usage: npm run smoke -- --url URL [--manifest PATH] [--expect-version V] [--api-key KEY] [--timeout S]";

/** The options from the command line; throws a message naming the bad argument. */
export function parseSmokeArgs(argv: string[]): SmokeOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      url: { type: "string" },
      manifest: { type: "string" },
      "expect-version": { type: "string" },
      "api-key": { type: "string" },
      timeout: { type: "string", default: "60" },
    },
  });
  if (!values.url) throw new Error("--url is required");
  const timeoutSeconds = Number(values.timeout);
  if (!(timeoutSeconds > 0))
    throw new Error(`--timeout must be a positive number of seconds, not ${values.timeout}`);
  return {
    url: values.url,
    manifest: values.manifest ? readManifest(values.manifest) : undefined,
    expectVersion: values["expect-version"],
    apiKey: values["api-key"] ?? process.env.TABULA_API_KEY,
    timeoutSeconds,
  };
}

async function main(argv: string[]): Promise<number> {
  let options: SmokeOptions;
  try {
    options = parseSmokeArgs(argv);
  } catch (error) {
    console.error(`smoke: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const results = await runSmoke(options);
  for (const result of results)
    console.log(`${result.ok ? "ok  " : "FAIL"} ${result.check}: ${result.detail}`);
  const failed = results.filter((result) => !result.ok).length;
  console.log(
    failed === 0 ? `smoke: ${options.url} passed` : `smoke: ${failed} check(s) failed against ${options.url}`,
  );
  return failed === 0 ? 0 : 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2));
}
