/**
 * `psp next`: the ready tasks, best first. The score is a sum of four documented parts
 * (docs/planning.md), each reported in `explain`:
 *
 * - priority: `4 × (rank + 1)`, rank being the priority's 0-based place in `settings.priorities`
 *   (lowest first; with the defaults low 4, medium 8, high 12, critical 16); none or unknown: 0.
 * - due: `clamp(14 − days until due, 0, 21)`: 0 when due in 14 days or more (or no due date),
 *   14 when due today, up to 21 when overdue by 7 days or more.
 * - unblocks: `2 × n`, capped at 10, n being how many open tasks wait on this one, directly or
 *   transitively.
 * - age: `0.1 × days since creation`, capped at 3 (the query's `age`: created date, else mtime).
 *
 * Higher score first; ties by id.
 */
import type {DocumentRecord} from '../document.js'
import type {QueryContext} from '../query/context.js'
import {localDay, toDay} from '../query/dates.js'
import {byId, dependenciesOf, openRecords, taskState, textField} from './graph.js'

export type NextFactor = 'priority' | 'due' | 'unblocks' | 'age'

/** One part of a score: which factor, what it read, and the points it gave. */
export interface ExplainItem {
  factor: NextFactor
  /** What the factor read: the priority, the due date, the count of tasks, the age in days (null: none). */
  value: string | number | null
  points: number
  /** A short sentence for people. */
  detail: string
}

export interface RankedTask {
  record: DocumentRecord
  score: number
  /** How many open tasks wait on this one, directly or transitively. */
  unblocks: number
  /** Days until due (negative: overdue), when it has a due date. */
  dueIn?: number
  age?: number
  explain: ExplainItem[]
}

export interface NextOptions {
  project?: string
  assignee?: string
  /** At most this many tasks (default: all). */
  limit?: number
}

export const NEXT_WEIGHTS = {
  priorityStep: 4,
  dueHorizon: 14,
  dueMax: 21,
  unblocksEach: 2,
  unblocksMax: 10,
  agePerDay: 0.1,
  ageMax: 3,
} as const

const round = (n: number) => Math.round(n * 100) / 100
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`

/**
 * How many open tasks each task unblocks: the number of distinct open tasks that reach it by
 * following `depends_on`, directly or through other open tasks.
 */
export function unblockCounts(context: QueryContext): Map<string, number> {
  const state = taskState(context)
  const open = openRecords(context, state)
  const openIds = new Set(open.map((r) => r.id))
  const dependents = new Map<string, string[]>()
  for (const record of open) {
    for (const dep of new Set(dependenciesOf(record))) {
      if (!openIds.has(dep)) continue
      const list = dependents.get(dep) ?? []
      list.push(record.id)
      dependents.set(dep, list)
    }
  }
  const counts = new Map<string, number>()
  for (const record of open) {
    const seen = new Set<string>()
    const stack = [...(dependents.get(record.id) ?? [])]
    while (stack.length > 0) {
      const id = stack.pop() as string
      if (seen.has(id) || id === record.id) continue
      seen.add(id)
      stack.push(...(dependents.get(id) ?? []))
    }
    counts.set(record.id, seen.size)
  }
  return counts
}

/**
 * The ready tasks among `records` (the query's `ready`; archived records left out), filtered by
 * project and assignee, scored and sorted best first (ties by id).
 */
export function rankNext(records: Iterable<DocumentRecord>, context: QueryContext, options: NextOptions = {}): RankedTask[] {
  const state = taskState(context)
  const counts = unblockCounts(context)
  const priorityRank = new Map<string, number>()
  context.priorities.forEach((p, i) => {
    if (!priorityRank.has(p)) priorityRank.set(p, i)
  })
  const today = localDay(context.now())
  const w = NEXT_WEIGHTS
  const ranked: RankedTask[] = []
  for (const record of records) {
    if (record.archived || !state.isReady(record)) continue
    if (options.project !== undefined && textField(record, 'project') !== options.project) continue
    if (options.assignee !== undefined && textField(record, 'assignee') !== options.assignee) continue
    const explain: ExplainItem[] = []

    const priority = textField(record, 'priority')
    const rank = priority === undefined ? undefined : priorityRank.get(priority)
    const priorityPoints = rank === undefined ? 0 : w.priorityStep * (rank + 1)
    explain.push({
      factor: 'priority',
      value: priority ?? null,
      points: priorityPoints,
      detail: priority === undefined ? 'no priority' : rank === undefined ? `unknown priority ${priority}` : `priority ${priority}`,
    })

    const dueRaw = Object.hasOwn(record.data, 'due') ? record.data['due'] : undefined
    const dueDay = toDay(dueRaw)
    const dueIn = dueDay === undefined ? undefined : dueDay - today
    const duePoints = dueIn === undefined ? 0 : Math.min(w.dueMax, Math.max(0, w.dueHorizon - dueIn))
    explain.push({
      factor: 'due',
      value: dueDay === undefined ? null : typeof dueRaw === 'string' ? dueRaw.slice(0, 10) : String(dueRaw),
      points: duePoints,
      detail:
        dueIn === undefined ? 'no due date' : dueIn < 0 ? `overdue by ${plural(-dueIn, 'day')}` : dueIn === 0 ? 'due today' : `due in ${plural(dueIn, 'day')}`,
    })

    const unblocks = counts.get(record.id) ?? 0
    const unblockPoints = Math.min(w.unblocksMax, w.unblocksEach * unblocks)
    explain.push({factor: 'unblocks', value: unblocks, points: unblockPoints, detail: unblocks === 0 ? 'unblocks nothing' : `unblocks ${plural(unblocks, 'task')}`})

    const age = state.ageOf(record)
    const agePoints = age === undefined ? 0 : round(Math.min(w.ageMax, Math.max(0, w.agePerDay * age)))
    explain.push({factor: 'age', value: age ?? null, points: agePoints, detail: age === undefined ? 'age unknown' : `${plural(age, 'day')} old`})

    ranked.push({
      record,
      score: round(priorityPoints + duePoints + unblockPoints + agePoints),
      unblocks,
      ...(dueIn === undefined ? {} : {dueIn}),
      ...(age === undefined ? {} : {age}),
      explain,
    })
  }
  ranked.sort((a, b) => b.score - a.score || byId(a.record, b.record))
  return options.limit === undefined ? ranked : ranked.slice(0, Math.max(0, options.limit))
}
