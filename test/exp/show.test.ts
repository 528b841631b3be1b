// `tabula exp show` for a known set of experiments: changed columns only by default, every column with --all,
// sorting by a metric, and each output format.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { UsageError } from "../../src/cli/command.js";
import { run } from "../../src/cli/commands/exp.js";
import { EXPERIMENT_FORMAT, type Experiment } from "../../src/exp/experiment.js";
import { ExperimentStore } from "../../src/exp/store.js";
import { runCommand } from "../support/command-io.js";

const dir = mkdtempSync(join(tmpdir(), "tabula-exp-show-"));
test.after(() => rmSync(dir, { recursive: true, force: true }));

function experiment(
  id: string,
  time: string,
  lr: number,
  loss: number,
  name: string | null = null,
): Experiment {
  return {
    format: EXPERIMENT_FORMAT,
    id,
    name,
    source: "exp run",
    time,
    rev: { commit: "0123456789abcdef0123456789abcdef01234567", dirty: id === "cccccccc" },
    targets: [],
    overrides: { "train.lr": lr },
    params: { "data.n": 10, "train.lr": lr, "train.steps": 3, "data.drop": ["a", "b"] },
    metrics: {
      "metrics.json": { loss, rows: 10, "nested.best": loss / 2 },
      "other.json": { loss: 1 },
    },
    deps: { "train.mjs": "feed" },
    seconds: 1.5,
    stages: { ran: ["train"], restored: ["prepare"] },
  };
}

const store = new ExperimentStore(dir);
store.save(experiment("bbbbbbbb", "2026-11-23T10:05:00.000Z", 0.4, 1.234567891, "fast"));
store.save(experiment("aaaaaaaa", "2026-11-23T10:00:00.000Z", 0.1, 3.5));
store.save(experiment("cccccccc", "2026-11-23T10:10:00.000Z", 0.2, 2.25));

async function show(...args: string[]): Promise<string> {
  const shown = await runCommand(run, ["show", ...args], dir);
  assert.is(shown.code, 0, shown.stderr);
  return shown.stdout;
}

test("a text table of the params and metrics that differ, oldest first", async () => {
  assert.is(
    await show(),
    [
      "experiment  created           rev       train.lr  metrics.json:loss  nested.best",
      "aaaaaaaa    2026-11-23 10:00  0123456        0.1                3.5         1.75",
      "fast        2026-11-23 10:05  0123456        0.4             1.2346      0.61728",
      "cccccccc    2026-11-23 10:10  0123456*       0.2               2.25        1.125",
      "",
    ].join("\n"),
  );
});

test("--sort-by a metric (by its last part), descending; Markdown", async () => {
  assert.is(
    await show("--sort-by", "nested.best", "--sort-order", "desc", "--md"),
    [
      "| experiment | created | rev | train.lr | metrics.json:loss | nested.best |",
      "|:---|:---|:---|---:|---:|---:|",
      "| aaaaaaaa | 2026-11-23 10:00 | 0123456 | 0.1 | 3.5 | 1.75 |",
      "| cccccccc | 2026-11-23 10:10 | 0123456* | 0.2 | 2.25 | 1.125 |",
      "| fast | 2026-11-23 10:05 | 0123456 | 0.4 | 1.2346 | 0.61728 |",
      "",
    ].join("\n"),
  );
  assert.match(await show("--sort-by", "best"), /^experiment[^\n]*\nfast /);
});

test("--all adds the columns every experiment shares; --csv keeps full precision", async () => {
  const csv = await show("--all", "--csv", "--sort-by", "train.lr");
  assert.is(
    csv,
    [
      "experiment,created,rev,data.drop,data.n,train.lr,train.steps,metrics.json:loss,rows,nested.best,other.json:loss",
      'aaaaaaaa,2026-11-23 10:00,0123456,"[""a"",""b""]",10,0.1,3,3.5,10,1.75,1',
      'cccccccc,2026-11-23 10:10,0123456*,"[""a"",""b""]",10,0.2,3,2.25,10,1.125,1',
      'fast,2026-11-23 10:05,0123456,"[""a"",""b""]",10,0.4,3,1.234567891,10,0.6172839455,1',
      "",
    ].join("\n"),
  );
});

test("--json: one object per experiment with the shown params and metrics", async () => {
  const rows = JSON.parse(await show("--json")) as { id: string; params: object; metrics: object }[];
  assert.equal(
    rows.map((row) => row.id),
    ["aaaaaaaa", "bbbbbbbb", "cccccccc"],
  );
  assert.equal(rows[1]?.params, { "train.lr": 0.4 });
  assert.equal(rows[1]?.metrics, { "metrics.json:loss": 1.234567891, "nested.best": 0.6172839455 });
});

test("an unknown or ambiguous --sort-by is a usage error naming the choices", async () => {
  for (const [key, message] of [
    [
      "nope",
      /--sort-by nope: no such metric or param; metrics: metrics\.json:loss, rows, nested\.best, other\.json:loss/,
    ],
    ["loss", /--sort-by loss: ambiguous, matches metrics\.json:loss, other\.json:loss/],
  ] as const) {
    try {
      await run(["show", "--cwd", dir, "--sort-by", key]);
      assert.unreachable("a usage error");
    } catch (error) {
      assert.instance(error, UsageError);
      assert.match((error as Error).message, message);
    }
  }
});

test.run();
