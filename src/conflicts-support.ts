/**
 * What `psp conflicts` and `psp resolve` print: one line per open conflict, in the
 * `path:line: field: message` form `psp validate` uses, and what a resolve did.
 */
import {describeConflict, formatValue, type ConflictsReport, type ResolveReport} from '@psp/core'
import {visible} from '@psp/command'

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`

/** One line per conflict (`path:line: field: …  [id]`), then the unmerged paths not listed. */
export function conflictsText(report: ConflictsReport): string {
  const lines: string[] = []
  for (const file of report.files) {
    for (const conflict of file.conflicts) {
      const field = conflict.kind === 'field' ? conflict.field : conflict.kind === 'body' ? 'body' : 'text'
      lines.push(visible(`${file.path}:${conflict.line}: ${field}: ${describeConflict(conflict)}${file.id === undefined ? '' : `  [${file.id}]`}`))
    }
  }
  const listed = new Set(report.files.map((f) => f.path))
  for (const rel of report.unmerged) {
    if (!listed.has(rel)) lines.push(visible(`${rel}: unmerged in git: settle it, then git add it`))
  }
  return lines.join('\n')
}

/** The stderr summary: how many conflicts in how many files, or none. */
export function conflictsSummary(report: ConflictsReport): string {
  const waiting = report.unmerged.length === 0 ? '' : `; git holds ${plural(report.unmerged.length, 'path')} as unmerged (git add each once settled)`
  if (report.count === 0) return `No open conflicts${waiting}`
  return `${plural(report.count, 'open conflict')} in ${plural(report.files.length, 'file')}${waiting}; settle them with psp resolve <id> --take ours|theirs|<value>`
}

/** What a resolve did, then what is left. */
export function resolveText(report: ResolveReport): string {
  const how = report.took === 'value' ? 'your value' : report.took
  const what =
    report.field === 'body' || report.field === 'text'
      ? `${report.field}: took ${how}`
      : `${report.field}: ${report.value === undefined ? '(removed)' : formatValue(report.value)} (${how})`
  const left = report.remaining.length
  const rest = left === 0 ? `No conflict left in ${report.path}` : `${plural(left, 'conflict')} left: psp conflicts lists them`
  return visible(`${report.id}  ${what}${report.changed ? '' : ' (already so)'}\n${rest}`)
}
