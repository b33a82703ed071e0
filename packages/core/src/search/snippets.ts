/**
 * Snippets: a short plain-text excerpt of a document around its best match, with the matched words
 * located by offset (for a renderer that colours them) and marked with `**` (for one that cannot).
 * Cuts fall on spaces where possible and never inside a surrogate pair, a combining sequence or an
 * emoji ZWJ sequence.
 */
import {normalizeTerm} from './tokenize.js'

/** A range of a string in UTF-16 code units (JavaScript string indices), `end` exclusive. */
export interface TextRange {
  start: number
  end: number
}

/** An excerpt with its matches. */
export interface Snippet {
  /** Plain text, white space collapsed; `…` where it was cut from a longer text. */
  text: string
  /** `text` with every match wrapped in `**`. */
  marked: string
  /** Where the matched words are in `text`, in order, not overlapping. */
  matches: TextRange[]
  /** What the excerpt was taken from. */
  source: 'body' | 'title'
}

/** The default snippet length, in UTF-16 code units (ellipses not counted). */
export const SNIPPET_LENGTH = 120

export const ELLIPSIS = '…'

const WORD = /[\p{L}\p{N}\p{M}]+/gu

/** The words of `text` whose normalised form is one of `terms`. */
export function findMatches(text: string, terms: ReadonlySet<string>): TextRange[] {
  const out: TextRange[] = []
  if (terms.size === 0) return out
  for (const word of text.matchAll(WORD)) {
    const term = normalizeTerm(word[0])
    if (term !== null && terms.has(term)) out.push({start: word.index, end: word.index + word[0].length})
  }
  return out
}

/** Wraps every range of `text` in `open` … `close`. Ranges must be sorted and not overlap. */
export function markText(text: string, matches: readonly TextRange[], open = '**', close = open): string {
  let out = ''
  let last = 0
  for (const {start, end} of matches) {
    out += text.slice(last, start) + open + text.slice(start, end) + close
    last = end
  }
  return out + text.slice(last)
}

/**
 * Cuts `text` (already plain, white space collapsed) to about `length` code units around the
 * window holding the most distinct matched terms (then the most matches). Without a match the
 * excerpt is the start of the text.
 */
export function makeSnippet(
  text: string,
  terms: ReadonlySet<string>,
  source: Snippet['source'] = 'body',
  length = SNIPPET_LENGTH,
): Snippet {
  const width = Math.max(1, Math.floor(length))
  const matches = findMatches(text, terms)
  let start = 0
  let end = text.length
  if (text.length > width) {
    const best = bestWindow(text, matches, width)
    if (best === undefined) {
      end = cutBefore(text, width)
      const space = text.lastIndexOf(' ', end)
      if (space > width / 2) end = space
    } else {
      ;({start, end} = frame(text, best, width))
    }
  }
  const prefix = start > 0 ? ELLIPSIS : ''
  const suffix = end < text.length ? ELLIPSIS : ''
  const shift = prefix.length - start
  const inside = matches
    .filter((m) => m.start >= start && m.end <= end)
    .map((m) => ({start: m.start + shift, end: m.end + shift}))
  const excerpt = prefix + text.slice(start, end) + suffix
  return {text: excerpt, marked: markText(excerpt, inside), matches: inside, source}
}

/** The span from the first to the last match of the best window of at most `width` units. */
function bestWindow(text: string, matches: readonly TextRange[], width: number): TextRange | undefined {
  if (matches.length === 0) return undefined
  const termOf = matches.map((m) => normalizeTerm(text.slice(m.start, m.end)))
  let best: {from: number; to: number; distinct: number; count: number} | undefined
  let to = 0
  for (let from = 0; from < matches.length; from++) {
    const first = matches[from] as TextRange
    if (to < from) to = from
    while (to + 1 < matches.length && (matches[to + 1] as TextRange).end - first.start <= width) to++
    const distinct = new Set(termOf.slice(from, to + 1)).size
    const count = to - from + 1
    if (best === undefined || distinct > best.distinct || (distinct === best.distinct && count > best.count)) {
      best = {from, to, distinct, count}
    }
  }
  const {from, to: last} = best as {from: number; to: number}
  return {start: (matches[from] as TextRange).start, end: (matches[last] as TextRange).end}
}

/** Places a window of about `width` units around `span`, about a third of the slack before it. */
function frame(text: string, span: TextRange, width: number): TextRange {
  const spanEnd = Math.min(span.end, span.start + width)
  const slack = width - (spanEnd - span.start)
  let start = Math.max(0, span.start - Math.floor(slack / 3))
  let end = Math.min(text.length, start + width)
  if (end - start < width) start = Math.max(0, end - width)
  if (start > 0) {
    // Start on a word: just after the first space in the lead-in, else on a safe boundary.
    const space = text.indexOf(' ', start - 1)
    start = space !== -1 && space < span.start ? space + 1 : cutBefore(text, start)
  }
  if (end < text.length) {
    // End on a word: at the last space after the match, else on a safe boundary.
    const space = text.lastIndexOf(' ', end)
    end = space >= spanEnd ? space : cutBefore(text, end)
  }
  return {start, end: Math.max(end, start)}
}

/**
 * The nearest index at or before `index` where text can be cut without splitting a character:
 * not between the halves of a surrogate pair, not before a combining mark, variation selector,
 * emoji modifier or tag character, not on either side of a zero-width joiner.
 */
export function cutBefore(text: string, index: number): number {
  let i = Math.max(0, Math.min(index, text.length))
  while (i > 0 && i < text.length && !isBoundary(text, i)) i--
  return i
}

function isBoundary(text: string, i: number): boolean {
  const unit = text.charCodeAt(i)
  if (unit >= 0xdc00 && unit <= 0xdfff && isHighSurrogate(text.charCodeAt(i - 1))) return false
  if (text.charCodeAt(i - 1) === 0x200d) return false
  const cp = text.codePointAt(i) as number
  return !isExtender(cp)
}

function isHighSurrogate(unit: number): boolean {
  return unit >= 0xd800 && unit <= 0xdbff
}

const MARK = /\p{M}/u

function isExtender(cp: number): boolean {
  return (
    cp === 0x200d || // zero-width joiner
    (cp >= 0xfe00 && cp <= 0xfe0f) || // variation selectors
    (cp >= 0x1f3fb && cp <= 0x1f3ff) || // emoji skin-tone modifiers
    (cp >= 0xe0020 && cp <= 0xe007f) || // tag characters (subdivision flags)
    (cp >= 0xe0100 && cp <= 0xe01ef) || // variation selectors supplement
    MARK.test(String.fromCodePoint(cp))
  )
}
