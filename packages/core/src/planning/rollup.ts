/**
 * Roll-ups for `psp project show` and `psp milestone show`: how far the tasks of a project or a
 * milestone are, what remains, what is blocked, and whether its due date is at risk.
 *
 * Risk, for a container with a `due` date and open tasks:
 * - `late`: the due date has passed.
 * - `at-risk`: some open task is overdue, or is due after the container, or the critical path
 *   of the open tasks is longer than the working hours left (`ROLLUP_HOURS_PER_DAY` per day,
 *   today and the due day included).
 * - `on-track`: none of those.
 * `done` when every task is done; null without a due date or without tasks.
 */
import type {DocumentRecord} from '../document.js'
import type {QueryContext} from '../query/context.js'
import {formatDay, localDay, toDay} from '../query/dates.js'
import {criticalPath} from './critical-path.js'
import {taskState, textField} from './graph.js'

export const ROLLUP_HOURS_PER_DAY = 8

export type DueRisk = 'done' | 'late' | 'at-risk' | 'on-track'

export interface RollUp {
  total: number
  done: number
  open: number
  blocked: number
  ready: number
  /** The sum of the open tasks' estimates (hours); tasks without one count 0. */
  remainingEstimate: number
  /** How many open tasks have no usable estimate. */
  missingEstimates: number
  /** The critical path of the open tasks (hours); null when a hand-made cycle prevents it. */
  criticalPath: number | null
  due: string | null
  /** Days from today to the due date (negative: passed). */
  daysLeft: number | null
  risk: DueRisk | null
  /** Why the risk is what it is (empty when on track). */
  reasons: string[]
}

export interface RollUpOptions {
  project?: string
  milestone?: string
  /** The container's due date. */
  due?: unknown
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`

export function rollUp(records: Iterable<DocumentRecord>, context: QueryContext, options: RollUpOptions): RollUp {
  const state = taskState(context)
  const scoped: DocumentRecord[] = []
  for (const record of records) {
    if (record.archived) continue
    if (options.project !== undefined && textField(record, 'project') !== options.project) continue
    if (options.milestone !== undefined && textField(record, 'milestone') !== options.milestone) continue
    scoped.push(record)
  }
  const open = scoped.filter((r) => !state.isDone(r))
  let plan: ReturnType<typeof criticalPath> | undefined
  try {
    plan = criticalPath(open, context)
  } catch {
    plan = undefined
  }
  const remaining = (plan?.tasks ?? []).reduce((sum, t) => sum + t.estimate, 0)
  const today = localDay(context.now())
  const dueDay = toDay(options.due)
  const daysLeft = dueDay === undefined ? null : dueDay - today
  const reasons: string[] = []
  let risk: DueRisk | null = null
  if (scoped.length > 0 && open.length === 0) risk = 'done'
  else if (open.length > 0 && dueDay !== undefined && daysLeft !== null) {
    if (daysLeft < 0) {
      risk = 'late'
      reasons.push(`due ${plural(-daysLeft, 'day')} ago, ${plural(open.length, 'open task')}`)
    } else {
      const overdue = open.filter((r) => {
        const d = toDay(r.data['due'])
        return d !== undefined && d < today
      }).length
      if (overdue > 0) reasons.push(`${plural(overdue, 'open task')} overdue`)
      const after = open.filter((r) => {
        const d = toDay(r.data['due'])
        return d !== undefined && d > dueDay
      }).length
      if (after > 0) reasons.push(`${plural(after, 'open task')} due after ${formatDay(dueDay)}`)
      const hoursLeft = (daysLeft + 1) * ROLLUP_HOURS_PER_DAY
      if (plan !== undefined && plan.duration > hoursLeft) reasons.push(`critical path ${plan.duration} h > ${hoursLeft} h left`)
      risk = reasons.length > 0 ? 'at-risk' : 'on-track'
    }
  }
  return {
    total: scoped.length,
    done: scoped.length - open.length,
    open: open.length,
    blocked: open.filter((r) => state.isBlocked(r)).length,
    ready: open.filter((r) => state.isReady(r)).length,
    remainingEstimate: Math.round(remaining * 1e6) / 1e6,
    missingEstimates: plan?.missingEstimates.length ?? open.length,
    criticalPath: plan === undefined ? null : plan.duration,
    due: dueDay === undefined ? null : formatDay(dueDay),
    daysLeft,
    risk,
    reasons,
  }
}
