// `tabula log export`: the server's logged traffic as a CSV in the training data's columns, the ground truth from
// /feedback in the target column, so retraining on production data is: export, commit, `npm run repro`.
import { readFileSync } from "node:fs";
import { relative, resolve } from "node:path";
import { parse } from "yaml";
import { writeFileAtomic } from "../../fs/atomic-write.js";
import { exportRows } from "../../monitor/labelled-export.js";
import { DEFAULT_LOG, DEFAULT_MODEL_DIR, loadMonitorInputs } from "../../monitor/load-inputs.js";
import {
  type CommandIo,
  parseCommandArgs,
  predictionLogOptions,
  processIo,
  UsageError,
  withUsage,
} from "../command.js";

export const help = `usage: tabula log export [--labelled] [--processed] [--since WHEN] [--until WHEN] [--version V|all] [--out FILE]

Writes the rows the server logged as CSV with the training data's header (params.yaml's dataset.path), the
features as the clients sent them and the ground truth /feedback joined to each row in the target column.
Columns the log does not hold are left empty.

options:
      --labelled       only rows whose ground truth has arrived (what retraining takes)
      --processed      the model's input after preprocessing (the log's predictions.vectors: one column per
                       manifest feature, category codes as the model saw them) instead of the raw features
      --since WHEN     from this time: ISO 8601 (2026-11-30, 2026-11-30T12:00Z) or a duration back (12h, 7d)
      --until WHEN     up to this time (same forms)
      --version V      only rows this model version predicted; \`all\` for every version (default: all)
      --log FILE       the prediction log (default: ${DEFAULT_LOG})
      --model DIR      the model's package directory, holding manifest.json (default: ${DEFAULT_MODEL_DIR})
      --out FILE       where the CSV goes (default: standard output)
  -C, --cwd DIR        the project directory (default: .)
`;

/** The training CSV's header, when params.yaml names a readable one. */
function trainingHeader(cwd: string): string[] | undefined {
  try {
    const params = parse(readFileSync(resolve(cwd, "params.yaml"), "utf8")) as {
      dataset?: { path?: unknown };
    };
    const path = params?.dataset?.path;
    if (typeof path !== "string") return undefined;
    const firstLine = readFileSync(resolve(cwd, path), "utf8").split(/\r?\n/, 1)[0] ?? "";
    const header = firstLine.split(",").map((name) => name.trim().replace(/^"(.*)"$/, "$1"));
    return header.length > 0 && header[0] !== "" ? header : undefined;
  } catch {
    return undefined;
  }
}

export function run(args: string[], io: CommandIo = processIo): Promise<number> {
  return withUsage("log", help, io, () => logCommand(args, io));
}

async function logCommand(args: string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseCommandArgs("log", args, {
    labelled: { type: "boolean" },
    processed: { type: "boolean" },
    ...predictionLogOptions,
  });
  if (values.help) {
    io.stdout(help);
    return 0;
  }
  if (positionals[0] !== "export" || positionals.length > 1)
    throw new UsageError("the subcommand is `export`");
  const cwd = resolve(io.cwd, values.cwd ?? ".");
  const inputs = loadMonitorInputs({ cwd, ...values, version: values.version ?? "all" });
  if (!inputs.ok) {
    if (inputs.error.kind === "usage") throw new UsageError(inputs.error.message);
    io.stderr(`tabula log: ${inputs.error.message}\n`);
    return 1;
  }
  const header = trainingHeader(cwd);
  const exported = exportRows(inputs.value.manifest, inputs.value.rows, {
    labelledOnly: values.labelled ?? false,
    processed: values.processed ?? false,
    ...(header === undefined ? {} : { columns: header }),
  });
  const what = values.processed ? "logged model input" : "named features";
  const why = values.labelled ? `without a label or ${what}` : `without ${what}`;
  const summary = `${exported.rows} rows exported${exported.skipped > 0 ? `, ${exported.skipped} ${why} left out` : ""}`;
  if (values.out === undefined) {
    io.stdout(exported.csv);
    io.stderr(`${summary}\n`);
  } else {
    const out = resolve(cwd, values.out);
    writeFileAtomic(out, exported.csv);
    io.stdout(`${summary} to ${relative(cwd, out)}\n`);
  }
  return 0;
}
