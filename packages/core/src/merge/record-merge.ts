/**
 * The three-way merge of one psp document: field by field for the frontmatter, diff3 for the body.
 *
 * The merged frontmatter is OURS' TEXT with the field changes theirs made (relative to base)
 * applied through `editFrontmatter`, so ours' comments, key order and quoting are kept byte for
 * byte and only the lines of fields that change are rewritten. (Lines theirs changed where ours
 * did not, such as a comment theirs wrote, come along when a line merge of the block agrees: see
 * mergedFrontmatter.) The rules, per field (and per key inside plain maps, recursively):
 *
 * - changed on one side only, or identically on both: that value is taken;
 * - removed on one side and untouched on the other: removed;
 * - lists of scalars changed on both sides merge as sets: ours' elements in ours' order, then
 *   the elements theirs added in theirs' order; an element one side removed is removed;
 * - plain maps changed on both sides merge key by key with these same rules;
 * - anything else changed differently on both sides is a true conflict.
 *
 * CONFLICT FORMAT. A merged file always stays a valid psp document, so every other command keeps
 * working on it. A conflicting field keeps OURS' value (or stays absent when ours removed it), and
 * a top-level map `merge_conflicts` records it:
 *
 * ```yaml
 * status: doing
 * merge_conflicts:
 *   status:
 *     base: todo
 *     ours: doing
 *     theirs: done
 *   links.repo:
 *     base: null
 *     ours: r1
 *     theirs: r2
 * ```
 *
 * A side that did not have the field is written as `null`; a conflict inside a map is keyed by
 * its dotted path (`links.repo`). `merge_conflicts` itself merges like any map when a side
 * already has it; a new conflict on a field that already has an entry replaces that entry (the
 * older values stay in git history). Body conflicts stay in the body as git-style marker blocks
 * (see diff3.ts). `listConflicts` reads both kinds back, `resolveConflict` settles one.
 */
import {NotFoundError, UsageError} from '../errors.js'
import {editFrontmatter, type FieldChanges} from '../markdown/frontmatter-edit.js'
import {splitDocument, type SplitDocument} from '../markdown/frontmatter.js'
import {MERGE_CONFLICTS_FIELD} from './conflicts-field.js'
import {findConflictBlocks, mergeText, takeConflictSide, type ConflictHunk, type MergeLabels} from './diff3.js'

export {MERGE_CONFLICTS_FIELD}

/** A field both sides changed differently. A side without the field is `null`. */
export interface FieldConflict {
  /** The top-level key, or a dotted path (`links.repo`) for a conflict inside a map. */
  field: string
  base: unknown
  ours: unknown
  theirs: unknown
}

/** The three versions of one document's text; `base` is undefined when it had no common ancestor. */
export interface RecordMergeInput {
  base?: string
  ours: string
  theirs: string
  labels?: MergeLabels
}

/** A merged document. */
export interface RecordMergeResult {
  text: string
  /** True when this merge found no conflict (field or body). */
  clean: boolean
  /** The field conflicts this merge found, as recorded in `merge_conflicts`. */
  conflicts: FieldConflict[]
  /** How many conflict blocks the body has (the whole file's, after a text fallback). */
  bodyConflicts: number
  /** Those blocks, with line numbers in the merged file. */
  bodyHunks: ConflictHunk[]
  /**
   * Set when a version is not a readable psp document: the whole file was then merged as plain
   * text (diff3), and conflicts are marker blocks anywhere in it.
   */
  fallback?: {reason: string}
}

/** An open conflict of a document: a `merge_conflicts` entry, or a marker block in the body. */
export type OpenConflict = ({kind: 'field'} & FieldConflict) | ({kind: 'body'} & ConflictHunk)

/** How to settle a conflict: which field (`body` or none for the body), and which value. */
export interface ConflictResolution {
  field?: string
  take: 'ours' | 'theirs' | {value: unknown}
}

/** What a field is on a side that does not have it. */
const ABSENT = Symbol('absent')
type Value = unknown

type PlainMap = Record<string, unknown>

function isMap(value: Value): value is PlainMap {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

function isScalar(value: Value): boolean {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value)
}

function isScalarList(value: Value): value is unknown[] {
  return Array.isArray(value) && value.every(isScalar)
}

/** The same YAML data (NaN equals NaN: an unchanged `.nan` is no edit). */
function sameData(a: Value, b: Value): boolean {
  if (a === b) return true
  if (typeof a === 'number' && typeof b === 'number') return Number.isNaN(a) && Number.isNaN(b)
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => sameData(x, b[i]))
  }
  if (!isMap(a) || !isMap(b)) return false
  const keys = Object.keys(a)
  return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && sameData(a[k], b[k]))
}

function get(map: Value, key: string): Value {
  return isMap(map) && Object.hasOwn(map, key) ? map[key] : ABSENT
}

const written = (value: Value) => (value === ABSENT ? null : value)

/** Lists of scalars as sets: ours' order first, then what theirs added; removals on either side win. */
function mergeSets(base: readonly unknown[], ours: readonly unknown[], theirs: readonly unknown[]): unknown[] {
  const has = (list: readonly unknown[], x: unknown) => list.some((y) => sameData(x, y))
  const removedByTheirs = base.filter((x) => !has(theirs, x))
  const out = ours.filter((x) => !has(removedByTheirs, x))
  for (const x of theirs) if (!has(base, x) && !has(out, x)) out.push(x)
  return out
}

/** Plain maps key by key: ours' keys in ours' order, then the keys only theirs has. */
function mergeMaps(path: string, base: Value, ours: PlainMap, theirs: PlainMap, conflicts: FieldConflict[]): PlainMap {
  const out: PlainMap = {}
  const keys = [...Object.keys(ours), ...Object.keys(theirs).filter((k) => !Object.hasOwn(ours, k))]
  for (const key of keys) {
    const value = mergeValue(path === '' ? key : `${path}.${key}`, get(base, key), get(ours, key), get(theirs, key), conflicts)
    if (value !== ABSENT) out[key] = value
  }
  return out
}

/** One value's three-way merge; a true conflict keeps ours' value and is pushed onto `conflicts`. */
function mergeValue(path: string, base: Value, ours: Value, theirs: Value, conflicts: FieldConflict[]): Value {
  if (sameData(ours, theirs) || sameData(base, theirs)) return ours
  if (sameData(base, ours)) return theirs
  if (isScalarList(ours) && isScalarList(theirs) && (base === ABSENT || isScalarList(base))) {
    return mergeSets(base === ABSENT ? [] : base, ours, theirs)
  }
  if (isMap(ours) && isMap(theirs) && (base === ABSENT || isMap(base))) return mergeMaps(path, base, ours, theirs, conflicts)
  conflicts.push({field: path, base: written(base), ours: written(ours), theirs: written(theirs)})
  return ours
}

/** `merge_conflicts` with the new conflicts written in (they replace entries for the same field). */
function recordConflicts(existing: Value, conflicts: readonly FieldConflict[]): PlainMap {
  // A `merge_conflicts` that is not a map is nobody's format, but it is someone's data: keep it.
  const table: PlainMap = isMap(existing)
    ? {...existing}
    : existing === ABSENT
      ? {}
      : {[MERGE_CONFLICTS_FIELD]: {base: null, ours: existing, theirs: null}}
  for (const {field, base, ours, theirs} of conflicts) table[field] = {base, ours, theirs}
  return table
}

/** The changes that turn `from` into `to`: changed and added keys in `to`'s order, then removals. */
function changesBetween(from: PlainMap, to: PlainMap): FieldChanges {
  const changes: FieldChanges = {}
  for (const [key, value] of Object.entries(to)) {
    if (!Object.hasOwn(from, key) || !sameData(from[key], value)) changes[key] = value
  }
  for (const key of Object.keys(from)) if (!Object.hasOwn(to, key)) changes[key] = undefined
  return changes
}

const bomOf = (split: SplitDocument) => (split.bom ? '\uFEFF' : '')

function linesBefore(text: string): number {
  let count = 0
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) count++
  return count
}

function parse(text: string): SplitDocument | string {
  try {
    return splitDocument(text)
  } catch (error) {
    return error instanceof Error ? error.message : String(error)
  }
}

/** The whole file merged as text, for versions that are not readable documents. */
function textMerge(input: RecordMergeInput, reason: string): RecordMergeResult {
  const merged = mergeText(input.base ?? '', input.ours, input.theirs, {labels: input.labels})
  return {
    text: merged.text,
    clean: merged.clean,
    conflicts: [],
    bodyConflicts: merged.conflicts.length,
    bodyHunks: merged.conflicts,
    fallback: {reason},
  }
}

const innerOf = (split: SplitDocument) => split.text.slice(split.innerStart, split.innerEnd)

/**
 * The merged frontmatter block: ours' block with the fields whose merged value differs from ours'
 * rewritten. When a line merge of the three blocks is clean and still reads as YAML, it is the
 * block edited instead: it is ours' block plus the lines theirs changed where ours did not, so a
 * hand edit of theirs that is no field change (a comment, say) comes along too. Either way the
 * field edits then make the data exactly the field merge's.
 */
function mergedFrontmatter(b: SplitDocument | undefined, o: SplitDocument, t: SplitDocument, data: PlainMap): string {
  const attempts: Array<{inner: string; data: PlainMap}> = []
  if (b !== undefined && o.eol === t.eol) {
    const lines = mergeText(innerOf(b), innerOf(o), innerOf(t))
    const read = lines.clean && lines.text !== innerOf(o) ? parse(`---${o.eol}${lines.text}---${o.eol}`) : undefined
    if (read !== undefined && typeof read !== 'string') attempts.push({inner: lines.text, data: read.data})
  }
  attempts.push({inner: innerOf(o), data: o.data})
  for (const [i, attempt] of attempts.entries()) {
    const changes = changesBetween(attempt.data, data)
    if (Object.keys(changes).length === 0) return attempt.inner
    try {
      return editFrontmatter(attempt.inner, changes, o.eol)
    } catch (error) {
      if (i === attempts.length - 1) throw error
    }
  }
  return innerOf(o)
}

/**
 * Merges one document's three versions (see the module comment for the rules and the conflict
 * format). Pure: it reads nothing and throws nothing for bad input — a version that does not
 * parse makes it merge the whole file as text, and says so in `fallback`.
 */
export function mergeRecordText(input: RecordMergeInput): RecordMergeResult {
  const {base, ours, theirs} = input
  // Byte for byte when one side has nothing to add.
  if (ours === theirs || base === theirs) return {text: ours, clean: true, conflicts: [], bodyConflicts: 0, bodyHunks: []}
  if (base === ours) return {text: theirs, clean: true, conflicts: [], bodyConflicts: 0, bodyHunks: []}
  const splits = {base: base === undefined ? undefined : parse(base), ours: parse(ours), theirs: parse(theirs)}
  for (const side of ['ours', 'theirs', 'base'] as const) {
    const split = splits[side]
    if (typeof split === 'string') return textMerge(input, `${side} is not a readable document: ${split}`)
  }
  const o = splits.ours as SplitDocument
  const t = splits.theirs as SplitDocument
  const b = splits.base as SplitDocument | undefined

  const conflicts: FieldConflict[] = []
  const data = mergeMaps('', b?.data ?? {}, o.data, t.data, conflicts)
  if (conflicts.length > 0) data[MERGE_CONFLICTS_FIELD] = recordConflicts(get(data, MERGE_CONFLICTS_FIELD), conflicts)
  let edited: string
  try {
    edited = mergedFrontmatter(b, o, t, data)
  } catch (error) {
    // The YAML editor is stricter than the reader in a few corners; never fail the merge for it.
    return textMerge(input, `ours' frontmatter cannot be edited: ${error instanceof Error ? error.message : String(error)}`)
  }
  let head = o.text.slice(0, o.innerStart) + edited + o.text.slice(o.innerEnd, o.bodyStart)

  const oursBody = o.text.slice(o.bodyStart)
  const body = mergeText(b === undefined ? '' : b.text.slice(b.bodyStart), oursBody, t.text.slice(t.bodyStart), {
    labels: input.labels,
    eol: o.eol,
  })
  // A closing `---` at the very end of ours has no line break for the body to follow.
  if (body.text !== '' && !head.endsWith('\n')) head += o.eol
  const text = bomOf(o) + head + body.text

  // The result must read back as the data intended; if the YAML writer ever disagrees, a text
  // merge (reported) is better than a document that says something else.
  const check = parse(text)
  if (typeof check === 'string' || !sameData(check.data, data) || check.text.slice(check.bodyStart) !== body.text) {
    return textMerge(input, typeof check === 'string' ? `the merged frontmatter does not parse: ${check}` : 'the merged frontmatter reads back differently')
  }
  const offset = linesBefore(head)
  const bodyHunks = body.conflicts.map((h) => ({...h, line: h.line + offset, endLine: h.endLine + offset}))
  return {text, clean: conflicts.length === 0 && body.clean, conflicts, bodyConflicts: bodyHunks.length, bodyHunks}
}

/**
 * The open conflicts of a document: its `merge_conflicts` entries, then the marker blocks of its
 * body. `firstBodyLine` is the file line the body starts on, for the blocks' line numbers.
 */
export function listConflicts(data: Readonly<Record<string, unknown>>, body: string, firstBodyLine = 1): OpenConflict[] {
  const out: OpenConflict[] = []
  const table = data[MERGE_CONFLICTS_FIELD]
  if (isMap(table)) {
    for (const [field, entry] of Object.entries(table)) {
      const side = (name: string) => (isMap(entry) && Object.hasOwn(entry, name) ? entry[name] : null)
      out.push({kind: 'field', field, base: side('base'), ours: side('ours'), theirs: side('theirs')})
    }
  }
  for (const block of findConflictBlocks(body, firstBodyLine)) {
    const {line, endLine, base, ours, theirs} = block
    out.push({kind: 'body', line, endLine, base, ours, theirs})
  }
  return out
}

/** The open conflicts of a document's text (body blocks numbered by file line). */
export function listConflictsInText(text: string): OpenConflict[] {
  const split = splitDocument(text)
  return listConflicts(split.data, split.text.slice(split.bodyStart), linesBefore(split.text.slice(0, split.bodyStart)) + 1)
}

/**
 * The keys a conflict path names, from the top: a key that itself holds a dot wins over reading
 * the dot as a step into a map, so `a.b` is the field `a.b` if there is one, else `b` inside `a`.
 */
function pathKeys(data: Value, path: string): string[] {
  if (!path.includes('.') || (isMap(data) && Object.hasOwn(data, path))) return [path]
  for (let dot = path.lastIndexOf('.'); dot > 0; dot = path.lastIndexOf('.', dot - 1)) {
    const head = path.slice(0, dot)
    const inner = get(data, head)
    if (isMap(inner)) return [head, ...pathKeys(inner, path.slice(dot + 1))]
  }
  const dot = path.indexOf('.')
  return dot <= 0 ? [path] : [path.slice(0, dot), ...pathKeys(undefined, path.slice(dot + 1))]
}

/** A copy of `map` with the value at `keys` set (ABSENT: removed), creating maps on the way. */
function setIn(map: PlainMap, keys: readonly string[], value: Value): PlainMap {
  const [key, ...rest] = keys as [string, ...string[]]
  const out = {...map}
  const next = rest.length === 0 ? value : setIn(isMap(out[key]) ? (out[key] as PlainMap) : {}, rest, value)
  if (next === ABSENT) delete out[key]
  else out[key] = next
  return out
}

function valueAt(map: Value, keys: readonly string[]): Value {
  return keys.reduce<Value>((at, key) => get(at, key), map)
}

/**
 * Settles one conflict and returns the document's new text; only the lines of the fields that
 * change are rewritten.
 *
 * - A field (`field` names a `merge_conflicts` entry): the field is set to the chosen side's
 *   recorded value, or to `take.value` (`undefined` removes it), and its entry is removed — the
 *   whole `merge_conflicts` key when it was the last. A recorded `null` means that side did not
 *   have the field, so taking it removes the field (a field that holds `null` keeps it).
 * - The body (`field` undefined or `body`): every marker block is replaced by the chosen side's
 *   lines, as they were written; `{value}` is refused (edit the body instead).
 *
 * Throws NotFoundError when there is no such conflict, UsageError for `{value}` on the body, and
 * the parser's errors when the text is not a readable document.
 */
export function resolveConflict(text: string, resolution: ConflictResolution): string {
  const split = splitDocument(text)
  const {field, take} = resolution
  if (field === undefined || field === 'body') {
    if (typeof take !== 'string') throw new UsageError('the body takes a side (ours or theirs), not a value: edit the body to write another text')
    const body = split.text.slice(split.bodyStart)
    if (findConflictBlocks(body).length === 0) throw new NotFoundError('the body has no conflict markers', {field: 'body'})
    return bomOf(split) + split.text.slice(0, split.bodyStart) + takeConflictSide(body, take)
  }
  const table = split.data[MERGE_CONFLICTS_FIELD]
  if (!isMap(table) || !Object.hasOwn(table, field)) {
    throw new NotFoundError(`no open conflict on "${field}"`, {field, hint: `see the ${MERGE_CONFLICTS_FIELD} field`})
  }
  const keys = pathKeys(split.data, field)
  let value: Value
  if (typeof take === 'string') {
    const entry = table[field]
    const recorded = isMap(entry) && Object.hasOwn(entry, take) ? entry[take] : null
    value = recorded === null ? (valueAt(split.data, keys) === null ? null : ABSENT) : recorded
  } else {
    value = take.value === undefined ? ABSENT : take.value
  }
  let data = setIn(split.data, keys, value)
  // Read the table again: the field set may have been inside `merge_conflicts` itself.
  const rest = get(data, MERGE_CONFLICTS_FIELD)
  if (isMap(rest)) {
    const left = {...rest}
    delete left[field]
    data = setIn(data, [MERGE_CONFLICTS_FIELD], Object.keys(left).length === 0 ? ABSENT : left)
  }
  const changes = changesBetween(split.data, data)
  const inner = split.text.slice(split.innerStart, split.innerEnd)
  return bomOf(split) + split.text.slice(0, split.innerStart) + editFrontmatter(inner, changes, split.eol) + split.text.slice(split.innerEnd)
}
