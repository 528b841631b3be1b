// Whether and how podman can run containers on this machine. Some sandboxes refuse crun's cgroup setup or raising
// rlimits; runc with explicit (lower) ulimits works there. Returns the arguments to use, or why it cannot run.
import { spawnSync } from "node:child_process";

export type Podman = { ok: true; global: string[]; run: string[] } | { ok: false; reason: string };

const ATTEMPTS: { global: string[]; run: string[] }[] = [
  { global: [], run: [] },
  { global: ["--runtime", "runc"], run: ["--ulimit", "nofile=16384:16384", "--ulimit", "nproc=4096:4096"] },
];

export function probePodman(image: string): Podman {
  const version = spawnSync("podman", ["--version"], { encoding: "utf8" });
  if (version.error || version.status !== 0) {
    return { ok: false, reason: "podman is not installed (apt-get install podman runc)" };
  }
  const errors: string[] = [];
  for (const attempt of ATTEMPTS) {
    const result = spawnSync("podman", [...attempt.global, "run", "--rm", ...attempt.run, image, "true"], {
      encoding: "utf8",
      timeout: 60_000,
    });
    if (result.status === 0) return { ok: true, ...attempt };
    errors.push(
      `${attempt.global.join(" ") || "default runtime"}: ${(result.stderr || String(result.error)).trim()}`,
    );
  }
  return { ok: false, reason: `podman cannot run containers here: ${errors.join(" | ")}` };
}
