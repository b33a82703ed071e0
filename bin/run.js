#!/usr/bin/env node
// The psp entry point. Errors from every command, psp's own and plugins', are rendered here, in
// one place, by @psp/command.
import {flush, run} from '@oclif/core'
import {renderError} from '@psp/command'

try {
  await run(process.argv.slice(2), import.meta.url)
  await flush()
} catch (error) {
  await flush().catch(() => {})
  process.exitCode = renderError(error)
}
