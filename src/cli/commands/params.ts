import { resolve } from "node:path";
import { paramsDiff, paramsDiffTable } from "../../repro/index.js";
import { type CommandIo, integerOption, parseCommandArgs, processIo, UsageError } from "../command.js";
import { printDiffReview, reviewFormat } from "../review-output.js";

export const help = `usage: tabula params diff [REV] [--md | --json] [--all]

Params files in the workspace against a git revision (default HEAD); --md gives a Markdown table for a
pull-request comment.

options:
      --md            Markdown table
      --json          machine-readable
      --precision N   significant digits for numbers (default 5)
  -a, --all           include unchanged params
  -C, --cwd DIR       the directory holding pipeline.yaml (default: .)
`;

export async function run(args: string[], io: CommandIo = processIo): Promise<number> {
  const { values, positionals } = parseCommandArgs("params", args, {
    md: { type: "boolean" },
    json: { type: "boolean" },
    precision: { type: "string" },
    all: { type: "boolean", short: "a" },
  });
  const [action, ...rest] = positionals;
  if (action !== "diff")
    throw new UsageError(`expects "diff", got ${action === undefined ? "nothing" : `"${action}"`}`);
  if (rest.length > 1) throw new UsageError("params diff takes at most one revision");
  const format = reviewFormat(values);
  const precision = integerOption("precision", values.precision, 5, 1);
  const result = await paramsDiff({
    cwd: resolve(io.cwd, values.cwd ?? "."),
    revision: rest[0],
    all: values.all,
  });
  return printDiffReview(io, format, result, (diff) => paramsDiffTable(diff, precision), "param");
}
