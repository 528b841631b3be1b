// The object store and the run cache both keep their entries one folder deep (objects/<prefix>/<rest>,
// runs/<stage>/<key>.json); a store that was never written to has no top folder yet.
import { readdirSync } from "node:fs";
import { join } from "node:path";

/** Each entry one folder below `dir`: its folder's name, its own name and its path. None when `dir` is absent. */
export function twoLevelEntries(dir: string): { folder: string; name: string; path: string }[] {
  let folders: string[];
  try {
    folders = readdirSync(dir);
  } catch {
    return [];
  }
  return folders.flatMap((folder) =>
    readdirSync(join(dir, folder)).map((name) => ({ folder, name, path: join(dir, folder, name) })),
  );
}
