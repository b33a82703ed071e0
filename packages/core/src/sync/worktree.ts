/**
 * The working tree and git's index during a sync: what changed locally (isomorphic-git's
 * statusMatrix, limited to the workspace's folder), whether incoming files would overwrite an
 * uncommitted change, and writing incoming files — only the paths that change — then updating
 * their index entries.
 */
import fs from 'node:fs'
import path from 'node:path'
import {UnsafeInputError} from '../errors.js'
import {writeFileAtomic} from '../fs-safe.js'
import {LAYOUT} from '../layout.js'
import {SyncBlockedError} from './errors.js'
import {hashObject, type TreeFile} from './objects.js'
import {isDocumentRepoPath} from './paths.js'
import {displayPath} from './tree-merge.js'

type Git = typeof import('isomorphic-git')

export interface WorktreeContext {
  git: Git
  /** The working tree's top folder. */
  dir: string
  gitdir: string
  /** The workspace's folder in the repository: '' or ending in '/'. */
  prefix: string
  cache: object
  /** core.autocrlf is `true`: CRLF line ends are stored as LF (as isomorphic-git's add does). */
  autocrlf: boolean
}

/** A document that differs from HEAD in the working tree. */
export interface DocumentChange {
  /** Repository path. */
  path: string
  change: 'added' | 'modified' | 'deleted'
}

/** A file under data/ that is not a psp document and differs from HEAD: left alone by sync. */
export interface SyncOtherChange {
  /** Workspace-relative path (outside the workspace: from the repository's top, with a leading '/'). */
  path: string
  status: 'modified' | 'added' | 'deleted' | 'untracked'
}

export interface WorkingStatus {
  documents: DocumentChange[]
  others: SyncOtherChange[]
}

/**
 * What differs from HEAD under the workspace's data/ folder — where the documents are; the rest
 * of the repository (perhaps a whole code base) is not looked at. `refresh: false` keeps
 * statusMatrix from rewriting the index's stat data (a dry run writes nothing).
 */
export async function workingStatus(ctx: WorktreeContext, options: {refresh: boolean}): Promise<WorkingStatus> {
  const {git, dir, gitdir, prefix, cache} = ctx
  const cacheDir = `${prefix}${LAYOUT.cache}/`
  if (!fs.existsSync(path.join(dir, ...`${prefix}${LAYOUT.data}`.split('/')))) return {documents: [], others: []}
  const rows = await git.statusMatrix({fs, dir, gitdir, cache, refresh: options.refresh, filepaths: [`${prefix}${LAYOUT.data}`]})
  const documents: DocumentChange[] = []
  const others: SyncOtherChange[] = []
  for (const [file, head, workdir, stage] of rows) {
    if (head === 1 && workdir === 1 && stage === 1) continue
    if (file.startsWith(cacheDir)) continue
    const isDoc = isDocumentRepoPath(file, prefix) && !isSymlink(path.join(dir, ...file.split('/')))
    if (isDoc && (workdir === 2 || (head === 1 && workdir === 0))) {
      documents.push({path: file, change: head === 0 ? 'added' : workdir === 0 ? 'deleted' : 'modified'})
      continue
    }
    if (isDoc && workdir === 1) continue // only the index differs; the commit takes the working tree
    if (head === 0 && workdir === 0) continue // added to the index, then deleted: nothing to keep
    const status: SyncOtherChange['status'] = head === 0 ? (stage === 0 ? 'untracked' : 'added') : workdir === 0 ? 'deleted' : 'modified'
    others.push({path: displayPath(file, prefix), status})
  }
  documents.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
  others.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
  return {documents, others}
}

/**
 * Every file of the workspace's folder git would take (not ignored), for the first commit of a
 * repository that has none: repository paths.
 */
export async function workspaceFiles(ctx: WorktreeContext, options: {refresh: boolean}): Promise<string[]> {
  const {git, dir, gitdir, prefix, cache} = ctx
  const cacheDir = `${prefix}${LAYOUT.cache}/`
  const rows = await git.statusMatrix({fs, dir, gitdir, cache, refresh: options.refresh, ...(prefix === '' ? {} : {filepaths: [prefix.slice(0, -1)]})})
  return rows.filter(([file, , workdir]) => workdir !== 0 && !file.startsWith(cacheDir)).map(([file]) => file).sort()
}

/** The git mode of a working-tree file: a symlink, an executable or a plain file. */
export function workingMode(ctx: WorktreeContext, repoPath: string): string {
  try {
    const stat = fs.lstatSync(path.join(ctx.dir, ...repoPath.split('/')))
    return stat.isSymbolicLink() ? '120000' : (stat.mode & 0o111) !== 0 && process.platform !== 'win32' ? '100755' : '100644'
  } catch {
    return '100644'
  }
}

function isSymlink(file: string): boolean {
  try {
    return fs.lstatSync(file).isSymbolicLink()
  } catch {
    return false
  }
}

/** A working-tree file's bytes as git would store them (CRLF → LF under core.autocrlf=true, for UTF-8 text, as isomorphic-git does). */
export function readWorkingFile(ctx: WorktreeContext, repoPath: string): Buffer | undefined {
  const file = path.join(ctx.dir, ...repoPath.split('/'))
  let stat: fs.Stats
  try {
    stat = fs.lstatSync(file)
  } catch {
    return undefined
  }
  if (stat.isSymbolicLink()) return Buffer.from(fs.readlinkSync(file).replace(/\\/g, '/'), 'utf8')
  if (!stat.isFile()) return undefined
  const bytes = fs.readFileSync(file)
  if (!ctx.autocrlf || !bytes.includes(13)) return bytes
  try {
    const text = new TextDecoder('utf-8', {fatal: true}).decode(bytes)
    return Buffer.from(text.replace(/\r\n/g, '\n'), 'utf8')
  } catch {
    return bytes
  }
}

/** Refuses a repository path that could write outside the working tree or into .git. */
function assertSafePath(ctx: WorktreeContext, repoPath: string): void {
  const parts = repoPath.split('/')
  for (const part of parts) {
    if (part === '' || part === '.' || part === '..' || part.toLowerCase() === '.git' || part.includes('\\') || part.includes('\0')) {
      throw new UnsafeInputError(`the remote's tree holds a path psp will not write: ${JSON.stringify(repoPath)}`)
    }
  }
  let at = ctx.dir
  for (const part of parts.slice(0, -1)) {
    at = path.join(at, part)
    if (isSymlink(at)) throw new UnsafeInputError(`${repoPath}: ${path.relative(ctx.dir, at)} is a symbolic link; psp will not write through it`)
  }
}

/**
 * Refuses, before anything is written, when writing `changes` would overwrite or delete an
 * uncommitted change: a working file that differs from ours (`oursFile`), or an untracked file
 * where an incoming one goes (unless it already has the incoming content).
 */
export function assertCanWrite(ctx: WorktreeContext, changes: ReadonlyMap<string, TreeFile | null>, oursFile: (p: string) => TreeFile | undefined): void {
  const blocked: string[] = []
  for (const [p, incoming] of changes) {
    assertSafePath(ctx, p)
    const expected = oursFile(p)
    const bytes = readWorkingFile(ctx, p)
    if (expected === undefined) {
      if (bytes === undefined) continue
      if (incoming !== null && hashObject('blob', bytes) === incoming.oid) continue
      blocked.push(displayPath(p, ctx.prefix))
      continue
    }
    if (expected.mode === '160000') continue
    if (incoming === null && bytes === undefined) continue
    if (bytes === undefined || hashObject('blob', bytes) !== expected.oid) blocked.push(displayPath(p, ctx.prefix))
  }
  if (blocked.length === 0) return
  const n = blocked.length
  const shown = blocked.slice(0, 5).join(', ') + (n > 5 ? `, … (${n} in all)` : '')
  throw new SyncBlockedError(`local changes would be overwritten by the remote's: ${shown}`, {
    data: {paths: blocked},
    hint: 'commit or move them away (they are not psp documents, so sync leaves them to you), then run psp sync again',
  })
}

const STAGE_BATCH = 200

/**
 * Writes `changes` into the working tree (deletions first, then files, folders made and emptied
 * ones removed) and, for the paths in `stage` (default all), into git's index.
 */
export async function writeChanges(
  ctx: WorktreeContext,
  changes: ReadonlyMap<string, TreeFile | null>,
  readBlob: (oid: string) => Buffer,
  options: {stage?: (p: string) => boolean; onProgress?: (done: number, total: number) => void} = {},
): Promise<void> {
  const {git, dir, gitdir, cache} = ctx
  const abs = (p: string) => path.join(dir, ...p.split('/'))
  const deleted: string[] = []
  const written: string[] = []
  const gitlinks: Array<[string, string]> = []
  for (const [p, file] of changes) {
    if (file !== null) continue
    removeFile(dir, abs(p))
    deleted.push(p)
  }
  let done = 0
  for (const [p, file] of changes) {
    if (file === null) continue
    const target = abs(p)
    makeParent(dir, target)
    if (file.mode === '160000') {
      fs.mkdirSync(target, {recursive: true})
      gitlinks.push([p, file.oid])
    } else if (file.mode === '120000') {
      fs.rmSync(target, {force: true})
      fs.symlinkSync(readBlob(file.oid).toString('utf8'), target)
      written.push(p)
    } else {
      if (isDirectory(target)) fs.rmSync(target, {recursive: true})
      writeFileAtomic(target, readBlob(file.oid), {durable: false})
      fs.chmodSync(target, file.mode === '100755' ? 0o755 : 0o644)
      written.push(p)
    }
    options.onProgress?.(++done, changes.size)
  }
  const stage = options.stage ?? (() => true)
  const add = written.filter(stage)
  for (let i = 0; i < add.length; i += STAGE_BATCH) {
    await git.add({fs, dir, gitdir, cache, filepath: add.slice(i, i + STAGE_BATCH), force: true})
  }
  const remove = deleted.filter(stage)
  if (remove.length > 0) await git.remove({fs, dir, gitdir, cache, filepath: remove})
  for (const [p, oid] of gitlinks.filter(([p]) => stage(p))) {
    await git.updateIndex({fs, dir, gitdir, cache, filepath: p, oid, mode: 0o160000, add: true})
  }
}

/** Stages working-tree files as they are (present: added; missing: removed from the index). */
export async function stagePaths(ctx: WorktreeContext, paths: readonly string[]): Promise<void> {
  const {git, dir, gitdir, cache} = ctx
  const present = paths.filter((p) => fs.existsSync(path.join(dir, ...p.split('/'))) || isSymlink(path.join(dir, ...p.split('/'))))
  const missing = paths.filter((p) => !present.includes(p))
  for (let i = 0; i < present.length; i += STAGE_BATCH) {
    await git.add({fs, dir, gitdir, cache, filepath: present.slice(i, i + STAGE_BATCH), force: true})
  }
  if (missing.length > 0) await git.remove({fs, dir, gitdir, cache, filepath: missing})
}

function isDirectory(file: string): boolean {
  try {
    return fs.lstatSync(file).isDirectory()
  } catch {
    return false
  }
}

/** Makes a file's folders; a file standing where a folder must go (a path that changed type) is removed. */
function makeParent(top: string, file: string): void {
  const parent = path.dirname(file)
  let at = top
  for (const part of path.relative(top, parent).split(path.sep)) {
    if (part === '') continue
    at = path.join(at, part)
    try {
      const stat = fs.lstatSync(at)
      if (!stat.isDirectory()) fs.rmSync(at)
      else continue
    } catch {
      // missing: made below
    }
    fs.mkdirSync(at)
  }
}

/** Deletes a file and the folders it leaves empty (never the working tree's top). */
function removeFile(top: string, file: string): void {
  try {
    fs.rmSync(file, {force: true, recursive: isDirectory(file) && fs.readdirSync(file).length === 0})
  } catch {
    return
  }
  let dir = path.dirname(file)
  while (dir.length > top.length && dir.startsWith(top)) {
    try {
      fs.rmdirSync(dir)
    } catch {
      return
    }
    dir = path.dirname(dir)
  }
}
