#!/usr/bin/env node
// The psp entry point. Errors from every command, psp's own and plugins', are rendered here, in
// one place, by @psp/command — imported only when there is an error to render, because its import
// graph (the whole core) would otherwise be paid by every start-up, `--version` included.
import {flush, run} from '@oclif/core'

try {
  await run(process.argv.slice(2), import.meta.url)
  await flush()
} catch (error) {
  await flush().catch(() => {})
  const {renderError} = await import('@psp/command')
  process.exitCode = renderError(error)
}
