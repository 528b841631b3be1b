// A port nothing listens on at the moment of asking (the OS picks it), for a server the bench starts next.
import { createServer } from "node:net";

export function freePort(host: string): Promise<number> {
  return new Promise((resolvePort) => {
    const server = createServer();
    server.listen(0, host, () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });
}
