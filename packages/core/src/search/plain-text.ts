/**
 * A cheap Markdown-to-plain-text pass for search: a handful of regular expressions instead of a
 * Markdown parser (remark costs far more than a search can afford). It keeps every word a reader
 * sees and drops the syntax around it: heading and quote markers, list bullets and task boxes,
 * emphasis, code fences and backticks, link and image URLs, HTML tags and comments, table pipes.
 * It is not a CommonMark implementation; the odd construct it misreads only costs a stray
 * character in a snippet.
 */

/** A fenced code block: opening fence, content, closing fence of the same kind (or end of text). */
const FENCE = /^ {0,3}(`{3,}|~{3,})[^\n]*(?:\n|$)([\s\S]*?)(?:^ {0,3}\1[`~]*[ \t]*$|(?![\s\S]))/gm

const HTML_COMMENT = /<!--[\s\S]*?(?:-->|$)/g
const REFERENCE_DEFINITION = /^ {0,3}\[[^\]\n]+\]:[ \t]*\S[^\n]*$/gm
const THEMATIC_BREAK = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/gm
const SETEXT_UNDERLINE = /^ {0,3}=+[ \t]*$/gm
const TABLE_DELIMITER = /^[ \t]*\|?(?:[ \t]*:?-+:?[ \t]*\|)+[ \t]*(?::?-+:?[ \t]*)?$/gm
const BLOCK_QUOTE = /^[ \t]*(?:>[ \t]?)+/gm
const LIST_MARKER = /^[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+(?:\[[ xX]\][ \t]+)?/gm
const ATX_HEADING = /^[ \t]{0,3}#{1,6}(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/gm

const INLINE_CODE = /(`+)([^`]|[^`][\s\S]*?[^`])\1(?!`)/g
const IMAGE = /!\[([^\]\n]*)\]\((?:[^()\n]|\([^()\n]*\))*\)/g
const WIKILINK = /\[\[([^\]|\n]+)(?:\|([^\]\n]+))?\]\]/g
const INLINE_LINK = /\[([^\]\n]*)\]\((?:[^()\n]|\([^()\n]*\))*\)/g
const REFERENCE_LINK = /\[([^\]\n]+)\]\[[^\]\n]*\]/g
const AUTOLINK = /<((?:https?|ftp|mailto):[^>\s]+|[^>\s@]+@[^>\s]+)>/g
const HTML_TAG = /<\/?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?\/?>/g
const STRONG = /(\*\*|__)(?=\S)([\s\S]*?\S)\1/g
const EMPHASIS_STAR = /(^|[^\p{L}\p{N}*\\])\*(?=[^\s*])([^*\n]*?[^\s*\\])\*(?![\p{L}\p{N}*])/gu
const EMPHASIS_UNDERSCORE = /(^|[^\p{L}\p{N}_\\])_(?=[^\s_])([^_\n]*?[^\s_\\])_(?![\p{L}\p{N}_])/gu
const STRIKETHROUGH = /~~(?=\S)([\s\S]*?\S)~~/g
const TABLE_PIPE = /\|/g
const ESCAPE = /\\([!-/:-@[-`{-~])/g
const ENTITY = /&(amp|lt|gt|quot|apos|nbsp|#39);/g
const ENTITIES: Readonly<Record<string, string>> = {amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', '#39': "'"}

/** Strips Markdown syntax from a document body, keeping the words (and line breaks). */
export function markdownToText(markdown: string): string {
  const text = markdown.replace(/\r\n?/g, '\n').replace(HTML_COMMENT, ' ')
  let out = ''
  let last = 0
  // Code blocks keep their content verbatim (code is searchable), only the fences go.
  for (const fence of text.matchAll(FENCE)) {
    out += proseToText(text.slice(last, fence.index)) + (fence[2] ?? '')
    last = fence.index + fence[0].length
  }
  return out + proseToText(text.slice(last))
}

/** Markdown body → one line of plain text with single spaces (what snippets are cut from). */
export function markdownToSnippetText(markdown: string): string {
  return collapseWhitespace(markdownToText(markdown))
}

/** Collapses every run of white space to one space and trims the ends. */
export function collapseWhitespace(text: string): string {
  return text.replace(/\s+/g, ' ').trim()
}

function proseToText(prose: string): string {
  if (prose === '') return ''
  // Each pass runs only when its marker character occurs at all (most bodies have few kinds).
  let text = prose
  if (text.includes('[')) text = text.replace(REFERENCE_DEFINITION, '')
  if (/^[ \t]*[-*_=|]/m.test(text)) {
    text = text.replace(THEMATIC_BREAK, '').replace(SETEXT_UNDERLINE, '').replace(TABLE_DELIMITER, '')
  }
  if (text.includes('>')) text = text.replace(BLOCK_QUOTE, '')
  text = text.replace(LIST_MARKER, '')
  if (text.includes('#')) text = text.replace(ATX_HEADING, '$1')
  if (text.includes('`')) text = text.replace(INLINE_CODE, (_, _ticks: string, code: string) => code.trim() || code)
  if (text.includes('[')) {
    text = text
      .replace(IMAGE, '$1')
      .replace(WIKILINK, (_, target: string, alias: string | undefined) => alias ?? target)
      .replace(INLINE_LINK, '$1')
      .replace(REFERENCE_LINK, '$1')
  }
  if (text.includes('<')) text = text.replace(AUTOLINK, '$1').replace(HTML_TAG, ' ')
  if (text.includes('*') || text.includes('_')) {
    text = text.replace(STRONG, '$2').replace(EMPHASIS_STAR, '$1$2').replace(EMPHASIS_UNDERSCORE, '$1$2')
  }
  if (text.includes('~~')) text = text.replace(STRIKETHROUGH, '$1')
  if (text.includes('|')) text = text.replace(TABLE_PIPE, ' ')
  if (text.includes('\\')) text = text.replace(ESCAPE, '$1')
  if (text.includes('&')) text = text.replace(ENTITY, (_, name: string) => ENTITIES[name] ?? '')
  return text
}
