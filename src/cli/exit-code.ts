import { constants } from "node:os";
import type { ReproError } from "../repro/index.js";
import { unreachable } from "../result.js";

const signalCode = (signal: string) =>
  128 + ((constants.signals as Record<string, number | undefined>)[signal] ?? 0);

/** The one place errors become exit codes: a failed stage passes its own code through. */
export function exitCodeFor(error: ReproError): number {
  switch (error.kind) {
    case "usage":
      return 2;
    case "stage-failed":
      if (error.exitCode !== null && error.exitCode !== 0) return error.exitCode;
      return error.signal ? signalCode(error.signal) : 1;
    case "interrupted":
      return signalCode(error.signal);
    case "pipeline-not-found":
    case "yaml-syntax":
    case "invalid-pipeline":
    case "invalid-path":
    case "cycle":
    case "overlapping-outs":
    case "missing-dep":
    case "missing-params-file":
    case "missing-param":
    case "invalid-params":
    case "invalid-lock":
    case "unknown-stage":
    case "output-missing":
    case "dep-missing-at-run":
    case "upstream-failed":
    case "not-a-git-repo":
    case "git-revision":
    case "git-failed":
    case "remote":
    case "invalid-config":
    case "missing-objects":
    case "io":
      return 1;
    default:
      return unreachable(error);
  }
}
