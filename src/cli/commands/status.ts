import { describeReason, status } from "../../repro/index.js";
import { parseCommandArgs } from "../command.js";
import { exitCodeFor } from "../exit-code.js";
import { colors, printError } from "../output.js";

export const help = `usage: tabula status [stage...] [--json]

Shows which stages are stale and why, without running anything.

options:
      --json      machine-readable: [{stage, state, reasons, upstream}]
  -C, --cwd DIR   the directory holding pipeline.yaml (default: .)
`;

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs("status", args, { json: { type: "boolean" } });
  const result = await status({ cwd: values.cwd, stages: positionals });
  if (!result.ok) {
    printError(result.error);
    return exitCodeFor(result.error);
  }
  if (values.json) {
    process.stdout.write(`${JSON.stringify(result.value, null, 2)}\n`);
    return 0;
  }
  const width = Math.max(0, ...result.value.map((entry) => entry.stage.length));
  let stale = 0;
  for (const entry of result.value) {
    const name = colors.bold(entry.stage.padEnd(width));
    switch (entry.state) {
      case "up-to-date":
        process.stdout.write(`${name}  ${colors.dim("up to date")}\n`);
        break;
      case "frozen":
        process.stdout.write(
          `${name}  ${colors.dim(`frozen${entry.reasons.length > 0 ? " (stale, not run)" : ""}`)}\n`,
        );
        break;
      case "upstream-stale":
        stale++;
        process.stdout.write(
          `${name}  ${colors.yellow(`may run: upstream ${entry.upstream.join(", ")} is stale`)}\n`,
        );
        break;
      case "stale":
        stale++;
        process.stdout.write(`${name}  ${colors.yellow("stale")}\n`);
        break;
    }
    if (entry.state === "stale" || entry.state === "frozen") {
      for (const reason of entry.reasons)
        process.stdout.write(`${" ".repeat(width)}    ${describeReason(reason)}\n`);
    }
  }
  if (stale === 0 && result.value.length > 0) process.stdout.write(colors.green("Pipeline is up to date.\n"));
  return 0;
}
