import { resolve } from "node:path";
import { loadPipeline, renderDag } from "../../repro/index.js";
import { type CommandIo, parseCommandArgs, processIo, UsageError } from "../command.js";
import { exitCodeFor } from "../exit-code.js";
import { printError } from "../output.js";

export const help = `usage: tabula dag [--mermaid | --dot]

Prints the stage graph: an ascii tree by default, Mermaid (for Markdown) or Graphviz dot.

options:
      --mermaid   a Mermaid flowchart
      --dot       Graphviz dot
  -C, --cwd DIR   the directory holding pipeline.yaml (default: .)
`;

export async function run(args: string[], io: CommandIo = processIo): Promise<number> {
  const { values, positionals } = parseCommandArgs("dag", args, {
    mermaid: { type: "boolean" },
    dot: { type: "boolean" },
  });
  if (values.mermaid && values.dot) throw new UsageError("choose one of --mermaid and --dot");
  if (positionals.length > 0) throw new UsageError("dag takes no stage names");
  const loaded = await loadPipeline(resolve(io.cwd, values.cwd ?? "."));
  if (!loaded.ok) {
    printError(io, loaded.error);
    return exitCodeFor(loaded.error);
  }
  io.stdout(renderDag(loaded.value.graph, values.mermaid ? "mermaid" : values.dot ? "dot" : "ascii"));
  return 0;
}
