// A deadline for producing a response: past it the client gets a 503 with Retry-After instead of waiting; the work
// already started finishes in the background and its result is dropped. One promise and one timer per request
// (no Promise.race over a second promise): this runs for every request.
import type { Middleware } from "koa";
import { ApiFailure } from "../errors.js";

/** `work`'s outcome, or a rejection with the 503 timeout failure when it takes longer than `ms`. */
export function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(deadlinePassed(ms)), ms);
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
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
