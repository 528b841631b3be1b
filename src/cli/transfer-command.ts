// What push, pull and fetch share: the same options, progress, error handling and one summary line.

import { resolve } from "node:path";
import type { push } from "../repro/index.js";
import type { Result } from "../result.js";
import { type CommandIo, integerOption, parseCommandArgs, UsageError } from "./command.js";
import { exitCodeFor } from "./exit-code.js";
import { printError, seconds } from "./output.js";
import { transferProgress } from "./transfer-progress.js";

/** The options push, pull and fetch share, as their help lists them. */
export const TRANSFER_OPTIONS = `options:
  -r, --remote NAME    a remote from \`tabula remote list\`, or a URL/path (default: $TABULA_REMOTE, then the
                       default remote, then \`remote:\` in pipeline.yaml)
  -j, --jobs N         transfers at once (default: 16 for S3, 4 for a directory, or the remote's \`jobs\`)
      --no-run-cache   only what the lock refers to
  -C, --cwd DIR        the directory holding pipeline.yaml (default: .)
`;

/** pull's and fetch's note when the remote lacks objects the lock refers to. */
export function missingOnRemoteNotes(missing: number): string[] {
  return missing > 0 ? [`${missing} objects the lock refers to are not on the remote either`] : [];
}

type TransferRequest = Parameters<typeof push>[0];
type TransferError = Parameters<typeof exitCodeFor>[0];

export async function runTransfer<R>(
  command: string,
  args: string[],
  io: CommandIo,
  transfer: (request: TransferRequest) => Promise<Result<R, TransferError>>,
  describe: (report: R, took: string) => { summary: string; notes: string[] },
): Promise<number> {
  const { values, positionals } = parseCommandArgs(command, args, {
    remote: { type: "string", short: "r" },
    jobs: { type: "string", short: "j" },
    "no-run-cache": { type: "boolean" },
  });
  if (positionals.length > 0) throw new UsageError(`${command} takes no arguments`);
  const started = performance.now();
  const progress = transferProgress();
  const result = await transfer({
    cwd: resolve(io.cwd, values.cwd ?? "."),
    remote: values.remote,
    runCache: !values["no-run-cache"],
    jobs: values.jobs === undefined ? undefined : integerOption("jobs", values.jobs, 0, 1),
    onProgress: progress.onProgress,
  });
  progress.finish();
  if (!result.ok) {
    printError(io, result.error);
    return exitCodeFor(result.error);
  }
  const { summary, notes } = describe(result.value, seconds((performance.now() - started) / 1000));
  io.stdout(`${summary}\n`);
  for (const note of notes) io.stderr(`note: ${note}\n`);
  return 0;
}
