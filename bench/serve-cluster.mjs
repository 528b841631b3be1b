// For the benchmark's comparison only: N copies of the bundled server (dist/serve.js) behind Node's cluster module,
// sharing one port. Each copy gets its own data directory (its own prediction log).
import cluster from "node:cluster";

const processes = Number(process.env.BENCH_CLUSTER_PROCESSES ?? 2);
if (cluster.isPrimary) {
  for (let i = 0; i < processes; i++)
    cluster.fork({ SERVE_DATA_DIR: `${process.env.SERVE_DATA_DIR ?? ".serve-data"}/p${i}` });
  const stop = () => {
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill("SIGTERM");
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
  let alive = processes;
  cluster.on("exit", () => {
    alive -= 1;
    if (alive === 0) process.exit(0);
  });
} else {
  await import("../dist/serve.js");
}
