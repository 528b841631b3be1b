import { isAbsolute, posix, relative } from "node:path";

/** `child` is `parent` or lies inside it (both normalized, relative, POSIX). */
export function isSameOrInside(child: string, parent: string): boolean {
  return child === parent || child.startsWith(`${parent}/`);
}

export function overlaps(a: string, b: string): boolean {
  return isSameOrInside(a, b) || isSameOrInside(b, a);
}

/** Normalizes a path declared in pipeline.yaml, or says why it is not acceptable. */
export function normalizeDeclaredPath(raw: string): { path: string } | { reason: string } {
  if (raw.trim() === "") return { reason: "is empty" };
  if (isAbsolute(raw) || posix.isAbsolute(raw))
    return { reason: "must be relative to the pipeline's directory" };
  const path = posix.normalize(raw.replaceAll("\\", "/")).replace(/\/+$/, "");
  if (path === "." || path === "") return { reason: "is the whole pipeline directory" };
  if (path === ".." || path.startsWith("../")) return { reason: "is outside the pipeline's directory" };
  if (isSameOrInside(path, ".repro") || isSameOrInside(path, ".git")) return { reason: "is reserved" };
  return { path };
}

/** A path as shown to the user: relative to the current directory when inside it. */
export function displayPath(absolute: string): string {
  const rel = relative(process.cwd(), absolute);
  return rel === "" ? "." : rel.startsWith("..") || isAbsolute(rel) ? absolute : rel;
}
