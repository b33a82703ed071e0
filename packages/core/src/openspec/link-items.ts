/**
 * The checkbox items of a change's tasks.md, with where each one sits in the text, so that `psp
 * openspec link` can turn them into psp tasks and later tick exactly one box without touching any
 * other byte. Which lines count as items follows openspec's task counter, so psp and `openspec
 * list` always count the same boxes.
 */

/** One checkbox line of a tasks.md. */
export interface ChecklistItem {
  /** 1-based line number. */
  line: number
  /** Offset of the box's `[` in the text, and the offset just past its `]`. */
  boxStart: number
  boxEnd: number
  /** Ticked: the box holds `x` or `X` (every other mark, `[ ]`, `[]`, `[~]`, is open work). */
  done: boolean
  /** The text after the box, trimmed. */
  text: string
  /**
   * What ties a psp task to this item across edits: the item's number (`1.2`) when its text starts
   * with one, else its whole text.
   */
  key: string
  /** The text without its number: the psp task's title. */
  title: string
}

// A list marker (`-`, `*`, `+`, `1.`, `1)`), then a box holding at most one mark. A box right
// before `(` or `[` is a Markdown link (`- [x](url)`), unless it holds only spaces. The text runs
// to the end of the line; `.` stops before a `\r`, so CRLF files read the same.
const ITEM = /^(?<lead>\s*(?:[-*+]|\d{1,9}[.)])\s*)(?<box>\[(?:\s*(?<mark>[^\]\s]?)\s*\](?![([])|\s+\]))\s*(?<text>.*)/

// `1.2 Do it`, `1.2. Do it`, `3) Do it`: a dotted number, then the words.
const NUMBERED = /^(?<number>\d+(?:\.\d+)*)[.:)]?\s+(?<rest>\S.*)$/

/** Splits an item's text into its key and title (see ChecklistItem.key). */
export function itemKey(text: string): {key: string; title: string} {
  const numbered = NUMBERED.exec(text)
  if (numbered?.groups !== undefined) return {key: numbered.groups['number'] as string, title: (numbered.groups['rest'] as string).trim()}
  return {key: text, title: text}
}

/** Every checkbox item of a tasks.md text, in order. A BOM or CRLF line ends change nothing. */
export function parseTaskItems(text: string): ChecklistItem[] {
  const items: ChecklistItem[] = []
  let start = 0
  for (let line = 1; start <= text.length; line++) {
    const eol = text.indexOf('\n', start)
    const end = eol === -1 ? text.length : eol
    // `\s` takes in a BOM too, so a first line after one reads like any other.
    const match = ITEM.exec(text.slice(start, end))
    if (match?.groups !== undefined) {
      const boxStart = start + (match.groups['lead'] as string).length
      const itemText = (match.groups['text'] as string).trim()
      items.push({
        line,
        boxStart,
        boxEnd: boxStart + (match.groups['box'] as string).length,
        done: (match.groups['mark'] ?? '').toLowerCase() === 'x',
        text: itemText,
        ...itemKey(itemText),
      })
    }
    if (eol === -1) break
    start = eol + 1
  }
  return items
}

/** The two counts openspec shows for a change: boxes ticked, and boxes in all. */
export interface BoxCount {
  done: number
  total: number
}

/** Counts the boxes of a tasks.md text as `openspec list` does. */
export function countBoxes(items: readonly ChecklistItem[]): BoxCount {
  return {done: items.filter((i) => i.done).length, total: items.length}
}

/**
 * The text with the boxes of the given items set to `[x]` (done) or `[ ]`: only the brackets of
 * those lines change, so line endings, indentation and every other line keep their bytes.
 */
export function setBoxes(text: string, marks: ReadonlyArray<{item: ChecklistItem; done: boolean}>): string {
  const sorted = [...marks].sort((a, b) => a.item.boxStart - b.item.boxStart)
  let out = ''
  let at = 0
  for (const {item, done} of sorted) {
    out += text.slice(at, item.boxStart) + (done ? '[x]' : '[ ]')
    at = item.boxEnd
  }
  return out + text.slice(at)
}
