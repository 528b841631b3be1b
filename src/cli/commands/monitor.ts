// `tabula monitor`: drift and live performance of the logged traffic against the model's training profile, with no
// server running: a JSON report and an HTML page.
import { mkdirSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { writeFileAtomic } from "../../fs/atomic-write.js";
import { DEFAULT_LOG, DEFAULT_MODEL_DIR, loadMonitorInputs } from "../../monitor/load-inputs.js";
import { renderMonitorPage } from "../../monitor/monitor-page.js";
import { monitorReport } from "../../monitor/monitor-report.js";
import {
  type CommandIo,
  parseCommandArgs,
  predictionLogOptions,
  processIo,
  UsageError,
  withUsage,
} from "../command.js";

export const help = `usage: tabula monitor [--log FILE] [--model DIR] [--since WHEN] [--until WHEN] [--version V|all] [--out DIR]

Reads the server's prediction log and writes a drift and performance report against the model's training
profile: per feature the test (Kolmogorov–Smirnov or chi-squared for a training set of up to 1,000 rows, with
Benjamini–Hochberg correction across features; normalised Wasserstein or Jensen–Shannon distance above that),
its statistic, p-value or distance, threshold and verdict; the share of drifted features; and MAE/RMSE or
accuracy/log loss over the rows whose ground truth came back through /feedback.

options:
      --log FILE       the prediction log (default: ${DEFAULT_LOG})
      --model DIR      the model's package directory, holding manifest.json (default: ${DEFAULT_MODEL_DIR})
      --since WHEN     from this time: ISO 8601 (2026-11-30, 2026-11-30T12:00Z) or a duration back (12h, 7d)
      --until WHEN     up to this time (same forms)
      --version V      only rows this model version predicted; \`all\` for every version (default: the model's)
      --out DIR        where monitor.json and monitor.html go (default: reports/monitor)
  -C, --cwd DIR        the project directory (default: .)
`;

export function run(args: string[], io: CommandIo = processIo): Promise<number> {
  return withUsage("monitor", help, io, () => monitor(args, io));
}

async function monitor(args: string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseCommandArgs("monitor", args, {
    ...predictionLogOptions,
  });
  if (values.help) {
    io.stdout(help);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError("monitor takes no arguments");
  const cwd = resolve(io.cwd, values.cwd ?? ".");
  const inputs = loadMonitorInputs({ cwd, ...values });
  if (!inputs.ok) {
    if (inputs.error.kind === "usage") throw new UsageError(inputs.error.message);
    io.stderr(`tabula monitor: ${inputs.error.message}\n`);
    return 1;
  }
  const report = monitorReport(inputs.value.manifest, inputs.value.rows);
  const out = resolve(cwd, values.out ?? "reports/monitor");
  mkdirSync(out, { recursive: true });
  writeFileAtomic(join(out, "monitor.json"), `${JSON.stringify(report, null, 2)}\n`);
  writeFileAtomic(join(out, "monitor.html"), await renderMonitorPage(report));
  const drifted = report.drift.features.filter((feature) => feature.drifted).map((feature) => feature.name);
  const performance = Object.entries(report.performance)
    .filter(([key]) => !["predictions", "labelled", "waitingForLabels"].includes(key))
    .map(([key, value]) => `${key} ${Number(value).toPrecision(4)}`);
  io.stdout(
    `${[
      `${report.performance.predictions} predictions of ${report.model.name} ${report.window.versions.join(", ") || report.model.version}, ${report.performance.labelled} labelled, ${report.performance.waitingForLabels} waiting for labels`,
      `drift: ${drifted.length} of ${report.drift.features.length} features${drifted.length > 0 ? ` (${drifted.join(", ")})` : ""}${report.drift.drifted ? ": the dataset has drifted" : ""}`,
      ...(performance.length > 0 ? [`live: ${performance.join(", ")}`] : []),
      `wrote ${relative(cwd, join(out, "monitor.json"))} and ${relative(cwd, join(out, "monitor.html"))}`,
    ].join("\n")}\n`,
  );
  return 0;
}
