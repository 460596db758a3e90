import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
    // Vitest 4 takes the pool's options at the top level: `gc()` lets leak tests force a collection.
    execArgv: ['--expose-gc'],
  },
});
