import { resolve } from "node:path";
import { repro, type StageReport } from "../../repro/index.js";
import { type CommandIo, integerOption, parseCommandArgs, processIo, UsageError } from "../command.js";
import { exitCodeFor } from "../exit-code.js";
import { printError } from "../output.js";
import { createStageReporter } from "../stage-reporter.js";

export const help = `usage: tabula repro [stage...] [options]

Brings the pipeline (or the named stages and everything upstream of them) up to date: a stage runs when its
cmd, a dep's content, a param value or an output changed; a stage whose inputs match an earlier run is restored
from the run cache instead.

options:
  -f, --force            run the selected stages even if nothing changed
  -s, --single           only the named stages, not their upstream
  -n, --dry              say what would run; change nothing
  -j, --jobs N           stages to run at once (default: number of CPUs)
  -k, --keep-going       after a failure, keep running stages that do not depend on it
      --no-run-cache     run stages even when an identical earlier run is cached
      --pull             before running a stage, fetch an identical earlier run from the remote's run cache
  -r, --remote NAME      the remote for --pull (default: $TABULA_REMOTE, then the default remote)
  -S, --set-param K=V    set a params key a stage reads (dotted; file.yaml:key for another file) before running,
                         changing only that value in the file; repeatable
  -C, --cwd DIR          the directory holding pipeline.yaml (default: .)
`;

function parseValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export async function run(args: string[], io: CommandIo = processIo): Promise<number> {
  const { values, positionals } = parseCommandArgs("repro", args, {
    force: { type: "boolean", short: "f" },
    single: { type: "boolean", short: "s" },
    dry: { type: "boolean", short: "n" },
    jobs: { type: "string", short: "j" },
    "keep-going": { type: "boolean", short: "k" },
    "no-run-cache": { type: "boolean" },
    pull: { type: "boolean" },
    remote: { type: "string", short: "r" },
    "set-param": { type: "string", short: "S", multiple: true },
  });
  const setParams: Record<string, unknown> = {};
  for (const assignment of values["set-param"] ?? []) {
    const equals = assignment.indexOf("=");
    if (equals <= 0) throw new UsageError(`--set-param expects key=value, got "${assignment}"`);
    setParams[assignment.slice(0, equals)] = parseValue(assignment.slice(equals + 1));
  }
  if (values.remote !== undefined && !values.pull) throw new UsageError("--remote goes with --pull");
  const cwd = resolve(io.cwd, values.cwd ?? ".");
  const started = performance.now();
  const result = await repro({
    cwd,
    stages: positionals,
    single: values.single,
    force: values.force,
    dry: values.dry,
    jobs: values.jobs === undefined ? undefined : integerOption("jobs", values.jobs, 1, 1),
    keepGoing: values["keep-going"],
    runCache: !values["no-run-cache"],
    pull: values.pull ? (values.remote ?? true) : undefined,
    setParams,
    onEvent: createStageReporter(io),
  });
  if (!result.ok) {
    printError(io, result.error);
    return exitCodeFor(result.error);
  }
  if (result.stages.length === 0) io.stdout("no stages in pipeline.yaml\n");
  if (!values.dry)
    await recordExperiment(io, cwd, positionals, result.stages, (performance.now() - started) / 1000);
  return 0;
}

/** Experiments (src/exp): a run that produced new metrics is recorded; loaded only when a stage ran or restored. */
async function recordExperiment(
  io: CommandIo,
  cwd: string,
  targets: string[],
  stages: StageReport[],
  seconds: number,
) {
  if (!stages.some(({ outcome }) => outcome.kind === "ran" || outcome.kind === "restored")) return;
  const { recordAfterRepro } = await import("../../exp/record.js");
  const { formatExpError } = await import("../../exp/exp-error.js");
  const recorded = await recordAfterRepro(cwd, targets, stages, seconds);
  if (!recorded.ok) io.stderr(`tabula: experiment not recorded: ${formatExpError(recorded.error)}\n`);
  else if (recorded.value) io.stdout(`recorded experiment ${recorded.value.id} (\`tabula exp show\`)\n`);
}
