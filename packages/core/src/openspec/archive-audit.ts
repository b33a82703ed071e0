/**
 * What a retirement would delete without being able to name it. Retiring a capability deletes its
 * whole spec file, which is only safe when everything in the file is something the merge
 * understands: the title, the Purpose, the `## Requirements` heading, and each requirement's
 * statement and scenarios. Any other line — a note, a table, a section of its own — vetoes the
 * retirement, and is quoted back to the author. Also: the heading a requirement block swallowed
 * (its "foreign tail"), which archive warns about when the block is replaced.
 */
import {buildCodeFenceMask} from './code-fence.js'
import type {RequirementsSectionParts} from './requirement-blocks.js'

/** The part of a requirement block from the first `#`, `##` or `###` heading after its own header on. */
export interface ForeignTail {
  heading: string
  raw: string
}

/**
 * The tail of a requirement block that starts at a level-1 to level-3 heading (outside fences)
 * below the block's own header — text the block parser did not stop at. Approximate, so it is only
 * ever used to warn or to veto, never to rewrite.
 */
export function firstForeignTail(raw: string): ForeignTail | undefined {
  const lines = raw.replace(/\r\n?/g, '\n').split('\n')
  const fenced = buildCodeFenceMask(lines)
  for (let i = 1; i < lines.length; i++) {
    if (fenced[i]) continue
    const line = lines[i] as string
    if (/^ {0,3}#{1,3}(?:[ \t]|$)/.test(line)) return {heading: line.trim(), raw: lines.slice(i).join('\n').trimEnd()}
  }
  return undefined
}

/** The visual column after `prefix`, with tabs stopping every four columns. */
function columnAfter(prefix: string): number {
  let column = 0
  for (const char of prefix) column += char === '\t' ? 4 - (column % 4) : 1
  return column
}

/** A line that starts a block of its own (quote, rule, list item, table row, HTML) and so ends a paragraph. */
const STARTS_OWN_BLOCK = /^ {0,3}(?:>|(?:[-*_][ \t]*){3,}$|(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)|[<|])/

/** A list item with every CommonMark marker; the capture is the item's content column as text. */
const LIST_ITEM = /^(\s*(?:[-*+]|\d{1,9}[.)])\s+)/

/** The line with up to `columns` columns of indentation removed, to read it as its list item sees it. */
function outdent(line: string, columns: number): string {
  let column = 0
  let i = 0
  while (i < line.length && column < columns) {
    const char = line[i]
    if (char === ' ') column += 1
    else if (char === '\t') column += 4 - (column % 4)
    else break
    i++
  }
  return line.slice(i)
}

function isHeading(line: string): boolean {
  return /^ {0,3}#{1,6}(?:[ \t]|$)/.test(line) || /^\s*<h[1-6]\b/i.test(line)
}

/** Lines above `## Requirements` other than the title and the Purpose section. */
function auditAboveRequirements(before: string, out: string[]): void {
  const lines = before.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n').split('\n')
  const fenced = buildCodeFenceMask(lines)
  let inPurpose = false
  let titleSeen = false
  let previous = ''
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string
    if (!line.trim()) {
      previous = ''
      continue
    }
    if (!fenced[i]) {
      const section = /^ {0,3}##\s+(.+?)\s*$/.exec(line)
      if (section) {
        inPurpose = /^purpose$/i.test((section[1] as string).trim())
        if (!inPurpose) out.push(line.trim())
        previous = line
        continue
      }
      // A setext underline or an HTML heading opens a sibling section, not more of the Purpose.
      const setext = inPurpose && previous.trim() !== '' && /^ {0,3}(=+|-+)\s*$/.test(line)
      const htmlHeading = /^ {0,3}<h[1-6]\b/i.test(line)
      if (setext || htmlHeading) {
        out.push((setext ? previous : line).trim())
        inPurpose = false
        previous = line
        continue
      }
      if (/^ {0,3}#\s+.+$/.test(line)) {
        if (!titleSeen && !inPurpose) titleSeen = true
        else {
          out.push(line.trim())
          inPurpose = false
        }
        previous = line
        continue
      }
    }
    previous = line
    if (inPurpose) continue
    out.push(line.trim())
  }
}

/** Lines of one requirement block other than its header, statement and scenario bullets. */
function auditRequirementBlock(raw: string, out: string[]): void {
  const tail = firstForeignTail(raw)
  if (tail) out.push(tail.heading)
  const lines = raw.replace(/\r\n?/g, '\n').split('\n')
  const fenced = buildCodeFenceMask(lines)
  let seenScenario = false
  // Bullets right under a scenario header are the scenario's; a blank line after them ends it.
  let inScenarioBullets = false
  let bulletsSeen = false
  // Content column of the list item the previous line belongs to (null: not in an item).
  let itemColumn: number | null = null
  // Whether the item's paragraph is still open, so an unindented (lazy) line can continue it.
  let paragraphOpen = false
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string
    if (!line.trim()) {
      if (bulletsSeen) inScenarioBullets = false
      itemColumn = null
      paragraphOpen = false
      continue
    }
    if (i === 0) continue
    const indent = columnAfter((/^[ \t]*/.exec(line) as RegExpExecArray)[0])
    const insideItem = itemColumn !== null && indent >= itemColumn
    const asItemSees = insideItem ? outdent(line, itemColumn as number) : line
    const lazyContinuation = paragraphOpen && inScenarioBullets && !STARTS_OWN_BLOCK.test(asItemSees)
    const continuesItem = (insideItem || lazyContinuation) && !isHeading(asItemSees)
    if (fenced[i]) {
      if (!insideItem) itemColumn = null
      paragraphOpen = false
      continue
    }
    if (i > 1 && /^ {0,3}(?:=+|-+)\s*$/.test(asItemSees) && (lines[i - 1] as string).trim()) {
      out.push((lines[i - 1] as string).trim())
      itemColumn = null
      paragraphOpen = false
      continue
    }
    if (continuesItem) {
      paragraphOpen = !STARTS_OWN_BLOCK.test(asItemSees)
      continue
    }
    const bullet = LIST_ITEM.exec(line)
    itemColumn = bullet ? columnAfter(bullet[1] as string) : null
    paragraphOpen = bullet !== null
    if (/^ {0,3}####\s+Scenario:/i.test(line)) {
      seenScenario = true
      inScenarioBullets = true
      bulletsSeen = false
      continue
    }
    if (bullet) {
      if (inScenarioBullets) {
        bulletsSeen = true
        continue
      }
      // Before the first scenario a bullet belongs to the statement; after one it is a note.
      if (!seenScenario) continue
      out.push(line.trim())
      continue
    }
    if (!seenScenario && !/^\s*[|<]/.test(line)) continue
    out.push(line.trim())
  }
}

/**
 * Every non-blank line of a main spec that a retirement could not name, trimmed, without
 * repeats, in file order. Read off the spec as it was before the merge, so a note after the last
 * requirement counts as much as one before the first.
 */
export function unaccountedContent(parts: RequirementsSectionParts): string[] {
  const out: string[] = []
  auditAboveRequirements(parts.before, out)
  for (const slice of [parts.preamble, parts.after]) {
    for (const line of slice.split('\n')) if (line.trim()) out.push(line.trim())
  }
  for (const block of parts.bodyBlocks) auditRequirementBlock(block.raw, out)
  return [...new Set(out)]
}

const QUOTED_LINE_MAX = 200

/**
 * Up to three of those lines, quoted for a message, with a count of the rest. Control characters
 * become `?` (a raw CR or ESC from a spec must not redraw the terminal) and each line is cut at
 * 200 code points.
 */
export function describeUnaccountedContent(lines: readonly string[]): string {
  const shown = lines
    .slice(0, 3)
    .map((line) => {
      // eslint-disable-next-line no-control-regex -- control characters are what it replaces
      const points = [...line.replace(/[\u0000-\u001f\u007f]/g, '?')]
      const clipped = points.slice(0, QUOTED_LINE_MAX).join('')
      return `"${points.length > QUOTED_LINE_MAX ? `${clipped}\u2026` : clipped}"`
    })
    .join(', ')
  return `${shown}${lines.length > 3 ? `, and ${lines.length - 3} more line(s)` : ''}`
}
