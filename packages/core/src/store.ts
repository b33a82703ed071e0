/**
 * The document store: finds, reads, creates, edits, archives and deletes records under data/.
 * Every write validates first and is atomic; edits of one file are serialised by a lock so that
 * concurrent psp processes never lose an update.
 */
import fs from 'node:fs'
import path from 'node:path'
import {CORE_VERSION} from './core-version.js'
import {ConflictError, InvalidDocumentError, IoError, NotFoundError, PspError, UnsafeInputError, UsageError} from './errors.js'
import {applyChanges, parseDocumentText, renderNewDocument, withPath, type DocumentRecord, type ParsedDocument} from './document.js'
import {createFileExclusive, resolveInside, toPosixRelative, withFileLock, writeFileAtomic} from './fs-safe.js'
import {newId, resolveId, slugify} from './ids.js'
import {documentFileNames, fileNamedAfter, filesNamedLike, isDocumentFile, SKIP_DIRS, walkDocumentFiles} from './document-files.js'
import {cachedEntry, nonFiniteNumbers, refreshIndex, type IndexEntry, type StatEntry} from './index-cache.js'
import {log} from './log.js'
import {parseIndexEntries} from './parse-pool.js'
import {decodeDocument, frontmatterBounds} from './markdown/frontmatter.js'
import {checkDocument, REFERENCE_FIELDS, referencedIds, type Problem} from './validate.js'
import type {RevisionTree} from './revision.js'
import {LAYOUT, type Workspace} from './workspace.js'
import type {FieldChanges} from './markdown/frontmatter-edit.js'

/** Everything read from data/: the records that parsed, and the files that did not. */
export interface Snapshot {
  records: DocumentRecord[]
  /** Problems that kept a file from being read (one per file). */
  unreadable: Problem[]
}

/** Lists every document file under data/ (workspace-relative, sorted). */
export function listDocumentFiles(ws: Workspace): string[] {
  if (ws.revision !== undefined) return revisionDocumentFiles(ws.revision)
  const out: string[] = []
  walkDocumentFiles(ws, (folder, _absolute, name) => out.push(`${folder}/${name}`))
  return out.sort()
}

/** Lookups by name read at most this many files before asking the index instead. */
const MAX_NAME_CANDIDATES = 8

const ARCHIVE_PREFIX = `${LAYOUT.archive}/`

/** True when a workspace-relative path is inside data/archive/. */
export function isArchivedPath(rel: string): boolean {
  return rel.startsWith(ARCHIVE_PREFIX)
}

/**
 * Reads and parses one document file, enforcing the size limit before reading it. `size` is the
 * file's size when the caller has just stat-ed it (the index walk has), saving a second stat.
 */
export function readDocument(ws: Workspace, rel: string, size?: number): ParsedDocument {
  if (ws.revision !== undefined) {
    const bytes = ws.revision.read(rel)
    if (bytes === undefined) throw new NotFoundError(`no such file at ${ws.revision.spec}: ${rel}`, {path: rel})
    return parseDocumentBytes(ws, rel, bytes)
  }
  const file = ws.resolve(rel)
  if (size === undefined) {
    try {
      size = fs.statSync(file).size
    } catch (error) {
      throw new NotFoundError(`no such file: ${rel}`, {path: rel, cause: error})
    }
  }
  // Checked before reading: a huge file is refused without being read.
  assertDocumentSize(ws, rel, size)
  let bytes: Buffer
  try {
    bytes = fs.readFileSync(file)
  } catch (error) {
    throw withPath(error, rel)
  }
  return parseDocumentBytes(ws, rel, bytes)
}

/**
 * Parses a document's bytes wherever they come from (a file, a past revision, git's staging
 * area), with the same size limit, encoding checks and errors as a file read from disk.
 */
export function parseDocumentBytes(ws: Workspace, rel: string, bytes: Uint8Array): ParsedDocument {
  assertDocumentSize(ws, rel, bytes.byteLength)
  let text: string
  try {
    text = decodeDocument(bytes)
  } catch (error) {
    throw withPath(error, rel)
  }
  return parseDocumentText(text, rel, isArchivedPath(rel))
}

function assertDocumentSize(ws: Workspace, rel: string, size: number): void {
  const limit = ws.settings.limits.max_document_bytes
  if (size > limit) {
    throw new UnsafeInputError(
      `file is ${formatBytes(size)}, over the ${formatBytes(limit)} limit for documents (limits.max_document_bytes)`,
      {path: rel, line: 1},
    )
  }
}

/** The document files of a revision, as the walk of the working tree would find them. */
function revisionDocumentFiles(tree: RevisionTree): string[] {
  return tree.files(LAYOUT.data).filter((rel) => {
    const parts = rel.split('/')
    const name = parts[parts.length - 1] as string
    if (!isDocumentFile(name)) return false
    for (let i = 1; i < parts.length - 1; i++) {
      if ((parts[i] as string).startsWith('.') || SKIP_DIRS.has(parts.slice(0, i + 1).join('/'))) return false
    }
    return true
  })
}

/** Sizes for messages; exact bytes when rounding would hide the difference from the limit. */
function formatBytes(n: number): string {
  const unit = n >= 1024 * 1024 ? ['MiB', 1024 * 1024] as const : n >= 1024 ? ['KiB', 1024] as const : undefined
  if (unit === undefined || n % unit[1] !== 0) {
    const rounded = unit === undefined ? '' : ` (${(n / unit[1]).toFixed(1)} ${unit[0]})`
    return `${n.toLocaleString('en-US')} bytes${rounded}`
  }
  return `${n / unit[1]} ${unit[0]}`
}

function toProblem(error: unknown, rel: string): Problem {
  if (error instanceof PspError) {
    const {path: p, line, col, field} = error.location
    return {path: p ?? rel, line: line ?? 1, col: col ?? 1, field, message: error.message, code: error.code}
  }
  return {path: rel, line: 1, col: 1, message: (error as Error).message, code: 'READ_FAILED'}
}

/** Every document file under data/ with its stat: the walk the index is validated by. */
export function statDocumentFiles(ws: Workspace): StatEntry[] {
  const out: StatEntry[] = []
  walkDocumentFiles(ws, (folder, absolute, name) => {
    // throwIfNoEntry: a file deleted between the walk and the stat is simply gone.
    const stat = fs.statSync(absolute + path.sep + name, {throwIfNoEntry: false})
    if (stat !== undefined) out.push({path: `${folder}/${name}`, mtimeMs: stat.mtimeMs, size: stat.size})
  })
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
}

/** Parsing depends on psp's code and on the size limit: either changing discards the index. */
function indexKey(ws: Workspace): string {
  return `${CORE_VERSION}/${ws.settings.limits.max_document_bytes}`
}

/**
 * Reads one file into an index entry: its frontmatter, or the problem. The entry's stat is the
 * open file's own, so it describes exactly the bytes parsed (a file changed since the walk is
 * parsed as it is now, and noticed again by its new stat). Undefined when the file is gone or
 * is no longer a regular file.
 */
export function indexEntry(ws: Workspace, rel: string): IndexEntry | undefined {
  const file = ws.resolve(rel)
  let fd: number
  try {
    // Non-blocking: a FIFO put where a document was must not hang the read.
    fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0))
  } catch (error) {
    // Unreadable but present (permissions): an entry with its problem, under the file's stat.
    const stat = fs.statSync(file, {throwIfNoEntry: false})
    if (stat === undefined || !stat.isFile()) return undefined
    return {path: rel, mtimeMs: stat.mtimeMs, size: stat.size, problem: toProblem(withPath(error, rel), rel)}
  }
  try {
    const stat = fs.fstatSync(fd)
    if (!stat.isFile()) return undefined
    const entry: IndexEntry = {path: rel, mtimeMs: stat.mtimeMs, size: stat.size}
    try {
      // Checked before reading: a huge file is refused without being read.
      assertDocumentSize(ws, rel, stat.size)
      const {split, record} = parseDocumentBytes(ws, rel, readOpenFile(fd, stat.size, rel))
      entry.data = record.data
      // `.inf` and `.nan` are YAML numbers JSON cannot hold: the shard notes where they are. The
      // text test keeps the walk off the other 99.9 % of documents.
      if (/\.(?:inf|nan)/i.test(split.text.slice(split.innerStart, split.innerEnd))) {
        const nonFinite = nonFiniteNumbers(record.data)
        if (nonFinite.length > 0) entry.nonFinite = nonFinite
      }
      if (split.text.includes(CONFLICT_OPENING)) entry.markers = true
    } catch (error) {
      entry.problem = toProblem(error, rel)
    }
    return entry
  } finally {
    fs.closeSync(fd)
  }
}

/** The first `size` bytes of an open file (fewer if it shrank since its stat). */
function readOpenFile(fd: number, size: number, rel: string): Buffer {
  const bytes = Buffer.allocUnsafe(size)
  let filled = 0
  try {
    while (filled < size) {
      const n = fs.readSync(fd, bytes, filled, size - filled, null)
      if (n === 0) break
      filled += n
    }
  } catch (error) {
    throw withPath(error, rel)
  }
  return filled === size ? bytes : bytes.subarray(0, filled)
}

/** True when the index folder holds at least one shard (else every file is parsed anyway). */
function hasShards(cacheDir: string): boolean {
  try {
    return fs.readdirSync(cacheDir).some((name) => name.endsWith('.json'))
  } catch {
    return false
  }
}

/**
 * The body of a document the index holds: its frontmatter was parsed when the index took it in,
 * so only the block's bounds are found, without the YAML parser. '' when the file is gone,
 * too large or no longer a document.
 */
function readBody(ws: Workspace, rel: string): string {
  try {
    const file = ws.resolve(rel)
    if (fs.statSync(file).size > ws.settings.limits.max_document_bytes) return ''
    const decoded = decodeDocument(fs.readFileSync(file))
    const text = decoded.charCodeAt(0) === 0xfeff ? decoded.slice(1) : decoded
    const bounds = frontmatterBounds(text)
    return bounds === undefined ? '' : text.slice(bounds.bodyStart)
  } catch {
    return ''
  }
}

/** The opening of a conflict marker block (`<<<<<<<`), as merge/diff3.ts writes them. */
const CONFLICT_OPENING = '<<<<<<<'

/**
 * Whether a record's file may hold a conflict marker block, when the index knows (it looked when
 * it parsed the file): undefined for a record that did not come from the index.
 */
export function mayHoldConflictMarkers(record: DocumentRecord): boolean | undefined {
  return record instanceof IndexedRecord ? record.markersSeen : undefined
}

/**
 * A record from the index; its body is read from the file the first time it is asked for.
 * `body` is a getter on the prototype (an own accessor per record cost ~2 µs each, 100 ms at
 * 50,000 records), so a spread copy of a record has no body: copy it with `{...r, body: r.body}`.
 */
class IndexedRecord implements DocumentRecord {
  readonly id: string
  readonly type: string
  readonly title: string
  readonly archived: boolean
  readonly #ws: Workspace
  readonly #markers: boolean
  #body: string | undefined

  constructor(
    ws: Workspace,
    readonly path: string,
    readonly data: Record<string, unknown>,
    markers: boolean,
  ) {
    this.#ws = ws
    this.#markers = markers
    this.id = data['id'] as string
    this.type = data['type'] as string
    this.title = typeof data['title'] === 'string' ? data['title'] : ''
    this.archived = isArchivedPath(path)
  }

  get body(): string {
    this.#body ??= readBody(this.#ws, this.path)
    return this.#body
  }

  set body(value: string) {
    this.#body = value
  }

  /** The index saw `<<<<<<<` in the file when it parsed it (see mayHoldConflictMarkers). */
  get markersSeen(): boolean {
    return this.#markers
  }

  /** JSON, like a plain record, carries the body. */
  toJSON(): DocumentRecord {
    const {id, type, title, path, archived, data, body} = this
    return {id, type, title, path, archived, data, body}
  }
}

/**
 * Reads every document under data/ (archived ones included, flagged) through the index under
 * data/cache/index/: only files whose stat changed are parsed. With `files`, exactly those are
 * parsed, without the index.
 */
export function loadSnapshot(ws: Workspace, files?: string[]): Snapshot {
  const records: DocumentRecord[] = []
  const unreadable: Problem[] = []
  if (files !== undefined) {
    for (const rel of files) {
      try {
        records.push(readDocument(ws, rel).record)
      } catch (error) {
        unreadable.push(toProblem(error, rel))
      }
    }
    return {records, unreadable}
  }
  // A past revision is parsed whole: its files never change, but it is read once per command.
  if (ws.revision !== undefined) return loadSnapshot(ws, revisionDocumentFiles(ws.revision))
  const cacheDir = ws.resolve(LAYOUT.index)
  const parse = (paths: string[]) => parseIndexEntries(ws, paths, (rel) => indexEntry(ws, rel))
  let stats: StatEntry[]
  let parseStale: (stale: StatEntry[]) => IndexEntry[]
  if (hasShards(cacheDir)) {
    stats = statDocumentFiles(ws)
    parseStale = (stale) => parse(stale.map((f) => f.path))
  } else {
    // Nothing cached to check against, so no stat first: every file is parsed, and its stat
    // comes with the read (the walk's stats were a tenth of a cold build at 10,000 documents).
    const fresh = parse(listDocumentFiles(ws))
    stats = fresh.map(({path: rel, mtimeMs, size}) => ({path: rel, mtimeMs, size}))
    parseStale = () => fresh
  }
  const refreshed = refreshIndex(cacheDir, indexKey(ws), stats, parseStale)
  log('debug', 'index refreshed', {...refreshed.stats})
  for (const entry of refreshed.entries) {
    if (entry.data) records.push(new IndexedRecord(ws, entry.path, entry.data, entry.markers === true))
    else if (entry.problem) unreadable.push(entry.problem)
  }
  return {records, unreadable}
}

/** Options for creating a record. */
export interface CreateOptions {
  type: string
  title: string
  /** Other frontmatter fields, written after id, type and title in this order. */
  fields?: Record<string, unknown>
  body?: string
}

/** The result of a write: the record as it is now on disk. */
export interface WriteResult {
  record: DocumentRecord
  /** True when the file changed (false for an edit that set values already there). */
  changed: boolean
  /** Things the user should know: a linked OpenSpec box that could not be set (syncOpenSpecBox). */
  warnings?: string[]
}

/** One record of a batch (DocumentStore.planBatch), with an id from reserveId. */
export interface BatchItem extends CreateOptions {
  id: string
  /** Where the record comes from (a template's file), named by errors about it. */
  source?: string
}

/** A record planned by DocumentStore.planBatch: where it goes, its text, and the record it will be. */
export interface PlannedRecord {
  /** Workspace-relative path. */
  path: string
  text: string
  parsed: ParsedDocument
  source?: string
}

/** Edits as a user asks for them; list operations are applied to the value current at write time. */
export interface EditOperations {
  set?: Record<string, unknown>
  unset?: string[]
  /** Values to add to list fields (a missing field becomes a list). */
  add?: Record<string, unknown[]>
  /** Values to remove from list fields. */
  remove?: Record<string, unknown[]>
}

/** Turns edit operations into field changes against a record's current data. */
export function changesFor(data: Record<string, unknown>, ops: EditOperations): FieldChanges {
  const changes: FieldChanges = {...ops.set}
  for (const key of ops.unset ?? []) {
    if (key in changes) throw new UsageError('is both set and unset', {field: key})
    changes[key] = undefined
  }
  const listOf = (key: string, verb: string): unknown[] => {
    const current = key in changes ? changes[key] : data[key]
    if (current === undefined || current === null) return []
    if (!Array.isArray(current)) throw new UsageError(`cannot ${verb} it: it is not a list`, {field: key})
    return [...current]
  }
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b)
  for (const [key, values] of Object.entries(ops.add ?? {})) {
    const list = listOf(key, 'add to')
    for (const v of values) if (!list.some((x) => same(x, v))) list.push(v)
    changes[key] = list
  }
  for (const [key, values] of Object.entries(ops.remove ?? {})) {
    const list = listOf(key, 'remove from').filter((x) => !values.some((v) => same(x, v)))
    changes[key] = list.length === 0 && !(key in (ops.add ?? {})) ? undefined : list
  }
  return changes
}

/** Throws UsageError when changes would alter a record's identity (id, type) or drop its title. */
export function assertEditable(data: Record<string, unknown>, changes: FieldChanges): void {
  for (const key of ['id', 'type'] as const) {
    if (key in changes && changes[key] !== data[key]) {
      throw new UsageError("cannot be changed: it is the record's identity", {field: key})
    }
  }
  if ('title' in changes && (typeof changes['title'] !== 'string' || changes['title'] === '')) {
    throw new UsageError('title cannot be removed or empty', {field: 'title'})
  }
}

/** True for a task that `psp openspec link` tied to an item of a change's tasks.md. */
function isLinkedTask(record: DocumentRecord): boolean {
  return record.type === 'task' && typeof record.data['openspec_change'] === 'string' && typeof record.data['openspec_task'] === 'string'
}

/** A write result with warnings added (none: the result as it was). */
function withWarnings(result: WriteResult, warnings: string[]): WriteResult {
  return warnings.length === 0 ? result : {...result, warnings}
}

/** Types with their own `psp <type> …` commands. */
const COMMAND_TYPES: ReadonlySet<string> = new Set(['task', 'project', 'milestone'])

/** Filters of `list`: all given conditions must hold. */
export interface RecordFilter {
  type?: string
  status?: string[]
  /** A project id: its own record and the records that belong to it. */
  project?: string
  milestone?: string
  /** Archived records instead of live ones. */
  archived?: boolean
}

/** The record-level operations over one workspace. */
export class DocumentStore {
  private snapshot?: Snapshot
  /** The document file names by folder (documentFileNames), for lookups by file name. */
  private fileNames?: Map<string, string>

  constructor(readonly ws: Workspace) {}

  /** Every record (parsed once per store); `unreadable` holds the files that failed. */
  load(): Snapshot {
    this.snapshot ??= loadSnapshot(this.ws)
    return this.snapshot
  }

  /** Non-archived records of a type (or all types), sorted by id. */
  list(type?: string): DocumentRecord[] {
    return this.load()
      .records.filter((r) => !r.archived && (type === undefined || r.type === type))
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  }

  /** Records matching simple field filters (the full query language comes later), sorted by id. */
  filter(filter: RecordFilter): DocumentRecord[] {
    const statuses = filter.status && filter.status.length > 0 ? new Set(filter.status) : undefined
    return this.load()
      .records.filter(
        (r) =>
          r.archived === (filter.archived ?? false) &&
          (filter.type === undefined || r.type === filter.type) &&
          (statuses === undefined || statuses.has(String(r.data['status']))) &&
          (filter.project === undefined || r.data['project'] === filter.project || r.id === filter.project) &&
          (filter.milestone === undefined || r.data['milestone'] === filter.milestone),
      )
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  }

  /**
   * Finds a record by id or unique prefix. Archived records are found too (references to them
   * still resolve). `type` limits the search to one document type.
   */
  get(query: string, type?: string): DocumentRecord {
    if (this.snapshot === undefined && this.ws.revision === undefined) {
      const found = this.findByFileName(query, type)
      if (found !== undefined) return found
    }
    const pool = this.load().records.filter((r) => type === undefined || r.type === type)
    const byId = new Map<string, DocumentRecord[]>()
    for (const r of pool) byId.set(r.id, [...(byId.get(r.id) ?? []), r])
    try {
      const matches = byId.get(resolveId(query, byId.keys(), type ?? 'record')) as DocumentRecord[]
      const live = matches.filter((r) => !r.archived)
      // Two live files with one id: acting on either could be the wrong one.
      if (live.length > 1) {
        throw new ConflictError(`duplicate id: ${live[0]?.id} is used by ${live.map((r) => r.path).join(' and ')}`, {
          hint: 'give one of them a new id (psp validate lists every duplicate)',
        })
      }
      return live[0] ?? (matches[0] as DocumentRecord)
    } catch (error) {
      if (error instanceof NotFoundError) throw this.explainNotFound(query, type, error)
      throw error
    }
  }

  /**
   * Finds a record from file names alone: psp names every file after its record's id, so a
   * lookup reads a file or two instead of refreshing the whole index (`show` at 50,000 records).
   * Whenever the answer is not certain (no file or several match, a file does not parse, a
   * duplicate) it returns undefined and the caller asks the index, which also explains failures.
   * A record whose file is not named after its id is found through the index; a duplicate of an
   * id in such a file goes unnoticed here (`psp validate` reports it).
   */
  private findByFileName(query: string, type?: string): DocumentRecord | undefined {
    const q = query.trim().toLowerCase()
    if (q === '') return undefined
    const candidates = filesNamedLike(this.namesOfFiles(), q, MAX_NAME_CANDIDATES)
    if (candidates.length === 0 || candidates.length > MAX_NAME_CANDIDATES) return undefined
    const pool: DocumentRecord[] = []
    for (const rel of candidates) {
      let record: DocumentRecord
      try {
        record = this.readCandidate(rel)
      } catch {
        return undefined
      }
      if (type === undefined || record.type === type) pool.push(record)
    }
    let id: string
    try {
      id = resolveId(query, new Set(pool.map((r) => r.id)), type ?? 'record')
    } catch {
      return undefined
    }
    const matches = pool.filter((r) => r.id === id)
    return matches.length === 1 ? matches[0] : undefined
  }

  /** The record with exactly this id, found by file name or else through the index. */
  private byExactId(id: string): DocumentRecord | undefined {
    if (this.snapshot === undefined && this.ws.revision === undefined) {
      const found = this.findByFileName(id)
      if (found?.id === id) return found
    }
    return this.load().records.find((r) => r.id === id && !r.archived) ?? this.load().records.find((r) => r.id === id)
  }

  /** True when a record already has this id: from file names until the index is loaded anyway. */
  private idTaken(id: string): boolean {
    if (this.snapshot !== undefined) return this.snapshot.records.some((r) => r.id === id)
    return fileNamedAfter(this.namesOfFiles(), id.toLowerCase())
  }

  private namesOfFiles(): Map<string, string> {
    this.fileNames ??= documentFileNames(this.ws)
    return this.fileNames
  }

  /**
   * One file found by its name, from the index when the index holds it for the file's current
   * stat (no YAML parser loaded), else parsed.
   */
  private readCandidate(rel: string): DocumentRecord {
    const stat = fs.statSync(this.ws.resolve(rel), {throwIfNoEntry: false})
    if (stat !== undefined) {
      const entry = cachedEntry(this.ws.resolve(LAYOUT.index), indexKey(this.ws), {path: rel, mtimeMs: stat.mtimeMs, size: stat.size})
      if (entry?.data !== undefined) return new IndexedRecord(this.ws, rel, entry.data, entry.markers === true)
    }
    return readDocument(this.ws, rel, stat?.size).record
  }

  /**
   * The records a new document refers to, which is all that checking it needs: nothing can
   * depend on an id that does not exist yet, so no cycle can run through it.
   */
  private referencedRecords(record: DocumentRecord): DocumentRecord[] {
    const out: DocumentRecord[] = []
    for (const field of Object.keys(REFERENCE_FIELDS)) {
      for (const id of referencedIds(record, field)) {
        const found = this.byExactId(id)
        if (found !== undefined) out.push(found)
      }
    }
    return out
  }

  /** Adds what the user most likely needs to a not-found error: the right command, or validate. */
  private explainNotFound(query: string, type: string | undefined, error: NotFoundError): NotFoundError {
    let hint: string | undefined
    if (type !== undefined) {
      const others = this.load().records.filter((r) => r.type !== type)
      try {
        const id = resolveId(query, others.map((r) => r.id))
        const other = others.find((r) => r.id === id) as DocumentRecord
        hint = COMMAND_TYPES.has(other.type)
          ? `${other.id} is a ${other.type}, not a ${type}: use psp ${other.type} …`
          : `${other.id} is a ${other.type}, not a ${type}`
      } catch {
        // not another type's id either
      }
    }
    const {unreadable} = this.load()
    if (hint === undefined && unreadable.length > 0) {
      hint = `${unreadable.length} document${unreadable.length > 1 ? 's' : ''} could not be read; run psp validate`
    }
    return hint === undefined ? error : new NotFoundError(error.message, {data: error.data, hint})
  }

  /** Creates a record with a fresh id, validated before anything is written. */
  create(options: CreateOptions): WriteResult {
    this.assertWritable()
    const {type, title} = options
    const registry = this.ws.schemas
    registry.get(type)
    // A new id is checked against the ids in use (by file name: collisions are ~2^-50 events,
    // and the file is created exclusively anyway), without reading the whole index.
    const id = newId(this.ws.prefixOf(type), (candidate) => this.idTaken(candidate), this.ws.settings.ids.length)
    const data: Record<string, unknown> = {id, type, title}
    // Every task has a status; one the user did not give is the workflow's default, in its usual place.
    if (type === 'task' && options.fields?.['status'] === undefined) data['status'] = this.ws.settings.workflow.default
    for (const [key, value] of Object.entries(options.fields ?? {})) {
      if (key === 'id' || key === 'type' || key === 'title') continue
      if (value !== undefined) data[key] = value
    }
    const rel = this.pathFor(type, id, title, data)
    const text = renderNewDocument(data, options.body ?? '')
    const parsed = parseDocumentText(text, rel)
    // The file does not exist yet: point problems at the field, not at a path and line.
    this.assertValid(parsed, false, this.snapshot === undefined ? this.referencedRecords(parsed.record) : undefined)
    createFileExclusive(this.ws.resolve(rel), text, rel)
    this.remember(parsed.record)
    return {record: parsed.record, changed: true}
  }

  /**
   * A fresh id for a new record of `type`, unused in the workspace and not in `reserved` (ids
   * already handed out for a batch that is not written yet).
   */
  reserveId(type: string, reserved: ReadonlySet<string> = new Set()): string {
    // The type is checked where the record is planned (planBatch), which can say which file it is.
    return newId(this.ws.prefixOf(type), (candidate) => reserved.has(candidate) || this.idTaken(candidate), this.ws.settings.ids.length)
  }

  /**
   * Prepares several records to be created together (a project from a template), each with an
   * id from reserveId, so that they may refer to each other. Every record is checked against the
   * workspace plus the whole batch; nothing is written. A project in the batch gets its folder,
   * and the batch's records that belong to it go inside, as create() would place them.
   */
  planBatch(items: BatchItem[]): PlannedRecord[] {
    this.assertWritable()
    const folders = new Map<string, string>()
    const planned: PlannedRecord[] = []
    const ordered = [...items.filter((i) => i.type === 'project'), ...items.filter((i) => i.type !== 'project')]
    for (const item of ordered) {
      if (!this.ws.schemas.has(item.type)) {
        const known = this.ws.schemas.list().map((t) => t.name).join(', ')
        throw new InvalidDocumentError(`unknown type "${item.type}" (known: ${known})`, {path: item.source, field: 'type'})
      }
      const data: Record<string, unknown> = {id: item.id, type: item.type, title: item.title}
      if (item.type === 'task' && item.fields?.['status'] === undefined) data['status'] = this.ws.settings.workflow.default
      for (const [key, value] of Object.entries(item.fields ?? {})) {
        if (key === 'id' || key === 'type' || key === 'title') continue
        if (value !== undefined) data[key] = value
      }
      const rel = this.pathFor(item.type, item.id, item.title, data, folders)
      if (item.type === 'project') folders.set(item.id, rel.slice(0, -'/project.md'.length))
      const text = renderNewDocument(data, item.body ?? '')
      planned.push({path: rel, text, parsed: parseDocumentText(text, rel), source: item.source})
    }
    const records = [...this.load().records, ...planned.map((p) => p.parsed.record)]
    const seen = new Set<string>()
    for (const plan of planned) {
      if (seen.has(plan.path) || fs.existsSync(this.ws.resolve(plan.path))) {
        throw new ConflictError(`${plan.path} already exists: psp never overwrites a file`, {data: {path: plan.path}})
      }
      seen.add(plan.path)
      const problem = this.check(plan.parsed, records)[0]
      if (problem !== undefined) {
        const ErrorClass = problem.code === 'CYCLE' || problem.code === 'DUPLICATE_ID' ? ConflictError : InvalidDocumentError
        throw new ErrorClass(problem.message, {path: plan.source, field: problem.field, data: {problem}})
      }
    }
    return planned
  }

  /**
   * Writes records prepared by planBatch, each created exclusively; if one cannot be written,
   * the files this call created are removed again, so the batch lands whole or not at all.
   */
  writeBatch(planned: PlannedRecord[]): DocumentRecord[] {
    this.assertWritable()
    const created: string[] = []
    try {
      for (const plan of planned) {
        createFileExclusive(this.ws.resolve(plan.path), plan.text, plan.path)
        created.push(plan.path)
      }
    } catch (error) {
      for (const rel of created.reverse()) {
        fs.rmSync(this.ws.resolve(rel), {force: true})
        this.removeEmptyDirs(path.dirname(this.ws.resolve(rel)))
      }
      throw error
    }
    for (const plan of planned) this.remember(plan.parsed.record)
    return planned.map((plan) => plan.parsed.record)
  }

  /**
   * Changes fields of a record (`undefined` removes a field) under a file lock, re-reading the
   * file inside the lock so a concurrent edit is never overwritten. Only the changed fields'
   * lines are rewritten.
   */
  async update(query: string, ops: EditOperations, type?: string): Promise<WriteResult> {
    this.assertWritable()
    const current = this.get(query, type)
    const check = (changes: FieldChanges) => assertEditable(current.data, changes)
    check(changesFor(current.data, ops))
    let before: Record<string, unknown> = current.data
    const result = await this.withLock(current.path, () => {
      const fresh = readDocument(this.ws, current.path)
      before = fresh.record.data
      const changes = changesFor(fresh.record.data, ops)
      check(changes)
      const next = applyChanges(fresh.split, changes)
      const original = (fresh.split.bom ? '\uFEFF' : '') + fresh.split.text
      const parsed = parseDocumentText(next, current.path, current.archived)
      this.assertValid(parsed)
      if (next === original) return {record: fresh.record, changed: false}
      writeFileAtomic(this.ws.resolve(current.path), next)
      this.remember(parsed.record)
      return {record: parsed.record, changed: true}
    })
    return result.changed ? withWarnings(result, await this.syncOpenSpecBox(before, result.record)) : result
  }

  /**
   * Writes an edit prepared and validated by the caller (a bulk edit checks a whole batch at
   * once), under the file's lock and only if the file still holds `before`. Returns false,
   * writing nothing, when the file changed since the edit was prepared.
   */
  async writePrepared(before: string, after: string, parsed: ParsedDocument): Promise<boolean> {
    this.assertWritable()
    const rel = parsed.record.path
    const written = await this.withLock(rel, () => {
      const file = this.ws.resolve(rel)
      let now: string | undefined
      try {
        now = fs.readFileSync(file, 'utf8')
      } catch {
        // Gone or unreadable: the caller's fallback reports it properly.
      }
      if (now !== before) return false
      writeFileAtomic(file, after)
      this.remember(parsed.record)
      return true
    })
    if (written && isLinkedTask(parsed.record)) await this.syncOpenSpecBox(parseDocumentText(before, rel).record.data, parsed.record)
    return written
  }

  /**
   * Replaces a whole file with new text (after `$EDITOR`), validated first. The id and type must
   * stay the same.
   */
  async replaceText(query: string, text: string, type?: string): Promise<WriteResult> {
    this.assertWritable()
    const current = this.get(query, type)
    const parsed = parseDocumentText(text, current.path, current.archived)
    if (parsed.record.id !== current.id || parsed.record.type !== current.type) {
      throw new UsageError('id and type cannot be changed: they are the record\'s identity', {path: current.path})
    }
    this.assertValid(parsed)
    const result = await this.withLock(current.path, () => {
      const before = fs.readFileSync(this.ws.resolve(current.path), 'utf8')
      if (before === text) return {record: parsed.record, changed: false}
      writeFileAtomic(this.ws.resolve(current.path), text)
      this.remember(parsed.record)
      return {record: parsed.record, changed: true}
    })
    return result.changed ? withWarnings(result, await this.syncOpenSpecBox(current.data, result.record)) : result
  }

  /**
   * A task linked to an OpenSpec change (`psp openspec link`) keeps its box in the change's
   * tasks.md in step with its status: ticked when the task becomes done, cleared when it leaves
   * done. Runs after the task's file is written; a box that cannot be set comes back as a warning.
   * The OpenSpec code is loaded only when a linked task crosses that line.
   */
  private async syncOpenSpecBox(before: Record<string, unknown>, after: DocumentRecord): Promise<string[]> {
    if (!isLinkedTask(after)) return []
    const {done} = this.ws.settings.workflow
    const isDone = done.includes(String(after.data['status']))
    if (done.includes(String(before['status'])) === isDone) return []
    const {syncLinkedBox} = await import('./openspec/link-tasks-file.js')
    const warning = await syncLinkedBox(this.ws.root, after.data['openspec_change'] as string, after.data['openspec_task'] as string, isDone)
    return warning === undefined ? [] : [warning]
  }

  /** Moves a record to data/archive/ (same relative path); references to it keep resolving. */
  archive(query: string, type?: string): DocumentRecord {
    this.assertWritable()
    const record = this.get(query, type)
    if (record.archived) throw new ConflictError(`${record.id} is already archived`, {path: record.path})
    const target = `${LAYOUT.archive}/${record.path.slice(LAYOUT.data.length + 1)}`
    return this.move(record, target, true)
  }

  /** Brings an archived record back to where it was. */
  restore(query: string, type?: string): DocumentRecord {
    this.assertWritable()
    const record = this.get(query, type)
    if (!record.archived) throw new ConflictError(`${record.id} is not archived`, {path: record.path})
    const target = `${LAYOUT.data}/${record.path.slice(LAYOUT.archive.length + 1)}`
    return this.move(record, target, false)
  }

  /** Deletes a record's file for good. */
  delete(query: string, type?: string): DocumentRecord {
    this.assertWritable()
    const record = this.get(query, type)
    fs.rmSync(this.ws.resolve(record.path))
    this.forget(record)
    return record
  }

  /** Refuses writes to a workspace read at a past revision. */
  private assertWritable(): void {
    if (this.ws.revision !== undefined) {
      throw new UsageError(`read-only: --at ${this.ws.revision.spec} shows the workspace as it was; changes go to the working tree`)
    }
  }

  /** Problems a record would have if written now (schema and references). */
  check(parsed: ParsedDocument, records: DocumentRecord[] = this.load().records): Problem[] {
    return checkDocument(this.ws, parsed, records)
  }

  private assertValid(parsed: ParsedDocument, located = true, records?: DocumentRecord[]): void {
    const problems = this.check(parsed, records)
    const first = problems[0]
    if (first) {
      const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : ''
      const ErrorClass = first.code === 'CYCLE' || first.code === 'DUPLICATE_ID' ? ConflictError : InvalidDocumentError
      const where = located ? {path: first.path, line: first.line, col: first.col} : {}
      throw new ErrorClass(`${first.message}${more}`, {...where, field: first.field, data: {problems}})
    }
  }

  private move(record: DocumentRecord, target: string, archived: boolean): DocumentRecord {
    const from = this.ws.resolve(record.path)
    const to = resolveInside(this.ws.root, target)
    if (fs.existsSync(to)) throw new ConflictError(`${target} already exists`, {path: target})
    // Read before the move: an indexed record reads its body from its old path on demand.
    const body = record.body
    fs.mkdirSync(path.dirname(to), {recursive: true})
    try {
      // link + unlink instead of rename: never replaces a file that appeared meanwhile.
      fs.linkSync(from, to)
      fs.rmSync(from)
    } catch (error) {
      throw new IoError(`cannot move ${record.path} to ${target}: ${(error as Error).message}`, {cause: error})
    }
    this.removeEmptyDirs(path.dirname(from))
    const moved: DocumentRecord = {id: record.id, type: record.type, title: record.title, path: toPosixRelative(this.ws.root, to), archived, data: record.data, body}
    this.forget(record)
    this.remember(moved)
    return moved
  }

  private removeEmptyDirs(dir: string): void {
    const stop = this.ws.resolve(LAYOUT.data)
    let current = dir
    while (current.startsWith(stop) && current !== stop && current !== this.ws.resolve(LAYOUT.projects)) {
      try {
        fs.rmdirSync(current)
      } catch {
        return
      }
      current = path.dirname(current)
    }
  }

  /**
   * Where a new record's file goes. The name derives from the id (plus a slug of the title), so
   * two clones never pick the same path and a later title edit never renames anything.
   */
  private pathFor(type: string, id: string, title: string, data: Record<string, unknown>, pending?: Map<string, string>): string {
    const slug = slugify(title)
    const name = slug === '' ? id : `${id}-${slug}`
    if (type === 'project') return `${LAYOUT.projects}/${name}/project.md`
    const projectId = typeof data['project'] === 'string' ? data['project'] : undefined
    const folder = type === 'task' ? 'tasks' : type === 'milestone' ? 'milestones' : `${type}s`
    const pendingFolder = projectId === undefined ? undefined : pending?.get(projectId)
    if (pendingFolder !== undefined) return `${pendingFolder}/${folder}/${name}.md`
    if (projectId !== undefined) {
      const project = this.byExactId(projectId)
      if (project && project.type === 'project' && !project.archived && project.path.endsWith('/project.md')) {
        return `${project.path.slice(0, -'/project.md'.length)}/${folder}/${name}.md`
      }
    }
    return `${LAYOUT.data}/${folder}/${name}.md`
  }

  private async withLock<T>(rel: string, fn: () => T): Promise<T> {
    return withFileLock(this.ws.resolve(rel), rel, fn)
  }

  private remember(record: DocumentRecord): void {
    this.fileNames = undefined
    if (!this.snapshot) return
    this.snapshot.records = this.snapshot.records.filter((r) => r.path !== record.path)
    this.snapshot.records.push(record)
  }

  private forget(record: DocumentRecord): void {
    this.fileNames = undefined
    if (this.snapshot) this.snapshot.records = this.snapshot.records.filter((r) => r.path !== record.path)
  }
}
