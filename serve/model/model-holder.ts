// Which model serves right now, and hot reload. A reload (SIGHUP, POST /admin/reload, or the registry alias
// changing) loads and verifies the new model beside the old one, then swaps the pointer in one assignment: requests
// that started on the old model finish on it, new ones get the new one. A model that fails any check is refused and
// the old one keeps serving. Reloads run one at a time.
import { readFileSync, statSync } from "node:fs";
import { diffContract, formatContractDiff } from "../../src/artifact/contract-diff.js";
import { ApiFailure } from "../errors.js";
import { type LiveModel, loadLiveModel, type ModelObserver, type ModelSettings } from "./live-model.js";
import type { LoadError } from "./load-error.js";
import { resolveModelSource } from "./model-source.js";
import { readModelPackage } from "./read-package.js";

export type ReloadTrigger = "startup" | "signal" | "admin" | "alias";

export type ReloadOutcome =
  | { result: "success"; model: LiveModel; previous: LiveModel | undefined }
  | { result: "unchanged"; model: LiveModel }
  | { result: "failure"; error: LoadError; serving: LiveModel | undefined };

export interface ModelHolderHooks extends ModelObserver {
  onReload(trigger: ReloadTrigger, outcome: ReloadOutcome): void;
}

export class ModelHolder {
  private live: LiveModel | undefined;
  private chain: Promise<unknown> = Promise.resolve();
  private watchTimer: NodeJS.Timeout | undefined;
  private aliasStamp = "";
  private closed = false;

  constructor(
    private readonly path: string,
    private readonly alias: string,
    private readonly settings: ModelSettings,
    private readonly hooks: ModelHolderHooks,
  ) {}

  get current(): LiveModel | undefined {
    return this.live;
  }

  /** The serving model, counted as in use until `leave()`; a 503 when none is. */
  acquire(): LiveModel {
    const model = this.live;
    if (!model)
      throw new ApiFailure({ code: "not_ready", message: "no model is loaded yet" }, { "retry-after": "1" });
    model.enter();
    return model;
  }

  reload(trigger: ReloadTrigger): Promise<ReloadOutcome> {
    const run = this.chain.then(() => this.load(trigger));
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async load(trigger: ReloadTrigger): Promise<ReloadOutcome> {
    const outcome = await this.tryLoad();
    this.hooks.onReload(trigger, outcome);
    return outcome;
  }

  private async tryLoad(): Promise<ReloadOutcome> {
    const serving = this.live;
    if (this.closed)
      return { result: "failure", error: { kind: "source-missing", message: "shutting down" }, serving };
    const source = resolveModelSource(this.path, this.alias);
    if (!source.ok) return { result: "failure", error: source.error, serving };
    const pkg = readModelPackage(source.value);
    if (!pkg.ok) return { result: "failure", error: pkg.error, serving };
    if (serving && serving.manifest.version === pkg.value.manifest.version && serving.dir === pkg.value.dir)
      return { result: "unchanged", model: serving };
    if (serving && !this.settings.allowBreaking) {
      const contract = diffContract(serving.manifest, pkg.value.manifest, this.settings.policy);
      if (contract.breaking)
        return {
          result: "failure",
          error: {
            kind: "breaking-change",
            message: `the new model breaks the serving model's API contract (set SERVE_ALLOW_BREAKING=true to serve it anyway): ${formatContractDiff(contract).trimEnd()}`,
          },
          serving,
        };
    }
    const model = await loadLiveModel(pkg.value, this.settings, this.hooks);
    if (!model.ok) return { result: "failure", error: model.error, serving };
    if (this.closed) {
      await model.value.retire();
      return { result: "failure", error: { kind: "source-missing", message: "shutting down" }, serving };
    }
    const previous = this.live;
    this.live = model.value;
    void previous?.retire();
    return { result: "success", model: model.value, previous };
  }

  /** Polls the registry's aliases file (when serving through an alias) and reloads when it changes. */
  watchAlias(intervalMs: number): void {
    if (intervalMs <= 0) return;
    const file = resolveModelSource(this.path, this.alias);
    if (!file.ok || !file.value.aliasesFile) return;
    const aliasesFile = file.value.aliasesFile;
    this.aliasStamp = this.stampOf(aliasesFile);
    this.watchTimer = setInterval(() => {
      const stamp = this.stampOf(aliasesFile);
      if (stamp === this.aliasStamp) return;
      this.aliasStamp = stamp;
      void this.reload("alias");
    }, intervalMs);
    this.watchTimer.unref();
  }

  private stampOf(file: string): string {
    try {
      const stat = statSync(file);
      return `${stat.mtimeMs}:${stat.size}:${readFileSync(file, "utf8")}`;
    } catch {
      return "missing";
    }
  }

  /** Stops reloads and releases the serving model once its requests are done. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.watchTimer) clearInterval(this.watchTimer);
    await this.chain;
    const model = this.live;
    this.live = undefined;
    await model?.retire();
  }
}
