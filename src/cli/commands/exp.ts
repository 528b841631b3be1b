import { resolve } from "node:path";
import { applyExperiment } from "../../exp/apply.js";
import { formatExpError } from "../../exp/exp-error.js";
import { enqueue, runQueue } from "../../exp/queue.js";
import { runExperiment } from "../../exp/run-experiment.js";
import { experimentsTable, tableCells, toCsv, toJson } from "../../exp/show-table.js";
import { ExperimentStore } from "../../exp/store.js";
import { renderMarkdown, renderText, type StageReport } from "../../repro/index.js";
import {
  type CommandIo,
  integerOption,
  parseCommandArgs,
  processIo,
  refuse,
  UsageError,
} from "../command.js";
import { colors } from "../output.js";
import { createStageReporter, outcomeLine } from "../stage-reporter.js";

export const help = `usage: tabula exp run [STAGE...] [-S KEY=VALUE]... [-n NAME] [--queue] [-j N] [--no-run-cache]
       tabula exp show [--md | --json | --csv] [--sort-by NAME] [--sort-order asc|desc] [-a]
       tabula exp apply ID
       tabula exp queue [list | start [-j N] | remove ID]

run:   runs the pipeline (or the named stages and their upstream) with params overridden, in a copy of the
       workspace under .repro/exp/: your files stay exactly as they are. Stages whose inputs match an earlier
       run are restored from the run cache. The result is recorded as an experiment (.repro/experiments/).
       --queue saves the run for \`exp queue start\` instead.
show:  the recorded experiments (every \`tabula repro\` that produced new metrics, and every \`exp run\`) with
       the params and metrics that differ between them (-a: all of them).
apply: writes an experiment's params into the params files and restores its outputs (from the run cache).
queue: list the queue; start runs it, N experiments at a time (-j, default 1); remove drops one.

options:
  -S, --set-param KEY=VALUE  a params key (dotted; file.yaml:key for another file); VALUE is JSON or text
  -n, --name NAME            a name to show instead of the id
  -j, --jobs N               run: stages at once; queue start: experiments at once
      --no-run-cache         run every stage even when an identical run is cached
      --md | --json | --csv  output format of show (default: a text table)
      --sort-by NAME         a metric or param (full name or its last part, e.g. mse)
      --sort-order ORDER     asc (default) or desc
  -a, --all                  show every param and metric column
  -C, --cwd DIR              the directory holding pipeline.yaml (default: .)
`;

export async function run(args: string[], io: CommandIo = processIo): Promise<number> {
  const { values, positionals } = parseCommandArgs("exp", args, {
    "set-param": { type: "string", short: "S", multiple: true },
    name: { type: "string", short: "n" },
    queue: { type: "boolean" },
    jobs: { type: "string", short: "j" },
    "no-run-cache": { type: "boolean" },
    md: { type: "boolean" },
    json: { type: "boolean" },
    csv: { type: "boolean" },
    "sort-by": { type: "string" },
    "sort-order": { type: "string" },
    all: { type: "boolean", short: "a" },
  });
  const root = resolve(io.cwd, values.cwd ?? ".");
  const [action, ...rest] = positionals;
  switch (action) {
    case "run": {
      const overrides = parseOverrides(values["set-param"] ?? []);
      const request = { name: values.name ?? null, overrides, stages: rest };
      if (values.queue) {
        const entry = enqueue(root, request);
        io.stdout(
          `queued ${entry.id}${entry.name ? ` (${entry.name})` : ""}: \`tabula exp queue start\` runs it\n`,
        );
        return 0;
      }
      const result = await runExperiment(root, request, {
        jobs: values.jobs === undefined ? undefined : integerOption("jobs", values.jobs, 1, 1),
        runCache: !values["no-run-cache"],
        onEvent: createStageReporter(io),
      });
      if (!result.ok) return refuseWithStages(io, formatExpError(result.error), result.stages);
      const { experiment } = result;
      io.stdout(
        `experiment ${colors.bold(experiment.id)}${experiment.name ? ` (${experiment.name})` : ""} recorded: ${summary(experiment.stages)}; \`tabula exp show\` compares it\n`,
      );
      return 0;
    }
    case "show": {
      if (rest.length > 0) throw new UsageError("exp show takes no arguments");
      const formats = [values.md, values.json, values.csv].filter(Boolean).length;
      if (formats > 1) throw new UsageError("choose one of --md, --json, --csv");
      const order = values["sort-order"];
      if (order !== undefined && order !== "asc" && order !== "desc")
        throw new UsageError(`--sort-order must be asc or desc, got "${order}"`);
      const experiments = new ExperimentStore(root).list();
      const table = experimentsTable(experiments, { all: values.all, sortBy: values["sort-by"], order });
      if (!table.ok) throw new UsageError(formatExpError(table.error));
      if (values.json) io.stdout(toJson(table.value));
      else if (values.csv) io.stdout(toCsv(table.value));
      else if (experiments.length === 0)
        io.stdout("no experiments yet: `tabula repro` and `tabula exp run` record them\n");
      else io.stdout((values.md ? renderMarkdown : renderText)(tableCells(table.value)));
      return 0;
    }
    case "apply": {
      if (rest.length !== 1) throw new UsageError("exp apply takes one experiment id (or name)");
      const applied = await applyExperiment(root, rest[0] as string, { onEvent: createStageReporter(io) });
      if (!applied.ok) return refuseWithStages(io, formatExpError(applied.error), []);
      const { experiment, changed, differingMetrics } = applied.value;
      const params = Object.entries(changed).map(
        ([key, [from, to]]) => `${key}: ${JSON.stringify(from)} → ${JSON.stringify(to)}`,
      );
      io.stdout(
        `applied ${experiment.id}${experiment.name ? ` (${experiment.name})` : ""}: ${params.length > 0 ? params.join(", ") : "params already equal"}\n`,
      );
      if (differingMetrics.length > 0)
        io.stderr(
          colors.yellow(
            `note: ${differingMetrics.join(", ")} differ from the experiment's (has the code changed since?)\n`,
          ),
        );
      return 0;
    }
    case "queue":
      return queueCommand(io, root, rest, values.jobs, !values["no-run-cache"]);
    default:
      throw new UsageError(
        `expects run, show, apply or queue, got ${action === undefined ? "nothing" : `"${action}"`}`,
      );
  }
}

async function queueCommand(
  io: CommandIo,
  root: string,
  args: string[],
  jobs: string | undefined,
  runCache: boolean,
): Promise<number> {
  const store = new ExperimentStore(root);
  const [sub = "list", ...rest] = args;
  if (sub === "list") {
    const queued = store.queued();
    if (queued.length === 0) io.stdout("the queue is empty\n");
    for (const entry of queued) {
      const overrides = Object.entries(entry.overrides).map(
        ([key, value]) => `${key}=${JSON.stringify(value)}`,
      );
      const state = entry.failed ? colors.red(`failed: ${entry.failed.split("\n")[0]}`) : "queued";
      io.stdout(`${entry.id}  ${entry.name ?? ""}  ${overrides.join(" ") || "(no overrides)"}  ${state}\n`);
    }
    return 0;
  }
  if (sub === "remove") {
    if (rest.length !== 1) throw new UsageError("exp queue remove takes one id");
    const found = store.findQueued(rest[0] as string);
    if (!found.ok) return refuseWithStages(io, formatExpError(found.error), []);
    store.dequeue(found.value.id);
    io.stdout(`removed ${found.value.id} from the queue\n`);
    return 0;
  }
  if (sub !== "start") throw new UsageError(`exp queue expects list, start or remove, got "${sub}"`);
  const count = store.queued().length;
  const parallel = integerOption("jobs", jobs, 1, 1);
  io.stdout(`running ${count} queued experiment${count === 1 ? "" : "s"}, ${parallel} at a time\n`);
  const report = await runQueue(root, {
    jobs: parallel,
    runCache,
    onFinished: (entry, result) => {
      if (result.ok)
        io.stdout(`${colors.green("done")}    ${entry.id}  ${summary(result.experiment.stages)}\n`);
      else io.stdout(`${colors.red("failed")}  ${entry.id}  ${formatExpError(result.error)}\n`);
    },
  });
  io.stdout(`${report.succeeded.length} recorded, ${report.failed.length} failed\n`);
  return report.failed.length > 0 ? 1 : 0;
}

function parseOverrides(assignments: string[]): Record<string, unknown> {
  const overrides: Record<string, unknown> = {};
  for (const assignment of assignments) {
    const equals = assignment.indexOf("=");
    if (equals <= 0) throw new UsageError(`--set-param expects KEY=VALUE, got "${assignment}"`);
    const text = assignment.slice(equals + 1);
    let value: unknown = text;
    try {
      value = JSON.parse(text);
    } catch {}
    overrides[assignment.slice(0, equals)] = value;
  }
  return overrides;
}

function summary(stages: { ran: string[]; restored: string[] }): string {
  const parts = [];
  if (stages.ran.length > 0) parts.push(`ran ${stages.ran.join(", ")}`);
  if (stages.restored.length > 0) parts.push(`restored ${stages.restored.join(", ")} from the run cache`);
  return parts.join("; ") || "nothing to run";
}

/** A refused experiment, with the output tail of each stage that failed. */
function refuseWithStages(io: CommandIo, message: string, stages: StageReport[]): number {
  refuse(io, message);
  for (const { stage, outcome } of stages)
    if (outcome.kind === "failed") {
      io.stderr(`${stage}: ${outcomeLine(outcome)}\n`);
      for (const line of outcome.outputTail) io.stderr(`  ${line}\n`);
    }
  return 1;
}
