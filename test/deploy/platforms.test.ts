// `npm ci` picks each native package's binary per platform, proven without the hardware: in a temporary directory
// holding only package.json and package-lock.json, `npm ci --dry-run --os --cpu [--libc]` for every supported
// platform installs exactly the lockfile's platform packages that match it (none of another platform), and no
// plain (non-optional) dependency declares an os/cpu/libc that excludes a supported platform: npm would refuse to
// install there (`EBADPLATFORM`).
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";

interface Platform {
  os: string;
  cpu: string;
  libc?: "glibc" | "musl";
}

export const SUPPORTED: Platform[] = [
  { os: "linux", cpu: "x64", libc: "glibc" },
  { os: "linux", cpu: "arm64", libc: "glibc" },
  { os: "linux", cpu: "x64", libc: "musl" },
  { os: "darwin", cpu: "arm64" },
  { os: "darwin", cpu: "x64" },
];

interface LockEntry {
  version?: string;
  optional?: boolean;
  dev?: boolean;
  os?: string[];
  cpu?: string[];
  libc?: string[];
}

const lock = JSON.parse(readFileSync("package-lock.json", "utf8")) as { packages: Record<string, LockEntry> };
const entries = Object.entries(lock.packages)
  .filter(([path]) => path.startsWith("node_modules/"))
  .map(([path, entry]) => ({ name: path.slice(path.lastIndexOf("node_modules/") + 13), path, entry }));

/** npm's own rule: a list admits a value when it names it, or only excludes (`!x`) others. */
function admits(list: string[] | undefined, value: string | undefined): boolean {
  if (list === undefined || value === undefined) return true;
  if (list.includes(`!${value}`)) return false;
  const positive = list.filter((item) => !item.startsWith("!"));
  return positive.length === 0 || positive.includes(value);
}

const fits = (entry: LockEntry, platform: Platform) =>
  admits(entry.os, platform.os) && admits(entry.cpu, platform.cpu) && admits(entry.libc, platform.libc);
const isPlatformSpecific = (entry: LockEntry) => Boolean(entry.os || entry.cpu || entry.libc);
const label = (platform: Platform) =>
  `${platform.os}-${platform.cpu}${platform.libc ? `-${platform.libc}` : ""}`;

test("no plain dependency declares an os/cpu/libc that excludes a supported platform", () => {
  const offending = entries
    .filter(({ entry }) => !entry.optional && isPlatformSpecific(entry))
    .flatMap(({ name, entry }) => {
      const excluded = SUPPORTED.filter((platform) => !fits(entry, platform)).map(label);
      return excluded.length > 0 ? [`${name} (excludes ${excluded.join(", ")}: make it optional)`] : [];
    });
  assert.equal(offending, []);
});

test("the lockfile carries every supported platform's binary of each native package", () => {
  // A native package = a parent with several platform-specific optional dependencies, one binary each (a single
  // one, like fsevents for macOS, is a feature of that platform, not a binary of the package).
  const families = new Map<string, string[]>();
  for (const [path, entry] of Object.entries(lock.packages)) {
    const optional = Object.keys(
      (entry as { optionalDependencies?: Record<string, string> }).optionalDependencies ?? {},
    );
    const specific = optional.filter((name) => {
      const found = entries.find((candidate) => candidate.name === name);
      return found !== undefined && isPlatformSpecific(found.entry);
    });
    if (specific.length > 1) families.set(path || "(root)", specific);
  }
  assert.ok(families.size >= 3, `native packages found: ${[...families.keys()].join(", ")}`);
  const gaps: string[] = [];
  for (const [parent, names] of families)
    for (const platform of SUPPORTED) {
      const binaries = names.filter((name) => {
        const found = entries.find((candidate) => candidate.name === name);
        return found !== undefined && fits(found.entry, platform);
      });
      if (binaries.length === 0) gaps.push(`${parent}: no binary for ${label(platform)}`);
    }
  assert.equal(gaps, []);
});

for (const platform of SUPPORTED) {
  test(`npm ci --dry-run on ${label(platform)}: its binaries and no other platform's`, () => {
    const dir = mkdtempSync(join(tmpdir(), "tabula-platform-"));
    try {
      copyFileSync("package.json", join(dir, "package.json"));
      copyFileSync("package-lock.json", join(dir, "package-lock.json"));
      const args = ["ci", "--dry-run", "--ignore-scripts", "--no-audit", "--no-fund", `--os=${platform.os}`];
      args.push(`--cpu=${platform.cpu}`);
      if (platform.libc) args.push(`--libc=${platform.libc}`);
      const result = spawnSync("npm", args, { cwd: dir, encoding: "utf8", timeout: 120_000 });
      assert.is(result.status, 0, `npm ${args.join(" ")}: ${result.stderr}`);
      const added = new Set(
        result.stdout
          .split("\n")
          .map((line) => /^add (\S+) /.exec(line)?.[1])
          .filter((name): name is string => name !== undefined),
      );
      assert.ok(added.size > 100, `npm added only ${added.size} packages:\n${result.stdout}`);
      const specific = entries.filter(({ entry }) => isPlatformSpecific(entry) && entry.optional);
      const wrong = specific
        .filter(({ name, entry }) => added.has(name) && !fits(entry, platform))
        .map((e) => e.name);
      assert.equal(wrong, [], `installed for another platform than ${label(platform)}`);
      const expected = ["nodejs-polars", "@node-rs/xxhash", "@esbuild"].map((prefix) =>
        specific.find(({ name, entry }) => name.startsWith(prefix) && fits(entry, platform)),
      );
      for (const binary of expected) {
        assert.ok(binary, `the lockfile has no binary for ${label(platform)}`);
        assert.ok(
          added.has(binary?.name as string),
          `${binary?.name} is not installed on ${label(platform)}`,
        );
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test.run();
