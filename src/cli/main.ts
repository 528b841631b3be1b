import type { CommandEntry } from "./command.js";

/**
 * The `tabula` command table: one line per command, each loaded only when used so start-up stays fast.
 * Other areas add their commands here (one line each).
 */
const commands: Record<string, CommandEntry> = {
  repro: { summary: "run the stages whose inputs changed", load: () => import("./commands/repro.js") },
  status: { summary: "show which stages are stale and why", load: () => import("./commands/status.js") },
  dag: {
    summary: "print the stage graph (ascii, --mermaid, --dot)",
    load: () => import("./commands/dag.js"),
  },
  why: { summary: "explain why a stage would run, old → new", load: () => import("./commands/why.js") },
  metrics: {
    summary: "show metrics, or diff them against a git revision",
    load: () => import("./commands/metrics.js"),
  },
  params: { summary: "diff params against a git revision", load: () => import("./commands/params.js") },
  commit: {
    summary: "record current deps/outputs in the lock without running",
    load: () => import("./commands/commit.js"),
  },
  gc: {
    summary: "remove cached objects the lock and recent runs do not need",
    load: () => import("./commands/gc.js"),
  },
  push: { summary: "upload cached outputs and runs to a remote", load: () => import("./commands/push.js") },
  pull: {
    summary: "download cached outputs and runs, restore missing outputs",
    load: () => import("./commands/pull.js"),
  },
  fetch: {
    summary: "download cached outputs and runs into the cache only",
    load: () => import("./commands/fetch.js"),
  },
  remote: {
    summary: "configure remotes: add NAME URL [--default], list, modify, remove",
    load: () => import("./commands/remote.js"),
  },
  plots: {
    summary: "HTML page of the declared plots, or diff them against a git revision",
    load: () => import("./commands/plots.js"),
  },
  exp: {
    summary: "experiments: run with other params, queue, show, apply",
    load: () => import("./commands/exp.js"),
  },
  data: {
    summary: "infer: draft params.yaml's dataset section and feature steps from a CSV",
    load: () => import("./commands/data.js"),
  },
  monitor: {
    summary: "drift and live performance report (HTML + JSON) from the prediction log, no server needed",
    load: () => import("./commands/monitor.js"),
  },
  log: {
    summary: "export: the logged traffic (with ground truth) as a training CSV",
    load: () => import("./commands/log.js"),
  },
  models: {
    summary: "the model registry: list, promote [VERSION], rollback, show VERSION, diff A B",
    load: () => import("./commands/models.js"),
  },
};

function usage(): string {
  const width = Math.max(...Object.keys(commands).map((name) => name.length));
  const lines = Object.entries(commands).map(([name, entry]) => `  ${name.padEnd(width)}  ${entry.summary}`);
  return `usage: tabula <command> [options]\n\ncommands:\n${lines.join("\n")}\n\nRun \`tabula <command> --help\` for a command's options.\n`;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    process.stdout.write(usage());
    return name === undefined ? 2 : 0;
  }
  const entry = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!entry) {
    process.stderr.write(`tabula: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  const command = await entry.load();
  if (args.includes("--help") || args.includes("-h")) {
    process.stdout.write(command.help.endsWith("\n") ? command.help : `${command.help}\n`);
    return 0;
  }
  const { UsageError } = await import("./command.js");
  try {
    return await command.run(args);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`tabula ${name}: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `tabula: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 70;
  },
);
