// What every answered request leaves behind, whichever path served it (the Koa app or the lean /predict listener):
// http_requests_total, http_request_duration_seconds (labelled with the route template, never the raw path) and one
// access log line (every request, or one in SERVE_ACCESS_LOG_SAMPLE's inverse plus every error). The metric series
// of each method/route/status are looked up once and kept: prom-client hashes the labels on every inc/observe
// otherwise.
import { type AccessLineWriter, accessLogWriter, type Logger } from "../observability/logger.js";
import type { ServeMetrics } from "../observability/metrics.js";

const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

interface Series {
  requests: { inc(): void };
  duration: { observe(value: number): void };
}

export interface AccessLogOptions {
  accessLog: boolean;
  /** Share of successful requests logged (errors always are). */
  accessLogSample?: number;
}

export class RequestRecorder {
  /** route → method → status → series: looked up without building a key per request. */
  private readonly series = new Map<string, Map<string, Map<number, Series>>>();
  private readonly every: number;
  private readonly writeAccessLine: AccessLineWriter;
  private sinceLogged = 0;

  constructor(
    private readonly metrics: ServeMetrics,
    logger: Logger,
    private readonly options: AccessLogOptions,
  ) {
    this.writeAccessLine = accessLogWriter(logger);
    // Sampling by count, not at random: deterministic, and exactly the rate asked for.
    this.every = Math.max(1, Math.round(1 / Math.max(options.accessLogSample ?? 1, 1e-9)));
  }

  record(
    method: string,
    route: string,
    path: string,
    status: number,
    requestId: string,
    startedAt: bigint,
  ): void {
    const seconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
    const { requests, duration } = this.seriesOf(METHODS.has(method) ? method : "OTHER", route, status);
    requests.inc();
    duration.observe(seconds);
    if (this.options.accessLog && (++this.sinceLogged >= this.every || status >= 400)) {
      this.sinceLogged = 0;
      // In whole microseconds (the line's "ms" has three decimals at most): see millisText.
      this.writeAccessLine(requestId, method, path, route, status, Math.round(seconds * 1e6));
    }
  }

  private seriesOf(method: string, route: string, status: number): Series {
    let byMethod = this.series.get(route);
    if (!byMethod) {
      byMethod = new Map();
      this.series.set(route, byMethod);
    }
    let byStatus = byMethod.get(method);
    if (!byStatus) {
      byStatus = new Map();
      byMethod.set(method, byStatus);
    }
    let found = byStatus.get(status);
    if (!found) {
      found = {
        requests: this.metrics.httpRequests.labels({ method, route, status }),
        duration: this.metrics.httpDuration.labels({ method, route }),
      };
      byStatus.set(status, found);
    }
    return found;
  }
}
