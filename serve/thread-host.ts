// The server's worker thread: hosts pieces of work (an inference session, the prediction log's writer), each
// talking to the main thread over a MessagePort of its own. One host per piece of work gives each its own thread
// (and V8 isolate); one host for both keeps a single isolate, which is what the server does by default
// (SERVE_SHARED_THREAD, serve/README.md: the memory measured).
import { type MessagePort, parentPort } from "node:worker_threads";
import { unreachable } from "../src/result.js";
import { serveInference } from "./model/inference-worker.js";
import { serveLog } from "./prediction-log-worker.js";
import {
  type Attached,
  HOST_EXITED,
  type HostExited,
  type HostedWork,
  type HostRequest,
} from "./thread-host-protocol.js";

const control = parentPort;
if (!control) throw new Error("thread-host.ts runs as a worker thread");

const running = new Map<number, { port: MessagePort; attached: Promise<Attached> }>();

function exited(id: number, code: number): void {
  const work = running.get(id);
  if (!work) return;
  running.delete(id);
  void work.attached.then((attached) => attached.dispose());
  work.port.postMessage({ kind: HOST_EXITED, code } satisfies HostExited);
  work.port.close();
}

async function start(id: number, port: MessagePort, work: HostedWork): Promise<Attached> {
  const exit = (code: number) => exited(id, code);
  switch (work.role) {
    case "inference":
      return serveInference(port, work.data, exit);
    case "prediction-log":
      return serveLog(port, work.data, exit);
    default:
      return unreachable(work);
  }
}

control.on("message", (message: HostRequest) => {
  switch (message.kind) {
    case "attach": {
      const { id, port } = message;
      const work: { port: MessagePort; attached: Promise<Attached> } = {
        port,
        attached: Promise.resolve({ dispose() {} }),
      };
      running.set(id, work); // before starting: the work may exit at once (a database that cannot be opened)
      work.attached = start(id, port, message);
      return;
    }
    case "detach":
      exited(message.id, 0);
      return;
    default:
      return unreachable(message);
  }
});
