/*
 * The `sincro` command. Each subcommand lives in commands/<name>.ts and is
 * registered here. main() returns the exit code: 0 done, 1 failed, 2 used
 * wrongly; commander's own errors (unknown command…) keep commander's code.
 *
 * Run through bin/sincro (`npx sincro …`) or `ts-node src/cli/main.ts …` (npm scripts).
 */
import { Command, CommanderError } from "commander";
import { version } from "../../package.json";
import { registerMigrateCommand } from "./commands/migrate";
import { registerQuotaCommand } from "./commands/quota";
import { registerStartCommand } from "./commands/start";
import { registerStatusCommand } from "./commands/status";
import { registerSyncCommand } from "./commands/sync";
import { registerWorkerCommand } from "./commands/worker";
import type { CliContext } from "./context";
import { logLevelFrom } from "./environment";
import { describeError, exitCodeFor } from "./errors";
import { createLogger } from "./logger";

export function buildProgram(context: CliContext): Command {
  const program = new Command("sincro")
    .description("order-synchronisation hub between an ERP, an e-commerce store and offline sales apps")
    .version(version)
    .exitOverride();
  registerStartCommand(program, context);
  registerMigrateCommand(program, context);
  registerWorkerCommand(program, context);
  registerSyncCommand(program, context);
  registerQuotaCommand(program, context);
  registerStatusCommand(program, context);
  return program;
}

export async function main(argv: readonly string[] = process.argv, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const logger = createLogger(logLevelFrom(env));
  try {
    await buildProgram({ env, logger }).parseAsync([...argv]);
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
