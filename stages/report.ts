// report: executes the notebooks headless through a real Jupyter kernel (nbconvert + tslab) into self-contained
// HTML reports, failing if any cell writes an error. usage: node --import tsx stages/report.ts NOTEBOOK... (each
// notebooks/<name>.ipynb becomes reports/<name>.html). The notebooks run concurrently: most of each run is kernel
// start-up.
import { basename, join } from "node:path";
import { writeFileAtomic } from "../src/fs/atomic-write.js";
import { MlFailure } from "../src/ml/errors.js";
import { runStageIfMain } from "../src/ml/stage.js";
import { executeNotebook, formatNotebookError } from "../src/notebook/execute.js";

export const REPORTS_DIR = "reports";

export async function reportStage(notebooks: string[]): Promise<string> {
  if (notebooks.length === 0)
    throw new MlFailure({
      kind: "config",
      message: "name the notebooks to run: stages/report.ts NOTEBOOK...",
    });
  const runs = await Promise.all(notebooks.map((notebook) => executeNotebook(notebook, { html: true })));
  const failures = runs.flatMap((run) => (run.ok ? [] : [formatNotebookError(run.error)]));
  if (failures.length > 0) throw new MlFailure({ kind: "config", message: failures.join("\n") });
  const written = notebooks.map((notebook, i) => {
    const path = join(REPORTS_DIR, `${basename(notebook, ".ipynb")}.html`);
    const run = runs[i];
    writeFileAtomic(path, run?.ok ? (run.html ?? "") : "");
    return path;
  });
  return `${written.join(", ")} from ${notebooks.length} notebook${notebooks.length === 1 ? "" : "s"}`;
}

await runStageIfMain(import.meta.url, "report", () => reportStage(process.argv.slice(2)));
