/**
 * `psp sync`: commit psp's own changes, fetch the branch from the remote, integrate (fast-forward,
 * or psp's own three-way merge of the two trees: documents field by field, matched by id), push,
 * and when the remote moved meanwhile, fetch and integrate again (at most `maxAttempts` times).
 *
 * Before anything changes it refuses what it cannot do safely: no repository, a git operation in
 * progress, an index isomorphic-git cannot use, a missing remote or one that is not http(s), a
 * detached HEAD without --branch. Conflicts are written into the files (merge_conflicts, marker
 * blocks), nothing is committed, and the state is kept for `psp sync --continue`.
 *
 * Reading uses psp's own git reader; status, index updates and the network use isomorphic-git;
 * objects are written by psp (loose, like isomorphic-git's). No git binary is needed: one is used,
 * when installed, only to ask the user's credential helpers.
 */
import fs from 'node:fs'
import path from 'node:path'
import {isPspError, NotFoundError, UsageError, type PspError} from '../errors.js'
import {parseGitConfig} from '../git/config.js'
import {NotAGitRepositoryError} from '../git/errors.js'
import {assertGitIndexSupported} from '../git/index-check.js'
import type {GitCommit} from '../git/objects.js'
import {isSafeRefName} from '../git/refs.js'
import {discoverRepository, GitRepository, type GitLocation} from '../git/repository.js'
import {log} from '../log.js'
import {splitDocument} from '../markdown/frontmatter.js'
import {findConflictBlocks} from '../merge/diff3.js'
import {listConflictsInText} from '../merge/record-merge.js'
import {isArchivedPath} from '../store.js'
import type {Workspace} from '../workspace.js'
import {mergeAttributes} from './attributes.js'
import {remoteAuth, type RemoteAuth} from './credentials.js'
import {GitRemoteError, SyncBlockedError, SyncConflictError} from './errors.js'
import {repositoryConfig, resolveIdentity, type CommitIdentity} from './identity.js'
import {commitsBetween, mergeBases} from './merge-base.js'
import {buildTree, diffTrees, fileAt, ObjectStoreWriter, type TreeFile} from './objects.js'
import {isDocumentRepoPath} from './paths.js'
import {assertHttpRemote, redactUrl, redactUrls} from './remote-url.js'
import {clearSyncState, mergeHead, operationInProgress, readSyncState, writeSyncState, type SyncState} from './state.js'
import {displayPath, mergedFromRemote, mergeTrees, type SyncMergedFile, type SyncMergedRecord, type SyncConflict} from './tree-merge.js'
import {assertCanWrite, readWorkingFile, stagePaths, workingMode, workingStatus, workspaceFiles, writeChanges, type SyncOtherChange, type WorktreeContext} from './worktree.js'

/** How many times sync fetches and integrates again when a push is refused because the remote moved. */
export const DEFAULT_SYNC_ATTEMPTS = 5
/** How many fetched commits the report lists (it counts them all). */
const LISTED_COMMITS = 20

export type SyncPhase = 'status' | 'commit' | 'fetch' | 'merge' | 'write' | 'push'

/** Progress for a person watching (the command shows it on a terminal only). */
export interface SyncProgress {
  phase: SyncPhase
  /** isomorphic-git's own phase while fetching or pushing (`Receiving objects`, …). */
  detail?: string
  loaded?: number
  total?: number
}

export interface SyncOptions {
  /** The remote (default: the branch's configured remote, else `origin`). */
  remote?: string
  /** The remote branch (default: the branch's upstream on that remote, else the current branch's name). Required with a detached HEAD. */
  branch?: string
  /** Do everything that only reads (fetching included) and report what would happen. */
  dryRun?: boolean
  /** Conclude a sync that stopped on conflicts, once they are resolved, then go on. */
  continue?: boolean
  /** Environment for identity, credentials and git's config locations (default: process.env). */
  env?: Record<string, string | undefined>
  /** A person is at a terminal: a credential helper may ask there. Never true without a TTY. */
  interactive?: boolean
  onProgress?: (progress: SyncProgress) => void
  /** Fetch-integrate-push rounds before giving up on a remote that keeps moving (default 5). */
  maxAttempts?: number
  /** The clock of the commits (tests). */
  now?: () => Date
}

/** How a record changed in a commit or a fast-forward. */
export type SyncRecordChangeKind = 'added' | 'modified' | 'deleted' | 'moved' | 'archived' | 'restored'

export interface SyncRecordChange {
  id?: string
  title?: string
  /** Workspace-relative path now (for a deletion: where it was). */
  path: string
  change: SyncRecordChangeKind
  /** Where a moved record was. */
  from?: string
}

/**
 * What integrating the remote branch meant: nothing on either side (`none`), the same commit
 * (`up-to-date`), no such branch on the remote yet (`first-push`), only local commits (`push`),
 * only remote ones (`fast-forward`), or both (`merge`).
 */
export type SyncIntegration = 'none' | 'up-to-date' | 'first-push' | 'push' | 'fast-forward' | 'merge'

export interface SyncReport {
  /** `synced` (something moved), `up-to-date` (nothing to do), `conflicts` (stopped: see `conflicts`), `dry-run`. */
  status: 'synced' | 'up-to-date' | 'conflicts' | 'dry-run'
  dryRun: boolean
  remote: string
  /** The remote's URL, without credentials. */
  url: string
  /** The remote branch. */
  branch: string
  /** The local branch, null with a detached HEAD. */
  localBranch: string | null
  /** `--continue` concluded a stopped merge. */
  continued: boolean
  /** Step 1: the commit of psp's own changes (commit null in a dry run), or null when there were none. */
  committed: {commit: string | null; records: SyncRecordChange[]} | null
  /** Changed files under data/ that are not psp documents: sync left them alone (not committed). Files outside data/ are not looked at. */
  otherChanges: SyncOtherChange[]
  /** The remote's commits this clone did not have: how many, and the newest few. */
  fetched: {head: string | null; count: number; commits: Array<{commit: string; subject: string; author: string}>}
  integration: SyncIntegration
  fastForward: {from: string | null; to: string; records: SyncRecordChange[]; files: string[]} | null
  /** The merge (commit null while conflicts wait, and in a dry run). */
  merge: {commit: string | null; base: string | null; bases: string[]; records: SyncMergedRecord[]; files: SyncMergedFile[]} | null
  /** Conflicts written into the working tree (or, in a dry run, that would be). */
  conflicts: SyncConflict[]
  pushed: boolean
  /** Dry run: a push would follow. */
  wouldPush: boolean
  /** The local branch's commit at the end (null: still none). */
  head: string | null
  /** Fetch-integrate-push rounds used. */
  attempts: number
  /** Things worth knowing (a merge base picked among several, a stale state dropped, …). */
  notes: string[]
}

type Git = typeof import('isomorphic-git')
type Http = typeof import('isomorphic-git/http/node').default

interface Context {
  ws: Workspace
  location: GitLocation
  repo: GitRepository
  git: Git
  http: Http
  wt: WorktreeContext
  store: ObjectStoreWriter
  dry: boolean
  remote: string
  url: string
  branch: string
  /** `refs/heads/<name>`, or `HEAD` when detached. */
  localRef: string
  /** The local commit sync builds on (in a dry run, possibly one held in memory). */
  head: string | undefined
  auth: RemoteAuth
  /** Headers for every request (http.extraHeader). */
  headers: Record<string, string>
  identity: () => CommitIdentity
  progress: (phase: SyncPhase, extra?: Omit<SyncProgress, 'phase'>) => void
  fetchedSeen: Set<string>
}

/** Syncs the workspace's repository with its remote. See the module comment; docs/sync.md. */
export async function syncWorkspace(ws: Workspace, options: SyncOptions = {}): Promise<SyncReport> {
  if (ws.revision !== undefined) throw new UsageError(`psp sync works on the working tree, not on --at ${ws.revision.spec}`)
  if (options.dryRun && options.continue) throw new UsageError('--dry-run and --continue cannot be combined: --continue commits')
  const env = options.env ?? process.env
  const dry = options.dryRun === true
  const notes: string[] = []

  // --- Refusals: nothing has changed yet. ---
  const location = discoverRepository(ws.root, {env})
  if (location === undefined) {
    throw new NotAGitRepositoryError(`not a git repository: no .git in ${ws.root} or any parent folder`, {
      hint: 'psp sync needs a clone: `git clone https://…` (or `psp init` + a remote), then sync there',
    })
  }
  if (path.resolve(location.gitDir) !== path.resolve(location.commonDir)) {
    throw new UsageError('psp sync does not work in a linked worktree (isomorphic-git cannot): run it in the main working tree')
  }
  const gitDir = location.gitDir
  let state = readSyncState(gitDir)
  const inProgress = operationInProgress(gitDir)
  const ours = state !== undefined && inProgress === 'merge' && mergeHead(gitDir) === state.theirs
  if (state !== undefined && !ours && inProgress === undefined) {
    // MERGE_HEAD is gone: the stopped merge was concluded or aborted with git.
    if (!dry) clearSyncState(gitDir)
    notes.push('the sync that stopped on conflicts earlier was concluded or aborted outside psp; its state was dropped')
    log('info', 'psp sync: stale sync state dropped', {theirs: state.theirs})
    state = undefined
  }
  if (options.continue) {
    if (state === undefined) {
      if (inProgress !== undefined) throw blockedBy(inProgress)
      throw new UsageError('no stopped psp sync to continue', {hint: 'run psp sync'})
    }
    if (!ours) throw blockedBy(inProgress ?? 'merge')
  } else if (inProgress !== undefined) {
    if (ours && state !== undefined) {
      throw new SyncBlockedError(`psp sync stopped on conflicts and is waiting: resolve them, then run psp sync --continue`, {
        data: {conflicts: state.conflicts},
        hint: `conflicts in: ${state.conflicts.map((c) => c.path).join(', ') || '(none left)'}`,
      })
    }
    throw blockedBy(inProgress)
  }
  const resume = options.continue ? state : undefined
  assertGitIndexSupported(ws.root, {env})

  const repo = GitRepository.open(ws.root, {env})
  try {
    const headBranch = repo.headBranch()
    const headOid = repo.head()
    if (headBranch === undefined && resume === undefined && options.branch === undefined) {
      throw new UsageError('HEAD is detached (not on a branch): check out a branch, or name the remote branch to sync this commit with: psp sync --branch <name>')
    }
    const localBranch = headBranch?.startsWith('refs/heads/') ? headBranch.slice('refs/heads/'.length) : undefined
    const localRef = resume?.localRef ?? headBranch ?? 'HEAD'
    const config = repositoryConfig(location, env)
    if (resume !== undefined && options.remote !== undefined && options.remote !== resume.remote) {
      throw new UsageError(`the stopped sync was with ${resume.remote}; --continue goes on with it (not ${options.remote})`)
    }
    if (resume !== undefined && options.branch !== undefined && options.branch !== resume.branch) {
      throw new UsageError(`the stopped sync was with branch ${resume.branch}; --continue goes on with it (not ${options.branch})`)
    }
    const configuredRemote = localBranch === undefined ? undefined : config.get(`branch.${localBranch}.remote`)
    const remote = resume?.remote ?? options.remote ?? (configuredRemote !== undefined && configuredRemote !== '.' ? configuredRemote : 'origin')
    const url = config.get(`remote.${remote}.url`)
    if (url === undefined || url === '') {
      const known = [...new Set([...config.keys()].filter((k) => /^remote\..+\.url$/.test(k)).map((k) => k.slice(7, -4)))]
      throw new NotFoundError(`no remote named "${remote}"${known.length > 0 ? ` (remotes: ${known.join(', ')})` : ' (this repository has no remote)'}`, {
        data: {remote, remotes: known},
        hint: known.length > 0 && options.remote === undefined ? `name one: psp sync --remote ${known[0]}` : `add it: git remote add ${remote} https://…`,
      })
    }
    assertHttpRemote(remote, url)
    const pushUrl = config.get(`remote.${remote}.pushurl`)
    if (pushUrl !== undefined && pushUrl !== '') assertHttpRemote(remote, pushUrl, `remote.${remote}.pushurl`)
    const upstream = localBranch === undefined || config.get(`branch.${localBranch}.remote`) !== remote ? undefined : config.get(`branch.${localBranch}.merge`)
    const branch = resume?.branch ?? options.branch ?? (upstream?.startsWith('refs/heads/') ? upstream.slice(11) : undefined) ?? (localBranch as string)
    if (!isSafeRefName(`refs/heads/${branch}`) || branch.startsWith('-')) throw new UsageError(`--branch: "${branch}" is not a valid branch name`)

    const git = await import('isomorphic-git')
    const http = (await import('isomorphic-git/http/node')).default
    const cache = {}
    const repoConfig = readRepoConfig(location)
    const wt: WorktreeContext = {git, dir: location.workTree, gitdir: gitDir, prefix: workspacePrefix(repo, ws.root), cache, autocrlf: repoConfig.get('core.autocrlf')?.toLowerCase() === 'true'}
    let identity: CommitIdentity | undefined
    const ctx: Context = {
      ws,
      location,
      repo,
      git,
      http,
      wt,
      store: new ObjectStoreWriter(repo, dry),
      dry,
      remote,
      url,
      branch,
      localRef,
      head: headOid,
      auth: remoteAuth({env, interactive: options.interactive === true, cwd: location.workTree}),
      headers: extraHeaders(config, url),
      identity: () => (identity ??= resolveIdentity(location, env, options.now?.() ?? new Date())),
      progress: (phase, extra) => options.onProgress?.({phase, ...extra}),
      fetchedSeen: new Set(),
    }
    const report: SyncReport = {
      status: 'up-to-date',
      dryRun: dry,
      remote,
      url: redactUrl(url),
      branch,
      localBranch: localBranch ?? null,
      continued: false,
      committed: null,
      otherChanges: [],
      fetched: {head: null, count: 0, commits: []},
      integration: 'none',
      fastForward: null,
      merge: null,
      conflicts: [],
      pushed: false,
      wouldPush: false,
      head: headOid ?? null,
      attempts: 0,
      notes,
    }

    if (resume !== undefined) await continueMerge(ctx, resume, report)
    await commitLocalChanges(ctx, report)
    const maxAttempts = Math.max(1, options.maxAttempts ?? DEFAULT_SYNC_ATTEMPTS)
    for (let attempt = 1; ; attempt++) {
      report.attempts = attempt
      const theirs = await fetchBranch(ctx)
      const next = await integrate(ctx, theirs, report)
      if (next !== 'push') break
      if (dry) {
        report.wouldPush = true
        break
      }
      if (await pushBranch(ctx)) {
        report.pushed = true
        break
      }
      log('info', 'psp sync: push refused, the remote moved; fetching again', {attempt})
      if (attempt >= maxAttempts) {
        throw new GitRemoteError(`${redactUrl(url)}: the push was refused ${attempt} times: ${remote}/${branch} kept moving while psp sync merged`, {
          data: {reason: 'retries', attempts: attempt},
          hint: 'run psp sync again in a moment',
        })
      }
      notes.push(`attempt ${attempt}: ${remote}/${branch} moved before the push; fetched and integrated again`)
    }
    report.head = ctx.head ?? null
    report.status =
      report.conflicts.length > 0 && !dry
        ? 'conflicts'
        : dry
          ? 'dry-run'
          : report.continued || report.committed !== null || report.pushed || report.fastForward !== null || report.merge !== null
            ? 'synced'
            : 'up-to-date'
    log('info', 'psp sync', {
      status: report.status,
      remote,
      branch,
      integration: report.integration,
      committed: report.committed?.records.length ?? 0,
      fetched: report.fetched.count,
      conflicts: report.conflicts.length,
      pushed: report.pushed,
      attempts: report.attempts,
    })
    return report
  } finally {
    repo.close()
  }
}

function blockedBy(operation: string): SyncBlockedError {
  const how: Record<string, string> = {
    merge: 'conclude it (git commit) or abort it (git merge --abort)',
    rebase: 'finish it (git rebase --continue) or abort it (git rebase --abort)',
    'cherry-pick': 'finish it (git cherry-pick --continue) or abort it (git cherry-pick --abort)',
    revert: 'finish it (git revert --continue) or abort it (git revert --abort)',
  }
  return new SyncBlockedError(`a git ${operation} is in progress in this repository: psp sync will not run over it`, {
    data: {operation},
    hint: how[operation] ?? 'finish or abort it with git first',
  })
}

function readRepoConfig(location: GitLocation) {
  try {
    return parseGitConfig(fs.readFileSync(path.join(location.commonDir, 'config'), 'utf8'))
  } catch {
    return new Map<string, string>()
  }
}

/** The workspace's folder in the repository: '' at the top, else 'sub/folder/'. */
function workspacePrefix(repo: GitRepository, root: string): string {
  const rel = repo.relativePath(root)
  return rel === '' || rel === '.' ? '' : `${rel}/`
}

function readCommitOf(ctx: Context): (oid: string) => GitCommit {
  return (oid) => ctx.store.readCommit(oid)
}

/** Moves the local branch (or a detached HEAD) from `expected` to `oid`, refusing when it moved meanwhile. */
async function updateRef(ctx: Context, oid: string, expected: string | undefined): Promise<void> {
  const {git, wt} = ctx
  let current: string | undefined
  try {
    current = ctx.localRef === 'HEAD' ? fs.readFileSync(path.join(wt.gitdir, 'HEAD'), 'utf8').trim() : await git.resolveRef({fs, dir: wt.dir, gitdir: wt.gitdir, ref: ctx.localRef})
  } catch {
    current = undefined
  }
  if (current !== expected) {
    throw new SyncBlockedError(`${ctx.localRef} moved while psp sync was running (another git command?): nothing more was changed`, {
      data: {expected: expected ?? null, found: current ?? null},
      hint: 'run psp sync again',
    })
  }
  await git.writeRef({fs, dir: wt.dir, gitdir: wt.gitdir, ref: ctx.localRef, value: oid, force: true})
}

// --- Step 1: psp's own changes. ---

/** The text of a blob, or of a working file. */
function textOf(bytes: Buffer | undefined): string | undefined {
  return bytes?.toString('utf8')
}

/** The open conflicts of a file's text (a document's merge_conflicts and marker blocks; any file's markers). */
function openConflictsIn(text: string, isDocument: boolean): {fields: number; blocks: number} {
  if (isDocument) {
    try {
      const found = listConflictsInText(text)
      return {fields: found.filter((c) => c.kind === 'field').length, blocks: found.filter((c) => c.kind === 'body').length}
    } catch {
      // Not a readable document: only markers can be looked for.
    }
  }
  return {fields: 0, blocks: findConflictBlocks(text).length}
}

function describeText(text: string | undefined): {id?: string; title?: string} {
  if (text === undefined) return {}
  try {
    const data = splitDocument(text).data
    return {
      ...(typeof data['id'] === 'string' && data['id'] !== '' ? {id: data['id']} : {}),
      ...(typeof data['title'] === 'string' ? {title: data['title']} : {}),
    }
  } catch {
    return {}
  }
}

/** Records changed between two versions of some paths, moves (a deletion and an addition of one id) paired up. */
function describeRecordChanges(items: Array<{path: string; before?: string; after?: string}>): SyncRecordChange[] {
  const described = items.map((i) => ({...i, info: describeText(i.after ?? i.before)}))
  const deletedById = new Map<string, (typeof described)[number]>()
  for (const d of described) if (d.after === undefined && d.info.id !== undefined) deletedById.set(d.info.id, d)
  const paired = new Set<(typeof described)[number]>()
  const out: SyncRecordChange[] = []
  for (const d of described) {
    if (d.after === undefined) continue
    const base: SyncRecordChange = {...d.info, path: d.path, change: d.before === undefined ? 'added' : 'modified'}
    const from = d.before === undefined && d.info.id !== undefined ? deletedById.get(d.info.id) : undefined
    if (from !== undefined && !paired.has(from)) {
      paired.add(from)
      base.from = from.path
      base.change = isArchivedPath(d.path) && !isArchivedPath(from.path) ? 'archived' : !isArchivedPath(d.path) && isArchivedPath(from.path) ? 'restored' : 'moved'
    }
    out.push(base)
  }
  for (const d of described) if (d.after === undefined && !paired.has(d)) out.push({...d.info, path: d.path, change: 'deleted'})
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
}

function recordLine(r: {id?: string; title?: string; path?: string}, what: string): string {
  const name = r.id === undefined ? (r.path ?? '(unknown)') : r.title === undefined ? r.id : `${r.id} ${r.title}`
  return `${name} (${what})`
}

function changeText(r: SyncRecordChange): string {
  return r.change === 'moved' ? `moved from ${r.from}` : r.change
}

/** The message of the commit of psp's own changes: `psp sync: 3 records`, then one line per record. */
export function syncCommitMessage(records: readonly SyncRecordChange[]): string {
  const n = records.length
  return `psp sync: ${n} record${n === 1 ? '' : 's'}\n\n${records.map((r) => recordLine(r, changeText(r))).join('\n')}\n`
}

/**
 * The first commit of a repository that has none: the whole workspace folder (what git would
 * take: ignored files stay out). Documents only would publish a workspace without its settings,
 * and without a git binary there would be no other way to make this commit.
 */
async function commitWorkspace(ctx: Context, report: SyncReport): Promise<void> {
  const {store, wt} = ctx
  ctx.progress('status')
  const paths = await workspaceFiles(wt, {refresh: !ctx.dry})
  if (paths.length === 0) return
  ctx.progress('commit', {total: paths.length})
  const files = new Map<string, TreeFile | null>()
  const items: Array<{path: string; after: string}> = []
  for (const p of paths) {
    const bytes = readWorkingFile(wt, p)
    if (bytes === undefined) continue
    files.set(p, {oid: store.write('blob', bytes), mode: workingMode(wt, p)})
    if (isDocumentRepoPath(p, wt.prefix)) items.push({path: displayPath(p, wt.prefix), after: bytes.toString('utf8')})
  }
  const records = describeRecordChanges(items)
  const others = files.size - items.length
  const message = `psp sync: first commit of the workspace (${records.length} record${records.length === 1 ? '' : 's'}, ${others} other file${others === 1 ? '' : 's'})\n\n${records.map((r) => recordLine(r, 'added')).join('\n')}\n`
  const who = ctx.identity()
  const commit = store.writeCommit({tree: buildTree(store, undefined, files), parents: [], ...who, message})
  if (!ctx.dry) {
    await updateRef(ctx, commit, undefined)
    await stagePaths(wt, [...files.keys()])
  }
  ctx.head = commit
  report.committed = {commit: ctx.dry ? null : commit, records}
  report.notes.push(`the repository had no commit yet: the first commit holds the whole workspace (${files.size} files), not only its documents`)
}

/** Commits the psp documents that differ from HEAD (and nothing else). */
async function commitLocalChanges(ctx: Context, report: SyncReport): Promise<void> {
  const {store, wt} = ctx
  if (ctx.head === undefined) return commitWorkspace(ctx, report)
  ctx.progress('status')
  const status = await workingStatus(wt, {refresh: !ctx.dry})
  report.otherChanges = status.others
  if (status.documents.length === 0) return
  ctx.progress('commit', {total: status.documents.length})
  const headTree = ctx.head === undefined ? undefined : store.readCommit(ctx.head).tree
  const files = new Map<string, TreeFile | null>()
  const items: Array<{path: string; before?: string; after?: string}> = []
  const open: string[] = []
  for (const doc of status.documents) {
    const shown = displayPath(doc.path, wt.prefix)
    const before = doc.change === 'added' ? undefined : fileAt(store, headTree, doc.path)
    const beforeText = before === undefined ? undefined : textOf(store.readBlob(before.oid))
    const bytes = doc.change === 'deleted' ? undefined : readWorkingFile(wt, doc.path)
    if (bytes === undefined) {
      if (before === undefined) continue
      files.set(doc.path, null)
      items.push({path: shown, before: beforeText})
      continue
    }
    const text = bytes.toString('utf8')
    const found = openConflictsIn(text, true)
    if (found.fields + found.blocks > 0) open.push(shown)
    files.set(doc.path, {oid: store.write('blob', bytes), mode: before?.mode === '100755' ? '100755' : '100644'})
    items.push({path: shown, ...(beforeText === undefined ? {} : {before: beforeText}), after: text})
  }
  if (open.length > 0) {
    throw new SyncConflictError(`${open.length} document${open.length === 1 ? '' : 's'} still hold${open.length === 1 ? 's' : ''} merge conflicts: ${open.slice(0, 5).join(', ')}${open.length > 5 ? ', …' : ''}`, {
      data: {paths: open},
      hint: 'settle each one (remove its merge_conflicts entries and <<<<<<< blocks; psp resolve can help), then run psp sync again',
    })
  }
  if (files.size === 0) return
  const records = describeRecordChanges(items)
  const who = ctx.identity()
  const tree = buildTree(store, headTree, files)
  const commit = store.writeCommit({tree, parents: ctx.head === undefined ? [] : [ctx.head], ...who, message: syncCommitMessage(records)})
  if (!ctx.dry) {
    await updateRef(ctx, commit, ctx.head)
    await stagePaths(wt, [...files.keys()])
  }
  ctx.head = commit
  report.committed = {commit: ctx.dry ? null : commit, records}
}

// --- Step 2: fetch. ---

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE'])

/** An error of the network or the remote, as one clear line without credentials. */
function remoteError(error: unknown, ctx: Context): PspError {
  if (isPspError(error)) return error
  const e = error as {code?: string; message?: string; data?: {statusCode?: number; statusMessage?: string}; cause?: {code?: string}}
  const url = redactUrl(ctx.url)
  const from = ctx.auth.asked === 'token' ? 'PSP_GIT_TOKEN' : ctx.auth.asked === 'git-credential' ? 'the git credential helper' : undefined
  const authHint = 'set PSP_GIT_TOKEN to an access token (and PSP_GIT_USERNAME if the host wants a user name), or store the credentials in a git credential helper'
  const message = redactUrls(e.message ?? String(error))
  if (e.code === 'HttpError') {
    const status = e.data?.statusCode
    if (status === 401 || status === 403) {
      return new GitRemoteError(`${url}: authentication failed (HTTP ${status})${from === undefined ? '' : `: the credentials from ${from} were refused`}`, {
        data: {reason: 'auth', status},
        hint: authHint,
      })
    }
    if (status === 404) {
      return new GitRemoteError(`${url}: no repository there (HTTP 404)`, {data: {reason: 'not-found', status}, hint: `check the URL (git remote -v); a private repository may also answer 404 without credentials: ${authHint}`})
    }
    return new GitRemoteError(`${url}: the server answered HTTP ${status ?? '?'}${e.data?.statusMessage ? ` ${e.data.statusMessage}` : ''}`, {data: {reason: 'http', status}})
  }
  if (e.code === 'UserCanceledError') {
    return ctx.auth.refused
      ? new GitRemoteError(`${url}: authentication failed: the credentials from ${from ?? 'the credential helper'} were refused`, {data: {reason: 'auth'}, hint: authHint})
      : new GitRemoteError(`${url}: the remote asks for credentials and none were found`, {data: {reason: 'auth'}, hint: authHint})
  }
  const sys = e.code ?? e.cause?.code
  if (sys !== undefined && NETWORK_CODES.has(sys)) {
    let host = url
    try {
      host = new URL(url).host
    } catch {
      // keep the URL
    }
    return new GitRemoteError(`cannot reach ${host}: ${sys}`, {data: {reason: 'network', code: sys}, hint: 'check the network connection and the remote URL (git remote -v)'})
  }
  if (e.code === 'SmartHttpError' || e.code === 'ParseError' || e.code === 'EmptyServerResponseError' || e.code === 'RemoteCapabilityError') {
    return new GitRemoteError(`${url} did not answer as a git server: ${message}`, {data: {reason: 'protocol', code: e.code}})
  }
  return new GitRemoteError(`${url}: ${message}`, {data: {reason: 'other', ...(e.code === undefined ? {} : {code: e.code})}})
}

function authCallbacks(ctx: Context) {
  return {
    onAuth: ctx.auth.onAuth,
    onAuthSuccess: ctx.auth.onAuthSuccess,
    onAuthFailure: ctx.auth.onAuthFailure,
    ...(Object.keys(ctx.headers).length === 0 ? {} : {headers: ctx.headers}),
  }
}

/**
 * Headers from git's `http.extraHeader` and `http.<url>.extraHeader` (the longest matching URL
 * wins): how CI checkouts (GitHub's actions/checkout) hand the job's token to git. They may hold
 * credentials: never shown.
 */
export function extraHeaders(config: ReadonlyMap<string, string>, url: string): Record<string, string> {
  let best: {length: number; value: string} | undefined
  for (const [key, value] of config) {
    if (!key.startsWith('http.') || !key.endsWith('.extraheader')) continue
    const scope = key.slice(5, -12)
    const applies = scope === '' || url.startsWith(scope) || url.startsWith(scope.replace(/\/$/, ''))
    if (applies && (best === undefined || scope.length >= best.length)) best = {length: scope.length, value}
  }
  const headers: Record<string, string> = {}
  const colon = best?.value.indexOf(':') ?? -1
  if (best !== undefined && colon > 0) headers[best.value.slice(0, colon).trim()] = best.value.slice(colon + 1).trim()
  return headers
}

/** What every fetch and push passes isomorphic-git: the repository, the remote, credentials, progress. */
function remoteOptions(ctx: Context, phase: 'fetch' | 'push') {
  const {http, wt} = ctx
  return {
    fs,
    http,
    dir: wt.dir,
    gitdir: wt.gitdir,
    cache: wt.cache,
    remote: ctx.remote,
    ...authCallbacks(ctx),
    onProgress: (p: {phase: string; loaded: number; total?: number}) => ctx.progress(phase, {detail: p.phase, loaded: p.loaded, total: p.total}),
  }
}

function pushRefused(ctx: Context, reason: string | undefined | null): GitRemoteError {
  return new GitRemoteError(`${redactUrl(ctx.url)}: the remote refused the push to ${ctx.branch}: ${reason || 'no reason given'}`, {data: {reason: 'refused'}})
}

/** Fetches the remote branch; undefined when the remote has no such branch (a first sync). */
async function fetchBranch(ctx: Context): Promise<string | undefined> {
  const {git} = ctx
  ctx.progress('fetch')
  // isomorphic-git tells the server it has the commit `ref` names (one ref, with singleBranch).
  // The local branch's tip is often a commit the server has never seen — then nothing is in
  // common and the whole history comes again (1.9 s at 10,000 documents) — so name the
  // remote-tracking branch: the last commit fetched from there, which the server knows.
  const tracking = `refs/remotes/${ctx.remote}/${ctx.branch}`
  const have = ctx.repo.refs.resolve(tracking) !== undefined ? tracking : ctx.localRef
  try {
    const result = await git.fetch({...remoteOptions(ctx, 'fetch'), ref: have, remoteRef: ctx.branch, singleBranch: true, tags: false})
    return result.fetchHead ?? undefined
  } catch (error) {
    const e = error as {code?: string; message?: string}
    if (e.code === 'NotFoundError' && /could not find/i.test(e.message ?? '')) return undefined
    throw remoteError(error, ctx)
  }
}

// --- Step 3: integrate. ---

async function integrate(ctx: Context, theirs: string | undefined, report: SyncReport): Promise<'push' | 'done' | 'conflicts'> {
  const ours = ctx.head
  const read = readCommitOf(ctx)
  if (theirs === undefined) {
    report.integration = ours === undefined ? 'none' : 'first-push'
    return ours === undefined ? 'done' : 'push'
  }
  report.fetched.head = theirs
  if (ours === theirs) {
    if (report.integration === 'none') report.integration = 'up-to-date'
    return 'done'
  }
  const fresh = commitsBetween(read, theirs, ours === undefined ? [] : [ours], LISTED_COMMITS)
  for (const c of fresh.commits) {
    if (ctx.fetchedSeen.has(c.oid)) continue
    ctx.fetchedSeen.add(c.oid)
    if (report.fetched.commits.length < LISTED_COMMITS) report.fetched.commits.push({commit: c.oid, subject: c.message.split('\n')[0] ?? '', author: c.author.name})
  }
  report.fetched.count += fresh.count
  if (ours === undefined) {
    await fastForward(ctx, undefined, theirs, report)
    return 'done'
  }
  const bases = mergeBases(read, ours, theirs)
  if (bases.includes(theirs)) {
    report.integration = report.merge === null ? 'push' : report.integration
    return 'push'
  }
  if (bases.includes(ours)) {
    await fastForward(ctx, ours, theirs, report)
    return 'done'
  }
  if (bases.length === 0) {
    throw new SyncBlockedError(`this clone and ${ctx.remote}/${ctx.branch} have no history in common: psp sync will not merge unrelated histories`, {
      hint: `clone ${redactUrl(ctx.url)} and work there, or sync with another branch (--branch)`,
    })
  }
  return merge(ctx, ours, theirs, bases, report)
}

/** Moves to the remote's commit: only the paths that differ are written. */
async function fastForward(ctx: Context, ours: string | undefined, theirs: string, report: SyncReport): Promise<void> {
  const {store, wt} = ctx
  const oursTree = ours === undefined ? undefined : store.readCommit(ours).tree
  const diff = diffTrees(store, oursTree, store.readCommit(theirs).tree)
  const changes = new Map<string, TreeFile | null>()
  for (const [p, change] of diff) changes.set(p, change.after ?? null)
  const items: Array<{path: string; before?: string; after?: string}> = []
  const files: string[] = []
  for (const [p, change] of diff) {
    if (!isDocumentRepoPath(p, wt.prefix)) {
      files.push(displayPath(p, wt.prefix))
      continue
    }
    items.push({
      path: displayPath(p, wt.prefix),
      ...(change.before === undefined ? {} : {before: textOf(store.readBlob(change.before.oid))}),
      ...(change.after === undefined ? {} : {after: textOf(store.readBlob(change.after.oid))}),
    })
  }
  report.integration = 'fast-forward'
  report.fastForward = {from: ours ?? null, to: theirs, records: describeRecordChanges(items), files: files.sort()}
  assertCanWrite(wt, changes, (p) => diff.get(p)?.before)
  if (ctx.dry) return
  ctx.progress('write', {total: changes.size})
  await writeChanges(wt, changes, (oid) => store.readBlob(oid), {onProgress: (loaded, total) => ctx.progress('write', {loaded, total})})
  await updateRef(ctx, theirs, ours)
  ctx.head = theirs
}

/** The merge base used among several (criss-cross histories): the newest by committer date, then the smallest id. */
function pickBase(ctx: Context, bases: string[], report: SyncReport): string {
  if (bases.length === 1) return bases[0] as string
  const sorted = [...bases].sort((a, b) => ctx.store.readCommit(b).committer.time - ctx.store.readCommit(a).committer.time || (a < b ? -1 : 1))
  const chosen = sorted[0] as string
  report.notes.push(`${bases.length} merge bases (criss-cross history): merged from ${chosen.slice(0, 10)}, the newest`)
  log('warn', 'psp sync: several merge bases; picked the newest', {bases, chosen})
  return chosen
}

/** The merge commit's message: what came from where. */
function mergeMessage(ctx: Context, records: readonly SyncMergedRecord[], files: readonly SyncMergedFile[]): string {
  const source = `${ctx.remote}/${ctx.branch}`
  const lines = records.filter(mergedFromRemote).map((r) => recordLine(r, r.conflict ? `${r.outcome}, conflict` : r.outcome))
  const n = lines.length
  const fileLines = files.map((f) => `${f.path} (${f.outcome})`)
  const body = [...(n > 0 ? [`${n} record${n === 1 ? '' : 's'} from ${source}:`, ...lines] : []), ...(fileLines.length > 0 ? [`${fileLines.length} other file${fileLines.length === 1 ? '' : 's'}:`, ...fileLines] : [])]
  return `psp sync: merge ${source}\n${body.length > 0 ? `\n${body.join('\n')}\n` : ''}`
}

async function merge(ctx: Context, ours: string, theirs: string, bases: string[], report: SyncReport): Promise<'push' | 'conflicts'> {
  const {store, wt} = ctx
  const base = pickBase(ctx, bases, report)
  ctx.progress('merge')
  const oursTree = store.readCommit(ours).tree
  const result = mergeTrees({
    store,
    base: store.readCommit(base).tree,
    ours: oursTree,
    theirs: store.readCommit(theirs).tree,
    prefix: wt.prefix,
    labels: {ours: 'local', base: 'base', theirs: `${ctx.remote}/${ctx.branch}`},
    attribute: mergeAttributes(wt.dir, wt.gitdir, wt.prefix),
  })
  const message = mergeMessage(ctx, result.records, result.files)
  report.integration = 'merge'
  report.merge = {commit: null, base, bases, records: result.records, files: result.files}
  report.conflicts = result.conflicts
  const oursFile = (p: string) => fileAt(store, oursTree, p)
  assertCanWrite(wt, result.changes, oursFile)
  if (ctx.dry) return result.conflicts.length > 0 ? 'conflicts' : 'push'
  const conflicted = new Set(result.conflictPaths)
  ctx.progress('write', {total: result.changes.size})
  await writeChanges(wt, result.changes, (oid) => store.readBlob(oid), {
    stage: (p) => !conflicted.has(p),
    onProgress: (loaded, total) => ctx.progress('write', {loaded, total}),
  })
  if (result.conflicts.length > 0) {
    writeSyncState(wt.gitdir, {
      remote: ctx.remote,
      branch: ctx.branch,
      localRef: ctx.localRef,
      ours,
      theirs,
      base,
      paths: [...result.changes.keys(), ...result.conflictPaths.filter((p) => !result.changes.has(p))].sort(),
      conflictPaths: [...conflicted].sort(),
      message,
      records: result.records,
      files: result.files,
      conflicts: result.conflicts,
      stoppedAt: (new Date()).toISOString(),
    })
    log('warn', 'psp sync: stopped on conflicts', {conflicts: result.conflicts.map((c) => c.path)})
    return 'conflicts'
  }
  const who = ctx.identity()
  const tree = buildTree(store, oursTree, result.changes)
  const commit = store.writeCommit({tree, parents: [ours, theirs], ...who, message})
  await updateRef(ctx, commit, ours)
  ctx.head = commit
  report.merge.commit = commit
  return 'push'
}

// --- --continue ---

/** The conflicts still open in the files a stopped sync recorded (none: ready to commit). */
function remainingConflicts(ctx: Context, state: SyncState): SyncConflict[] {
  const out: SyncConflict[] = []
  for (const p of state.conflictPaths) {
    const bytes = readWorkingFile(ctx.wt, p)
    if (bytes === undefined) continue
    const isDoc = isDocumentRepoPath(p, ctx.wt.prefix)
    const text = bytes.toString('utf8')
    if (!isDoc && bytes.subarray(0, 8000).includes(0)) continue
    const open = openConflictsIn(text, isDoc)
    if (open.fields + open.blocks === 0) continue
    const known = state.conflicts.find((c) => c.path === displayPath(p, ctx.wt.prefix))
    const fields = isDoc ? safeFieldConflicts(text) : []
    out.push({path: displayPath(p, ctx.wt.prefix), ...(known?.id === undefined ? {} : {id: known.id}), fields, blocks: open.blocks})
  }
  return out
}

function safeFieldConflicts(text: string): SyncConflict['fields'] {
  try {
    return listConflictsInText(text).flatMap((c) => (c.kind === 'field' ? [{field: c.field, base: c.base, ours: c.ours, theirs: c.theirs}] : []))
  } catch {
    return []
  }
}

/** Commits the stopped merge once its conflicts are settled: the recorded paths as they are now, parents [ours, theirs]. */
async function continueMerge(ctx: Context, state: SyncState, report: SyncReport): Promise<void> {
  const {store, wt} = ctx
  if (ctx.head !== state.ours) {
    throw new SyncBlockedError(`${ctx.localRef} moved since psp sync stopped (it was ${state.ours.slice(0, 10)}, it is ${ctx.head?.slice(0, 10) ?? 'nothing'}): psp will not guess how to conclude the merge`, {
      hint: 'conclude it with git (git commit) or abort it (git merge --abort), then run psp sync',
    })
  }
  const open = remainingConflicts(ctx, state)
  if (open.length > 0) {
    const n = open.length
    throw new SyncConflictError(`${n} file${n === 1 ? '' : 's'} still hold${n === 1 ? 's' : ''} conflicts: ${open.slice(0, 5).map((c) => c.path).join(', ')}${n > 5 ? ', …' : ''}`, {
      data: {conflicts: open},
      hint: 'settle each one (remove the merge_conflicts entries and the <<<<<<< blocks), then run psp sync --continue again',
    })
  }
  const oursTree = store.readCommit(state.ours).tree
  const theirsTree = store.readCommit(state.theirs).tree
  const files = new Map<string, TreeFile | null>()
  for (const p of state.paths) {
    const bytes = readWorkingFile(wt, p)
    const mode = fileAt(store, oursTree, p)?.mode ?? fileAt(store, theirsTree, p)?.mode ?? '100644'
    files.set(p, bytes === undefined ? null : {oid: store.write('blob', bytes), mode})
  }
  const who = ctx.identity()
  const tree = buildTree(store, oursTree, files)
  const commit = store.writeCommit({tree, parents: [state.ours, state.theirs], ...who, message: state.message})
  await updateRef(ctx, commit, state.ours)
  await stagePaths(wt, state.paths)
  clearSyncState(wt.gitdir)
  ctx.head = commit
  report.continued = true
  report.integration = 'merge'
  report.merge = {commit, base: state.base, bases: state.base === null ? [] : [state.base], records: state.records, files: state.files}
}

// --- Step 4: push. ---

/** True when pushed; false when the remote refused because it moved (fetch and integrate again). */
async function pushBranch(ctx: Context): Promise<boolean> {
  const {git} = ctx
  ctx.progress('push')
  const remoteRef = `refs/heads/${ctx.branch}`
  const moved = (reason: string | undefined) => reason !== undefined && /non-fast-forward|fetch first|failed to update ref|cannot lock|stale info|failed to lock/i.test(reason)
  try {
    const result = await git.push({...remoteOptions(ctx, 'push'), ref: ctx.localRef, remoteRef})
    if (result.ok) return true
    const reason = result.refs[remoteRef]?.error
    if (moved(reason)) return false
    throw pushRefused(ctx, reason ?? result.error)
  } catch (error) {
    const e = error as {code?: string; data?: {reason?: string; result?: {refs?: Record<string, {error?: string}>}}}
    if (e.code === 'PushRejectedError') return false
    if (e.code === 'GitPushError') {
      const reason = e.data?.result?.refs?.[remoteRef]?.error
      if (moved(reason)) return false
      throw pushRefused(ctx, reason)
    }
    throw remoteError(error, ctx)
  }
}
