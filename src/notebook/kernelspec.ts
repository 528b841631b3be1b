// The Jupyter kernel of this checkout, registered the way a virtualenv's ipykernel is: named for the project, its
// command made of absolute paths (this Node, this checkout's tslab), so every Jupyter front end starts it the same
// way whatever its PATH: `jupyter nbconvert --execute` from any shell, JupyterLab, VS Code's Jupyter extension.

import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { err, ok, type Result, unreachable } from "../result.js";

/** The kernel's name (notebooks' metadata.kernelspec.name). */
export const KERNEL_NAME = "tabula";

export interface KernelSpec {
  argv: string[];
  display_name: string;
  language: "typescript";
  metadata: { tabula: { root: string } };
}

export type KernelInstallError =
  | { kind: "tslab-missing"; path: string }
  | { kind: "jupyter-failed"; detail: string };

/** The kernel.json for the checkout at `root`, run by `node` (default: the Node running this). */
export function kernelSpec(root: string, node = process.execPath): KernelSpec {
  const checkout = resolve(root);
  return {
    argv: [node, tslabEntry(checkout), "kernel", "--config-path", "{connection_file}"],
    display_name: "TypeScript (tabula)",
    language: "typescript",
    metadata: { tabula: { root: checkout } },
  };
}

export function tslabEntry(root: string): string {
  return join(resolve(root), "node_modules", "tslab", "bin", "tslab");
}

/**
 * Registers the kernel in the user's Jupyter data directory (`jupyter --data-dir`, JUPYTER_DATA_DIR overrides it),
 * replacing an earlier registration; returns where Jupyter put it.
 */
export function installKernel(
  root: string,
  env: NodeJS.ProcessEnv = process.env,
): Result<string, KernelInstallError> {
  const spec = kernelSpec(root);
  const entry = spec.argv[1] as string;
  if (!existsSync(entry)) return err({ kind: "tslab-missing", path: entry });
  const staging = mkdtempSync(join(tmpdir(), "tabula-kernel-"));
  try {
    writeFileSync(join(staging, "kernel.json"), `${JSON.stringify(spec, null, 2)}\n`);
    const result = spawnSync(
      "jupyter",
      ["kernelspec", "install", "--user", "--replace", "--name", KERNEL_NAME, staging],
      { encoding: "utf8", env },
    );
    if (result.error) return err({ kind: "jupyter-failed", detail: result.error.message });
    if (result.status !== 0)
      return err({ kind: "jupyter-failed", detail: `${result.stderr}${result.stdout}`.trim() });
    const dir = `${result.stderr}${result.stdout}`.match(/Installed kernelspec \S+ in (.+)$/m)?.[1]?.trim();
    return ok(dir ?? "");
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

export function formatKernelInstallError(error: KernelInstallError): string {
  switch (error.kind) {
    case "tslab-missing":
      return `${error.path} is missing: run npm ci first`;
    case "jupyter-failed":
      return `jupyter kernelspec install failed: ${error.detail} (is Jupyter installed? scripts/setup.sh installs it)`;
    default:
      return unreachable(error);
  }
}
