import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Model-quality checks the shipped pack does not meet yet: `npm run test:quality`.
    exclude: process.env.T2V_QUALITY ? [] : ["test/quality/**"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
  },
});
