/**
 * A main spec whose Purpose was never written: the sentence archive puts into a capability it
 * creates, or a leading TBD / TODO marker. Reported as a warning pointing at the line to replace.
 */
import {buildCodeFenceMask} from './code-fence.js'
import {PURPOSE_PLACEHOLDER_PREFIX, PURPOSE_PLACEHOLDER_SUFFIX} from './validation-messages.js'

/** No letter, digit, combining mark or underscore follows (so `TBDs` and `TODOs` are words, not markers). */
const WORD_END = '(?![\\p{L}\\p{N}\\p{M}_])'
/** Punctuation or the end of the line after the marker. */
const MARKER_PUNCTUATION = '(?=[ \\t]*(?:$|\\n|[:\\-\u2013\u2014.,;()\\[\\]{}]))'
/** `TBD` / `TODO` in capitals is a marker whatever follows; in any other case only before punctuation (Spanish "Todo el…" is prose). */
const SHOUTED = new RegExp(`^(?:TBD|TODO)${WORD_END}`, 'u')
const PUNCTUATED = new RegExp(`^(?:TBD|TODO)${WORD_END}${MARKER_PUNCTUATION}`, 'iu')
const PURPOSE_HEADING = /^ {0,3}##(?!#)[ \t]+Purpose[ \t]*$/i
const TOP_HEADING = /^ {0,3}#{1,2}(?!#)[ \t]+/

function unfencedLines(text: string): string[] {
  const lines = text.replace(/\r\n?/g, '\n').split('\n')
  const fenced = buildCodeFenceMask(lines)
  return lines.filter((_, i) => !fenced[i])
}

/** Where archive's placeholder sentence starts (the prefix closest before a suffix), if present. */
function placeholderIndex(text: string): number | undefined {
  let suffixAt = text.indexOf(PURPOSE_PLACEHOLDER_SUFFIX)
  while (suffixAt !== -1) {
    const prefixAt = text.lastIndexOf(PURPOSE_PLACEHOLDER_PREFIX, suffixAt)
    if (prefixAt !== -1) return prefixAt
    suffixAt = text.indexOf(PURPOSE_PLACEHOLDER_SUFFIX, suffixAt + 1)
  }
  return undefined
}

/**
 * Null when the Purpose (`overview`) reads as written by someone; otherwise the line of the spec
 * carrying the placeholder, when it can be located (`content` is the whole spec).
 */
export function findPurposePlaceholderIssue(overview: string, content?: string): {line: number | undefined} | null {
  const prose = unfencedLines(overview).join('\n').trim()
  const leading = SHOUTED.test(prose) || PUNCTUATED.test(prose)
  if (!leading && placeholderIndex(prose) === undefined) return null
  return {line: content === undefined ? undefined : placeholderLine(content, leading)}
}

function placeholderLine(content: string, leading: boolean): number | undefined {
  const lines = content.replace(/\r\n?/g, '\n').split('\n')
  const fenced = buildCodeFenceMask(lines)
  const heading = lines.findIndex((l, i) => !fenced[i] && PURPOSE_HEADING.test(l))
  if (heading === -1) return undefined
  const section: Array<{line: number; text: string}> = []
  for (let i = heading + 1; i < lines.length; i++) {
    if (fenced[i]) continue
    const text = lines[i] as string
    if (TOP_HEADING.test(text)) break
    if (leading && text.trim()) return i + 1
    section.push({line: i + 1, text})
  }
  if (leading) return undefined
  const purpose = section.map((s) => s.text).join('\n')
  const at = placeholderIndex(purpose)
  if (at === undefined) return undefined
  return section[purpose.slice(0, at).split('\n').length - 1]?.line
}
