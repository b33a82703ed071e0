/**
 * Open merge conflicts across a workspace: finding them (`psp conflicts`, and `psp validate`
 * reports each as a problem so that the pre-commit hook and CI stop an unsettled merge) and
 * settling one (`psp resolve`). A document's conflicts are its `merge_conflicts` entries and the
 * marker blocks of its body; a file that a text merge left unreadable (markers inside its
 * frontmatter) has `text` conflicts, settled as a whole by taking one side.
 */
import fs from 'node:fs'
import path from 'node:path'
import {ConflictError, InvalidDocumentError, IoError, NotFoundError, UsageError} from '../errors.js'
import {locateKey, parseDocumentText, type DocumentRecord, type ParsedDocument} from '../document.js'
import {resolveInside, toPosixRelative} from '../fs-safe.js'
import {discoverRepository} from '../git/repository.js'
import {unmergedPaths} from '../git/unmerged.js'
import type {SplitDocument} from '../markdown/frontmatter.js'
import {DocumentStore, isArchivedPath, loadSnapshot, parseDocumentBytes, readDocument} from '../store.js'
import type {Problem} from '../validate.js'
import type {Workspace} from '../workspace.js'
import {parseFieldValue} from '../yaml-data.js'
import {CONFLICT_MARKER_SIZE, findConflictBlocks, takeConflictSide} from './diff3.js'
import {listConflicts, MERGE_CONFLICTS_FIELD, resolveConflict, type ConflictResolution} from './record-merge.js'

/** An open conflict, where it is in its file (1-based lines). */
export type LocatedConflict =
  /** A `merge_conflicts` entry; `line` is the field's own line (or the entry's, when ours has no such field). */
  | {kind: 'field'; field: string; line: number; base: unknown; ours: unknown; theirs: unknown}
  /** A marker block in a document's body. */
  | {kind: 'body'; line: number; endLine: number; base: string[]; ours: string[]; theirs: string[]}
  /** A marker block in a file that is not a readable document (a text merge put markers in its frontmatter). */
  | {kind: 'text'; line: number; endLine: number; base: string[]; ours: string[]; theirs: string[]}

/** A file with open conflicts. `id` and `type` are missing when it is not a readable document. */
export interface ConflictedFile {
  path: string
  id?: string
  type?: string
  title?: string
  conflicts: LocatedConflict[]
}

/** What `psp conflicts` reports. */
export interface ConflictsReport {
  files: ConflictedFile[]
  /** Number of open conflicts in all files (each marker block counts once). */
  count: number
  /**
   * The workspace's paths git holds as unmerged (a merge waits for them): settled or not, git
   * wants `git add` for each. Empty outside a git repository.
   */
  unmerged: string[]
}

/** The marker that opens a conflict block; a quick test before looking for whole blocks. */
const OPENING = '<'.repeat(CONFLICT_MARKER_SIZE)

function isMap(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

function countLines(text: string): number {
  let n = 0
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) n++
  return n
}

/** The line a field conflict is shown at: the field's key (or its map's), else `merge_conflicts`. */
function fieldLine(split: SplitDocument, field: string): number {
  const top = Object.hasOwn(split.data, field) ? field : field.split('.')[0] ?? field
  return locateKey(split, Object.hasOwn(split.data, top) ? top : MERGE_CONFLICTS_FIELD).line
}

/** How much of a file `hasMarkerBytes` reads at a time, into one buffer reused for every file. */
const SCAN_CHUNK = 256 * 1024
let scanBuffer: Buffer | undefined

/**
 * True when a working-tree file's bytes may hold a conflict marker: a raw search, without
 * decoding or parsing, so that checking every document of a large workspace costs one read each
 * (a record from the index would stat, decode and split its file to give its body). A file that
 * cannot be read says true: the full read then reports it.
 */
export function hasMarkerBytes(ws: Workspace, rel: string): boolean {
  scanBuffer ??= Buffer.alloc(SCAN_CHUNK)
  let fd: number | undefined
  try {
    // The path comes from the workspace walk: no need for resolve()'s checks (and realpath).
    fd = fs.openSync(path.join(ws.root, ...rel.split('/')), 'r')
    for (let at = 0; ; ) {
      const length = fs.readSync(fd, scanBuffer, 0, SCAN_CHUNK, at)
      if (scanBuffer.subarray(0, length).includes(OPENING)) return true
      if (length < SCAN_CHUNK) return false
      // The next chunk starts a marker's length back, so that a marker across the cut is found.
      at += length - (OPENING.length - 1)
    }
  } catch {
    return true
  } finally {
    if (fd !== undefined) fs.closeSync(fd)
  }
}

/**
 * The open conflicts of a record. `split` is asked for only when the record has some (a record
 * from the index reads its file for it); `mayHaveMarkers` is a cheaper first look at the body
 * than reading it (default: the body).
 */
export function recordConflicts(record: DocumentRecord, split: () => SplitDocument, mayHaveMarkers = () => record.body.includes(OPENING)): LocatedConflict[] {
  const table = record.data[MERGE_CONFLICTS_FIELD]
  const fields = isMap(table) && Object.keys(table).length > 0
  if (!fields && !mayHaveMarkers()) return []
  const s = split()
  const firstBodyLine = countLines(s.text.slice(0, s.bodyStart)) + 1
  return listConflicts(s.data, s.text.slice(s.bodyStart), firstBodyLine).map((c): LocatedConflict => {
    if (c.kind === 'body') return {kind: 'body', line: c.line, endLine: c.endLine, base: c.base, ours: c.ours, theirs: c.theirs}
    return {kind: 'field', field: c.field, line: fieldLine(s, c.field), base: c.base, ours: c.ours, theirs: c.theirs}
  })
}

/** The marker blocks of a file's whole text, as `text` conflicts. */
function textConflicts(text: string): LocatedConflict[] {
  if (!text.includes(OPENING)) return []
  return findConflictBlocks(text).map(({line, endLine, base, ours, theirs}) => ({kind: 'text', line, endLine, base, ours, theirs}))
}

/** The text of a workspace file within the document size limit, or undefined. */
function readSmallText(ws: Workspace, rel: string): string | undefined {
  try {
    const file = ws.resolve(rel)
    if (fs.statSync(file).size > ws.settings.limits.max_document_bytes) return undefined
    return fs.readFileSync(file, 'utf8')
  } catch {
    return undefined
  }
}

/** A value as a conflict message shows it: `(none)` for a side that did not have the field. */
function shown(value: unknown): string {
  if (value === null || value === undefined) return '(none)'
  const text = JSON.stringify(value) ?? String(value)
  return text.length > 60 ? `${text.slice(0, 59)}…` : text
}

/** The one-line description of a conflict, as `psp conflicts` and `psp validate` print it. */
export function describeConflict(conflict: LocatedConflict): string {
  if (conflict.kind === 'field') return `merge conflict: ours ${shown(conflict.ours)}, theirs ${shown(conflict.theirs)} (base ${shown(conflict.base)})`
  const lines = (n: number) => `${n} line${n === 1 ? '' : 's'}`
  return `merge conflict markers, lines ${conflict.line}–${conflict.endLine}: ours ${lines(conflict.ours.length)}, theirs ${lines(conflict.theirs.length)}`
}

/** How to settle a conflict of a file: the `psp resolve` command line. */
function resolveHint(target: string, conflict: LocatedConflict): string {
  if (conflict.kind === 'field') return `psp resolve ${target} --field ${conflict.field} --take ours|theirs|<value>`
  return `psp resolve ${target}${conflict.kind === 'body' ? ' --field body' : ''} --take ours|theirs`
}

/** A conflict as a validation problem (code MERGE_CONFLICT). */
function conflictProblem(file: ConflictedFile, conflict: LocatedConflict): Problem {
  const field = conflict.kind === 'field' ? conflict.field : conflict.kind === 'body' ? 'body' : undefined
  return {
    path: file.path,
    line: conflict.line,
    col: 1,
    ...(field === undefined ? {} : {field}),
    message: `${describeConflict(conflict)}; settle it with ${resolveHint(file.id ?? file.path, conflict)}`,
    code: 'MERGE_CONFLICT',
  }
}

/** The open conflicts of a parsed document, as validation problems (`mayHaveMarkers`: see recordConflicts). */
export function conflictProblems(doc: ParsedDocument, mayHaveMarkers?: () => boolean): Problem[] {
  const {record} = doc
  const conflicts = recordConflicts(record, () => doc.split, mayHaveMarkers)
  const file: ConflictedFile = {path: record.path, id: record.id, conflicts}
  return conflicts.map((c) => conflictProblem(file, c))
}

/** The marker blocks of a workspace file that is not a readable document, as validation problems. */
export function unreadableConflictProblems(ws: Workspace, rel: string): Problem[] {
  const text = readSmallText(ws, rel)
  if (text === undefined) return []
  const file: ConflictedFile = {path: rel, conflicts: textConflicts(text)}
  return file.conflicts.map((c) => conflictProblem(file, c))
}

/** The workspace's paths git holds as unmerged, workspace-relative. */
function unmergedInWorkspace(ws: Workspace): string[] {
  const location = discoverRepository(ws.root)
  if (location === undefined) return []
  const prefix = toPosixRelative(location.workTree, ws.root)
  const head = prefix === '' ? '' : `${prefix}/`
  return unmergedPaths(location)
    .filter((p) => p.startsWith(head))
    .map((p) => p.slice(head.length))
}

/** Every open conflict of the workspace's documents (archived ones included), by path. */
export function findConflicts(ws: Workspace): ConflictsReport {
  const snapshot = loadSnapshot(ws)
  const files: ConflictedFile[] = []
  for (const record of snapshot.records) {
    let conflicts: LocatedConflict[]
    try {
      conflicts = recordConflicts(
        record,
        () => readDocument(ws, record.path).split,
        ws.revision === undefined ? () => hasMarkerBytes(ws, record.path) : undefined,
      )
    } catch {
      // Changed since the index read it and no longer a document: psp validate names it.
      continue
    }
    if (conflicts.length > 0) files.push({path: record.path, id: record.id, type: record.type, title: record.title, conflicts})
  }
  for (const problem of snapshot.unreadable) {
    const text = readSmallText(ws, problem.path)
    const conflicts = text === undefined ? [] : textConflicts(text)
    if (conflicts.length > 0) files.push({path: problem.path, conflicts})
  }
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
  return {files, count: files.reduce((n, f) => n + f.conflicts.length, 0), unmerged: ws.revision === undefined ? unmergedInWorkspace(ws) : []}
}

/** How `--take` says which side or value wins. */
export type Take = ConflictResolution['take']

/**
 * Reads `--take`: `ours` and `theirs` are sides; `value:<yaml>` is always a value (the way to
 * write a value that reads `ours` or `theirs`); anything else is a value too, read as YAML the
 * way `--set` reads one (`3` a number, `[a, b]` a list, `"3"` text).
 */
export function parseTake(raw: string): Take {
  if (raw === 'ours' || raw === 'theirs') return raw
  return {value: parseFieldValue(raw.startsWith('value:') ? raw.slice('value:'.length) : raw)}
}

/** What `psp resolve` did. */
export interface ResolveReport {
  /** The record's id (after resolving: a text conflict's file has one once it reads again). */
  id: string
  path: string
  /** The conflict settled: a field, `body` (all its blocks), or `text` (the whole file's blocks). */
  field: string
  took: 'ours' | 'theirs' | 'value'
  /** The field's value now (fields only; absent when the field was removed). */
  value?: unknown
  /** False when the file already read as asked (nothing written). */
  changed: boolean
  /** The conflicts still open in the file. */
  remaining: LocatedConflict[]
}

/** What `resolveFileConflict` is asked. */
export interface ResolveOptions {
  /** The conflict: a field of `merge_conflicts`, `body`; omitted when the file has exactly one. */
  field?: string
  take: Take
  /** Where a path argument is relative to (default: the current directory). */
  cwd?: string
}

/** The conflicts a resolve can name: each field, and the body's blocks together. */
function conflictNames(conflicts: readonly LocatedConflict[]): string[] {
  const names: string[] = []
  for (const c of conflicts) {
    const name = c.kind === 'field' ? c.field : c.kind
    if (!names.includes(name)) names.push(name)
  }
  return names
}

/** Throws the first problem of a document about to be written, as an edit would. */
function assertWritable(store: DocumentStore, parsed: ParsedDocument): void {
  const problems = store.check(parsed)
  const first = problems[0]
  if (first === undefined) return
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : ''
  const ErrorClass = first.code === 'CYCLE' || first.code === 'DUPLICATE_ID' ? ConflictError : InvalidDocumentError
  throw new ErrorClass(`${first.message}${more}`, {path: first.path, line: first.line, col: first.col, field: first.field, data: {problems}})
}

/**
 * Settles one conflict of a document — given by id (any unique prefix) or, with a `/` in it, by
 * path — and writes the file atomically, only the changed lines rewritten, after the same checks
 * as any edit. Throws NotFoundError for an unknown id or file and for a conflict that is not
 * open, UsageError when `field` is needed but not given (it lists the open ones) or `take` does
 * not fit, and the checks' errors when the settled document would be invalid.
 */
export async function resolveFileConflict(ws: Workspace, target: string, options: ResolveOptions): Promise<ResolveReport> {
  const store = new DocumentStore(ws)
  const byPath = /[\\/]/.test(target)
  let rel: string
  if (byPath) {
    const cwd = options.cwd ?? process.cwd()
    rel = toPosixRelative(ws.root, resolveInside(ws.root, path.relative(ws.root, path.resolve(cwd, target)), target))
  } else {
    rel = store.get(target).path
  }
  let bytes: Buffer
  try {
    bytes = fs.readFileSync(ws.resolve(rel))
  } catch (error) {
    throw new NotFoundError('no such file', {path: byPath ? target : rel, cause: error})
  }
  const before = bytes.toString('utf8')
  let parsed: ParsedDocument | undefined
  try {
    parsed = parseDocumentBytes(ws, rel, bytes)
  } catch (error) {
    // Only a file whose own conflict markers keep it from reading is settled as text.
    if (!(error instanceof InvalidDocumentError) || textConflicts(before).length === 0) throw error
  }
  const {field, after, took} = parsed === undefined ? settleText(rel, before, options) : settleDocument(parsed, before, options)
  const next = parseSettled(rel, after, took)
  if (parsed !== undefined && (next.record.id !== parsed.record.id || next.record.type !== parsed.record.type)) {
    const key = next.record.id !== parsed.record.id ? 'id' : 'type'
    throw new UsageError('cannot be changed by resolve: it is the record\'s identity; edit the file by hand', {path: rel, field: key})
  }
  assertWritable(store, next)
  const changed = after !== before
  if (changed && !(await store.writePrepared(before, after, next))) {
    throw new IoError('the file changed while it was being resolved; nothing was written: run psp resolve again', {path: rel})
  }
  const report: ResolveReport = {
    id: next.record.id,
    path: rel,
    field,
    took: typeof options.take === 'string' ? options.take : 'value',
    changed,
    remaining: recordConflicts(next.record, () => next.split),
  }
  if (field !== 'body' && field !== 'text') {
    const value = valueAt(next.record.data, field)
    if (value !== undefined) report.value = value
  }
  return report
}

function parseSettled(rel: string, text: string, took: string): ParsedDocument {
  try {
    return parseDocumentText(text, rel, isArchivedPath(rel))
  } catch (error) {
    if (!(error instanceof InvalidDocumentError)) throw error
    throw new InvalidDocumentError(`taking ${took} would leave a file that is not a readable document (${error.message}): edit it by hand`, {
      path: rel,
      line: error.location.line,
      col: error.location.col,
      field: error.location.field,
    })
  }
}

/** A field's value by the name a conflict gives it (a key, or a dotted path into maps). */
function valueAt(data: Record<string, unknown>, field: string): unknown {
  if (Object.hasOwn(data, field)) return data[field]
  const dot = field.indexOf('.')
  if (dot <= 0) return undefined
  const inner = data[field.slice(0, dot)]
  return isMap(inner) ? valueAt(inner, field.slice(dot + 1)) : undefined
}

interface Settled {
  field: string
  after: string
  took: string
}

function settleDocument(parsed: ParsedDocument, before: string, options: ResolveOptions): Settled {
  const {record} = parsed
  const conflicts = recordConflicts(record, () => parsed.split)
  const names = conflictNames(conflicts)
  if (names.length === 0) throw new NotFoundError(`${record.id} has no open conflict`, {path: record.path, hint: 'psp conflicts lists the open ones'})
  let field = options.field
  if (field === undefined) {
    if (names.length > 1) {
      throw new UsageError(`${record.id} has ${names.length} open conflicts (${names.join(', ')}): name one with --field`, {path: record.path})
    }
    field = names[0] as string
  } else if (!names.includes(field)) {
    throw new NotFoundError(`no open conflict on "${field}" in ${record.id} (open: ${names.join(', ')})`, {path: record.path})
  }
  const took = typeof options.take === 'string' ? options.take : 'the value'
  return {field, after: resolveConflict(before, {field, take: options.take}), took}
}

function settleText(rel: string, before: string, options: ResolveOptions): Settled {
  if (options.field !== undefined && options.field !== 'text' && options.field !== 'body') {
    throw new UsageError('this file is not a readable document, so it has no field conflicts: its conflict markers are settled together (--take ours or theirs)', {path: rel})
  }
  if (typeof options.take !== 'string') {
    throw new UsageError('a file that is not a readable document takes a side (ours or theirs), not a value: edit it by hand to write another text', {path: rel})
  }
  return {field: 'text', after: takeConflictSide(before, options.take), took: options.take}
}
