/**
 * Full-text search over every document type, on minisearch (BM25+ ranking, prefix and fuzzy
 * matching over a radix tree). The index is persisted under data/cache/search/ with a manifest of
 * the stat (mtime, size) and a content hash of every file it was built from, so that a warm
 * search reads one cache file plus the stats the caller already has, and re-indexes only the
 * files that changed. The cache is disposable: missing, corrupt or from another format version,
 * it is rebuilt from the documents without a word.
 */
import {createHash} from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import type {SearchResult} from 'minisearch'
import type {DocumentRecord} from '../document.js'
import {UsageError} from '../errors.js'
import {resolveInside, writeFileAtomic} from '../fs-safe.js'
import {markdownToSnippetText, markdownToText} from './plain-text.js'
import {findMatches, makeSnippet, SNIPPET_LENGTH, type Snippet, type TextRange} from './snippets.js'
import {SearchEngine, type IndexedDocument, type SerializedEngine} from './engine.js'
import {queryTerms} from './tokenize.js'

/**
 * Version of the cache format. Bump it whenever anything that shapes the index changes (fields,
 * tokenizer, term normalisation, Markdown stripping, stored fields, manifest layout): an index
 * written by another version is rebuilt.
 */
export const SEARCH_INDEX_FORMAT = 'psp-search/1'

/** Where the index is kept, relative to the workspace root. */
export const SEARCH_CACHE_DIR = 'data/cache/search'

/** The cache file inside the cache folder. */
export const SEARCH_CACHE_FILE = 'index.json'

/** Archived records are never searched. */
const ARCHIVE_PREFIX = 'data/archive/'

/** Default number of hits returned. */
export const DEFAULT_SEARCH_LIMIT = 20

/** A racy file whose mtime is at least this far in the past gets the cache re-saved. */
const RACY_SLACK_MS = 20

/** Vacuum (purge discarded documents from the postings) once this many have piled up … */
const VACUUM_MIN_DIRT = 20
/** … and they make up at least this share of the index (minisearch's own defaults). */
const VACUUM_MIN_DIRT_FACTOR = 0.1

/** One document file as the caller sees it now: its stat, and how to read it. */
export interface SearchEntry {
  /** Workspace-relative path with forward slashes (the document's key in the index). */
  path: string
  mtimeMs: number
  size: number
  /** Reads and parses the file. Throwing marks the file unreadable (skipped until it changes). */
  load(): DocumentRecord
  /**
   * Optional: reads only the Markdown body, without parsing the frontmatter. Snippets use it when
   * given (a warm search then never loads the YAML parser); otherwise they use `load().body`.
   */
  body?(): string
}

export interface OpenSearchIndexOptions {
  /** The workspace root (absolute). */
  root: string
  /** Every document file of the workspace as it is now (archived ones are ignored). */
  entries: Iterable<SearchEntry>
  /** Cache folder, relative to `root` (and inside it). Default `data/cache/search`. */
  cacheDir?: string
  /** Write the cache back when something changed. Default true. */
  save?: boolean
  /** Ignore the cache and index every document again. Default false. */
  rebuild?: boolean
}

/** Why the index was built from scratch. */
export type RebuildReason = 'missing' | 'corrupt' | 'version' | 'forced'

/** What opening the index did. */
export interface SearchIndexStats {
  /** Documents in the index. */
  documents: number
  /** Files indexed for the first time (every file when rebuilt). */
  added: number
  /** Files indexed again because their content changed. */
  updated: number
  /** Files that left the index (deleted, archived, or unreadable now). */
  removed: number
  /** Files whose indexed content was kept as it was. */
  unchanged: number
  /** Current files not in the index because they could not be read. */
  unreadable: number
  /** How many files were read (`load()` calls) while opening. */
  loaded: number
  /** Why the index was rebuilt from scratch, or null when the cache was used. */
  rebuilt: RebuildReason | null
  /** True when the cache file was written. */
  saved: boolean
  /**
   * Why writing the cache failed. The index is still usable; the next run starts again from the
   * old cache, or from scratch.
   */
  saveError?: string
}

export interface SearchOptions {
  /** Only documents of this type (or these types). */
  type?: string | readonly string[]
  /** At most this many hits (a positive integer). Default 20. */
  limit?: number
  /** `all` (default): every word must match; `any`: documents matching any word, ranked. */
  match?: 'all' | 'any'
  /** Snippet length in UTF-16 code units. Default 120. */
  snippetLength?: number
}

/** One search hit. */
export interface SearchHit {
  id: string
  type: string
  title: string
  path: string
  /** BM25+ score with boosts (higher is better); comparable only within one search. */
  score: number
  /** Document terms that matched (after prefix and typo expansion), e.g. `pipeline` for `pipline`. */
  terms: string[]
  /** Where the matched words are in `title`. */
  titleMatches: TextRange[]
  snippet: Snippet
}

type FileState = {mtimeMs: number; size: number; hash: string | null}

/**
 * The cache file. `files` is the manifest and the document table at once: every current document
 * file maps to [mtimeMs, size, content hash], and an indexed one continues with its engine row
 * [short id, record id, type, title, title length, tags length, body length]; an unreadable one
 * has a null hash and nothing after it.
 */
interface CacheFile {
  format: typeof SEARCH_INDEX_FORMAT
  files: Record<string, Array<string | number | null>>
  engine: SerializedEngine
}

function tagsText(value: unknown): string {
  if (typeof value === 'string') return value
  if (Array.isArray(value)) return value.filter((t) => typeof t === 'string' || typeof t === 'number').join(' ')
  return ''
}

/** The document minisearch indexes for a record, and the hash of everything it is made from. */
function toIndexed(record: DocumentRecord, key: string): {document: IndexedDocument; hash: string} {
  const tags = tagsText(record.data['tags'])
  const hash = createHash('sha1')
    .update([record.id, record.type, record.title, tags, record.body].join('\0'))
    .digest('base64')
    .slice(0, 16)
  return {
    hash,
    document: {path: key, recordId: record.id, type: record.type, title: record.title, tags, body: markdownToText(record.body)},
  }
}

function isArchived(rel: string): boolean {
  return rel.startsWith(ARCHIVE_PREFIX)
}

/** Builds a SearchIndex from openSearchIndex without making the constructor public. */
let construct: (engine: SearchEngine, bodies: BodyReader, stats: SearchIndexStats) => SearchIndex

/** Returns the Markdown body of an indexed document (throws when it cannot be read). */
type BodyReader = (rel: string) => string

/** A searchable index. Get one with `openSearchIndex` (persisted) or `SearchIndex.fromRecords`. */
export class SearchIndex {
  private constructor(
    private readonly engine: SearchEngine,
    private readonly bodies: BodyReader,
    /** What opening the index did. */
    readonly stats: SearchIndexStats,
  ) {}

  /** An in-memory index of the given records (nothing read or written; archived ones skipped). */
  static fromRecords(records: Iterable<DocumentRecord>): SearchIndex {
    const engine = new SearchEngine()
    const bodies = new Map<string, string>()
    for (const record of records) {
      if (record.archived || isArchived(record.path) || bodies.has(record.path)) continue
      engine.add(toIndexed(record, record.path).document)
      bodies.set(record.path, record.body)
    }
    const stats = emptyStats()
    stats.documents = stats.added = engine.documentCount
    return new SearchIndex(engine, (rel) => bodies.get(rel) ?? '', stats)
  }

  static {
    construct = (engine, bodies, stats) => new SearchIndex(engine, bodies, stats)
  }

  /** Number of documents in the index. */
  get size(): number {
    return this.engine.documentCount
  }

  /** True when the document at this workspace-relative path is indexed. */
  has(rel: string): boolean {
    return this.engine.has(rel)
  }

  /**
   * Searches titles, tags and bodies. Results are ranked by score (ties by path), each with a
   * snippet of its body around the best match. Throws UsageError for a query without words or a
   * bad limit.
   */
  search(query: string, options: SearchOptions = {}): SearchHit[] {
    const terms = queryTerms(query)
    if (terms.length === 0) {
      throw new UsageError('the search query has no words to look for', {
        hint: 'search for words or numbers, e.g. psp search "deploy pipeline"',
      })
    }
    const limit = options.limit ?? DEFAULT_SEARCH_LIMIT
    if (!Number.isSafeInteger(limit) || limit < 1) {
      throw new UsageError(`limit must be a positive whole number, got ${String(limit)}`, {field: 'limit'})
    }
    const types =
      options.type === undefined ? undefined : new Set<string>(typeof options.type === 'string' ? [options.type] : options.type)
    const results = this.engine.search(query, {
      combineWith: options.match === 'any' ? 'OR' : 'AND',
      ...(types === undefined ? {} : {filter: (result: SearchResult) => types.has(result['type'] as string)}),
    })
    // minisearch returns the results by score; only ties need ordering (by path), and only those
    // that reach into the first `limit`.
    let end = Math.min(limit, results.length)
    const cut = results[end - 1]?.score
    while (end < results.length && results[end]?.score === cut) end++
    const top = results.slice(0, end).sort((a, b) => b.score - a.score || compareStrings(a.id as string, b.id as string))
    return top.slice(0, limit).map((result) => this.toHit(result, options.snippetLength ?? SNIPPET_LENGTH))
  }

  private toHit(result: SearchResult, snippetLength: number): SearchHit {
    const rel = result.id as string
    const title = result['title'] as string
    const matched = new Set(result.terms)
    let body = ''
    try {
      body = this.bodies(rel)
    } catch {
      // Gone or broken since it was indexed: fall back to the title.
    }
    const text = body === '' ? '' : markdownToSnippetText(body)
    return {
      id: result['recordId'] as string,
      type: result['type'] as string,
      title,
      path: rel,
      score: Math.round(result.score * 1e6) / 1e6,
      terms: [...result.terms].sort(),
      titleMatches: findMatches(title, matched),
      snippet:
        text === '' ? makeSnippet(title, matched, 'title', snippetLength) : makeSnippet(text, matched, 'body', snippetLength),
    }
  }
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

function emptyStats(): SearchIndexStats {
  return {documents: 0, added: 0, updated: 0, removed: 0, unchanged: 0, unreadable: 0, loaded: 0, rebuilt: null, saved: false}
}

/**
 * Stats each workspace-relative path under `root` and pairs it with `load` and a cheap body reader,
 * skipping files that vanished. A convenience for callers that already have the list of document
 * files (`listDocumentFiles`).
 */
export function searchEntries(root: string, paths: Iterable<string>, load: (rel: string) => DocumentRecord): SearchEntry[] {
  const out: SearchEntry[] = []
  for (const rel of paths) {
    const file = path.join(root, rel)
    const stat = fs.statSync(file, {throwIfNoEntry: false})
    if (stat === undefined || !stat.isFile()) continue
    out.push({
      path: rel,
      mtimeMs: stat.mtimeMs,
      size: stat.size,
      load: () => load(rel),
      body: () => bodyOfText(fs.readFileSync(file, 'utf8')) ?? load(rel).body,
    })
  }
  return out
}

/** A document's body, or undefined when the text does not start with a closed frontmatter block. */
export function bodyOfText(input: string): string | undefined {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input
  // Found the way the document parser finds it: the first line holding only ---, then the first
  // later line starting with ---, which must hold nothing else.
  if (!/^---[^\S\r\n]*[A-Za-z]*[^\S\r\n]*\r?\n/.test(text)) return undefined
  const closeAt = text.indexOf('\n---', 3)
  if (closeAt === -1) return undefined
  const rest = text.slice(closeAt + 4)
  const closing = /^[^\S\r\n]*(\r?\n|$)/.exec(rest)
  return closing === null ? undefined : rest.slice(closing[0].length)
}

/** Where the cache file of a workspace lives (absolute). */
export function searchCachePath(root: string, cacheDir = SEARCH_CACHE_DIR): string {
  return path.join(resolveInside(root, cacheDir), SEARCH_CACHE_FILE)
}

type LoadedCache =
  | {ok: true; engine: SearchEngine; files: Map<string, FileState>; mtimeMs: number}
  | {ok: false; reason: RebuildReason}

/** Reads and checks the cache file. Anything wrong with it is a reason to rebuild, never an error. */
function readCache(file: string): LoadedCache {
  let text: string
  let mtimeMs: number
  let fd: number
  try {
    fd = fs.openSync(file, 'r')
  } catch {
    return {ok: false, reason: 'missing'}
  }
  try {
    mtimeMs = fs.fstatSync(fd).mtimeMs
    text = fs.readFileSync(fd, 'utf8')
  } catch {
    return {ok: false, reason: 'corrupt'}
  } finally {
    fs.closeSync(fd)
  }
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch {
    return {ok: false, reason: 'corrupt'}
  }
  if (!isRecord(raw)) return {ok: false, reason: 'corrupt'}
  if (raw['format'] !== SEARCH_INDEX_FORMAT) return {ok: false, reason: 'format' in raw ? 'version' : 'corrupt'}
  if (!isRecord(raw['files'])) return {ok: false, reason: 'corrupt'}
  const files = new Map<string, FileState>()
  const indexed: Array<[string, unknown[]]> = []
  for (const [rel, row] of Object.entries(raw['files'])) {
    if (!Array.isArray(row) || row.length < 3) return {ok: false, reason: 'corrupt'}
    const mtimeMs: unknown = row[0]
    const size: unknown = row[1]
    const hash: unknown = row[2]
    if (typeof mtimeMs !== 'number' || typeof size !== 'number') return {ok: false, reason: 'corrupt'}
    if (hash === null && row.length === 3) {
      files.set(rel, {mtimeMs, size, hash})
    } else if (typeof hash === 'string') {
      files.set(rel, {mtimeMs, size, hash})
      indexed.push([rel, row])
    } else {
      return {ok: false, reason: 'corrupt'}
    }
  }
  try {
    return {ok: true, engine: SearchEngine.restore(raw['engine'], indexed, 3), files, mtimeMs}
  } catch {
    return {ok: false, reason: 'corrupt'}
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * Opens the search index of a workspace: loads the cache, brings it up to date with `entries`
 * (re-indexing changed files, dropping deleted ones, adding new ones) and writes it back if
 * anything changed. A missing, corrupt or other-version cache is rebuilt from scratch. Never
 * throws because of the cache; a failing `load()` only marks that file unreadable.
 *
 * A file counts as changed when its mtime or size differs from the manifest. A file whose mtime
 * is not older than the cache file itself is "racy" (it may have changed again within the same
 * clock tick, as git's index puts it) and is read again and compared by content hash.
 */
export async function openSearchIndex(options: OpenSearchIndexOptions): Promise<SearchIndex> {
  const {root} = options
  const file = searchCachePath(root, options.cacheDir ?? SEARCH_CACHE_DIR)
  const stats = emptyStats()

  const current = new Map<string, SearchEntry>()
  for (const entry of options.entries) {
    if (!isArchived(entry.path) && !current.has(entry.path)) current.set(entry.path, entry)
  }
  const bodies: BodyReader = (rel) => {
    const entry = current.get(rel)
    if (entry === undefined) return ''
    return entry.body === undefined ? entry.load().body : entry.body()
  }

  const read = (entry: SearchEntry): {document: IndexedDocument; hash: string} | null => {
    stats.loaded++
    try {
      const record = entry.load()
      return record.archived ? null : toIndexed(record, entry.path)
    } catch {
      // Unreadable (bad YAML, no id, too big, gone): validate reports it; search skips it.
      return null
    }
  }

  const cache: LoadedCache = options.rebuild === true ? {ok: false, reason: 'forced'} : readCache(file)
  let engine: SearchEngine
  let files: Map<string, FileState>
  let changed = false

  if (cache.ok) {
    ;({engine, files} = cache)
    for (const [rel, entry] of current) {
      const known = files.get(rel)
      const sameStat = known !== undefined && known.mtimeMs === entry.mtimeMs && known.size === entry.size
      if (sameStat && known.mtimeMs < cache.mtimeMs) {
        if (known.hash === null) stats.unreadable++
        else stats.unchanged++
        continue
      }
      const fresh = read(entry)
      const hash = fresh === null ? null : fresh.hash
      if (known !== undefined && known.hash === hash) {
        // Same content: a touch, a checkout, or a racy file that did not change. A racy file now
        // safely in the past is settled by saving again (the new cache is newer than the file);
        // one dated in the future stays racy, costing one read per open, not a save.
        if (!sameStat || entry.mtimeMs < Date.now() - RACY_SLACK_MS) changed = true
        files.set(rel, {mtimeMs: entry.mtimeMs, size: entry.size, hash})
        if (hash === null) stats.unreadable++
        else stats.unchanged++
        continue
      }
      changed = true
      if (known?.hash != null) engine.discard(rel)
      if (fresh !== null) {
        engine.add(fresh.document)
        if (known?.hash != null) stats.updated++
        else stats.added++
      } else {
        stats.unreadable++
        if (known?.hash != null) stats.removed++
      }
      files.set(rel, {mtimeMs: entry.mtimeMs, size: entry.size, hash})
    }
    for (const [rel, state] of files) {
      if (current.has(rel)) continue
      changed = true
      files.delete(rel)
      if (state.hash !== null) {
        engine.discard(rel)
        stats.removed++
      }
    }
    if (engine.dirtCount >= VACUUM_MIN_DIRT && engine.dirtFactor >= VACUUM_MIN_DIRT_FACTOR) {
      // One pass, no pauses between batches: nothing else is waiting on this process.
      await engine.vacuum({batchSize: Number.MAX_SAFE_INTEGER})
    }
  } else {
    stats.rebuilt = cache.reason
    changed = true
    engine = new SearchEngine()
    files = new Map()
    for (const [rel, entry] of current) {
      // One at a time, so that each document's text can be collected once it is indexed.
      const fresh = read(entry)
      files.set(rel, {mtimeMs: entry.mtimeMs, size: entry.size, hash: fresh?.hash ?? null})
      if (fresh === null) {
        stats.unreadable++
      } else {
        engine.add(fresh.document)
        stats.added++
      }
    }
  }

  stats.documents = engine.documentCount
  if (changed && options.save !== false) {
    try {
      writeCache(file, engine, files)
      stats.saved = true
    } catch (error) {
      // The cache is an optimisation: a read-only checkout still searches.
      stats.saveError = error instanceof Error ? error.message : String(error)
    }
  }
  return construct(engine, bodies, stats)
}

function writeCache(file: string, engine: SearchEngine, files: ReadonlyMap<string, FileState>): void {
  const table: CacheFile['files'] = {}
  for (const [rel, state] of files) {
    if (state.hash === null) {
      table[rel] = [state.mtimeMs, state.size, null]
      continue
    }
    const row = engine.documentRow(rel)
    // (A hash without a row cannot happen; left out, the file would be indexed again next time.)
    if (row !== undefined) table[rel] = [state.mtimeMs, state.size, state.hash, ...row]
  }
  const payload: CacheFile = {format: SEARCH_INDEX_FORMAT, files: table, engine: engine.serialize()}
  writeFileAtomic(file, JSON.stringify(payload))
}
