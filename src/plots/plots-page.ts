// Builds the `tabula plots` pages: each plot file drawn with the template its contents call for (src/charts/
// plot-file.ts), rendered to SVG; for a diff, the workspace and the revision side by side.
import { type PageCell, type PageSection, renderPage } from "../charts/page.js";
import { chartForPlotFile } from "../charts/plot-file.js";
import { renderSvg } from "../charts/render-svg.js";
import type { PlotFile } from "./declared-plots.js";

export async function plotCell(file: PlotFile | undefined, missing: string): Promise<PageCell> {
  if (!file || file.text === null) return { note: missing };
  let content: unknown;
  try {
    content = JSON.parse(file.text);
  } catch (error) {
    return { note: `not valid JSON: ${(error as Error).message}` };
  }
  const chart = chartForPlotFile(content);
  if (!chart.ok) return { note: chart.error.reason };
  try {
    return { svg: await renderSvg(chart.value.chart) };
  } catch (error) {
    return { note: `the chart does not render: ${(error as Error).message}` };
  }
}

export async function showPage(files: PlotFile[], where: string): Promise<string> {
  const sections: PageSection[] = [];
  for (const file of files)
    sections.push({
      title: file.path,
      cells: [await plotCell(file, "missing: run `tabula repro` to produce it")],
    });
  const drawn = sections.filter((section) => section.cells[0]?.svg).length;
  return renderPage({
    title: "Plots",
    subtitle: `${where}: ${drawn} of ${files.length} plot file${files.length === 1 ? "" : "s"} drawn`,
    columns: ["workspace"],
    sections,
  });
}

export async function diffPage(
  workspace: PlotFile[],
  revision: PlotFile[],
  revisionLabel: string,
  where: string,
): Promise<string> {
  const paths = [...new Set([...workspace.map((file) => file.path), ...revision.map((file) => file.path)])];
  const sections: PageSection[] = [];
  let changed = 0;
  for (const path of paths) {
    const now = workspace.find((file) => file.path === path);
    const then = revision.find((file) => file.path === path);
    const badge =
      (now?.text ?? null) === null
        ? "removed"
        : (then?.text ?? null) === null
          ? "new"
          : now?.text === then?.text
            ? "unchanged"
            : "changed";
    if (badge !== "unchanged") changed++;
    sections.push({
      title: path,
      badge,
      cells: [await plotCell(now, "not in the workspace"), await plotCell(then, `not at ${revisionLabel}`)],
    });
  }
  return renderPage({
    title: "Plots diff",
    subtitle: `${where}: workspace vs ${revisionLabel}; ${changed} of ${paths.length} plot file${paths.length === 1 ? "" : "s"} differ`,
    columns: ["workspace", revisionLabel],
    sections,
  });
}
