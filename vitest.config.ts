import os from 'node:os'
import path from 'node:path'
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
    // No user settings file or user templates of the developer's (the folder does not exist).
    env: {NODE_ENV: 'production', NO_COLOR: '1', XDG_CONFIG_HOME: path.join(os.tmpdir(), 'psp-tests-no-user-config')},
  },
})
