// Dropped prediction-log rows are said in the log: the first drop at once, the ones after it summed once per
// interval, nothing while none are dropped, and at once again after a quiet interval.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { DropWarnings } from "../../serve/observability/drop-warnings.js";

const afterMs = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test("first drop at once, later ones summed per interval, quiet intervals say nothing", async () => {
  const warned: { rows: number; by_reason: Record<string, number> }[] = [];
  const warnings = new DropWarnings(
    { warn: ((fields: { rows: number; by_reason: Record<string, number> }) => warned.push(fields)) as never },
    10,
  );
  warnings.dropped(5, "queue_full");
  assert.equal(warned, [{ rows: 5, by_reason: { queue_full: 5 } }]);
  warnings.dropped(3, "queue_full");
  warnings.dropped(2, "write_failed");
  assert.is(warned.length, 1);
  await afterMs(15); // the interval's timer (10 ms, set earlier) fires first
  assert.equal(warned[1], { rows: 5, by_reason: { queue_full: 3, write_failed: 2 } });
  await afterMs(15); // an interval without drops: nothing said, and the next drop is said at once
  assert.is(warned.length, 2);
  warnings.dropped(1, "unavailable");
  assert.equal(warned[2], { rows: 1, by_reason: { unavailable: 1 } });
});

test.run();
