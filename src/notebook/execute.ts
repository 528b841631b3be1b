// Executes a notebook headless through a real Jupyter kernel (nbconvert + this checkout's tslab kernel), checks that no cell
// wrote an error, and optionally renders the executed notebook as a self-contained HTML report. Used by the
// report stage and the notebook tests.

import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, delimiter, dirname, join, relative, resolve } from "node:path";
import { err, ok, type Result, unreachable } from "../result.js";
import { KERNEL_NAME, kernelSpec } from "./kernelspec.js";
import {
  formatParameterError,
  injectParameters,
  type ParameterizableNotebook,
  type ParameterValue,
} from "./parameters.js";

export const KERNEL = KERNEL_NAME;
/** JupyterLab's HTML template with SVG outputs left intact (see the template's comment). */
export const REPORT_TEMPLATE = "notebooks/report.html.j2";

export type NotebookError =
  | { kind: "jupyter-missing"; detail: string }
  | { kind: "kernel-missing"; detail: string }
  | { kind: "nbconvert-failed"; notebook: string; detail: string }
  | { kind: "parameters"; detail: string }
  | { kind: "cell-errors"; notebook: string; cells: CellError[] };

export interface CellError {
  /** 1-based index among the notebook's code cells. */
  cell: number;
  source: string;
  /** The error's name and message, or the text the cell wrote to stderr. */
  message: string;
}

export interface ExecutedRun {
  notebook: ExecutedNotebook;
  /** The HTML report, when asked for. */
  html?: string;
}

export type ExecuteResult = Result<ExecutedRun, NotebookError>;

export interface ExecutedNotebook {
  cells: NotebookCell[];
  [key: string]: unknown;
}

interface NotebookCell {
  cell_type: string;
  source: string | string[];
  outputs?: NotebookOutput[];
}

interface NotebookOutput {
  output_type: string;
  name?: string;
  text?: string | string[];
  ename?: string;
  evalue?: string;
  data?: Record<string, unknown>;
}

export interface ExecuteOptions {
  /** The project root (holds node_modules/tslab and the report template). Default: process.cwd(). */
  root?: string;
  /** Values for the parameters the notebook's `parameters` cell declares (papermill-style). */
  parameters?: Record<string, ParameterValue>;
  /** Also render the executed notebook as HTML. */
  html?: boolean;
  /** Seconds a single cell may run. Default 600. */
  cellTimeout?: number;
}

export async function executeNotebook(
  notebook: string,
  options: ExecuteOptions = {},
): Promise<ExecuteResult> {
  const root = resolve(options.root ?? process.cwd());
  const path = relative(root, resolve(root, notebook));
  let file = path;
  if (options.parameters !== undefined) {
    const parsed = JSON.parse(readFileSync(join(root, path), "utf8")) as ParameterizableNotebook;
    const injected = injectParameters(parsed, options.parameters, path);
    if (!injected.ok) return err({ kind: "parameters", detail: formatParameterError(injected.error) });
    // Beside the original, so the kernel starts in the same directory (tslab reads the nearest tsconfig.json).
    file = join(dirname(path), `.${basename(path, ".ipynb")}.parameters-${process.pid}-${Date.now()}.ipynb`);
    writeFileSync(join(root, file), JSON.stringify(injected.value));
  }
  // This checkout's kernel, whatever is registered for the user: JUPYTER_PATH comes first in Jupyter's search.
  const kernels = mkdtempSync(join(tmpdir(), "tabula-jupyter-"));
  mkdirSync(join(kernels, "kernels", KERNEL_NAME), { recursive: true });
  writeFileSync(join(kernels, "kernels", KERNEL_NAME, "kernel.json"), JSON.stringify(kernelSpec(root)));
  const env = {
    ...process.env,
    JUPYTER_PATH: [kernels, process.env.JUPYTER_PATH].filter(Boolean).join(delimiter),
    // Debian's Python prints debugger warnings for frozen modules when a kernel starts; they are noise here.
    PYDEVD_DISABLE_FILE_VALIDATION: "1",
  };
  try {
    return await executeWith(root, path, file, env, options);
  } finally {
    rmSync(kernels, { recursive: true, force: true });
    if (file !== path) rmSync(join(root, file), { force: true });
  }
}

/** Executes the notebook `file` (`path` itself, or its parameterised copy); messages name `path`. */
async function executeWith(
  root: string,
  path: string,
  file: string,
  env: NodeJS.ProcessEnv,
  options: ExecuteOptions,
): Promise<ExecuteResult> {
  const executed = await run(
    "jupyter",
    [
      "nbconvert",
      "--to",
      "notebook",
      "--execute",
      "--stdout",
      `--ExecutePreprocessor.kernel_name=${KERNEL}`,
      `--ExecutePreprocessor.timeout=${options.cellTimeout ?? 600}`,
      // Cell errors are collected below, with every failing cell named, rather than stopping at the first.
      "--allow-errors",
      file,
    ],
    root,
    env,
  );
  if (executed.spawnError) return err({ kind: "jupyter-missing", detail: executed.spawnError });
  if (executed.code !== 0) return err(classifyFailure(path, executed.stderr));
  const parsed = JSON.parse(executed.stdout) as ExecutedNotebook;
  const cells = cellErrors(parsed);
  if (cells.length > 0) return err({ kind: "cell-errors", notebook: path, cells });
  if (!options.html) return ok({ notebook: parsed });
  const html = await run(
    "jupyter",
    ["nbconvert", "--to", "html", "--stdin", "--stdout", "--template-file", join(root, REPORT_TEMPLATE)],
    root,
    env,
    executed.stdout,
  );
  if (html.code !== 0) return err({ kind: "nbconvert-failed", notebook: path, detail: tail(html.stderr) });
  return ok({ notebook: parsed, html: html.stdout });
}

/** Code cells that raised, or wrote to stderr (tslab reports TypeScript errors there). */
export function cellErrors(notebook: ExecutedNotebook): CellError[] {
  const errors: CellError[] = [];
  let index = 0;
  for (const cell of notebook.cells) {
    if (cell.cell_type !== "code") continue;
    index++;
    for (const output of cell.outputs ?? []) {
      const message =
        output.output_type === "error"
          ? `${output.ename ?? "Error"}: ${output.evalue ?? ""}`
          : output.output_type === "stream" && output.name === "stderr"
            ? text(output.text).trim()
            : undefined;
      if (message !== undefined) errors.push({ cell: index, source: text(cell.source), message });
    }
  }
  return errors;
}

export function formatNotebookError(error: NotebookError): string {
  switch (error.kind) {
    case "jupyter-missing":
      return `cannot run jupyter (${error.detail}): run scripts/setup.sh to install Jupyter`;
    case "kernel-missing":
      return `the "${KERNEL}" Jupyter kernel is not installed (${error.detail}): run scripts/setup.sh`;
    case "nbconvert-failed":
      return `${error.notebook}: nbconvert failed:\n${error.detail}`;
    case "parameters":
      return error.detail;
    case "cell-errors":
      return error.cells
        .map(
          (cell) =>
            `${error.notebook}, code cell ${cell.cell}: ${cell.message}\n    ${firstLine(cell.source)}${cell.source.includes("\n") ? " …" : ""}`,
        )
        .join("\n");
    default:
      return unreachable(error);
  }
}

function classifyFailure(notebook: string, stderr: string): NotebookError {
  if (/No such kernel named|NoSuchKernel/.test(stderr))
    return { kind: "kernel-missing", detail: firstLine(stderr.match(/No such kernel.*$/m)?.[0] ?? stderr) };
  if (/No module named|command not found|Unknown subcommand/.test(stderr))
    return { kind: "jupyter-missing", detail: tail(stderr, 3) };
  return { kind: "nbconvert-failed", notebook, detail: tail(stderr) };
}

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
  spawnError?: string;
}

function run(
  command: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
  input?: string,
): Promise<Ran> {
  return new Promise((done) => {
    const child = spawn(command, args, { cwd, env, stdio: ["pipe", "pipe", "pipe"] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
    child.on("error", (error) => done({ code: null, stdout: "", stderr: "", spawnError: error.message }));
    child.on("close", (code) =>
      done({
        code,
        stdout: Buffer.concat(stdout).toString("utf8"),
        stderr: Buffer.concat(stderr).toString("utf8"),
      }),
    );
    child.stdin.end(input ?? "");
  });
}

function text(value: string | string[] | undefined): string {
  return Array.isArray(value) ? value.join("") : (value ?? "");
}

function firstLine(value: string): string {
  return value.split("\n")[0] ?? value;
}

function tail(value: string, lines = 15): string {
  return value.trimEnd().split("\n").slice(-lines).join("\n");
}
