/**
 * The three-way merge of every psp document of two revisions and their common ancestor. Documents
 * are matched by their frontmatter `id`, not by path (identity is the id), so a document moved or
 * renamed on one side and edited on the other is one document: the move and the edits both land.
 * Nothing is ever dropped silently: a document deleted on one side and changed on the other is
 * kept, and a document whose path another one took is written next to it.
 *
 * Outcomes, per document (a document is its id; a file no version of which has a readable id is
 * matched by path):
 *
 * | case                                                  | result                                       |
 * |-------------------------------------------------------|----------------------------------------------|
 * | changed (content or path) on one side only            | that side's version (`ours` / `theirs`)      |
 * | changed on both sides                                 | record merge (`merged`), at the moved path   |
 * | moved to different paths on both sides                | record merge at ours' path (`rename/rename`) |
 * | on one side only, not in base                         | kept (`added`)                               |
 * | deleted on one side, unchanged on the other           | deleted (`deleted`)                          |
 * | deleted on one side, changed (or moved) on the other  | the changed version kept (`delete/modify`, a conflict) |
 * | added on both sides, same text                        | one copy (`add/add`)                         |
 * | added on both sides, different text                   | record merge with no base (`add/add`)        |
 * | a version does not parse                              | the record merge's whole-file text diff3 (`fallback`) |
 *
 * Path clashes (two documents ending up at one path) keep the document whose path came from ours
 * and write the other at `name~theirs.md` (`displacedFrom` says where it wanted to be).
 */
import {splitDocument} from '../markdown/frontmatter.js'
import type {MergeLabels} from './diff3.js'
import {mergeRecordText, type FieldConflict} from './record-merge.js'

/** The documents of one revision: path (relative, forward slashes) → text. */
export type DocumentSet = ReadonlyMap<string, string>

/** What happened to one document. */
export type DocumentOutcome = 'ours' | 'theirs' | 'merged' | 'rename/rename' | 'added' | 'deleted' | 'delete/modify' | 'add/add'

/** One document's line of the merge report. */
export interface DocumentMergeEntry {
  /** The document's id; undefined for a file no version of which has a readable id. */
  id?: string
  outcome: DocumentOutcome
  /** Where the merged document is; undefined when it was deleted. */
  path?: string
  /** Where each version was (a side without the document has no path). */
  paths: {base?: string; ours?: string; theirs?: string}
  /** True when a person should look: field or body conflicts, a delete/modify, a displaced path. */
  conflict: boolean
  /** The field conflicts written into the document's `merge_conflicts`. */
  conflicts: FieldConflict[]
  /** How many conflict blocks the merged file has. */
  bodyConflicts: number
  /** `added`: the side that added it; `deleted` and `delete/modify`: the side that deleted it (none when both did). */
  side?: 'ours' | 'theirs'
  /** The path this document should have had, taken by another one; it was written at `path` instead. */
  displacedFrom?: string
  /** Set when a version did not parse and the whole file was merged as text. */
  fallback?: {reason: string}
}

/** The merged documents and what happened to each one that changed on either side. */
export interface DocumentSetMergeResult {
  /** Path → text of every document of the merged revision. */
  files: Map<string, string>
  /** The documents that changed on either side, sorted by path; unchanged ones are not listed. */
  documents: DocumentMergeEntry[]
  /** True when no document needs a person (no entry has `conflict`). */
  clean: boolean
}

export interface DocumentSetMergeOptions {
  /** Labels of the body conflict markers. */
  labels?: MergeLabels
}

type Side = 'base' | 'ours' | 'theirs'
const SIDES: readonly Side[] = ['base', 'ours', 'theirs']

interface Version {
  path: string
  text: string
  /** The frontmatter id, when the text parses and has one. */
  id?: string
}

/** A document's versions, keyed by `id:<id>` or, when it has none, `path:<path>`. */
type Versions = Partial<Record<Side, Version>>

function idOf(text: string): string | undefined {
  try {
    const id = splitDocument(text).data['id']
    return typeof id === 'string' && id !== '' ? id : undefined
  } catch {
    return undefined
  }
}

/**
 * Groups every version under its document key. A side with two files of one id (a copy) keeps the
 * id for the one at base's path (else the first path) and matches the others by path. A file
 * without a readable id takes the id of the document at its path on another side, so a broken
 * edit of a document still meets that document.
 */
function groupVersions(sets: Record<Side, Version[]>): Map<string, Versions> {
  const groups = new Map<string, Versions>()
  const put = (key: string, side: Side, version: Version) => {
    const group = groups.get(key) ?? {}
    group[side] = version
    groups.set(key, group)
  }
  const baseIdPath = new Map<string, string>()
  for (const v of sets.base) if (v.id !== undefined && !baseIdPath.has(v.id)) baseIdPath.set(v.id, v.path)
  const idAt = new Map<string, string>()
  const taken: Record<Side, Set<string>> = {base: new Set(), ours: new Set(), theirs: new Set()}
  const unmatched: Array<[Side, Version]> = []
  for (const side of SIDES) {
    const withId = sets[side].filter((v) => v.id !== undefined)
    // Base's path first, then path order: which copy keeps the id must not depend on map order.
    withId.sort((a, b) => Number(b.path === baseIdPath.get(b.id as string)) - Number(a.path === baseIdPath.get(a.id as string)) || compare(a.path, b.path))
    for (const v of withId) {
      const id = v.id as string
      if (taken[side].has(id)) {
        unmatched.push([side, v])
        continue
      }
      taken[side].add(id)
      put(`id:${id}`, side, v)
      if (!idAt.has(`${side}:${v.path}`)) idAt.set(`${side}:${v.path}`, id)
    }
    for (const v of sets[side]) if (v.id === undefined) unmatched.push([side, v])
  }
  for (const [side, v] of unmatched) {
    const id = v.id === undefined ? SIDES.filter((s) => s !== side).map((s) => idAt.get(`${s}:${v.path}`)).find((x) => x !== undefined) : undefined
    if (id !== undefined && !taken[side].has(id)) {
      taken[side].add(id)
      put(`id:${id}`, side, v)
    } else {
      put(`path:${v.path}`, side, v)
    }
  }
  return groups
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/** A settled document before paths are handed out. */
interface Settled {
  entry: DocumentMergeEntry
  text?: string
  /** True when the path is ours' choice: it wins a clash. */
  oursPath: boolean
}

function entryFor(versions: Versions, outcome: DocumentOutcome, path: string | undefined): DocumentMergeEntry {
  const paths: DocumentMergeEntry['paths'] = {}
  for (const side of SIDES) if (versions[side] !== undefined) paths[side] = versions[side].path
  const id = SIDES.map((s) => versions[s]?.id).find((x) => x !== undefined)
  return {...(id === undefined ? {} : {id}), outcome, ...(path === undefined ? {} : {path}), paths, conflict: false, conflicts: [], bodyConflicts: 0}
}

function merged(entry: DocumentMergeEntry, base: string | undefined, ours: string, theirs: string, labels: MergeLabels | undefined): string {
  const result = mergeRecordText({base, ours, theirs, labels})
  entry.conflicts = result.conflicts
  entry.bodyConflicts = result.bodyConflicts
  entry.conflict ||= !result.clean
  if (result.fallback !== undefined) entry.fallback = result.fallback
  return result.text
}

/** One document's outcome; undefined when neither side changed it. */
function settle(versions: Versions, labels: MergeLabels | undefined): Settled | undefined {
  const {base: b, ours: o, theirs: t} = versions
  const unchanged = (v: Version | undefined) => v !== undefined && b !== undefined && v.text === b.text && v.path === b.path
  if (b === undefined) {
    if (o !== undefined && t !== undefined) {
      const entry = entryFor(versions, 'add/add', o.path)
      return {entry, text: o.text === t.text ? o.text : merged(entry, undefined, o.text, t.text, labels), oursPath: true}
    }
    const only = (o ?? t) as Version
    const entry = entryFor(versions, 'added', only.path)
    entry.side = o === undefined ? 'theirs' : 'ours'
    return {entry, text: only.text, oursPath: o !== undefined}
  }
  if (o === undefined || t === undefined) {
    const kept = o ?? t
    if (kept === undefined || unchanged(kept)) {
      const entry = entryFor(versions, 'deleted', undefined)
      if (kept !== undefined) entry.side = o === undefined ? 'ours' : 'theirs'
      return {entry, oursPath: false}
    }
    const entry = entryFor(versions, 'delete/modify', kept.path)
    entry.side = o === undefined ? 'ours' : 'theirs'
    entry.conflict = true
    return {entry, text: kept.text, oursPath: o !== undefined}
  }
  const oursChanged = !unchanged(o)
  const theirsChanged = !unchanged(t)
  if (!oursChanged && !theirsChanged) return undefined
  const bothMoved = o.path !== b.path && t.path !== b.path && o.path !== t.path
  const path = o.path === b.path ? t.path : o.path
  const outcome: DocumentOutcome = bothMoved ? 'rename/rename' : oursChanged && theirsChanged ? 'merged' : oursChanged ? 'ours' : 'theirs'
  const entry = entryFor(versions, outcome, path)
  return {entry, text: merged(entry, b.text, o.text, t.text, labels), oursPath: path === o.path}
}

/** `dir/name~theirs.md`, then `dir/name~theirs-2.md`, … : the first free path next to `path`. */
function besidePath(path: string, used: ReadonlyMap<string, string>): string {
  const slash = path.lastIndexOf('/')
  const dot = path.lastIndexOf('.')
  const cut = dot > slash + 1 ? dot : path.length
  for (let n = 1; ; n++) {
    const candidate = `${path.slice(0, cut)}~theirs${n === 1 ? '' : `-${n}`}${path.slice(cut)}`
    if (!used.has(candidate)) return candidate
  }
}

/**
 * Merges the documents of two revisions given their common ancestor's (each a Map path → text).
 * Pure: nothing is read or written. See the module comment for the outcome of each case.
 */
export function mergeDocumentSets(base: DocumentSet, ours: DocumentSet, theirs: DocumentSet, options: DocumentSetMergeOptions = {}): DocumentSetMergeResult {
  const files = new Map<string, string>()
  // A path with the same text on all three sides is left alone without being parsed: in a sync
  // that is nearly every document.
  for (const [path, text] of base) if (ours.get(path) === text && theirs.get(path) === text) files.set(path, text)
  const sets: Record<Side, Version[]> = {base: [], ours: [], theirs: []}
  for (const [side, set] of [['base', base], ['ours', ours], ['theirs', theirs]] as const) {
    for (const [path, text] of set) if (!files.has(path)) sets[side].push({path, text, id: idOf(text)})
  }
  const settled: Settled[] = []
  for (const versions of groupVersions(sets).values()) {
    const done = settle(versions, options.labels)
    if (done !== undefined) settled.push(done)
  }
  // Ours' paths are handed out first, so on a clash ours' document stays where ours put it.
  settled.sort((a, b) => Number(b.oursPath) - Number(a.oursPath) || compare(a.entry.path ?? '', b.entry.path ?? ''))
  for (const {entry, text} of settled) {
    if (text === undefined || entry.path === undefined) continue
    if (files.has(entry.path)) {
      entry.displacedFrom = entry.path
      entry.path = besidePath(entry.path, files)
      entry.conflict = true
    }
    files.set(entry.path, text)
  }
  const documents = settled.map((s) => s.entry)
  const at = (e: DocumentMergeEntry) => e.path ?? e.paths.base ?? e.paths.ours ?? e.paths.theirs ?? ''
  documents.sort((a, b) => compare(at(a), at(b)) || compare(a.id ?? '', b.id ?? ''))
  return {files, documents, clean: documents.every((e) => !e.conflict)}
}
