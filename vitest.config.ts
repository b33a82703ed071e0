import {defineConfig} from 'vitest/config'

// End-to-end tests spawn the built CLI, so they are slower than unit tests; forks keep each
// test file in its own process (the document store uses process-wide locks).
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    env: {NODE_ENV: 'production', NO_COLOR: '1'},
  },
})
