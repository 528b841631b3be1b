// Registers this checkout's Jupyter kernel ("tabula"): scripts/setup.sh runs it; run it again after moving the
// checkout or changing Node. usage: node --import tsx scripts/install-kernel.ts
import { formatKernelInstallError, installKernel, KERNEL_NAME } from "../src/notebook/kernelspec.js";

const root = new URL("..", import.meta.url).pathname;
const installed = installKernel(root);
if (!installed.ok) {
  process.stderr.write(`install-kernel: ${formatKernelInstallError(installed.error)}\n`);
  process.exit(1);
}
process.stdout.write(
  `install-kernel: Jupyter kernel "${KERNEL_NAME}" → ${installed.value} (Node ${process.version})\n`,
);
