// Lingering close (what nginx does after an early answer such as 413): a response that ends the connection while the
// client is still sending its body must not close the socket at once. Closing a socket with unread data makes the
// kernel send a reset, and a client that sends its whole body before reading (most synchronous clients do) then gets
// EPIPE / ECONNRESET instead of the answer. So: answer, half-close (FIN, the answer is on its way), keep reading and
// discarding what still arrives, and close only when the client closes, or past a bound of bytes, idle time or total
// time, so that an endless body cannot hold the connection.
import type { IncomingMessage } from "node:http";
import type { Socket } from "node:net";

export interface LingerBounds {
  /** Discard at most this many more bytes; past it the connection is reset. */
  maxBytes: number;
  /** Close when the client sends nothing for this long. */
  idleMs: number;
  /** Close after this long whatever happens. */
  totalMs: number;
}

const lingering = new WeakSet<Socket>();

/**
 * Makes `req`'s connection linger once its response is sent: call it when answering before the body was read. The
 * rest of the body is read and dropped meanwhile (bounded), so the answer does not wait on it.
 */
export function lingerAfterResponse(req: IncomingMessage, bounds: LingerBounds): void {
  const socket = req.socket;
  if (lingering.has(socket)) return;
  lingering.add(socket);
  let discarded = 0;
  const discard = (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > bounds.maxBytes) socket.destroy();
  };
  req.on("data", discard);
  req.resume();

  // Node's HTTP server ends a `Connection: close` response with socket.destroySoon(): end, then destroy as soon as
  // the answer is flushed, unread data or not. This socket's own destroySoon lingers instead.
  socket.destroySoon = function lingeringClose(this: Socket) {
    if (this.writable) this.end();
    let idle: NodeJS.Timeout | undefined;
    const close = () => {
      clearTimeout(idle);
      clearTimeout(total);
      this.destroy();
    };
    const total = setTimeout(close, bounds.totalMs).unref();
    const touch = () => {
      clearTimeout(idle);
      idle = setTimeout(close, bounds.idleMs).unref();
    };
    touch();
    // The request's body (parsed and dropped by the HTTP parser) and anything after it count as activity.
    req.on("data", touch);
    this.on("data", touch);
    this.once("end", close);
    this.once("close", () => {
      clearTimeout(idle);
      clearTimeout(total);
    });
    this.resume();
  };
}
