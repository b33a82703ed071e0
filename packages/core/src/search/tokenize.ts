/**
 * How text becomes search terms. The same two functions run over documents when they are indexed
 * and over the query when it is searched, and the snippet code uses them to find the words that
 * matched, so all three always agree.
 */

/** A word: a run of letters, digits and combining marks. Everything else separates words. */
const WORD = /[\p{L}\p{N}\p{M}]+/gu

/** Longer tokens (hashes, base64, minified blobs) are not worth indexing. */
export const MAX_TERM_LENGTH = 64

// eslint-disable-next-line no-control-regex
const ASCII = /^[\x00-\x7f]*$/
const DIACRITICS = /[\u0300-\u036f]/g

/** Splits text into words (see WORD). Markdown punctuation, emoji and symbols are separators. */
export function tokenize(text: string): string[] {
  return text.match(WORD) ?? []
}

/**
 * Normalises one word into an index term: lower case, compatibility forms folded (`ﬁ` → `fi`,
 * full-width → ASCII), Latin/Greek/Cyrillic diacritics removed (`Café` → `cafe`). Returns null for
 * words that are not indexed (too long).
 */
export function normalizeTerm(word: string): string | null {
  if (word.length === 0 || word.length > MAX_TERM_LENGTH) return null
  if (ASCII.test(word)) return word.toLowerCase()
  const folded = word.normalize('NFKD').replace(DIACRITICS, '').normalize('NFC').toLowerCase()
  return folded === '' ? null : folded
}

/** The distinct terms of a query, in order (what the index will look for). */
export function queryTerms(query: string): string[] {
  const out: string[] = []
  for (const word of tokenize(query)) {
    const term = normalizeTerm(word)
    if (term !== null && !out.includes(term)) out.push(term)
  }
  return out
}

/**
 * Typo tolerance for one query term, as a maximum edit distance: none for terms of up to 4
 * characters (too many short words are one edit apart), 1 edit for 5–9 characters, 2 from 10 on.
 */
export function fuzzyDistance(term: string): number | false {
  const length = [...term].length
  if (length >= 10) return 2
  if (length >= 5) return 1
  return false
}

/** Prefix matching applies to every query term of at least 3 characters. */
export function usesPrefix(term: string): boolean {
  return [...term].length >= 3
}
