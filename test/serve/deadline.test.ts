// withDeadline: the deadlines of one duration share one timer and one list; work that settles in time keeps its
// outcome and leaves the list, work that does not gets the 503 timeout failure, each on its own, in any order.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { ApiFailure } from "../../serve/errors.js";
import { withDeadline } from "../../serve/http/timeout.js";

const later = <T>(ms: number, value: T) => new Promise<T>((resolve) => setTimeout(() => resolve(value), ms));

async function outcome<T>(promise: Promise<T>): Promise<{ value?: T; code?: string; error?: unknown }> {
  try {
    return { value: await promise };
  } catch (error) {
    return error instanceof ApiFailure ? { code: error.error.code } : { error };
  }
}

test("work in time keeps its value or its error", async () => {
  assert.equal(await outcome(withDeadline(Promise.resolve(7), 50)), { value: 7 });
  const failure = new Error("boom");
  assert.equal(await outcome(withDeadline(Promise.reject(failure), 50)), { error: failure });
});

test("work past its deadline gets the timeout failure with Retry-After", async () => {
  try {
    await withDeadline(later(1000, "late"), 40);
    assert.unreachable("should have timed out");
  } catch (error) {
    assert.instance(error, ApiFailure);
    assert.is((error as ApiFailure).error.code, "timeout");
    assert.is(
      (error as ApiFailure).error.message,
      "no answer within 40 ms; the server is overloaded, retry later",
    );
    assert.equal((error as ApiFailure).headers, { "retry-after": "1" });
  }
});

test("each deadline on its own: settled ones leave the list, the others expire, whatever their order", async () => {
  const results = await Promise.all([
    outcome(withDeadline(later(1000, "a"), 60)),
    outcome(withDeadline(later(5, "b"), 60)),
    outcome(withDeadline(later(1000, "c"), 60)),
    outcome(withDeadline(Promise.resolve("d"), 60)),
    outcome(withDeadline(later(1000, "e"), 30)),
    outcome(withDeadline(later(5, "f"), 30)),
  ]);
  assert.equal(results, [
    { code: "timeout" },
    { value: "b" },
    { code: "timeout" },
    { value: "d" },
    { code: "timeout" },
    { value: "f" },
  ]);
  // The list emptied and its timer stopped; a new deadline starts it again.
  assert.equal(await outcome(withDeadline(later(1000, "g"), 60)), { code: "timeout" });
  assert.equal(await outcome(withDeadline(later(5, "h"), 60)), { value: "h" });
});

test.run();
