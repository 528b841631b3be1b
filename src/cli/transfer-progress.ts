import type { TransferProgress } from "../repro/index.js";

const megabytes = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

/**
 * A progress line for push/pull/fetch, redrawn at most every 100 ms on a terminal; nothing when stderr is not
 * one (CI logs get the command's one summary line).
 */
export function transferProgress(): { onProgress: (progress: TransferProgress) => void; finish: () => void } {
  if (!process.stderr.isTTY) return { onProgress: () => {}, finish: () => {} };
  let last = 0;
  let drawn = false;
  const started = performance.now();
  return {
    onProgress: (progress) => {
      const now = performance.now();
      if (progress.done < progress.total && now - last < 100) return;
      last = now;
      drawn = true;
      const rate = progress.bytes / 1e6 / Math.max(0.001, (now - started) / 1000);
      const verb = progress.direction === "upload" ? "uploading" : "downloading";
      process.stderr.write(
        `\r\x1b[K${verb} ${progress.done}/${progress.total} objects, ${megabytes(progress.bytes)} (${rate.toFixed(1)} MB/s)`,
      );
    },
    finish: () => {
      if (drawn) process.stderr.write("\r\x1b[K");
    },
  };
}

export function describeBytes(bytes: number): string {
  return megabytes(bytes);
}
