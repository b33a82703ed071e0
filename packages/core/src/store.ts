/**
 * The document store: finds, reads, creates, edits, archives and deletes records under data/.
 * Every write validates first and is atomic; edits of one file are serialised by a lock so that
 * concurrent psp processes never lose an update.
 */
import fs from 'node:fs'
import {createRequire} from 'node:module'
import path from 'node:path'
import {ConflictError, InvalidDocumentError, IoError, NotFoundError, PspError, UnsafeInputError, UsageError} from './errors.js'
import {applyChanges, parseDocumentText, renderNewDocument, withPath, type DocumentRecord, type ParsedDocument} from './document.js'
import {createFileExclusive, resolveInside, toPosixRelative, writeFileAtomic} from './fs-safe.js'
import {newId, resolveId, slugify} from './ids.js'
import {refreshIndex, type IndexEntry, type StatEntry} from './index-cache.js'
import {log} from './log.js'
import {decodeDocument} from './markdown/frontmatter.js'
import {checkDocument, type Problem} from './validate.js'
import {LAYOUT, type Workspace} from './workspace.js'
import type {FieldChanges} from './markdown/frontmatter-edit.js'

/** Everything read from data/: the records that parsed, and the files that did not. */
export interface Snapshot {
  records: DocumentRecord[]
  /** Problems that kept a file from being read (one per file). */
  unreadable: Problem[]
}

/** Folders under data/ that never hold documents. */
const SKIP_DIRS: ReadonlySet<string> = new Set([LAYOUT.cache, LAYOUT.templates])

function isDocumentFile(name: string): boolean {
  return name.endsWith('.md') && !name.startsWith('.') && name.toLowerCase() !== 'readme.md'
}

/** Lists every document file under data/ (workspace-relative, sorted). */
export function listDocumentFiles(ws: Workspace): string[] {
  const out: string[] = []
  const walk = (rel: string) => {
    let entries: fs.Dirent[]
    try {
      entries = fs.readdirSync(ws.resolve(rel), {withFileTypes: true})
    } catch {
      return
    }
    for (const entry of entries) {
      const child = `${rel}/${entry.name}`
      if (entry.isDirectory()) {
        if (!entry.name.startsWith('.') && !SKIP_DIRS.has(child)) walk(child)
      } else if (entry.isFile() && isDocumentFile(entry.name)) {
        out.push(child)
      }
    }
  }
  walk(LAYOUT.data)
  return out.sort()
}

/** True when a workspace-relative path is inside data/archive/. */
export function isArchivedPath(rel: string): boolean {
  return rel.startsWith(`${LAYOUT.archive}/`)
}

/** Reads and parses one document file, enforcing the size limit before reading it. */
export function readDocument(ws: Workspace, rel: string): ParsedDocument {
  const file = ws.resolve(rel)
  let size: number
  try {
    size = fs.statSync(file).size
  } catch (error) {
    throw new NotFoundError(`no such file: ${rel}`, {path: rel, cause: error})
  }
  const limit = ws.settings.limits.max_document_bytes
  if (size > limit) {
    throw new UnsafeInputError(
      `file is ${formatBytes(size)}, over the ${formatBytes(limit)} limit for documents (limits.max_document_bytes)`,
      {path: rel, line: 1},
    )
  }
  let text: string
  try {
    text = decodeDocument(fs.readFileSync(file))
  } catch (error) {
    throw withPath(error, rel)
  }
  return parseDocumentText(text, rel, isArchivedPath(rel))
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
  for (const rel of listDocumentFiles(ws)) {
    try {
      const stat = fs.statSync(ws.resolve(rel))
      out.push({path: rel, mtimeMs: stat.mtimeMs, size: stat.size})
    } catch {
      // Deleted between the walk and the stat: it is simply gone.
    }
  }
  return out
}

const CORE_VERSION = (createRequire(import.meta.url)('../package.json') as {version: string}).version

/** Reads one file into an index entry: its record without the body, or the problem. */
function indexEntry(ws: Workspace, stat: StatEntry): IndexEntry {
  try {
    const {body: _body, ...record} = readDocument(ws, stat.path).record
    return {...stat, record}
  } catch (error) {
    return {...stat, problem: toProblem(error, stat.path)}
  }
}

/** A record from the index; its body is read from the file the first time it is asked for. */
function withLazyBody(ws: Workspace, record: Omit<DocumentRecord, 'body'>): DocumentRecord {
  let body: string | undefined
  return Object.defineProperty({...record}, 'body', {
    enumerable: true,
    configurable: true,
    get(): string {
      if (body === undefined) {
        try {
          body = readDocument(ws, record.path).record.body
        } catch {
          body = ''
        }
      }
      return body
    },
    set(value: string) {
      body = value
    },
  }) as DocumentRecord
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
  // Parsing depends on psp's code and on the size limit: either changing discards the cache.
  const key = `${CORE_VERSION}/${ws.settings.limits.max_document_bytes}`
  const {entries, stats} = refreshIndex(ws.resolve(LAYOUT.index), key, statDocumentFiles(ws), (stat) => indexEntry(ws, stat))
  log('debug', 'index refreshed', {...stats})
  for (const entry of entries) {
    if (entry.record) records.push(withLazyBody(ws, entry.record))
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
    const {type, title} = options
    const registry = this.ws.schemas
    registry.get(type)
    const taken = new Set(this.load().records.map((r) => r.id))
    const id = newId(this.ws.prefixOf(type), (candidate) => taken.has(candidate), this.ws.settings.ids.length)
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
    this.assertValid(parsed, false)
    createFileExclusive(this.ws.resolve(rel), text, rel)
    this.remember(parsed.record)
    return {record: parsed.record, changed: true}
  }

  /**
   * Changes fields of a record (`undefined` removes a field) under a file lock, re-reading the
   * file inside the lock so a concurrent edit is never overwritten. Only the changed fields'
   * lines are rewritten.
   */
  async update(query: string, ops: EditOperations, type?: string): Promise<WriteResult> {
    const current = this.get(query, type)
    const check = (changes: FieldChanges) => {
      for (const key of ['id', 'type'] as const) {
        if (key in changes && changes[key] !== current.data[key]) {
          throw new UsageError("cannot be changed: it is the record's identity", {field: key})
        }
      }
      if ('title' in changes && (typeof changes['title'] !== 'string' || changes['title'] === '')) {
        throw new UsageError('title cannot be removed or empty', {field: 'title'})
      }
    }
    check(changesFor(current.data, ops))
    return this.withLock(current.path, () => {
      const fresh = readDocument(this.ws, current.path)
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
  }

  /**
   * Replaces a whole file with new text (after `$EDITOR`), validated first. The id and type must
   * stay the same.
   */
  async replaceText(query: string, text: string, type?: string): Promise<WriteResult> {
    const current = this.get(query, type)
    const parsed = parseDocumentText(text, current.path, current.archived)
    if (parsed.record.id !== current.id || parsed.record.type !== current.type) {
      throw new UsageError('id and type cannot be changed: they are the record\'s identity', {path: current.path})
    }
    this.assertValid(parsed)
    return this.withLock(current.path, () => {
      const before = fs.readFileSync(this.ws.resolve(current.path), 'utf8')
      if (before === text) return {record: parsed.record, changed: false}
      writeFileAtomic(this.ws.resolve(current.path), text)
      this.remember(parsed.record)
      return {record: parsed.record, changed: true}
    })
  }

  /** Moves a record to data/archive/ (same relative path); references to it keep resolving. */
  archive(query: string, type?: string): DocumentRecord {
    const record = this.get(query, type)
    if (record.archived) throw new ConflictError(`${record.id} is already archived`, {path: record.path})
    const target = `${LAYOUT.archive}/${record.path.slice(LAYOUT.data.length + 1)}`
    return this.move(record, target, true)
  }

  /** Brings an archived record back to where it was. */
  restore(query: string, type?: string): DocumentRecord {
    const record = this.get(query, type)
    if (!record.archived) throw new ConflictError(`${record.id} is not archived`, {path: record.path})
    const target = `${LAYOUT.data}/${record.path.slice(LAYOUT.archive.length + 1)}`
    return this.move(record, target, false)
  }

  /** Deletes a record's file for good. */
  delete(query: string, type?: string): DocumentRecord {
    const record = this.get(query, type)
    fs.rmSync(this.ws.resolve(record.path))
    this.forget(record)
    return record
  }

  /** Problems a record would have if written now (schema and references). */
  check(parsed: ParsedDocument): Problem[] {
    return checkDocument(this.ws, parsed, this.load().records)
  }

  private assertValid(parsed: ParsedDocument, located = true): void {
    const problems = this.check(parsed)
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
    fs.mkdirSync(path.dirname(to), {recursive: true})
    try {
      // link + unlink instead of rename: never replaces a file that appeared meanwhile.
      fs.linkSync(from, to)
      fs.rmSync(from)
    } catch (error) {
      throw new IoError(`cannot move ${record.path} to ${target}: ${(error as Error).message}`, {cause: error})
    }
    this.removeEmptyDirs(path.dirname(from))
    const moved = {...record, path: toPosixRelative(this.ws.root, to), archived}
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
  private pathFor(type: string, id: string, title: string, data: Record<string, unknown>): string {
    const slug = slugify(title)
    const name = slug === '' ? id : `${id}-${slug}`
    if (type === 'project') return `${LAYOUT.projects}/${name}/project.md`
    const projectId = typeof data['project'] === 'string' ? data['project'] : undefined
    const folder = type === 'task' ? 'tasks' : type === 'milestone' ? 'milestones' : `${type}s`
    if (projectId !== undefined) {
      const project = this.load().records.find((r) => r.id === projectId && r.type === 'project' && !r.archived)
      if (project && project.path.endsWith('/project.md')) {
        return `${project.path.slice(0, -'/project.md'.length)}/${folder}/${name}.md`
      }
    }
    return `${LAYOUT.data}/${folder}/${name}.md`
  }

  private async withLock<T>(rel: string, fn: () => T): Promise<T> {
    const {lock} = await import('proper-lockfile')
    let release: (() => Promise<void>) | undefined
    try {
      release = await lock(this.ws.resolve(rel), {
        realpath: false,
        stale: 10_000,
        retries: {retries: 100, minTimeout: 5, maxTimeout: 100, randomize: true},
      })
    } catch (error) {
      throw new IoError(`cannot lock ${rel}: ${(error as Error).message}`, {path: rel, cause: error})
    }
    try {
      return fn()
    } finally {
      await release()
    }
  }

  private remember(record: DocumentRecord): void {
    if (!this.snapshot) return
    this.snapshot.records = this.snapshot.records.filter((r) => r.path !== record.path)
    this.snapshot.records.push(record)
  }

  private forget(record: DocumentRecord): void {
    if (this.snapshot) this.snapshot.records = this.snapshot.records.filter((r) => r.path !== record.path)
  }
}
