// `npm run notebook -- NOTEBOOK [-p NAME VALUE]... [--out FILE.html]`: executes one notebook headless through this
// checkout's kernel and writes it as a self-contained HTML page (default: next to the notebook, as nbconvert does).
// -p sets a parameter the notebook's `parameters` cell declares (papermill-style; VALUE is JSON or plain text).
// Exit codes: 0 written, 1 a cell failed or Jupyter is missing, 2 bad usage.
import { basename, dirname, join } from "node:path";
import { writeFileAtomic } from "../src/fs/atomic-write.js";
import { executeNotebook, formatNotebookError } from "../src/notebook/execute.js";
import { type ParameterValue, parseParameterValue } from "../src/notebook/parameters.js";

const USAGE = "usage: npm run notebook -- NOTEBOOK.ipynb [-p NAME VALUE]... [--out FILE.html]";

function parseArgs(
  args: string[],
): { notebook: string; out: string; parameters: Record<string, ParameterValue> } | string {
  let notebook: string | undefined;
  let out: string | undefined;
  const parameters: Record<string, ParameterValue> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === "-p" || arg === "--parameter") {
      const name = args[i + 1];
      const value = args[i + 2];
      if (name === undefined || value === undefined) return `${arg} needs NAME and VALUE`;
      parameters[name] = parseParameterValue(value);
      i += 2;
    } else if (arg === "--out") {
      out = args[++i];
      if (out === undefined) return "--out needs a file";
    } else if (arg.startsWith("-")) {
      return `unknown option ${arg}`;
    } else if (notebook === undefined) {
      notebook = arg;
    } else {
      return `one notebook at a time (got ${notebook} and ${arg})`;
    }
  }
  if (notebook === undefined || !notebook.endsWith(".ipynb")) return "name a .ipynb notebook";
  return {
    notebook,
    out: out ?? join(dirname(notebook), `${basename(notebook, ".ipynb")}.html`),
    parameters,
  };
}

const parsed = parseArgs(process.argv.slice(2));
if (typeof parsed === "string") {
  process.stderr.write(`notebook: ${parsed}\n${USAGE}\n`);
  process.exit(2);
}
const started = Date.now();
const run = await executeNotebook(parsed.notebook, {
  html: true,
  ...(Object.keys(parsed.parameters).length > 0 ? { parameters: parsed.parameters } : {}),
});
if (!run.ok) {
  process.stderr.write(`notebook: ${formatNotebookError(run.error)}\n`);
  process.exit(run.error.kind === "parameters" ? 2 : 1);
}
writeFileAtomic(parsed.out, run.value.html ?? "");
process.stdout.write(`notebook: ${parsed.out} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
