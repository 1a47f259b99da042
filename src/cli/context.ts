/** What every command receives from main(): the environment to read and the logger to write to. */
import type { Logger } from "./logger";

export interface CliContext {
  readonly env: NodeJS.ProcessEnv;
  readonly logger: Logger;
}
