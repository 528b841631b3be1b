import { copyFile, mkdir, readdir, rename, rm, stat } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { Remote, RemoteSection } from "./remote.js";

/** A remote that is a directory: a mounted volume, a network share, a CI cache directory. Same layout as .repro/cache. */
export class DirectoryRemote implements Remote {
  constructor(
    readonly url: string,
    private readonly dir: string,
  ) {}

  private pathOf(section: RemoteSection, name: string): string {
    return section === "objects"
      ? join(this.dir, "objects", name.slice(0, 2), name.slice(2))
      : join(this.dir, "runs", `${name}.json`);
  }

  async list(section: RemoteSection): Promise<Set<string>> {
    const names = new Set<string>();
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
        if (file.includes(".tmp-")) continue;
        if (section === "objects") names.add(group + file);
        else if (file.endsWith(".json")) names.add(`${group}/${file.slice(0, -".json".length)}`);
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

  /** Checks the directory exists (a typo in the remote path should not silently create a new, empty remote on pull). */
  async exists(): Promise<boolean> {
    try {
      return (await stat(this.dir)).isDirectory();
    } catch {
      return false;
    }
  }
}
