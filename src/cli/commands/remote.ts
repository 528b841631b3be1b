import { resolve } from "node:path";
import type { ReproError, Result } from "../../repro/index.js";
import {
  addRemote,
  listRemotes,
  modifyRemote,
  removeRemote,
  setDefaultRemote,
} from "../../repro/remote/remote-admin.js";
import { type CommandIo, parseCommandArgs, processIo, UsageError } from "../command.js";
import { exitCodeFor } from "../exit-code.js";
import { colors, printError } from "../output.js";

export const help = `usage: tabula remote add NAME URL [--default] [--local] [--force]
       tabula remote list
       tabula remote modify NAME KEY VALUE [--local]   (or: --unset NAME KEY)
       tabula remote default NAME [--local]
       tabula remote remove NAME

Where the team shares the cache. URL is s3://bucket/prefix, a directory or file:// URL. Remotes live in
.tabula/config.yaml (commit it); --local writes .tabula/config.local.yaml instead (git-ignored: per-machine
settings such as a profile or another default). Credentials are never stored: the AWS SDK finds them
(AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE, instance and web identity roles). $TABULA_REMOTE
overrides the default.

settings (remote modify):
  url                s3://bucket/prefix, a directory or file:// URL
  endpoint           an S3-compatible store: http://127.0.0.1:9000 (MinIO), https://ACCOUNT.r2.cloudflarestorage.com
  region             e.g. eu-west-1 (default: $AWS_REGION, the profile's, or us-east-1 with an endpoint)
  force_path_style   true: http://host/bucket/key addressing (default: true when an endpoint is set)
  profile            a profile of ~/.aws/config
  jobs               transfers at once (default 16)

options:
      --default   make it the default remote
      --local     write the git-ignored local config
      --force     add: replace a remote of that name
      --unset     modify: remove the setting
  -C, --cwd DIR   the directory holding pipeline.yaml (default: .)
`;

function report(io: CommandIo, result: Result<unknown, ReproError>, line: () => string): number {
  if (!result.ok) {
    printError(io, result.error);
    return exitCodeFor(result.error);
  }
  io.stdout(`${line()}\n`);
  return 0;
}

export async function run(args: string[], io: CommandIo = processIo): Promise<number> {
  const { values, positionals } = parseCommandArgs("remote", args, {
    default: { type: "boolean" },
    local: { type: "boolean" },
    force: { type: "boolean" },
    unset: { type: "boolean" },
  });
  const root = resolve(io.cwd, values.cwd ?? ".");
  const level = values.local ? "local" : "project";
  const [action, ...rest] = positionals;
  const expect = (count: number, shape: string) => {
    if (rest.length !== count) throw new UsageError(`usage: tabula remote ${action} ${shape}`);
    return rest as string[];
  };
  switch (action) {
    case "add": {
      const [name = "", url = ""] = expect(2, "NAME URL [--default] [--local]");
      const result = addRemote(root, name, url, { makeDefault: values.default, level, force: values.force });
      return report(
        io,
        result,
        () =>
          `added remote ${name} (${url}) to ${result.ok ? result.value : ""}${values.default ? " as the default" : ""}`,
      );
    }
    case "modify": {
      if (values.unset) {
        const [name = "", key = ""] = expect(2, "--unset NAME KEY");
        const result = modifyRemote(root, name, key, undefined, level);
        return report(io, result, () => `unset ${name}.${key} in ${result.ok ? result.value : ""}`);
      }
      const [name = "", key = "", value = ""] = expect(3, "NAME KEY VALUE");
      const result = modifyRemote(root, name, key, value, level);
      return report(io, result, () => `set ${name}.${key} = ${value} in ${result.ok ? result.value : ""}`);
    }
    case "default": {
      const [name = ""] = expect(1, "NAME");
      const result = setDefaultRemote(root, name, level);
      return report(io, result, () => `default remote: ${name} (${result.ok ? result.value : ""})`);
    }
    case "remove": {
      const [name = ""] = expect(1, "NAME");
      const result = removeRemote(root, name);
      return report(
        io,
        result,
        () => `removed remote ${name} from ${result.ok ? result.value.join(", ") : ""}`,
      );
    }
    case "list": {
      expect(0, "");
      const result = listRemotes(root);
      if (!result.ok) {
        printError(io, result.error);
        return exitCodeFor(result.error);
      }
      for (const remote of result.value) {
        const { url, ...settings } = remote.settings;
        const extra = Object.entries(settings).map(([key, value]) => `${key}=${value}`);
        io.stdout(
          `${colors.bold(remote.name)}\t${url ?? "(no url)"}${extra.length > 0 ? `\t${extra.join(" ")}` : ""}${remote.isDefault ? colors.green("\t(default)") : ""}\n`,
        );
      }
      return 0;
    }
    default:
      throw new UsageError(
        action === undefined
          ? "missing action: add, list, modify, default or remove"
          : `unknown action "${action}"`,
      );
  }
}
