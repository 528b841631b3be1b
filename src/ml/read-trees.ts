// Reads a model's trees.json a tree at a time. A forest grown to pure leaves on a million rows has ~25 million
// nodes: its JSON (~1 GB) is longer than V8's longest string, and parsed whole it would take several GB of JS
// objects. Here the file is scanned in chunks; each tree's JSON is parsed and checked on its own and turned into
// typed arrays (Tree) before the next is read, and the rest of the file (the ensemble's few other fields) is
// parsed with the ensemble's schema. Same result, and same errors, as readJson(path, TreeEnsembleSchema).
import { closeSync, openSync, readSync } from "node:fs";
import type { z } from "zod";
import { err, type MlError, ok, type Result } from "./errors.js";
import {
  Tree,
  type TreeEnsemble,
  TreeEnsembleHeaderSchema,
  type TreeJson,
  TreeJsonSchema,
} from "./models/tree-ensemble.js";

const CHUNK_BYTES = 1 << 24;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

/** What the ensemble's top-level object says before a value: the "trees" key. */
const TREES_KEY = /"trees"\s*:\s*$/;

/** `chunkBytes`: how much of the file is read at a time. */
export function readTreeEnsemble(path: string, chunkBytes = CHUNK_BYTES): Result<TreeEnsemble> {
  const fail = (message: string) => err<MlError>({ kind: "artifact", file: path, message });
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ENOENT"
      ? fail("missing; run the stage that writes it first")
      : fail((error as Error).message);
  }
  try {
    return scan(fd, chunkBytes, fail);
  } catch (error) {
    return fail((error as Error).message);
  } finally {
    closeSync(fd);
  }
}

function scan(
  fd: number,
  chunkBytes: number,
  fail: (message: string) => Result<TreeEnsemble>,
): Result<TreeEnsemble> {
  // The file but the trees' bodies (the trees array stays, empty), and the bytes of the tree being read.
  const header: Buffer[] = [];
  let tree: Buffer[] = [];
  const trees: Tree[] = [];
  let depth = 0;
  let inString = false;
  let escaped = false;
  /** 0: outside the trees array; 1: inside it, between trees; 2: inside a tree. */
  let inTrees = 0;
  let treesSeen = false;
  for (;;) {
    const chunk = Buffer.allocUnsafe(chunkBytes);
    const length = readSync(fd, chunk, 0, chunkBytes, null);
    if (length === 0) break;
    let start = 0;
    for (let i = 0; i < length; i++) {
      const byte = chunk[i] as number;
      if (inString) {
        if (escaped) escaped = false;
        else if (byte === BACKSLASH) escaped = true;
        else if (byte === QUOTE) inString = false;
        continue;
      }
      if (byte === QUOTE) inString = true;
      else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
        depth++;
        if (inTrees === 1 && depth === 3) {
          // A tree starts: the bytes between trees (commas, blanks) are dropped.
          inTrees = 2;
          start = i;
        } else if (
          inTrees === 0 &&
          !treesSeen &&
          byte === OPEN_BRACKET &&
          depth === 2 &&
          TREES_KEY.test(Buffer.concat([...header, chunk.subarray(start, i)]).toString("utf8"))
        ) {
          header.push(chunk.subarray(start, i + 1));
          inTrees = 1;
          treesSeen = true;
        }
      } else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
        depth--;
        if (inTrees === 2 && depth === 2) {
          tree.push(chunk.subarray(start, i + 1));
          const read = readTree(Buffer.concat(tree).toString("utf8"), trees.length);
          if (!read.ok) return fail(read.error);
          trees.push(read.value);
          tree = [];
          inTrees = 1;
        } else if (inTrees === 1 && depth === 1) {
          // The trees array closes: the header keeps its closing bracket.
          inTrees = 0;
          start = i;
        }
      }
    }
    if (inTrees === 2) tree.push(chunk.subarray(start, length));
    else if (inTrees === 0) header.push(chunk.subarray(start, length));
  }
  let json: unknown;
  try {
    json = JSON.parse(Buffer.concat(header).toString("utf8"));
  } catch (error) {
    return fail(`not valid JSON (${(error as Error).message})`);
  }
  const { trees: _, ...rest } =
    json !== null && typeof json === "object" ? (json as { trees?: unknown }) : {};
  const parsed = TreeEnsembleHeaderSchema.safeParse(json !== null && typeof json === "object" ? rest : json);
  if (!parsed.success) return fail(schemaMessage(parsed.error));
  if (!treesSeen) return fail(schemaMessage(undefined, "trees", "expected array, received undefined"));
  if (trees.length === 0)
    return fail(schemaMessage(undefined, "trees", "Too small: expected array to have >=1 items"));
  const outputs = parsed.data.outputs;
  return ok({ ...parsed.data, trees: trees.map((t) => withOutputs(t, outputs)) });
}

/** The tree's JSON, checked and in memory with as many values per node as its longest node has. */
function readTree(text: string, index: number): Result<Tree, string> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return err(`not valid JSON (${(error as Error).message})`);
  }
  const parsed = TreeJsonSchema.safeParse(json);
  if (!parsed.success) return err(schemaMessage(parsed.error, `trees.${index}`));
  const tree: TreeJson = parsed.data;
  let outputs = 0;
  for (const values of tree.value) outputs = Math.max(outputs, values.length);
  return ok(Tree.fromJson(tree, outputs));
}

/** `tree` with `outputs` values per node, as Tree.fromJson(json, outputs) would have made it. */
function withOutputs(tree: Tree, outputs: number): Tree {
  const own = tree.outputs;
  if (own === outputs || tree.nodes === 0) return tree;
  const value = new Float64Array(tree.nodes * outputs);
  for (let node = 0; node < tree.nodes; node++)
    for (let k = 0; k < Math.min(own, outputs); k++)
      value[node * outputs + k] = tree.value[node * own + k] as number;
  return new Tree({ ...tree, value });
}

/** The message readJson gives for a schema mismatch, its path under `prefix`. */
function schemaMessage(error: z.ZodError | undefined, prefix = "", fallback = "invalid"): string {
  const issue = error?.issues[0];
  const path = [...(prefix === "" ? [] : [prefix]), ...(issue?.path ?? [])].join(".");
  return `does not match its schema${path === "" ? "" : ` at ${path}`}: ${issue?.message ?? fallback}`;
}
