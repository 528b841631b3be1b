import { loadPipeline, renderDag } from "../../repro/index.js";
import { parseCommandArgs, UsageError } from "../command.js";
import { exitCodeFor } from "../exit-code.js";
import { printError } from "../output.js";

export const help = `usage: tabula dag [--mermaid | --dot]

Prints the stage graph: an ascii tree by default, Mermaid (for Markdown) or Graphviz dot.

options:
      --mermaid   a Mermaid flowchart
      --dot       Graphviz dot
  -C, --cwd DIR   the directory holding pipeline.yaml (default: .)
`;

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs("dag", args, {
    mermaid: { type: "boolean" },
    dot: { type: "boolean" },
  });
  if (values.mermaid && values.dot) throw new UsageError("choose one of --mermaid and --dot");
  if (positionals.length > 0) throw new UsageError("dag takes no stage names");
  const loaded = await loadPipeline(values.cwd ?? process.cwd());
  if (!loaded.ok) {
    printError(loaded.error);
    return exitCodeFor(loaded.error);
  }
  process.stdout.write(
    renderDag(loaded.value.graph, values.mermaid ? "mermaid" : values.dot ? "dot" : "ascii"),
  );
  return 0;
}
