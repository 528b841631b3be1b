// npm run bench:monitor — how long `tabula monitor` takes to report on a prediction log of 100,000 rows. The log is
// filled through the real PredictionLog (its SQLite writer thread) with synthetic traffic for the packaged model's
// schema (features drawn from its training histograms, the tensor rows, ground truth for every other request);
// then the report (read the log, drift per feature, live performance, JSON + HTML) is timed, in-process, `--repeat`
// times. A 10,000-row log measured in the same run is the yardstick: on a shared machine the ratio means more than
// the seconds. Prints one table and the load average.
//
// usage: npm run bench:monitor -- [--rows N] [--rows-per-request N] [--repeat N] [--model DIR]
//   --model: a package directory (default: package/, which `npm run repro` builds)
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { type Manifest, ManifestSchema } from "../src/artifact/manifest.js";
import { readJsonFile } from "../src/artifact/read-json.js";
import type { CommandIo } from "../src/cli/command.js";
import { run as monitor } from "../src/cli/commands/monitor.js";
import { writeSyntheticLog } from "../test/support/synthetic-log.js";
import { median } from "./median.js";

const root = resolve(import.meta.dirname, "..");
const { values: args } = parseArgs({
  options: {
    rows: { type: "string", default: "100000" },
    "rows-per-request": { type: "string", default: "10" },
    repeat: { type: "string", default: "3" },
    model: { type: "string", default: join(root, "package") },
  },
});
const rows = Number(args.rows);
const rowsPerRequest = Number(args["rows-per-request"]);
const repeat = Number(args.repeat);
const modelDir = resolve(args.model);
if (!existsSync(join(modelDir, "manifest.json"))) {
  console.error(`${modelDir}: no manifest.json; run \`npm run repro\` first or pass --model DIR`);
  process.exit(1);
}
const read = readJsonFile(join(modelDir, "manifest.json"), ManifestSchema);
if (!read.ok) throw new Error(read.error.message);
const manifest: Manifest = read.value;

async function measure(logRows: number): Promise<{ fill: number; report: number[] }> {
  const work = mkdtempSync(join(tmpdir(), "tabula-bench-monitor-"));
  try {
    const started = performance.now();
    await writeSyntheticLog(join(work, ".serve-data"), manifest, {
      requests: Math.ceil(logRows / rowsPerRequest),
      rowsPerRequest,
      seed: 7,
    });
    const fill = (performance.now() - started) / 1000;
    const report: number[] = [];
    const io: CommandIo = { cwd: work, stdout: () => {}, stderr: (text) => process.stderr.write(text) };
    for (let i = 0; i < repeat; i++) {
      const t0 = performance.now();
      const code = await monitor(["--model", modelDir, "--version", "all"], io);
      report.push((performance.now() - t0) / 1000);
      if (code !== 0) throw new Error(`tabula monitor exited ${code}`);
    }
    return { fill, report };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const yardstickRows = Math.max(1, Math.round(rows / 10));
console.error(
  `model ${manifest.name} ${manifest.version}: ${manifest.features.length} features, ${manifest.task}`,
);
console.error(`filling and reporting on ${yardstickRows} rows (yardstick) …`);
const small = await measure(yardstickRows);
console.error(`filling and reporting on ${rows} rows …`);
const large = await measure(rows);

const table = [
  ["logged rows", "fill log s", `report s (median of ${repeat})`, "report s min", "ratio to yardstick"],
  ...[
    [yardstickRows, small],
    [rows, large],
  ].map(([count, run]) => {
    const { fill, report } = run as { fill: number; report: number[] };
    return [
      String(count),
      fill.toFixed(2),
      median(report).toFixed(3),
      Math.min(...report).toFixed(3),
      (median(report) / median(small.report)).toFixed(1),
    ];
  }),
];
const widths = (table[0] as string[]).map((_, c) =>
  Math.max(...table.map((line) => (line[c] as string).length)),
);
for (const line of table) console.log(line.map((cell, c) => cell.padEnd(widths[c] as number)).join("  "));
console.log(
  `load average ${loadavg()
    .map((value) => value.toFixed(2))
    .join(" ")}`,
);
