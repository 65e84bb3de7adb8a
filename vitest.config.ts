// Vitest projects: unit (pure), integration (real databases), trainer (slow learning checks), e2e (Chromium).
import { defineConfig } from "vitest/config";
import path from "node:path";

const root = path.dirname(new URL(import.meta.url).pathname);
const alias = {
  "@": root,
  // server-only throws outside Next's react-server graph; tests and the CLI run lib/ directly.
  "server-only": path.join(root, "tests/helpers/server-only-stub.ts"),
};

export default defineConfig({
  resolve: { alias },
  test: {
    // The test runner keeps both cores busy: trainers started by jobs run at normal priority here, or the
    // default (idle: only CPU nothing else wants) would starve them. bench -- responsiveness measures the default.
    env: { TUNELOOP_TRAINER_PRIORITY: "normal" },
    projects: [
      { extends: true, test: { name: "unit", include: ["tests/unit/**/*.test.ts"] } },
      {
        extends: true,
        test: {
          name: "integration",
          include: ["tests/integration/**/*.test.ts"],
          globalSetup: ["tests/helpers/global-setup.ts"],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        extends: true,
        test: {
          name: "trainer",
          include: ["tests/trainer/**/*.test.ts"],
          testTimeout: 900_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
      {
        extends: true,
        test: {
          name: "e2e",
          include: ["tests/e2e/**/*.test.ts"],
          testTimeout: 300_000,
          hookTimeout: 600_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
