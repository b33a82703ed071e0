/**
 * One record's history, as `psp history` shows it: its commits from the history index, newest
 * first, preceded by the uncommitted change in the working tree when there is one, with
 * unified diffs on request.
 */
import fs from 'node:fs'
import {AmbiguousIdError, NotFoundError} from '../errors.js'
import {checkLimit} from '../limit.js'
import {isValidId, resolveId} from '../ids.js'
import type {DocumentRecord} from '../document.js'
import {DocumentStore} from '../store.js'
import type {Workspace} from '../workspace.js'
import {diffFields} from './field-diff.js'
import {HistoryIndex} from './history-index.js'
import {countLineChanges, renderHunks, unifiedHunks} from './line-diff.js'
import type {HistoryAuthor, HistoryEntry} from './types.js'
import {parseDocumentBytes, type ParsedBlob} from './walk.js'

/** An entry of `psp history`: a commit's change, or (commit null) the uncommitted one. */
export interface RecordHistoryEntry extends Omit<HistoryEntry, 'commit' | 'author' | 'committed' | 'subject'> {
  /** null for the change in the working tree that is not committed yet. */
  commit: string | null
  author: HistoryAuthor | null
  committed: number | null
  subject: string | null
  /** With `patch`: the unified diff of the whole file (frontmatter and body). */
  patch?: string
}

export interface RecordHistory {
  /** The record's id; null for a file whose id never could be read. */
  id: string | null
  /** The title of the latest readable version. */
  title: string
  /** The record's path now (in the working tree), else its last committed path. */
  path: string
  /** True when the record is in the working tree. */
  exists: boolean
  /** True when some commit changed the record. */
  committed: boolean
  /** Newest first; an uncommitted change first of all. */
  entries: RecordHistoryEntry[]
  /** Commits that changed the record (before `limit`). */
  total: number
}

export interface RecordHistoryOptions {
  /** Add each change's unified diff. */
  patch?: boolean
  /** At most this many commits (the uncommitted change is shown in addition). */
  limit?: number
}

function readText(blob: ParsedBlob | undefined): string {
  return blob?.text ?? ''
}

/** The unified diff between two versions of a file, with `---`/`+++` headers as git writes them. */
function patchOf(before: string | undefined, after: string | undefined, from: string, to: string): string {
  const hunks = unifiedHunks(before ?? '', after ?? '')
  if (hunks.length === 0) return ''
  return `--- ${before === undefined ? '/dev/null' : `a/${from}`}\n+++ ${after === undefined ? '/dev/null' : `b/${to}`}\n${renderHunks(hunks)}`
}

/**
 * Finds the record a query names: an id the index knows exactly (one shard read, the common case
 * and the fast one), else a record of the working tree, else a deleted record in history, else a
 * path.
 */
function resolveRecord(ws: Workspace, index: HistoryIndex, query: string): {key: string; record?: DocumentRecord} {
  const exact = query.trim()
  if (isValidId(exact) && index.entries(exact).length > 0) return {key: exact}
  const store = new DocumentStore(ws)
  let notFound: NotFoundError
  try {
    const record = store.get(query)
    return {key: record.id, record}
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error
    notFound = error
  }
  const summaries = index.summaries()
  const ids = [...summaries.values()].flatMap((s) => (s.id === undefined ? [] : [s.id]))
  try {
    return {key: resolveId(query, ids)}
  } catch (error) {
    if (error instanceof AmbiguousIdError) throw error
  }
  const rel = query.trim().replace(/\\/g, '/').replace(/^\.\//, '')
  if (summaries.has(`path:${rel}`)) return {key: `path:${rel}`}
  const atPath = [...summaries.values()].find((s) => s.path === rel)
  if (atPath !== undefined) return {key: atPath.key}
  throw new NotFoundError(`no record matches "${query}" in the workspace or in its git history`, {data: notFound.data, ...(notFound.hint === undefined ? {} : {hint: notFound.hint})})
}

/** The title a record's committed history ends with, from its field changes (no file read). */
function titleOf(entries: readonly HistoryEntry[]): string | undefined {
  let title: string | undefined
  for (let i = entries.length - 1; i >= 0; i--) {
    const entry = entries[i] as HistoryEntry
    // A deleted record keeps the title it had.
    if (entry.change === 'deleted') continue
    const change = entry.fields.find((f) => f.field === 'title')
    if (change !== undefined) title = typeof change.after === 'string' ? change.after : undefined
  }
  return title
}

/** True when two versions of a file hold the same text (line endings aside: core.autocrlf may differ). */
function sameText(a: Buffer, b: Buffer): boolean {
  if (a.equals(b)) return true
  return a.toString('utf8').replace(/\r\n/g, '\n') === b.toString('utf8').replace(/\r\n/g, '\n')
}

/**
 * The history of the record a query names (an id or unique prefix, as everywhere; or a
 * workspace-relative path). Deleted records are found in history. Throws NotFoundError,
 * AmbiguousIdError, and NotAGitRepositoryError when the workspace is not in a git repository.
 */
export function recordHistory(ws: Workspace, query: string, options: RecordHistoryOptions = {}): RecordHistory {
  if (options.limit !== undefined) checkLimit(options.limit)
  const index = HistoryIndex.require(ws)
  const resolved = resolveRecord(ws, index, query)
  const {key} = resolved
  let record = resolved.record
  const committed = index.entries(key)
  const maxBytes = ws.settings.limits.max_document_bytes
  const blobCache = new Map<string, ParsedBlob>()
  const blob = (oid: string | undefined) => {
    if (oid === undefined) return undefined
    let parsed = blobCache.get(oid)
    if (parsed === undefined) {
      parsed = parseDocumentBytes(index.repo.readBlob(oid), maxBytes)
      blobCache.set(oid, parsed)
    }
    return parsed
  }
  const latest = committed[0]
  const committedPath = latest !== undefined && latest.change !== 'deleted' ? latest.path : undefined
  const headOid = committedPath === undefined ? undefined : index.headOid(key, committedPath)
  const headBytes = headOid === undefined ? undefined : index.repo.readBlob(headOid)
  // What the working tree holds for the record now: its file, or the file at its committed path.
  const readWork = (rel: string | undefined) => {
    if (rel === undefined) return undefined
    try {
      return fs.readFileSync(ws.resolve(rel))
    } catch {
      return undefined
    }
  }
  let workPath = record?.path ?? committedPath
  let workBytes = readWork(workPath)
  let unchanged = workBytes !== undefined && headBytes !== undefined && workPath === committedPath && sameText(workBytes, headBytes)
  let workBlob: ParsedBlob | undefined
  if (!unchanged && record === undefined && !key.startsWith('path:')) {
    // Not where it was committed, or changed there: find where the record is now, if anywhere.
    workBlob = workBytes === undefined ? undefined : parseDocumentBytes(workBytes, maxBytes)
    if (workBlob?.id !== key) {
      try {
        record = new DocumentStore(ws).get(key)
      } catch (error) {
        if (!(error instanceof NotFoundError)) throw error
      }
      if (record !== undefined || workBlob?.id !== undefined) {
        workPath = record?.path
        workBytes = readWork(workPath)
        workBlob = undefined
      }
      unchanged = workBytes !== undefined && headBytes !== undefined && workPath === committedPath && sameText(workBytes, headBytes)
    }
  }
  if (workBytes === undefined) workPath = undefined
  const entries: RecordHistoryEntry[] = []
  if (!unchanged) {
    const headBlob = headOid === undefined ? undefined : blob(headOid)
    workBlob ??= workBytes === undefined ? undefined : parseDocumentBytes(workBytes, maxBytes)
    const uncommitted = workingTreeEntry(headBlob, headOid, committedPath, workBlob, workPath)
    if (uncommitted !== undefined) {
      const patch = options.patch ? patchOf(headBlob?.text, workBlob?.text, committedPath ?? '', workPath ?? committedPath ?? '') : undefined
      entries.push({...uncommitted, ...(patch === undefined ? {} : {patch})})
    }
  }
  const shown = options.limit === undefined ? committed : committed.slice(0, options.limit)
  for (const entry of shown) {
    const patch = options.patch
      ? patchOf(entry.before === undefined ? undefined : readText(blob(entry.before)), entry.after === undefined ? undefined : readText(blob(entry.after)), entry.from ?? entry.path, entry.path)
      : undefined
    entries.push({...entry, ...(patch === undefined ? {} : {patch})})
  }
  const workTitle = typeof workBlob?.data?.['title'] === 'string' ? (workBlob.data['title'] as string) : undefined
  const title = record?.title ?? workTitle ?? titleOf(committed) ?? ''
  return {
    id: key.startsWith('path:') ? null : key,
    title,
    path: workPath ?? latest?.path ?? key.replace(/^path:/, ''),
    exists: workPath !== undefined,
    committed: committed.length > 0,
    entries,
    total: committed.length,
  }
}

/** The change between the committed version and the working tree's, or undefined when they agree. */
function workingTreeEntry(
  head: ParsedBlob | undefined,
  headOid: string | undefined,
  headPath: string | undefined,
  work: ParsedBlob | undefined,
  workPath: string | undefined,
): RecordHistoryEntry | undefined {
  if (head === undefined && work === undefined) return undefined
  // Line endings may differ by checkout settings (core.autocrlf) without anyone changing a thing.
  const normal = (text: string) => text.replace(/\r\n/g, '\n')
  if (head !== undefined && work !== undefined && headPath === workPath && normal(head.text) === normal(work.text)) return undefined
  const change = head === undefined ? 'added' : work === undefined ? 'deleted' : headPath !== workPath ? 'renamed' : 'modified'
  const badBefore = head !== undefined && head.data === undefined
  const badAfter = work !== undefined && work.data === undefined
  const readable = !badBefore && !badAfter
  return {
    commit: null,
    author: null,
    committed: null,
    subject: null,
    change,
    path: (workPath ?? headPath) as string,
    ...(change === 'renamed' ? {from: headPath as string} : {}),
    fields: readable ? diffFields(head?.data, work?.data) : [],
    body: readable ? countLineChanges(head?.body ?? '', work?.body ?? '') : countLineChanges(head?.text ?? '', work?.text ?? ''),
    ...(headOid === undefined ? {} : {before: headOid}),
    ...(readable ? {} : {unparseable: badBefore && badAfter ? 'both' : badBefore ? 'before' : 'after'}),
  }
}
