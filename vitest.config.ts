import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

// Workspace packages resolve to their TypeScript sources in tests (the
// "@switchyard/source" export condition), so `npm test` needs no build first.
export default defineConfig({
  resolve: { conditions: ['@switchyard/source'] },
  ssr: { resolve: { conditions: ['@switchyard/source'] } },
  test: {
    include: ['{libs,services,apps,test}/**/*.test.ts'],
    // Generous: CI shares a 2-core machine whose speed varies by 2× or more from run to run.
    testTimeout: 45_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Most tests wait on NATS, HTTP and timers rather than the CPU: more files at once than
    // cores (vitest's default is cores − 1, i.e. one at a time on a 2-core machine) halves the run.
    maxWorkers: Math.max(4, availableParallelism()),
  },
});
