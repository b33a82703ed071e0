/**
 * Runs after every command, failed or not: appends the command's log entries and one summary
 * line (command, duration, exit code) to data/cache/logs/psp.log.
 */
import type {Hook} from '@oclif/core'
import {findWorkspaceRoot} from '@psp/core/runtime'
import {runContext, writeRunLog} from '@psp/command/runtime'

const hook: Hook.Finally = async function (options) {
  // `psp --version` and `psp --help` run no command: nothing to log, and no reason to read settings.
  if (options.Command === undefined && options.error === undefined && runContext.root === undefined) return
  const root = runContext.root ?? findWorkspaceRoot(process.cwd())
  if (root === undefined) return
  writeRunLog({root, command: options.id ?? options.argv[0] ?? '', argv: options.argv, ...(options.error === undefined ? {} : {error: options.error})})
}

export default hook
