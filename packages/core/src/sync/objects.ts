/**
 * The git objects a sync reads and writes. Reading goes through psp's own reader (fast, see
 * docs/history.md); writing makes loose objects (zlib, SHA-1, written atomically, never
 * overwritten), which every git reads. In a dry run nothing is written: new objects stay in
 * memory and are read back from there, so the whole merge can be computed without touching
 * `.git`.
 */
import {createHash} from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import {deflateSync} from 'node:zlib'
import {IoError} from '../errors.js'
import {EMPTY_TREE, parseCommit, type GitCommit} from '../git/objects.js'
import type {GitRepository} from '../git/repository.js'
import type {GitSignature} from './identity.js'

/** A file of a tree: its blob (or, for a submodule, commit) id and git mode. */
export interface TreeFile {
  oid: string
  /** `100644`, `100755`, `120000` (symlink) or `160000` (submodule). */
  mode: string
}

/** One raw entry of a tree, its name kept as bytes (git does not require UTF-8 names). */
interface RawEntry {
  mode: string
  name: Buffer
  oid: string
}

type ObjectType = 'blob' | 'tree' | 'commit'

const TREE_CACHE_ENTRIES = 4096

/** The SHA-1 id git gives an object. */
export function hashObject(type: ObjectType, data: Uint8Array): string {
  return createHash('sha1').update(`${type} ${data.length}\0`).update(data).digest('hex')
}

/** Reads and writes a repository's objects; a dry store keeps what it writes in memory. */
export class ObjectStoreWriter {
  private readonly memory = new Map<string, {type: ObjectType; data: Buffer}>()
  /** Parsed trees by id (a merge or a commit reads the folders on many paths again). */
  private readonly trees = new Map<string, RawEntry[]>()
  private readonly objectsDir: string

  constructor(
    private repo: GitRepository,
    readonly dry: boolean,
  ) {
    this.objectsDir = path.join(repo.location.commonDir, 'objects')
  }

  /** Reads through a new reader from now on (objects a fetch just wrote into a new pack). */
  reopen(repo: GitRepository): void {
    this.repo = repo
  }

  get reader(): GitRepository {
    return this.repo
  }

  /** Writes an object (unless the repository has it already) and returns its id. */
  write(type: ObjectType, data: Buffer): string {
    const oid = hashObject(type, data)
    if (this.memory.has(oid)) return oid
    if (this.dry) {
      if (!this.repo.objects.has(oid)) this.memory.set(oid, {type, data})
      return oid
    }
    // A loose copy of an object a pack already holds is harmless (git reads either), and
    // looking through the packs for every new object would list the pack folder each time.
    const file = path.join(this.objectsDir, oid.slice(0, 2), oid.slice(2))
    if (fs.existsSync(file)) return oid
    const body = deflateSync(Buffer.concat([Buffer.from(`${type} ${data.length}\0`), data]))
    try {
      fs.mkdirSync(path.dirname(file), {recursive: true})
      const temp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`
      fs.writeFileSync(temp, body, {mode: 0o444})
      try {
        fs.renameSync(temp, file)
      } catch (error) {
        fs.rmSync(temp, {force: true})
        if (!fs.existsSync(file)) throw error
      }
    } catch (error) {
      throw new IoError(`cannot write git object ${oid}: ${(error as Error).message}`, {cause: error})
    }
    return oid
  }

  private raw(oid: string, type: ObjectType): Buffer {
    const held = this.memory.get(oid)
    if (held !== undefined) return held.data
    if (type === 'tree' && oid === EMPTY_TREE) return Buffer.alloc(0)
    if (type === 'tree') return this.repo.readTreeData(oid)
    return type === 'blob' ? this.repo.readBlob(oid) : this.repo.readObject(oid).data
  }

  readBlob(oid: string): Buffer {
    return this.raw(oid, 'blob')
  }

  readCommit(oid: string): GitCommit {
    const held = this.memory.get(oid)
    return held === undefined ? this.repo.readCommit(oid) : parseCommit(oid, held.data)
  }

  /** The raw entries of a tree. */
  readTree(oid: string): RawEntry[] {
    let entries = this.trees.get(oid)
    if (entries === undefined) {
      entries = parseRawTree(this.raw(oid, 'tree'))
      if (this.trees.size >= TREE_CACHE_ENTRIES) this.trees.clear()
      this.trees.set(oid, entries)
    }
    return entries
  }

  /** Writes a commit. */
  writeCommit(options: {tree: string; parents: readonly string[]; author: GitSignature; committer: GitSignature; message: string}): string {
    const lines = [`tree ${options.tree}`, ...options.parents.map((p) => `parent ${p}`)]
    lines.push(`author ${signatureLine(options.author)}`, `committer ${signatureLine(options.committer)}`)
    const message = options.message.endsWith('\n') ? options.message : `${options.message}\n`
    return this.write('commit', Buffer.from(`${lines.join('\n')}\n\n${message}`, 'utf8'))
  }
}

function signatureLine(s: GitSignature): string {
  const sign = s.tz < 0 ? '-' : '+'
  const abs = Math.abs(s.tz)
  const tz = `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}${String(abs % 60).padStart(2, '0')}`
  return `${s.name} <${s.email}> ${s.timestamp} ${tz}`
}

function parseRawTree(data: Buffer): RawEntry[] {
  const out: RawEntry[] = []
  let pos = 0
  while (pos < data.length) {
    const space = data.indexOf(32, pos)
    const nul = data.indexOf(0, space + 1)
    if (space === -1 || nul === -1 || nul + 21 > data.length) throw new IoError('corrupt git tree: truncated entry')
    out.push({mode: data.toString('latin1', pos, space), name: data.subarray(space + 1, nul), oid: data.toString('hex', nul + 1, nul + 21)})
    pos = nul + 21
  }
  return out
}

const isTreeMode = (mode: string) => mode === '40000' || mode === '040000'

/** git's order of tree entries: by name bytes, a folder compared as if its name ended in '/'. */
function compareEntries(a: RawEntry, b: RawEntry): number {
  const ka = isTreeMode(a.mode) ? Buffer.concat([a.name, Buffer.from('/')]) : a.name
  const kb = isTreeMode(b.mode) ? Buffer.concat([b.name, Buffer.from('/')]) : b.name
  return Buffer.compare(ka, kb)
}

function serializeTree(entries: RawEntry[]): Buffer {
  const sorted = [...entries].sort(compareEntries)
  const parts: Buffer[] = []
  for (const e of sorted) parts.push(Buffer.from(`${isTreeMode(e.mode) ? '40000' : e.mode} `, 'latin1'), e.name, Buffer.from([0]), Buffer.from(e.oid, 'hex'))
  return Buffer.concat(parts)
}

/**
 * A new tree: `baseTree` (undefined: empty) with the files of `changes` set (a TreeFile) or
 * removed (null). Paths use '/'; folders are created and emptied folders dropped as needed; only
 * the folders on a changed path are read and rewritten.
 */
export function buildTree(store: ObjectStoreWriter, baseTree: string | undefined, changes: ReadonlyMap<string, TreeFile | null>): string {
  const build = (treeOid: string | undefined, level: Map<string, TreeFile | null>, nested: Map<string, Map<string, TreeFile | null>>): string | undefined => {
    const entries = new Map<string, RawEntry>()
    if (treeOid !== undefined) for (const e of store.readTree(treeOid)) entries.set(e.name.toString('utf8'), e)
    for (const [name, file] of level) {
      if (file === null) {
        if (entries.has(name) && !isTreeMode((entries.get(name) as RawEntry).mode)) entries.delete(name)
      } else {
        entries.set(name, {mode: file.mode, name: entries.get(name)?.name ?? Buffer.from(name, 'utf8'), oid: file.oid})
      }
    }
    for (const [name, sub] of nested) {
      const existing = entries.get(name)
      const subTree = existing !== undefined && isTreeMode(existing.mode) ? existing.oid : undefined
      // A file where a folder must go is replaced by the folder (the change set says so).
      const split = splitLevel(sub)
      const oid = build(subTree, split.level, split.nested)
      if (oid === undefined) {
        if (subTree !== undefined) entries.delete(name)
      } else {
        entries.set(name, {mode: '40000', name: existing?.name ?? Buffer.from(name, 'utf8'), oid})
      }
    }
    if (entries.size === 0) return undefined
    return store.write('tree', serializeTree([...entries.values()]))
  }
  const split = splitLevel(changes)
  return build(baseTree, split.level, split.nested) ?? store.write('tree', Buffer.alloc(0))
}

/** Splits path changes into this folder's files and its subfolders' changes. */
function splitLevel(changes: ReadonlyMap<string, TreeFile | null>): {level: Map<string, TreeFile | null>; nested: Map<string, Map<string, TreeFile | null>>} {
  const level = new Map<string, TreeFile | null>()
  const nested = new Map<string, Map<string, TreeFile | null>>()
  for (const [p, file] of changes) {
    const slash = p.indexOf('/')
    if (slash === -1) level.set(p, file)
    else {
      const head = p.slice(0, slash)
      let sub = nested.get(head)
      if (sub === undefined) nested.set(head, (sub = new Map()))
      sub.set(p.slice(slash + 1), file)
    }
  }
  return {level, nested}
}

/** One path that differs between two trees. */
export interface PathChange {
  before?: TreeFile
  after?: TreeFile
}

/**
 * The files (blobs and submodules) that differ between two trees (undefined: empty), by path,
 * descending only into folders whose tree ids differ.
 */
export function diffTrees(store: ObjectStoreWriter, a: string | undefined, b: string | undefined): Map<string, PathChange> {
  const out = new Map<string, PathChange>()
  const all = (treeOid: string, prefix: string, side: 'before' | 'after') => {
    for (const e of store.readTree(treeOid)) {
      const p = prefix + e.name.toString('utf8')
      if (isTreeMode(e.mode)) all(e.oid, `${p}/`, side)
      else {
        const change = out.get(p) ?? {}
        change[side] = {oid: e.oid, mode: e.mode}
        out.set(p, change)
      }
    }
  }
  const walk = (x: string | undefined, y: string | undefined, prefix: string) => {
    if (x === y) return
    if (x === undefined) return all(y as string, prefix, 'after')
    if (y === undefined) return all(x, prefix, 'before')
    const left = new Map(store.readTree(x).map((e) => [e.name.toString('utf8'), e]))
    const right = new Map(store.readTree(y).map((e) => [e.name.toString('utf8'), e]))
    for (const [name, l] of left) {
      const r = right.get(name)
      const p = prefix + name
      if (r !== undefined && r.oid === l.oid && r.mode === l.mode) continue
      const lt = isTreeMode(l.mode)
      const rt = r !== undefined && isTreeMode(r.mode)
      if (lt && rt) walk(l.oid, (r as RawEntry).oid, `${p}/`)
      else {
        if (lt) all(l.oid, `${p}/`, 'before')
        else out.set(p, {...out.get(p), before: {oid: l.oid, mode: l.mode}})
        if (r !== undefined) {
          if (rt) all(r.oid, `${p}/`, 'after')
          else out.set(p, {...out.get(p), after: {oid: r.oid, mode: r.mode}})
        }
      }
    }
    for (const [name, r] of right) {
      if (left.has(name)) continue
      const p = prefix + name
      if (isTreeMode(r.mode)) all(r.oid, `${p}/`, 'after')
      else out.set(p, {...out.get(p), after: {oid: r.oid, mode: r.mode}})
    }
  }
  walk(a === EMPTY_TREE ? undefined : a, b === EMPTY_TREE ? undefined : b, '')
  return out
}

/** The file at a path of a tree, or undefined. */
export function fileAt(store: ObjectStoreWriter, tree: string | undefined, filePath: string): TreeFile | undefined {
  if (tree === undefined) return undefined
  const parts = filePath.split('/')
  let oid = tree
  for (let i = 0; i < parts.length; i++) {
    const entry = store.readTree(oid).find((e) => e.name.toString('utf8') === parts[i])
    if (entry === undefined) return undefined
    if (i === parts.length - 1) return isTreeMode(entry.mode) ? undefined : {oid: entry.oid, mode: entry.mode}
    if (!isTreeMode(entry.mode)) return undefined
    oid = entry.oid
  }
  return undefined
}
