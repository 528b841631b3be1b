// A deadline for producing a response: past it the client gets a 503 with Retry-After instead of waiting; the work
// already started finishes in the background and its result is dropped.
import type { Middleware } from "koa";
import { ApiFailure } from "../errors.js";

export function timeout(ms: number): Middleware {
  return async (_ctx, next) => {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new ApiFailure(
              {
                code: "timeout",
                message: `no answer within ${ms} ms; the server is overloaded, retry later`,
              },
              { "retry-after": "1" },
            ),
          ),
        ms,
      );
    });
    try {
      await Promise.race([next(), deadline]);
    } finally {
      clearTimeout(timer);
    }
  };
}
