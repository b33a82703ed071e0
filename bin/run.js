#!/usr/bin/env node
// The psp entry point. Errors from every command, psp's own and plugins', are rendered here, in
// one place, by @psp/command — imported only when there is an error to render, because its import
// graph (the whole core) would otherwise be paid by every start-up, `--version` included.

// oclif checks the Node version against its own `engines` with semver, whose 47 modules cost
// about a tenth of psp's start-up; psp's floor (Node 20) is checked here instead.
if (Number(process.versions.node.split('.')[0]) < 20) {
  process.emitWarning(`psp needs Node.js 20 or later; this is ${process.versions.node}`)
}
process.env.OCLIF_DISABLE_ENGINE_WARNING ??= '1'
// A reader that stops early (`psp task list | head`) closes the pipe while output is still on its
// way. Node then reports EPIPE on stdout, and a flush waiting for the pipe to drain never settles
// (Node exits 13, "unsettled top-level await"). Nothing more can be delivered: stop, successfully.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0)
  throw error
})
const argv = process.argv.slice(2)
let oclif
try {
  // `psp history` on a plain command line runs without oclif (src/fast-path/history.ts says when);
  // PSP_FAST_PATH=0 always takes the oclif path.
  const fast = argv[0] === 'history' && process.env.PSP_FAST_PATH !== '0' ? await import('../dist/fast-path/history.js') : undefined
  if (!(await fast?.runHistory(argv.slice(1)))) {
    oclif = await import('@oclif/core')
    await oclif.run(argv, import.meta.url)
    await oclif.flush()
  }
} catch (error) {
  await oclif?.flush().catch(() => {})
  const {renderError} = await import('@psp/command')
  process.exitCode = renderError(error)
}
