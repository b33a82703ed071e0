/**
 * Turning records into output: the JSON shape (stable, documented in docs/file-formats.md), and
 * table, CSV, Markdown and id-list renderings. Plain text only; no colour codes.
 */
import type {DocumentRecord} from '@psp/core'

export const FORMATS = ['table', 'json', 'csv', 'md', 'ids'] as const
export type Format = (typeof FORMATS)[number]

/** The JSON shape of one record: id, path, type, title, then its other fields at the top level. */
export function recordJson(record: DocumentRecord, options: {body?: boolean} = {}): Record<string, unknown> {
  const {id, type, title, ...rest} = record.data
  const out: Record<string, unknown> = {id, path: record.path, type, title, ...rest}
  if (record.archived) out['archived'] = true
  if (options.body) out['body'] = record.body
  return out
}

/** A cell's text: lists joined by commas, nothing for missing values. */
export function cell(value: unknown): string {
  if (value === undefined || value === null) return ''
  if (Array.isArray(value)) return value.map(cell).join(', ')
  if (typeof value === 'object') return JSON.stringify(value)
  return String(value).replace(/\r?\n/g, ' ')
}

/** Columns shown by `list` for each type (others: id, status, title). */
export const DEFAULT_COLUMNS: Record<string, string[]> = {
  task: ['id', 'status', 'priority', 'due', 'title'],
  project: ['id', 'status', 'due', 'title'],
  milestone: ['id', 'status', 'due', 'project', 'title'],
}

function valueOf(record: DocumentRecord, column: string): unknown {
  if (column === 'path') return record.path
  return record.data[column]
}

/**
 * Control characters other than tab and line breaks, shown as `\u001b` and the like: a title such
 * as `"\e]0;…\a"` is valid YAML, and printed raw it would drive the reader's terminal.
 */
export function visible(text: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are what it looks for
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]|\r(?!\n)/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

/** Space-aligned columns with a header; on a terminal the last column is cut to fit `width`. */
export function renderTable(records: DocumentRecord[], columns: string[], width?: number): string {
  const rows = records.map((r) => columns.map((c) => visible(cell(valueOf(r, c)))))
  const header = columns.map((c) => c.toUpperCase())
  const widths = columns.map((_, i) => Math.max(header[i]?.length ?? 0, ...rows.map((r) => r[i]?.length ?? 0)))
  const line = (cells: string[]) => {
    let text = cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ')
    if (width !== undefined && width > 0 && text.length > width) text = `${text.slice(0, Math.max(0, width - 1))}…`
    return text.trimEnd()
  }
  return [line(header), ...rows.map(line)].join('\n') + '\n'
}

/** Markdown table; `|` in values is escaped. */
export function renderMarkdown(records: DocumentRecord[], columns: string[]): string {
  const esc = (s: string) => s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|')
  const lines = [`| ${columns.join(' | ')} |`, `| ${columns.map(() => '---').join(' | ')} |`]
  for (const r of records) lines.push(`| ${columns.map((c) => esc(visible(cell(valueOf(r, c))))).join(' | ')} |`)
  return lines.join('\n') + '\n'
}

/** CSV with a header row (RFC 4180 quoting). */
export async function renderCsv(records: DocumentRecord[], columns: string[]): Promise<string> {
  const {stringify} = await import('csv-stringify/sync')
  return stringify(
    records.map((r) => columns.map((c) => cell(valueOf(r, c)))),
    {header: true, columns},
  )
}

/** Renders records in the chosen format. */
export async function renderRecords(records: DocumentRecord[], format: Format, columns: string[]): Promise<string> {
  switch (format) {
    case 'json':
      return `${JSON.stringify(records.map((r) => recordJson(r)), null, 2)}\n`
    case 'csv':
      return renderCsv(records, columns)
    case 'md':
      return renderMarkdown(records, columns)
    case 'ids':
      return records.map((r) => `${r.id}\n`).join('')
    default:
      return renderTable(records, columns, process.stdout.isTTY ? process.stdout.columns : undefined)
  }
}

/** A record for humans: its fields as `key: value` lines, then the body. */
export function renderRecord(record: DocumentRecord): string {
  const lines = [`${record.id}  ${visible(record.title)}${record.archived ? '  (archived)' : ''}`, `path: ${record.path}`]
  for (const [key, value] of Object.entries(record.data)) {
    if (key === 'id' || key === 'title') continue
    lines.push(`${visible(key)}: ${visible(cell(value))}`)
  }
  const body = visible(record.body.replace(/^\r?\n/, ''))
  return `${lines.join('\n')}\n${body.trim() === '' ? '' : `\n${body}${body.endsWith('\n') ? '' : '\n'}`}`
}
