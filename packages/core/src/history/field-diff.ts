/**
 * Field-level changes between two versions of a record's frontmatter: which fields were added,
 * removed or changed, and for lists which elements came and went.
 */
import type {FieldChange} from './types.js'

/** True when two parsed YAML values are the same data. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => sameValue(x, b[i]))
  }
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime()
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false
  const keys = Object.keys(a)
  return (
    keys.length === Object.keys(b).length &&
    keys.every((k) => Object.hasOwn(b, k) && sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
  )
}

/** Elements of `from` that have no counterpart in `against` (each counterpart used once). */
function unmatched(from: readonly unknown[], against: readonly unknown[]): unknown[] {
  const used = new Array<boolean>(against.length).fill(false)
  const out: unknown[] = []
  for (const value of from) {
    const i = against.findIndex((other, j) => !used[j] && sameValue(value, other))
    if (i === -1) out.push(value)
    else used[i] = true
  }
  return out
}

/**
 * The field changes from `before` to `after` (either may be undefined: a record added or
 * deleted), in `after`'s key order, then the removed keys in `before`'s order.
 */
export function diffFields(before: Readonly<Record<string, unknown>> | undefined, after: Readonly<Record<string, unknown>> | undefined): FieldChange[] {
  const out: FieldChange[] = []
  const old = before ?? {}
  const now = after ?? {}
  for (const [field, value] of Object.entries(now)) {
    if (!Object.hasOwn(old, field)) {
      out.push({field, after: value})
      continue
    }
    const previous = old[field]
    if (sameValue(previous, value)) continue
    const change: FieldChange = {field, before: previous, after: value}
    if (Array.isArray(previous) && Array.isArray(value)) {
      const added = unmatched(value, previous)
      const removed = unmatched(previous, value)
      if (added.length > 0) change.added = added
      if (removed.length > 0) change.removed = removed
    }
    out.push(change)
  }
  for (const [field, value] of Object.entries(old)) if (!Object.hasOwn(now, field)) out.push({field, before: value})
  return out
}

/** A value as one short line: strings as they are, `(none)` for nothing, the rest as JSON. */
export function formatValue(value: unknown, max = 60): string {
  let text: string
  if (value === undefined || value === null) text = value === null ? 'null' : '(none)'
  else if (typeof value === 'string') text = value === '' ? '""' : value.replace(/\r?\n/g, '⏎')
  else if (value instanceof Date) text = value.toISOString()
  else if (Array.isArray(value)) text = `[${value.map((v) => formatValue(v, max)).join(', ')}]`
  else text = typeof value === 'object' ? JSON.stringify(value) : String(value)
  return text.length > max ? `${text.slice(0, max - 1)}…` : text
}

/**
 * A field change as one line: `status: todo → in-progress`, `tags: +ui -backend`,
 * `due: (none) → 2026-03-01`, `estimate: 3 → (none)`.
 */
export function describeFieldChange(change: FieldChange): string {
  const {field} = change
  if (change.added !== undefined || change.removed !== undefined) {
    const parts = [...(change.added ?? []).map((v) => `+${formatValue(v)}`), ...(change.removed ?? []).map((v) => `-${formatValue(v)}`)]
    return `${field}: ${parts.join(' ')}`
  }
  const hadBefore = Object.hasOwn(change, 'before')
  const hasAfter = Object.hasOwn(change, 'after')
  // A list that appears or disappears whole reads best as its elements.
  if (!hadBefore && Array.isArray(change.after) && change.after.length > 0) return `${field}: ${change.after.map((v) => `+${formatValue(v)}`).join(' ')}`
  if (!hasAfter && Array.isArray(change.before) && change.before.length > 0) return `${field}: ${change.before.map((v) => `-${formatValue(v)}`).join(' ')}`
  return `${field}: ${hadBefore ? formatValue(change.before) : '(none)'} → ${hasAfter ? formatValue(change.after) : '(none)'}`
}
