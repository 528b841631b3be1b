// npm run bench:serve-memory — where the server's resident memory goes, idle and under bench:serve's loads, by
// mapping (/proc/<pid>/smaps: the node binary, onnxruntime's library, other code, anonymous memory: V8 heaps and
// malloc arenas) and, for the main isolate, by V8 heap space (the server's own /metrics). Each variant is a set of
// server settings; the variants run alternately (--repeat) so that a shared machine's drift hits them all alike.
//
// usage: npm run bench:serve-memory -- [--model DIR] [--repeat N] [--duration S]
//                                      [--variant 'name:ENV=V;ENV=V;NODE_ARGS=--flag --flag;ENTRY=other/dist/serve.js']
//   without --variant: the production defaults (the Dockerfile's NODE_OPTIONS).
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import { freePort } from "./free-port.js";

const HOST = "127.0.0.1";
const root = resolve(import.meta.dirname, "..");
const { values: args } = parseArgs({
  options: {
    model: { type: "string", default: "models/boston/9c0b26676b87" },
    repeat: { type: "string", default: "1" },
    duration: { type: "string", default: "6" },
    variant: { type: "string", multiple: true, default: [] },
    /** The NODE_OPTIONS every variant gets unless it sets its own (the Dockerfile's). */
    "node-options": { type: "string", default: "--max-semi-space-size=8" },
    entry: { type: "string" },
    "no-wrk": { type: "boolean", default: false },
    /** Print the breakdown by mapping and heap space under each variant's line. */
    detail: { type: "boolean", default: false },
  },
});
const seconds = Number(args.duration);

interface Variant {
  name: string;
  env: Record<string, string>;
}

function parseVariant(text: string): Variant {
  const at = text.indexOf(":");
  const name = at < 0 ? text : text.slice(0, at);
  const env: Record<string, string> = {};
  for (const assignment of (at < 0 ? "" : text.slice(at + 1)).split(";").filter(Boolean)) {
    const eq = assignment.indexOf("=");
    env[assignment.slice(0, eq)] = assignment.slice(eq + 1);
  }
  return { name, env };
}

const variants: Variant[] =
  (args.variant ?? []).length > 0
    ? (args.variant ?? []).map(parseVariant)
    : [{ name: "production defaults", env: {} }];

function rssMb(pid: number): number {
  const match = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return Number(match?.[1] ?? 0) / 1024;
}

/** Resident MB by mapping: code of the node binary, onnxruntime, other files; anonymous; stacks. */
function smapsByKind(pid: number): Record<string, number> {
  const kinds: Record<string, number> = {};
  let kind = "anonymous";
  for (const line of readFileSync(`/proc/${pid}/smaps`, "utf8").split("\n")) {
    const mapping = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (mapping) {
      const path = (mapping[1] ?? "").trim();
      if (path === "") kind = "anonymous";
      else if (path === "[heap]")
        kind = "anonymous"; // the main malloc arena: anonymous memory like the rest
      else if (path.startsWith("[stack")) kind = "stack";
      else if (path.startsWith("[")) kind = "other";
      else if (basename(path) === "node") kind = "file: node binary";
      else if (/onnxruntime/.test(path)) kind = "file: onnxruntime";
      else if (/\.so|\.node/.test(path)) kind = "file: other libraries";
      else kind = "file: other";
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss) kinds[kind] = (kinds[kind] ?? 0) + Number(rss[1]) / 1024;
  }
  return kinds;
}

/** The main isolate's heap spaces and external memory, from the server's /metrics (prom-client defaults). */
async function heapSpaces(base: string): Promise<Record<string, number>> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const spaces: Record<string, number> = {};
  for (const match of text.matchAll(/^nodejs_heap_space_size_total_bytes\{space="(\w+)"\} (\S+)/gm))
    spaces[`V8 ${match[1]}`] = Number(match[2]) / 2 ** 20;
  const external = /^nodejs_external_memory_bytes (\S+)/m.exec(text);
  if (external) spaces["V8 external (ArrayBuffers …)"] = Number(external[1]) / 2 ** 20;
  return spaces;
}

function bodies(): { single: string; batch: string } {
  const manifest = JSON.parse(readFileSync(join(args.model as string, "manifest.json"), "utf8"));
  const names: string[] = manifest.features.map((feature: { name: string }) => feature.name);
  const [header, ...lines] = readFileSync(join(root, "data/raw/boston.csv"), "utf8").trim().split(/\r?\n/);
  const columns = (header as string).split(",");
  const rows = lines.slice(0, 100).map((line) => {
    const values = line.split(",").map(Number);
    return Object.fromEntries(names.map((name) => [name, values[columns.indexOf(name)]]));
  });
  return { single: JSON.stringify({ instances: [rows[0]] }), batch: JSON.stringify({ instances: rows }) };
}

function cannon(url: string, body: string, duration: number): Promise<number> {
  return new Promise((resolveLoad, reject) => {
    autocannon(
      {
        url,
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
        connections: 32,
        duration,
      },
      (error, result) => (error ? reject(error) : resolveLoad(result.requests.average)),
    );
  });
}

function wrk(url: string, body: string, scratch: string): { reqPerSec: number; p99: string } {
  const script = join(scratch, "post.lua");
  writeFileSync(
    script,
    `wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\nwrk.body = [==[${body}]==]\n`,
  );
  const output = execFileSync("wrk", ["-t2", "-c32", "-d10s", "--latency", "-s", script, url], {
    encoding: "utf8",
  });
  return {
    reqPerSec: Number(/Requests\/sec:\s+([\d.]+)/.exec(output)?.[1]),
    p99: /^\s+99%\s+(\S+)/m.exec(output)?.[1] ?? "?",
  };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
  await exited;
  clearTimeout(timer);
}

interface Result {
  variant: string;
  idle: number;
  peaks: Record<string, number>;
  peak: number;
  idleKinds: Record<string, number>;
  loadKinds: Record<string, number>;
  wrk?: { reqPerSec: number; p99: string };
  rates: Record<string, number>;
}

async function measure(variant: Variant, scratch: string, texts: { single: string; batch: string }) {
  const port = await freePort(HOST);
  const { NODE_ARGS: nodeArgs, ENTRY: entry, ...env } = variant.env;
  const argv = [...(nodeArgs ? nodeArgs.split(" ") : []), entry ?? args.entry ?? join(root, "dist/serve.js")];
  const child = spawn(process.execPath, argv, {
    env: {
      ...process.env,
      SERVE_HOST: HOST,
      SERVE_PORT: String(port),
      SERVE_MODEL: resolve(args.model as string),
      SERVE_DATA_DIR: mkdtempSync(join(scratch, "data-")),
      NODE_OPTIONS: args["node-options"],
      // The Dockerfile's malloc settings.
      MALLOC_MMAP_THRESHOLD_: "65536",
      MALLOC_TRIM_THRESHOLD_: "131072",
      ...env,
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const pid = child.pid as number;
  const base = `http://${HOST}:${port}`;
  try {
    for (let tries = 0; ; tries++) {
      try {
        if ((await fetch(`${base}/readyz`)).ok) break;
      } catch {}
      if (tries > 300) throw new Error(`${variant.name}: not ready`);
      await new Promise((r) => setTimeout(r, 200));
    }
    await new Promise((r) => setTimeout(r, 1000));
    const idle = rssMb(pid);
    const idleKinds = { ...smapsByKind(pid), ...(await heapSpaces(base)) };
    const peaks: Record<string, number> = {};
    const rates: Record<string, number> = {};
    let phase = "idle";
    let peak = idle;
    let loadKinds = idleKinds;
    const sampler = setInterval(() => {
      try {
        const now = rssMb(pid);
        peaks[phase] = Math.max(peaks[phase] ?? 0, now);
        if (now > peak) {
          peak = now;
          loadKinds = smapsByKind(pid);
        }
      } catch {}
    }, 250);
    try {
      phase = "1-row";
      rates[phase] = await cannon(`${base}/predict`, texts.single, seconds + 2);
      phase = "100-row";
      rates[phase] = await cannon(`${base}/predict`, texts.batch, seconds + 2);
      let wrkResult: Result["wrk"];
      if (!args["no-wrk"]) {
        phase = "wrk 1-row";
        wrkResult = wrk(`${base}/predict`, texts.single, scratch);
        await new Promise((r) => setTimeout(r, 300));
      }
      const spaces = await heapSpaces(base);
      return {
        variant: variant.name,
        idle,
        peaks,
        peak,
        idleKinds,
        loadKinds: { ...loadKinds, ...spaces },
        rates,
        ...(wrkResult ? { wrk: wrkResult } : {}),
      } satisfies Result;
    } finally {
      clearInterval(sampler);
    }
  } finally {
    await stop(child);
  }
}

execFileSync(process.execPath, [join(root, "scripts/build.mjs")], { stdio: "inherit" });
const scratch = mkdtempSync(join(tmpdir(), "tabula-bench-memory-"));
const texts = bodies();
const fixed = (value: number | undefined) => (value === undefined ? "—" : value.toFixed(1));
console.log(`bench:serve-memory — ${args.model}, load average before ${loadavg()[0]?.toFixed(1)}`);
try {
  const results: Result[] = [];
  for (let round = 0; round < Number(args.repeat); round++)
    for (const variant of variants) {
      const result = await measure(variant, scratch, texts);
      results.push(result);
      console.log(
        `- ${result.variant}: idle ${fixed(result.idle)} MB, peak ${fixed(result.peak)} MB (${Object.entries(
          result.peaks,
        )
          .map(([phase, mb]) => `${phase} ${fixed(mb)}`)
          .join(
            ", ",
          )}); autocannon 1-row ${fixed(result.rates["1-row"])} req/s, 100-row ${fixed(result.rates["100-row"])} req/s${result.wrk ? `; wrk ${result.wrk.reqPerSec} req/s, p99 ${result.wrk.p99}` : ""}`,
      );
      const kinds = [...new Set([...Object.keys(result.idleKinds), ...Object.keys(result.loadKinds)])];
      for (const kind of args.detail ? kinds : [])
        console.log(
          `    ${kind.padEnd(34)} idle ${fixed(result.idleKinds[kind]).padStart(6)}  at peak ${fixed(result.loadKinds[kind]).padStart(6)}`,
        );
    }
  console.log(`load average after ${loadavg()[0]?.toFixed(1)}`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
