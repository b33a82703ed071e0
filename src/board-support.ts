/**
 * `psp board` in the terminal, and its JSON. The board is drawn as columns side by side, all of
 * one width, that together fit the given width (the terminal's, or `--width`); when even the
 * narrowest column would not fit, the columns are stacked one under the other instead. Widths
 * are display widths: a CJK character or an emoji takes two cells, a combining accent none.
 */
import stringWidth from 'string-width'
import {columnName, shownCards, UsageError, type Board, type BoardColumn} from '@psp/core'
import {recordJson, visible} from '@psp/command'

/** The width when stdout is not a terminal and no `--width` is given. */
export const BOARD_DEFAULT_WIDTH = 100
export const BOARD_MIN_WIDTH = 20
export const BOARD_MAX_WIDTH = 1000
/** Narrower than this, columns are stacked instead of side by side. */
export const BOARD_MIN_COLUMN = 16
/** Cards per column in the terminal unless `--limit` says otherwise. */
export const BOARD_TEXT_LIMIT = 10
const GAP = '  '

/** Reads `--width`: a whole number from BOARD_MIN_WIDTH to BOARD_MAX_WIDTH. */
export function parseWidth(text: string): number {
  const trimmed = text.trim()
  const width = /^\+?\d+$/.test(trimmed) ? Number(trimmed) : Number.NaN
  if (!Number.isSafeInteger(width) || width < BOARD_MIN_WIDTH || width > BOARD_MAX_WIDTH) {
    throw new UsageError(`--width must be a whole number from ${BOARD_MIN_WIDTH} to ${BOARD_MAX_WIDTH}, got ${JSON.stringify(text)}`)
  }
  return width
}

/** The width to draw at without `--width`: the terminal's, or a fixed one when stdout is not a terminal. */
export function outputWidth(stream: {isTTY?: boolean; columns?: number} = process.stdout): number {
  return stream.isTTY && stream.columns !== undefined && stream.columns > 0 ? stream.columns : BOARD_DEFAULT_WIDTH
}

let segmenter: Intl.Segmenter | undefined

/**
 * `text` cut to `width` display cells, ending in `…` when cut, and padded with spaces to
 * exactly `width`. Cuts fall between whole graphemes, so no emoji or accent is split.
 */
export function fit(text: string, width: number): string {
  const full = stringWidth(text)
  if (full <= width) return text + ' '.repeat(width - full)
  segmenter ??= new Intl.Segmenter(undefined, {granularity: 'grapheme'})
  let out = ''
  let used = 0
  for (const {segment} of segmenter.segment(text)) {
    const w = stringWidth(segment)
    if (used + w > width - 1) break
    out += segment
    used += w
  }
  return `${out}…${' '.repeat(Math.max(0, width - 1 - used))}`
}

const clean = (text: string) => visible(text.replace(/[\r\n\t\u2028\u2029]+/g, ' ').trim())

/** `todo 5`; with a WIP limit `in-progress 3/4` (or `2 (3/4)` when filters hide some); `!` over the limit, `?` not a workflow status. */
function header(column: BoardColumn): string {
  const name = clean(columnName(column))
  const n = column.cards.length
  let text = `${name} ${n}`
  if (column.wip !== null) text = column.wip.count === n ? `${name} ${n}/${column.wip.limit}` : `${name} ${n} (${column.wip.count}/${column.wip.limit})`
  if (column.wip?.over) text = `! ${text}`
  if (!column.known) text = `? ${text}`
  return text
}

/** A column's lines, unfitted: header, rule marker, then the cards and the `… N more` line. */
function columnLines(column: BoardColumn, limit: number | undefined): {head: string; rule: string; cards: string[]; blocked: boolean} {
  const {cards, more} = shownCards(column, limit)
  const lines = cards.map((c) => `${c.short}${c.blocked ? '*' : ''} ${clean(c.record.title)}`)
  if (more > 0) lines.push(`… ${more} more`)
  return {head: header(column), rule: column.wip?.over ? '=' : '-', cards: lines, blocked: cards.some((c) => c.blocked)}
}

/**
 * The board as text `width` cells wide: a header per column (`todo 5`, `in-progress 4/3`), a rule
 * (`=` under a column over its WIP limit), then one line per card — its short id, `*` when it
 * is blocked, its title — at most `limit` per column, then `… N more`. A legend for the marks
 * shown (`*`, `!`, `?`) follows.
 */
export function renderBoardText(board: Board, options: {width: number; limit?: number}): string {
  const {width, limit} = options
  const columns = board.columns.map((c) => columnLines(c, limit))
  const k = columns.length
  const columnWidth = Math.floor((width - GAP.length * (k - 1)) / k)
  const out: string[] = []
  if (columnWidth >= BOARD_MIN_COLUMN) {
    const rows = Math.max(0, ...columns.map((c) => c.cards.length))
    const row = (cells: string[]) => cells.map((cell) => fit(cell, columnWidth)).join(GAP).trimEnd()
    out.push(row(columns.map((c) => c.head)), columns.map((c) => c.rule.repeat(columnWidth)).join(GAP))
    for (let i = 0; i < rows; i++) out.push(row(columns.map((c) => c.cards[i] ?? '')))
  } else {
    columns.forEach((c, i) => {
      if (i > 0) out.push('')
      out.push(fit(c.head, width).trimEnd(), c.rule.repeat(width), ...c.cards.map((card) => fit(card, width).trimEnd()))
    })
  }
  const legend: string[] = []
  if (columns.some((c) => c.blocked)) legend.push('* blocked: waits on an open task (psp task blocked)')
  if (board.columns.some((c) => c.wip?.over)) legend.push('! over its WIP limit (workflow.wip in config/settings.yaml)')
  if (board.columns.some((c) => !c.known)) legend.push('? not one of workflow.statuses (psp validate names the tasks)')
  if (legend.length > 0) out.push('', ...legend.map((l) => fit(l, width).trimEnd()))
  return `${out.join('\n')}\n`
}

/**
 * The JSON of a board: `{total, columns: [{status, known, done, count, wip, cards}]}`, `count`
 * being every card of the column and `cards` at most `limit` of them, each as `task list --json`
 * prints it plus `blocked`.
 */
export function boardJson(board: Board, limit?: number): Record<string, unknown> {
  return {
    total: board.total,
    columns: board.columns.map((column) => ({
      status: column.status,
      known: column.known,
      done: column.done,
      count: column.cards.length,
      wip: column.wip,
      cards: shownCards(column, limit).cards.map((card) => ({...recordJson(card.record), blocked: card.blocked})),
    })),
  }
}
