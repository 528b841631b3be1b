// Renders a chart to a standalone SVG string in Node with vega's headless renderer (no canvas, no browser): the
// same SVG shows in Jupyter, in exported HTML, in the plots page and on GitHub.
//
// vega and vega-lite are imported on first use: they are ESM-only and vega-canvas probes for `canvas` with a
// top-level await, so a static import would break the notebook kernel, which loads project code with require().
import { createHash } from "node:crypto";
import type { Chart } from "./chart.js";

export interface RenderOptions {
  /** Multiplies the chart's pixel size. Default 1. */
  scale?: number;
}

export async function renderSvg(chart: Chart, options: RenderOptions = {}): Promise<string> {
  const [vega, vegaLite] = await Promise.all([import("vega"), import("vega-lite")]);
  const { spec } = vegaLite.compile(chart);
  const view = new vega.View(vega.parse(spec), {
    renderer: "none",
    logLevel: vega.Error,
    // Charts carry their data inline; nothing is fetched from disk or the network.
    loader: vega.loader({ mode: "http", baseURL: "about:blank" }),
  });
  try {
    return scopeIds(await view.toSVG(options.scale ?? 1));
  } finally {
    view.finalize();
  }
}

/**
 * vega numbers gradient and clip-path ids with a counter shared by every render in the process, and ids are global
 * in an HTML page. So ids are renumbered per SVG (same chart → same bytes, whatever was rendered before), then
 * prefixed with a hash of the SVG (two charts on one page never share an id).
 */
export function scopeIds(svg: string): string {
  const ids = [...new Set([...svg.matchAll(/\sid="([^"]+)"/g)].map((match) => match[1] as string))];
  if (ids.length === 0) return svg;
  const rename = (text: string, from: string, to: string) => {
    const escaped = from.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    return text
      .replace(new RegExp(`(\\sid=")${escaped}"`, "g"), `$1${to}"`)
      .replace(new RegExp(`url\\(#${escaped}\\)`, "g"), `url(#${to})`)
      .replace(new RegExp(`(href=")#${escaped}"`, "g"), `$1#${to}"`);
  };
  // Placeholders first, so renaming "gradient_1" to "gradient_0" cannot collide with an id not yet renamed.
  let numbered = svg;
  ids.forEach((id, i) => {
    numbered = rename(numbered, id, `@@${i}@@`);
  });
  const prefix = `c${createHash("sha256").update(numbered).digest("hex").slice(0, 10)}`;
  return numbered.replace(/@@(\d+)@@/g, `${prefix}-$1`);
}
