import { resolve } from "node:path";
import { ok, type ReproError, type Result } from "../errors.js";
import type { Workspace } from "../workspace.js";
import { chooseRemote, openRemote } from "./open-remote.js";
import type { Remote, RemoteObject } from "./remote.js";
import { type FetchReport, fetchRefs, fetchRunEntry } from "./transfer.js";

/**
 * `repro --pull`: before a stage runs, the remote's run cache is asked whether anybody ran these exact inputs;
 * if so, the entry and the objects it names come down (verified) and the stage is restored instead of run.
 * The remote is listed once per repro, not per stage.
 */
export class RemoteRunSource {
  private runs: Promise<Map<string, RemoteObject>> | undefined;
  private objects: Promise<Map<string, RemoteObject>> | undefined;
  readonly report: FetchReport;

  constructor(
    private readonly workspace: Workspace,
    readonly remote: Remote,
  ) {
    this.report = {
      remote: remote.url,
      downloadedObjects: 0,
      downloadedBytes: 0,
      downloadedRuns: 0,
      missingOnRemote: 0,
    };
  }

  /** Makes the run `stage/key` restorable from the local cache if the remote has it; false if nobody ran it. */
  async fetch(stage: string, key: string): Promise<boolean> {
    const { runs, store } = this.workspace;
    let entry = runs.lookup(stage, key);
    if (entry?.outputs.every((output) => store.canRestore(output))) return true;
    this.runs ??= this.remote.list("runs");
    if (!entry) {
      if (!(await this.runs).has(`${stage}/${key}`)) return false;
      if (!(await fetchRunEntry(this.remote, this.workspace, stage, key))) return false;
      this.report.downloadedRuns++;
      entry = runs.lookup(stage, key);
      if (!entry) return false;
    }
    this.objects ??= this.remote.list("objects");
    await fetchRefs(
      this.workspace,
      this.remote,
      entry.outputs,
      { onRemote: await this.objects },
      this.report,
    );
    return entry.outputs.every((output) => store.canRestore(output));
  }

  close(): void {
    this.remote.close();
  }
}

/** Opens the remote `spec` names (true: the default one) for `repro --pull`, checking it can be read. */
export async function openRunSource(
  workspace: Workspace,
  spec: string | true,
): Promise<Result<RemoteRunSource, ReproError>> {
  const choice = chooseRemote(
    resolve(workspace.root),
    spec === true ? undefined : spec,
    workspace.pipeline.remote,
  );
  if (!choice.ok) return choice;
  const remote = await openRemote(choice.value, workspace.root);
  if (!remote.ok) return remote;
  try {
    await remote.value.check(false);
  } catch (thrown) {
    remote.value.close();
    return {
      ok: false,
      error: { kind: "remote", url: remote.value.url, message: (thrown as Error).message },
    };
  }
  return ok(new RemoteRunSource(workspace, remote.value));
}
