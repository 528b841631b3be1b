// `tabula data infer`: the drafted dataset section and feature steps, and --write through the comment-keeping
// params writer, on a CSV with what real files bring (a date column, missing tokens, a text categorical, an id, a
// constant, unlabeled rows).
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readCsvText } from "../../../src/ml/data/csv.js";
import { checkSuite } from "../../../src/ml/data/expectations/check-suite.js";
import { draftSuite } from "../../../src/ml/data/expectations/draft-suite.js";
import { inferDataset } from "../../../src/ml/data/infer-schema.js";
import { loadDatasetRows } from "../../../src/ml/data/load.js";
import { formatError } from "../../../src/ml/errors.js";
import { suggestSteps } from "../../../src/ml/features/suggest-steps.js";
import { MlParams } from "../../../src/ml/params.js";
import { runTabula } from "../../support/tabula-cli.js";
import { tempFile } from "./temp.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

function csv(): string {
  const lines = ["Row ID,day,size,color,flag,note,label"];
  for (let i = 0; i < 60; i++) {
    const day = `${String((i % 28) + 1).padStart(2, "0")}/0${(i % 9) + 1}/20${10 + (i % 5)}`;
    const size = i % 13 === 4 ? "." : String(10 + ((i * 7) % 23) / 2);
    const color = ["red", "green", "light blue"][i % 3];
    const label = i % 17 === 2 ? "?" : String(100 + i * 1.5);
    lines.push([1000 + i, day, size, color, 1, `note ${i}`, label].join(","));
  }
  return `${lines.join("\n")}\n`;
}

test("types, ranges with a margin, categories, dates with their format, tokens, drops and the task", () => {
  const text = readCsvText(tempFile("x.csv", csv()));
  if (!text.ok) throw new Error("csv");
  const inferred = inferDataset(text.value, "data/raw/x.csv", "label");
  if (!inferred.ok) throw new Error(formatError(inferred.error));
  const { dataset, tokensSeen } = inferred.value;
  assert.is(dataset.task, "regression");
  assert.is(dataset.missing_target, "drop");
  assert.equal(dataset.drop, ["Row ID", "flag", "note"]);
  assert.equal(dataset.categorical, ["color"]);
  assert.equal(tokensSeen.sort(), [".", "?"]);
  assert.equal(dataset.columns.day, { type: "date", format: "DD/MM/YYYY", nullable: false });
  assert.equal(dataset.columns.size, { min: 8, max: 23, nullable: true });
  assert.equal(dataset.columns.color, {
    type: "string",
    allowed: ["green", "light blue", "red"],
    nullable: false,
  });
  assert.equal(dataset.columns.label, { min: 91, max: 198, nullable: false });
  const reasons = inferred.value.columns.map((col) => col.dropReason ?? "");
  assert.match(
    reasons.join("|"),
    /id-like.*\|.*constant: every value is "1".*\|free text or an id: 60 distinct values/,
  );
  assert.equal(suggestSteps(inferred.value), [
    {
      op: "date",
      columns: ["day"],
      parts: ["year", "month", "day_of_week", "day_of_year", "days_since"],
      reference: "1970-01-01",
    },
    { op: "impute", columns: ["size"], strategy: "median" },
    { op: "onehot", columns: ["color"] },
  ]);
});

test("a text target or a few integer classes is classification; an unknown target lists the columns", () => {
  const text = readCsvText(tempFile("x.csv", "a,kind,grade\n1,x,1\n2,y,2\n3,x,3\n4,y,1\n"));
  if (!text.ok) throw new Error("csv");
  const byText = inferDataset(text.value, "x.csv", "kind");
  assert.ok(byText.ok && byText.value.dataset.task === "classification");
  const byInteger = inferDataset(text.value, "x.csv", "grade");
  assert.ok(byInteger.ok && byInteger.value.dataset.task === "classification");
  assert.ok(
    byInteger.ok && byInteger.value.dataset.columns.grade?.min === undefined,
    "a class label has no range",
  );
  const unknown = inferDataset(text.value, "x.csv", "Grade");
  assert.ok(!unknown.ok);
  if (!unknown.ok)
    assert.match(
      formatError(unknown.error),
      /--target "Grade" is not a column \(did you mean "grade"\?\); its columns: "a", "kind", "grade"/,
    );
});

test("unique is drafted only for id-like columns whose every value is present and distinct", () => {
  const lines = ["order_id,customer_id,sku,amount"];
  for (let i = 0; i < 40; i++)
    // order_id: string ids, one per row; customer_id: integer ids that repeat; sku: string codes, one missing.
    lines.push([`ord-${i * 7}`, 500 + (i % 30), i === 3 ? "" : `sku-${i}`, 10 + (i % 9)].join(","));
  const file = tempFile("ids.csv", `${lines.join("\n")}\n`);
  const text = readCsvText(file);
  if (!text.ok) throw new Error(formatError(text.error));
  const inferred = inferDataset(text.value, file, "amount");
  if (!inferred.ok) throw new Error(formatError(inferred.error));
  const unique = draftSuite(inferred.value, text.value.rows).filter((expectation) => "unique" in expectation);
  assert.equal(unique, [{ unique: "order_id", severity: "error" }]);
  // order_id is dropped from the model's columns, yet prepare's checks still see it: a re-used id fails.
  const { dataset } = inferred.value;
  assert.ok(dataset.drop.includes("order_id"));
  const doubled = tempFile("doubled.csv", `${[...lines, lines[5]].join("\n")}\n`);
  const loaded = loadDatasetRows({ ...dataset, path: doubled });
  if (!loaded.ok) throw new Error(formatError(loaded.error));
  const result = checkSuite(unique, loaded.value.checked).results[0];
  assert.is(result?.status, "fail");
  assert.is(result?.observed, 1);
  assert.match(result?.detail ?? "", /data row 41 repeats an earlier order_id/);
});

test("the command prints YAML that validates; --write changes only dataset, features and expectations, comments kept", () => {
  const dir = mkdtempSync(join(tmpdir(), "tabula-infer-"));
  const params = readFileSync(join(root, "params.yaml"), "utf8");
  writeFileSync(join(dir, "params.yaml"), params);
  writeFileSync(join(dir, "x.csv"), csv());
  const printed = runTabula(dir, ["data", "infer", "x.csv", "--target", "label"]);
  assert.is(printed.code, 0, printed.stderr);
  assert.match(printed.stdout, /^# Drafted by `tabula data infer` from x\.csv \(60 rows, 7 columns\)/);
  assert.match(printed.stdout, /\n {4}day: \{type: date, format: DD\/MM\/YYYY\}\n/);
  assert.match(printed.stdout, /\n {4}- \{op: onehot, columns: \[color\]\}\n/);
  assert.match(printed.stdout, /\nexpectations:\n {2}- \{row_count: \{min: 48\}\}\n/);
  assert.match(printed.stdout, /\n {2}- \{max_missing: \{column: size, fraction: 0\.14\}\}\n/);
  assert.match(printed.stdout, /\n {2}- \{drift: \{max_drifted_share: 0\.2\}, severity: warn\}\n/);
  assert.is(readFileSync(join(dir, "params.yaml"), "utf8"), params, "printing writes nothing");

  const written = runTabula(dir, ["data", "infer", "x.csv", "-t", "label", "--write"]);
  assert.is(written.code, 0, written.stderr);
  assert.match(
    written.stdout,
    /^wrote params\.yaml: dataset \(x\.csv, target label, regression; 4 columns checked, drop Row ID, flag, note\), features\.steps \(3 steps\), expectations \(8\), registry\.name x\nnext: npm run repro\n$/,
  );
  const after = readFileSync(join(dir, "params.yaml"), "utf8");
  const read = MlParams.read(join(dir, "params.yaml"));
  if (!read.ok) throw new Error(formatError(read.error));
  assert.ok(read.value.dataset().ok && read.value.features().ok);
  const suite = read.value.expectations();
  assert.ok(suite.ok);
  assert.equal(
    suite.value.flatMap((expectation) => ("max_missing" in expectation ? [expectation.max_missing] : [])),
    [
      { column: "day", fraction: 0.05 },
      { column: "size", fraction: 0.14 },
      { column: "color", fraction: 0.05 },
      { column: "label", fraction: 0 },
    ],
  );
  assert.equal(
    suite.value.flatMap((expectation) =>
      "unique" in expectation ? [[expectation.unique, expectation.severity]] : [],
    ),
    [
      ["Row ID", "error"],
      ["note", "warn"],
    ],
    "id-like columns with a distinct value per row: the integer id must stay unique, distinct free text warns",
  );
  assert.is(read.value.file.get(["dataset", "target"]), "label");
  const between = (text: string) => text.slice(text.indexOf("\nmodel:"), text.indexOf("\nregistry:"));
  assert.is(between(after), between(params), "model, tune and evaluate are byte-identical");
  assert.match(after, /\nregistry:\n {2}dir: models\n {2}name: x\n/);
  assert.match(after, /\n {2}task: regression {10}# regression \| classification\n/);
  assert.match(after, /\n {2}columns: {18}# checks: type.*\n {4}day: \{type: date, format: DD\/MM\/YYYY\}\n/);

  const missing = runTabula(dir, ["data", "infer", "x.csv"]);
  assert.is(missing.code, 2);
  assert.match(missing.stderr, /data infer needs --target COLUMN/);
});

test.run();
