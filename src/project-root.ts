/* The project's root directory (where package.json, migrations/ and .sincro/ live). A module of its own so that a command needing only the path does not load the migration libraries. */
import path from "node:path";

export const PROJECT_ROOT = path.resolve(__dirname, "..");
