/**
 * `psp board`: the tasks as a kanban board, one column per workflow status.
 *
 * - Columns: `workflow.statuses` in their order, every one of them even when empty. A task
 *   whose status is not one of them gets an extra column after those (one per such status,
 *   sorted by name; the tasks without a status last), so that no task vanishes from the board.
 * - Cards in a column: priority first (highest first, by `priorities`; none or unknown last),
 *   then due date (soonest first; none last), then id.
 * - Filters: project, milestone, assignee (exact) and a query (`--where`), all of which must hold.
 *   Archived tasks are never on the board.
 * - WIP: a status with a limit in `workflow.wip` carries the limit and the number of
 *   non-archived tasks in that status in the whole workspace (what `psp task move` counts), so
 *   a filtered board still shows the team's real load. Over means more tasks than the limit.
 *
 * One pass to place the cards, one sort per column, one sort of the ids for the short ids:
 * O(n log n) in the number of tasks.
 */
import type {DocumentRecord} from '../document.js'
import type {QueryContext} from '../query/context.js'
import {toDay} from '../query/dates.js'
import {compileQuery} from '../query/evaluate.js'
import {taskState, textField} from './graph.js'

export interface BoardOptions {
  /** Only tasks whose `project` is this id. */
  project?: string
  /** Only tasks whose `milestone` is this id. */
  milestone?: string
  /** Only tasks whose `assignee` is exactly this. */
  assignee?: string
  /** Only tasks matching this query (docs/query.md). */
  where?: string
  /** WIP limits by status (`workflow.wip` in the settings). */
  wip?: Readonly<Record<string, number>>
}

/** A column's WIP limit and the workspace's load against it. */
export interface WipState {
  limit: number
  /** Non-archived tasks with this status in the whole workspace, whatever the filters. */
  count: number
  /** More tasks than the limit. */
  over: boolean
}

export interface BoardCard {
  record: DocumentRecord
  /**
   * The shortest start of the id's part after the type prefix (at least 4 characters) that
   * `psp task show` resolves to this task alone; the full id when no prefix does.
   */
  short: string
  blocked: boolean
}

export interface BoardColumn {
  /** The status; null for the tasks without one. */
  status: string | null
  /** False for a column made for tasks whose status is not one of `workflow.statuses`. */
  known: boolean
  /** The status counts as done (`workflow.done`). */
  done: boolean
  /** Every card of the column, in board order. */
  cards: BoardCard[]
  /** Null when the status has no WIP limit. */
  wip: WipState | null
}

export interface Board {
  columns: BoardColumn[]
  /** Cards on the board. */
  total: number
}

/** The characters a short id has at least: short enough to type, long enough to stay unique for a while. */
export const BOARD_SHORT_ID_MIN = 4

const NO_STATUS = '\u0000'

/** Lays out `records` (tasks; archived ones are left out) as a board. */
export function buildBoard(records: Iterable<DocumentRecord>, context: QueryContext, options: BoardOptions = {}): Board {
  const state = taskState(context)
  const matches = options.where === undefined ? undefined : compileQuery(options.where, context)
  const workflow = new Set(context.statuses)
  const done = new Set(context.doneStatuses)
  const load = new Map<string, number>()
  const byStatus = new Map<string, DocumentRecord[]>()
  for (const record of records) {
    if (record.archived) continue
    const status = typeof record.data['status'] === 'string' ? record.data['status'] : undefined
    if (status !== undefined) load.set(status, (load.get(status) ?? 0) + 1)
    if (options.project !== undefined && textField(record, 'project') !== options.project) continue
    if (options.milestone !== undefined && textField(record, 'milestone') !== options.milestone) continue
    if (options.assignee !== undefined && textField(record, 'assignee') !== options.assignee) continue
    if (matches !== undefined && !matches(record)) continue
    const key = status ?? NO_STATUS
    const list = byStatus.get(key)
    if (list === undefined) byStatus.set(key, [record])
    else list.push(record)
  }

  // The tasks without a status come last: NO_STATUS would otherwise sort first.
  const extra = [...byStatus.keys()].filter((s) => !workflow.has(s) && s !== NO_STATUS).sort()
  if (byStatus.has(NO_STATUS)) extra.push(NO_STATUS)
  const order = [...new Set(context.statuses), ...extra]
  const onBoard = order.flatMap((s) => byStatus.get(s) ?? [])
  const shorts = shortIds(
    onBoard.map((r) => r.id),
    taskIds(context, onBoard),
  )
  let total = 0
  const columns = order.map((key): BoardColumn => {
    const status = key === NO_STATUS ? null : key
    const cards = sortCards(
      (byStatus.get(key) ?? []).map((record) => ({record, short: shorts.get(record.id) ?? record.id, blocked: state.isBlocked(record)})),
      context,
    )
    total += cards.length
    const limit = status === null ? undefined : options.wip?.[status]
    const count = status === null ? 0 : (load.get(status) ?? 0)
    return {
      status,
      known: status !== null && workflow.has(status),
      done: status !== null && done.has(status),
      cards,
      wip: limit === undefined ? null : {limit, count, over: count > limit},
    }
  })
  return {columns, total}
}

/**
 * Sorts cards by priority (highest first, none last), then due date (soonest first, none last),
 * then id. The keys are read once per card: a comparator reading them would do it n log n times.
 */
function sortCards(cards: BoardCard[], context: QueryContext): BoardCard[] {
  const rank = new Map<string, number>()
  context.priorities.forEach((p, i) => rank.set(p, i))
  const keyed = cards.map((card) => {
    const priority = textField(card.record, 'priority')
    const r = priority === undefined ? undefined : rank.get(priority)
    const due = toDay(Object.hasOwn(card.record.data, 'due') ? card.record.data['due'] : undefined)
    return {card, priority: r === undefined ? Number.POSITIVE_INFINITY : -r, due: due ?? Number.POSITIVE_INFINITY, id: card.record.id}
  })
  keyed.sort((a, b) => a.priority - b.priority || a.due - b.due || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  return keyed.map((k) => k.card)
}

/** Every task id a prefix typed on the command line could match (archived tasks too, as `psp task show` finds them). */
function taskIds(context: QueryContext, onBoard: DocumentRecord[]): string[] {
  const ids = new Set(onBoard.map((r) => r.id))
  for (const record of context.byId?.values() ?? []) if (record.type === 'task') ids.add(record.id)
  return [...ids]
}

/**
 * For each of `wanted`, the shortest start of its part after the type prefix (at least `min`
 * characters) that matches no other id of `pool` the way an id prefix is resolved: neither the
 * start of another id nor the start of its part after the type prefix, case-insensitively. The
 * full id when no such prefix exists.
 */
export function shortIds(wanted: readonly string[], pool: Iterable<string>, min = BOARD_SHORT_ID_MIN): Map<string, string> {
  // Every string a prefix is matched against, sorted: the closest neighbours of an id's own
  // string with another owner share the longest starts with it, so they alone decide how long
  // its prefix must be. Each entry is `key NUL owner-index`, so that the engine's own string
  // sort orders them (NUL sorts before every character of an id, keeping the keys' order).
  const owners = [...new Set([...wanted, ...pool])]
  const entries: string[] = []
  owners.forEach((id, i) => {
    const lower = id.toLowerCase()
    entries.push(`${lower}\u0000${i}`)
    const dash = lower.indexOf('-')
    if (dash !== -1) entries.push(`${lower.slice(dash + 1)}\u0000${i}r`)
  })
  entries.sort()
  const keyOf = (entry: string) => entry.slice(0, entry.indexOf('\u0000'))
  const ownerOf = (entry: string) => Number.parseInt(entry.slice(entry.indexOf('\u0000') + 1), 10)
  // Where each id's own string (its part after the type prefix, else the whole id) sits.
  const own = new Map<number, number>()
  entries.forEach((entry, at) => {
    const owner = ownerOf(entry)
    if (entry.endsWith('r') || !(owners[owner] as string).includes('-')) own.set(owner, at)
  })
  const index = new Map(owners.map((id, i) => [id, i]))
  const out = new Map<string, string>()
  for (const id of wanted) {
    const owner = index.get(id) as number
    const at = own.get(owner) as number
    const dash = id.indexOf('-')
    const rest = dash === -1 ? id : id.slice(dash + 1)
    const key = keyOf(entries[at] as string)
    let need = 0
    for (const step of [-1, 1]) {
      let j = at + step
      while (j >= 0 && j < entries.length && ownerOf(entries[j] as string) === owner) j += step
      const other = entries[j]
      if (other !== undefined) need = Math.max(need, commonPrefix(key, keyOf(other)) + 1)
    }
    out.set(id, need > rest.length ? id : rest.slice(0, Math.min(rest.length, Math.max(min, need))))
  }
  return out
}

function commonPrefix(a: string, b: string): number {
  const n = Math.min(a.length, b.length)
  let i = 0
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++
  return i
}

/** A column's name as the renderings show it: the status, or `(no status)`. */
export function columnName(column: BoardColumn): string {
  return column.status ?? '(no status)'
}

/** The cards a rendering shows (at most `limit`) and how many it leaves out. */
export function shownCards(column: BoardColumn, limit?: number): {cards: BoardCard[]; more: number} {
  if (limit === undefined || column.cards.length <= limit) return {cards: column.cards, more: 0}
  return {cards: column.cards.slice(0, limit), more: column.cards.length - limit}
}

/** Text on one line: line breaks, tabs and other control characters become spaces. */
export function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are what it replaces
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').trim()
}

const MARKDOWN_SPECIAL = /[\\`*_[\]<>|~&]/g

/**
 * The board as Markdown: a `##` heading per column (`todo (5)`, `in-progress (4/3, over the WIP
 * limit)`) and a task list of its cards — `- [ ]`, or `- [x]` in a done column — each with its
 * id in code, its title, and its priority, due date, assignee and whether it is blocked.
 * At most `limit` cards per column, then `… and N more`.
 */
export function renderBoardMarkdown(board: Board, options: {limit?: number} = {}): string {
  const escape = (text: string) => oneLine(text).replace(MARKDOWN_SPECIAL, (c) => `\\${c}`)
  const sections = board.columns.map((column) => {
    const name = columnName(column)
    const count = column.cards.length
    let counts = `${count}`
    if (column.wip !== null) {
      const {limit, count: load, over} = column.wip
      counts = load === count ? `${load}/${limit}` : `${count}; WIP ${load}/${limit}`
      if (over) counts += ', over the WIP limit'
    }
    if (!column.known) counts += ', not a workflow status'
    const lines = [`## ${escape(name)} (${counts})`, '']
    const {cards, more} = shownCards(column, options.limit)
    if (cards.length === 0) lines.push('_No tasks._')
    for (const card of cards) {
      const r = card.record
      const due = textField(r, 'due')
      const assignee = textField(r, 'assignee')
      const facts = [
        textField(r, 'priority'),
        due === undefined ? undefined : `due ${due}`,
        assignee === undefined ? undefined : `assignee ${assignee}`,
        card.blocked ? 'blocked' : undefined,
      ].filter((f): f is string => f !== undefined)
      const tail = facts.length === 0 ? '' : ` · ${facts.map(escape).join(' · ')}`
      lines.push(`- [${column.done ? 'x' : ' '}] \`${r.id}\` ${escape(r.title) || '(untitled)'}${tail}`)
    }
    if (more > 0) lines.push('', `_… and ${more} more_`)
    return lines.join('\n')
  })
  return `${sections.join('\n\n')}\n`
}
