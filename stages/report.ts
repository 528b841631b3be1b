// report: executes the notebooks headless through a real Jupyter kernel (nbconvert + tslab) into self-contained
// HTML reports, failing if any cell writes an error. usage: node --import tsx stages/report.ts NOTEBOOK... (each
// notebooks/<name>.ipynb becomes reports/<name>.html). The notebooks run concurrently: most of each run is kernel
// start-up.
import { readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { writeFileAtomic } from "../src/fs/atomic-write.js";
import { readChampion } from "../src/ml/champion.js";
import { MlFailure, unwrap } from "../src/ml/errors.js";
import { MlParams } from "../src/ml/params.js";
import { runStageIfMain } from "../src/ml/stage.js";
import { executeNotebook, formatNotebookError } from "../src/notebook/execute.js";
import { declaredParameters, type ParameterValue } from "../src/notebook/parameters.js";

export const REPORTS_DIR = "reports";

export async function reportStage(notebooks: string[]): Promise<string> {
  if (notebooks.length === 0)
    throw new MlFailure({
      kind: "config",
      message: "name the notebooks to run: stages/report.ts NOTEBOOK...",
    });
  const runs = await Promise.all(
    notebooks.map((notebook) =>
      executeNotebook(notebook, { html: true, parameters: parametersFor(notebook) }),
    ),
  );
  const failures = runs.flatMap((run) => (run.ok ? [] : [formatNotebookError(run.error)]));
  if (failures.length > 0) throw new MlFailure({ kind: "config", message: failures.join("\n") });
  const written = notebooks.map((notebook, i) => {
    const path = join(REPORTS_DIR, `${basename(notebook, ".ipynb")}.html`);
    const run = runs[i];
    writeFileAtomic(path, run?.ok ? (run.value.html ?? "") : "");
    return path;
  });
  return `${written.join(", ")} from ${notebooks.length} notebook${notebooks.length === 1 ? "" : "s"}`;
}

/**
 * What this run is about, passed to each notebook that declares it (papermill-style parameters): the dataset file
 * params.yaml names and the registry's production version, so each report names the data and model it shows.
 */
function parametersFor(notebook: string): Record<string, ParameterValue> {
  const params = unwrap(MlParams.read());
  const registry = unwrap(params.registry());
  const known: Record<string, ParameterValue> = {
    datasetPath: unwrap(params.dataset()).path,
    modelVersion: unwrap(readChampion(registry.dir, registry.name)).version ?? "",
  };
  const declared = declaredParameters(JSON.parse(readFileSync(notebook, "utf8")));
  return Object.fromEntries(Object.entries(known).filter(([name]) => declared.includes(name)));
}

await runStageIfMain(import.meta.url, "report", () => reportStage(process.argv.slice(2)));
