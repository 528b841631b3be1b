import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { run } from "../../src/cli/commands/models.js";
import { writePackage } from "../../src/package/write-package.js";
import { packagedHandBuilt } from "../package/packaged.js";

async function tabulaModels(cwd: string, ...argv: string[]) {
  let stdout = "";
  let stderr = "";
  const code = await run(argv, {
    cwd,
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
  });
  return { code, stdout, stderr };
}

test("list, promote (from package/), show, rollback and the gate, as a user types them", async () => {
  const cwd = mkdtempSync(join(tmpdir(), "tabula-models-"));
  const empty = await tabulaModels(cwd, "list");
  assert.is(empty.code, 0);
  assert.match(empty.stdout, /no models in .*models yet/);

  const first = await packagedHandBuilt("regression", { seed: 1 });
  writePackage(join(cwd, "package"), first);
  const promoted = await tabulaModels(cwd, "promote");
  assert.is(promoted.code, 0, promoted.stderr);
  assert.match(promoted.stdout, new RegExp(`registered houses ${first.manifest.version}`));
  assert.match(promoted.stdout, new RegExp(`promoted houses ${first.manifest.version} to production\\n`));

  const refusedModel = await packagedHandBuilt("regression", {
    seed: 2,
    gate: { promote: false, reason: "rmse is worse than the champion's" },
  });
  writePackage(join(cwd, "package"), refusedModel);
  const diff = await tabulaModels(cwd, "diff", "production", "package");
  assert.is(diff.code, 0, diff.stderr);
  assert.match(
    diff.stdout,
    new RegExp(
      `^houses ${first.manifest.version} → houses ${refusedModel.manifest.version}: \\d+ contract changes?, \\d+ breaking\n`,
    ),
  );
  const diffJson = await tabulaModels(cwd, "diff", first.manifest.version.slice(0, 6), "package", "--json");
  assert.is(JSON.parse(diffJson.stdout).to, `houses ${refusedModel.manifest.version}`);
  const refused = await tabulaModels(cwd, "promote");
  assert.is(refused.code, 1);
  assert.match(
    refused.stderr,
    /gate-refused: houses \S+ was not promoted: the evaluate stage said "rmse is worse than the champion's"\. Use --force/,
  );
  const forced = await tabulaModels(cwd, "promote", refusedModel.manifest.version.slice(0, 7), "--force");
  assert.is(forced.code, 0, forced.stderr);
  assert.match(forced.stdout, /forced past the gate/);

  const listed = await tabulaModels(cwd, "list");
  assert.match(
    listed.stdout,
    new RegExp(`  ${first.manifest.version}  -\\s+hand-built, 8 trees  mae=2.2 r2=0.87 rmse=3.1`),
  );
  assert.match(listed.stdout, new RegExp(`\\* ${refusedModel.manifest.version}  production`));

  const shown = await tabulaModels(cwd, "show", first.manifest.version, "--graph");
  assert.is(shown.code, 0, shown.stderr);
  assert.match(
    shown.stdout,
    /files {7}ok: sha256 matches \(\d+ bytes\), onnxruntime loads it, \d+ golden rows reproduced/,
  );
  assert.match(shown.stdout, /features {4}rooms\? crime age zone tax\?/);
  assert.match(shown.stdout, /node ai\.onnx\.ml\.TreeEnsembleRegressor\(/);

  const back = await tabulaModels(cwd, "rollback");
  assert.match(
    back.stdout,
    new RegExp(
      `rolled houses production back from ${refusedModel.manifest.version} to ${first.manifest.version}`,
    ),
  );
  const nothing = await tabulaModels(cwd, "rollback");
  assert.is(nothing.code, 1);
  assert.match(nothing.stderr, /nothing-to-roll-back/);
  rmSync(cwd, { recursive: true, force: true });
});

test("usage errors exit 2 with the usage text", async () => {
  const cwd = mkdtempSync(join(tmpdir(), "tabula-models-"));
  for (const argv of [
    [],
    ["frobnicate"],
    ["show"],
    ["diff", "production"],
    ["list", "extra"],
    ["list", "--bogus"],
  ]) {
    const result = await tabulaModels(cwd, ...argv);
    assert.is(result.code, 2, argv.join(" "));
    assert.match(result.stderr, /usage: tabula models/);
  }
  const missing = await tabulaModels(cwd, "show", "abc123", "--name", "houses");
  assert.is(missing.code, 1);
  assert.match(missing.stderr, /not-found: houses has no version "abc123"/);
  rmSync(cwd, { recursive: true, force: true });
});

test.run();
