/**
 * Logging. The core never prints: it records entries here (cheap, in memory), and the CLI
 * writes them, plus one line per command run, as JSON lines to data/cache/logs/psp.log through
 * pino when the command finishes. The file is rotated by size.
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

/** Appends entries at or above `level` to the log file as JSON lines (via pino). */
export async function writeLog(options: WriteLogOptions): Promise<void> {
  if (options.level === 'silent' || options.entries.length === 0) return
  fs.mkdirSync(path.dirname(options.file), {recursive: true})
  rotateLog(options.file, options.maxBytes, options.keep)
  const {pino} = await import('pino')
  const destination = pino.destination({dest: options.file, sync: true, append: true, mkdir: true})
  const logger = pino({level: options.level, base: {pid: process.pid}, timestamp: pino.stdTimeFunctions.isoTime}, destination)
  for (const {level, msg, ...fields} of options.entries) logger[level](fields, msg)
  destination.flushSync()
}
