/**
 * psp's own three-way merge of two commits' trees (isomorphic-git's merge has no rename
 * handling and refuses histories with several merge bases). Only the paths that changed on
 * either side since the base are looked at — trees are compared by id, descending only into
 * folders that differ — so the cost follows the size of the change, not of the repository.
 *
 * - psp documents among them are merged together by `mergeDocumentSets`: matched by id, so a
 *   record moved on one side (archived) and edited on the other gets both; field-level merge of
 *   the frontmatter, diff3 of the body; conflicts kept in the file (merge_conflicts, markers);
 * - any other file changed on one side takes that side; changed on both, its text is merged
 *   line by line (diff3, conflict markers); a binary file, symlink or submodule both sides
 *   changed differently keeps ours and is a conflict; a file deleted on one side and changed on
 *   the other keeps the changed version and is a conflict.
 */
import {mergeDocumentSets, type DocumentMergeEntry, type DocumentOutcome} from '../merge/document-set.js'
import {findConflictBlocks, mergeText, type MergeLabels} from '../merge/diff3.js'
import type {FieldConflict} from '../merge/record-merge.js'
import {splitDocument} from '../markdown/frontmatter.js'
import {diffTrees, fileAt, type ObjectStoreWriter, type PathChange, type TreeFile} from './objects.js'
import {isDocumentRepoPath} from './paths.js'

/** A conflict left in the working tree for a person to settle. Paths are the workspace's (see SyncReport). */
export interface SyncConflict {
  path: string
  /** The record's id, for a document. */
  id?: string
  /** Field conflicts recorded in the document's merge_conflicts. */
  fields: FieldConflict[]
  /** Conflict marker blocks in the file (a document's body, or a text file). */
  blocks: number
  /** delete/modify: the side that deleted the file; the file now holds the other side's version. */
  deleted?: 'ours' | 'theirs'
  /** The document was written here because another one took the path it wanted. */
  displacedFrom?: string
  /** A binary file, symlink or submodule both sides changed: ours was kept. */
  binary?: boolean
}

/** One record the merge touched. */
export interface SyncMergedRecord {
  id?: string
  title?: string
  /** Where it is now (workspace-relative); undefined when the merge deleted it. */
  path?: string
  outcome: DocumentOutcome
  /** `added` / `deleted`: the side that added or deleted it; `delete/modify`: the side that deleted it. */
  side?: 'ours' | 'theirs'
  conflict: boolean
}

/** True when the record's result comes (also) from the remote: not a change made only here. */
export function mergedFromRemote(r: SyncMergedRecord): boolean {
  if (r.outcome === 'ours') return false
  if (r.outcome === 'added' || r.outcome === 'deleted') return r.side !== 'ours'
  return true
}

/** One other file the remote changed. */
export interface SyncMergedFile {
  path: string
  outcome: 'theirs' | 'merged' | 'conflict'
}

export interface TreeMergeResult {
  /** Repository paths whose merged file differs from ours: the file, or null when it is deleted. */
  changes: Map<string, TreeFile | null>
  /** The same paths' new text or bytes, for the working tree (absent for deletions). */
  records: SyncMergedRecord[]
  files: SyncMergedFile[]
  conflicts: SyncConflict[]
  /** Repository paths of the conflicts (what `--continue` must check). */
  conflictPaths: string[]
}

export interface TreeMergeInput {
  store: ObjectStoreWriter
  base: string | undefined
  ours: string
  theirs: string
  /** The workspace's folder in the repository: '' or ending in '/'. */
  prefix: string
  labels?: MergeLabels
  /** The `merge` attribute of a path (.gitattributes): `union` merges both sides' lines, `binary` never merges lines. */
  attribute?: (repoPath: string) => 'union' | 'binary' | undefined
}

/** A union merge (git's merge=union): each conflict block becomes ours' lines, then theirs'. */
function unionOf(text: string): string {
  const blocks = findConflictBlocks(text)
  if (blocks.length === 0) return text
  const lines = text.split(/(?<=\n)/)
  const out: string[] = []
  let at = 0
  for (const block of blocks) {
    out.push(...lines.slice(at, block.from), ...block.raw.ours, ...block.raw.theirs)
    at = block.to
  }
  out.push(...lines.slice(at))
  return out.join('')
}

const decoder = new TextDecoder('utf-8', {fatal: true})

/** A blob's text, or undefined when it is not UTF-8 text (a NUL byte or invalid UTF-8). */
function textOf(bytes: Buffer): string | undefined {
  if (bytes.subarray(0, 8000).includes(0)) return undefined
  try {
    return decoder.decode(bytes)
  } catch {
    return undefined
  }
}

const same = (a: TreeFile | undefined, b: TreeFile | undefined) => a === b || (a !== undefined && b !== undefined && a.oid === b.oid && a.mode === b.mode)
const isRegular = (f: TreeFile | undefined) => f === undefined || f.mode === '100644' || f.mode === '100755'

function describe(text: string | undefined): {id?: string; title?: string} {
  if (text === undefined) return {}
  try {
    const data = splitDocument(text).data
    const id = typeof data['id'] === 'string' ? data['id'] : undefined
    const title = typeof data['title'] === 'string' ? data['title'] : undefined
    return {...(id === undefined ? {} : {id}), ...(title === undefined ? {} : {title})}
  } catch {
    return {}
  }
}

/** Merges the trees of `ours` and `theirs` from `base` (commit trees; undefined base: no common ancestor). */
export function mergeTrees(input: TreeMergeInput): TreeMergeResult {
  const {store, base, ours, theirs, prefix} = input
  const oursDiff = diffTrees(store, base, ours)
  const theirsDiff = diffTrees(store, base, theirs)
  const baseFile = (p: string): TreeFile | undefined => oursDiff.get(p)?.before ?? theirsDiff.get(p)?.before ?? (oursDiff.has(p) || theirsDiff.has(p) ? undefined : fileAt(store, base, p))
  const side = (diff: Map<string, PathChange>, p: string) => (diff.has(p) ? (diff.get(p) as PathChange).after : baseFile(p))
  const oursFile = (p: string) => side(oursDiff, p)
  const theirsFile = (p: string) => side(theirsDiff, p)
  const wsPath = (p: string) => p.slice(prefix.length)
  const repoPath = (p: string) => prefix + p

  const paths = new Set([...oursDiff.keys(), ...theirsDiff.keys()])
  const changes = new Map<string, TreeFile | null>()
  const conflicts: SyncConflict[] = []
  const conflictPaths: string[] = []
  const files: SyncMergedFile[] = []
  const settle = (p: string, final: TreeFile | undefined) => {
    if (!same(final, oursFile(p))) changes.set(p, final ?? null)
  }
  const readText = (f: TreeFile | undefined) => (f === undefined ? undefined : store.readBlob(f.oid).toString('utf8'))

  // Documents: every version of every changed document path, merged as one set.
  const docPaths: string[] = []
  for (const p of paths) {
    if (isDocumentRepoPath(p, prefix) && isRegular(baseFile(p)) && isRegular(oursFile(p)) && isRegular(theirsFile(p))) docPaths.push(p)
  }
  const sets = {base: new Map<string, string>(), ours: new Map<string, string>(), theirs: new Map<string, string>()}
  const versions = new Map<string, Map<string, TreeFile>>()
  for (const p of docPaths) {
    for (const [name, file] of [['base', baseFile(p)], ['ours', oursFile(p)], ['theirs', theirsFile(p)]] as const) {
      if (file === undefined) continue
      const text = readText(file) as string
      sets[name].set(wsPath(p), text)
      let byText = versions.get(p)
      if (byText === undefined) versions.set(p, (byText = new Map()))
      byText.set(text, file)
    }
  }
  const records: SyncMergedRecord[] = []
  if (docPaths.length > 0) {
    const merged = mergeDocumentSets(sets.base, sets.ours, sets.theirs, input.labels === undefined ? {} : {labels: input.labels})
    const written = new Set<string>()
    for (const [rel, text] of merged.files) {
      const p = repoPath(rel)
      written.add(p)
      const ours = oursFile(p)
      // The bytes of an existing version when the text is one (no re-encoding), else a new blob.
      const known = versions.get(p)?.get(text)
      const mode = ours?.mode ?? theirsFile(p)?.mode ?? '100644'
      settle(p, known !== undefined && known.mode === mode ? known : {oid: store.write('blob', Buffer.from(text, 'utf8')), mode})
    }
    for (const p of docPaths) if (!written.has(p)) settle(p, undefined)
    for (const entry of merged.documents) {
      const text = entry.path === undefined ? undefined : merged.files.get(entry.path)
      const gone = entry.paths.ours ?? entry.paths.theirs ?? entry.paths.base
      const info = describe(text ?? (gone === undefined ? undefined : (sets.ours.get(gone) ?? sets.theirs.get(gone) ?? sets.base.get(gone))))
      const id = entry.id ?? info.id
      records.push({
        ...(id === undefined ? {} : {id}),
        ...(info.title === undefined ? {} : {title: info.title}),
        ...(entry.path === undefined ? {} : {path: entry.path}),
        outcome: entry.outcome,
        ...(entry.side === undefined ? {} : {side: entry.side}),
        conflict: entry.conflict,
      })
      if (entry.conflict) {
        conflicts.push(documentConflict(entry))
        conflictPaths.push(repoPath(entry.path ?? gone ?? ''))
      }
    }
  }

  // Every other file.
  const docSet = new Set(docPaths)
  for (const p of [...paths].sort()) {
    if (docSet.has(p)) continue
    const b = baseFile(p)
    const o = oursFile(p)
    const t = theirsFile(p)
    const incoming = theirsDiff.has(p)
    if (same(o, t) || same(t, b)) {
      settle(p, o)
      continue
    }
    if (same(o, b)) {
      settle(p, t)
      files.push({path: displayPath(p, prefix), outcome: 'theirs'})
      continue
    }
    const conflict = (entry: Omit<SyncConflict, 'path' | 'fields' | 'blocks'> & {blocks?: number}, final: TreeFile | undefined) => {
      settle(p, final)
      conflicts.push({path: displayPath(p, prefix), fields: [], blocks: 0, ...entry})
      conflictPaths.push(p)
      if (incoming) files.push({path: displayPath(p, prefix), outcome: 'conflict'})
    }
    // A file one side deleted — perhaps to put a folder of the same name there — and the other
    // changed: the changed file is kept, beside the folder when there is one (`name~theirs`).
    if (o === undefined) {
      if (folderAt(oursDiff, p)) {
        const beside = besideFree(`${p}~theirs`, paths)
        changes.set(beside, t as TreeFile)
        conflicts.push({path: displayPath(beside, prefix), fields: [], blocks: 0, deleted: 'ours', displacedFrom: displayPath(p, prefix)})
        conflictPaths.push(beside)
        if (incoming) files.push({path: displayPath(p, prefix), outcome: 'conflict'})
        continue
      }
      conflict({deleted: 'ours'}, t)
      continue
    }
    if (t === undefined) {
      if (folderAt(theirsDiff, p)) {
        // Theirs' folder takes the name; ours' changed file moves beside it.
        const beside = besideFree(`${p}~ours`, paths)
        changes.set(p, null)
        changes.set(beside, o)
        conflicts.push({path: displayPath(beside, prefix), fields: [], blocks: 0, deleted: 'theirs', displacedFrom: displayPath(p, prefix)})
        conflictPaths.push(beside)
        if (incoming) files.push({path: displayPath(p, prefix), outcome: 'conflict'})
        continue
      }
      conflict({deleted: 'theirs'}, o)
      continue
    }
    const mode = o.mode === b?.mode ? t.mode : o.mode
    if (o.oid === t.oid) {
      settle(p, {oid: o.oid, mode})
      files.push({path: displayPath(p, prefix), outcome: 'merged'})
      continue
    }
    const attribute = input.attribute?.(p)
    if (!isRegular(o) || !isRegular(t) || !isRegular(b) || attribute === 'binary') {
      conflict({binary: true}, o)
      continue
    }
    const [bt, ot, tt] = [b === undefined ? '' : textOf(store.readBlob(b.oid)), textOf(store.readBlob(o.oid)), textOf(store.readBlob(t.oid))]
    if (bt === undefined || ot === undefined || tt === undefined) {
      conflict({binary: true}, o)
      continue
    }
    const result = mergeText(bt, ot, tt, input.labels === undefined ? {} : {labels: input.labels})
    const union = attribute === 'union' && !result.clean
    const final = {oid: store.write('blob', Buffer.from(union ? unionOf(result.text) : result.text, 'utf8')), mode}
    if (!result.clean && !union) conflict({blocks: result.conflicts.length}, final)
    else {
      settle(p, final)
      files.push({path: displayPath(p, prefix), outcome: 'merged'})
    }
  }
  return {changes, records, files, conflicts, conflictPaths}
}

/** True when a side's changes put files under `p/` (the path became a folder there). */
function folderAt(diff: ReadonlyMap<string, PathChange>, p: string): boolean {
  const inside = `${p}/`
  for (const [k, change] of diff) if (k.startsWith(inside) && change.after !== undefined) return true
  return false
}

/** `wanted`, or `wanted-2`, … : the first that no changed path uses. */
function besideFree(wanted: string, taken: ReadonlySet<string>): string {
  for (let n = 1; ; n++) {
    const candidate = n === 1 ? wanted : `${wanted}-${n}`
    if (!taken.has(candidate)) return candidate
  }
}

/** A path as the report shows it: workspace-relative inside the workspace, else from the repository's top with a leading '/'. */
export function displayPath(p: string, prefix: string): string {
  return prefix === '' ? p : p.startsWith(prefix) ? p.slice(prefix.length) : `/${p}`
}

function documentConflict(entry: DocumentMergeEntry): SyncConflict {
  const out: SyncConflict = {path: entry.path ?? entry.paths.ours ?? entry.paths.theirs ?? entry.paths.base ?? '', fields: entry.conflicts, blocks: entry.bodyConflicts}
  if (entry.id !== undefined) out.id = entry.id
  if (entry.outcome === 'delete/modify' && entry.side !== undefined) out.deleted = entry.side
  if (entry.displacedFrom !== undefined) out.displacedFrom = entry.displacedFrom
  return out
}
