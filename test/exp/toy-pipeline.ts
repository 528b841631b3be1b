// A tiny two-stage pipeline in a temp git repo, for experiment tests: prepare (params: data) writes data.json;
// train (params: train) writes model.json and metrics.json. Deterministic, and fast: plain node scripts.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";

const PIPELINE = `stages:
  prepare:
    cmd: node prepare.mjs
    deps: [prepare.mjs]
    params: [data]
    outs: [data.json]
  train:
    cmd: node train.mjs
    deps: [train.mjs, data.json]
    params: [train]
    outs: [model.json]
    metrics: [metrics.json]
`;

const PARAMS = `# toy params
data:
  n: 10   # rows
train:
  lr: 0.1
  steps: 3
`;

const READ_PARAMS = `import { readFileSync, writeFileSync } from "node:fs";
import { parse } from "yaml";
const params = parse(readFileSync("params.yaml", "utf8"));
`;

const PREPARE = `${READ_PARAMS}
if (!Number.isInteger(params.data.n) || params.data.n < 1) {
  console.error("prepare: data.n must be a positive integer");
  process.exit(1);
}
writeFileSync("data.json", JSON.stringify(Array.from({ length: params.data.n }, (_, i) => (i * 7) % 5)));
`;

const TRAIN = `${READ_PARAMS}
const data = JSON.parse(readFileSync("data.json", "utf8"));
const { lr, steps } = params.train;
let w = 0;
for (let s = 0; s < steps; s++) for (const x of data) w += lr * (x - w) / data.length;
writeFileSync("model.json", JSON.stringify({ w }));
writeFileSync("metrics.json", JSON.stringify({ loss: (w - 2) ** 2, w, rows: data.length }, null, 2) + "\\n");
`;

export interface Toy {
  dir: string;
  git(...args: string[]): string;
  /** sha256 of every file outside .git and .repro, by path. */
  fingerprint(): Record<string, string>;
  remove(): void;
}

export function toyPipeline(): Toy {
  const dir = mkdtempSync(join(tmpdir(), "tabula-exp-"));
  writeFileSync(join(dir, "pipeline.yaml"), PIPELINE);
  writeFileSync(join(dir, "params.yaml"), PARAMS);
  writeFileSync(join(dir, "prepare.mjs"), PREPARE);
  writeFileSync(join(dir, "train.mjs"), TRAIN);
  writeFileSync(join(dir, ".gitignore"), "node_modules\n/data.json\n/model.json\n");
  symlinkSync(join(process.cwd(), "node_modules"), join(dir, "node_modules"), "dir");
  const git = (...args: string[]) => {
    const result = spawnSync("git", ["-c", "user.email=t@example.com", "-c", "user.name=t", ...args], {
      cwd: dir,
      encoding: "utf8",
    });
    if (result.status !== 0) throw new Error(`git ${args.join(" ")}: ${result.stderr}`);
    return result.stdout;
  };
  git("init", "-q");
  git("add", ".");
  git("commit", "-qm", "toy pipeline");
  const fingerprint = () => {
    const hashes: Record<string, string> = {};
    const walk = (at: string) => {
      for (const entry of readdirSync(at, { withFileTypes: true })) {
        const path = join(at, entry.name);
        if (entry.name === ".git" || entry.name === ".repro" || entry.name === "node_modules") continue;
        if (entry.isDirectory()) walk(path);
        else hashes[relative(dir, path)] = createHash("sha256").update(readFileSync(path)).digest("hex");
      }
    };
    walk(dir);
    return hashes;
  };
  return { dir, git, fingerprint, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The loss train.mjs computes for these params (data.n rows), to check recorded metrics against. */
export function expectedLoss(lr: number, steps = 3, n = 10): number {
  const data = Array.from({ length: n }, (_, i) => (i * 7) % 5);
  let w = 0;
  for (let s = 0; s < steps; s++) for (const x of data) w += (lr * (x - w)) / data.length;
  return (w - 2) ** 2;
}
