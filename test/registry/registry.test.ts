import { spawn, spawnSync } from "node:child_process";
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { AliasesSchema } from "../../src/artifact/aliases.js";
import { writePackage } from "../../src/package/write-package.js";
import {
  listVersions,
  promote,
  publish,
  type Registry,
  resolveVersion,
  rollback,
  showVersion,
} from "../../src/registry/registry.js";
import { packagedHandBuilt } from "../package/packaged.js";

let clock = 0;
function freshRegistry(): { registry: Registry; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), "tabula-registry-"));
  return {
    dir,
    registry: { root: join(dir, "models"), now: () => new Date(Date.UTC(2024, 0, 1) + 1000 * clock++) },
  };
}

async function writeHandBuilt(
  dir: string,
  seed: number,
  gate = { promote: true, reason: "better than the champion" },
) {
  const packaged = await packagedHandBuilt("regression", { seed, gate });
  const packageDir = join(dir, `package-${seed}`);
  writePackage(packageDir, packaged);
  return { packageDir, version: packaged.manifest.version };
}

function aliasesOf(registry: Registry) {
  return AliasesSchema.parse(JSON.parse(readFileSync(join(registry.root, "houses", "aliases.json"), "utf8")));
}

test("publish + promote: the version directory holds the three files, production points at it", async () => {
  const { registry, dir } = freshRegistry();
  const { packageDir, version } = await writeHandBuilt(dir, 1);
  const published = await publish(registry, packageDir);
  assert.ok(published.ok && published.value.created);
  assert.equal(readdirSync(join(registry.root, "houses", version)).sort(), [
    "manifest.json",
    "model-card.md",
    "model.onnx",
  ]);
  const promoted = await promote(registry, { name: "houses", version });
  assert.ok(promoted.ok && promoted.value.changed && promoted.value.previous === null);
  assert.equal(aliasesOf(registry).aliases, { production: version });
  const again = await publish(registry, packageDir);
  assert.ok(again.ok && !again.value.created, "publishing the same package twice is a no-op");
  assert.equal(
    readdirSync(join(registry.root, "houses")).sort(),
    [version, "aliases.json"].sort(),
    "no temporary files left",
  );
  rmSync(dir, { recursive: true, force: true });
});

test("promote / rollback round trip", async () => {
  const { registry, dir } = freshRegistry();
  const a = await writeHandBuilt(dir, 1);
  const b = await writeHandBuilt(dir, 2);
  for (const { packageDir } of [a, b]) assert.ok((await publish(registry, packageDir)).ok);
  assert.ok((await promote(registry, { name: "houses", version: a.version })).ok);
  const second = await promote(registry, { name: "houses", version: b.version });
  assert.ok(second.ok && second.value.previous === a.version);

  const back = rollback(registry, "houses");
  assert.equal(back.ok && back.value, { from: b.version, to: a.version });
  assert.is(aliasesOf(registry).aliases.production, a.version);

  const nothing = rollback(registry, "houses");
  assert.is(!nothing.ok && nothing.error.kind, "nothing-to-roll-back");
  assert.match(!nothing.ok ? nothing.error.message : "", /first production version/);

  assert.ok((await promote(registry, { name: "houses", version: b.version })).ok);
  const same = await promote(registry, { name: "houses", version: b.version });
  assert.ok(same.ok && !same.value.changed, "promoting production again changes nothing");
  const history = aliasesOf(registry).history;
  assert.equal(
    history.map((event) => [event.action, event.version, event.previous]),
    [
      ["promote", a.version, null],
      ["promote", b.version, a.version],
      ["rollback", a.version, b.version],
      ["promote", b.version, a.version],
    ],
  );
  const versions = listVersions(registry, "houses");
  assert.equal(versions.ok && versions.value.map((entry) => [entry.version, entry.aliases]), [
    [a.version, []],
    [b.version, ["production"]],
  ]);
  rmSync(dir, { recursive: true, force: true });
});

test("promote refuses a version the evaluate stage did not promote, says why, and --force overrides it", async () => {
  const { registry, dir } = freshRegistry();
  const champion = await writeHandBuilt(dir, 1);
  const worse = await writeHandBuilt(dir, 3, {
    promote: false,
    reason: "rmse 3.4 is worse than the champion's 3.1",
  });
  for (const { packageDir } of [champion, worse]) assert.ok((await publish(registry, packageDir)).ok);
  assert.ok((await promote(registry, { name: "houses", version: champion.version })).ok);

  const refused = await promote(registry, { name: "houses", version: worse.version });
  assert.is(!refused.ok && refused.error.kind, "gate-refused");
  assert.match(
    !refused.ok ? refused.error.message : "",
    /rmse 3\.4 is worse than the champion's 3\.1.*--force/,
  );
  assert.is(aliasesOf(registry).aliases.production, champion.version, "production unchanged");

  const forced = await promote(registry, { name: "houses", version: worse.version, force: true });
  assert.ok(forced.ok && forced.value.forced);
  assert.match(aliasesOf(registry).history.at(-1)?.reason ?? "", /forced past the gate: rmse 3\.4/);
  rmSync(dir, { recursive: true, force: true });
});

test("a truncated model.onnx is a clear error, never a crash; so is one onnxruntime cannot parse", async () => {
  const { registry, dir } = freshRegistry();
  const { packageDir, version } = await writeHandBuilt(dir, 1);
  assert.ok((await publish(registry, packageDir)).ok);
  const model = join(registry.root, "houses", version, "model.onnx");
  truncateSync(model, 1000);

  const shown = await showVersion(registry, "houses", version);
  assert.is(!shown.ok && shown.error.kind, "corrupt");
  assert.match(
    !shown.ok ? shown.error.message : "",
    /model\.onnx: its sha256 \([0-9a-f]+, 1000 bytes\) is not the manifest's .*truncated or was modified/,
  );
  const promoted = await promote(registry, { name: "houses", version });
  assert.is(!promoted.ok && promoted.error.kind, "corrupt", "a damaged version cannot become production");

  // The same truncated bytes with a manifest that agrees: onnxruntime itself refuses them, as an error value.
  const manifestPath = join(packageDir, "manifest.json");
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
  const bytes = readFileSync(join(packageDir, "model.onnx")).subarray(0, 1000);
  manifest.onnx.sha256 = (await import("node:crypto")).createHash("sha256").update(bytes).digest("hex");
  writeFileSync(manifestPath, JSON.stringify(manifest));
  writeFileSync(join(packageDir, "model.onnx"), bytes);
  const published = await publish(registry, packageDir);
  assert.is(!published.ok && published.error.kind, "invalid-onnx");
  assert.match(
    !published.ok ? published.error.message : "",
    /onnxruntime cannot load it: .*protobuf parsing failed/,
  );
  rmSync(dir, { recursive: true, force: true });
});

test("versions resolve from unambiguous prefixes; unknown ones list what exists", async () => {
  const { registry, dir } = freshRegistry();
  const { packageDir, version } = await writeHandBuilt(dir, 1);
  assert.ok((await publish(registry, packageDir)).ok);
  assert.equal(resolveVersion(registry, "houses", version.slice(0, 6)), { ok: true, value: version });
  const missing = resolveVersion(registry, "houses", "ffffffffffff");
  assert.is(!missing.ok && missing.error.kind, "not-found");
  assert.match(!missing.ok ? missing.error.message : "", new RegExp(`versions: ${version}`));
  rmSync(dir, { recursive: true, force: true });
});

test("a breaking contract change against production is refused without --force, and says who breaks", async () => {
  const { registry, dir } = freshRegistry();
  const a = await writeHandBuilt(dir, 1);
  // A classifier under the same name: other features, another output kind.
  const classifier = await packagedHandBuilt("binary", { seed: 1, name: "houses" });
  const b = { packageDir: join(dir, "package-classifier"), version: classifier.manifest.version };
  writePackage(b.packageDir, classifier);
  for (const { packageDir } of [a, b]) assert.ok((await publish(registry, packageDir)).ok);
  assert.ok((await promote(registry, { name: "houses", version: a.version })).ok);
  const refused = await promote(registry, { name: "houses", version: b.version });
  assert.is(!refused.ok && refused.error.kind, "breaking-change");
  const message = !refused.ok ? refused.error.message : "";
  assert.match(message, new RegExp(`breaks the API contract of production ${a.version}`));
  assert.match(
    message,
    /breaking +output-kind-changed: the model was a regression model, is a classification model\n +breaks every client/,
  );
  assert.match(message, /breaking +feature-removed: "rooms"/);
  assert.match(message, /use --force/);
  assert.is(aliasesOf(registry).aliases.production, a.version, "production unchanged");

  const forced = await promote(registry, { name: "houses", version: b.version, force: true });
  assert.ok(forced.ok && forced.value.changed);
  assert.match(
    forced.ok ? forced.value.forced.join() : "",
    /^forced past a breaking contract change: output-kind-changed, /,
  );
  assert.match(aliasesOf(registry).history.at(-1)?.reason ?? "", /forced past a breaking contract change/);
  rmSync(dir, { recursive: true, force: true });
});

test("a promote while another process holds the lock is refused; a lock left by a dead process is taken over", async () => {
  const { registry, dir } = freshRegistry();
  const { packageDir, version } = await writeHandBuilt(dir, 1);
  assert.ok((await publish(registry, packageDir)).ok);
  const lock = join(registry.root, "houses", ".lock");
  const holder = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60000)"]);
  try {
    writeFileSync(lock, JSON.stringify({ pid: holder.pid, command: "models promote", sinceMs: Date.now() }));
    const locked = await promote(registry, { name: "houses", version });
    assert.is(!locked.ok && locked.error.kind, "locked");
    assert.match(
      !locked.ok ? locked.error.message : "",
      new RegExp(`process ${holder.pid} is changing houses's aliases`),
    );
    assert.not.ok(existsSync(join(registry.root, "houses", "aliases.json")), "no alias written");
  } finally {
    holder.kill();
  }

  const dead = spawnSync(process.execPath, ["-e", ""]).pid;
  writeFileSync(lock, JSON.stringify({ pid: dead, command: "models promote", sinceMs: Date.now() }));
  const promoted = await promote(registry, { name: "houses", version });
  assert.ok(promoted.ok, "the stale lock is taken over");
  assert.not.ok(existsSync(lock), "and released");
  rmSync(dir, { recursive: true, force: true });
});

test("two processes promoting at once: every change lands in the history, none is lost to a broken lock", async () => {
  const { registry, dir } = freshRegistry();
  const versions: string[] = [];
  for (const seed of [1, 2]) {
    const { packageDir, version } = await writeHandBuilt(dir, seed);
    assert.ok((await publish(registry, packageDir)).ok);
    versions.push(version);
  }
  const script = fileURLToPath(new URL("./support/promote-loop.ts", import.meta.url));
  const race = (version: string) =>
    new Promise<{ changed: number; unchanged: number; locked: number; other: string[] }>(
      (resolve, reject) => {
        const child = spawn(process.execPath, [
          "--import",
          "tsx",
          script,
          registry.root,
          "houses",
          version,
          "25",
        ]);
        let out = "";
        child.stdout.on("data", (chunk) => {
          out += chunk;
        });
        child.on("error", reject);
        child.on("close", (code) =>
          code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`exit ${code}`)),
        );
      },
    );
  const [a, b] = await Promise.all(versions.map(race));
  assert.ok(a && b);
  if (!a || !b) return;
  assert.equal([...a.other, ...b.other], [], "only the lock may refuse");
  assert.ok(a.changed + b.changed > 0, "both ran");
  const history = aliasesOf(registry).history;
  assert.is(history.length, a.changed + b.changed, "each change is in the history once");
  for (const [i, event] of history.entries())
    assert.is(
      event.previous,
      i === 0 ? null : (history[i - 1]?.version ?? null),
      `event ${i} follows the one before`,
    );
  assert.not.ok(existsSync(join(registry.root, "houses", ".lock")), "the lock is released");
  rmSync(dir, { recursive: true, force: true });
});

test("a version is registered once: the same model built again (new lineage, new gate) keeps the first copy", async () => {
  const { registry, dir } = freshRegistry();
  const { packageDir, version } = await writeHandBuilt(dir, 1);
  assert.ok((await publish(registry, packageDir)).ok);
  const registered = readFileSync(join(registry.root, "houses", version, "manifest.json"));
  const rebuilt = await packagedHandBuilt("regression", {
    seed: 1,
    gate: { promote: false, reason: "equal to the champion" },
    lineage: { gitRev: "fedcba9", dataHash: "d4t4", inputs: {} },
  });
  assert.is(rebuilt.manifest.version, version);
  writePackage(packageDir, rebuilt);
  const again = await publish(registry, packageDir);
  assert.ok(again.ok && !again.value.created);
  assert.ok(
    readFileSync(join(registry.root, "houses", version, "manifest.json")).equals(registered),
    "unchanged",
  );
  rmSync(dir, { recursive: true, force: true });
});

test("a damaged version directory is never overwritten", async () => {
  const { registry, dir } = freshRegistry();
  const { packageDir, version } = await writeHandBuilt(dir, 1);
  assert.ok((await publish(registry, packageDir)).ok);
  writeFileSync(join(registry.root, "houses", version, "manifest.json"), "{}");
  const again = await publish(registry, packageDir);
  assert.is(!again.ok && again.error.kind, "conflict");
  assert.match(
    !again.ok ? again.error.message : "",
    /already exists but is damaged .*manifest\.json: does not match its schema at format: .*remove it by hand/,
  );
  assert.is(readFileSync(join(registry.root, "houses", version, "manifest.json"), "utf8"), "{}");
  rmSync(dir, { recursive: true, force: true });
});

test.run();
