import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import {
  declaredPlotPaths,
  type PlotFile,
  revisionPlots,
  workspacePlots,
} from "../../plots/declared-plots.js";
import { diffPage, showPage } from "../../plots/plots-page.js";
import { formatError } from "../../repro/index.js";
import { type CommandIo, parseCommandArgs, processIo, refuse, UsageError } from "../command.js";

export const help = `usage: tabula plots show [PLOT...] [-o FILE]
       tabula plots diff [REV] [-o FILE]

show: one self-contained HTML page (inline SVG, no scripts) with every plot file the stages declare under
      \`plots:\` in pipeline.yaml (or only the named ones). Written to .repro/plots/show.html unless -o is given.
diff: the workspace's plots and those at a git revision (default HEAD) side by side, marked changed / unchanged /
      new / removed. Written to .repro/plots/diff.html unless -o is given.

A plot file is a Vega-Lite spec, or a JSON array of records drawn with the template its fields call for
(actual/predicted, predicted/residual, feature/importance, fpr/tpr, actual/predicted/count, trial/cvMean, or a
line, scatter or bar of its first fields).

options:
  -o, --out FILE   where to write the page
  -C, --cwd DIR    the directory holding pipeline.yaml (default: .)
`;

export async function run(args: string[], io: CommandIo = processIo): Promise<number> {
  const { values, positionals } = parseCommandArgs("plots", args, { out: { type: "string", short: "o" } });
  const [action, ...rest] = positionals;
  const root = resolve(io.cwd, values.cwd ?? ".");
  if (action !== "show" && action !== "diff")
    throw new UsageError(`expects "show" or "diff", got ${action === undefined ? "nothing" : `"${action}"`}`);
  const declared = await declaredPlotPaths(root);
  if (!declared.ok) return refuse(io, formatError(declared.error));
  const workspace = workspacePlots(root, declared.value);

  if (action === "show") {
    const selected = selectPlots(workspace, rest);
    const page = await showPage(selected, root);
    return write(
      io,
      values.out ?? join(root, ".repro", "plots", "show.html"),
      page,
      `${selected.length} plot files`,
    );
  }
  if (rest.length > 1) throw new UsageError("plots diff takes at most one revision");
  const revision = rest[0] ?? "HEAD";
  const then = revisionPlots(root, revision, declared.value);
  if (!then.ok) return refuse(io, formatError(then.error));
  const label = `${revision} (${then.value.commit.slice(0, 7)})`;
  const page = await diffPage(workspace, then.value.files, label, root);
  return write(io, values.out ?? join(root, ".repro", "plots", "diff.html"), page, `workspace vs ${label}`);
}

function selectPlots(files: PlotFile[], targets: string[]): PlotFile[] {
  if (targets.length === 0) return files;
  const normalized = targets.map((target) => target.replace(/\/+$/, ""));
  for (const target of normalized)
    if (!files.some((file) => file.path === target || file.path.startsWith(`${target}/`)))
      throw new UsageError(
        `"${target}" is not a declared plot; declared: ${files.map((file) => file.path).join(", ") || "none"}`,
      );
  return files.filter((file) =>
    normalized.some((target) => file.path === target || file.path.startsWith(`${target}/`)),
  );
}

function write(io: CommandIo, path: string, html: string, what: string): number {
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.tmp-${process.pid}`;
  writeFileSync(temp, html);
  renameSync(temp, path);
  const shown = relative(io.cwd, path);
  io.stdout(`wrote ${shown.startsWith("..") ? path : shown} (${what})\n`);
  return 0;
}
