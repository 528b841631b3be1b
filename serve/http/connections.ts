// Which connections are idle, and since when, so that a draining server closes only keep-alive connections that
// have been quiet for a while. (http.Server#closeIdleConnections closes every connection between two requests,
// including one whose client is sending its next request at that very moment.)
import type { Server } from "node:http";
import type { Socket } from "node:net";

interface Tracked {
  busy: number;
  idleSince: number;
}

export class Connections {
  private readonly sockets = new Map<Socket, Tracked>();

  constructor(server: Server) {
    server.on("connection", (socket: Socket) => {
      this.sockets.set(socket, { busy: 0, idleSince: performance.now() });
      socket.once("close", () => this.sockets.delete(socket));
    });
    server.on("request", (request, response) => {
      const tracked = this.sockets.get(request.socket);
      if (!tracked) return;
      tracked.busy++;
      response.once("close", () => {
        tracked.busy--;
        tracked.idleSince = performance.now();
      });
    });
  }

  /** Closes connections with no request in progress for at least `quietMs`; returns how many remain open. */
  closeQuiet(quietMs: number): number {
    const now = performance.now();
    for (const [socket, tracked] of this.sockets) {
      if (tracked.busy === 0 && now - tracked.idleSince >= quietMs) socket.destroy();
    }
    return this.sockets.size;
  }
}
