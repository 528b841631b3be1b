import { copyFile, mkdir, readdir, rename, rm, stat } from "node:fs/promises";
import { dirname, join } from "node:path";
import { nameOfKey, type Remote, type RemoteObject, type RemoteSection, remoteKey } from "./remote.js";

/** A remote that is a directory: a mounted volume, a network share, a CI cache directory. Same layout as .repro/cache. */
export class DirectoryRemote implements Remote {
  readonly defaultJobs = 4;

  constructor(
    readonly url: string,
    private readonly dir: string,
  ) {}

  private pathOf(section: RemoteSection, name: string): string {
    return join(this.dir, remoteKey(section, name));
  }

  /** A typo in the remote path should not silently create a new, empty remote. */
  async check(forWriting: boolean): Promise<void> {
    if (forWriting) await mkdir(this.dir, { recursive: true });
    const found = await stat(this.dir).catch(() => undefined);
    if (!found?.isDirectory()) throw new Error("directory does not exist");
  }

  async list(section: RemoteSection): Promise<Map<string, RemoteObject>> {
    const names = new Map<string, RemoteObject>();
    const base = join(this.dir, section);
    let groups: string[];
    try {
      groups = await readdir(base);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return names;
      throw error;
    }
    for (const group of groups) {
      for (const file of await readdir(join(base, group))) {
        const name = nameOfKey(section, `${section}/${group}/${file}`);
        if (name === undefined) continue;
        const found = await stat(join(base, group, file)).catch(() => undefined);
        if (found) names.set(name, { size: found.size, modifiedMs: found.mtimeMs });
      }
    }
    return names;
  }

  async upload(section: RemoteSection, name: string, localFile: string): Promise<void> {
    const target = this.pathOf(section, name);
    await mkdir(dirname(target), { recursive: true });
    const temp = `${target}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
    try {
      await copyFile(localFile, temp);
      await rename(temp, target);
    } finally {
      await rm(temp, { force: true });
    }
  }

  async download(section: RemoteSection, name: string, localFile: string): Promise<void> {
    await copyFile(this.pathOf(section, name), localFile);
  }

  async remove(section: RemoteSection, names: string[]): Promise<void> {
    for (const name of names) await rm(this.pathOf(section, name), { force: true });
  }

  close(): void {}
}
