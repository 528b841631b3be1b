// The PR gate: reads `tabula metrics diff <base> --json` and .github/regression-gate.yml, and fails (exit 1) when a
// gated metric got worse than its tolerance allows, unless the PR carries the override label. Writes a Markdown
// section for the PR comment either way.
//
// usage: node --import tsx scripts/ci/regression-gate.ts --diff metrics-diff.json [--config .github/regression-gate.yml]
//          [--labels '["label", ...]'] [--markdown gate.md]
import { readFileSync, writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { parse } from "yaml";
import { z } from "zod";

const Leaf = z.union([z.number(), z.string(), z.boolean(), z.null()]);

/** The part of `tabula metrics diff --json` the gate reads. */
export const MetricsDiffSchema = z.object({
  revision: z.string(),
  changes: z.array(
    z.object({ path: z.string(), key: z.string(), old: Leaf.optional(), new: Leaf.optional() }).passthrough(),
  ),
  notes: z.array(z.string()).default([]),
});

export const GateConfigSchema = z
  .object({
    override_label: z.string().min(1),
    metrics: z
      .array(
        z
          .object({
            metric: z
              .string()
              .regex(/^[^:]+:.+$/, "expected <file>:<key>, e.g. metrics/evaluate.json:metrics.mse"),
            better: z.enum(["lower", "higher"]),
            tolerance: z
              .object({ relative: z.number().min(0).optional(), absolute: z.number().min(0).optional() })
              .strict()
              .refine(
                (t) => t.relative !== undefined || t.absolute !== undefined,
                "set relative or absolute",
              ),
          })
          .strict(),
      )
      .min(1),
  })
  .strict();

export type MetricsDiff = z.infer<typeof MetricsDiffSchema>;
export type GateConfig = z.infer<typeof GateConfigSchema>;

export type Verdict = {
  metric: string;
  status: "regressed" | "ok" | "improved" | "unchanged" | "missing" | "new";
  detail: string;
};
export type GateResult = { passed: boolean; overridden: boolean; verdicts: Verdict[] };

function judge(rule: GateConfig["metrics"][number], diff: MetricsDiff): Verdict {
  const separator = rule.metric.indexOf(":");
  const path = rule.metric.slice(0, separator);
  const key = rule.metric.slice(separator + 1);
  const change = diff.changes.find((c) => c.path === path && c.key === key);
  if (!change)
    return { metric: rule.metric, status: "unchanged", detail: `unchanged since ${diff.revision}` };
  const { old: before, new: after } = change;
  if (typeof after !== "number") {
    return {
      metric: rule.metric,
      status: "missing",
      detail: `no numeric value in the workspace (was ${before ?? "absent"})`,
    };
  }
  if (typeof before !== "number") return { metric: rule.metric, status: "new", detail: `new: ${after}` };
  const worse = rule.better === "lower" ? after - before : before - after;
  const relative = before === 0 ? (worse > 0 ? Infinity : 0) : worse / Math.abs(before);
  const limits: string[] = [];
  if (rule.tolerance.relative !== undefined) limits.push(`${(rule.tolerance.relative * 100).toFixed(2)}%`);
  if (rule.tolerance.absolute !== undefined) limits.push(`${rule.tolerance.absolute}`);
  const detail = `${before} → ${after} (${worse > 0 ? "worse" : "better"} by ${Math.abs(after - before).toPrecision(4)}, ${(Math.abs(relative) * 100).toFixed(2)}%; tolerance ${limits.join(" or ")})`;
  if (worse <= 0) return { metric: rule.metric, status: worse < 0 ? "improved" : "unchanged", detail };
  const beyond =
    (rule.tolerance.relative !== undefined && relative > rule.tolerance.relative) ||
    (rule.tolerance.absolute !== undefined && worse > rule.tolerance.absolute);
  return { metric: rule.metric, status: beyond ? "regressed" : "ok", detail };
}

export function runGate(diff: MetricsDiff, config: GateConfig, labels: readonly string[]): GateResult {
  const verdicts = config.metrics.map((rule) => judge(rule, diff));
  const failing = verdicts.some((v) => v.status === "regressed" || v.status === "missing");
  const overridden = failing && labels.includes(config.override_label);
  return { passed: !failing || overridden, overridden, verdicts };
}

const ICONS: Record<Verdict["status"], string> = {
  regressed: "❌",
  missing: "❌",
  ok: "✅",
  improved: "✅",
  unchanged: "✅",
  new: "🆕",
};

export function gateMarkdown(result: GateResult, config: GateConfig): string {
  const headline = result.overridden
    ? `⚠️ **Regression gate: overridden** by the \`${config.override_label}\` label.`
    : result.passed
      ? "✅ **Regression gate: passed.**"
      : `❌ **Regression gate: failed.** Fix the regression, or add the \`${config.override_label}\` label if it is intended.`;
  const rows = result.verdicts.map(
    (v) => `| \`${v.metric}\` | ${ICONS[v.status]} ${v.status} | ${v.detail} |`,
  );
  return [headline, "", "| Metric | Verdict | Detail |", "| --- | --- | --- |", ...rows, ""].join("\n");
}

function readYaml(path: string): unknown {
  try {
    return parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new Error(`${path}: ${(error as Error).message}`);
  }
}

function parseWith<T>(schema: z.ZodType<T>, value: unknown, source: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new Error(`${source}: ${issue?.path.join(".") || "(top)"}: ${issue?.message}`);
}

function main(argv: string[]): number {
  const { values } = parseArgs({
    args: argv,
    options: {
      diff: { type: "string" },
      config: { type: "string", default: ".github/regression-gate.yml" },
      labels: { type: "string", default: "[]" },
      markdown: { type: "string" },
    },
  });
  if (!values.diff) throw new Error("--diff is required (the output of `tabula metrics diff <base> --json`)");
  const diff = parseWith(MetricsDiffSchema, JSON.parse(readFileSync(values.diff, "utf8")), values.diff);
  const config = parseWith(GateConfigSchema, readYaml(values.config), values.config);
  const labels = parseWith(z.array(z.string()), JSON.parse(values.labels), "--labels");
  const result = runGate(diff, config, labels);
  const markdown = gateMarkdown(result, config);
  if (values.markdown) writeFileSync(values.markdown, markdown);
  process.stdout.write(markdown);
  return result.passed ? 0 : 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (error) {
    console.error(`regression-gate: ${(error as Error).message}`);
    process.exitCode = 2;
  }
}
