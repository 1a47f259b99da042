/*
 * The HTTP service of `sincro start` (and of `sincro http` alone): the
 * operator console and GET /metrics on the hub's one HTTP server
 * (src/http/server.ts). Its start log line gives the URL.
 */
import { readHttpSettings } from "../http/settings";
import { startHubHttpServer } from "../http/server";
import type { RunningService, Service, ServiceContext } from "./service";

export const httpService: Service = {
  name: "http",
  async start(context: ServiceContext): Promise<RunningService> {
    const settings = readHttpSettings(context.env);
    const server = await startHubHttpServer({ databaseUrl: context.databaseUrl, settings, logger: context.logger });
    const parts = [settings.console ? `console at ${server.url}` : undefined, settings.metrics ? `metrics at ${server.url}metrics` : undefined].filter(Boolean);
    context.logger.info({ event: "http_ready", url: server.url, console: settings.console, metrics: settings.metrics }, parts.length > 0 ? parts.join(", ") : `HTTP server at ${server.url} (console and metrics off)`);
    return { stop: () => server.close() };
  },
};
