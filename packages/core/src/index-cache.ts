/**
 * The document index: parsed frontmatter of every document, cached under data/cache/index/ and
 * validated by file stat, so a warm command reads a few cache files plus one stat per document
 * instead of parsing every file. One shard per folder keeps an edit from rewriting the whole
 * index (a 50,000-document workspace has ~100 folders of tasks). The cache is disposable: a
 * missing, corrupt or foreign shard is rebuilt, and deleting data/cache/ loses nothing.
 */
import {nodeCrypto} from './builtins.js'
import fs from 'node:fs'
import path from 'node:path'
import {writeFileAtomic} from './fs-safe.js'
import type {Problem} from './validate.js'

/** Bump when the shard format or what parsing produces changes. */
export const INDEX_FORMAT = 4

/** One document file as the index knows it: its stat, and either its record or why it failed. */
export interface IndexEntry {
  path: string
  mtimeMs: number
  size: number
  /** The frontmatter (id, type and title are in it; the body is read from the file on demand). */
  data?: Record<string, unknown>
  /**
   * Where `data` holds numbers JSON cannot (`.inf`, `-.inf`, `.nan`: written as null) and what
   * they are, so that a shard read back gives the same data as a parse.
   */
  nonFinite?: Array<[path: Array<string | number>, value: 'Infinity' | '-Infinity' | 'NaN']>
  problem?: Problem
  /**
   * Set when the file holds a conflict marker's opening (`<<<<<<<`) anywhere: only such files can
   * have an open body conflict, so validation reads no other file's body to look for one.
   */
  markers?: true
}

/** The paths of the non-finite numbers in parsed frontmatter (see IndexEntry.nonFinite). */
export function nonFiniteNumbers(data: unknown): NonNullable<IndexEntry['nonFinite']> {
  const out: NonNullable<IndexEntry['nonFinite']> = []
  const walk = (value: unknown, at: Array<string | number>) => {
    if (typeof value === 'number' && !Number.isFinite(value)) out.push([at, String(value) as 'Infinity' | '-Infinity' | 'NaN'])
    else if (Array.isArray(value)) value.forEach((v, i) => walk(v, [...at, i]))
    else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(v, [...at, k])
  }
  walk(data, [])
  return out
}

/** Puts the non-finite numbers a shard could not hold back into an entry's data. */
function restoreNonFinite(entry: IndexEntry): void {
  for (const [at, value] of entry.nonFinite ?? []) {
    let node: unknown = entry.data
    for (const key of at.slice(0, -1)) node = (node as Record<string | number, unknown> | undefined)?.[key]
    const last = at.at(-1)
    if (node !== null && typeof node === 'object' && last !== undefined) (node as Record<string | number, unknown>)[last] = Number(value)
  }
}

interface Shard {
  format: number
  key: string
  folder: string
  /** When the shard was written (ms): entries modified close to it are re-checked. */
  writtenAt: number
  entries: IndexEntry[]
}

/**
 * A file whose mtime is this close to the shard's write time may have changed again within the
 * same timestamp tick (coarse file systems tick in 1–2 s), so its cached entry is re-checked, as
 * git does for its own "racily clean" index entries.
 */
export const RACY_MS = 2000

/** What a refresh did: for tests and `--log-level debug`. */
export interface RefreshStats {
  files: number
  reparsed: number
  removed: number
  shardsWritten: number
}

/** A file found by the walk, with its stat. */
export interface StatEntry {
  path: string
  mtimeMs: number
  size: number
}

function shardFile(cacheDir: string, folder: string): string {
  const hash = nodeCrypto().createHash('sha1').update(folder).digest('hex').slice(0, 16)
  return path.join(cacheDir, `${hash}.json`)
}

function readShard(file: string, key: string, folder: string): {entries: Map<string, IndexEntry>; writtenAt: number} {
  const empty = {entries: new Map<string, IndexEntry>(), writtenAt: 0}
  try {
    const shard = JSON.parse(fs.readFileSync(file, 'utf8')) as Shard
    if (
      shard.format !== INDEX_FORMAT ||
      shard.key !== key ||
      shard.folder !== folder ||
      !Array.isArray(shard.entries) ||
      typeof shard.writtenAt !== 'number'
    ) {
      return empty
    }
    for (const entry of shard.entries) if (entry.nonFinite !== undefined) restoreNonFinite(entry)
    return {entries: new Map(shard.entries.map((e) => [e.path, e])), writtenAt: shard.writtenAt}
  } catch {
    return empty
  }
}

/**
 * The index's entry for one file, when the index holds it for exactly this stat and not racily:
 * what a lookup of one record needs, from one shard, without walking or parsing anything.
 */
export function cachedEntry(cacheDir: string, key: string, stat: StatEntry): IndexEntry | undefined {
  const folder = stat.path.slice(0, stat.path.lastIndexOf('/'))
  const {entries, writtenAt} = readShard(shardFile(cacheDir, folder), key, folder)
  const hit = entries.get(stat.path)
  return hit !== undefined && hit.mtimeMs === stat.mtimeMs && hit.size === stat.size && writtenAt - stat.mtimeMs > RACY_MS ? hit : undefined
}

/**
 * Brings the index up to date with the files found by the walk and returns every entry.
 * `key` covers whatever else parsing depends on (psp version, size limit): a different key
 * discards the shard. `parse` reads files into entries (record or problem), all that need it in
 * one call, so that a cold build can spread them over threads; a file it returns no entry for
 * is gone.
 */
export function refreshIndex(
  cacheDir: string,
  key: string,
  files: StatEntry[],
  parse: (files: StatEntry[]) => IndexEntry[],
): {entries: IndexEntry[]; stats: RefreshStats} {
  const byFolder = new Map<string, StatEntry[]>()
  for (const file of files) {
    const folder = file.path.slice(0, file.path.lastIndexOf('/'))
    let list = byFolder.get(folder)
    if (!list) byFolder.set(folder, (list = []))
    list.push(file)
  }
  const stats: RefreshStats = {files: files.length, reparsed: 0, removed: 0, shardsWritten: 0}
  const live = new Set<string>()
  // First the verdict on every file: its cached entry is trusted, or it is parsed (again).
  const folders: Array<{file: string; folder: string; list: StatEntry[]; cached: Map<string, IndexEntry>; trusted: (IndexEntry | undefined)[]; dirty: boolean}> = []
  const stale: StatEntry[] = []
  for (const [folder, list] of byFolder) {
    const file = shardFile(cacheDir, folder)
    live.add(path.basename(file))
    const {entries: cached, writtenAt} = readShard(file, key, folder)
    const listed = new Set(list.map((f) => f.path))
    let dirty = false
    for (const cachedPath of cached.keys()) {
      if (!listed.has(cachedPath)) {
        stats.removed++
        dirty = true
      }
    }
    const trusted = list.map((stat) => {
      const hit = cached.get(stat.path)
      if (hit && hit.mtimeMs === stat.mtimeMs && hit.size === stat.size && writtenAt - stat.mtimeMs > RACY_MS) return hit
      stale.push(stat)
      return undefined
    })
    folders.push({file, folder, list, cached, trusted, dirty})
  }
  const fresh = new Map<string, IndexEntry>()
  if (stale.length > 0) for (const entry of parse(stale)) fresh.set(entry.path, entry)
  stats.reparsed = stale.length
  const entries: IndexEntry[] = []
  for (const {file, folder, list, cached, trusted, dirty: removed} of folders) {
    let dirty = removed
    const next: IndexEntry[] = []
    list.forEach((stat, i) => {
      const kept = trusted[i]
      if (kept !== undefined) {
        next.push(kept)
        return
      }
      const entry = fresh.get(stat.path)
      const hit = cached.get(stat.path)
      // Gone between the walk and the read: not a document any more.
      if (entry === undefined) {
        if (hit !== undefined) dirty = true
        return
      }
      // A same-stat entry re-checked inside the racy window: the shard needs rewriting only if the
      // entry changed, or once the file is older than the window (then the entry becomes trusted;
      // otherwise it would be re-checked on every run for ever).
      if (hit === undefined || hit.mtimeMs !== stat.mtimeMs || hit.size !== stat.size) dirty = true
      else if (JSON.stringify(entry) !== JSON.stringify(hit) || Date.now() - stat.mtimeMs > RACY_MS) dirty = true
      next.push(entry)
    })
    if (dirty) {
      writeShard(file, {format: INDEX_FORMAT, key, folder, writtenAt: Date.now(), entries: next})
      stats.shardsWritten++
    }
    entries.push(...next)
  }
  removeStaleShards(cacheDir, live)
  return {entries, stats}
}

function writeShard(file: string, shard: Shard): void {
  try {
    // No fsync: a shard torn by a crash fails to parse and is rebuilt; waiting for the disk on
    // every cold build (tens of shards) would not make the cache any more correct.
    writeFileAtomic(file, JSON.stringify(shard), {durable: false})
  } catch {
    // A read-only checkout still works, just without a warm cache.
  }
}

function removeStaleShards(cacheDir: string, live: Set<string>): void {
  let names: string[]
  try {
    names = fs.readdirSync(cacheDir)
  } catch {
    return
  }
  for (const name of names) {
    if (name.endsWith('.json') && !live.has(name)) fs.rmSync(path.join(cacheDir, name), {force: true})
  }
}
