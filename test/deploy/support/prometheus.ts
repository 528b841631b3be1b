// A real Prometheus (Debian's package) on 127.0.0.1 with a temporary data directory, scraping the given targets
// with monitoring/prometheus/local.yml's jobs and rules.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parse, stringify } from "yaml";
import { startChild } from "../../support/child-process.js";
import { freePort } from "./server.js";

const LOCAL_CONFIG = "monitoring/prometheus/local.yml";

export type RunningPrometheus = {
  url: string;
  query: (expr: string) => Promise<QueryResult>;
  stop: () => Promise<void>;
};
export type QueryResult =
  | {
      status: "success";
      data: { resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] };
    }
  | { status: "error"; errorType: string; error: string };

type Config = {
  global: Record<string, string>;
  rule_files: string[];
  scrape_configs: { job_name: string; static_configs: { targets: string[] }[]; scrape_interval?: string }[];
};

export async function startPrometheus(
  target: string,
  interval = "1s",
  timeoutMs = 30_000,
): Promise<RunningPrometheus> {
  const dir = mkdtempSync(join(tmpdir(), "tabula-prometheus-"));
  const config = parse(readFileSync(LOCAL_CONFIG, "utf8")) as Config;
  config.global = { scrape_interval: interval, evaluation_interval: interval, scrape_timeout: interval };
  config.rule_files = config.rule_files.map((file) => resolve("monitoring/prometheus", file));
  for (const job of config.scrape_configs) job.static_configs = [{ targets: [target] }];
  writeFileSync(join(dir, "prometheus.yml"), stringify(config));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = startChild("prometheus", [
    `--config.file=${join(dir, "prometheus.yml")}`,
    `--storage.tsdb.path=${join(dir, "data")}`,
    `--web.listen-address=127.0.0.1:${port}`,
    "--log.level=warn",
  ]);
  const stop = async () => {
    await child.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await fetch(`${url}/-/ready`)).ok) break;
    } catch {}
    if (child.exited() || Date.now() > deadline) {
      await stop();
      throw new Error(`prometheus did not become ready:\n${child.output()}`);
    }
    await new Promise((done) => setTimeout(done, 100));
  }
  const query = async (expr: string): Promise<QueryResult> => {
    const response = await fetch(`${url}/api/v1/query`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ query: expr }),
    });
    return (await response.json()) as QueryResult;
  };
  return { url, query, stop };
}
