/**
 * `psp hooks run <hook>`: what each installed hook does. Git runs hooks at the working tree's
 * top; the workspace may be that folder or one below it (recorded at install time). In a
 * repository that is not a psp workspace every hook does nothing.
 *
 * Hooks whose failure stops git (pre-commit, commit-msg) report problems and exit 1; the others
 * never fail git's operation: anything that goes wrong becomes one line.
 */
import fs from 'node:fs'
import path from 'node:path'
import {PspError, UsageError} from '../errors.js'
import {discoverRepository} from '../git/repository.js'
import {findWorkspaceRoot} from '../layout.js'
import {DocumentStore} from '../store.js'
import {Workspace} from '../workspace.js'
import {GitCli} from './git-cli.js'
import {PSP_HOOKS} from './install.js'
import {PRE_COMMIT_CHECKS, runPreCommitChecks, stagedChanges} from './pre-commit.js'
import {mentionsKeyword} from './message.js'
import {checkMessage, CLOSE_SUBJECT, closeReferencedTasks, formatReferenceProblem, readHeadCommit, type PostCommitResult} from './references.js'
import {refreshCaches} from './refresh.js'
import {rebaseInProgress} from './repository.js'

/** How a hook is run. */
export interface RunHookOptions {
  /** The hook's name (`pre-commit`, …). */
  hook: string
  /** The arguments git gave the hook. */
  args: readonly string[]
  /** Where git runs the hook: the working tree's top. */
  cwd: string
  /** The workspace's folder relative to `cwd`, as the installed hook records it. */
  workspace?: string
}

/** What a hook decided: its exit code, and lines for the person running git (stderr). */
export interface HookRun {
  exitCode: number
  lines: string[]
}

const QUIET: HookRun = {exitCode: 0, lines: []}

/** The workspace root for a hook: the recorded folder, else the one around `cwd`. */
function workspaceRoot(options: RunHookOptions): string | undefined {
  const recorded = options.workspace === undefined ? undefined : path.resolve(options.cwd, options.workspace)
  if (recorded !== undefined && fs.existsSync(path.join(recorded, 'config', 'settings.yaml'))) return recorded
  return findWorkspaceRoot(options.cwd)
}

/** The workspace's folder relative to the repository's top, `''` or ending in `/`. */
function prefixOf(workTree: string, root: string): string {
  const rel = path.relative(workTree, root).split(path.sep).join('/')
  return rel === '' ? '' : `${rel}/`
}

async function preCommit(options: RunHookOptions, root: string): Promise<HookRun> {
  const location = discoverRepository(options.cwd)
  if (location === undefined) return QUIET
  const git = new GitCli(options.cwd)
  const prefix = prefixOf(location.workTree, root)
  const changes = stagedChanges(git, prefix)
  // The common case, a commit that touches nothing psp checks, costs one git call and no parsing.
  const checks = PRE_COMMIT_CHECKS.filter((check) => check.applies(changes))
  if (checks.length === 0) return QUIET
  const result = await runPreCommitChecks({ws: Workspace.open(root), git, prefix, changes}, checks)
  if (result.ok) return QUIET
  return {
    exitCode: 1,
    lines: [
      ...result.reports.flatMap((r) => r.lines),
      'psp: commit blocked: fix the problems above, stage the fixes and commit again (git commit --no-verify skips the checks)',
    ],
  }
}

function commitMessage(options: RunHookOptions, root: string): HookRun {
  const file = options.args[0]
  if (file === undefined) throw new UsageError('commit-msg needs the message file git passes to it')
  const text = fs.readFileSync(path.resolve(options.cwd, file), 'utf8')
  if (!mentionsKeyword(text)) return QUIET
  const check = checkMessage(new DocumentStore(Workspace.open(root)), text)
  if (check.problems.length === 0) return QUIET
  return {
    exitCode: 1,
    lines: [
      ...check.problems.map((p) => `psp: ${formatReferenceProblem(p)}`),
      'psp: commit blocked: write an id that names exactly one task (psp task list shows them), or reword the message (git commit --no-verify skips the check)',
    ],
  }
}

function describeClose(result: PostCommitResult): string[] {
  const lines = result.problems.map((p) => `psp: ${formatReferenceProblem(p)}: nothing closed`)
  for (const outcome of result.outcomes) {
    const task = `${outcome.id}${outcome.title === '' ? '' : ` (${outcome.title})`}`
    if (outcome.result === 'closed') lines.push(`psp: closed ${task} in ${outcome.commit?.slice(0, 7)}`)
    else if (outcome.result === 'uncommitted') lines.push(`psp: marked ${task} done in the working tree only: its file is not committed yet`)
    else if (outcome.result === 'failed') lines.push(`psp: cannot close ${task}: ${outcome.message}`)
  }
  return lines
}

async function postCommit(options: RunHookOptions, root: string): Promise<HookRun> {
  const location = discoverRepository(options.cwd)
  // A rebase replays the closing commits together with their follow-ups: nothing to add.
  if (location === undefined || rebaseInProgress(location)) return QUIET
  const git = new GitCli(options.cwd)
  const closing = readHeadCommit(git)
  // psp's own follow-up commits are made without hooks, but an amend of one runs them.
  if (closing === undefined || closing.message.startsWith(CLOSE_SUBJECT) || !mentionsKeyword(closing.message)) return QUIET
  const context = {store: new DocumentStore(Workspace.open(root)), git, prefix: prefixOf(location.workTree, root), gitDir: location.gitDir}
  return {exitCode: 0, lines: describeClose(await closeReferencedTasks(context, closing))}
}

async function refresh(root: string): Promise<HookRun> {
  await refreshCaches(Workspace.open(root))
  return QUIET
}

/** Runs one of psp's hooks. An unknown hook name is a UsageError. */
export async function runHook(options: RunHookOptions): Promise<HookRun> {
  const spec = PSP_HOOKS.find((h) => h.name === options.hook)
  if (spec === undefined) {
    throw new UsageError(`unknown hook "${options.hook}" (psp runs: ${PSP_HOOKS.map((h) => h.name).join(', ')})`)
  }
  const root = workspaceRoot(options)
  if (root === undefined) return QUIET
  try {
    switch (spec.name) {
      case 'pre-commit':
        return await preCommit(options, root)
      case 'commit-msg':
        return commitMessage(options, root)
      case 'post-commit':
        return await postCommit(options, root)
      default:
        return await refresh(root)
    }
  } catch (error) {
    const message = error instanceof PspError ? error.toLine() : (error as Error).message
    return {exitCode: spec.blocking ? 1 : 0, lines: [`psp: ${spec.name} hook: ${message}${spec.blocking ? ' (git commit --no-verify skips it)' : ''}`]}
  }
}
