import { resolve } from "node:path";
import { describeReason, remoteStatus, status } from "../../repro/index.js";
import { unreachable } from "../../result.js";
import { type CommandIo, parseCommandArgs, processIo } from "../command.js";
import { exitCodeFor } from "../exit-code.js";
import { colors, printError } from "../output.js";
import { takeRemoteFlag } from "../remote-flag.js";

export const help = `usage: tabula status [stage...] [--json]
       tabula status --remote[=NAME] [--json]

Shows which stages are stale and why, without running anything.

options:
      --json             machine-readable: [{stage, state, reasons, upstream}]
      --remote[=NAME]    instead: which outputs of the lock and run-cache entries are not pushed / pulled
  -C, --cwd DIR   the directory holding pipeline.yaml (default: .)
`;

export async function run(args: string[], io: CommandIo = processIo): Promise<number> {
  const { rest, remote } = takeRemoteFlag(args);
  const { values, positionals } = parseCommandArgs("status", rest, { json: { type: "boolean" } });
  if (remote) return showRemoteStatus(io, resolve(io.cwd, values.cwd ?? "."), remote, values.json);
  const result = await status({ cwd: resolve(io.cwd, values.cwd ?? "."), stages: positionals });
  if (!result.ok) {
    printError(io, result.error);
    return exitCodeFor(result.error);
  }
  if (values.json) {
    io.stdout(`${JSON.stringify(result.value, null, 2)}\n`);
    return 0;
  }
  const width = Math.max(0, ...result.value.map((entry) => entry.stage.length));
  let stale = 0;
  for (const entry of result.value) {
    const name = colors.bold(entry.stage.padEnd(width));
    switch (entry.state) {
      case "up-to-date":
        io.stdout(`${name}  ${colors.dim("up to date")}\n`);
        break;
      case "frozen":
        io.stdout(`${name}  ${colors.dim(`frozen${entry.reasons.length > 0 ? " (stale, not run)" : ""}`)}\n`);
        break;
      case "upstream-stale":
        stale++;
        io.stdout(`${name}  ${colors.yellow(`may run: upstream ${entry.upstream.join(", ")} is stale`)}\n`);
        break;
      case "stale":
        stale++;
        io.stdout(`${name}  ${colors.yellow("stale")}\n`);
        break;
      default:
        return unreachable(entry.state);
    }
    if (entry.state === "stale" || entry.state === "frozen") {
      for (const reason of entry.reasons) io.stdout(`${" ".repeat(width)}    ${describeReason(reason)}\n`);
    }
  }
  if (stale === 0 && result.value.length > 0) io.stdout(colors.green("Pipeline is up to date.\n"));
  return 0;
}

/** `status --remote`: what push would send and pull would fetch. */
async function showRemoteStatus(
  io: CommandIo,
  cwd: string,
  remote: string | true,
  json?: boolean,
): Promise<number> {
  const result = await remoteStatus({ cwd, remote: remote === true ? undefined : remote });
  if (!result.ok) {
    printError(io, result.error);
    return exitCodeFor(result.error);
  }
  const report = result.value;
  if (json) {
    io.stdout(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    const width = Math.max(0, ...report.outputs.map((output) => output.path.length));
    for (const output of report.outputs) {
      const state =
        output.cached && output.onRemote
          ? colors.dim("in sync")
          : output.cached
            ? colors.yellow("not pushed")
            : output.onRemote
              ? colors.yellow("not pulled")
              : colors.red("missing here and on the remote");
      io.stdout(`${output.path.padEnd(width)}  ${state}  ${colors.dim(`(${output.stage})`)}\n`);
    }
    const { objects, runs } = report;
    io.stdout(
      `${report.remote}: ${objects.toPush} objects and ${runs.toPush} run entries to push, ${objects.toPull} objects and ${runs.toPull} run entries to pull${objects.nowhere > 0 ? `, ${objects.nowhere} objects nowhere` : ""}\n`,
    );
  }
  return 0;
}
