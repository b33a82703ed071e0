/**
 * Runs after every command, failed or not: appends the command's log entries and one summary
 * line (command, duration, exit code) to data/cache/logs/psp.log. Logging never breaks a command.
 */
import path from 'node:path'
import type {Hook} from '@oclif/core'
import {drainLog, findWorkspaceRoot, LAYOUT, readLogSettings, writeLog} from '@psp/core/runtime'
import {exitCodeOf, runContext} from '@psp/command/runtime'

const hook: Hook.Finally = async function (options) {
  // `psp --version` and `psp --help` run no command: nothing to log, and no reason to read settings.
  if (options.Command === undefined && options.error === undefined && runContext.root === undefined) return
  const root = runContext.root ?? findWorkspaceRoot(process.cwd())
  if (root === undefined) return
  try {
    const settings = runContext.log ?? readLogSettings(root)
    const level = runContext.logLevel ?? process.env['PSP_LOG_LEVEL'] ?? settings.level
    const exit = options.error === undefined ? Number(process.exitCode ?? 0) : exitCodeOf(options.error)
    const entries = drainLog()
    entries.push({
      level: exit === 0 || exit === 1 ? 'info' : 'error',
      msg: 'command',
      command: options.id ?? options.argv[0] ?? '',
      // Flag names only: values (a --body, a title) are the user's data, not the log's.
      flags: options.argv.filter((a) => a.startsWith('-')).map((a) => a.split('=')[0]),
      durationMs: Date.now() - runContext.started,
      exitCode: exit,
      ...(options.error === undefined ? {} : {error: options.error.message.split('\n')[0]}),
    })
    writeLog({
      file: path.join(root, ...LAYOUT.logs.split('/'), 'psp.log'),
      level,
      maxBytes: settings.max_bytes,
      keep: settings.keep,
      entries,
    })
  } catch {
    // A read-only checkout or a full disk must not turn a successful command into a failure.
  }
}

export default hook
