// TABULA_HIST_UNIT_TIMES (src/ml/models/hist/unit-times.ts): every unit of every command a threaded fit gives is
// recorded once, by the thread that ran it, within its command's span. Its own file: the variable is read when the
// modules load, in this process and in the worker threads it starts.
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { friedman } from "./synthetic.js";

const directory = mkdtempSync(join(tmpdir(), "unit-times-"));
const prefix = join(directory, "fit");
process.env.TABULA_HIST_UNIT_TIMES = prefix;
const { gbt } = await import("../../../src/ml/models/gbt.js");
const { commandUnits } = await import("../../../src/ml/models/hist/thread-work.js");
const { writeUnitTimes } = await import("../../../src/ml/models/hist/unit-times.js");

const read = (thread: number) =>
  JSON.parse(readFileSync(`${prefix}.${thread}.json`, "utf8")) as { units: number[]; commands: number[] };
const records = (flat: number[]) =>
  Array.from(
    { length: flat.length / 4 },
    (_, i) => flat.slice(4 * i, 4 * i + 4) as [number, number, number, number],
  );

test("unit times: each unit of each command once, by one of the threads, inside the command", async () => {
  const train = friedman(3000, 3, { noise: 1 });
  await gbt.fit(train, gbt.params.parse({ n_estimators: 5, max_depth: 4, tree_method: "hist" }), {
    seed: 1,
    threads: 2,
  });
  writeUnitTimes(0);
  // The worker writes when the fit releases it, on its own thread.
  for (const until = Date.now() + 5000; !existsSync(`${prefix}.1.json`) && Date.now() < until; )
    await new Promise((resolve) => setTimeout(resolve, 10));
  const calling = read(0);
  const worker = read(1);
  const commands = records(calling.commands);
  assert.ok(commands.length >= 5 * 4, `${commands.length} commands recorded`);
  const units = [...records(calling.units), ...records(worker.units)];
  assert.ok(records(worker.units).length > 0, "the worker ran units");
  for (const [op, start, end] of commands) {
    const inside = units.filter(([unitOp, , s, e]) => unitOp === op && s >= start && e <= end);
    const expected = commandUnits(op, 2);
    assert.is(inside.length, expected, `op ${op}: ${inside.length} units recorded, ${expected} run`);
    assert.is(new Set(inside.map(([, unit]) => unit)).size, expected, `op ${op}: every unit once`);
  }
  rmSync(directory, { recursive: true, force: true });
});

test.run();
