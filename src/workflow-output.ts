/** What `psp task move` and `psp task done` print: one line, or the record plus the move as JSON. */
import type {MoveResult} from '@psp/core'
import {recordJson} from '@psp/command'

/** `Moved <id>  <from> → <to>`, or `<id> already <status>`. */
export function moveLine(result: MoveResult): string {
  const {record, changed, from, to} = result
  return changed ? `Moved ${record.id}  ${from ?? '(none)'} → ${to}  ${record.path}` : `${record.id} already ${to}`
}

/** The record's JSON shape plus `from`, `to`, `changed` and `warnings`. */
export function moveJson(result: MoveResult): Record<string, unknown> {
  return {...recordJson(result.record), from: result.from ?? null, to: result.to, changed: result.changed, warnings: result.warnings}
}
