// Experiments and the queue on disk: .repro/experiments/<id>.json and .repro/experiments/queue/<id>.json, each
// written atomically (temp file + rename), so concurrent runs never see half a record.

import { randomBytes } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { z } from "zod";
import { err, ok, type Result } from "../result.js";
import type { ExpError } from "./exp-error.js";
import { type Experiment, ExperimentSchema, type Queued, QueuedSchema } from "./experiment.js";

export type Found<T> = Result<T, ExpError>;

export class ExperimentStore {
  readonly dir: string;
  readonly queueDir: string;

  constructor(readonly root: string) {
    this.dir = join(root, ".repro", "experiments");
    this.queueDir = join(this.dir, "queue");
  }

  newId(): string {
    return randomBytes(4).toString("hex");
  }

  save(experiment: Experiment): void {
    writeAtomic(join(this.dir, `${experiment.id}.json`), experiment);
  }

  /** Every experiment, oldest first (ties by id). Unreadable files are skipped, with a warning. */
  list(): Experiment[] {
    return readAll(this.dir, ExperimentSchema).sort((a, b) =>
      a.time < b.time ? -1 : a.time > b.time ? 1 : a.id < b.id ? -1 : 1,
    );
  }

  latest(): Experiment | undefined {
    return this.list().at(-1);
  }

  find(idOrName: string): Found<Experiment> {
    return pick(this.list(), idOrName, "experiment");
  }

  enqueue(entry: Queued): void {
    writeAtomic(join(this.queueDir, `${entry.id}.json`), entry);
  }

  queued(): Queued[] {
    return readAll(this.queueDir, QueuedSchema).sort((a, b) =>
      a.queuedAt < b.queuedAt ? -1 : a.queuedAt > b.queuedAt ? 1 : a.id < b.id ? -1 : 1,
    );
  }

  findQueued(idOrName: string): Found<Queued> {
    return pick(this.queued(), idOrName, "queued experiment");
  }

  dequeue(id: string): void {
    rmSync(join(this.queueDir, `${id}.json`), { force: true });
  }
}

/** By exact name, else by unique id prefix. */
function pick<T extends { id: string; name: string | null }>(
  items: T[],
  key: string,
  what: string,
): Found<T> {
  const named = items.filter((item) => item.name === key);
  if (named.length === 1) return ok(named[0] as T);
  const matches = items.filter((item) => item.id.startsWith(key.toLowerCase()));
  if (matches.length === 1) return ok(matches[0] as T);
  if (matches.length === 0 && named.length === 0)
    return err({ kind: "not-found", message: `no ${what} "${key}"` });
  const ids = [...named, ...matches].map((item) => item.id).join(", ");
  return err({
    kind: "ambiguous",
    message: `"${key}" matches more than one ${what} (${ids}); give more of the id`,
  });
}

function readAll<S extends z.ZodType>(dir: string, schema: S): z.infer<S>[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((name) => name.endsWith(".json"));
  } catch {
    return [];
  }
  const items: z.infer<S>[] = [];
  for (const name of names) {
    const path = join(dir, name);
    try {
      const parsed = schema.safeParse(JSON.parse(readFileSync(path, "utf8")));
      if (parsed.success) items.push(parsed.data);
      else
        process.stderr.write(
          `tabula: skipping ${path}: not an experiment record (${parsed.error.issues[0]?.message})\n`,
        );
    } catch (error) {
      process.stderr.write(`tabula: skipping ${path}: ${(error as Error).message}\n`);
    }
  }
  return items;
}

function writeAtomic(path: string, value: unknown): void {
  mkdirSync(join(path, ".."), { recursive: true });
  const temp = `${path}.tmp-${process.pid}-${randomBytes(3).toString("hex")}`;
  writeFileSync(temp, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(temp, path);
}
