// Runs every uvu test file in its own Node process (isolation, and both cores in use),
// then prints one plain summary line: "N passed, N failed, N skipped", and every skipped test with its reason.
// A skipped test says why on a stdout line "SKIP <name>: <reason>" (test/support/skip.ts); a file whose uvu count
// has more skips than such lines fails, so nothing is skipped silently.
//
// usage: node scripts/run-tests.mjs [path-filter ...]   (e.g. `test/repro` or `serve`)
// env:   TEST_JOBS (default: number of CPUs), TEST_TIMEOUT_S per file (default 300)
import { spawn } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join, relative } from "node:path";
import { stripVTControlCharacters } from "node:util";

const root = new URL("..", import.meta.url).pathname;
const filters = process.argv.slice(2);
const jobs = Number(process.env.TEST_JOBS ?? availableParallelism());
const timeoutMs = Number(process.env.TEST_TIMEOUT_S ?? 300) * 1000;

function findTests(dir) {
  const found = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (name !== "fixtures" && name !== "node_modules") found.push(...findTests(path));
    } else if (name.endsWith(".test.ts")) {
      found.push(relative(root, path));
    }
  }
  return found;
}

const files = findTests(join(root, "test")).filter(
  (file) => filters.length === 0 || filters.some((filter) => file.includes(filter)),
);

// uvu ends a file's output with "Total: N / Passed: N / Skipped: N".
function parseTotals(output) {
  const clean = stripVTControlCharacters(output);
  const total = clean.match(/Total:\s+(\d+)/);
  const passed = clean.match(/Passed:\s+(\d+)/);
  const skipped = clean.match(/Skipped:\s+(\d+)/);
  if (!total || !passed) return undefined;
  return { total: Number(total[1]), passed: Number(passed[1]), skipped: Number(skipped?.[1] ?? 0) };
}

function runFile(file) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, ["--import", "tsx", file], {
      cwd: root,
      env: { ...process.env, FORCE_COLOR: "0", NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk) => {
      output += chunk;
    });
    child.stderr.on("data", (chunk) => {
      output += chunk;
    });
    const timer = setTimeout(() => {
      output += `\n[run-tests] ${file} timed out after ${timeoutMs / 1000} s; killed\n`;
      child.kill("SIGKILL");
    }, timeoutMs);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ file, code, signal, output, seconds: (Date.now() - started) / 1000 });
    });
  });
}

/** The "SKIP <name>: <reason>" lines a test file printed (test/support/skip.ts). */
function skipReasons(output) {
  return stripVTControlCharacters(output)
    .split("\n")
    .filter((line) => line.startsWith("SKIP "))
    .map((line) => line.slice("SKIP ".length).trim());
}

let passed = 0;
let failed = 0;
let skipped = 0;
const failures = [];
const skips = [];
const queue = [...files];

async function worker() {
  for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
    const result = await runFile(file);
    const totals = parseTotals(result.output);
    let filePassed = 0;
    let fileFailed = 0;
    const reasons = skipReasons(result.output);
    const fileSkipped = totals?.skipped ?? 0;
    if (totals) {
      filePassed = totals.passed;
      // uvu's Total counts the tests that ran; skipped ones are not in it.
      fileFailed = totals.total - totals.passed;
    }
    if (fileSkipped > reasons.length) {
      fileFailed += 1;
      result.output += `\n[run-tests] ${file}: ${fileSkipped} skipped but ${reasons.length} printed why (use test/support/skip.ts)\n`;
    }
    // A file that crashed, timed out or exited non-zero without reporting a failure still counts as one.
    if (!totals || (result.code !== 0 && fileFailed === 0)) fileFailed += 1;
    passed += filePassed;
    failed += fileFailed;
    skipped += fileSkipped;
    const mark = fileFailed === 0 ? "ok  " : "FAIL";
    const skipNote = fileSkipped > 0 ? `, ${fileSkipped} skipped` : "";
    console.log(
      `${mark} ${file}  (${filePassed} passed, ${fileFailed} failed${skipNote}, ${result.seconds.toFixed(1)} s)`,
    );
    for (const reason of reasons) {
      console.log(`     skipped: ${reason}`);
      skips.push(`${file}: ${reason}`);
    }
    if (fileFailed > 0) failures.push(result);
  }
}

const started = Date.now();
await Promise.all(Array.from({ length: Math.max(1, jobs) }, worker));

for (const failure of failures) {
  console.log(
    `\n──── ${failure.file} (exit ${failure.code ?? failure.signal}) ────\n${failure.output.trimEnd()}`,
  );
}
console.log(`\n${files.length} test files in ${((Date.now() - started) / 1000).toFixed(1)} s`);
if (skips.length > 0) console.log(`\nskipped:\n${skips.map((skip) => `  ${skip}`).join("\n")}`);
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exitCode = failed > 0 || passed + skipped === 0 ? 1 : 0;
