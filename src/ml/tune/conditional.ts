// A conditional search space (`model.type: auto`): each trial first picks a branch (a model type), then that
// branch's own params, as Optuna's define-by-run spaces do with `suggest_categorical` followed by branch-specific
// suggestions. The branch choice is a TPE categorical over all trials; each branch's params are suggested by the TPE
// from the trials of that branch only (params of different branches share names, not distributions). The startup
// phase counts all trials, so a branch's first trials after it are already guided (by its prior and few trials).
import type { SearchSpace } from "../params.js";
import type { Random } from "../random.js";
import { type Axis, axesOf, type ParamSet } from "./space.js";
import { type Observation, suggest, type TpeOptions } from "./tpe.js";

/** The trial param that names a trial's branch (its model type). */
export const BRANCH_KEY = "model_type";

export type Branches = Record<string, SearchSpace>;

export type Suggester = (history: Observation[], random: Random) => ParamSet;

export function flatSuggester(space: SearchSpace, options: TpeOptions): Suggester {
  const axes = axesOf(space);
  return (history, random) => suggest(axes, history, random, options);
}

export function branchedSuggester(branches: Branches, options: TpeOptions): Suggester {
  const names = Object.keys(branches);
  if (names.length === 0) throw new Error("a conditional search space needs at least one branch");
  const choice: [string, Axis][] = [[BRANCH_KEY, { kind: "categorical", choices: names }]];
  const axes = new Map(names.map((name) => [name, axesOf(branches[name] as SearchSpace)]));
  return (history, random) => {
    const startup = history.filter((trial) => Number.isFinite(trial.loss)).length < options.startupTrials;
    const branch = String(suggest(choice, history, random, options)[BRANCH_KEY]);
    const own = history.filter((trial) => trial.params[BRANCH_KEY] === branch);
    const params = suggest(axes.get(branch) as [string, Axis][], own, random, {
      ...options,
      startupTrials: startup ? Number.POSITIVE_INFINITY : 0,
    });
    return { [BRANCH_KEY]: branch, ...params };
  };
}

/** A trial's branch and its params without the branch key; `fallback` names the branch of unbranched trials. */
export function splitBranch(params: ParamSet, fallback: string): { branch: string; params: ParamSet } {
  const { [BRANCH_KEY]: branch, ...rest } = params;
  return { branch: typeof branch === "string" ? branch : fallback, params: rest };
}
