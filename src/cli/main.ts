/*
 * The `sincro` command. Each subcommand lives in commands/<name>.ts and is
 * registered here. main() returns the exit code: 0 done, 1 failed, 2 used
 * wrongly; commander's own errors (unknown command…) keep commander's code.
 *
 * Run through bin/sincro (`npx sincro …`) or `ts-node src/cli/main.ts …` (npm scripts).
 *
 * Only the command asked for is loaded (all of them for help or an unknown
 * name): each module is transpiled at load and some pull in heavy libraries
 * (embedded PostgreSQL, graphile-worker, fastify). Loading them all cost
 * `sincro sync rebuild` ~45 MB of its memory budget (docs/performance.md).
 */
import { Command, CommanderError } from "commander";
import { version } from "../../package.json";
import type { CliContext } from "./context";
import { environmentHelp, logLevelFrom } from "./environment";
import { describeError, exitCodeFor } from "./errors";
import { createLogger } from "./logger";

type Register = (program: Command, context: CliContext) => void;

/** Each command's name and how to load its registration, in the order help lists them. */
const COMMANDS: readonly (readonly [string, () => Promise<Register>])[] = [
  ["start", async () => (await import("./commands/start")).registerStartCommand],
  ["migrate", async () => (await import("./commands/migrate")).registerMigrateCommand],
  ["worker", async () => (await import("./commands/worker")).registerWorkerCommand],
  ["sync", async () => (await import("./commands/sync")).registerSyncCommand],
  ["quota", async () => (await import("./commands/quota")).registerQuotaCommand],
  ["status", async () => (await import("./commands/status")).registerStatusCommand],
  ["http", async () => (await import("./commands/http")).registerHttpCommand],
  ["timeline", async () => (await import("./commands/timeline")).registerTimelineCommand],
  ["store", async () => (await import("./commands/store")).registerStoreCommand],
];

/** The program with the command named in argv (after node and the script) registered, or every command. */
export async function buildProgram(context: CliContext, argv: readonly string[] = []): Promise<Command> {
  const program = new Command("sincro")
    .description("order-synchronisation hub between an ERP, an e-commerce store and offline sales apps")
    .version(version)
    .addHelpText("after", environmentHelp())
    .exitOverride();
  const asked = argv.slice(2).find((arg) => !arg.startsWith("-"));
  const wanted = COMMANDS.some(([name]) => name === asked) ? COMMANDS.filter(([name]) => name === asked) : COMMANDS;
  for (const [, load] of wanted) (await load())(program, context);
  return program;
}

export async function main(argv: readonly string[] = process.argv, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const logger = createLogger(logLevelFrom(env));
  try {
    await (await buildProgram({ env, logger }, argv)).parseAsync([...argv]);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    const details = logger.isLevelEnabled("debug") ? { err: error } : {};
    logger.error({ event: "failed", ...details }, describeError(error));
    return exitCodeFor(error);
  }
}

if (require.main === module) {
  void main().then((code) => process.exit(code));
}
