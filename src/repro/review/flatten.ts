/** A leaf value of a metrics or params file, addressed by its dotted key. */
export type Leaf = number | string | boolean | null;

/**
 * Flattens nested objects to dotted keys. Arrays are leaves rendered as JSON when `arrays` is "json" (params:
 * a list of dropped columns is one setting) and skipped when "skip" (metrics: per-trial lists are not metrics).
 */
export function flatten(
  value: unknown,
  arrays: "json" | "skip",
  prefix = "",
  into = new Map<string, Leaf>(),
) {
  if (Array.isArray(value)) {
    if (arrays === "json" && prefix) into.set(prefix, JSON.stringify(value));
  } else if (value !== null && typeof value === "object") {
    for (const [key, child] of Object.entries(value))
      flatten(child, arrays, prefix ? `${prefix}.${key}` : key, into);
  } else if (prefix && (value === null || ["number", "string", "boolean"].includes(typeof value))) {
    into.set(prefix, value as Leaf);
  }
  return into;
}

/** A number with `precision` significant digits, without a trailing exponent for ordinary magnitudes. */
export function formatNumber(value: number, precision: number): string {
  if (Number.isInteger(value) && Math.abs(value) < 1e15) return String(value);
  if (!Number.isFinite(value)) return String(value);
  return String(Number(value.toPrecision(precision)));
}

export function formatLeaf(value: Leaf | undefined, precision: number): string {
  if (value === undefined) return "—";
  if (typeof value === "number") return formatNumber(value, precision);
  return typeof value === "string" ? value : JSON.stringify(value);
}
