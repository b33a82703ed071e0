/**
 * Packing loose objects. isomorphic-git writes every object as its own file and never packs
 * them: 89,563 loose objects took 500 MB against a 28 MB pack, and slowed reading (TECH-NOTES
 * §4). With a git binary, `git gc` does the whole job (delta compression, one pack, pruning);
 * without one, psp packs the loose objects itself with isomorphic-git's `packObjects` and
 * `indexPack` (no deltas, so larger than git's pack, but one file instead of thousands) and
 * deletes each loose file only after reading its object back from the new pack and checking its
 * hash.
 */
import {spawnSync} from 'node:child_process'
import {createHash} from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import {IoError, UsageError} from '../errors.js'
import {GitFormatError} from './errors.js'
import {ByteLru} from './lru.js'
import type {GitObject} from './objects.js'
import {Pack, PackIndex} from './pack.js'
import {GitRepository} from './repository.js'

/** How loose objects are packed: by `git gc`, or by psp itself (no git binary needed). */
export type GcMethod = 'git' | 'builtin'

export interface GcReport {
  method: GcMethod
  /** Loose objects before and after. */
  looseBefore: number
  looseAfter: number
  /** Disk space the loose objects took before and after (bytes, as allocated). */
  looseBytesBefore: number
  looseBytesAfter: number
  /** Packs before and after. */
  packsBefore: number
  packsAfter: number
  /** The pack psp wrote (builtin), relative to the git folder. */
  pack?: string
}

export interface GcOptions {
  /** `git` (needs git on PATH), `builtin`, or (default) `git` when git runs here, else `builtin`. */
  method?: GcMethod | 'auto'
}

/** True when a git binary runs here. */
export function gitAvailable(): boolean {
  return spawnSync('git', ['--version'], {stdio: 'ignore'}).status === 0
}

function looseStats(repo: GitRepository): {count: number; bytes: number; oids: string[]} {
  const oids = repo.objects.looseObjects()
  const dir = repo.objects.folders[0] as string
  let bytes = 0
  for (const oid of oids) {
    try {
      const stat = fs.statSync(path.join(dir, oid.slice(0, 2), oid.slice(2)))
      bytes += stat.blocks === undefined ? stat.size : stat.blocks * 512
    } catch {
      // deleted meanwhile
    }
  }
  return {count: oids.length, bytes, oids}
}

function packCount(repo: GitRepository): number {
  try {
    return fs.readdirSync(path.join(repo.objects.folders[0] as string, 'pack')).filter((n) => n.endsWith('.pack')).length
  } catch {
    return 0
  }
}

function hashOf(object: GitObject): string {
  return createHash('sha1').update(`${object.type} ${object.data.length}\0`).update(object.data).digest('hex')
}

/** Packs the loose objects of the repository around `root`. */
export async function collectGarbage(root: string, options: GcOptions = {}): Promise<GcReport> {
  const repo = GitRepository.open(root)
  const method = options.method === undefined || options.method === 'auto' ? (gitAvailable() ? 'git' : 'builtin') : options.method
  const before = looseStats(repo)
  const packsBefore = packCount(repo)
  let pack: string | undefined
  if (method === 'git') {
    if (!gitAvailable()) throw new UsageError('git is not installed here: run psp gc without --git to pack with psp itself')
    const result = spawnSync('git', ['gc', '--quiet'], {cwd: repo.workTree, encoding: 'utf8'})
    if (result.status !== 0) throw new IoError(`git gc failed: ${(result.stderr || result.error?.message || '').trim()}`)
  } else if (before.count > 0) {
    pack = await packBuiltin(repo, before.oids)
  }
  repo.objects.refresh()
  const after = looseStats(repo)
  repo.close()
  return {
    method,
    looseBefore: before.count,
    looseAfter: after.count,
    looseBytesBefore: before.bytes,
    looseBytesAfter: after.bytes,
    packsBefore,
    packsAfter: packCount(repo),
    ...(pack === undefined ? {} : {pack}),
  }
}

/** Writes one pack of `oids` with isomorphic-git, checks it with psp's reader, then deletes the loose files. */
async function packBuiltin(repo: GitRepository, oids: string[]): Promise<string> {
  const git = await import('isomorphic-git')
  const gitdir = repo.location.commonDir
  const packDir = path.join(repo.objects.folders[0] as string, 'pack')
  fs.mkdirSync(packDir, {recursive: true})
  const {filename} = await git.packObjects({fs, gitdir, oids, write: true})
  await git.indexPack({fs, dir: packDir, gitdir, filepath: filename})
  const packFile = path.join(packDir, filename)
  const index = PackIndex.read(packFile.replace(/\.pack$/, '.idx'))
  const reader = new Pack(index, packFile, new ByteLru<GitObject>(16 * 1024 * 1024), 0)
  const loose = repo.objects.folders[0] as string
  try {
    for (const oid of oids) {
      const i = index.find(Buffer.from(oid, 'hex'))
      if (i === -1) throw new GitFormatError(`the new pack ${filename} lacks object ${oid}; no loose object was deleted after it`)
      const object = reader.readEntry(i, (base) => repo.objects.read(base))
      if (hashOf(object) !== oid) throw new GitFormatError(`object ${oid} reads back wrong from the new pack ${filename}; it was kept`)
      fs.rmSync(path.join(loose, oid.slice(0, 2), oid.slice(2)), {force: true})
    }
  } finally {
    reader.close()
  }
  for (const name of fs.readdirSync(loose)) {
    if (!/^[0-9a-f]{2}$/.test(name)) continue
    try {
      fs.rmdirSync(path.join(loose, name))
    } catch {
      // not empty: objects written meanwhile
    }
  }
  return path.relative(gitdir, packFile).split(path.sep).join('/')
}
