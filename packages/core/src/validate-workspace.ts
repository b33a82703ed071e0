/**
 * `psp validate`: every document (or the given files) checked against its schema, references,
 * unique ids, dependency cycles and open merge conflicts.
 */
import fs from 'node:fs'
import path from 'node:path'
import {NotFoundError, PspError} from './errors.js'
import {locateKey, type DocumentRecord, type ParsedDocument} from './document.js'
import type {SplitDocument} from './markdown/frontmatter.js'
import {resolveInside, toPosixRelative} from './fs-safe.js'
import {conflictProblems, hasMarkerBytes, unreadableConflictProblems} from './merge/conflicts.js'
import {isArchivedPath, listDocumentFiles, loadSnapshot, mayHoldConflictMarkers, readDocument} from './store.js'
import {REFERENCE_FIELDS, referencedIds, referenceProblems, schemaProblems, sortProblems, type Problem} from './validate.js'
import type {Workspace} from './workspace.js'

/** What `psp validate` reports. */
export interface ValidationReport {
  /** Number of documents checked. */
  checked: number
  problems: Problem[]
}

/** What a validation checks besides the working tree as it is. */
export interface ValidateOptions {
  /**
   * Files as they will be rather than as they are in the working tree, by workspace-relative
   * path: the parsed document, the problem that kept it from parsing, or null for a file that
   * will not exist. The pre-commit hook checks the staged content this way.
   */
  overlay?: ReadonlyMap<string, ParsedDocument | Problem | null>
  /** Also checks the documents that refer to any of these ids (the ids a commit deletes). */
  referencing?: ReadonlySet<string>
}

/** Expands user-given paths (files or folders, relative to `cwd`) to workspace-relative files. */
export function expandPaths(ws: Workspace, cwd: string, inputs: string[]): string[] {
  const all = listDocumentFiles(ws)
  const out = new Set<string>()
  if (ws.revision !== undefined) {
    // A past revision: the paths are matched against its files, not the working tree's.
    for (const input of inputs) {
      const rel = toPosixRelative(ws.root, resolveInside(ws.root, path.relative(ws.root, path.resolve(cwd, input)), input))
      const matched = all.filter((file) => rel === '' || file === rel || file.startsWith(`${rel}/`))
      if (matched.length === 0) throw new NotFoundError(`no such document or folder at ${ws.revision.spec}`, {path: input})
      for (const file of matched) out.add(file)
    }
    return [...out].sort()
  }
  for (const input of inputs) {
    const absolute = resolveInside(ws.root, path.relative(ws.root, path.resolve(cwd, input)), input)
    if (!fs.existsSync(absolute)) throw new NotFoundError('no such file or folder', {path: input})
    const rel = toPosixRelative(ws.root, absolute)
    if (fs.statSync(absolute).isDirectory()) {
      const prefix = rel === '' ? '' : `${rel}/`
      for (const file of all) if (file.startsWith(prefix)) out.add(file)
    } else {
      out.add(rel)
    }
  }
  return [...out].sort()
}

/** Strongly connected components of the dependency graph with more than one member. */
function cycles(deps: Map<string, string[]>): string[][] {
  let index = 0
  const indices = new Map<string, number>()
  const low = new Map<string, number>()
  const onStack = new Set<string>()
  const stack: string[] = []
  const found: string[][] = []
  // Iterative Tarjan: deep dependency chains must not overflow the call stack.
  for (const start of [...deps.keys()].sort()) {
    if (indices.has(start)) continue
    const work: [string, number][] = [[start, 0]]
    while (work.length > 0) {
      const frame = work[work.length - 1] as [string, number]
      const [node, i] = frame
      if (i === 0) {
        indices.set(node, index)
        low.set(node, index)
        index++
        stack.push(node)
        onStack.add(node)
      }
      const next = (deps.get(node) ?? []).filter((n) => deps.has(n))
      if (i < next.length) {
        frame[1]++
        const child = next[i] as string
        if (!indices.has(child)) work.push([child, 0])
        else if (onStack.has(child)) low.set(node, Math.min(low.get(node) as number, indices.get(child) as number))
        continue
      }
      work.pop()
      const parent = work[work.length - 1]
      if (parent) low.set(parent[0], Math.min(low.get(parent[0]) as number, low.get(node) as number))
      if (low.get(node) === indices.get(node)) {
        const component: string[] = []
        let member: string | undefined
        do {
          member = stack.pop() as string
          onStack.delete(member)
          component.push(member)
        } while (member !== node)
        if (component.length > 1) found.push(component.sort())
      }
    }
  }
  return found
}

/** Orders a cycle's members as a walk along depends_on, starting at its smallest id. */
function walkCycle(members: string[], deps: Map<string, string[]>): string[] {
  const inside = new Set(members)
  const start = members[0] as string
  const trail = [start]
  let current = start
  for (;;) {
    const next = (deps.get(current) ?? []).find((n) => inside.has(n) && (n === start || !trail.includes(n)))
    if (next === undefined || next === start) break
    trail.push(next)
    current = next
  }
  return [...trail, start]
}

/**
 * A record from the index as a parsed document: its frontmatter's line offsets, which only a
 * problem's location needs, are read from the file when first asked for.
 */
class IndexedDocument implements ParsedDocument {
  readonly #ws: Workspace
  #split: SplitDocument | undefined

  constructor(
    ws: Workspace,
    readonly record: DocumentRecord,
  ) {
    this.#ws = ws
  }

  get split(): SplitDocument {
    this.#split ??= readDocument(this.#ws, this.record.path).split
    return this.#split
  }
}

const byPath = (a: ParsedDocument, b: ParsedDocument) => (a.record.path < b.record.path ? -1 : a.record.path > b.record.path ? 1 : 0)

/** True when a record's reference fields hold any of `ids`. */
function refersTo(record: DocumentRecord, ids: ReadonlySet<string>): boolean {
  return Object.keys(REFERENCE_FIELDS).some((field) => referencedIds(record, field).some((id) => ids.has(id)))
}

/**
 * Validates the workspace. With `files`, only problems in those files are reported, but
 * references and cycles are still checked against every document. Documents are read through
 * the index (data/cache/index): only files changed since the last command are parsed.
 */
export function validateWorkspace(ws: Workspace, files?: string[], options: ValidateOptions = {}): ValidationReport {
  const snapshot = loadSnapshot(ws)
  const {overlay} = options
  const parsed: ParsedDocument[] = []
  let unreadable = snapshot.unreadable
  for (const record of snapshot.records) if (!overlay?.has(record.path)) parsed.push(new IndexedDocument(ws, record))
  if (overlay !== undefined) {
    unreadable = unreadable.filter((p) => !overlay.has(p.path))
    for (const value of overlay.values()) {
      if (value === null) continue
      if ('record' in value) parsed.push(value)
      else unreadable.push(value)
    }
  }
  // In path order, as before the index: the first file of a duplicated id is the one kept.
  parsed.sort(byPath)
  const all = new Set([...parsed.map((d) => d.record.path), ...unreadable.map((p) => p.path)])
  const wanted = new Set(files ?? [...all].filter((f) => !isArchivedPath(f)))
  if (options.referencing !== undefined && options.referencing.size > 0) {
    for (const doc of parsed) if (refersTo(doc.record, options.referencing)) wanted.add(doc.record.path)
  }
  const problems: Problem[] = unreadable.filter((p) => wanted.has(p.path))
  // A text merge that put conflict markers into a frontmatter leaves the file unreadable: say
  // where the markers are, beside the parse error. (Staged content is checked as it parses.)
  if (ws.revision === undefined) {
    for (const problem of [...problems]) if (!overlay?.has(problem.path)) problems.push(...unreadableConflictProblems(ws, problem.path))
  }
  // Files asked for by path that the walk does not see (outside data/) are read directly.
  for (const rel of (files ?? []).filter((f) => !all.has(f))) {
    try {
      parsed.push(readDocument(ws, rel))
    } catch (error) {
      if (error instanceof PspError) {
        const {line, col, field} = error.location
        problems.push({path: rel, line: line ?? 1, col: col ?? 1, field, message: error.message, code: error.code})
      } else {
        throw error
      }
    }
  }
  const byId = new Map<string, DocumentRecord>()
  const firstDoc = new Map<string, ParsedDocument>()
  const sharing = new Map<string, ParsedDocument[]>()
  for (const doc of parsed) {
    const {record} = doc
    sharing.set(record.id, [...(sharing.get(record.id) ?? []), doc])
    if (!firstDoc.has(record.id)) {
      firstDoc.set(record.id, doc)
      byId.set(record.id, record)
    }
  }
  const duplicate = (doc: ParsedDocument, other: ParsedDocument) =>
    problems.push({
      path: doc.record.path,
      ...locateKey(doc.split, 'id'),
      field: 'id',
      message: `duplicate id: ${doc.record.id} is also used by ${other.record.path}`,
      code: 'DUPLICATE_ID',
    })
  for (const docs of sharing.values()) {
    const [first, ...later] = docs as [ParsedDocument, ...ParsedDocument[]]
    const reported = later.filter((doc) => wanted.has(doc.record.path))
    for (const doc of reported) duplicate(doc, first)
    // Checking only the first file of a duplicated id must still find the duplicate.
    if (later.length > 0 && reported.length === 0 && wanted.has(first.record.path)) duplicate(first, later[0] as ParsedDocument)
  }
  for (const doc of parsed) {
    if (!wanted.has(doc.record.path)) continue
    // A document from the working tree is first looked at raw; one from the commit (the
    // overlay) or a past revision has its body in memory.
    const fromDisk = ws.revision === undefined && doc instanceof IndexedDocument
    const seen = fromDisk ? mayHoldConflictMarkers(doc.record) : undefined
    const mayHaveMarkers = seen !== undefined ? () => seen : fromDisk ? () => hasMarkerBytes(ws, doc.record.path) : undefined
    problems.push(...schemaProblems(ws, doc), ...referenceProblems(doc, byId), ...conflictProblems(doc, mayHaveMarkers))
  }
  const deps = new Map<string, string[]>()
  for (const doc of parsed) {
    const value = doc.record.data['depends_on']
    if (!doc.record.archived && Array.isArray(value)) {
      deps.set(doc.record.id, value.filter((v): v is string => typeof v === 'string' && v !== doc.record.id))
    } else if (!doc.record.archived) {
      deps.set(doc.record.id, [])
    }
  }
  for (const component of cycles(deps)) {
    // Reported once, on the cycle's first member among the files asked for.
    const start = component.find((id) => wanted.has(firstDoc.get(id)?.record.path ?? ''))
    if (start === undefined) continue
    const walk = walkCycle([start, ...component.filter((id) => id !== start)], deps)
    const doc = firstDoc.get(start)
    if (!doc) continue
    problems.push({
      path: doc.record.path,
      ...locateKey(doc.split, 'depends_on'),
      field: 'depends_on',
      message: `dependency cycle: ${walk.join(' → ')}`,
      code: 'CYCLE',
    })
  }
  return {checked: wanted.size, problems: sortProblems(problems)}
}
