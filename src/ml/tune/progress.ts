// Tuning progress: a redrawn bar on a terminal, one plain line per trial otherwise (logs, CI, the engine's
// captured output).
import pc from "picocolors";
import type { Trial } from "./study.js";

export interface Progress {
  trial(trial: Trial, best: Trial | undefined): void;
  done(): void;
}

export function createProgress(
  total: number,
  metric: string,
  stream: NodeJS.WriteStream = process.stdout,
): Progress {
  const started = performance.now();
  let finished = 0;
  const format = (value: number) => (Number.isFinite(value) ? value.toPrecision(5) : String(value));
  if (!stream.isTTY) {
    return {
      trial(trial, best) {
        const params = Object.entries(trial.params)
          .map(
            ([key, value]) =>
              `${key}=${typeof value === "number" && !Number.isInteger(value) ? value.toPrecision(4) : value}`,
          )
          .join(" ");
        stream.write(
          `trial ${String(trial.number + 1).padStart(String(total).length)}/${total}  ${metric} ${format(trial.value)} ± ${format(trial.std ?? 0)}  ` +
            `best ${best ? format(best.value) : "-"}  ${trial.seconds.toFixed(1)} s  ${params}\n`,
        );
      },
      done() {},
    };
  }
  const width = 24;
  return {
    trial(_trial, best) {
      finished++;
      const filled = Math.round((finished / total) * width);
      const elapsed = (performance.now() - started) / 1000;
      const eta = (elapsed / finished) * (total - finished);
      const bar = `${pc.green("█".repeat(filled))}${pc.dim("░".repeat(width - filled))}`;
      stream.write(
        `\r${bar} ${finished}/${total}  best ${metric} ${pc.bold(best ? format(best.value) : "-")}  ${elapsed.toFixed(0)} s, ~${eta.toFixed(0)} s left\x1b[K`,
      );
    },
    done() {
      stream.write("\r\x1b[K");
    },
  };
}
