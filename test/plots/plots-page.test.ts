// `tabula plots show` and `tabula plots diff` on a toy pipeline in a temp git repo, checked the way a person
// would: the pages are rendered by headless Chromium (Debian's chromium) and the screenshots must show the charts.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PNG } from "pngjs";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { chartForPlotFile } from "../../src/charts/plot-file.js";
import { run } from "../../src/cli/commands/plots.js";
import { type CommandRun, runCommand } from "../support/command-io.js";
import { gated, INSTALL_HINT, missingTool } from "../support/skip.js";

const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
const withChromium = gated(
  test,
  missingTool(CHROMIUM, `${INSTALL_HINT.chromium}; CHROMIUM names another binary`),
);

const dir = mkdtempSync(join(tmpdir(), "tabula-plots-"));
const write = (path: string, value: unknown) => {
  mkdirSync(join(dir, path, ".."), { recursive: true });
  writeFileSync(join(dir, path), typeof value === "string" ? value : JSON.stringify(value));
};
const git = (...args: string[]) => {
  const result = spawnSync("git", args, { cwd: dir, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`git ${args.join(" ")}: ${result.stderr}`);
};

write(
  "pipeline.yaml",
  "stages:\n  train:\n    cmd: 'true'\n    plots:\n      - plots/loss.json\n  evaluate:\n    cmd: 'true'\n    plots:\n      - plots/eval\n",
);
write(
  "plots/loss.json",
  Array.from({ length: 20 }, (_, step) => ({ step, loss: 1 / (step + 1) })),
);
write("plots/eval/importance.json", [
  { feature: "a", importance: 0.7 },
  { feature: "b", importance: 0.3 },
]);
git("init", "-q");
git("-c", "user.email=t@example.com", "-c", "user.name=t", "add", ".");
git("-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-qm", "plots");
// The workspace moves on: the loss curve changes and a new plot appears.
write(
  "plots/loss.json",
  Array.from({ length: 20 }, (_, step) => ({ step, loss: 2 / (step + 2) })),
);
write(
  "plots/eval/predicted-vs-actual.json",
  Array.from({ length: 30 }, (_, i) => ({ actual: i, predicted: i + Math.sin(i) })),
);

test.after(() =>
  process.env.KEEP_PLOTS_DIR ? console.log(dir) : rmSync(dir, { recursive: true, force: true }),
);

function screenshot(page: string, width: number, height: number): PNG {
  const png = join(dir, `${page}.png`);
  const profile = mkdtempSync(join(tmpdir(), "tabula-chromium-"));
  const shot = spawnSync(
    CHROMIUM,
    [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      `--user-data-dir=${profile}`,
      `--window-size=${width},${height}`,
      `--screenshot=${png}`,
      `file://${join(dir, page)}`,
    ],
    { encoding: "utf8", timeout: 60_000 },
  );
  rmSync(profile, { recursive: true, force: true });
  if (shot.error)
    assert.unreachable(`cannot run ${CHROMIUM} (scripts/setup.sh installs it): ${shot.error.message}`);
  return PNG.sync.read(readFileSync(png));
}

/**
 * vega's default mark colour is #4c78a8 (points drawn at 60% opacity over white come out lighter): a pixel is "ink"
 * when it is clearly blue. The page's text, borders and grid lines are grey or black.
 */
function isInk(image: PNG, x: number, y: number): boolean {
  const i = (y * image.width + x) * 4;
  const [r, g, b] = [image.data[i] as number, image.data[i + 1] as number, image.data[i + 2] as number];
  return b - r > 40 && b - g > 20;
}

/**
 * The charts in a column of the screenshot, as vertical runs of rows with ink, split where a gap of more than
 * `gap` rows has none. Returns the ink pixel count of each run.
 */
function chartsIn(image: PNG, x0: number, x1: number, gap = 60): number[] {
  const runs: number[] = [];
  let blank = Number.POSITIVE_INFINITY;
  for (let y = 0; y < image.height; y++) {
    let ink = 0;
    for (let x = x0; x < Math.min(x1, image.width); x++) if (isInk(image, x, y)) ink++;
    if (ink === 0) {
      blank++;
      continue;
    }
    if (blank > gap) runs.push(0);
    runs[runs.length - 1] = (runs[runs.length - 1] as number) + ink;
    blank = 0;
  }
  return runs;
}

function tabulaPlots(...args: string[]): Promise<CommandRun> {
  return runCommand(run, args, dir);
}

withChromium("plots show: one page with every declared plot, drawn in Chromium", async () => {
  const out = join(dir, "show.html");
  const result = await tabulaPlots("show", "-o", out);
  assert.is(result.code, 0);
  assert.match(result.stdout, /wrote .*show\.html \(3 plot files\)/);
  const html = readFileSync(out, "utf8");
  assert.not.match(html, /<script|src="http/, "self-contained: no scripts, nothing fetched");
  for (const path of ["plots/loss.json", "plots/eval/importance.json", "plots/eval/predicted-vs-actual.json"])
    assert.match(html, new RegExp(`<h2>${path}`));
  assert.is((html.match(/<svg/g) ?? []).length, 3);
  const charts = chartsIn(screenshot("show.html", 900, 1400), 0, 900);
  assert.is(charts.length, 3, `charts seen: ${charts.join(", ")}`);
  for (const ink of charts) assert.ok(ink > 300, `a chart with marks (${ink} px)`);
});

withChromium("plots diff: workspace and revision side by side, new plots on one side only", async () => {
  const out = join(dir, "diff.html");
  const result = await tabulaPlots("diff", "HEAD", "-o", out);
  assert.is(result.code, 0);
  const html = readFileSync(out, "utf8");
  assert.match(html, /plots\/loss\.json<span class="badge changed">/);
  assert.match(html, /plots\/eval\/importance\.json<span class="badge unchanged">/);
  assert.match(html, /plots\/eval\/predicted-vs-actual\.json<span class="badge new">/);
  assert.match(html, /not at HEAD \([0-9a-f]{7}\)/);
  const image = screenshot("diff.html", 1100, 1600);
  const workspace = chartsIn(image, 0, 520);
  const revision = chartsIn(image, 520, 1100);
  assert.is(workspace.length, 3, `workspace charts seen: ${workspace.join(", ")}`);
  assert.is(revision.length, 2, `revision charts seen: ${revision.join(", ")} (the new plot has none)`);
  const notes = html.match(/<p class="note">[^<]*<\/p>/g) ?? [];
  assert.equal(notes, [
    `<p class="note">not at HEAD (${html.match(/HEAD \(([0-9a-f]{7})\)/)?.[1] ?? ""})</p>`,
  ]);
});

test("an unknown revision or plot is an error that says so", async () => {
  const unknown = await tabulaPlots("diff", "no-such-rev", "-o", join(dir, "x.html"));
  assert.is(unknown.code, 1);
  assert.match(unknown.stderr, /no-such-rev/);
  try {
    await run(["show", "plots/nope.json", "--cwd", dir]);
    assert.unreachable("a usage error");
  } catch (error) {
    assert.match(
      (error as Error).message,
      /"plots\/nope\.json" is not a declared plot; declared: plots\/loss\.json/,
    );
  }
});

test("plot files get the template their fields call for", () => {
  const template = (content: unknown) => {
    const chart = chartForPlotFile(content);
    return chart.ok ? chart.value.template : chart.error.reason;
  };
  assert.is(template([{ actual: "a", predicted: "b", count: 3 }]), "confusion");
  assert.is(template([{ class: "x", fpr: 0, tpr: 0 }]), "roc");
  assert.is(template([{ actual: 1, predicted: 2 }]), "predicted-vs-actual");
  assert.is(template([{ predicted: 1, residual: 0.5 }]), "residuals");
  assert.is(template([{ feature: "f", importance: 1 }]), "importance");
  assert.is(template([{ trial: 1, cvMean: 3, lr: 0.1 }]), "trials");
  assert.is(
    template([
      { epoch: 1, acc: 0.5 },
      { epoch: 2, acc: 0.6 },
    ]),
    "line",
  );
  assert.is(
    template([
      { x: 2, y: 0.5 },
      { x: 1, y: 0.6 },
    ]),
    "scatter",
  );
  assert.is(template([{ name: "a", n: 1 }]), "bar");
  assert.is(template({ mark: "point", data: { values: [] } }), "spec");
  assert.match(template([{ a: "x" }]), /no chart fits the fields a/);
  assert.match(template({ hello: 1 }), /neither a Vega-Lite spec nor a JSON array/);
  assert.match(template([]), /no records/);
});

test.run();
