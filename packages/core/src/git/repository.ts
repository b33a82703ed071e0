/**
 * A read-only view of a git repository: found from a folder inside its working tree, it reads
 * refs, commits, trees and blobs straight from `.git` with node:zlib, without a git binary and
 * without isomorphic-git (whose API needed 27–42 s for a walk this reader does in 3–6 s; see
 * docs/history.md). Writes, status, merges and the network stay with isomorphic-git.
 */
import fs from 'node:fs'
import path from 'node:path'
import {NotFoundError, UsageError} from '../errors.js'
import {GitFormatError, NotAGitRepositoryError} from './errors.js'
import {ByteLru} from './lru.js'
import {ObjectStore} from './object-store.js'
import {parseCommit, parseTag, parseTree, type GitCommit, type GitObject, type GitTag, type GitTreeEntry} from './objects.js'
import {RefStore, type GitRef} from './refs.js'
import {resolveRevision} from './revision.js'

/** Where a repository's parts are. */
export interface GitLocation {
  /** The git folder of this working tree: `.git`, or `.git/worktrees/<name>` for a linked worktree. */
  gitDir: string
  /** The folder shared by all worktrees (objects, refs, config); `gitDir` for a plain repository. */
  commonDir: string
  /** The top folder of the working tree. */
  workTree: string
}

export interface GitOpenOptions {
  /** Environment to read `GIT_DIR` and `GIT_WORK_TREE` from (default: process.env). */
  env?: Readonly<Record<string, string | undefined>>
}

/** A file of a commit's tree, as `listFiles` returns it. */
export interface GitFile {
  /** Path from the repository's top folder, with `/`. */
  path: string
  oid: string
  mode: string
}

/** Parsed trees and commits kept for reuse: a walk reads each parent's tree again. */
const PARSED_CACHE_BYTES = 32 * 1024 * 1024

function isGitDir(dir: string): boolean {
  return fs.existsSync(path.join(dir, 'HEAD')) && (fs.existsSync(path.join(dir, 'objects')) || fs.existsSync(path.join(dir, 'commondir')))
}

/** The common folder of a git folder: where its `commondir` file points, else itself. */
function commonDirOf(gitDir: string): string {
  try {
    const text = fs.readFileSync(path.join(gitDir, 'commondir'), 'utf8').trim()
    if (text !== '') return path.resolve(gitDir, text)
  } catch {
    // a plain repository
  }
  return gitDir
}

/**
 * Finds the repository around `from`, as git does: `GIT_DIR` when set, else the nearest `.git`
 * at or above it — a folder, or a file `gitdir: <path>` as worktrees and submodules have.
 */
export function discoverRepository(from: string, options: GitOpenOptions = {}): GitLocation | undefined {
  const env = options.env ?? process.env
  const explicit = env['GIT_DIR']
  if (explicit !== undefined && explicit !== '') {
    const gitDir = path.resolve(explicit)
    if (!isGitDir(gitDir)) return undefined
    const workTree = path.resolve(env['GIT_WORK_TREE'] || process.cwd())
    return {gitDir, commonDir: commonDirOf(gitDir), workTree}
  }
  let dir = path.resolve(from)
  for (;;) {
    const dotGit = path.join(dir, '.git')
    let stat: fs.Stats | undefined
    try {
      stat = fs.statSync(dotGit)
    } catch {
      stat = undefined
    }
    if (stat?.isDirectory() && isGitDir(dotGit)) return {gitDir: dotGit, commonDir: commonDirOf(dotGit), workTree: dir}
    if (stat?.isFile()) {
      const text = fs.readFileSync(dotGit, 'utf8').trim()
      if (text.startsWith('gitdir:')) {
        const gitDir = path.resolve(dir, text.slice(7).trim())
        if (isGitDir(gitDir)) return {gitDir, commonDir: commonDirOf(gitDir), workTree: dir}
      }
    }
    const parent = path.dirname(dir)
    if (parent === dir) return undefined
    dir = parent
  }
}

/** An open repository. Not safe to share between concurrent writers: psp only reads with it. */
export class GitRepository {
  readonly objects: ObjectStore
  readonly refs: RefStore
  private readonly parsed = new ByteLru<GitCommit | GitTreeEntry[]>(PARSED_CACHE_BYTES)
  private shallowSet: Set<string> | undefined

  private constructor(readonly location: GitLocation) {
    this.objects = new ObjectStore(path.join(location.commonDir, 'objects'))
    this.refs = new RefStore(location.gitDir, location.commonDir)
  }

  /**
   * Opens the repository around `from` (a folder inside its working tree). Throws
   * NotAGitRepositoryError when there is none.
   */
  static open(from: string, options: GitOpenOptions = {}): GitRepository {
    const location = discoverRepository(from, options)
    if (location === undefined) {
      throw new NotAGitRepositoryError(`not a git repository: no .git in ${path.resolve(from)} or any parent folder`, {
        hint: 'run `git init` (or `psp init`) there, and commit',
      })
    }
    let config = ''
    try {
      config = fs.readFileSync(path.join(location.commonDir, 'config'), 'utf8')
    } catch {
      // no config: a plain SHA-1 repository
    }
    if (/^\s*objectformat\s*=\s*sha256\s*$/im.test(config)) {
      throw new GitFormatError('this repository uses SHA-256 object ids, which psp cannot read yet', {
        hint: 'psp reads SHA-1 repositories (git\'s default)',
      })
    }
    if (fs.existsSync(path.join(location.commonDir, 'reftable'))) {
      throw new GitFormatError('this repository keeps its refs in the reftable format, which psp cannot read yet', {
        hint: 'convert it with `git refs migrate --ref-format=files`',
      })
    }
    return new GitRepository(location)
  }

  /** Opens the repository around `from`, or returns undefined when there is none. */
  static find(from: string, options: GitOpenOptions = {}): GitRepository | undefined {
    return discoverRepository(from, options) === undefined ? undefined : GitRepository.open(from, options)
  }

  get gitDir(): string {
    return this.location.gitDir
  }

  get workTree(): string {
    return this.location.workTree
  }

  /** The commit HEAD points at, or undefined before the first commit. */
  head(): string | undefined {
    return this.refs.head().oid
  }

  /** The branch HEAD points at (`refs/heads/main`), or undefined when it is detached. */
  headBranch(): string | undefined {
    return this.refs.head().branch
  }

  /** Every ref under a prefix (`refs/heads/`, `refs/tags/`, `refs/remotes/`; default all). */
  listRefs(prefix = 'refs/'): GitRef[] {
    return this.refs.list(prefix)
  }

  /**
   * The commit a revision names: `HEAD`, a branch, tag or remote branch (short or full name), a
   * full or abbreviated commit id (at least 4 digits), followed by any of `~N`, `^`, `^N` and
   * `^{}` (`main~3^2`). Tags are peeled to their commit. Throws NotFoundError naming the
   * revision, AmbiguousIdError for an abbreviation several objects share, UsageError for a
   * revision that names something other than a commit.
   */
  resolveRevision(revision: string): string {
    return resolveRevision(this, revision)
  }

  /** Reads any object by id (GitFormatError when it is missing). */
  readObject(oid: string): GitObject {
    return this.objects.read(oid)
  }

  private typed(oid: string, type: GitObject['type']): Buffer {
    const object = this.objects.read(oid)
    if (object.type !== type) throw new UsageError(`${oid} is a ${object.type}, not a ${type}`, {data: {oid}})
    return object.data
  }

  readCommit(oid: string): GitCommit {
    const cached = this.parsed.get(oid)
    if (cached !== undefined && !Array.isArray(cached)) return cached
    const data = this.typed(oid, 'commit')
    const commit = parseCommit(oid, data)
    this.parsed.set(oid, commit, data.length + 200)
    return commit
  }

  readTree(oid: string): GitTreeEntry[] {
    const cached = this.parsed.get(oid)
    if (Array.isArray(cached)) return cached
    const data = this.typed(oid, 'tree')
    const tree = parseTree(oid, data)
    this.parsed.set(oid, tree, data.length * 3 + 64)
    return tree
  }

  /** The raw bytes of a tree, for callers that walk entries without building objects. */
  readTreeData(oid: string): Buffer {
    return this.typed(oid, 'tree')
  }

  readBlob(oid: string): Buffer {
    return this.typed(oid, 'blob')
  }

  readTag(oid: string): GitTag {
    return parseTag(oid, this.typed(oid, 'tag'))
  }

  /**
   * The tree entry at a path of a commit (`''` is the commit's root folder, returned as a tree
   * entry), or undefined when there is nothing there.
   */
  entryAt(commitOid: string, filePath: string): GitTreeEntry | undefined {
    const parts = splitPath(filePath)
    if (parts === undefined) return undefined
    let entry: GitTreeEntry = {mode: '40000', type: 'tree', name: '', oid: this.readCommit(commitOid).tree}
    for (const part of parts) {
      if (entry.type !== 'tree') return undefined
      const next = this.readTree(entry.oid).find((e) => e.name === part)
      if (next === undefined) return undefined
      entry = next
    }
    return entry
  }

  /** A file's bytes at a commit, or undefined when the path is not a file there. */
  fileAt(commitOid: string, filePath: string): Buffer | undefined {
    const entry = this.entryAt(commitOid, filePath)
    return entry?.type === 'blob' ? this.readBlob(entry.oid) : undefined
  }

  /**
   * Every file (blob) of a commit under a folder (`''` or omitted: the whole tree), with paths
   * from the repository's top folder, in git's tree order. Submodules are left out.
   */
  listFiles(commitOid: string, folder = ''): GitFile[] {
    const root = this.entryAt(commitOid, folder)
    if (root === undefined || root.type !== 'tree') return []
    const out: GitFile[] = []
    const prefix = splitPath(folder)?.join('/') ?? ''
    const walk = (treeOid: string, base: string) => {
      for (const entry of this.readTree(treeOid)) {
        const child = base === '' ? entry.name : `${base}/${entry.name}`
        if (entry.type === 'tree') walk(entry.oid, child)
        else if (entry.type === 'blob') out.push({path: child, oid: entry.oid, mode: entry.mode})
      }
    }
    walk(root.oid, prefix)
    return out
  }

  /** True when the commit's parents were cut off by a shallow clone. */
  isShallow(oid: string): boolean {
    if (this.shallowSet === undefined) {
      this.shallowSet = new Set()
      try {
        const text = fs.readFileSync(path.join(this.location.commonDir, 'shallow'), 'utf8')
        for (const line of text.split(/\r?\n/)) if (line.trim() !== '') this.shallowSet.add(line.trim())
      } catch {
        // not a shallow clone
      }
    }
    return this.shallowSet.has(oid)
  }

  /**
   * The path of `file` (absolute, or relative to the current folder) from the working tree's
   * top folder, with `/`; NotFoundError when it is outside the working tree.
   */
  relativePath(file: string): string {
    const top = realpath(this.location.workTree)
    const target = realpath(path.resolve(file))
    const rel = path.relative(top, target)
    if (rel.startsWith('..') || path.isAbsolute(rel)) {
      throw new NotFoundError(`${file} is outside the git working tree ${top}`)
    }
    return rel.split(path.sep).join('/')
  }

  /** Releases open pack files. */
  close(): void {
    this.objects.close()
  }
}

/** A repository path as its segments; undefined for one that leaves the tree (`..`). */
function splitPath(filePath: string): string[] | undefined {
  const parts = filePath.replace(/\\/g, '/').split('/').filter((p) => p !== '' && p !== '.')
  return parts.includes('..') ? undefined : parts
}

function realpath(p: string): string {
  try {
    return fs.realpathSync(p)
  } catch {
    return p
  }
}
