/**
 * Full-text search: a minisearch index over the titles, tags and bodies of every document type,
 * persisted under data/cache/search/ and kept fresh by file stat. See docs/search.md.
 */
export {
  DEFAULT_SEARCH_LIMIT,
  bodyOfText,
  openSearchIndex,
  SEARCH_CACHE_DIR,
  SEARCH_CACHE_FILE,
  SEARCH_INDEX_FORMAT,
  searchCachePath,
  searchEntries,
  SearchIndex,
} from './search-index.js'
export type {
  OpenSearchIndexOptions,
  RebuildReason,
  SearchEntry,
  SearchHit,
  SearchIndexStats,
  SearchOptions,
} from './search-index.js'
export {FIELDS as SEARCH_FIELDS, SEARCH_BOOSTS} from './engine.js'
export {cutBefore, ELLIPSIS, findMatches, makeSnippet, markText, SNIPPET_LENGTH} from './snippets.js'
export type {Snippet, TextRange} from './snippets.js'
export {collapseWhitespace, markdownToSnippetText, markdownToText} from './plain-text.js'
export {fuzzyDistance, MAX_TERM_LENGTH, normalizeTerm, queryTerms, tokenize, usesPrefix} from './tokenize.js'
