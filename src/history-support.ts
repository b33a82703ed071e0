/**
 * Rendering history: `psp history` as text and as JSON, and the history section of `show`.
 * Dates for people are in the local time zone; JSON carries the author's own offset, as git
 * records it (docs/history.md).
 */
import fs from 'node:fs'
import path from 'node:path'
import {
  describeFieldChange,
  formatValue,
  isoAt,
  parseLimit,
  recordHistory,
  type HistoryFields,
  type RecordHistory,
  type RecordHistoryEntry,
  type Workspace,
} from '@psp/core/records'
import {visible} from '@psp/command/runtime'

type Json = Record<string, unknown>

const pad = (n: number) => String(n).padStart(2, '0')

/** `psp history`'s flags, as both of its front ends read them (docs/decisions.md: the fast path). */
export interface HistoryFlags {
  patch?: boolean
  limit?: string
}

/**
 * What `psp history <record>` works out: the history of the record named by an id, a unique
 * prefix or the path of its file (read from where the user stands), and the note for stderr.
 */
export function loadHistory(ws: Workspace, record: string, flags: HistoryFlags): {history: RecordHistory; note?: string} {
  let query = record
  if ((query.endsWith('.md') || query.includes('/')) && fs.existsSync(query)) query = path.relative(ws.root, path.resolve(query)).split(path.sep).join('/')
  const history = recordHistory(ws, query, {
    ...(flags.patch ? {patch: true} : {}),
    ...(flags.limit === undefined ? {} : {limit: parseLimit(flags.limit)}),
  })
  if (history.committed) return {history}
  return {history, note: `${history.id ?? history.path} has no committed history yet: it exists only in the working tree.`}
}

/** `2026-03-05 14:12` in the local time zone. */
export function localMinute(seconds: number): string {
  const d = new Date(seconds * 1000)
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`
}

/** The same, from an ISO date-time. */
function minuteOf(iso: string): string {
  return localMinute(Date.parse(iso) / 1000)
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`
}

/** The indented detail lines of one entry: what happened to the file, the fields, the body. */
function detailLines(entry: RecordHistoryEntry): string[] {
  const lines: string[] = []
  if (entry.change === 'added') lines.push('created')
  else if (entry.change === 'deleted') lines.push(`deleted (${entry.path})`)
  else if (entry.change === 'renamed') lines.push(`moved: ${entry.from} → ${entry.path}`)
  if (entry.unparseable !== undefined) {
    const which = {before: 'before this change', after: 'after this change', both: 'before and after this change'}[entry.unparseable]
    lines.push(`frontmatter unreadable ${which}: fields not compared`)
  }
  for (const change of entry.fields) {
    // A creation lists what the record started with, as `field: value`; its id is in the heading.
    if (entry.change === 'added' && change.field === 'id') continue
    lines.push(visible(entry.change === 'added' && entry.commit !== undefined && !Object.hasOwn(change, 'before') ? `${change.field}: ${formatValue(change.after)}` : describeFieldChange(change)))
  }
  const {added, removed} = entry.body
  if (entry.change !== 'deleted' && (added > 0 || removed > 0)) lines.push(`${entry.unparseable === undefined ? 'body' : 'text'}: +${added} -${removed} lines`)
  return lines
}

/** `psp history` for people: one block per change, newest first. */
export function historyText(history: RecordHistory): string {
  const out: string[] = [`${history.id ?? history.path}  ${visible(history.title)}${history.exists ? '' : '  (not in the working tree)'}`]
  for (const entry of history.entries) {
    out.push('')
    if (entry.commit === null) out.push('(working tree)  not committed yet')
    else {
      const author = entry.author === null ? '' : `  ${visible(entry.author.name)}`
      const when = entry.author === null ? '' : `  ${localMinute(entry.author.time)}`
      out.push(`${entry.commit.slice(0, 7)}${when}${author}  ${visible(entry.subject ?? '')}${entry.merge ? '  (merge)' : ''}`)
    }
    for (const line of detailLines(entry)) out.push(`    ${line}`)
    if (entry.patch !== undefined && entry.patch !== '') out.push(visible(entry.patch.replace(/\n$/, '')))
  }
  if (history.total > history.entries.filter((e) => e.commit !== null).length) {
    out.push('', `… ${plural(history.total, 'commit')} in all (--limit)`)
  }
  return `${out.join('\n')}\n`
}

/** One entry as `--json` prints it (docs/history.md#json). */
function entryJson(entry: RecordHistoryEntry): Json {
  return {
    commit: entry.commit,
    author: entry.author === null ? null : {name: entry.author.name, email: entry.author.email},
    date: entry.author === null ? null : isoAt(entry.author.time, entry.author.tz),
    subject: entry.subject,
    change: entry.change,
    path: entry.path,
    ...(entry.from === undefined ? {} : {from: entry.from}),
    fields: entry.fields.map((f) => ({
      field: f.field,
      ...(Object.hasOwn(f, 'before') ? {before: f.before ?? null} : {}),
      ...(Object.hasOwn(f, 'after') ? {after: f.after ?? null} : {}),
      ...(f.added === undefined ? {} : {added: f.added}),
      ...(f.removed === undefined ? {} : {removed: f.removed}),
    })),
    body: entry.body,
    ...(entry.unparseable === undefined ? {} : {unparseable: entry.unparseable}),
    ...(entry.merge ? {merge: true} : {}),
    ...(entry.patch === undefined ? {} : {patch: entry.patch}),
  }
}

/** `psp history --json`. */
export function historyJson(history: RecordHistory): Json {
  return {
    id: history.id,
    title: history.title,
    path: history.path,
    exists: history.exists,
    committed: history.committed,
    total: history.total,
    entries: history.entries.map(entryJson),
  }
}

/** The history section `show` appends (empty when history knows nothing of the record). */
export function historySection(fields: HistoryFields | null): string {
  if (fields === null) return ''
  const times = Object.entries(fields.time_in).map(([status, days]) => `${visible(status)} ${days} d`)
  const lines = [
    'history:',
    `  created: ${minuteOf(fields.created)} by ${visible(fields.created_by)}`,
    `  updated: ${minuteOf(fields.updated)} by ${visible(fields.updated_by)}`,
    ...(fields.status_changed === null ? [] : [`  status changed: ${minuteOf(fields.status_changed)}`]),
    `  changes: ${fields.changes}`,
    ...(times.length === 0 ? [] : [`  time in status: ${times.join(', ')}`]),
  ]
  return `\n${lines.join('\n')}\n`
}
