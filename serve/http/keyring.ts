// API keys. Only their SHA-256 digests are kept in memory: from a file of `sha256:<hex> [name]` lines, or from a
// comma-separated env var of plain keys (hashed at start). A presented key is hashed and compared with every digest
// in constant time, so neither timing nor early exit tells which key, or how much of one, matched.
import { createHash, timingSafeEqual } from "node:crypto";
import { readFileSync } from "node:fs";
import { err, ok, type Result } from "../../src/result.js";

export interface KeyEntry {
  name: string;
  digest: Buffer;
}

export type KeyringError =
  | { kind: "key-too-short"; message: string }
  | { kind: "key-file-unreadable"; message: string }
  | { kind: "key-file-line-invalid"; message: string };

function digestOf(key: string): Buffer {
  return createHash("sha256").update(key, "utf8").digest();
}

export class Keyring {
  constructor(readonly entries: readonly KeyEntry[]) {}

  get enabled(): boolean {
    return this.entries.length > 0;
  }

  /** The name of the matching key, or undefined. */
  verify(presented: string): string | undefined {
    const digest = digestOf(presented);
    let match: string | undefined;
    for (const entry of this.entries) {
      if (timingSafeEqual(entry.digest, digest) && match === undefined) match = entry.name;
    }
    return match;
  }

  /**
   * Builds a keyring from plain keys (`variable`'s value) and a digest file; errors name the variable or file line.
   */
  static load(
    plainVariable: string,
    plain: string | undefined,
    fileVariable: string,
    file: string | undefined,
  ): Result<Keyring, KeyringError> {
    const entries: KeyEntry[] = [];
    const keys = (plain ?? "")
      .split(",")
      .map((key) => key.trim())
      .filter(Boolean);
    for (const [i, key] of keys.entries()) {
      if (key.length < 16)
        return err({
          kind: "key-too-short",
          message: `${plainVariable}: key #${i + 1} is shorter than 16 characters`,
        });
      entries.push({ name: `${plainVariable.toLowerCase()}#${i + 1}`, digest: digestOf(key) });
    }
    if (file) {
      let text: string;
      try {
        text = readFileSync(file, "utf8");
      } catch (error) {
        return err({
          kind: "key-file-unreadable",
          message: `${fileVariable}=${file}: ${(error as Error).message}`,
        });
      }
      for (const [i, raw] of text.split(/\r?\n/).entries()) {
        const line = raw.trim();
        if (line === "" || line.startsWith("#")) continue;
        const match = /^(?:sha256:)?([0-9a-fA-F]{64})(?:\s+(\S+))?$/.exec(line);
        if (!match)
          return err({
            kind: "key-file-line-invalid",
            message: `${file}:${i + 1}: expected "sha256:<64 hex digits> [name]"`,
          });
        entries.push({
          name: match[2] ?? `${file}:${i + 1}`,
          digest: Buffer.from(match[1] as string, "hex"),
        });
      }
    }
    return ok(new Keyring(entries));
  }
}

/** The line to put in a key file for `key` (used by docs and tests). */
export function keyFileLine(key: string, name: string): string {
  return `sha256:${digestOf(key).toString("hex")} ${name}`;
}
