/**
 * Reading a field of a record: the derived fields (`blocked`, `ready`, `done`, `age`, `id`,
 * `type`, `title`, `path`, `body`, `archived`, the history fields `created`, `updated`,
 * `created_by`, `updated_by`, `status_changed`, `changes`, `time_in`, plus any the context
 * adds), then frontmatter,
 * nested with dots (`links.repo`, `steps.0`). Accessors are built once per query and field.
 */
import type {DocumentRecord} from '../document.js'
import {historyFields, HISTORY_FIELDS} from '../history/summary.js'
import type {QueryContext} from './context.js'
import {localDay, toInstant} from './dates.js'

/** A value a query treats as absent: not there at all, or null (`due:` with nothing after it). */
export function isMissing(value: unknown): value is undefined | null {
  return value === undefined || value === null
}

/** Derived fields built into the language, in the order the docs list them (the history ones last). */
export const DERIVED_FIELDS = ['id', 'type', 'title', 'path', 'body', 'archived', 'done', 'blocked', 'ready', 'age', ...HISTORY_FIELDS] as const

/** What one evaluation needs, computed once from the context. */
export interface Env {
  context: QueryContext | undefined
  done: ReadonlySet<string>
  /** Field name → rank of each value, for fields with an order (status, priority). */
  orders: ReadonlyMap<string, ReadonlyMap<string, number>>
  /** The local calendar date of the clock, as a day number. */
  today: number
}

function ranks(values: readonly string[]): Map<string, number> {
  const map = new Map<string, number>()
  values.forEach((v, i) => {
    if (!map.has(v)) map.set(v, i)
  })
  return map
}

export function makeEnv(context: QueryContext | undefined): Env {
  const orders = new Map<string, Map<string, number>>()
  if (context) {
    orders.set('status', ranks(context.statuses))
    orders.set('priority', ranks(context.priorities))
  }
  return {
    context,
    done: new Set(context?.doneStatuses ?? []),
    orders,
    today: context ? localDay(context.now()) : 0,
  }
}

export type Accessor = (record: DocumentRecord) => unknown

function statusOf(record: DocumentRecord): string | undefined {
  const status = Object.hasOwn(record.data, 'status') ? record.data['status'] : undefined
  return typeof status === 'string' ? status : undefined
}

/** The ids a record depends on (a single string is read as a list of one). */
export function dependenciesOf(record: DocumentRecord): string[] {
  const deps = Object.hasOwn(record.data, 'depends_on') ? record.data['depends_on'] : undefined
  if (typeof deps === 'string') return [deps]
  return Array.isArray(deps) ? deps.filter((d): d is string => typeof d === 'string') : []
}

/**
 * Builds the derived-field functions of an env. `done`: the status is a done status. `blocked`:
 * not done, and some dependency is a known record that is neither done nor archived (an unknown
 * id does not block: `psp validate` reports it). `ready`: the status is a workflow status, not
 * done, not blocked. `age`: whole local calendar days since `createdOf` (else `mtimeOf`).
 */
function derived(env: Env): Record<string, Accessor> {
  const {context, done} = env
  const isDone = (r: DocumentRecord) => {
    const s = statusOf(r)
    return s !== undefined && done.has(s)
  }
  const isBlocked = (r: DocumentRecord) => {
    // Read here, not above: the context builds its map on first use.
    const byId = context?.byId
    if (isDone(r) || byId === undefined) return false
    for (const id of dependenciesOf(r)) {
      const dep = byId.get(id)
      if (dep !== undefined && !dep.archived && !isDone(dep)) return true
    }
    return false
  }
  const statusRank = env.orders.get('status')
  const fields: Record<string, Accessor> = {
    id: (r) => r.id,
    type: (r) => r.type,
    title: (r) => r.title,
    path: (r) => r.path,
    body: (r) => r.body,
    archived: (r) => r.archived,
  }
  if (context === undefined) return fields
  fields['done'] = isDone
  fields['blocked'] = isBlocked
  fields['ready'] = (r) => {
    const s = statusOf(r)
    return s !== undefined && statusRank !== undefined && statusRank.has(s) && !done.has(s) && !isBlocked(r)
  }
  const {historyOf} = context
  fields['age'] = (r) => {
    const fromHistory = historyOf?.(r)?.created.time
    const created = toInstant(context.createdOf?.(r)) ?? toInstant(fromHistory === undefined ? undefined : fromHistory * 1000) ?? toInstant(context.mtimeOf?.(r))
    return created === undefined ? undefined : env.today - localDay(created)
  }
  if (historyOf !== undefined) {
    // One record's history fields are computed once per query, however many of them it reads.
    const now = context.now()
    const cache = new WeakMap<DocumentRecord, ReturnType<typeof historyFields> | null>()
    const of = (r: DocumentRecord) => {
      let values = cache.get(r)
      if (values === undefined) {
        const summary = historyOf(r)
        values = summary === undefined ? null : historyFields(summary, now)
        cache.set(r, values)
      }
      return values
    }
    for (const name of HISTORY_FIELDS) fields[name] = (r) => of(r)?.[name] ?? undefined
  }
  return fields
}

const derivedCache = new WeakMap<Env, Record<string, Accessor>>()

/**
 * The accessor of a field name. Without a context, `done`, `blocked`, `ready` and `age` read as
 * missing (they cannot be known).
 */
export function accessor(field: string, env: Env): Accessor {
  let builtIn = derivedCache.get(env)
  if (builtIn === undefined) {
    builtIn = derived(env)
    derivedCache.set(env, builtIn)
  }
  const own = Object.hasOwn(builtIn, field) ? builtIn[field] : undefined
  if (own) return own
  if ((DERIVED_FIELDS as readonly string[]).includes(field)) return () => undefined
  const dot = field.indexOf('.')
  const head = dot === -1 ? undefined : field.slice(0, dot)
  if (head !== undefined && (DERIVED_FIELDS as readonly string[]).includes(head)) {
    // Into a derived value (`time_in.review`): it shadows a frontmatter mapping of the same name.
    const base = Object.hasOwn(builtIn, head) ? builtIn[head] : undefined
    const rest = field.slice(dot + 1).split('.')
    return (r) => (base === undefined ? undefined : walkPath(base(r), rest))
  }
  const {context} = env
  const extra = context?.fields && Object.hasOwn(context.fields, field) ? context.fields[field] : undefined
  if (extra && context) return (r) => extra(r, context)
  if (!field.includes('.')) return (r) => (Object.hasOwn(r.data, field) ? r.data[field] : undefined)
  const segments = field.split('.')
  return (r) => (Object.hasOwn(r.data, field) ? r.data[field] : walkPath(r.data, segments))
}

/** The value at a dotted path inside a value: mapping keys and list indexes. */
function walkPath(start: unknown, segments: readonly string[]): unknown {
  let value = start
  for (const segment of segments) {
    if (value === null || typeof value !== 'object') return undefined
    if (Array.isArray(value)) {
      if (!/^\d+$/.test(segment)) return undefined
      value = value[Number(segment)]
    } else {
      value = Object.hasOwn(value, segment) ? (value as Record<string, unknown>)[segment] : undefined
    }
  }
  return value
}
