// Self-contained HTML pages of rendered charts (inline SVG, inline CSS, no scripts, nothing fetched): `tabula plots
// show` (one chart per plot file) and `tabula plots diff` (two columns: the workspace and a git revision).
import { escapeHtml } from "./escape-html.js";

export interface PageCell {
  /** Rendered SVG, or a short note when there is nothing to draw. */
  svg?: string;
  /** Markup built from escaped values (a table): shown as it is. */
  html?: string;
  note?: string;
}

export interface PageSection {
  title: string;
  /** One cell per column of the page (one for show, two for diff). */
  cells: PageCell[];
  /** A word shown next to the title: "changed", "unchanged", "new", "removed". */
  badge?: string;
}

export interface Page {
  title: string;
  subtitle: string;
  columns: string[];
  sections: PageSection[];
}

const STYLE = `
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 24px; color: #222; background: #fafafa; }
h1 { font-size: 22px; margin: 0 0 4px; }
header p { margin: 0 0 20px; color: #555; }
section { background: white; border: 1px solid #ddd; border-radius: 6px; padding: 12px 16px; margin-bottom: 16px; }
h2 { font-size: 15px; font-family: ui-monospace, monospace; margin: 0 0 8px; }
.badge { font-size: 11px; font-family: system-ui, sans-serif; padding: 1px 6px; border-radius: 8px; background: #eee; margin-left: 8px; }
.badge.changed { background: #fde2b3; } .badge.new { background: #d3f0d3; } .badge.removed { background: #f6d0d0; }
.row { display: grid; gap: 24px; align-items: start; }
figure { margin: 0; overflow-x: auto; }
figcaption { font-size: 12px; color: #555; margin-bottom: 4px; }
.note { color: #888; font-style: italic; padding: 24px 0; }
table { border-collapse: collapse; font-size: 13px; } td, th { padding: 3px 10px; text-align: right; border-bottom: 1px solid #eee; }
td:first-child, th:first-child { text-align: left; font-family: ui-monospace, monospace; } tr.drifted td { color: #b00; }
`;

export function renderPage(page: Page): string {
  const sections = page.sections.map((section) => {
    const badge = section.badge
      ? `<span class="badge ${escapeHtml(section.badge)}">${escapeHtml(section.badge)}</span>`
      : "";
    const cells = section.cells.map((cell, i) => {
      const caption =
        page.columns.length > 1 ? `<figcaption>${escapeHtml(page.columns[i] ?? "")}</figcaption>` : "";
      const body =
        cell.svg ?? cell.html ?? `<p class="note">${escapeHtml(cell.note ?? "nothing to draw")}</p>`;
      return `<figure>${caption}${body}</figure>`;
    });
    const grid = `grid-template-columns: repeat(${Math.max(1, page.columns.length)}, minmax(0, 1fr))`;
    return `<section>\n<h2>${escapeHtml(section.title)}${badge}</h2>\n<div class="row" style="${grid}">\n${cells.join("\n")}\n</div>\n</section>`;
  });
  return [
    "<!doctype html>",
    '<html lang="en">',
    `<head>\n<meta charset="utf-8">\n<title>${escapeHtml(page.title)}</title>\n<style>${STYLE}</style>\n</head>`,
    `<body>\n<header><h1>${escapeHtml(page.title)}</h1><p>${escapeHtml(page.subtitle)}</p></header>`,
    sections.join("\n"),
    page.sections.length === 0
      ? '<p class="note">No plots: declare plot files under `plots:` in pipeline.yaml.</p>'
      : "",
    "</body>\n</html>\n",
  ].join("\n");
}
