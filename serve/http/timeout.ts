// A deadline for producing a response: past it the client gets a 503 with Retry-After instead of waiting; the work
// already started finishes in the background and its result is dropped. One promise and one timer per request
// (no Promise.race over a second promise): this runs for every request.
import type { Middleware } from "koa";
import { ApiFailure } from "../errors.js";

export function timeout(ms: number): Middleware {
  const expired = () =>
    new ApiFailure(
      { code: "timeout", message: `no answer within ${ms} ms; the server is overloaded, retry later` },
      { "retry-after": "1" },
    );
  return (_ctx, next) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(expired()), ms);
      next().then(
        () => {
          clearTimeout(timer);
          resolve();
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error);
        },
      );
    });
}
