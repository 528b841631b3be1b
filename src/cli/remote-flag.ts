/**
 * `--remote` alone means the default remote, `--remote=NAME` a named one (status and gc take stage names and
 * other values as positionals, so a separate value would be ambiguous). Returns the other arguments.
 */
export function takeRemoteFlag(args: string[]): { rest: string[]; remote: string | true | undefined } {
  let remote: string | true | undefined;
  const rest = args.filter((arg) => {
    if (arg === "--remote") remote = true;
    else if (arg.startsWith("--remote=")) remote = arg.slice("--remote=".length) || true;
    else return true;
    return false;
  });
  return { rest, remote };
}
