import { defineConfig } from 'vitest/config';

// Separate from vite.config.ts: the editor build is rooted at editor/, the tests at the repository root.
export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Suites that start redis-server / postgres / chromium are heavy; two cores means two forks.
    pool: 'forks',
    maxWorkers: 2,
    fileParallelism: true,
    reporters: ['default'],
  },
});
