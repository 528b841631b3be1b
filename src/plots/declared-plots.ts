// The plot files the pipeline's stages declare (`plots:` in pipeline.yaml; a directory means every JSON file in
// it), with their contents in the workspace or at a git revision.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { parse } from "yaml";
import {
  loadPipeline,
  type ReproError,
  type Result,
  resolveRevision,
  showAtRevision,
} from "../repro/index.js";
import { err, ok } from "../result.js";

export interface PlotFile {
  path: string;
  /** The file's text, or null when it does not exist there. */
  text: string | null;
}

/** The declared plot paths (files or directories), in stage order. */
export async function declaredPlotPaths(root: string): Promise<Result<string[], ReproError>> {
  const loaded = await loadPipeline(root);
  if (!loaded.ok) return loaded;
  const paths = loaded.value.pipeline.stages.flatMap((stage) =>
    stage.outputs.filter((output) => output.kind === "plot").map((output) => output.path),
  );
  return ok([...new Set(paths)]);
}

/** Plot files in the workspace: declared files, and the JSON files under declared directories. */
export function workspacePlots(root: string, declared: string[]): PlotFile[] {
  const files: PlotFile[] = [];
  for (const path of declared) {
    const absolute = join(root, path);
    if (existsSync(absolute) && statSync(absolute).isDirectory()) {
      for (const file of jsonFilesUnder(root, absolute))
        files.push({ path: file, text: readFileSync(join(root, file), "utf8") });
    } else {
      files.push({ path, text: existsSync(absolute) ? readFileSync(absolute, "utf8") : null });
    }
  }
  return files;
}

export interface RevisionPlots {
  /** The full commit the revision resolved to. */
  commit: string;
  files: PlotFile[];
}

/**
 * Plot files at a git revision: the paths declared now and those its own pipeline.yaml declared (so a plot added
 * or removed since shows up on one side only).
 */
export function revisionPlots(
  root: string,
  revision: string,
  declared: string[],
): Result<RevisionPlots, ReproError> {
  const commit = resolveRevision(root, revision);
  if (!commit.ok) return commit;
  const pipelineThen = showAtRevision(root, commit.value, "pipeline.yaml");
  const declaredThen =
    pipelineThen.ok && pipelineThen.value !== null ? plotsInPipelineText(pipelineThen.value) : [];
  const files: PlotFile[] = [];
  for (const path of [...new Set([...declared, ...declaredThen])]) {
    const listed = gitListFiles(root, commit.value, path);
    // A declared directory that did not exist then has nothing to list (its files show as new).
    if (listed.length === 0 && existsSync(join(root, path)) && statSync(join(root, path)).isDirectory())
      continue;
    const isDirectory = listed.length > 0 && !(listed.length === 1 && listed[0] === path);
    for (const file of isDirectory ? listed.filter((name) => name.endsWith(".json")) : [path]) {
      const text = showAtRevision(root, commit.value, file);
      if (!text.ok) return err(text.error);
      files.push({ path: file, text: text.value });
    }
  }
  return ok({ commit: commit.value, files });
}

/** `stages.*.plots` of a pipeline.yaml text, without validating the rest (it is an old revision's file). */
export function plotsInPipelineText(text: string): string[] {
  try {
    const data = parse(text) as { stages?: Record<string, { plots?: unknown }> } | null;
    return Object.values(data?.stages ?? {}).flatMap((stage) =>
      Array.isArray(stage?.plots)
        ? stage.plots.filter((path): path is string => typeof path === "string")
        : [],
    );
  } catch {
    return [];
  }
}

function gitListFiles(root: string, commit: string, path: string): string[] {
  // Without --full-name, ls-tree lists paths relative to the directory it runs in (the pipeline's).
  const listed = spawnSync("git", ["ls-tree", "-r", "--name-only", commit, "--", path], {
    cwd: root,
    encoding: "utf8",
  });
  if (listed.status !== 0) return [];
  return listed.stdout
    .split("\n")
    .filter((line) => line !== "")
    .sort();
}

function jsonFilesUnder(root: string, dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...jsonFilesUnder(root, path));
    else if (entry.name.endsWith(".json")) found.push(relative(root, path).split(sep).join("/"));
  }
  return found;
}
