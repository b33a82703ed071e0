/**
 * `psp plan critical-path`: the classic forward/backward pass over the dependency graph of the
 * open tasks in scope, durations from `estimate` (hours).
 *
 * - Scope: not archived, not done (the query's `done`), and in the project / milestone asked for.
 *   A dependency outside the scope (done, archived, unknown, or another project's task) does not
 *   constrain the schedule.
 * - Duration: `estimate` when it is a non-negative number (a numeric string counts); otherwise 0,
 *   and the task is listed in `missingEstimates`.
 * - Forward pass: earliest start = the latest earliest finish of its dependencies (0 without any);
 *   earliest finish = earliest start + duration. Duration of the plan = the latest finish.
 * - Backward pass: latest finish = the earliest latest start of the tasks waiting on it (the
 *   plan's duration without any); latest start = latest finish − duration; slack = latest start −
 *   earliest start. Zero slack: the task is critical.
 * - The path: from a task that finishes last and that no task waits on, back through a dependency whose finish is this
 *   task's start, to a task that starts at 0. Every choice among equals goes to the smallest id.
 *
 * A dependency cycle (only possible by a hand edit: writes refuse them) is a ConflictError naming it.
 */
import type {DocumentRecord} from '../document.js'
import {ConflictError} from '../errors.js'
import type {QueryContext} from '../query/context.js'
import {byId, dependenciesOf, taskState, textField} from './graph.js'

export interface ScheduledTask {
  record: DocumentRecord
  /** The duration used: the estimate, or 0 when it is missing. */
  estimate: number
  estimateMissing: boolean
  earliestStart: number
  earliestFinish: number
  latestStart: number
  latestFinish: number
  slack: number
  critical: boolean
}

export interface CriticalPath {
  /** The longest chain of dependent tasks, first to last. */
  path: DocumentRecord[]
  /** Its total duration (hours): the earliest the open work in scope can finish. */
  duration: number
  /** Every open task in scope, by earliest start, then id. */
  tasks: ScheduledTask[]
  /** Tasks in scope without a usable estimate (counted as 0), sorted by id. */
  missingEstimates: DocumentRecord[]
}

export interface CriticalPathOptions {
  project?: string
  milestone?: string
}

const EPSILON = 1e-9
const clean = (n: number) => Math.round(n * 1e6) / 1e6

function estimateOf(record: DocumentRecord): number | undefined {
  const raw = Object.hasOwn(record.data, 'estimate') ? record.data['estimate'] : undefined
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : Number.NaN
  return Number.isFinite(n) && n >= 0 ? n : undefined
}

export function criticalPath(records: Iterable<DocumentRecord>, context: QueryContext, options: CriticalPathOptions = {}): CriticalPath {
  const state = taskState(context)
  const nodes = new Map<string, DocumentRecord>()
  for (const record of records) {
    if (record.archived || state.isDone(record)) continue
    if (options.project !== undefined && textField(record, 'project') !== options.project) continue
    if (options.milestone !== undefined && textField(record, 'milestone') !== options.milestone) continue
    nodes.set(record.id, record)
  }
  const ids = [...nodes.keys()].sort()
  const preds = new Map<string, string[]>()
  const succs = new Map<string, string[]>(ids.map((id) => [id, []]))
  for (const id of ids) {
    const deps = [...new Set(dependenciesOf(nodes.get(id) as DocumentRecord))].filter((d) => nodes.has(d) && d !== id).sort()
    preds.set(id, deps)
    for (const d of deps) succs.get(d)?.push(id)
  }

  // Topological order (Kahn), always taking the smallest id available.
  const indegree = new Map(ids.map((id) => [id, preds.get(id)?.length ?? 0]))
  // A min-heap: re-sorting an array on every step was quadratic at 50,000 independent tasks.
  const queue = new MinHeap(ids.filter((id) => indegree.get(id) === 0))
  const order: string[] = []
  for (let id = queue.pop(); id !== undefined; id = queue.pop()) {
    order.push(id)
    for (const s of succs.get(id) ?? []) {
      const n = (indegree.get(s) ?? 0) - 1
      indegree.set(s, n)
      if (n === 0) queue.push(s)
    }
  }
  if (order.length < ids.length) {
    const placed = new Set(order)
    throw cycleError(ids.filter((id) => !placed.has(id)), preds)
  }

  const duration = new Map<string, number>()
  const missing: DocumentRecord[] = []
  for (const id of ids) {
    const record = nodes.get(id) as DocumentRecord
    const estimate = estimateOf(record)
    if (estimate === undefined) missing.push(record)
    duration.set(id, estimate ?? 0)
  }

  const es = new Map<string, number>()
  const ef = new Map<string, number>()
  for (const id of order) {
    const start = Math.max(0, ...(preds.get(id) ?? []).map((p) => ef.get(p) ?? 0))
    es.set(id, clean(start))
    ef.set(id, clean(start + (duration.get(id) ?? 0)))
  }
  const total = clean(Math.max(0, ...ef.values()))
  const ls = new Map<string, number>()
  const lf = new Map<string, number>()
  for (const id of [...order].reverse()) {
    const finish = Math.min(total, ...(succs.get(id) ?? []).map((s) => ls.get(s) ?? total))
    lf.set(id, clean(finish))
    ls.set(id, clean(finish - (duration.get(id) ?? 0)))
  }

  const tasks: ScheduledTask[] = ids.map((id) => {
    const slack = clean((ls.get(id) ?? 0) - (es.get(id) ?? 0))
    return {
      record: nodes.get(id) as DocumentRecord,
      estimate: duration.get(id) ?? 0,
      estimateMissing: estimateOf(nodes.get(id) as DocumentRecord) === undefined,
      earliestStart: es.get(id) ?? 0,
      earliestFinish: ef.get(id) ?? 0,
      latestStart: ls.get(id) ?? 0,
      latestFinish: lf.get(id) ?? 0,
      slack,
      critical: Math.abs(slack) < EPSILON,
    }
  })
  tasks.sort((a, b) => a.earliestStart - b.earliestStart || byId(a.record, b.record))

  // The path: back from the first task (by id) that finishes last and that no task waits on.
  const path: DocumentRecord[] = []
  let current = ids.find((id) => (succs.get(id)?.length ?? 0) === 0 && Math.abs((ef.get(id) ?? 0) - total) < EPSILON)
  while (current !== undefined) {
    path.push(nodes.get(current) as DocumentRecord)
    const start = es.get(current) ?? 0
    current = (preds.get(current) ?? []).find((p) => Math.abs((ef.get(p) ?? 0) - start) < EPSILON)
  }
  path.reverse()
  return {path, duration: total, tasks, missingEstimates: missing}
}

/** A ConflictError naming one cycle among `remaining` (the tasks a topological sort could not order). */
function cycleError(remaining: string[], preds: Map<string, string[]>): ConflictError {
  const left = new Set(remaining)
  const walk: string[] = []
  let id = remaining[0] as string
  while (!walk.includes(id)) {
    walk.push(id)
    id = (preds.get(id) ?? []).find((p) => left.has(p)) as string
  }
  const cycle = [...walk.slice(walk.indexOf(id)), id].reverse()
  return new ConflictError(`dependency cycle: ${cycle.join(' → ')}`, {data: {cycle}})
}

/** A binary min-heap of strings (code-unit order, as Array.prototype.sort). */
class MinHeap {
  private readonly items: string[] = []

  constructor(initial: string[]) {
    for (const item of initial) this.push(item)
  }

  push(item: string): void {
    const a = this.items
    a.push(item)
    let i = a.length - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      if ((a[parent] as string) <= item) break
      a[i] = a[parent] as string
      i = parent
    }
    a[i] = item
  }

  pop(): string | undefined {
    const a = this.items
    const top = a[0]
    const last = a.pop()
    if (a.length === 0 || last === undefined) return top
    let i = 0
    for (;;) {
      const left = 2 * i + 1
      if (left >= a.length) break
      const right = left + 1
      const child = right < a.length && (a[right] as string) < (a[left] as string) ? right : left
      if ((a[child] as string) >= last) break
      a[i] = a[child] as string
      i = child
    }
    a[i] = last
    return top
  }
}
