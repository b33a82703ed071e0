/**
 * `psp board --format mermaid`: the cards of a board as Mermaid diagrams, each in a fenced
 * ```` ```mermaid ```` block, ready for a Markdown page (GitHub and GitLab draw them) or for
 * `mmdc -i`:
 *
 * - a `flowchart LR` of the cards with an edge from every dependency to the task waiting on it
 *   (edges to tasks not on the board are left out), one style class per status and a dashed red
 *   border for blocked tasks;
 * - a `gantt` of the open cards when at least one has an estimate: the schedule of
 *   `criticalPath` (same durations, same rules for dependencies), laid out from today (or the
 *   given start, when later) at `ROLLUP_HOURS_PER_DAY` working hours a day, 09:00 to 17:00 on
 *   every calendar day, as the roll-ups count them. Critical tasks are tagged `crit`, a task
 *   estimated at 0 hours is a milestone, and a task without an estimate is left out (it still
 *   takes part as 0 hours, as in `psp plan critical-path`) and named in a warning. A dependency
 *   cycle (only a hand edit makes one) leaves the gantt out, with a warning naming the cycle.
 *
 * Mermaid reads its own syntax inside labels, so every node id is made from the task id
 * (`t_` + letters, digits and `_`), labels are quoted with `"`, `#`, `<`, `>`, `&` and `` ` ``
 * written as entity codes, and gantt rows, which cannot hold `#`, `:` or `;`, get full-width
 * look-alikes of those and start with the short id in brackets so that no title reads as a
 * gantt keyword.
 */
import {ConflictError} from '../errors.js'
import type {QueryContext} from '../query/context.js'
import {formatDay, localDay, toDay} from '../query/dates.js'
import {columnName, oneLine, shownCards, type Board, type BoardCard, type BoardColumn} from './board.js'
import {criticalPath, type CriticalPath} from './critical-path.js'
import {dependenciesOf} from './graph.js'
import {ROLLUP_HOURS_PER_DAY} from './rollup.js'

export interface BoardMermaidOptions {
  /** At most this many cards per column (the diagrams show what the board shows). */
  limit?: number
  /** The first day work can be scheduled on (a project's `start`); today when missing or earlier. */
  start?: unknown
}

export interface BoardMermaid {
  text: string
  /** What the reader should know: tasks left out of the gantt, or why there is none. */
  warnings: string[]
}

const OPEN_FILLS = ['#f1f3f5', '#fff3bf', '#d0ebff', '#e5dbff', '#c3fae8', '#ffe8cc']
const DONE_STYLE = 'fill:#d3f9d8,stroke:#2b8a3e,color:#495057'
const UNKNOWN_STYLE = 'fill:#ffe3e3,stroke:#c92a2a,color:#212529,stroke-dasharray:3 3'
const BLOCKED_STYLE = 'stroke:#c92a2a,stroke-width:2px,stroke-dasharray:6 3'
/** Mermaid's default `maxEdges` and `maxTextSize`: beyond them it shows an error instead of the diagram. */
const MERMAID_MAX_EDGES = 500
const MERMAID_MAX_TEXT = 50_000

const LABEL_ESCAPES = /["#<>&`]/g
/** A quoted flowchart label: Mermaid decodes `#<code>;` entity codes back to the characters. */
const label = (text: string) => `"${oneLine(text).replace(LABEL_ESCAPES, (c) => `#${c.charCodeAt(0)};`)}"`

const GANTT_LOOKALIKES: Record<string, string> = {'#': '＃', ':': '：', ';': '；'}
const ganttText = (text: string) => oneLine(text).replace(/[#:;]/g, (c) => GANTT_LOOKALIKES[c] ?? c)

/** Ids made only of letters, digits and `_`, unique: Mermaid's node ids. */
function identifiers(prefix: string): (name: string) => string {
  const taken = new Map<string, string>()
  const used = new Set<string>()
  return (name) => {
    const known = taken.get(name)
    if (known !== undefined) return known
    const base = `${prefix}${name.replace(/[^A-Za-z0-9_]/g, '_')}`
    let id = base
    for (let n = 2; used.has(id); n++) id = `${base}_${n}`
    used.add(id)
    taken.set(name, id)
    return id
  }
}

/** The flowchart and, when the cards have estimates, the gantt (see the module comment). */
export function renderBoardMermaid(board: Board, context: QueryContext, options: BoardMermaidOptions = {}): BoardMermaid {
  const shown = board.columns.map((column) => ({column, cards: shownCards(column, options.limit).cards}))
  const warnings: string[] = []
  const flow = flowchart(shown)
  const blocks = [flow.text]
  const gantt = ganttChart(shown, context, options, warnings)
  if (gantt !== undefined) blocks.push(gantt)
  if (flow.edges > MERMAID_MAX_EDGES || blocks.some((b) => b.length > MERMAID_MAX_TEXT)) {
    warnings.push(
      `the diagrams exceed what Mermaid draws by default (${MERMAID_MAX_EDGES} edges, ${MERMAID_MAX_TEXT} characters a diagram): narrow the board with --project, --milestone, --where or --limit`,
    )
  }
  return {text: blocks.map((b) => `\`\`\`mermaid\n${b}\`\`\`\n`).join('\n'), warnings}
}

type Shown = Array<{column: BoardColumn; cards: BoardCard[]}>

function flowchart(shown: Shown): {text: string; edges: number} {
  const nodeId = identifiers('t_')
  const classId = identifiers('s_')
  const lines = ['flowchart LR']
  let edges = 0
  const onBoard = new Set<string>()
  for (const {cards} of shown) for (const card of cards) onBoard.add(card.record.id)
  if (onBoard.size === 0) lines.push('  %% no tasks on the board')
  for (const {cards} of shown) {
    for (const card of cards) lines.push(`  ${nodeId(card.record.id)}[${label(`${card.short} ${card.record.title}`)}]`)
  }
  for (const {cards} of shown) {
    for (const card of cards) {
      for (const dep of new Set(dependenciesOf(card.record))) {
        if (dep === card.record.id || !onBoard.has(dep)) continue
        lines.push(`  ${nodeId(dep)} --> ${nodeId(card.record.id)}`)
        edges++
      }
    }
  }
  let open = 0
  for (const {column, cards} of shown) {
    const style = !column.known ? UNKNOWN_STYLE : column.done ? DONE_STYLE : `fill:${OPEN_FILLS[open++ % OPEN_FILLS.length]},stroke:#868e96,color:#212529`
    if (cards.length === 0) continue
    const name = classId(columnName(column))
    lines.push(`  classDef ${name} ${style}`, `  class ${cards.map((c) => nodeId(c.record.id)).join(',')} ${name}`)
  }
  const blocked = shown.flatMap(({cards}) => cards.filter((c) => c.blocked))
  if (blocked.length > 0) {
    const name = classId('blocked')
    lines.push(`  classDef ${name} ${BLOCKED_STYLE}`, `  class ${blocked.map((c) => nodeId(c.record.id)).join(',')} ${name}`)
  }
  return {text: `${lines.join('\n')}\n`, edges}
}

function ganttChart(shown: Shown, context: QueryContext, options: BoardMermaidOptions, warnings: string[]): string | undefined {
  const open = shown.filter(({column}) => !column.done).flatMap(({cards}) => cards.map((c) => c.record))
  let plan: CriticalPath
  try {
    plan = criticalPath(open, context)
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error
    warnings.push(`no gantt: ${error.message}`)
    return undefined
  }
  if (plan.tasks.every((t) => t.estimateMissing)) return undefined
  if (plan.missingEstimates.length > 0) {
    warnings.push(`not in the gantt, no estimate (counted as 0 h): ${plan.missingEstimates.map((r) => r.id).join(', ')}`)
  }

  const today = localDay(context.now())
  const start = Math.max(today, toDay(options.start) ?? today)
  const shortOf = new Map(shown.flatMap(({cards}) => cards.map((c) => [c.record.id, c.short] as const)))
  const sectionOf = new Map<string, string>()
  for (const {column, cards} of shown) for (const card of cards) sectionOf.set(card.record.id, columnName(column))
  const sections = new Map<string, string[]>()
  for (const {column} of shown) if (!column.done) sections.set(columnName(column), [])
  for (const task of plan.tasks) {
    if (task.estimateMissing) continue
    const r = task.record
    const tags = [...(task.critical ? ['crit'] : []), ...(task.estimate === 0 ? ['milestone'] : [])]
    const text = ganttText(`[${shortOf.get(r.id) ?? r.id}] ${r.title}`)
    const from = clock(start, task.earliestStart, false)
    const to = task.estimate === 0 ? from : clock(start, task.earliestFinish, true)
    sections.get(sectionOf.get(r.id) ?? '')?.push(`  ${text} :${[...tags, from, to].join(', ')}`)
  }
  const lines = [
    'gantt',
    `  title Open work from ${formatDay(start)}, ${ROLLUP_HOURS_PER_DAY} working hours a day`,
    '  dateFormat YYYY-MM-DD HH:mm',
    '  axisFormat %m-%d',
  ]
  for (const [name, rows] of sections) if (rows.length > 0) lines.push(`  section ${ganttText(name)}`, ...rows)
  return `${lines.join('\n')}\n`
}

const DAY_START = 9
const pad = (n: number) => String(n).padStart(2, '0')

/**
 * The date and time `hours` working hours after the start of `day`: each day holds
 * ROLLUP_HOURS_PER_DAY hours from 09:00. A finish that falls on a day's boundary is that day's
 * 17:00, not the next day's 09:00.
 */
function clock(day: number, hours: number, finish: boolean): string {
  const perDay = ROLLUP_HOURS_PER_DAY * 60
  const minutes = Math.round(hours * 60)
  let d = Math.floor(minutes / perDay)
  let m = minutes - d * perDay
  if (finish && m === 0 && d > 0) {
    d -= 1
    m = perDay
  }
  const at = DAY_START * 60 + m
  return `${formatDay(day + d)} ${pad(Math.floor(at / 60))}:${pad(at % 60)}`
}
