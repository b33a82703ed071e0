/**
 * The run log's record of one command: the core's log entries, then one summary line (command,
 * flags, duration, exit code) appended to data/cache/logs/psp.log. Written after every command,
 * by the oclif `finally` hook and by the fast path alike. Logging never breaks a command.
 */
import path from 'node:path'
import {drainLog, LAYOUT, readLogSettings, writeLog} from '@psp/core/runtime'
import {exitCodeOf} from './exit-code.js'
import {runContext} from './run-context.js'

export interface RunLogOptions {
  /** The workspace root. */
  root: string
  /** The command's id (`task list`). */
  command: string
  /** The command line after the command's id (only flag names are logged). */
  argv: readonly string[]
  /** What the command failed with, if it did. */
  error?: Error
  /** Set when the fast path ran the command instead of oclif (docs/decisions.md). */
  fastPath?: boolean
}

/** Appends the command's entries to the run log; never throws. */
export function writeRunLog(options: RunLogOptions): void {
  const {root, error} = options
  try {
    const settings = runContext.log ?? readLogSettings(root)
    const level = runContext.logLevel ?? process.env['PSP_LOG_LEVEL'] ?? settings.level
    const exit = error === undefined ? Number(process.exitCode ?? 0) : exitCodeOf(error)
    const entries = drainLog()
    entries.push({
      level: exit === 0 || exit === 1 ? 'info' : 'error',
      msg: 'command',
      command: options.command,
      // Flag names only: values (a --body, a title) are the user's data, not the log's.
      flags: options.argv.filter((a) => a.startsWith('-')).map((a) => a.split('=')[0]),
      durationMs: Date.now() - runContext.started,
      exitCode: exit,
      ...(options.fastPath ? {fastPath: true} : {}),
      ...(error === undefined ? {} : {error: error.message.split('\n')[0]}),
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
