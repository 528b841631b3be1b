import { resolve } from "node:path";
import { why } from "../../repro/index.js";
import { type CommandIo, parseCommandArgs, processIo, UsageError } from "../command.js";
import { exitCodeFor } from "../exit-code.js";
import { colors, printError } from "../output.js";

export const help = `usage: tabula why <stage> [--json]

Explains why a stage would run: for each reason, the old and new value (cmd text, which dep and which of its
files changed, param key old → new, missing outputs).

options:
      --json      machine-readable
  -C, --cwd DIR   the directory holding pipeline.yaml (default: .)
`;

const MAX_FILES = 20;

function fileLines(label: string, files: string[]): string[] {
  const shown = files.slice(0, MAX_FILES).map((file) => `      ${label} ${file}`);
  if (files.length > MAX_FILES) shown.push(`      … and ${files.length - MAX_FILES} more ${label}`);
  return shown;
}

export async function run(args: string[], io: CommandIo = processIo): Promise<number> {
  const { values, positionals } = parseCommandArgs("why", args, { json: { type: "boolean" } });
  const [stage, ...extra] = positionals;
  if (!stage || extra.length > 0) throw new UsageError("expects exactly one stage name");
  const result = await why({ cwd: resolve(io.cwd, values.cwd ?? "."), stage });
  if (!result.ok) {
    printError(io, result.error);
    return exitCodeFor(result.error);
  }
  const report = result.value;
  if (values.json) {
    io.stdout(`${JSON.stringify(report, null, 2)}\n`);
    return 0;
  }
  const lines: string[] = [];
  if (report.explanations.length === 0) {
    lines.push(
      report.upstream.length > 0
        ? `${stage} is up to date itself, but runs again if ${report.upstream.join(", ")} change${report.upstream.length > 1 ? "" : "s"} its deps`
        : `${stage} is up to date`,
    );
  } else {
    lines.push(
      `${colors.bold(stage)} ${report.state === "frozen" ? "is frozen, but would run because:" : "runs because:"}`,
    );
    for (const { text, files } of report.explanations) {
      lines.push(`  - ${text}`);
      if (files) {
        lines.push(
          ...fileLines("modified:", files.modified),
          ...fileLines("added:", files.added),
          ...fileLines("removed:", files.removed),
        );
      }
    }
    if (report.upstream.length > 0) lines.push(`  (upstream ${report.upstream.join(", ")} is stale too)`);
  }
  io.stdout(`${lines.join("\n")}\n`);
  return 0;
}
