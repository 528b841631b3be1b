// The expectations suite's result as the files prepare writes: metrics/data-checks.json (shaped for `tabula metrics
// diff`: one entry per check, so a PR shows which check moved) and a one-page HTML table; and the lines printed.
import { escapeHtml } from "../../../charts/escape-html.js";
import { renderPage } from "../../../charts/page.js";
import type { ExpectationResult, SuiteResult } from "./check-suite.js";

export interface DataChecksMetrics {
  summary: { passed: number; warned: number; failed: number; skipped: number };
  checks: Record<string, { observed: number | null; status: string; bound: string; severity: string }>;
}

/** Two expectations described alike get `name (2)`, `name (3)`: metrics keys must be unique. */
function uniqueNames(results: readonly ExpectationResult[]): string[] {
  const seen = new Map<string, number>();
  return results.map((result) => {
    const count = (seen.get(result.name) ?? 0) + 1;
    seen.set(result.name, count);
    return count === 1 ? result.name : `${result.name} (${count})`;
  });
}

function rounded(value: number | null): number | null {
  return value === null ? null : Number(value.toPrecision(6));
}

export function dataChecksMetrics(suite: SuiteResult): DataChecksMetrics {
  const names = uniqueNames(suite.results);
  const checks: DataChecksMetrics["checks"] = {};
  suite.results.forEach((result, i) => {
    checks[names[i] as string] = {
      observed: rounded(result.observed),
      status: result.status,
      bound: result.bound,
      severity: result.severity,
    };
  });
  const skipped = suite.results.filter((result) => result.status === "skipped").length;
  return { summary: { passed: suite.passed, warned: suite.warned, failed: suite.failed, skipped }, checks };
}

/** One line per check: `name: observed 12 (bound >= 100) — detail`. */
export function describeResult(result: ExpectationResult): string {
  const observed = result.observed === null ? "—" : String(rounded(result.observed));
  const detail = result.detail === undefined ? "" : `: ${result.detail}`;
  return `${result.name}: observed ${observed}, expected ${result.bound}${detail}`;
}

export function dataChecksPage(suite: SuiteResult, source: string): string {
  const rows = suite.results.map((result) => {
    const cells = [
      result.name,
      result.severity,
      result.status,
      result.observed === null ? "—" : String(rounded(result.observed)),
      result.bound,
      result.detail ?? "",
    ].map((cell) => `<td>${escapeHtml(cell)}</td>`);
    const flagged = result.status === "fail" || result.status === "warn" ? ' class="drifted"' : "";
    return `<tr${flagged}>${cells.join("")}</tr>`;
  });
  const header = ["check", "severity", "status", "observed", "bound", "detail"]
    .map((cell) => `<th>${cell}</th>`)
    .join("");
  const table =
    suite.results.length === 0
      ? undefined
      : `<table><thead><tr>${header}</tr></thead><tbody>${rows.join("")}</tbody></table>`;
  return renderPage({
    title: "Data checks",
    subtitle: `${source}: ${suite.passed} passed, ${suite.warned} warned, ${suite.failed} failed`,
    columns: ["result"],
    sections: [
      {
        title: "expectations (params.yaml)",
        cells: [table === undefined ? { note: "no expectations in params.yaml" } : { html: table }],
      },
    ],
  });
}
