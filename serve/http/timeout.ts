// A deadline for producing a response: past it the client gets a 503 with Retry-After instead of waiting; the work
// already started finishes in the background and its result is dropped. This runs for every request, so the
// deadlines share one timer: every request has the same duration, so they expire in the order they were set, and a
// list swept by one interval timer (a twentieth of the duration, at least 1 ms and at most 100 ms) replaces a
// setTimeout and a clearTimeout per request (Node's timer lists: a Timeout object, a list insertion and a clock read
// each). The list is linked through its entries, so a request that settles leaves it at once: an entry lives no
// longer than its request (a queue swept later would keep every entry until the sweep, past the young generation's
// scavenges). A deadline therefore passes between `ms` and `ms` plus one sweep interval after it was set.
import type { Middleware } from "koa";
import { ApiFailure } from "../errors.js";

interface Pending {
  /** performance.now() at which the deadline passes. */
  at: number;
  reject: (failure: ApiFailure) => void;
  previous: Pending | undefined;
  next: Pending | undefined;
}

/** The pending deadlines of one duration, oldest first, and the interval timer that sweeps them while any wait. */
class DeadlineList {
  private first: Pending | undefined;
  private last: Pending | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly sweepMs: number;

  constructor(private readonly ms: number) {
    this.sweepMs = Math.min(100, Math.max(1, Math.floor(ms / 20)));
  }

  add(reject: (failure: ApiFailure) => void): Pending {
    const entry: Pending = { at: performance.now() + this.ms, reject, previous: this.last, next: undefined };
    if (this.last === undefined) this.first = entry;
    else this.last.next = entry;
    this.last = entry;
    if (this.timer === undefined) {
      this.timer = setInterval(() => this.sweep(), this.sweepMs);
      this.timer.unref(); // a request waiting keeps its socket, and so the process, alive
    }
    return entry;
  }

  /** Takes `entry` off the list (its work settled, or its deadline passed). */
  remove(entry: Pending): void {
    const { previous, next } = entry;
    if (previous === undefined) {
      if (this.first !== entry) return; // already removed
      this.first = next;
    } else previous.next = next;
    if (next === undefined) this.last = previous;
    else next.previous = previous;
    entry.previous = undefined;
    entry.next = undefined;
  }

  private sweep(): void {
    const now = performance.now();
    for (let entry = this.first; entry !== undefined && entry.at <= now; entry = this.first) {
      this.remove(entry);
      entry.reject(deadlinePassed(this.ms));
    }
    if (this.first === undefined) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }
}

const lists = new Map<number, DeadlineList>();

/** `work`'s outcome, or a rejection with the 503 timeout failure when it takes longer than `ms`. */
export function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let found = lists.get(ms);
  if (found === undefined) {
    found = new DeadlineList(ms);
    lists.set(ms, found);
  }
  const deadlines = found;
  return new Promise<T>((resolve, reject) => {
    const entry = deadlines.add(reject);
    work.then(
      (value) => {
        deadlines.remove(entry);
        resolve(value);
      },
      (error: unknown) => {
        deadlines.remove(entry);
        reject(error);
      },
    );
  });
}

function deadlinePassed(ms: number): ApiFailure {
  return new ApiFailure(
    { code: "timeout", message: `no answer within ${ms} ms; the server is overloaded, retry later` },
    { "retry-after": "1" },
  );
}

export function timeout(ms: number): Middleware {
  return (_ctx, next) => withDeadline(next(), ms);
}
