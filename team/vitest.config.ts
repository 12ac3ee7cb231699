import { defineConfig } from 'vitest/config';

// The team stack's tests start PostgreSQL and nats-server: slow to start on a loaded 2-core machine.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 300_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
