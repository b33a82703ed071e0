/**
 * From a record's history to the fields derived from it: when it was created and last changed
 * and by whom, when its status last changed, how many commits changed it, and how long it spent
 * in each status. Dates are author dates (what `git log` shows), written in the local time zone
 * so that they compare with the query language's `today`.
 */
import type {HistoryEntry, HistoryStamp, HistorySummary} from './types.js'

/** The derived fields history provides, in the order the docs list them. */
export const HISTORY_FIELDS = ['created', 'updated', 'created_by', 'updated_by', 'status_changed', 'changes', 'time_in'] as const

export type HistoryField = (typeof HISTORY_FIELDS)[number]

/** True for a field name (or a dotted path into one, `time_in.todo`) that history provides. */
export function isHistoryField(field: string): boolean {
  const dot = field.indexOf('.')
  return (HISTORY_FIELDS as readonly string[]).includes(dot === -1 ? field : field.slice(0, dot))
}

/** The values of the history fields for one record (as `show --json` prints them). */
export interface HistoryFields {
  created: string
  updated: string
  created_by: string
  updated_by: string
  status_changed: string | null
  changes: number
  /** Days spent in each status, up to now for the current one (two decimals). */
  time_in: Record<string, number>
}

function stamp(entry: HistoryEntry): HistoryStamp {
  return {time: entry.author.time, tz: entry.author.tz, author: entry.author.name}
}

/** The status a change left the record in: a string, null (none, or deleted), or undefined (not known/unchanged). */
function statusAfter(entry: HistoryEntry): string | null | undefined {
  if (entry.change === 'deleted') return null
  if (entry.unparseable !== undefined) return undefined
  const change = entry.fields.find((f) => f.field === 'status')
  if (change === undefined) return entry.change === 'added' ? null : undefined
  return typeof change.after === 'string' ? change.after : null
}

/** Sums up a record's entries (newest first); undefined when there are none. */
export function summarize(key: string, entries: readonly HistoryEntry[]): HistorySummary | undefined {
  const newest = entries[0]
  const oldest = entries[entries.length - 1]
  if (newest === undefined || oldest === undefined) return undefined
  const statuses: Array<[number, string | null]> = []
  let statusChanged: HistoryStamp | undefined
  let last: string | null | undefined
  for (let i = entries.length - 1; i >= 0; i--) {
    const entry = entries[i] as HistoryEntry
    const status = statusAfter(entry)
    if (status === undefined || status === last) continue
    statuses.push([entry.author.time, status])
    last = status
    if (status !== null) statusChanged = stamp(entry)
  }
  return {
    ...(key.startsWith('path:') ? {} : {id: key}),
    key,
    path: newest.path,
    deleted: newest.change === 'deleted',
    changes: new Set(entries.map((e) => e.commit)).size,
    created: stamp(oldest),
    updated: stamp(newest),
    ...(statusChanged === undefined ? {} : {statusChanged}),
    statuses,
  }
}

/** An instant (seconds) as an ISO 8601 date-time in the local time zone: `2026-03-05T14:12:00+01:00`. */
export function localIso(seconds: number): string {
  const d = new Date(seconds * 1000)
  const pad = (n: number) => String(n).padStart(2, '0')
  const offset = -d.getTimezoneOffset()
  const sign = offset < 0 ? '-' : '+'
  const abs = Math.abs(offset)
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`
}

/** An instant (seconds) as an ISO 8601 date-time at a given UTC offset (minutes), as `git log --format=%aI` writes it. */
export function isoAt(seconds: number, tz: number): string {
  const d = new Date((seconds + tz * 60) * 1000)
  const pad = (n: number) => String(n).padStart(2, '0')
  const sign = tz < 0 ? '-' : '+'
  const abs = Math.abs(tz)
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`
}

/** Days spent in each status, the current one counted up to `now`; negative spans (clock skew) count as 0. */
export function timeInStatus(summary: HistorySummary, now: Date): Record<string, number> {
  const seconds = new Map<string, number>()
  const {statuses} = summary
  const end = Math.floor(now.getTime() / 1000)
  statuses.forEach(([start, status], i) => {
    if (status === null) return
    const next = i + 1 < statuses.length ? (statuses[i + 1] as [number, string | null])[0] : end
    seconds.set(status, (seconds.get(status) ?? 0) + Math.max(0, next - start))
  })
  const out: Record<string, number> = {}
  for (const [status, total] of seconds) out[status] = Math.round((total / 86_400) * 100) / 100
  return out
}

/** The history fields of a record, read at `now`. */
export function historyFields(summary: HistorySummary, now: Date): HistoryFields {
  return {
    created: localIso(summary.created.time),
    updated: localIso(summary.updated.time),
    created_by: summary.created.author,
    updated_by: summary.updated.author,
    status_changed: summary.statusChanged === undefined ? null : localIso(summary.statusChanged.time),
    changes: summary.changes,
    time_in: timeInStatus(summary, now),
  }
}
