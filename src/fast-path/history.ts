/**
 * `psp history` without oclif: the command people and agents run over and over, started in the
 * time Node itself takes plus the history lookup. oclif's start-up (loading @oclif/core, its
 * configuration and every plugin's manifest) costs more than a warm lookup and more than
 * `git log --follow -p` takes for the same answer (docs/decisions.md, "A fast path for
 * `psp history`").
 *
 * It is the same command, not a second one: the same settings, `.env`, lookup, rendering, run
 * log and error renderer. It takes only a plain command line — the record and the flags in
 * FAST_PATH_FLAGS, each at most once — and leaves anything else to oclif before doing any work:
 * help, `-c`, an unknown or repeated flag, a missing or extra argument, coloured `--json` on a
 * terminal, `PSP_CONTENT_TYPE`, installed or linked plugins (whose hooks oclif would run), or
 * `PSP_FAST_PATH=0`. test/e2e/history-fast-path.test.ts runs both ways and compares.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {parseArgs} from 'node:util'
import {Workspace} from '@psp/core/records'
import {LOG_LEVELS} from '@psp/core/runtime'
import {commandLineOverrides, runContext, settingsInputs, startRun, writeRunLog} from '@psp/command/runtime'
import {historyJson, historyText, loadHistory} from '../history-support.js'

/** The flags of `psp history` this path reads, as node:util's parseArgs takes them. */
export const FAST_PATH_FLAGS = {
  patch: {type: 'boolean'},
  limit: {type: 'string'},
  json: {type: 'boolean'},
  debug: {type: 'boolean'},
  'log-level': {type: 'string'},
} as const

/** The flags of `psp history` this path leaves to oclif. */
export const LEFT_TO_OCLIF = ['config'] as const

interface FastCommandLine {
  record: string
  patch: boolean
  json: boolean
  limit?: string
  logLevel?: string
}

/**
 * Reads a plain `psp history` command line (what follows `history`), or returns undefined for
 * anything oclif should see: that includes every command line oclif would refuse, so refusals
 * keep oclif's wording.
 */
export function readFastCommandLine(argv: readonly string[]): FastCommandLine | undefined {
  // After `--` oclif and parseArgs part ways on what is an argument.
  if (argv.includes('--')) return undefined
  let parsed
  try {
    parsed = parseArgs({args: [...argv], options: FAST_PATH_FLAGS, allowPositionals: true, strict: true, tokens: true})
  } catch {
    return undefined
  }
  const {positionals, tokens, values} = parsed
  const named = tokens.filter((t) => t.kind === 'option').map((t) => t.name)
  if (new Set(named).size !== named.length) return undefined
  const [record] = positionals
  if (positionals.length !== 1 || record === undefined || record === '' || record.startsWith('-')) return undefined
  const logLevel = values['log-level']
  if (logLevel !== undefined && !(LOG_LEVELS as readonly string[]).includes(logLevel)) return undefined
  return {
    record,
    patch: values.patch === true,
    json: values.json === true,
    ...(values.limit === undefined ? {} : {limit: values.limit}),
    ...(logLevel === undefined ? {} : {logLevel}),
  }
}

/**
 * Whether plugins are installed or linked for this user (oclif keeps the list in its data
 * folder, found as oclif finds it). Their hooks run only under oclif.
 */
export function hasUserPlugins(env: NodeJS.ProcessEnv = process.env): boolean {
  const windows = process.platform === 'win32'
  const windowsHome = env['HOMEDRIVE'] && env['HOMEPATH'] ? path.join(env['HOMEDRIVE'], env['HOMEPATH']) : env['USERPROFILE']
  const home = env['HOME'] || (windows && windowsHome) || os.homedir() || os.tmpdir()
  const dataDir = env['PSP_DATA_DIR'] || path.join(env['XDG_DATA_HOME'] || (windows && env['LOCALAPPDATA']) || path.join(home, '.local/share'), 'psp')
  let text: string
  try {
    text = fs.readFileSync(path.join(dataDir, 'package.json'), 'utf8')
  } catch {
    return false
  }
  try {
    const plugins = (JSON.parse(text) as {oclif?: {plugins?: unknown}}).oclif?.plugins
    return !Array.isArray(plugins) || plugins.length > 0
  } catch {
    return true
  }
}

/**
 * Runs `psp history` from the command line after `history`; returns false, having done nothing,
 * when the command line is oclif's to run. Errors are thrown for bin/run.js to render, after the
 * run log has them, as they would be under oclif.
 */
export async function runHistory(argv: readonly string[]): Promise<boolean> {
  const line = readFastCommandLine(argv)
  if (line === undefined) return false
  if (line.json && process.stdout.isTTY && process.env['NO_COLOR'] === undefined) return false
  if (process.env['PSP_CONTENT_TYPE'] !== undefined || hasUserPlugins()) return false

  // What the init hook and the command base do under oclif.
  const found = startRun()
  runContext.logLevel = line.logLevel
  let failure: Error | undefined
  try {
    const ws = Workspace.open(process.cwd(), settingsInputs(commandLineOverrides([], line.logLevel)))
    runContext.root = ws.root
    runContext.log = ws.settings.log
    const {history, note} = loadHistory(ws, line.record, {patch: line.patch, ...(line.limit === undefined ? {} : {limit: line.limit})})
    if (note !== undefined) process.stderr.write(`${note}\n`)
    process.stdout.write(line.json ? `${JSON.stringify(historyJson(history), null, 2)}\n` : historyText(history))
  } catch (error) {
    failure = error instanceof Error ? error : new Error(String(error))
    throw error
  } finally {
    const root = runContext.root ?? found
    if (root !== undefined) writeRunLog({root, command: 'history', argv, fastPath: true, ...(failure === undefined ? {} : {error: failure})})
  }
  return true
}
