/**
 * The history walk: every commit reachable from HEAD, through all parents, newest first (by
 * committer date, as `git log` orders them). Each commit's `data/` tree is diffed with its
 * parent's, skipping subtrees whose ids are equal, so a commit that changed one task reads a
 * handful of small trees. The blobs of changed documents are parsed (each blob once), their
 * frontmatter compared field by field, and the change is filed under the record's id.
 *
 * A merge commit records only what it changed relative to every parent — a conflict
 * resolution, a field-level merge of concurrent edits — because what the branches did is
 * recorded with the branches' own commits, which the walk visits too (as `git log` shows them).
 */
import {isValidId} from '../ids.js'
import {decodeDocument, splitDocument} from '../markdown/frontmatter.js'
import {isDocumentFile, SKIP_DIRS} from '../document-files.js'
import type {GitCommit} from '../git/objects.js'
import {subjectOf} from '../git/objects.js'
import {ByteLru} from '../git/lru.js'
import type {GitRepository} from '../git/repository.js'
import {diffFields} from './field-diff.js'
import {countLineChanges} from './line-diff.js'
import type {ChangeKind, HistoryEntry} from './types.js'

/** One version of a document file, read from a blob. */
export interface ParsedBlob {
  /** The record's id, when the frontmatter could be read and holds a valid one. */
  id?: string
  /** The frontmatter, when it could be read. */
  data?: Record<string, unknown>
  /** The body (or the whole text when the frontmatter could not be read; '' when not text). */
  body: string
  /** The whole text ('' when not text). */
  text: string
}

/**
 * Parses one version of a document as the history sees it: never throws; a version that cannot
 * be read (too big, not UTF-8 text, bad frontmatter) has no `data`.
 */
export function parseDocumentBytes(bytes: Buffer, maxBytes: number): ParsedBlob {
  if (bytes.length > maxBytes) return {body: '', text: ''}
  let text = ''
  try {
    text = decodeDocument(bytes)
    const split = splitDocument(text)
    const id = split.data['id']
    return {data: split.data, body: split.text.slice(split.bodyStart), text, ...(isValidId(id) ? {id} : {})}
  } catch {
    return {body: text, text}
  }
}

/** A document file that differs between a commit and its parent. */
interface FileChange {
  path: string
  before?: string
  after?: string
}

export interface WalkOptions {
  /** The commit to start from (HEAD). */
  from: string
  /** Where the workspace is in the repository: '' at the top, else `some/folder/`. */
  prefix: string
  /** Commits already indexed: the walk stops at them (it still diffs against them). */
  known?: ReadonlySet<string>
  /** Files bigger than this are not parsed (the document size limit). */
  maxBytes: number
}

export interface WalkResult {
  /** Entries by key (record id, or `path:<path>`), newest first. */
  entries: Map<string, HistoryEntry[]>
  /** The commits walked, newest first. */
  commits: string[]
  /** The known commits the walk ran into. */
  boundary: Set<string>
}

const EMPTY = Buffer.alloc(0)
const PARSED_BYTES = 96 * 1024 * 1024
const MODE_TREE = 40000
const MODE_SYMLINK = 120000
const MODE_GITLINK = 160000

/** A max-heap of commits by committer date; ties go to the one queued first. */
class CommitQueue {
  private readonly items: Array<{oid: string; time: number; seq: number}> = []
  private seq = 0

  get size(): number {
    return this.items.length
  }

  push(oid: string, time: number): void {
    const items = this.items
    items.push({oid, time, seq: this.seq++})
    let i = items.length - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (!this.before(i, parent)) break
      ;[items[i], items[parent]] = [items[parent] as (typeof items)[number], items[i] as (typeof items)[number]]
      i = parent
    }
  }

  pop(): string | undefined {
    const items = this.items
    const top = items[0]
    const last = items.pop()
    if (top === undefined || last === undefined) return undefined
    if (items.length > 0) {
      items[0] = last
      let i = 0
      for (;;) {
        const l = 2 * i + 1
        const r = l + 1
        let best = i
        if (l < items.length && this.before(l, best)) best = l
        if (r < items.length && this.before(r, best)) best = r
        if (best === i) break
        ;[items[i], items[best]] = [items[best] as (typeof items)[number], items[i] as (typeof items)[number]]
        i = best
      }
    }
    return top.oid
  }

  private before(a: number, b: number): boolean {
    const x = this.items[a] as {time: number; seq: number}
    const y = this.items[b] as {time: number; seq: number}
    return x.time > y.time || (x.time === y.time && x.seq < y.seq)
  }
}

/** Git's tree order: names compare byte by byte, a folder as if its name ended in `/`. */
function compareNames(a: Buffer, as: number, ae: number, aDir: boolean, b: Buffer, bs: number, be: number, bDir: boolean): number {
  const la = ae - as
  const lb = be - bs
  const len = la < lb ? la : lb
  for (let k = 0; k < len; k++) {
    const d = (a[as + k] as number) - (b[bs + k] as number)
    if (d !== 0) return d
  }
  const ca = la > len ? (a[as + len] as number) : aDir ? 47 : 0
  const cb = lb > len ? (b[bs + len] as number) : bDir ? 47 : 0
  return ca - cb
}

/** A cursor over a raw tree: the entry at `pos` is `mode name\0oid`. */
class TreeCursor {
  pos = 0
  mode = 0
  nameStart = 0
  nameEnd = 0
  oidStart = 0
  next = 0

  constructor(readonly buf: Buffer) {
    this.read()
  }

  get done(): boolean {
    return this.pos >= this.buf.length
  }

  get isDir(): boolean {
    return this.mode === MODE_TREE
  }

  read(): void {
    const buf = this.buf
    if (this.pos >= buf.length) return
    let i = this.pos
    let mode = 0
    while (i < buf.length && buf[i] !== 32) mode = mode * 10 + ((buf[i++] as number) - 48)
    this.mode = mode
    this.nameStart = i + 1
    const nul = buf.indexOf(0, this.nameStart)
    this.nameEnd = nul === -1 ? buf.length : nul
    this.oidStart = this.nameEnd + 1
    this.next = this.oidStart + 20
  }

  advance(): void {
    this.pos = this.next
    this.read()
  }

  name(): string {
    return this.buf.toString('utf8', this.nameStart, this.nameEnd)
  }

  oid(): string {
    return this.buf.toString('hex', this.oidStart, this.oidStart + 20)
  }

  sameOid(other: TreeCursor): boolean {
    const a = this.buf
    const b = other.buf
    for (let k = 0; k < 20; k++) if (a[this.oidStart + k] !== b[other.oidStart + k]) return false
    return true
  }
}

export class HistoryWalker {
  private readonly parsed = new ByteLru<ParsedBlob>(PARSED_BYTES, 8 * 1024 * 1024)
  private readonly dataTrees = new Map<string, string | undefined>()

  constructor(
    private readonly repo: GitRepository,
    private readonly options: WalkOptions,
  ) {}

  /** Walks from `options.from`, stopping at known commits. */
  walk(): WalkResult {
    const {repo} = this
    const known = this.options.known ?? new Set<string>()
    const entries = new Map<string, HistoryEntry[]>()
    const commits: string[] = []
    const boundary = new Set<string>()
    const queued = new Set<string>()
    const pending = new Map<string, GitCommit>()
    const queue = new CommitQueue()
    const enqueue = (oid: string) => {
      if (queued.has(oid)) return
      queued.add(oid)
      if (known.has(oid)) {
        boundary.add(oid)
        return
      }
      const commit = repo.readCommit(oid)
      pending.set(oid, commit)
      queue.push(oid, commit.committer.time)
    }
    enqueue(this.options.from)
    for (let oid = queue.pop(); oid !== undefined; oid = queue.pop()) {
      const commit = pending.get(oid) as GitCommit
      pending.delete(oid)
      commits.push(oid)
      const parents = repo.isShallow(oid) ? [] : commit.parents
      for (const entry of this.changesOf(commit, parents)) {
        const list = entries.get(entry.key)
        if (list === undefined) entries.set(entry.key, [entry.entry])
        else list.push(entry.entry)
      }
      for (const parent of parents) enqueue(parent)
      // The data tree of a commit is asked for by each of its children; once it is walked, never again.
      this.dataTrees.delete(oid)
    }
    return {entries, commits, boundary}
  }

  /** The id of a commit's `data/` folder (undefined when it has none). */
  private dataTree(commitOid: string, commit?: GitCommit): string | undefined {
    if (this.dataTrees.has(commitOid)) return this.dataTrees.get(commitOid)
    let tree: string | undefined = (commit ?? this.repo.readCommit(commitOid)).tree
    for (const part of [...this.options.prefix.split('/').filter((p) => p !== ''), 'data']) {
      const entry: {type: string; oid: string} | undefined = this.repo.readTree(tree as string).find((e) => e.name === part)
      tree = entry?.type === 'tree' ? entry.oid : undefined
      if (tree === undefined) break
    }
    this.dataTrees.set(commitOid, tree)
    return tree
  }

  /** What one commit did to documents, as keyed entries. */
  private changesOf(commit: GitCommit, parents: readonly string[]): Array<{key: string; entry: HistoryEntry}> {
    const after = this.dataTree(commit.oid, commit)
    let files: FileChange[]
    let merge = false
    if (parents.length === 0) {
      files = after === undefined ? [] : this.diff(undefined, after)
    } else {
      const befores = parents.map((p) => this.dataTree(p))
      if (befores.some((b) => b === after)) return []
      files = this.diff(befores[0], after)
      if (parents.length > 1) {
        merge = true
        for (const before of befores.slice(1)) {
          const changed = new Set(this.diff(before, after).map((f) => f.path))
          files = files.filter((f) => changed.has(f.path))
        }
      }
    }
    if (files.length === 0) return []
    return this.entriesOf(commit, files, merge)
  }

  /** The document files that differ between two `data/` trees. */
  private diff(before: string | undefined, after: string | undefined): FileChange[] {
    const out: FileChange[] = []
    this.diffTrees(before, after, 'data/', out)
    return out
  }

  private diffTrees(before: string | undefined, after: string | undefined, base: string, out: FileChange[]): void {
    if (before === after) return
    const a = new TreeCursor(before === undefined ? EMPTY : this.repo.readTreeData(before))
    const b = new TreeCursor(after === undefined ? EMPTY : this.repo.readTreeData(after))
    while (!a.done || !b.done) {
      const cmp = a.done ? 1 : b.done ? -1 : compareNames(a.buf, a.nameStart, a.nameEnd, a.isDir, b.buf, b.nameStart, b.nameEnd, b.isDir)
      if (cmp < 0) {
        this.visit(a, undefined, base, out)
        a.advance()
      } else if (cmp > 0) {
        this.visit(undefined, b, base, out)
        b.advance()
      } else {
        if (!a.sameOid(b) || a.mode !== b.mode) this.visit(a, b, base, out)
        a.advance()
        b.advance()
      }
    }
  }

  /** One entry that differs (present on one side, or changed); both sides have the same name and kind. */
  private visit(a: TreeCursor | undefined, b: TreeCursor | undefined, base: string, out: FileChange[]): void {
    const side = (a ?? b) as TreeCursor
    const name = side.name()
    if (name.startsWith('.')) return
    const path = base + name
    if (side.isDir) {
      if (SKIP_DIRS.has(path)) return
      this.diffTrees(a?.oid(), b?.oid(), `${path}/`, out)
      return
    }
    if (side.mode === MODE_SYMLINK || side.mode === MODE_GITLINK || !isDocumentFile(name)) return
    // A regular file on one side and a symlink on the other counts as the file alone.
    const before = a !== undefined && a.mode !== MODE_SYMLINK ? a.oid() : undefined
    const after = b !== undefined && b.mode !== MODE_SYMLINK ? b.oid() : undefined
    if (before !== after) out.push({path, ...(before === undefined ? {} : {before}), ...(after === undefined ? {} : {after})})
  }

  /** Reads and parses one version of a document (once per blob). */
  parse(oid: string): ParsedBlob {
    const cached = this.parsed.get(oid)
    if (cached !== undefined) return cached
    const result = parseDocumentBytes(this.repo.readBlob(oid), this.options.maxBytes)
    this.parsed.set(oid, result, result.text.length * 3 + 256)
    return result
  }

  /** Turns a commit's changed files into entries, pairing a deletion and an addition of one id as a move. */
  private entriesOf(commit: GitCommit, files: FileChange[], merge: boolean): Array<{key: string; entry: HistoryEntry}> {
    const out: Array<{key: string; entry: HistoryEntry}> = []
    const added: Array<{file: FileChange; blob: ParsedBlob}> = []
    const deleted: Array<{file: FileChange; blob: ParsedBlob}> = []
    for (const file of files) {
      const before = file.before === undefined ? undefined : this.parse(file.before)
      const after = file.after === undefined ? undefined : this.parse(file.after)
      if (before !== undefined && after !== undefined && before.id !== undefined && after.id !== undefined && before.id !== after.id) {
        // The file now holds another record: one went, another came.
        deleted.push({file: {path: file.path, before: file.before as string}, blob: before})
        added.push({file: {path: file.path, after: file.after as string}, blob: after})
      } else if (before !== undefined && after !== undefined) {
        out.push(this.entry(commit, 'modified', file.path, undefined, file, before, after, merge))
      } else if (after !== undefined) {
        added.push({file, blob: after})
      } else if (before !== undefined) {
        deleted.push({file, blob: before})
      }
    }
    for (const add of added) {
      const id = add.blob.id
      const i = id === undefined ? -1 : deleted.findIndex((d) => d.blob.id === id)
      if (i === -1) {
        out.push(this.entry(commit, 'added', add.file.path, undefined, add.file, undefined, add.blob, merge))
        continue
      }
      const [gone] = deleted.splice(i, 1) as [{file: FileChange; blob: ParsedBlob}]
      const file = {path: add.file.path, before: gone.file.before, after: add.file.after}
      out.push(this.entry(commit, 'renamed', add.file.path, gone.file.path, file, gone.blob, add.blob, merge))
    }
    for (const gone of deleted) out.push(this.entry(commit, 'deleted', gone.file.path, undefined, gone.file, gone.blob, undefined, merge))
    return out
  }

  private entry(
    commit: GitCommit,
    change: ChangeKind,
    path: string,
    from: string | undefined,
    file: FileChange,
    before: ParsedBlob | undefined,
    after: ParsedBlob | undefined,
    merge: boolean,
  ): {key: string; entry: HistoryEntry} {
    const badBefore = before !== undefined && before.data === undefined
    const badAfter = after !== undefined && after.data === undefined
    const readable = !badBefore && !badAfter
    const lines = readable
      ? countLineChanges(before?.body ?? '', after?.body ?? '')
      : countLineChanges(before?.text ?? '', after?.text ?? '')
    const {name, email, time, tz} = commit.author
    const entry: HistoryEntry = {
      commit: commit.oid,
      author: {name, email, time, tz},
      committed: commit.committer.time,
      subject: subjectOf(commit.message),
      change,
      path,
      ...(from === undefined ? {} : {from}),
      fields: readable ? diffFields(before?.data, after?.data) : [],
      body: lines,
      ...(file.before === undefined ? {} : {before: file.before}),
      ...(file.after === undefined ? {} : {after: file.after}),
      ...(readable ? {} : {unparseable: badBefore && badAfter ? 'both' : badBefore ? 'before' : 'after'}),
      ...(merge ? {merge: true} : {}),
    }
    const id = after?.id ?? before?.id
    return {key: id ?? `path:${path}`, entry}
  }
}
