// A token bucket per caller (API key name, or client address without keys): `rate` tokens per second up to `burst`;
// a request takes one. An empty bucket answers 429 with Retry-After. Operations routes (probes, metrics) are never
// limited. The table of buckets is bounded: past `maxCallers` the oldest entry is forgotten.
import type { Middleware } from "koa";
import { ApiFailure } from "../errors.js";
import { routeGroup } from "./auth.js";
import type { ServeState } from "./state.js";

interface Bucket {
  tokens: number;
  updated: number;
}

export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly rate: number,
    private readonly burst: number,
    private readonly maxCallers = 10_000,
  ) {}

  /** 0 when a token was taken; otherwise the seconds until one will be available. */
  take(caller: string, now: number): number {
    let bucket = this.buckets.get(caller);
    if (!bucket) {
      if (this.buckets.size >= this.maxCallers) {
        const oldest = this.buckets.keys().next().value;
        if (oldest !== undefined) this.buckets.delete(oldest);
      }
      bucket = { tokens: this.burst, updated: now };
      this.buckets.set(caller, bucket);
    }
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.updated) / 1000) * this.rate);
    bucket.updated = now;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return (1 - bucket.tokens) / this.rate;
  }
}

/** The rate limit of the API and admin routes (operations routes are never limited); throws the 429. */
export class RateLimiter {
  private readonly buckets: TokenBuckets;

  constructor(
    private readonly rate: number,
    private readonly burst: number,
  ) {
    this.buckets = new TokenBuckets(rate, Math.max(1, burst));
  }

  check(path: string, identity: string): void {
    if (routeGroup(path) === "ops") return;
    const wait = this.buckets.take(identity, performance.now());
    if (wait > 0)
      throw new ApiFailure(
        {
          code: "rate_limited",
          message: `rate limit of ${this.rate} requests/s (burst ${this.burst}) exceeded; retry later`,
        },
        { "retry-after": String(Math.max(1, Math.ceil(wait))) },
      );
  }
}

export function rateLimit(limiter: RateLimiter): Middleware<ServeState> {
  return async (ctx, next) => {
    limiter.check(ctx.path, ctx.state.identity);
    await next();
  };
}
