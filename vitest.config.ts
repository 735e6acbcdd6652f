import { defineConfig } from 'vitest/config';

// One project per part (docs/architecture.md, "Tests"): unit tests beside the code, integration and browser
// tests under test/ against a real server and database (see test/helpers/database.ts).
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'shared', environment: 'node', include: ['shared/src/**/*.test.ts'] } },
      { test: { name: 'server', environment: 'node', include: ['server/src/**/*.test.ts'] } },
      { test: { name: 'client', environment: 'node', include: ['client/src/**/*.test.ts'] } },
      {
        test: {
          name: 'integration',
          environment: 'node',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/helpers/database.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: ['test/helpers/database.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // One browser at a time: the machine has 2 cores.
          fileParallelism: false,
        },
      },
    ],
  },
});
