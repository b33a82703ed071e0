/**
 * Logging. The core never prints: it records entries here (cheap, in memory), and the CLI
 * writes them, plus one line per command run, as JSON lines (pino's format) to
 * data/cache/logs/psp.log when the command finishes. The file is rotated by size.
 */
import fs from 'node:fs'
import path from 'node:path'

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal'
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const

export interface LogEntry {
  level: LogLevel
  msg: string
  [key: string]: unknown
}

const pending: LogEntry[] = []

/** Records a log entry; it is written when the command finishes. */
export function log(level: LogLevel, msg: string, fields: Record<string, unknown> = {}): void {
  pending.push({...fields, level, msg})
}

/** Takes the entries recorded so far. */
export function drainLog(): LogEntry[] {
  return pending.splice(0, pending.length)
}

/** Renames psp.log → psp.log.1 → … when it is over `maxBytes`, keeping `keep` old files. */
export function rotateLog(file: string, maxBytes: number, keep: number): void {
  let size: number
  try {
    size = fs.statSync(file).size
  } catch {
    return
  }
  if (size < maxBytes) return
  for (let i = keep - 1; i >= 1; i--) {
    const from = `${file}.${i}`
    if (fs.existsSync(from)) fs.renameSync(from, `${file}.${i + 1}`)
  }
  fs.renameSync(file, `${file}.1`)
}

export interface WriteLogOptions {
  file: string
  level: string
  maxBytes: number
  keep: number
  entries: LogEntry[]
}

/** pino's numeric levels: psp's log lines use pino's format, so pino's tools (pino-pretty …) read them. */
const LEVEL_NUMBERS: Record<string, number> = {trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60}

/**
 * Appends entries at or above `level` to the log file as JSON lines in pino's format. Written
 * directly rather than through pino: importing pino cost ~30 ms on every command for a few
 * appended lines (docs/decisions.md).
 */
export function writeLog(options: WriteLogOptions): void {
  const threshold = LEVEL_NUMBERS[options.level]
  if (threshold === undefined) return
  const time = new Date().toISOString()
  const lines = options.entries
    .filter((e) => (LEVEL_NUMBERS[e.level] ?? 0) >= threshold)
    .map(({level, msg, ...fields}) => JSON.stringify({level: LEVEL_NUMBERS[level], time, pid: process.pid, ...fields, msg}))
  if (lines.length === 0) return
  fs.mkdirSync(path.dirname(options.file), {recursive: true})
  rotateLog(options.file, options.maxBytes, options.keep)
  fs.appendFileSync(options.file, `${lines.join('\n')}\n`)
}
