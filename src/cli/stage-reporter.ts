import { describeReason, type ReproEvent, type StageOutcome, type StaleReason } from "../repro/index.js";
import { unreachable } from "../result.js";
import { type CommandIo, processIo } from "./command.js";
import { colors, seconds } from "./output.js";

function firstReason(reasons: StaleReason[]): string {
  const [first] = reasons;
  if (!first) return "";
  const more = reasons.length > 1 ? `, +${reasons.length - 1} more` : "";
  return ` (${describeReason(first)}${more})`;
}

/** The one line a stage gets when it is done. */
export function outcomeLine(outcome: StageOutcome): string {
  switch (outcome.kind) {
    case "up-to-date":
      return colors.dim("skipped (up to date)");
    case "frozen":
      return colors.dim(
        `skipped (frozen)${outcome.restoredOutputs.length > 0 ? `, restored ${outcome.restoredOutputs.join(", ")}` : ""}`,
      );
    case "restored":
      return (
        colors.cyan(`restored from run cache in ${seconds(outcome.seconds)}`) +
        colors.dim(firstReason(outcome.reasons))
      );
    case "ran":
      return colors.green(`ran in ${seconds(outcome.seconds)}`) + colors.dim(firstReason(outcome.reasons));
    case "would-run":
      return outcome.reasons.length > 0
        ? colors.yellow("would run") + colors.dim(firstReason(outcome.reasons))
        : colors.yellow(
            `would run if ${outcome.upstream.join(", ")} change${outcome.upstream.length > 1 ? "" : "s"} its deps`,
          );
    case "failed":
      return colors.red(`failed after ${seconds(outcome.seconds)}`);
    case "skipped-upstream-failed":
      return colors.yellow(`not run: upstream ${outcome.upstream} failed`);
    case "not-started":
      return colors.yellow("not run");
    default:
      return unreachable(outcome);
  }
}

/**
 * Prints a run as it happens: stage output prefixed with the stage name (stages run concurrently), then one
 * line per stage.
 */
export function createStageReporter(io: CommandIo = processIo): (event: ReproEvent) => void {
  let width = 0;
  return (event) => {
    switch (event.type) {
      case "plan":
        width = Math.max(0, ...event.stages.map((name) => name.length));
        return;
      case "waiting-for-lock": {
        const since = Math.round((Date.now() - event.holder.sinceMs) / 1000);
        io.stderr(
          colors.yellow(
            `waiting for another ${event.holder.command} (pid ${event.holder.pid}, started ${since} s ago) to finish…\n`,
          ),
        );
        return;
      }
      case "recovered":
        io.stderr(colors.yellow(`${event.stage}: ${event.detail}\n`));
        return;
      case "stage-started":
        return;
      case "stage-output": {
        const line = `${colors.dim(`${event.stage.padEnd(width)} │`)} ${event.line}\n`;
        (event.stream === "stderr" ? io.stderr : io.stdout)(line);
        return;
      }
      case "stage-finished":
        io.stdout(`${colors.bold(event.stage.padEnd(width))}  ${outcomeLine(event.outcome)}\n`);
        return;
      default:
        unreachable(event);
    }
  };
}
