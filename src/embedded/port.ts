/*
 * The embedded server's port. A stable one lets stores, apps and psql keep
 * their settings across restarts: the port asked for, else the one used last
 * time, else 54329 (5432 is often a system server's), else any free port.
 */
import net from "node:net";
import type { Logger } from "pino";

export const PREFERRED_PORT = 54329;
export const LISTEN_HOST = "127.0.0.1";

function listenOnce(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(undefined));
    server.listen({ port, host: LISTEN_HOST, exclusive: true }, () => {
      const address = server.address();
      const bound = typeof address === "object" && address !== null ? address.port : undefined;
      server.close(() => resolve(bound));
    });
  });
}

export async function choosePort(requested: number | undefined, previous: number | undefined, logger: Logger): Promise<number> {
  if (requested !== undefined) {
    if ((await listenOnce(requested)) === undefined) {
      throw new Error(`SINCRO_POSTGRES_PORT=${requested}, but ${LISTEN_HOST}:${requested} is already in use`);
    }
    return requested;
  }
  const candidates = previous === undefined || previous === PREFERRED_PORT ? [PREFERRED_PORT] : [previous, PREFERRED_PORT];
  for (const candidate of candidates) {
    if ((await listenOnce(candidate)) !== undefined) return candidate;
  }
  const port = await listenOnce(0);
  if (port === undefined) throw new Error(`no free TCP port on ${LISTEN_HOST}`);
  logger.info({ event: "port_taken", wanted: candidates, port }, `port ${candidates.join(" and ")} in use; using ${port}`);
  return port;
}
