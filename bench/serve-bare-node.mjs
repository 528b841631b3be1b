// bench:serve's yardstick: the least a Node HTTP JSON service can do per request. node:http, read the body, parse
// it, answer a small JSON object with a prediction-shaped body. No framework, no model, no logging, no metrics: the
// ratio of tabula's throughput to this one's, in the same run, is what the serving targets are stated against.
import { createServer } from "node:http";

const port = Number(process.env.SERVE_PORT ?? 0);
const host = process.env.SERVE_HOST ?? "127.0.0.1";
let served = 0;

const server = createServer((req, res) => {
  if (req.method === "GET") {
    res.writeHead(200, { "content-type": "application/json" });
    res.end('{"status":"ok"}');
    return;
  }
  const chunks = [];
  req.on("data", (chunk) => chunks.push(chunk));
  req.on("end", () => {
    const body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    const rows = Array.isArray(body.instances) ? body.instances.length : 1;
    const answer = JSON.stringify({
      predictions: new Array(rows).fill(0),
      model: { name: "bare", version: "0" },
      request_id: String(++served),
    });
    res.writeHead(200, { "content-type": "application/json" });
    res.end(answer);
  });
});
server.listen(port, host);
process.on("SIGTERM", () => server.close(() => process.exit(0)));
