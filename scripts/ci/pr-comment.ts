// The body of the one sticky PR comment: the marker that finds it again, the regression gate's verdict, the
// metrics and params diffs (`tabula metrics diff <base> --md`, `tabula params diff <base> --md`), and the model's
// API contract change against production (`tabula models diff production package`).
//
// usage: node --import tsx scripts/ci/pr-comment.ts --base main --head <sha> --metrics metrics-diff.md
//          --params params-diff.md [--gate gate.md] [--contract contract-diff.txt] > comment.md
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

export const COMMENT_MARKER = "<!-- tabula:pr-report -->";

export type CommentParts = {
  base: string;
  head: string;
  metrics: string;
  params: string;
  gate?: string;
  /** The contract diff's text (plain lines, shown as a code block). */
  contract?: string;
};

function section(title: string, markdown: string, empty: string): string {
  const text = markdown.trim();
  return `### ${title}\n\n${text.length > 0 ? text : `_${empty}_`}\n`;
}

export function formatComment(parts: CommentParts): string {
  return [
    COMMENT_MARKER,
    `## tabula: metrics and params against \`${parts.base}\``,
    "",
    `_Pipeline reproduced at ${parts.head.slice(0, 12)}; this comment is updated on every push._`,
    "",
    ...(parts.gate ? [parts.gate.trim(), ""] : []),
    section("Metrics", parts.metrics, "no metric changed"),
    section("Params", parts.params, "no param changed"),
    ...(parts.contract === undefined
      ? []
      : [
          "",
          `### Model API contract: candidate against production\n\n\`\`\`text\n${parts.contract.trim()}\n\`\`\`\n`,
        ]),
  ].join("\n");
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({
    options: {
      base: { type: "string" },
      head: { type: "string" },
      metrics: { type: "string" },
      params: { type: "string" },
      gate: { type: "string" },
      contract: { type: "string" },
    },
  });
  const missing = ["base", "head", "metrics", "params"].filter(
    (name) => !values[name as keyof typeof values],
  );
  if (missing.length > 0) {
    console.error(`pr-comment: missing ${missing.map((name) => `--${name}`).join(", ")}`);
    process.exitCode = 2;
  } else {
    const read = (path: string | undefined) => (path ? readFileSync(path, "utf8") : "");
    process.stdout.write(
      formatComment({
        base: values.base as string,
        head: values.head as string,
        metrics: read(values.metrics),
        params: read(values.params),
        gate: values.gate ? read(values.gate) : undefined,
        contract: values.contract ? read(values.contract) : undefined,
      }),
    );
  }
}
