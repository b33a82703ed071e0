/**
 * The minisearch engine psp searches with, and its compact on-disk form.
 *
 * minisearch's own `toJSON`/`loadJSON` store every posting as a JSON object property and rebuild
 * every posting list as a Map on load. Measured on 10,000 documents of 1–3 KB: a 14 MB file, about
 * four times the load time of this format, and 230 MiB of memory instead of 100. This subclass
 * saves each posting list as one short string and decodes it only when a search, an update or a
 * vacuum first touches it. (minisearch keeps its state in `protected` fields, so a subclass may
 * do this.) Ranking, prefix and fuzzy matching, and add/discard/vacuum are all minisearch's own.
 *
 * `restore` relies on the internal fields of minisearch 7.2 (pinned exactly in package.json).
 * When you upgrade minisearch, check them and bump SEARCH_INDEX_FORMAT. The persistence tests
 * compare a restored index with a freshly built one.
 */
import MiniSearch, {type Options} from 'minisearch'
import {fuzzyDistance, normalizeTerm, tokenize, usesPrefix} from './tokenize.js'

/** What minisearch indexes for one document (the body already stripped of Markdown syntax). */
export interface IndexedDocument {
  /** The document's key: its workspace-relative path. */
  path: string
  /** The record's id (not `id`: minisearch spreads stored fields over its own `id`, the path). */
  recordId: string
  type: string
  title: string
  tags: string
  body: string
}

/** Indexed fields, in field-id order (part of the cache format). */
export const FIELDS = ['title', 'tags', 'body'] as const

/** Field boosts: a word in the title counts three times as much as in the body, tags twice. */
export const SEARCH_BOOSTS: Readonly<Record<(typeof FIELDS)[number], number>> = {title: 3, tags: 2, body: 1}

function engineOptions(): Options<IndexedDocument> {
  return {
    idField: 'path',
    fields: [...FIELDS],
    storeFields: ['recordId', 'type', 'title'],
    tokenize: (text) => tokenize(text),
    processTerm: (term) => normalizeTerm(term),
    // Vacuuming is decided by openSearchIndex, once, after all updates.
    autoVacuum: false,
    // The core never prints.
    logger: () => undefined,
    searchOptions: {
      boost: {...SEARCH_BOOSTS},
      prefix: (term) => usesPrefix(term),
      fuzzy: (term) => fuzzyDistance(term),
      maxFuzzy: 2,
    },
  }
}

/** A live document as stored: short id, stored fields, then the length of each field. */
export type DocumentRow = [shortId: number, recordId: string, type: string, title: string, ...lengths: number[]]

/** Number of values in a DocumentRow. */
export const DOCUMENT_ROW_LENGTH = 4 + FIELDS.length

/** The engine's own part of the cache file (documents are stored with the manifest). */
export interface SerializedEngine {
  nextId: number
  dirtCount: number
  averageFieldLength: number[]
  /** [term, fieldId, postings, fieldId, postings, …] for every term. */
  terms: Array<Array<string | number>>
}

export class SearchEngine extends MiniSearch<IndexedDocument> {
  constructor() {
    super(engineOptions())
  }

  /** The row of an indexed document (by path), for the cache file. */
  documentRow(rel: string): DocumentRow | undefined {
    const shortId = this._idToShortId.get(rel)
    if (shortId === undefined) return undefined
    const stored = this._storedFields.get(shortId) ?? {}
    const lengths = this._fieldLength.get(shortId) ?? []
    return [
      shortId,
      String(stored['recordId'] ?? ''),
      String(stored['type'] ?? ''),
      String(stored['title'] ?? ''),
      ...FIELDS.map((_, i) => lengths[i] ?? 0),
    ]
  }

  /** The postings and counters as plain JSON data (lists never decoded are copied as they are). */
  serialize(): SerializedEngine {
    const terms: Array<Array<string | number>> = []
    for (const [term, fields] of this._index) {
      const row: Array<string | number> = [term]
      for (const [fieldId, postings] of fields) {
        const encoded = encodePostings(postings)
        if (encoded !== '') row.push(fieldId, encoded)
      }
      if (row.length > 1) terms.push(row)
    }
    return {
      nextId: this._nextId,
      dirtCount: this._dirtCount,
      averageFieldLength: FIELDS.map((_, i) => this._avgFieldLength[i] ?? 0),
      terms,
    }
  }

  /**
   * Rebuilds an engine from `serialize()` output and the rows of its documents: each document row
   * is found in `row` from index `offset` on. Throws on anything malformed.
   */
  static restore(
    data: unknown,
    documents: ReadonlyArray<readonly [rel: string, row: readonly unknown[]]>,
    offset = 0,
  ): SearchEngine {
    if (!isRecord(data)) throw new Error('engine: not an object')
    const {nextId, dirtCount, averageFieldLength, terms} = data
    if (!isCount(nextId) || !isCount(dirtCount)) throw new Error('engine: bad counters')
    const averages: unknown = averageFieldLength
    if (!Array.isArray(averages) || averages.length !== FIELDS.length || !averages.every(isNumber)) {
      throw new Error('engine: bad averageFieldLength')
    }
    if (!Array.isArray(terms)) throw new Error('engine: bad terms')
    const engine = new SearchEngine()
    for (const [rel, row] of documents) {
      if (row.length !== offset + DOCUMENT_ROW_LENGTH) throw new Error(`engine: bad row for ${rel}`)
      const shortId = row[offset]
      const recordId = row[offset + 1]
      const type = row[offset + 2]
      const title = row[offset + 3]
      if (!isCount(shortId) || shortId >= nextId || engine._documentIds.has(shortId)) {
        throw new Error(`engine: bad short id for ${rel}`)
      }
      if (typeof recordId !== 'string' || typeof type !== 'string' || typeof title !== 'string') {
        throw new Error(`engine: bad fields for ${rel}`)
      }
      const lengths: number[] = []
      for (let i = offset + 4; i < row.length; i++) {
        const length = row[i]
        if (!isCount(length)) throw new Error(`engine: bad field length for ${rel}`)
        lengths.push(length)
      }
      engine._documentIds.set(shortId, rel)
      engine._idToShortId.set(rel, shortId)
      engine._storedFields.set(shortId, {recordId, type, title})
      engine._fieldLength.set(shortId, lengths)
    }
    for (const row of terms as unknown[]) {
      if (!Array.isArray(row) || row.length < 3 || row.length % 2 === 0 || typeof row[0] !== 'string') {
        throw new Error('engine: bad term row')
      }
      const fields = new Map<number, Map<number, number>>()
      for (let i = 1; i < row.length; i += 2) {
        const fieldId: unknown = row[i]
        const postings: unknown = row[i + 1]
        if (!isCount(fieldId) || fieldId >= FIELDS.length || typeof postings !== 'string') throw new Error('engine: bad postings')
        fields.set(fieldId, new LazyPostings(postings))
      }
      engine._index.set(row[0], fields)
    }
    engine._documentCount = engine._documentIds.size
    engine._nextId = nextId
    engine._dirtCount = dirtCount
    engine._avgFieldLength = averages as number[]
    return engine
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function isNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value)
}

function isCount(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0
}

/**
 * A posting list (short document id → term frequency) as text: entries separated by `,`, each the
 * base-36 difference from the previous id, then `:` and the base-36 frequency unless it is 1.
 */
export function encodePostings(postings: ReadonlyMap<number, number>): string {
  if (postings instanceof LazyPostings) return postings.encode()
  let out = ''
  let previous = 0
  for (const [shortId, frequency] of postings) {
    if (out !== '') out += ','
    out += (shortId - previous).toString(36)
    if (frequency !== 1) out += `:${frequency.toString(36)}`
    previous = shortId
  }
  return out
}

/** Decodes `encodePostings` output into `into`. Malformed entries are skipped, never thrown. */
export function decodePostings(text: string, into: Map<number, number> = new Map()): Map<number, number> {
  if (text === '') return into
  let previous = 0
  for (const entry of text.split(',')) {
    const colon = entry.indexOf(':')
    const delta = parseInt(colon === -1 ? entry : entry.slice(0, colon), 36)
    const frequency = colon === -1 ? 1 : parseInt(entry.slice(colon + 1), 36)
    if (!Number.isSafeInteger(delta) || !Number.isSafeInteger(frequency) || frequency < 1) continue
    previous += delta
    into.set(previous, frequency)
  }
  return into
}

/**
 * A posting list that stays encoded until first used. Implements the Map interface minisearch
 * programs against; the first call of any method decodes it.
 */
export class LazyPostings implements Map<number, number> {
  private encoded: string | undefined
  private decoded: Map<number, number> | undefined

  constructor(encoded: string) {
    this.encoded = encoded
  }

  /** The encoded form, without decoding when it was never touched. */
  encode(): string {
    return this.encoded ?? encodePostings(this.map())
  }

  private map(): Map<number, number> {
    if (this.decoded === undefined) {
      this.decoded = decodePostings(this.encoded ?? '')
      this.encoded = undefined
    }
    return this.decoded
  }

  get size(): number {
    return this.map().size
  }

  get [Symbol.toStringTag](): string {
    return 'Map'
  }

  get(key: number): number | undefined {
    return this.map().get(key)
  }

  has(key: number): boolean {
    return this.map().has(key)
  }

  set(key: number, value: number): this {
    this.map().set(key, value)
    return this
  }

  delete(key: number): boolean {
    return this.map().delete(key)
  }

  clear(): void {
    this.map().clear()
  }

  forEach(callback: (value: number, key: number, map: Map<number, number>) => void, thisArg?: unknown): void {
    for (const [key, value] of this.map()) callback.call(thisArg, value, key, this)
  }

  entries(): MapIterator<[number, number]> {
    return this.map().entries()
  }

  keys(): MapIterator<number> {
    return this.map().keys()
  }

  values(): MapIterator<number> {
    return this.map().values()
  }

  [Symbol.iterator](): MapIterator<[number, number]> {
    return this.map()[Symbol.iterator]()
  }
}
