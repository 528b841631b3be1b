import { readFileSync } from "node:fs";
import { join } from "node:path";
import { isMap, isSeq } from "yaml";
import { writeFileAtomic } from "../../fs/atomic-write.js";
import { err, ok, type Result } from "../errors.js";
import { parseOverrideKey } from "./params.js";
import { parseYamlSource } from "./yaml-source.js";

/**
 * Writes parameter overrides into the params files (keeping comments and layout), as `exp run --set-param`
 * would: stage commands read the params files themselves, so an override has to be on disk to take effect.
 * Keys: `"train.lr"` (params.yaml) or `"other.yaml:train.lr"`. Returns the files changed.
 */
export function setParams(root: string, overrides: Record<string, unknown>): Result<string[]> {
  const byFile = new Map<string, [string, unknown][]>();
  for (const [spec, value] of Object.entries(overrides)) {
    const { file, key } = parseOverrideKey(spec);
    byFile.set(file, [...(byFile.get(file) ?? []), [key, value]]);
  }
  const changed: string[] = [];
  for (const [file, entries] of byFile) {
    let text: string;
    try {
      text = readFileSync(join(root, file), "utf8");
    } catch (error) {
      return err({ kind: "io", path: file, message: `cannot override params: ${(error as Error).message}` });
    }
    const parsed = parseYamlSource(text, file);
    if (!parsed.ok) return parsed;
    const { doc } = parsed.value;
    for (const [key, value] of entries) {
      const parts = key.split(".");
      const path = parts.map((part, index) =>
        isSeq(doc.getIn(parts.slice(0, index))) && /^\d+$/.test(part) ? Number(part) : part,
      );
      const parent = path.length > 1 ? doc.getIn(path.slice(0, -1), true) : doc.contents;
      if (parent !== null && parent !== undefined && !isMap(parent) && !isSeq(parent)) {
        return err({ kind: "usage", message: `cannot set "${key}" in ${file}: its parent is not a mapping` });
      }
      doc.setIn(path, value);
    }
    const updated = file.endsWith(".json")
      ? `${JSON.stringify(doc.toJS(), null, 2)}\n`
      : doc.toString({ lineWidth: 0 });
    writeFileAtomic(join(root, file), updated);
    changed.push(file);
  }
  return ok(changed);
}
