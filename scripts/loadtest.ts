// Post-deploy load test: autocannon POSTs /model's example row (or a batch of --rows copies) to /predict for
// --duration seconds, then checks the budgets: p99 latency, error rate (non-2xx, socket errors, timeouts) and,
// optionally, throughput. Prints the figures and each budget; exits 1 when one is missed, 2 on bad arguments.
//
// usage: npm run loadtest -- --url URL --duration S [--connections 16] [--rows 1] [--p99-ms 250]
//                            [--max-error-rate 0.001] [--min-rps 0] [--api-key KEY]
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

export type LoadOptions = {
  url: string;
  durationSeconds: number;
  connections: number;
  rows: number;
  p99Ms: number;
  maxErrorRate: number;
  minRps: number;
  apiKey?: string;
};

export type LoadFigures = {
  requests: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  errorRate: number;
};
export type Budget = { name: string; ok: boolean; detail: string };

type AutocannonResult = {
  requests: { total: number; average: number };
  latency: { p50: number; p99: number };
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  "2xx": number;
};
type Autocannon = (
  options: Record<string, unknown>,
  done: (error: Error | null, result: AutocannonResult) => void,
) => unknown;
const autocannon = createRequire(import.meta.url)("autocannon") as Autocannon;

function authHeaders(apiKey: string | undefined): Record<string, string> {
  return apiKey ? { authorization: `Bearer ${apiKey}` } : {};
}

async function requestBody(options: LoadOptions): Promise<string> {
  const response = await fetch(new URL("/model", options.url), { headers: authHeaders(options.apiKey) });
  if (!response.ok) throw new Error(`GET /model answered ${response.status}; is the server ready?`);
  const model = (await response.json()) as { example?: { features?: Record<string, unknown> } };
  const row = model.example?.features;
  if (!row) throw new Error("GET /model has no example row to send");
  return JSON.stringify(
    options.rows === 1 ? { features: row } : { instances: Array(options.rows).fill(row) },
  );
}

export async function runLoad(options: LoadOptions): Promise<{ figures: LoadFigures; budgets: Budget[] }> {
  const body = await requestBody(options);
  const result = await new Promise<AutocannonResult>((resolve, reject) => {
    autocannon(
      {
        url: new URL("/predict", options.url).href,
        method: "POST",
        headers: { "content-type": "application/json", ...authHeaders(options.apiKey) },
        body,
        connections: options.connections,
        duration: options.durationSeconds,
        timeout: 10,
      },
      (error, figures) => (error ? reject(error) : resolve(figures)),
    );
  });
  const failed = result.non2xx + result.errors + result.timeouts;
  const attempted = result["2xx"] + failed;
  const figures: LoadFigures = {
    requests: attempted,
    rps: result["2xx"] / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: failed,
    errorRate: attempted === 0 ? 1 : failed / attempted,
  };
  const budgets: Budget[] = [
    {
      name: "p99 latency",
      ok: attempted > 0 && figures.p99Ms <= options.p99Ms,
      detail: `${figures.p99Ms} ms (budget ${options.p99Ms} ms)`,
    },
    {
      name: "error rate",
      ok: figures.errorRate <= options.maxErrorRate,
      detail: `${(figures.errorRate * 100).toFixed(3)}%: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts (budget ${(options.maxErrorRate * 100).toFixed(3)}%)`,
    },
  ];
  if (options.minRps > 0) {
    budgets.push({
      name: "throughput",
      ok: figures.rps >= options.minRps,
      detail: `${figures.rps.toFixed(0)} req/s (budget ≥ ${options.minRps})`,
    });
  }
  return { figures, budgets };
}

/** The options from the command line; throws a message naming the bad argument. */
export function parseLoadArgs(argv: string[]): LoadOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      url: { type: "string" },
      duration: { type: "string", default: "10" },
      connections: { type: "string", default: "16" },
      rows: { type: "string", default: "1" },
      "p99-ms": { type: "string", default: "250" },
      "max-error-rate": { type: "string", default: "0.001" },
      "min-rps": { type: "string", default: "0" },
      "api-key": { type: "string" },
    },
  });
  if (!values.url) throw new Error("--url is required");
  const number = (name: string, text: string, integer = false) => {
    const value = Number(text);
    if (!Number.isFinite(value) || value < 0 || (integer && !Number.isInteger(value))) {
      throw new Error(`--${name} must be a non-negative ${integer ? "integer" : "number"}, not ${text}`);
    }
    return value;
  };
  const options: LoadOptions = {
    url: values.url,
    durationSeconds: number("duration", values.duration, true),
    connections: number("connections", values.connections, true),
    rows: number("rows", values.rows, true),
    p99Ms: number("p99-ms", values["p99-ms"]),
    maxErrorRate: number("max-error-rate", values["max-error-rate"]),
    minRps: number("min-rps", values["min-rps"]),
    apiKey: values["api-key"] ?? process.env.TABULA_API_KEY,
  };
  if (options.durationSeconds < 1 || options.connections < 1 || options.rows < 1) {
    throw new Error("--duration, --connections and --rows must be at least 1");
  }
  return options;
}

async function main(): Promise<number> {
  let options: LoadOptions;
  try {
    options = parseLoadArgs(process.argv.slice(2));
  } catch (error) {
    console.error(`loadtest: ${(error as Error).message}`);
    console.error(
      "usage: npm run loadtest -- --url URL --duration S [--connections N] [--rows N] [--p99-ms MS] [--max-error-rate R] [--min-rps N]",
    );
    return 2;
  }
  const { figures, budgets } = await runLoad(options);
  console.log(
    `loadtest: ${figures.requests} requests in ${options.durationSeconds} s at ${options.connections} connections, ${options.rows} row(s) each: ${figures.rps.toFixed(0)} req/s, p50 ${figures.p50Ms} ms, p99 ${figures.p99Ms} ms`,
  );
  for (const budget of budgets)
    console.log(`${budget.ok ? "ok  " : "FAIL"} ${budget.name}: ${budget.detail}`);
  return budgets.every((budget) => budget.ok) ? 0 : 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main().catch((error) => {
    console.error(`loadtest: ${(error as Error).message}`);
    return 1;
  });
}
