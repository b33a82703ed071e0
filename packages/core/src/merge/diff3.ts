/**
 * A line-level three-way merge (diff3) of two texts that both descend from a base. Each side is
 * diffed against the base with the core's Myers line diff; a change made by one side only is
 * taken, the same change made by both is taken once, and changes that touch the same base lines
 * differently become a conflict block written with git-style markers.
 *
 * Lines are compared WITH their line breaks, so a document keeps every byte neither side meant
 * to change: a CRLF file stays CRLF, a file with mixed line ends keeps them, and a missing final
 * line break stays missing unless a side added one. Only the marker lines are written with the
 * merge's `eol`.
 *
 * Unlike git, edits of neighbouring lines (one side changes line 3, the other line 4) merge
 * cleanly: they touch different base lines and their order is clear. Records are small and
 * edited line by line, so a conflict there would mostly be noise.
 */
import {diffLines} from '../history/line-diff.js'

/** The names written after the conflict markers (`<<<<<<< ours`, `||||||| base`, `>>>>>>> theirs`). */
export interface MergeLabels {
  ours?: string
  base?: string
  theirs?: string
}

/** One conflict block of a merged text. */
export interface ConflictHunk {
  /** 1-based line of the `<<<<<<<` marker in the merged text. */
  line: number
  /** 1-based line of the `>>>>>>>` marker in the merged text. */
  endLine: number
  /** The lines of each side in the conflicting region, without their line breaks. */
  base: string[]
  ours: string[]
  theirs: string[]
}

/** What a three-way text merge gives back. */
export interface Diff3Result {
  text: string
  /** True when no conflict block was written. */
  clean: boolean
  conflicts: ConflictHunk[]
}

export interface Diff3Options {
  labels?: MergeLabels
  /** The line break of the marker lines; by default the first one found in ours, theirs or base. */
  eol?: '\n' | '\r\n'
}

/** How long a conflict marker is (git's default). */
export const CONFLICT_MARKER_SIZE = 7

/** The default conflict labels. */
export const DEFAULT_MERGE_LABELS: Readonly<Required<MergeLabels>> = Object.freeze({ours: 'ours', base: 'base', theirs: 'theirs'})

/** One side's replacement of the base lines [start, end) (start === end: an insertion). */
interface Change {
  start: number
  end: number
  lines: string[]
  side: 'ours' | 'theirs'
}

/** A text cut after every `\n`: each piece is one line with its line break (the last may lack one). */
function splitKeepingEnds(text: string): string[] {
  const out: string[] = []
  let from = 0
  for (;;) {
    const nl = text.indexOf('\n', from)
    if (nl === -1) break
    out.push(text.slice(from, nl + 1))
    from = nl + 1
  }
  if (from < text.length) out.push(text.slice(from))
  return out
}

/** A line without its line break. */
function stripEnd(line: string): string {
  return line.endsWith('\r\n') ? line.slice(0, -2) : line.endsWith('\n') ? line.slice(0, -1) : line
}

/** The line break a text uses first, if it has one. */
function detectEol(text: string): '\n' | '\r\n' | undefined {
  const nl = text.indexOf('\n')
  if (nl === -1) return undefined
  return text[nl - 1] === '\r' ? '\r\n' : '\n'
}

/** The runs of changes that turn `base` into `side`, in base order. */
function changesOf(base: readonly string[], side: readonly string[], name: Change['side']): Change[] {
  const out: Change[] = []
  let at = 0
  let open: Change | undefined
  for (const line of diffLines(base, side)) {
    if (line.op === ' ') {
      open = undefined
      at++
      continue
    }
    if (open === undefined) {
      open = {start: at, end: at, lines: [], side: name}
      out.push(open)
    }
    if (line.op === '-') {
      at++
      open.end = at
    } else {
      open.lines.push(line.text)
    }
  }
  return out
}

/** True when a change ends its side's text without a final line break (it then reaches the base's end). */
function endsOpen(change: Change): boolean {
  const last = change.lines[change.lines.length - 1]
  return last !== undefined && !last.endsWith('\n')
}

/**
 * Whether changes from the two sides touch the same base lines, so that their order cannot be
 * decided. Changes that only meet at a boundary (one ends where the other starts, or an insertion
 * at either end of a replaced range) have a clear order and merge cleanly; two insertions at the
 * same place do not, nor does an insertion at the end after a change that dropped the final line
 * break (the lines would run together).
 */
function overlaps(a: Change, b: Change): boolean {
  const aEmpty = a.start === a.end
  const bEmpty = b.start === b.end
  if (aEmpty && bEmpty) return a.start === b.start
  if ((bEmpty && b.start === a.end && endsOpen(a)) || (aEmpty && a.start === b.end && endsOpen(b))) return true
  if (aEmpty) return b.start < a.start && a.start < b.end
  if (bEmpty) return a.start < b.start && b.start < a.end
  return a.start < b.end && b.start < a.end
}

/** One side's lines for the base region [start, end), given that side's changes inside it. */
function sideRegion(base: readonly string[], start: number, end: number, changes: readonly Change[]): string[] {
  const out: string[] = []
  let at = start
  for (const change of changes) {
    for (; at < change.start; at++) out.push(base[at] as string)
    out.push(...change.lines)
    at = change.end
  }
  for (; at < end; at++) out.push(base[at] as string)
  return out
}

function sameLines(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((line, i) => line === b[i])
}

/**
 * Merges `ours` and `theirs`, both edited from `base`. Conflicting regions are written as
 *
 * ```
 * <<<<<<< ours
 * (ours' lines)
 * ||||||| base
 * (base's lines)
 * =======
 * (theirs' lines)
 * >>>>>>> theirs
 * ```
 *
 * and returned structurally with their line numbers in the merged text. A side's last line that
 * has no line break gets one inside a block, so that the marker after it stays on its own line.
 */
export function mergeText(base: string, ours: string, theirs: string, options: Diff3Options = {}): Diff3Result {
  // The common cases give a side back byte for byte.
  if (ours === theirs || base === theirs) return {text: ours, clean: true, conflicts: []}
  if (base === ours) return {text: theirs, clean: true, conflicts: []}
  const labels = {...DEFAULT_MERGE_LABELS, ...options.labels}
  const eol = options.eol ?? detectEol(ours) ?? detectEol(theirs) ?? detectEol(base) ?? '\n'
  const baseLines = splitKeepingEnds(base)
  const changes = [
    ...changesOf(baseLines, splitKeepingEnds(ours), 'ours'),
    ...changesOf(baseLines, splitKeepingEnds(theirs), 'theirs'),
  ]
  // Insertions sort before a replacement starting at the same line: they come first in the text.
  changes.sort((a, b) => a.start - b.start || a.end - b.end)

  const out: string[] = []
  const conflicts: ConflictHunk[] = []
  let at = 0
  let i = 0
  while (i < changes.length) {
    const group = [changes[i] as Change]
    let j = i + 1
    // A change joins the group when it overlaps a change of the other side already in it; the
    // sort guarantees that nothing further on can overlap the group once one change does not.
    while (j < changes.length) {
      const next = changes[j] as Change
      if (!group.some((member) => member.side !== next.side && overlaps(member, next))) break
      group.push(next)
      j++
    }
    const start = Math.min(...group.map((c) => c.start))
    const end = Math.max(...group.map((c) => c.end))
    for (; at < start; at++) out.push(baseLines[at] as string)
    at = end
    const region = baseLines.slice(start, end)
    const mine = sideRegion(baseLines, start, end, group.filter((c) => c.side === 'ours'))
    const yours = sideRegion(baseLines, start, end, group.filter((c) => c.side === 'theirs'))
    if (sameLines(mine, yours) || sameLines(region, yours)) out.push(...mine)
    else if (sameLines(region, mine)) out.push(...yours)
    else {
      const line = out.length + 1
      const block = (marker: string, label: string) => `${marker.repeat(CONFLICT_MARKER_SIZE)}${label === '' ? '' : ` ${label}`}${eol}`
      const closed = (lines: string[]) => lines.map((l) => (l.endsWith('\n') ? l : l + eol))
      out.push(block('<', labels.ours), ...closed(mine), block('|', labels.base), ...closed(region), block('=', ''))
      out.push(...closed(yours), block('>', labels.theirs))
      conflicts.push({line, endLine: out.length, base: region.map(stripEnd), ours: mine.map(stripEnd), theirs: yours.map(stripEnd)})
    }
    i = j
  }
  for (; at < baseLines.length; at++) out.push(baseLines[at] as string)
  return {text: out.join(''), clean: conflicts.length === 0, conflicts}
}

/** A conflict block found in a text, with the raw lines (line breaks kept) of each part. */
export interface MarkedBlock extends ConflictHunk {
  /** Index of the `<<<<<<<` line and one past the `>>>>>>>` line in `splitKeepingEnds(text)`. */
  from: number
  to: number
  raw: {ours: string[]; base: string[]; theirs: string[]}
}

function isMarker(line: string, char: string): boolean {
  const text = stripEnd(line)
  const marker = char.repeat(CONFLICT_MARKER_SIZE)
  return text === marker || text.startsWith(`${marker} `)
}

/**
 * The complete conflict blocks of a text (`<<<<<<<` … `=======` … `>>>>>>>`, with or without the
 * `|||||||` base part; without it `base` is empty). `firstLine` is the line number of the text's
 * first line in its file. Unfinished blocks are not conflicts: they are left as text.
 */
export function findConflictBlocks(text: string, firstLine = 1): MarkedBlock[] {
  const lines = splitKeepingEnds(text)
  const found: MarkedBlock[] = []
  let i = 0
  while (i < lines.length) {
    if (!isMarker(lines[i] as string, '<')) {
      i++
      continue
    }
    const raw = {ours: [] as string[], base: [] as string[], theirs: [] as string[]}
    let part: keyof typeof raw = 'ours'
    let j = i + 1
    let closed = false
    for (; j < lines.length; j++) {
      const line = lines[j] as string
      if (isMarker(line, '<')) break
      if (part === 'ours' && isMarker(line, '|')) part = 'base'
      else if (part !== 'theirs' && isMarker(line, '=')) part = 'theirs'
      else if (part === 'theirs' && isMarker(line, '>')) {
        closed = true
        break
      } else raw[part].push(line)
    }
    if (!closed) {
      // A second `<<<<<<<` before the end: the first one was text; look again from there.
      i = j > i + 1 && j < lines.length ? j : i + 1
      continue
    }
    found.push({
      line: firstLine + i,
      endLine: firstLine + j,
      from: i,
      to: j + 1,
      base: raw.base.map(stripEnd),
      ours: raw.ours.map(stripEnd),
      theirs: raw.theirs.map(stripEnd),
      raw,
    })
    i = j + 1
  }
  return found
}

/** The text with every conflict block replaced by one side's lines, as they were written. */
export function takeConflictSide(text: string, side: 'ours' | 'theirs' | 'base'): string {
  const blocks = findConflictBlocks(text)
  if (blocks.length === 0) return text
  const lines = splitKeepingEnds(text)
  const out: string[] = []
  let at = 0
  for (const block of blocks) {
    out.push(...lines.slice(at, block.from), ...block.raw[side])
    at = block.to
  }
  out.push(...lines.slice(at))
  return out.join('')
}
