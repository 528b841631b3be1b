// The monitor report as a self-contained HTML page: the same page and chart code as `tabula plots show`.
import { bar } from "../charts/bar.js";
import { escapeHtml } from "../charts/escape-html.js";
import { renderPage } from "../charts/page.js";
import { renderSvg } from "../charts/render-svg.js";
import type { FeatureDrift } from "../drift/detect-drift.js";
import type { MonitorReport } from "./monitor-report.js";

function formatNumber(value: number | undefined): string {
  if (value === undefined) return "";
  return Math.abs(value) >= 1e-3 || value === 0 ? value.toPrecision(4) : value.toExponential(2);
}

function driftTable(features: readonly FeatureDrift[]): string {
  const header =
    "<tr><th>feature</th><th>test</th><th>statistic</th><th>p-value</th><th>adjusted</th><th>threshold</th><th>drifted</th></tr>";
  const rows = features.map(
    (feature) =>
      `<tr${feature.drifted ? ' class="drifted"' : ""}><td>${escapeHtml(feature.name)}</td><td>${feature.test}</td><td>${formatNumber(feature.statistic)}</td><td>${formatNumber(feature.pValue)}</td><td>${formatNumber(feature.adjustedPValue)}</td><td>${formatNumber(feature.threshold)}</td><td>${feature.drifted ? "yes" : "no"}</td></tr>`,
  );
  return `<table>${header}${rows.join("")}</table>`;
}

function performanceTable(report: MonitorReport): string {
  const entries = Object.entries(report.performance).filter(([, value]) => value !== undefined);
  return `<table>${entries.map(([key, value]) => `<tr><td>${escapeHtml(key)}</td><td>${formatNumber(value)}</td></tr>`).join("")}</table>`;
}

export async function renderMonitorPage(report: MonitorReport): Promise<string> {
  const { drift } = report;
  const chart =
    drift.features.length === 0
      ? undefined
      : await renderSvg(
          bar(
            drift.features.map((feature) => ({
              feature: feature.name,
              "1 − adjusted p / distance":
                feature.adjustedPValue === undefined ? feature.statistic : 1 - feature.adjustedPValue,
              drifted: feature.drifted ? "drifted" : "not drifted",
            })),
            "feature",
            "1 − adjusted p / distance",
            { color: "drifted" },
          ),
        );
  const window =
    report.window.since === null
      ? "no logged rows in the range"
      : `${report.window.since} – ${report.window.until}`;
  return renderPage({
    title: `Monitor: ${report.model.name} ${report.model.version}`,
    subtitle: `${window}; ${report.performance.predictions} predictions (${report.rowsWithFeatures} with named features), versions ${report.window.versions.join(", ") || "none"}`,
    columns: [""],
    sections: [
      {
        title: `drift: ${formatNumber(drift.driftedShare * 100)} % of features drifted`,
        badge: drift.drifted ? "changed" : "unchanged",
        cells: [{ html: driftTable(drift.features) }],
      },
      { title: "drift per feature", cells: [chart === undefined ? { note: "no features" } : { svg: chart }] },
      { title: "live performance", cells: [{ html: performanceTable(report) }] },
    ],
  });
}
