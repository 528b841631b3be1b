import { test } from "uvu";
import * as assert from "uvu/assert";
import type { CommandModule } from "../../src/cli/command.js";
import { type CommandRun, runCommand } from "../support/command-io.js";
import { cli, project, removeProjects, runRepro, writeFiles } from "./helpers.js";

const PIPELINE = `stages:
  prepare:
    cmd: echo preparing && cp raw.txt prepared.txt
    deps: [raw.txt]
    outs: [prepared.txt]
  train:
    cmd: cp prepared.txt model.txt
    deps: [prepared.txt]
    params: [train.lr]
    outs: [model.txt]
  report:
    cmd: cat model.txt prepared.txt > report.txt
    deps: [model.txt, prepared.txt]
    outs: [report.txt]
`;

function toy(): string {
  return project({ "pipeline.yaml": PIPELINE, "params.yaml": "train:\n  lr: 0.1\n", "raw.txt": "x\n" });
}

/** Runs a command module in this process, reading what it writes through its io. */
async function command(name: string, args: string[]): Promise<CommandRun> {
  const module = (await import(`../../src/cli/commands/${name}.js`)) as CommandModule;
  return runCommand(module.run, args);
}

test.after(removeProjects);

test("tabula repro prints one line per stage, stage output prefixed, and exits 0; a failing stage's code passes through", async () => {
  const dir = toy();
  const first = await cli(dir, ["repro"]);
  assert.is(first.code, 0, first.output);
  assert.match(first.output, /^prepare │ preparing$/m);
  assert.match(first.output, /^prepare {2}ran in \d+\.\d\d s \(never run/m);
  assert.match(first.output, /^train {4}ran in /m);
  assert.not.ok(first.output.includes("\u001b["), "no colours when not a terminal");
  writeFiles(dir, {
    "params.yaml": "train:\n  lr: 0.2\n",
    "pipeline.yaml": PIPELINE.replace("cp prepared.txt model.txt", "exit 7"),
  });
  const failed = await cli(dir, ["repro"]);
  assert.is(failed.code, 7);
  assert.match(failed.output, /^prepare {2}skipped \(up to date\)$/m);
  assert.match(failed.output, /^train {4}failed after /m);
  assert.match(
    failed.output,
    /tabula: stage "train" failed: exit code 7; its previous outputs and lock entry are kept/,
  );
  assert.not.match(failed.output, /^report/m, "nothing after the failure runs");
});

test("tabula --help lists the commands; an unknown command exits 2; every command has --help", async () => {
  const dir = project({});
  const help = await cli(dir, ["--help"]);
  assert.is(help.code, 0);
  for (const name of ["repro", "status", "dag", "why", "metrics", "params", "commit", "gc", "push", "pull"]) {
    assert.match(help.output, new RegExp(`^ {2}${name} `, "m"));
    const module = (await import(`../../src/cli/commands/${name}.js`)) as { help: string };
    assert.match(module.help, new RegExp(`^usage: tabula ${name}`));
  }
  const unknown = await cli(dir, ["frobnicate"]);
  assert.is(unknown.code, 2);
  assert.match(unknown.output, /unknown command "frobnicate"/);
  try {
    await command("repro", ["--jobz", "2"]);
    assert.unreachable("an unknown option is a usage error");
  } catch (error) {
    assert.match(String(error), /Unknown option '--jobz'[\s\S]*Run `tabula repro --help` for usage\./);
  }
});

test("status says which stages are stale and why, and which may run because of them", async () => {
  const dir = toy();
  await runRepro(dir);
  const clean = await command("status", ["-C", dir]);
  assert.match(clean.stdout, /Pipeline is up to date\./);
  writeFiles(dir, { "params.yaml": "train:\n  lr: 0.3\n" });
  const stale = await command("status", ["-C", dir]);
  assert.is(stale.code, 0);
  assert.match(stale.stdout, /^prepare {2}up to date$/m);
  assert.match(stale.stdout, /^train {4}stale\n {11}param train\.lr \(params\.yaml\): 0\.1 → 0\.3$/m);
  assert.match(stale.stdout, /^report {3}may run: upstream train is stale$/m);
  const json = JSON.parse((await command("status", ["-C", dir, "--json"])).stdout);
  assert.equal(
    json.map((s: { stage: string; state: string }) => [s.stage, s.state]),
    [
      ["prepare", "up-to-date"],
      ["train", "stale"],
      ["report", "upstream-stale"],
    ],
  );
});

test("dag prints the graph as an ascii tree, Mermaid or dot", async () => {
  const dir = toy();
  const ascii = await command("dag", ["-C", dir]);
  assert.is(ascii.stdout, "prepare\n└─▶ train\n    └─▶ report  (also after prepare)\n");
  const mermaid = await command("dag", ["-C", dir, "--mermaid"]);
  assert.is(
    mermaid.stdout,
    'flowchart TD\n  s0["prepare"]\n  s1["train"]\n  s2["report"]\n  s0 --> s1\n  s0 --> s2\n  s1 --> s2\n',
  );
  const dot = await command("dag", ["-C", dir, "--dot"]);
  assert.match(dot.stdout, /^digraph pipeline \{\n/);
  assert.match(dot.stdout, / {2}"prepare" -> "train";\n/);
  const invalid = await command("dag", [
    "-C",
    project({ "pipeline.yaml": "stages:\n  a:\n    cmd: echo\n    outs: x\n" }),
  ]);
  assert.is(invalid.code, 1);
  assert.match(invalid.stderr, /pipeline\.yaml:4:11: stage "a": outs must be a list/);
});

test.run();
