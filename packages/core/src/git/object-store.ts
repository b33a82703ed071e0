/**
 * A repository's objects: loose files (`objects/ab/cdef…`, zlib), packfiles, and the object
 * folders named in `objects/info/alternates`. Lookups try the packs first (where nearly
 * everything lives in a repository git has packed), then loose files, then look for packs that
 * appeared since the list was read (a `git gc` running beside psp).
 */
import fs from 'node:fs'
import path from 'node:path'
import {inflateSync} from 'node:zlib'
import {AmbiguousIdError, NotFoundError} from '../errors.js'
import {GitFormatError} from './errors.js'
import {ByteLru} from './lru.js'
import {EMPTY_TREE, OID_PATTERN, type GitObject} from './objects.js'
import {Pack, PackIndex} from './pack.js'

/** Memory for resolved delta bases, shared by every pack of a store. */
const BASE_CACHE_BYTES = 48 * 1024 * 1024
/** How deep alternates may chain (git allows 5). */
const MAX_ALTERNATE_DEPTH = 5

const TYPE_NAMES: ReadonlySet<string> = new Set(['commit', 'tree', 'blob', 'tag'])

export class ObjectStore {
  /** Object folders: the repository's own, then its alternates. */
  readonly folders: string[]
  private packs: Pack[] | undefined
  private packNames = new Set<string>()
  private readonly cache = new ByteLru<GitObject>(BASE_CACHE_BYTES)
  private readonly lookup = (oid: string) => this.read(oid)

  constructor(objectsDir: string) {
    this.folders = alternatesOf(objectsDir)
  }

  /** Reads an object; throws GitFormatError when it is missing (a broken or partial clone). */
  read(oid: string): GitObject {
    const found = this.tryRead(oid)
    if (found === undefined) throw new GitFormatError(`git object ${oid} is missing from the repository`, {data: {oid}})
    return found
  }

  /** Reads an object, or undefined when the repository does not have it. */
  tryRead(oid: string): GitObject | undefined {
    if (!OID_PATTERN.test(oid)) return undefined
    const raw = Buffer.from(oid, 'hex')
    const packed = this.fromPacks(this.loadPacks(), raw)
    if (packed !== undefined) return packed
    const loose = this.fromLoose(oid)
    if (loose !== undefined) return loose
    const added = this.rescanPacks()
    if (added.length > 0) {
      const late = this.fromPacks(added, raw)
      if (late !== undefined) return late
    }
    if (oid === EMPTY_TREE) return {type: 'tree', data: Buffer.alloc(0)}
    return undefined
  }

  /** True when the repository has the object. */
  has(oid: string): boolean {
    if (!OID_PATTERN.test(oid)) return false
    const raw = Buffer.from(oid, 'hex')
    if (this.loadPacks().some((p) => p.index.find(raw) !== -1)) return true
    if (this.folders.some((dir) => fs.existsSync(path.join(dir, oid.slice(0, 2), oid.slice(2))))) return true
    return this.rescanPacks().some((p) => p.index.find(raw) !== -1)
  }

  /**
   * The full id of an abbreviated one (at least 4 hex digits). NotFoundError when no object
   * matches, AmbiguousIdError (with the candidates) when several do.
   */
  expand(prefix: string): string {
    const lower = prefix.toLowerCase()
    if (!/^[0-9a-f]{4,40}$/.test(lower)) throw new NotFoundError(`not an object id: "${prefix}"`, {data: {query: prefix}})
    const found = new Set<string>()
    for (const pack of this.loadPacks()) for (const oid of pack.index.findPrefix(lower, 11)) found.add(oid)
    for (const dir of this.folders) {
      let names: string[]
      try {
        names = fs.readdirSync(path.join(dir, lower.slice(0, 2)))
      } catch {
        continue
      }
      for (const name of names) if (name.length === 38 && name.startsWith(lower.slice(2))) found.add(lower.slice(0, 2) + name)
    }
    const candidates = [...found].sort()
    if (candidates.length === 1) return candidates[0] as string
    if (candidates.length === 0) throw new NotFoundError(`no git object matches "${prefix}"`, {data: {query: prefix}})
    throw new AmbiguousIdError(`"${prefix}" is ambiguous: it matches ${candidates.slice(0, 10).join(', ')}${candidates.length > 10 ? ', …' : ''}`, {
      data: {query: prefix, candidates},
      hint: 'type more characters of the commit id',
    })
  }

  /** The ids of every loose object in the repository's own folder (not its alternates). */
  looseObjects(): string[] {
    const out: string[] = []
    const dir = this.folders[0] as string
    for (const name of safeReaddir(dir)) {
      if (!/^[0-9a-f]{2}$/.test(name)) continue
      for (const rest of safeReaddir(path.join(dir, name))) if (/^[0-9a-f]{38}$/.test(rest)) out.push(name + rest)
    }
    return out.sort()
  }

  /** The packs found so far (reading the pack folders once). */
  packFiles(): readonly Pack[] {
    return this.loadPacks()
  }

  /** Forgets the list of packs, so that the next lookup reads the pack folders again. */
  refresh(): void {
    this.close()
    this.packs = undefined
    this.packNames = new Set()
    this.cache.clear()
  }

  close(): void {
    for (const pack of this.packs ?? []) pack.close()
  }

  private fromPacks(packs: readonly Pack[], raw: Buffer): GitObject | undefined {
    for (const pack of packs) {
      const i = pack.index.find(raw)
      if (i !== -1) return pack.readEntry(i, this.lookup)
    }
    return undefined
  }

  private fromLoose(oid: string): GitObject | undefined {
    for (const dir of this.folders) {
      let compressed: Buffer
      try {
        compressed = fs.readFileSync(path.join(dir, oid.slice(0, 2), oid.slice(2)))
      } catch {
        continue
      }
      return parseLoose(oid, compressed)
    }
    return undefined
  }

  private loadPacks(): Pack[] {
    if (this.packs === undefined) {
      this.packs = []
      this.rescanPacks()
    }
    return this.packs
  }

  /** Adds packs that are not known yet; returns them. */
  private rescanPacks(): Pack[] {
    const packs = this.packs ?? (this.packs = [])
    const added: Pack[] = []
    for (const dir of this.folders) {
      const packDir = path.join(dir, 'pack')
      // Newest first, as git does: recent objects are the ones asked for most.
      const names = safeReaddir(packDir)
        .filter((n) => n.endsWith('.idx'))
        .map((n) => ({n, t: statTime(path.join(packDir, n))}))
        .sort((a, b) => b.t - a.t || (a.n < b.n ? -1 : 1))
      for (const {n} of names) {
        const idx = path.join(packDir, n)
        if (this.packNames.has(idx)) continue
        const packFile = `${idx.slice(0, -4)}.pack`
        // An index without its pack is a pack still being written (or one half-deleted).
        if (!fs.existsSync(packFile)) continue
        this.packNames.add(idx)
        const pack = new Pack(PackIndex.read(idx), packFile, this.cache, packs.length + added.length)
        added.push(pack)
      }
    }
    packs.push(...added)
    return added
  }
}

function statTime(file: string): number {
  try {
    return fs.statSync(file).mtimeMs
  } catch {
    return 0
  }
}

function safeReaddir(dir: string): string[] {
  try {
    return fs.readdirSync(dir)
  } catch {
    return []
  }
}

/** Inflates a loose object and splits off its `type size\0` header. */
export function parseLoose(oid: string, compressed: Buffer): GitObject {
  let raw: Buffer
  try {
    raw = inflateSync(compressed)
  } catch (error) {
    throw new GitFormatError(`corrupt loose git object ${oid}: ${(error as Error).message}`, {data: {oid}})
  }
  const nul = raw.indexOf(0)
  const header = raw.toString('latin1', 0, nul === -1 ? Math.min(raw.length, 32) : nul)
  const space = header.indexOf(' ')
  const type = header.slice(0, space)
  const size = Number(header.slice(space + 1))
  if (nul === -1 || !TYPE_NAMES.has(type) || size !== raw.length - nul - 1) {
    throw new GitFormatError(`corrupt loose git object ${oid}: bad header "${header}"`, {data: {oid}})
  }
  return {type: type as GitObject['type'], data: raw.subarray(nul + 1)}
}

/** The object folder and, recursively, the folders its `info/alternates` names. */
function alternatesOf(objectsDir: string): string[] {
  const out: string[] = []
  const visit = (dir: string, depth: number) => {
    const resolved = path.resolve(dir)
    if (out.includes(resolved)) return
    out.push(resolved)
    if (depth >= MAX_ALTERNATE_DEPTH) return
    let text: string
    try {
      text = fs.readFileSync(path.join(resolved, 'info', 'alternates'), 'utf8')
    } catch {
      return
    }
    for (const line of text.split(/\r?\n/)) {
      const entry = line.trim()
      if (entry === '' || entry.startsWith('#')) continue
      // Relative entries are relative to the object folder that names them.
      visit(path.resolve(resolved, entry), depth + 1)
    }
  }
  visit(objectsDir, 0)
  return out
}
