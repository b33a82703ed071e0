/**
 * Turning records into output: the JSON shape (stable, documented in docs/file-formats.md), and
 * table, CSV, Markdown and id-list renderings, of records or of rows (`--fields`), grouped or
 * not. Plain text only; no colour codes.
 */
import path from 'node:path'
import {isOutside, type DocumentRecord} from '@psp/core/records'
import {visible} from './visible.js'

export {visible}

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

/** One output row: column name → value (lists, objects and missing values are rendered by `cell`). */
export type Row = Readonly<Record<string, unknown>>

/** Rows of a group, under the group's key (null: the records without the field). */
export interface RowGroup {
  key: string | number | boolean | null
  rows: Row[]
}

/** The formats rows render to (`json` and `ids` are the caller's: they need the records). */
export type RowFormat = 'table' | 'csv' | 'md'

const recordRow = (columns: string[]) => (record: DocumentRecord): Row => Object.fromEntries(columns.map((c) => [c, valueOf(record, c)]))

/** Space-aligned table lines (header first) for each block of rows, all aligned alike. */
function tableBlocks(blocks: Row[][], columns: string[], width?: number): string[][] {
  const cells = blocks.map((rows) => rows.map((row) => columns.map((c) => visible(cell(row[c])))))
  const header = columns.map((c) => c.toUpperCase())
  const widths = header.map((h) => h.length)
  for (const rows of cells) for (const row of rows) row.forEach((text, i) => (widths[i] = Math.max(widths[i] ?? 0, text.length)))
  const line = (texts: string[]) => {
    let text = texts.map((c, i) => (i === texts.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ')
    if (width !== undefined && width > 0 && text.length > width) text = `${text.slice(0, Math.max(0, width - 1))}…`
    return text.trimEnd()
  }
  return cells.map((rows) => [line(header), ...rows.map(line)])
}

/** A path as the user would type it from `cwd`: relative when inside it, else as given. */
export function shownPath(file: string, cwd: string = process.cwd()): string {
  const rel = path.relative(cwd, file)
  return rel !== '' && !isOutside(rel) ? rel.split(path.sep).join('/') : file
}

/** Space-aligned columns with a header; on a terminal the last column is cut to fit `width`. */
export function renderTable(records: DocumentRecord[], columns: string[], width?: number): string {
  return renderRowTable(records.map(recordRow(columns)), columns, width)
}

/** `renderTable` for rows. */
export function renderRowTable(rows: Row[], columns: string[], width?: number): string {
  return `${(tableBlocks([rows], columns, width)[0] ?? []).join('\n')}\n`
}

const mdEscape = (s: string) => s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|')

function markdownLines(rows: Row[], columns: string[]): string[] {
  const lines = [`| ${columns.join(' | ')} |`, `| ${columns.map(() => '---').join(' | ')} |`]
  for (const row of rows) lines.push(`| ${columns.map((c) => mdEscape(visible(cell(row[c])))).join(' | ')} |`)
  return lines
}

/** Markdown table; `|` in values is escaped. */
export function renderMarkdown(records: DocumentRecord[], columns: string[]): string {
  return `${markdownLines(records.map(recordRow(columns)), columns).join('\n')}\n`
}

/** CSV with a header row (RFC 4180 quoting). */
export async function renderCsv(records: DocumentRecord[], columns: string[]): Promise<string> {
  return renderRows(records.map(recordRow(columns)), 'csv', columns)
}

/** Renders records in the chosen format. */
export async function renderRecords(records: DocumentRecord[], format: Format, columns: string[]): Promise<string> {
  switch (format) {
    case 'json':
      return `${JSON.stringify(records.map((r) => recordJson(r)), null, 2)}\n`
    case 'ids':
      return records.map((r) => `${r.id}\n`).join('')
    default:
      return renderRows(records.map(recordRow(columns)), format, columns)
  }
}

/** Rows as a table (cut to the terminal's width on a terminal), CSV or a Markdown table. */
export async function renderRows(rows: Row[], format: RowFormat, columns: string[]): Promise<string> {
  switch (format) {
    case 'csv': {
      const {stringify} = await import('csv-stringify/sync')
      return stringify(
        rows.map((row) => columns.map((c) => cell(row[c]))),
        {header: true, columns},
      )
    }
    case 'md':
      return `${markdownLines(rows, columns).join('\n')}\n`
    default:
      return renderRowTable(rows, columns, terminalWidth())
  }
}

/** A group key as a heading shows it: `(none)` for the records without the field. */
function groupLabel(key: RowGroup['key']): string {
  return key === null ? '(none)' : visible(cell(key))
}

/**
 * Groups of rows (`--group <field>`): in a table, a heading line `field: key (n)` before each
 * group's table (columns aligned across groups) and a blank line between groups; in Markdown, a
 * `## field: key (n)` heading before each table; in CSV, one table whose first column, `group`,
 * holds the key (empty for the records without the field).
 */
export async function renderGroups(groups: RowGroup[], format: RowFormat, columns: string[], field: string): Promise<string> {
  const heading = (group: RowGroup) => `${visible(field)}: ${groupLabel(group.key)} (${group.rows.length})`
  switch (format) {
    case 'csv': {
      const rows = groups.flatMap((g) => g.rows.map((row) => ({...row, group: g.key})))
      return renderRows(rows, 'csv', ['group', ...columns.filter((c) => c !== 'group')])
    }
    case 'md':
      return groups.map((g) => `## ${mdEscape(heading(g))}\n\n${markdownLines(g.rows, columns).join('\n')}\n`).join('\n')
    default: {
      const width = terminalWidth()
      const blocks = tableBlocks(groups.map((g) => g.rows), columns, width)
      return groups.map((g, i) => `${heading(g)}\n${(blocks[i] ?? []).join('\n')}\n`).join('\n')
    }
  }
}

function terminalWidth(): number | undefined {
  return process.stdout.isTTY ? process.stdout.columns : undefined
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
