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
    // Polls wait on a browser or a server that share two cores with the other suites: Vitest's default of
    // one second failed the layout test once under load, while the layout came a moment later.
    expect: { poll: { timeout: 10_000 } },
  },
});
