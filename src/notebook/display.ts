// Putting charts, tables and Markdown into a notebook's output through tslab's display API. Charts are SVG
// (image/svg+xml), which Jupyter, nbconvert's HTML and GitHub all render without JavaScript.
import type { Chart } from "../charts/chart.js";
import { renderSvg } from "../charts/render-svg.js";
import { htmlTable, type TableOptions } from "./html-table.js";

interface Display {
  svg(s: string): void;
  html(s: string): void;
  markdown(s: string): void;
}

// tslab exists only inside the kernel (and as a dev dependency); it is loaded when something is shown.
async function tslabDisplay(): Promise<Display> {
  const tslab = await import("tslab");
  return tslab.display;
}

export async function show(chart: Chart): Promise<void> {
  const svg = await renderSvg(chart);
  (await tslabDisplay()).svg(svg);
}

export async function showTable(rows: readonly object[], options: TableOptions = {}): Promise<void> {
  (await tslabDisplay()).html(htmlTable(rows, options));
}

export async function showMarkdown(markdown: string): Promise<void> {
  (await tslabDisplay()).markdown(markdown);
}
