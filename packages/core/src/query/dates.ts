/**
 * Calendar dates as day numbers (days since 1970-01-01 on the proleptic Gregorian calendar).
 * A day number has no time and no time zone, so adding days, weeks, months or years to one never
 * trips over daylight-saving changes; only `localDay` looks at the time zone, to turn "now" into
 * the local calendar date.
 */
import type {DateUnit} from './ast.js'

const MS_PER_DAY = 86_400_000

/** Day number of a year/month(1-12)/day, or undefined when there is no such date. */
export function dayFromParts(year: number, month: number, day: number): number | undefined {
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined
  return utcDay(year, month, day)
}

function utcDay(year: number, month: number, day: number): number {
  const d = new Date(0)
  // setUTCFullYear, unlike Date.UTC, does not map years 0-99 to 1900-1999.
  d.setUTCFullYear(year, month - 1, day)
  return Math.round(d.getTime() / MS_PER_DAY)
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31
}

function digit(text: string, i: number): number {
  const c = text.charCodeAt(i) - 48
  return c >= 0 && c <= 9 ? c : -1
}

/**
 * Reads a `YYYY-MM-DD` date at the start of `text`. With `exact`, nothing may follow; without,
 * a time may follow (`2026-12-01T10:00:00Z`, `2026-12-01 10:00`), which is ignored: the date is
 * the one written.
 */
export function parseDay(text: string, exact = false): number | undefined {
  if (text.length < 10 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45) return undefined
  if (text.length > 10) {
    if (exact) return undefined
    const sep = text.charCodeAt(10)
    if (sep !== 84 && sep !== 116 && sep !== 32) return undefined // T, t, space
  }
  let year = 0
  for (let i = 0; i < 4; i++) {
    const c = digit(text, i)
    if (c < 0) return undefined
    year = year * 10 + c
  }
  const m1 = digit(text, 5)
  const m2 = digit(text, 6)
  const d1 = digit(text, 8)
  const d2 = digit(text, 9)
  if (m1 < 0 || m2 < 0 || d1 < 0 || d2 < 0) return undefined
  return dayFromParts(year, m1 * 10 + m2, d1 * 10 + d2)
}

/** The local calendar date of an instant, as a day number. */
export function localDay(date: Date): number {
  return utcDay(date.getFullYear(), date.getMonth() + 1, date.getDate())
}

/**
 * The calendar date of a value read from frontmatter, or undefined when it is not a date: a
 * `YYYY-MM-DD` string (a time after it is ignored), or a Date object (midnight UTC, as YAML date
 * parsers produce for a plain date, is read as that date; any other instant as its local date).
 */
export function toDay(value: unknown): number | undefined {
  if (typeof value === 'string') return parseDay(value)
  if (value instanceof Date) {
    const ms = value.getTime()
    if (Number.isNaN(ms)) return undefined
    return ms % MS_PER_DAY === 0 ? ms / MS_PER_DAY : localDay(value)
  }
  return undefined
}

/** `YYYY-MM-DD` of a day number. */
export function formatDay(day: number): string {
  const d = new Date(day * MS_PER_DAY)
  const y = d.getUTCFullYear()
  const year = y < 0 ? `-${String(-y).padStart(6, '0')}` : y > 9999 ? `+${String(y).padStart(6, '0')}` : String(y).padStart(4, '0')
  return `${year}-${String(d.getUTCMonth() + 1).padStart(2, '0')}-${String(d.getUTCDate()).padStart(2, '0')}`
}

/**
 * Adds `n` days, weeks, months or years to a day. Months and years keep the day of the month,
 * clamped to the target month's last day: Jan 31 + 1m = Feb 28 (or 29), Feb 29 + 1y = Feb 28.
 */
export function addToDay(day: number, n: number, unit: DateUnit): number {
  if (unit === 'd') return day + n
  if (unit === 'w') return day + 7 * n
  const d = new Date(day * MS_PER_DAY)
  const months = unit === 'm' ? n : 12 * n
  const total = d.getUTCFullYear() * 12 + d.getUTCMonth() + months
  const year = Math.floor(total / 12)
  const month = total - year * 12 + 1
  return utcDay(year, month, Math.min(d.getUTCDate(), daysInMonth(year, month)))
}

/** A Date, an ISO string or epoch milliseconds as an instant; undefined when unreadable. */
export function toInstant(value: unknown): Date | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value
  if (typeof value === 'number') return Number.isFinite(value) ? new Date(value) : undefined
  if (typeof value === 'string') {
    // A bare date means that local calendar day, not midnight UTC.
    const day = parseDay(value, true)
    if (day !== undefined) {
      const d = new Date(day * MS_PER_DAY)
      const local = new Date(2000, 0, 1)
      local.setFullYear(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate())
      return local
    }
    const ms = Date.parse(value)
    return Number.isNaN(ms) ? undefined : new Date(ms)
  }
  return undefined
}
