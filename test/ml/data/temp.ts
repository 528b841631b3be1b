// Temp files for data tests.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export function tempFile(name: string, content: string): string {
  const dir = mkdtempSync(join(tmpdir(), "tabula-data-"));
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}
