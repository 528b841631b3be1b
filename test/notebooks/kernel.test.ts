// The kernel setup registers works from anywhere: `jupyter nbconvert --execute` from a shell whose PATH has neither
// node_modules/.bin nor this Node (the kernel's command is absolute paths), registered in a private Jupyter data
// dir. And `npm run notebook` runs one notebook headless to HTML with papermill-style parameters.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { KERNEL_NAME } from "../../src/notebook/kernelspec.js";

const jupyterData = mkdtempSync(join(tmpdir(), "tabula-jupyter-data-"));
// Inside the checkout (git-ignored .repro/), as a notebook of the project is: its imports resolve there.
mkdirSync(".repro", { recursive: true });
const work = mkdtempSync(join(".repro", "test-kernel-"));
test.after(() => {
  rmSync(jupyterData, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});

const NOTEBOOK = join(work, "hello.ipynb");
writeFileSync(
  NOTEBOOK,
  JSON.stringify({
    cells: [
      {
        cell_type: "code",
        execution_count: null,
        metadata: { tags: ["parameters"] },
        outputs: [],
        source: 'let who = "world";\n',
      },
      {
        cell_type: "code",
        execution_count: null,
        metadata: {},
        outputs: [],
        source:
          // biome-ignore lint/suspicious/noTemplateCurlyInString: the cell's own TypeScript template literal
          'import * as tb from "@tabula/notebook";\nconst answer: number = 6 * 7;\nconsole.log(`hello ${who}: ${answer} in ${tb.findProjectRoot()}`);\n',
      },
    ],
    metadata: {
      kernelspec: { name: KERNEL_NAME, display_name: "TypeScript (tabula)", language: "typescript" },
    },
    nbformat: 4,
    nbformat_minor: 5,
  }),
);

function which(tool: string): string | undefined {
  const found = spawnSync("sh", ["-c", `command -v ${tool}`], { encoding: "utf8" });
  return found.status === 0 ? found.stdout.trim() : undefined;
}

test("setup's kernel registration: absolute node and tslab, named for the project", () => {
  const installed = spawnSync(process.execPath, ["--import", "tsx", "scripts/install-kernel.ts"], {
    encoding: "utf8",
    env: { ...process.env, JUPYTER_DATA_DIR: jupyterData },
  });
  assert.is(installed.status, 0, installed.stderr);
  const spec = JSON.parse(readFileSync(join(jupyterData, "kernels", KERNEL_NAME, "kernel.json"), "utf8"));
  assert.is(spec.argv[0], process.execPath);
  assert.is(spec.argv[1], join(process.cwd(), "node_modules", "tslab", "bin", "tslab"));
  for (const part of spec.argv.slice(0, 2)) assert.ok(existsSync(part), part);
});

test("jupyter nbconvert --execute runs it from a PATH without node_modules/.bin or node", () => {
  const jupyter = which("jupyter");
  assert.ok(jupyter, "jupyter is not on PATH (scripts/setup.sh installs it)");
  const path = [dirname(jupyter as string), "/usr/bin", "/bin"].filter(
    (dir) => !existsSync(join(dir, "tslab")),
  );
  const result = spawnSync(
    jupyter as string,
    ["nbconvert", "--to", "notebook", "--execute", "--stdout", NOTEBOOK],
    {
      encoding: "utf8",
      env: {
        HOME: process.env.HOME,
        PATH: path.join(":"),
        JUPYTER_DATA_DIR: jupyterData,
        PYDEVD_DISABLE_FILE_VALIDATION: "1",
      },
      timeout: 280_000,
    },
  );
  assert.is(result.status, 0, result.stderr);
  assert.match(result.stdout, `hello world: 42 in ${process.cwd()}`);
});

test("npm run notebook: one notebook headless to HTML, a parameter overridden", () => {
  const out = join(work, "hello.html");
  const result = spawnSync(
    "npm",
    ["run", "--silent", "notebook", "--", NOTEBOOK, "-p", "who", "moon", "--out", out],
    {
      encoding: "utf8",
      timeout: 280_000,
    },
  );
  assert.is(result.status, 0, result.stderr);
  const html = readFileSync(out, "utf8");
  assert.match(html, "hello moon: 42");
  assert.match(html, "injected-parameters");
  const refused = spawnSync("npm", ["run", "--silent", "notebook", "--", NOTEBOOK, "-p", "whom", "moon"], {
    encoding: "utf8",
  });
  assert.is(refused.status, 2);
  assert.match(refused.stderr, 'no parameter "whom" (the parameters cell declares: who)');
});

test.run();
