/**
 * The history index under data/cache/history/: every record's history (from one walk of the
 * commit graph), stored so that one record's history is one small file read, and extended from
 * the last indexed commit instead of walked again. The files:
 *
 * - `head.json`: the commit the index was built to, and what it was built with; written last,
 *   so a crash mid-update leaves the old head and the next run redoes the update.
 * - `commits.bin`: the ids of every indexed commit (20 bytes each): where an update stops.
 * - `summary.json`: per record, what the derived fields need (queries load this one file).
 * - `records-xx.json`: per record, its entries and the blob its file has at the indexed head;
 *   256 shards by a hash of the key, so an update rewrites only the shards of the records it
 *   touched.
 *
 * When the last indexed commit is no longer an ancestor of HEAD (history was rewritten: an
 * amend, a rebase, a reset) the index is rebuilt. Like every cache it is disposable.
 */
import fs from 'node:fs'
import path from 'node:path'
import {writeFileAtomic} from '../fs-safe.js'
import {log} from '../log.js'
import {NotAGitRepositoryError} from '../git/errors.js'
import {GitRepository} from '../git/repository.js'
import {LAYOUT, type Workspace} from '../workspace.js'
import {summarize} from './summary.js'
import type {HistoryEntry, HistorySummary} from './types.js'
import {HistoryWalker} from './walk.js'

/** Bump when what the index stores, or how a change is computed, changes: the index is rebuilt. */
export const HISTORY_FORMAT = 2

/** Where the index lives, relative to the workspace root. */
export const HISTORY_CACHE_DIR = `${LAYOUT.cache}/history`

const SHARDS = 256

interface HeadFile {
  format: number
  /** What else the index depends on: the workspace's place in the repository, the size limit. */
  key: string
  head: string | null
  commits: number
}

/**
 * A record's file at the indexed head: its path (the path of the record's newest change) and
 * the id of what is there. Stored at each update so that `psp history` need not read the head's
 * trees (whose delta chains can be the most expensive read of a warm lookup).
 */
interface StoredHead {
  path: string
  oid: string
}

/** One shard's records: their entries and, for those with a file at the head, that file. */
interface ShardData {
  records: Record<string, HistoryEntry[]>
  heads: Record<string, StoredHead>
}

interface ShardFile extends ShardData {
  format: number
}

/** A summary as stored: its key is the map's key, and its id the key (unless it is a path key). */
type StoredSummary = Omit<HistorySummary, 'key' | 'id'>

interface SummaryFile {
  format: number
  head: string | null
  records: Record<string, StoredSummary>
}

function pack(summary: HistorySummary): StoredSummary {
  const {key: _key, id: _id, ...rest} = summary
  return rest
}

function unpack(key: string, stored: StoredSummary): HistorySummary {
  return {...(key.startsWith('path:') ? {} : {id: key}), key, ...stored}
}

/** What opening the index did. */
export interface HistoryUpdateStats {
  /** `current`: nothing to do; `incremental`: extended; `rebuilt`: walked from scratch; `empty`: no commits yet. */
  mode: 'current' | 'incremental' | 'rebuilt' | 'empty'
  /** Commits walked. */
  commits: number
  /** Records whose history changed. */
  records: number
  ms: number
}

export interface HistoryOpenOptions {
  /**
   * `always` (default): build or rebuild the index when needed. `if-built`: use an index that
   * exists and can be extended, but never walk the whole history (undefined otherwise).
   */
  build?: 'always' | 'if-built'
}

/** FNV-1a of a key, reduced to a shard number. */
function shardOf(key: string): string {
  let h = 0x811c9dc5
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return ((h >>> 0) % SHARDS).toString(16).padStart(2, '0')
}

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T
  } catch {
    return undefined
  }
}

/** Newest first by committer date; ties keep their order (the walk's, or new before old). */
function byCommitted(entries: HistoryEntry[]): HistoryEntry[] {
  return entries
    .map((entry, i) => ({entry, i}))
    .sort((a, b) => b.entry.committed - a.entry.committed || a.i - b.i)
    .map((x) => x.entry)
}

/**
 * Moves the entries filed under a path (a file whose id could not be read on either side of a
 * change) to the record that had that path closest in time, if any did.
 */
function foldPathKeys(entries: Map<string, HistoryEntry[]>, lastPaths?: ReadonlyMap<string, HistorySummary>): void {
  const pathKeys = [...entries.keys()].filter((k) => k.startsWith('path:'))
  if (pathKeys.length === 0) return
  const occupants = new Map<string, Array<{key: string; time: number}>>()
  const note = (p: string, key: string, time: number) => {
    const list = occupants.get(p)
    if (list === undefined) occupants.set(p, [{key, time}])
    else list.push({key, time})
  }
  for (const [key, list] of entries) {
    if (key.startsWith('path:')) continue
    for (const e of list) {
      note(e.path, key, e.committed)
      if (e.from !== undefined) note(e.from, key, e.committed)
    }
  }
  for (const [key, summary] of lastPaths ?? []) {
    if (!key.startsWith('path:') && !summary.deleted) note(summary.path, key, summary.updated.time)
  }
  for (const pathKey of pathKeys) {
    const candidates = occupants.get(pathKey.slice(5))
    if (candidates === undefined) continue
    const list = entries.get(pathKey) as HistoryEntry[]
    for (const e of list) {
      let best = candidates[0] as {key: string; time: number}
      for (const c of candidates) if (Math.abs(c.time - e.committed) < Math.abs(best.time - e.committed)) best = c
      const target = entries.get(best.key)
      if (target === undefined) entries.set(best.key, [e])
      else target.push(e)
    }
    entries.delete(pathKey)
  }
  for (const [key, list] of entries) entries.set(key, byCommitted(list))
}

/** An open history index of a workspace. */
export class HistoryIndex {
  private summaryCache: Map<string, HistorySummary> | undefined
  /** Summaries an update just computed, as stored: turned into a map only if asked for. */
  private storedSummaries: Record<string, StoredSummary> | undefined
  private readonly shardCache = new Map<string, ShardData>()

  private constructor(
    readonly ws: Workspace,
    readonly repo: GitRepository,
    /** The workspace's folder in the repository: '' at the top, else `some/folder/`. */
    readonly prefix: string,
    /** The commit the index describes (HEAD), undefined before the first commit. */
    readonly head: string | undefined,
    readonly stats: HistoryUpdateStats,
  ) {}

  /**
   * Opens the workspace's history index, building or extending it to HEAD first. Returns
   * undefined when the workspace is not in a git repository (or, with `build: 'if-built'`, when
   * only a full walk could make the index current).
   */
  static open(ws: Workspace, options: HistoryOpenOptions = {}): HistoryIndex | undefined {
    const repo = GitRepository.find(ws.root)
    if (repo === undefined) return undefined
    let prefix: string
    try {
      prefix = repo.relativePath(ws.root)
    } catch {
      return undefined
    }
    prefix = prefix === '' ? '' : `${prefix}/`
    const started = Date.now()
    const dir = ws.resolve(HISTORY_CACHE_DIR)
    const key = `${HISTORY_FORMAT}|${prefix}|${ws.settings.limits.max_document_bytes}`
    const head = repo.head()
    const meta = readJson<HeadFile>(path.join(dir, 'head.json'))
    // A cache may lose files one by one: without its summary the index is rebuilt.
    const valid = meta !== undefined && meta.format === HISTORY_FORMAT && meta.key === key && fs.existsSync(path.join(dir, 'summary.json'))
    const done = (mode: HistoryUpdateStats['mode'], commits: number, records: number, computed?: Computed) => {
      const stats = {mode, commits, records, ms: Date.now() - started}
      if (mode !== 'current') log('info', 'history index updated', {...stats})
      const index = new HistoryIndex(ws, repo, prefix, head, stats)
      if (computed !== undefined) index.keep(computed)
      return index
    }
    if (valid && (meta.head ?? undefined) === head) return done(head === undefined ? 'empty' : 'current', 0, 0)
    if (head === undefined) return done('empty', 0, 0, writeIndex(dir, key, undefined, new Map(), [], new Map()))
    const walkOptions = {from: head, prefix, maxBytes: ws.settings.limits.max_document_bytes}
    if (valid && meta.head !== null) {
      const known = readCommits(path.join(dir, 'commits.bin'))
      if (known.has(meta.head)) {
        const result = new HistoryWalker(repo, {...walkOptions, known}).walk()
        if (result.boundary.has(meta.head)) {
          const computed = extendIndex(dir, key, head, result.entries, result.commits, known, (p) => repo.entryAt(head, prefix + p)?.oid)
          return done('incremental', result.commits.length, result.entries.size, computed)
        }
      }
    }
    if (options.build === 'if-built') return undefined
    const result = new HistoryWalker(repo, walkOptions).walk()
    foldPathKeys(result.entries)
    const files = headFiles(repo, head, prefix)
    return done('rebuilt', result.commits.length, result.entries.size, writeIndex(dir, key, head, result.entries, result.commits, files))
  }

  /**
   * Opens the index like `open`, but throws NotAGitRepositoryError when the workspace is not in
   * a git repository.
   */
  static require(ws: Workspace): HistoryIndex {
    const index = HistoryIndex.open(ws)
    if (index === undefined) {
      throw new NotAGitRepositoryError(`${ws.root} is not in a git repository: psp reads history from git`, {
        hint: 'run `git init` and commit the workspace; history starts with the first commit',
      })
    }
    return index
  }

  /** Keeps what an update computed, instead of reading it back from disk. */
  private keep(computed: Computed): void {
    if (computed.complete) for (let n = 0; n < SHARDS; n++) this.shardCache.set(n.toString(16).padStart(2, '0'), {records: {}, heads: {}})
    for (const [name, data] of computed.shards) this.shardCache.set(name, data)
    this.storedSummaries = computed.summaries
  }

  private shard(name: string): ShardData {
    let data = this.shardCache.get(name)
    if (data === undefined) {
      data = readShard(path.join(this.ws.resolve(HISTORY_CACHE_DIR), `records-${name}.json`))
      this.shardCache.set(name, data)
    }
    return data
  }

  /** A record's history (by id, or `path:<path>`), newest first; empty when it has none. */
  entries(key: string): HistoryEntry[] {
    const {records} = this.shard(shardOf(key))
    return Object.hasOwn(records, key) ? (records[key] as HistoryEntry[]) : []
  }

  /**
   * The id of what the indexed head has at a record's path (the path of its newest change):
   * stored by the update, read from the head's trees only when it was not.
   */
  headOid(key: string, filePath: string): string | undefined {
    if (this.head === undefined) return undefined
    const {heads} = this.shard(shardOf(key))
    const stored = Object.hasOwn(heads, key) ? heads[key] : undefined
    if (stored?.path === filePath) return stored.oid
    return this.repo.entryAt(this.head, this.prefix + filePath)?.oid
  }

  /** What history says about a record, from its entries alone (one shard read). */
  summary(key: string): HistorySummary | undefined {
    if (this.summaryCache !== undefined) return this.summaryCache.get(key)
    if (this.storedSummaries !== undefined) return Object.hasOwn(this.storedSummaries, key) ? unpack(key, this.storedSummaries[key] as StoredSummary) : undefined
    return summarize(key, this.entries(key))
  }

  /**
   * What history said about a record at a moment (seconds): its entries committed at or before
   * it (for `--at`, the revision's committer date).
   */
  summaryAsOf(key: string, time: number): HistorySummary | undefined {
    return summarize(key, this.entries(key).filter((e) => e.committed <= time))
  }

  /** Every record's summary at a moment: reads every shard (for queries with `--at`). */
  summariesAsOf(time: number): Map<string, HistorySummary> {
    const out = new Map<string, HistorySummary>()
    for (let n = 0; n < SHARDS; n++) {
      for (const [key, entries] of Object.entries(this.shard(n.toString(16).padStart(2, '0')).records)) {
        const summary = summarize(key, entries.filter((e) => e.committed <= time))
        if (summary !== undefined) out.set(key, summary)
      }
    }
    return out
  }

  /** Every record's summary (one file read, kept). */
  summaries(): ReadonlyMap<string, HistorySummary> {
    if (this.summaryCache === undefined) {
      let stored = this.storedSummaries
      if (stored === undefined) {
        const file = readJson<SummaryFile>(path.join(this.ws.resolve(HISTORY_CACHE_DIR), 'summary.json'))
        stored = file?.format === HISTORY_FORMAT ? file.records : {}
      }
      this.summaryCache = new Map(Object.entries(stored).map(([k, v]) => [k, unpack(k, v)]))
    }
    return this.summaryCache
  }
}

/** Every file under the workspace's data/ at a commit (where the walk finds records): workspace-relative path → blob id. */
function headFiles(repo: GitRepository, commit: string, prefix: string): Map<string, string> {
  return new Map(repo.listFiles(commit, `${prefix}${LAYOUT.data}`).map((f) => [f.path.slice(prefix.length), f.oid]))
}

function readShard(file: string): ShardData {
  const shard = readJson<ShardFile>(file)
  return shard?.format === HISTORY_FORMAT ? {records: shard.records, heads: shard.heads ?? {}} : {records: {}, heads: {}}
}

/** What the head has where a record's newest change left its file (nothing when it was deleted). */
function storedHead(entries: readonly HistoryEntry[], oidAt: (filePath: string) => string | undefined): StoredHead | undefined {
  const latest = entries[0]
  if (latest === undefined || latest.change === 'deleted') return undefined
  const oid = oidAt(latest.path)
  return oid === undefined ? undefined : {path: latest.path, oid}
}

const shardFile = (data: ShardData): string => JSON.stringify({format: HISTORY_FORMAT, ...data} satisfies ShardFile)

function readCommits(file: string): Set<string> {
  const out = new Set<string>()
  let buf: Buffer
  try {
    buf = fs.readFileSync(file)
  } catch {
    return out
  }
  for (let i = 0; i + 20 <= buf.length; i += 20) out.add(buf.toString('hex', i, i + 20))
  return out
}

/** What an update computed: kept by the open index, so nothing written has to be read back. */
interface Computed {
  /** Shards by name; with `complete`, every shard (the ones not listed are empty). */
  shards: Map<string, ShardData>
  complete: boolean
  summaries: Record<string, StoredSummary>
}

/**
 * Writes files of the index, head.json last. A cache that cannot be written (a read-only
 * folder, a full disk) is not an error: this run answers from memory, the next one tries again.
 */
function persist(dir: string, files: Array<[string, string | Buffer]>): void {
  try {
    fs.mkdirSync(dir, {recursive: true})
    for (const [name, data] of files) writeFileAtomic(path.join(dir, name), data, {durable: false})
  } catch (error) {
    log('warn', 'history index not saved', {error: (error as Error).message})
  }
}

const commitBytes = (commits: Iterable<string>) => Buffer.concat([...commits].map((c) => Buffer.from(c, 'hex')))

/**
 * Computes and writes a whole index (a rebuild), removing shards that are no longer needed.
 * `files` lists the head's files (workspace-relative path → blob id).
 */
function writeIndex(dir: string, key: string, head: string | undefined, entries: Map<string, HistoryEntry[]>, commits: string[], files: ReadonlyMap<string, string>): Computed {
  const shards = new Map<string, ShardData>()
  const summaries: Record<string, StoredSummary> = {}
  for (const [k, list] of entries) {
    const name = shardOf(k)
    let data = shards.get(name)
    if (data === undefined) shards.set(name, (data = {records: {}, heads: {}}))
    data.records[k] = list
    const at = storedHead(list, (p) => files.get(p))
    if (at !== undefined) data.heads[k] = at
    const summary = summarize(k, list)
    if (summary !== undefined) summaries[k] = pack(summary)
  }
  try {
    for (const name of fs.readdirSync(dir)) {
      const match = /^records-([0-9a-f]{2})\.json$/.exec(name)
      if (match !== null && !shards.has(match[1] as string)) fs.rmSync(path.join(dir, name), {force: true})
    }
  } catch {
    // no folder yet
  }
  persist(dir, [
    ...[...shards].map(([name, data]): [string, string] => [`records-${name}.json`, shardFile(data)]),
    ['summary.json', JSON.stringify({format: HISTORY_FORMAT, head: head ?? null, records: summaries} satisfies SummaryFile)],
    ['commits.bin', commitBytes(commits)],
    ['head.json', JSON.stringify({format: HISTORY_FORMAT, key, head: head ?? null, commits: commits.length} satisfies HeadFile)],
  ])
  return {shards, complete: true, summaries}
}

/**
 * Adds the entries of new commits to an index. `oidAt` reads what the new head has at a path:
 * only the records the new commits touched can have a different file there.
 */
function extendIndex(
  dir: string,
  key: string,
  head: string,
  added: Map<string, HistoryEntry[]>,
  commits: string[],
  known: Set<string>,
  oidAt: (filePath: string) => string | undefined,
): Computed {
  const summaryFile = readJson<SummaryFile>(path.join(dir, 'summary.json'))
  const summaries = summaryFile?.format === HISTORY_FORMAT ? summaryFile.records : {}
  if ([...added.keys()].some((k) => k.startsWith('path:'))) foldPathKeys(added, new Map(Object.entries(summaries).map(([k, v]) => [k, unpack(k, v)])))
  const byShard = new Map<string, string[]>()
  for (const k of added.keys()) {
    const name = shardOf(k)
    byShard.set(name, [...(byShard.get(name) ?? []), k])
  }
  const shards = new Map<string, ShardData>()
  for (const [name, keys] of byShard) {
    const data = readShard(path.join(dir, `records-${name}.json`))
    const {records, heads} = data
    for (const k of keys) {
      const old = Object.hasOwn(records, k) ? (records[k] as HistoryEntry[]) : []
      // An update that crashed after writing shards but before head.json is redone: skip what is there.
      const seen = new Set(old.map((e) => `${e.commit}|${e.path}|${e.change}`))
      const fresh = (added.get(k) as HistoryEntry[]).filter((e) => !seen.has(`${e.commit}|${e.path}|${e.change}`))
      const merged = byCommitted([...fresh, ...old])
      records[k] = merged
      const at = storedHead(merged, oidAt)
      if (at === undefined) delete heads[k]
      else heads[k] = at
      const summary = summarize(k, merged)
      if (summary !== undefined) summaries[k] = pack(summary)
    }
    shards.set(name, data)
  }
  const all = [...commits, ...known]
  persist(dir, [
    ...[...shards].map(([name, data]): [string, string] => [`records-${name}.json`, shardFile(data)]),
    ['summary.json', JSON.stringify({format: HISTORY_FORMAT, head, records: summaries} satisfies SummaryFile)],
    ['commits.bin', commitBytes(all)],
    ['head.json', JSON.stringify({format: HISTORY_FORMAT, key, head, commits: all.length} satisfies HeadFile)],
  ])
  return {shards, complete: false, summaries}
}
