// A throwaway project directory for running the real stage entry points as the engine would: `node --import tsx
// stages/<name>.ts` with the project directory as the working directory.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const tsx = import.meta.resolve("tsx");

export const ML_STAGES = ["prepare", "featurize", "tune", "train", "evaluate"] as const;

export interface StageRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

export class Workspace {
  readonly dir = mkdtempSync(join(tmpdir(), "tabula-pipeline-"));

  write(path: string, content: string): this {
    const full = join(this.dir, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, content);
    return this;
  }

  read(path: string): string {
    return readFileSync(join(this.dir, path), "utf8");
  }

  json<T = unknown>(path: string): T {
    return JSON.parse(this.read(path)) as T;
  }

  run(stage: string): StageRun {
    const result = spawnSync(process.execPath, ["--import", tsx, join(root, "stages", `${stage}.ts`)], {
      cwd: this.dir,
      encoding: "utf8",
      env: { ...process.env, NO_COLOR: "1" },
    });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  }

  /**
   * Runs a stage's exported body in this process with the workspace as working directory (what the entry point
   * does, minus process start-up); returns its summary line, throws its error.
   */
  async call(stage: string): Promise<string> {
    const module = (await import(pathToFileURL(join(root, "stages", `${stage}.ts`)).href)) as Record<
      string,
      () => Promise<string> | string
    >;
    const body = module[`${stage}Stage`];
    if (!body) throw new Error(`stages/${stage}.ts exports no ${stage}Stage`);
    const previous = process.cwd();
    process.chdir(this.dir);
    try {
      return await body();
    } finally {
      process.chdir(previous);
    }
  }

  /** Calls the stages in order; returns their summaries. */
  async callAll(stages: readonly string[] = ML_STAGES): Promise<Record<string, string>> {
    const summaries: Record<string, string> = {};
    for (const stage of stages) summaries[stage] = await this.call(stage);
    return summaries;
  }
}
