import { type Document, isMap, isNode, isPair, isScalar, LineCounter, parseDocument } from "yaml";
import { err, type Location, ok, type Result } from "../errors.js";

/** A parsed YAML file that remembers where each value came from, so errors can name file:line:column. */
export interface YamlSource {
  file: string;
  doc: Document;
  data: unknown;
  /** Where the value at `path` (keys and indexes) starts; falls back to the nearest ancestor that exists. */
  locate(path: readonly PropertyKey[]): Location;
  /** Where the key itself (not its value) of `path` is written. */
  locateKey(path: readonly PropertyKey[]): Location;
  /** Where `needle` is written inside the scalar at `path` (its start when it is not found verbatim). */
  locateIn(path: readonly PropertyKey[], needle: string): Location;
}

export function parseYamlSource(text: string, file: string): Result<YamlSource> {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const position = (offset: number): Location => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, column: col };
  };
  const [first] = doc.errors;
  if (first) {
    return err({
      kind: "yaml-syntax",
      at: position(first.pos[0]),
      message: first.message.split("\n")[0] ?? "",
    });
  }
  const nodeAt = (path: readonly PropertyKey[]): { node: unknown; depth: number } => {
    for (let depth = path.length; depth >= 0; depth--) {
      const node = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth) as unknown[], true);
      if (isNode(node) && node.range) return { node, depth };
    }
    return { node: undefined, depth: 0 };
  };
  const locate = (path: readonly PropertyKey[]): Location => {
    const { node } = nodeAt(path);
    return isNode(node) && node.range ? position(node.range[0]) : position(0);
  };
  const locateKey = (path: readonly PropertyKey[]): Location => {
    const parent = path.length > 0 ? nodeAt(path.slice(0, -1)) : undefined;
    if (parent && parent.depth === path.length - 1 && isMap(parent.node)) {
      const key = path[path.length - 1];
      for (const item of parent.node.items) {
        if (isPair(item) && isScalar(item.key) && item.key.value === key && item.key.range) {
          return position(item.key.range[0]);
        }
      }
    }
    return locate(path);
  };
  const locateIn = (path: readonly PropertyKey[], needle: string): Location => {
    const { node, depth } = nodeAt(path);
    if (depth !== path.length || !isScalar(node) || !node.range) return locate(path);
    const index = text.slice(node.range[0], node.range[1]).indexOf(needle);
    return position(node.range[0] + Math.max(index, 0));
  };
  return ok({ file, doc, data: doc.toJS({ maxAliasCount: 1000 }), locate, locateKey, locateIn });
}
