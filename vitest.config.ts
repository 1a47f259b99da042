import { defineConfig } from "vitest/config";

/*
 * Integration tests run against a real PostgreSQL, each file in its own
 * databases. Files run one at a time: the machine has two cores, and races are
 * tested inside a file with many connections, not by running files together.
 */
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: "forks",
  },
});
