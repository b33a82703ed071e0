/**
 * `--limit` and its kin: how many results a command shows. Its own module because commands that
 * load no query engine (`psp history`'s fast path among them) read limits too.
 */
import {UsageError} from './errors.js'

/** A limit must be a positive whole number. */
export function checkLimit(limit: number, flag = '--limit'): void {
  if (!Number.isSafeInteger(limit) || limit < 1) {
    throw new UsageError(`${flag} must be a positive whole number, got ${String(limit)}`)
  }
}

/** Reads a limit as typed on the command line (`--limit 20`). Throws UsageError. */
export function parseLimit(text: string, flag = '--limit'): number {
  const trimmed = text.trim()
  const limit = /^\+?\d+$/.test(trimmed) ? Number(trimmed) : Number.NaN
  if (!Number.isSafeInteger(limit) || limit < 1) {
    throw new UsageError(`${flag} must be a positive whole number, got ${JSON.stringify(text)}`)
  }
  return limit
}
