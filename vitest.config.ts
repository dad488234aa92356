import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

// The scale tests each run a whole gateway as a dozen processes and measure what it does under
// load. Run beside each other and beside the rest of the suite on a 2-core machine, their
// processes starve one another (in CI, four of them once waited 45 s for a service to print a
// line), so they run last and one at a time.
const SCALE_TESTS = 'test/scale/**/*.test.ts';

// Workspace packages resolve to their TypeScript sources in tests (the
// "@switchyard/source" export condition), so `npm test` needs no build first.
export default defineConfig({
  resolve: { conditions: ['@switchyard/source'] },
  ssr: { resolve: { conditions: ['@switchyard/source'] } },
  test: {
    // Generous: CI shares a 2-core machine whose speed varies by 2× or more from run to run.
    testTimeout: 45_000,
    hookTimeout: 60_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: {
          name: 'suite',
          include: ['{libs,services,apps,test}/**/*.test.ts'],
          exclude: [SCALE_TESTS, '**/node_modules/**'],
          // Most tests wait on NATS, HTTP and timers rather than the CPU: more files at once than
          // cores (vitest's default is cores − 1, i.e. one at a time on a 2-core machine) halves
          // the run.
          maxWorkers: Math.max(4, availableParallelism()),
        },
      },
      {
        extends: true,
        test: {
          name: 'scale',
          include: [SCALE_TESTS],
          sequence: { groupOrder: 1 },
          fileParallelism: false,
        },
      },
    ],
  },
});
