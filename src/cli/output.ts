import pc from "picocolors";
import { formatError, type ReproError } from "../repro/index.js";
import type { CommandIo } from "./command-io.js";

/** picocolors already honours NO_COLOR / FORCE_COLOR; beyond that, colour only when stdout is a terminal. */
export const colors = pc.createColors(pc.isColorSupported && Boolean(process.stdout.isTTY));

export function printError(io: CommandIo, error: ReproError): void {
  io.stderr(`${colors.red("tabula:")} ${formatError(error)}\n`);
}

export function seconds(value: number): string {
  return value < 10 ? `${value.toFixed(2)} s` : `${value.toFixed(1)} s`;
}
