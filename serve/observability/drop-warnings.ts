// Prediction-log rows that are not written (queue full, write failed, log unavailable) are counted in
// prediction_log_dropped_total and also said in the server's log, so that no loss goes unnoticed by someone who
// reads only the log: the first drop at once, then what was dropped since, at most once per interval.
import type { Logger } from "./logger.js";

const MESSAGE = "prediction log rows dropped (see prediction_log_dropped_total)";

export class DropWarnings {
  private readonly pending = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly logger: Pick<Logger, "warn">,
    private readonly intervalMs = 10_000,
  ) {}

  dropped(rows: number, reason: string): void {
    if (this.timer === undefined) {
      this.logger.warn({ rows, by_reason: { [reason]: rows } }, MESSAGE);
      this.startInterval();
      return;
    }
    this.pending.set(reason, (this.pending.get(reason) ?? 0) + rows);
  }

  private startInterval(): void {
    this.timer = setTimeout(() => this.report(), this.intervalMs);
    this.timer.unref();
  }

  private report(): void {
    this.timer = undefined;
    if (this.pending.size === 0) return;
    let rows = 0;
    for (const count of this.pending.values()) rows += count;
    const byReason = Object.fromEntries(this.pending);
    this.pending.clear();
    this.logger.warn({ rows, by_reason: byReason }, MESSAGE);
    this.startInterval();
  }
}
