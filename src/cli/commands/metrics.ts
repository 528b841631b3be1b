import { resolve } from "node:path";
import { metricsDiff, metricsDiffTable, metricsShow, metricsShowTable } from "../../repro/index.js";
import { type CommandIo, integerOption, parseCommandArgs, processIo, UsageError } from "../command.js";
import { exitCodeFor } from "../exit-code.js";
import { printError } from "../output.js";
import { printDiffReview, printReview, reviewFormat } from "../review-output.js";

export const help = `usage: tabula metrics show [--md | --json] [--precision N]
       tabula metrics diff [REV] [--md | --json] [--precision N] [--all]

show: the metrics files the pipeline declares, flattened to dotted keys.
diff: workspace metrics against a git revision (default HEAD), with absolute and relative change; --md gives a
      Markdown table for a pull-request comment.

options:
      --md            Markdown table
      --json          machine-readable
      --precision N   significant digits (default 5)
  -a, --all           diff: include unchanged metrics
  -C, --cwd DIR       the directory holding pipeline.yaml (default: .)
`;

export async function run(args: string[], io: CommandIo = processIo): Promise<number> {
  const { values, positionals } = parseCommandArgs("metrics", args, {
    md: { type: "boolean" },
    json: { type: "boolean" },
    precision: { type: "string" },
    all: { type: "boolean", short: "a" },
  });
  const [action, ...rest] = positionals;
  const format = reviewFormat(values);
  const precision = integerOption("precision", values.precision, 5, 1);
  if (action === "show") {
    if (rest.length > 0) throw new UsageError("metrics show takes no arguments");
    const result = await metricsShow({ cwd: resolve(io.cwd, values.cwd ?? ".") });
    if (!result.ok) {
      printError(io, result.error);
      return exitCodeFor(result.error);
    }
    const json = Object.fromEntries(
      result.value.map((file) => [
        file.path,
        file.problem ? { error: file.problem } : Object.fromEntries(file.values),
      ]),
    );
    printReview(
      io,
      format,
      metricsShowTable(result.value, precision),
      [],
      json,
      "no metrics declared in pipeline.yaml",
    );
    return 0;
  }
  if (action === "diff") {
    if (rest.length > 1) throw new UsageError("metrics diff takes at most one revision");
    const result = await metricsDiff({
      cwd: resolve(io.cwd, values.cwd ?? "."),
      revision: rest[0],
      all: values.all,
    });
    return printDiffReview(io, format, result, (diff) => metricsDiffTable(diff, precision), "metric");
  }
  throw new UsageError(`expects "show" or "diff", got ${action === undefined ? "nothing" : `"${action}"`}`);
}
