// A new user's path end to end, in a copy of the workspace: a generated CSV with a date column, unlabeled rows and a
// text categorical is switched in by editing params.yaml only (`tabula data infer --write`, plus smaller search
// settings so the test stays short), then `tabula repro package`, then a real server: ready, and one prediction
// with the date as a string, exactly as the CSV has it.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { RunningServer } from "../../serve/server.js";
import { ManifestSchema } from "../../src/artifact/manifest.js";
import { copyWorkspace } from "../../src/exp/workspace-copy.js";
import { ProfileSchema } from "../../src/ml/data/profile.js";
import { setParams } from "../../src/repro/index.js";
import { datedCsv } from "../fixtures/dated.js";
import { errorOf, request, startInProcess } from "../serve/support/harness.js";
import { runTabula } from "../support/tabula-cli.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const parent = mkdtempSync(join(tmpdir(), "tabula-own-data-"));
const copy = copyWorkspace(root, join(parent, "project"));
const dir = copy.dir;
let server: RunningServer | undefined;

test.after(async () => {
  await server?.shutdown("test over");
  rmSync(parent, { recursive: true, force: true });
});

test("CSV → params.yaml → repro → package → a served prediction from a date string", async () => {
  writeFileSync(join(dir, "data/raw/sales.csv"), datedCsv());
  // pipeline.yaml reads the CSV as ${dataset.path}: it stays as it is.
  const pipeline = readFileSync(join(dir, "pipeline.yaml"), "utf8");

  const inferred = runTabula(dir, ["data", "infer", "data/raw/sales.csv", "--target", "price", "--write"]);
  assert.is(inferred.code, 0, inferred.output);
  assert.match(
    inferred.output,
    /wrote params\.yaml: dataset \(data\/raw\/sales\.csv, target price, regression/,
  );
  const faster = await setParams(dir, {
    "tune.trials": 4,
    "tune.folds": 3,
    "tune.jobs": 1,
    "package.parity.samples": 500,
    "package.parity.edge_splits": 200,
  });
  assert.ok(faster.ok);

  const repro = runTabula(dir, ["repro", "package"]);
  assert.is(repro.code, 0, repro.output);
  assert.match(repro.output, /dropped for a missing target/);
  const profile = ProfileSchema.parse(
    JSON.parse(readFileSync(join(dir, "data/prepared/profile.json"), "utf8")),
  );
  assert.is(profile.droppedMissingTarget, 11);
  assert.ok(existsSync(join(dir, "package/model.onnx")));
  assert.is(readFileSync(join(dir, "pipeline.yaml"), "utf8"), pipeline, "only params.yaml was edited");
  const manifest = ManifestSchema.parse(JSON.parse(readFileSync(join(dir, "package/manifest.json"), "utf8")));
  assert.ok(
    manifest.features.some((feature) => feature.date?.column === "sold on"),
    "date parts in the manifest",
  );

  server = await startInProcess({
    SERVE_MODEL: join(dir, "package"),
    SERVE_DATA_DIR: join(parent, "serve-data"),
  });
  const ready = await request(`${server.url}/readyz`);
  assert.is(ready.status, 200, ready.text);
  const row = { "sold on": "2012-06-15", area: 75.5, kind: "semi detached" };
  const prediction = await request(`${server.url}/predict`, { body: { features: row } });
  assert.is(prediction.status, 200, prediction.text);
  const [price] = (prediction.body as { predictions: number[] }).predictions;
  assert.ok(typeof price === "number" && price > 100 && price < 350, `price ${price}`);
  const bad = await request(`${server.url}/predict`, {
    body: { features: { ...row, "sold on": "15.06.2012" } },
  });
  assert.is(bad.status, 400);
  assert.equal([errorOf(bad).code, errorOf(bad).field], ["invalid_date", "sold on"]);
});

test.run();
