/**
 * `psp diff` output: the record changes between two states of the workspace as text, Markdown or
 * JSON (docs/history.md#psp-diff).
 */
import {describeFieldChange, type RecordDiff} from '@psp/core'
import {visible} from '@psp/command'

/** One side of the comparison: a revision and its commit, or the working tree. */
export interface DiffSide {
  revision: string | null
  commit: string | null
}

const sideText = (side: DiffSide) => (side.revision === null ? 'the working tree' : `${side.revision} (${(side.commit ?? '').slice(0, 7)})`)

function counts(records: readonly RecordDiff[]): Record<RecordDiff['change'], number> {
  const out = {added: 0, removed: 0, changed: 0}
  for (const r of records) out[r.change]++
  return out
}

/** What changed about a changed record, one item per line: fields, a move, the body. */
function details(record: RecordDiff): string[] {
  if (record.change !== 'changed') return []
  const out = record.fields.map((f) => visible(describeFieldChange(f)))
  if (record.from !== undefined) {
    const how = record.archived === true ? 'archived' : record.archived === false ? 'restored' : 'moved'
    out.push(`${how}: ${visible(record.from)} → ${visible(record.path)}`)
  }
  if (record.body.added > 0 || record.body.removed > 0) out.push(`body: +${record.body.added} -${record.body.removed} lines`)
  return out
}

/** The summary line: `From v1 (1a2b3c4) to the working tree: 1 added, 0 removed, 2 changed`. */
export function diffSummary(from: DiffSide, to: DiffSide, records: readonly RecordDiff[]): string {
  const n = counts(records)
  return `From ${sideText(from)} to ${sideText(to)}: ${n.added} added, ${n.removed} removed, ${n.changed} changed`
}

/** Plain text: a line per record (`added`, `removed`, `changed`, id, title), details indented. */
export function diffText(records: readonly RecordDiff[]): string {
  const width = Math.max(0, ...records.map((r) => r.id.length))
  return records
    .map((r) => {
      const head = `${r.change.padEnd(7)}  ${r.id.padEnd(width)}  ${visible(r.title)}`
      return [head, ...details(r).map((d) => `${' '.repeat(11 + width)}${d}`)].join('\n')
    })
    .map((block) => `${block}\n`)
    .join('')
}

/** Markdown: a heading per kind of change, a list item per record, its details nested. */
export function diffMarkdown(from: DiffSide, to: DiffSide, records: readonly RecordDiff[]): string {
  const escape = (text: string) => visible(text).replace(/([\\`*_[\]<>#|])/g, '\\$1')
  const lines = [`# Changes from ${from.revision === null ? 'the working tree' : `\`${escape(from.revision)}\``} to ${to.revision === null ? 'the working tree' : `\`${escape(to.revision)}\``}`, '']
  for (const kind of ['added', 'removed', 'changed'] as const) {
    const some = records.filter((r) => r.change === kind)
    if (some.length === 0) continue
    lines.push(`## ${kind[0]?.toUpperCase()}${kind.slice(1)} (${some.length})`, '')
    for (const r of some) {
      lines.push(`- \`${r.id}\` ${escape(r.title)}`)
      for (const d of details(r)) lines.push(`  - ${escape(d)}`)
    }
    lines.push('')
  }
  if (records.length === 0) lines.push('No records changed.', '')
  return `${lines.join('\n').trimEnd()}\n`
}

/** The JSON of `psp diff`. */
export function diffJson(from: DiffSide, to: DiffSide, records: readonly RecordDiff[]): Record<string, unknown> {
  return {from, to, summary: counts(records), records}
}
