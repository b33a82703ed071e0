/**
 * `--sort`, `--group` and `--fields`: ordering records, grouping them by a field's values, and
 * picking the fields to show. They read fields exactly as queries do (derived fields included).
 */
import type {DocumentRecord} from '../document.js'
import {UsageError} from '../errors.js'
import type {QueryContext} from './context.js'
import {formatDay, toDay} from './dates.js'
import {accessor, isMissing, makeEnv, type Env} from './fields.js'
import {isFieldName} from './parser.js'

export interface SortKey {
  field: string
  desc: boolean
}

/** A group's key: the field's value, or null for the records that lack it. */
export type GroupKey = string | number | boolean | null

export interface RecordGroup {
  key: GroupKey
  records: DocumentRecord[]
}

function checkField(field: string, flag: string): string {
  if (!isFieldName(field)) {
    throw new UsageError(`${flag}: ${JSON.stringify(field)} is not a field name`, {
      hint: 'field names are letters, digits, "_" and "-", nested with dots (links.repo)',
    })
  }
  return field
}

/** Reads `field[:asc|:desc],…` (spaces allowed around commas). Throws UsageError. */
export function parseSortSpec(spec: string): SortKey[] {
  if (spec.trim() === '') return []
  return spec.split(',').map((part) => {
    const text = part.trim()
    const colon = text.lastIndexOf(':')
    const field = (colon < 0 ? text : text.slice(0, colon)).trim()
    const direction = colon < 0 ? 'asc' : text.slice(colon + 1).trim().toLowerCase()
    if (direction !== 'asc' && direction !== 'desc') {
      throw new UsageError(`--sort: unknown direction ${JSON.stringify(direction)} in ${JSON.stringify(text)}`, {hint: 'write field, field:asc or field:desc'})
    }
    return {field: checkField(field, '--sort'), desc: direction === 'desc'}
  })
}

/** Kinds of values in sort order: ranked (status/priority), numbers, text, booleans, the rest. */
const RANKED = 0
const NUMBER = 1
const TEXT = 2
const BOOLEAN = 3
const OTHER = 4
/** In a sort row: the value is a list (compared element by element), or missing. */
const LIST = 5
const ABSENT = -1

function kindOf(value: unknown, order: ReadonlyMap<string, number> | undefined): number {
  if (typeof value === 'string') return order?.has(value) ? RANKED : TEXT
  if (typeof value === 'number') return NUMBER
  if (value instanceof Date) return TEXT
  if (typeof value === 'boolean') return BOOLEAN
  return OTHER
}

function text(value: unknown): string {
  if (typeof value === 'string') return value
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : value.toISOString()
  return JSON.stringify(value) ?? ''
}

function isDigitCode(c: number): boolean {
  return c >= 48 && c <= 57
}

/**
 * Natural order of two texts, the same on every machine: case-insensitive (by lower-cased code
 * unit), runs of digits by their value ("task-2" before "task-10"), then exactly (by code unit)
 * so that distinct texts never tie.
 */
export function naturalCompare(a: string, b: string): number {
  const al = a.toLowerCase()
  const bl = b.toLowerCase()
  let i = 0
  let j = 0
  while (i < al.length && j < bl.length) {
    const ca = al.charCodeAt(i)
    const cb = bl.charCodeAt(j)
    if (isDigitCode(ca) && isDigitCode(cb)) {
      let si = i
      while (si < al.length && al.charCodeAt(si) === 48) si++
      let ei = si
      while (ei < al.length && isDigitCode(al.charCodeAt(ei))) ei++
      let sj = j
      while (sj < bl.length && bl.charCodeAt(sj) === 48) sj++
      let ej = sj
      while (ej < bl.length && isDigitCode(bl.charCodeAt(ej))) ej++
      if (ei - si !== ej - sj) return ei - si - (ej - sj)
      for (let k = 0; k < ei - si; k++) {
        const d = al.charCodeAt(si + k) - bl.charCodeAt(sj + k)
        if (d !== 0) return d
      }
      i = ei
      j = ej
      continue
    }
    if (ca !== cb) return ca - cb
    i++
    j++
  }
  return al.length - i - (bl.length - j) || (a < b ? -1 : a > b ? 1 : 0)
}

/** Compares two present scalar values of a field; `order` ranks status and priority values. */
function compareScalars(a: unknown, b: unknown, order: ReadonlyMap<string, number> | undefined): number {
  const ka = kindOf(a, order)
  const kb = kindOf(b, order)
  if (ka !== kb) return ka - kb
  switch (ka) {
    case RANKED:
      return (order?.get(a as string) ?? 0) - (order?.get(b as string) ?? 0)
    case NUMBER:
      return (a as number) - (b as number) || 0
    case BOOLEAN:
      return Number(a) - Number(b)
    default:
      return naturalCompare(text(a), text(b))
  }
}

/** Lists compare element by element; a scalar is a list of one. */
function compareValues(a: unknown, b: unknown, order: ReadonlyMap<string, number> | undefined): number {
  if (!Array.isArray(a) && !Array.isArray(b)) return compareScalars(a, b, order)
  const la = Array.isArray(a) ? a : [a]
  const lb = Array.isArray(b) ? b : [b]
  for (let i = 0; i < Math.min(la.length, lb.length); i++) {
    const c = compareValues(la[i], lb[i], order)
    if (c !== 0) return c
  }
  return la.length - lb.length
}

/**
 * Sorts records by `field[:desc],…` (or parsed keys), returning a new array. Missing values
 * (absent, null, empty list) come last whatever the direction; status and priority sort by their
 * configured order (values outside it after those in it); numbers as numbers; text in natural
 * order (case-insensitive, "task-2" before "task-10"); dates, being YYYY-MM-DD, in date order;
 * false before true. Ties are broken by id (then input order), so the result is deterministic.
 */
export function sortRecords(records: readonly DocumentRecord[], spec: string | readonly SortKey[], context: QueryContext): DocumentRecord[] {
  const keys = typeof spec === 'string' ? parseSortSpec(spec) : spec.map((k) => ({...k, field: checkField(k.field, '--sort')}))
  if (keys.length === 0) return [...records]
  const env = makeEnv(context)
  const n = records.length
  // Each key is read once per record and reduced to (kind, number): text becomes its rank
  // among the distinct texts, so the sort itself compares numbers.
  const columns = keys.map((key) => {
    const get = accessor(key.field, env)
    const order = env.orders.get(key.field)
    const raw: unknown[] = new Array(n)
    const kinds = new Int8Array(n)
    const nums = new Float64Array(n)
    const texts = new Map<string, number>()
    for (let i = 0; i < n; i++) {
      const value = get(records[i] as DocumentRecord)
      raw[i] = value
      if (isMissing(value) || (Array.isArray(value) && value.length === 0)) kinds[i] = ABSENT
      else if (Array.isArray(value)) kinds[i] = LIST
      else {
        const kind = kindOf(value, order)
        kinds[i] = kind
        if (kind === RANKED) nums[i] = order?.get(value as string) ?? 0
        else if (kind === NUMBER) nums[i] = value as number
        else if (kind === BOOLEAN) nums[i] = value ? 1 : 0
        else texts.set(text(value), 0)
      }
    }
    if (texts.size > 0) {
      const sorted = [...texts.keys()].sort(naturalCompare)
      sorted.forEach((t, rank) => texts.set(t, rank))
      for (let i = 0; i < n; i++) if (kinds[i] === TEXT || kinds[i] === OTHER) nums[i] = texts.get(text(raw[i])) as number
    }
    return {raw, kinds, nums, order, sign: key.desc ? -1 : 1}
  })
  const index = Array.from({length: n}, (_, i) => i)
  index.sort((x, y) => {
    for (const {raw, kinds, nums, order, sign} of columns) {
      const ka = kinds[x] as number
      const kb = kinds[y] as number
      if (ka === ABSENT || kb === ABSENT) {
        if (ka !== kb) return ka === ABSENT ? 1 : -1
        continue
      }
      let c: number
      if (ka === LIST || kb === LIST) c = compareValues(raw[x], raw[y], order)
      else if (ka !== kb) c = ka - kb
      else c = (nums[x] as number) - (nums[y] as number) || 0
      if (c !== 0) return sign * c
    }
    const ia = (records[x] as DocumentRecord).id
    const ib = (records[y] as DocumentRecord).id
    return ia < ib ? -1 : ia > ib ? 1 : x - y
  })
  return index.map((i) => records[i] as DocumentRecord)
}

/** A value as a group key: dates as YYYY-MM-DD, objects as JSON. */
function groupKey(value: unknown): GroupKey {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value
  if (value instanceof Date) {
    const day = toDay(value)
    return day === undefined ? null : formatDay(day)
  }
  return isMissing(value) ? null : (JSON.stringify(value) ?? null)
}

/**
 * Groups records by a field. A list field puts a record in the group of each of its distinct
 * values; a record without the field (or with an empty list) goes to the `null` group, which
 * comes last. Groups are ordered as `--sort field` would order them (status and priority by
 * their configured order); records keep their input order within a group.
 */
export function groupRecords(records: readonly DocumentRecord[], field: string, context: QueryContext): RecordGroup[] {
  checkField(field, '--group')
  const env = makeEnv(context)
  const get = accessor(field, env)
  const groups = new Map<GroupKey, DocumentRecord[]>()
  const add = (key: GroupKey, record: DocumentRecord) => {
    const list = groups.get(key)
    if (list === undefined) groups.set(key, [record])
    else if (list[list.length - 1] !== record) list.push(record)
  }
  for (const record of records) {
    const value = get(record)
    if (Array.isArray(value) && value.length > 0) {
      for (const element of value) add(groupKey(element), record)
    } else {
      add(groupKey(Array.isArray(value) ? null : value), record)
    }
  }
  const order = env.orders.get(field)
  return [...groups.entries()]
    .map(([key, list]) => ({key, records: list}))
    .sort((a, b) => (a.key === null ? 1 : b.key === null ? -1 : compareScalars(a.key, b.key, order)))
}

/**
 * Builds a function picking `fields` from a record (for `--fields`): an object with those keys in
 * that order, derived fields included, null for a missing value. Without a context, `done`,
 * `blocked`, `ready` and `age` are null.
 */
export function fieldSelector(fields: readonly string[], context?: QueryContext): (record: DocumentRecord) => Record<string, unknown> {
  const env: Env = makeEnv(context)
  const getters = fields.map((f) => [checkField(f, '--fields'), accessor(f, env)] as const)
  return (record) => {
    const out: Record<string, unknown> = {}
    for (const [name, get] of getters) {
      const value = get(record) ?? null
      // A field named __proto__ must not set the object's prototype; defineProperty for every
      // field, though, turns each row into a slow dictionary object (it showed in the profile of
      // a 10,000-row table).
      if (name === '__proto__') Object.defineProperty(out, name, {value, enumerable: true, writable: true, configurable: true})
      else out[name] = value
    }
    return out
  }
}

/** Picks `fields` from one record; see fieldSelector (which is faster for many records). */
export function selectFields(record: DocumentRecord, fields: readonly string[], context?: QueryContext): Record<string, unknown> {
  return fieldSelector(fields, context)(record)
}
