/**
 * The pre-commit hook: checks what the commit will hold — the staged content, not the working
 * tree — and blocks the commit when a check fails. Checks are a list: each says which staged
 * changes concern it and runs only then, so a commit that touches none of them costs one
 * `git diff --cached`.
 */
import {PspError} from '../errors.js'
import type {ParsedDocument} from '../document.js'
import {LAYOUT} from '../layout.js'
import {parseDocumentBytes} from '../store.js'
import {formatProblem, type Problem} from '../validate.js'
import {validateWorkspace} from '../validate-workspace.js'
import type {Workspace} from '../workspace.js'
import type {GitCli} from './git-cli.js'
import {openSpecCheck} from './openspec-check.js'

/** One file the commit changes, as `git diff --cached --name-status` lists it. */
export interface StagedChange {
  /** Git's status letter: A(dded), M(odified), D(eleted), T(ype changed) … */
  status: string
  /** Workspace-relative path with forward slashes. */
  path: string
}

/** What a pre-commit check gets: the workspace, git, and the commit's changes inside the workspace. */
export interface PreCommitContext {
  ws: Workspace
  git: GitCli
  /** The workspace's folder relative to the repository's top, `''` or ending in `/`. */
  prefix: string
  changes: readonly StagedChange[]
}

/** What one check found. */
export interface CheckReport {
  check: string
  ok: boolean
  /** Lines for the person committing (problems first, then a summary). */
  lines: string[]
}

/** One check the pre-commit hook runs. */
export interface PreCommitCheck {
  name: string
  /** True when the commit changes something this check looks at. */
  applies(changes: readonly StagedChange[]): boolean
  /** May be async: a check can load its code only when it applies. */
  run(context: PreCommitContext): CheckReport | Promise<CheckReport>
}

/** Folders under data/ that never hold documents (as the walk of data/ skips them). */
const NOT_DOCUMENTS = [LAYOUT.cache, LAYOUT.templates]

/** True when a workspace-relative path is a document the walk of data/ would read. */
export function isDocumentPath(rel: string): boolean {
  const parts = rel.split('/')
  const name = parts[parts.length - 1] as string
  if (parts[0] !== LAYOUT.data || parts.length < 2) return false
  if (!name.endsWith('.md') || name.startsWith('.') || name.toLowerCase() === 'readme.md') return false
  if (parts.slice(1, -1).some((p) => p.startsWith('.'))) return false
  return !NOT_DOCUMENTS.some((dir) => rel.startsWith(`${dir}/`))
}

/** A problem for a file that could not be parsed. */
function problemOf(error: unknown, rel: string): Problem {
  if (error instanceof PspError) {
    const {line, col, field} = error.location
    return {path: rel, line: line ?? 1, col: col ?? 1, field, message: error.message, code: error.code}
  }
  return {path: rel, line: 1, col: 1, message: (error as Error).message, code: 'READ_FAILED'}
}

/** Parses staged bytes as the store parses a file, size limit included. */
function parseStaged(ws: Workspace, rel: string, bytes: Uint8Array): ParsedDocument | Problem {
  try {
    return parseDocumentBytes(ws, rel, bytes)
  } catch (error) {
    return problemOf(error, rel)
  }
}

/** Pathspecs for a workspace folder, literal so that no character of a path acts as a pattern. */
function literal(prefix: string, rel: string, magic = 'literal'): string {
  return `:(${magic})${prefix}${rel}`
}

/**
 * The commit's documents, as `psp validate` sees the working tree: the staged content of every
 * document that differs between the index and the working tree (staged, modified after staging,
 * untracked, deleted), and the working tree's files (through the index cache) for the rest.
 */
function stagedDocuments(context: PreCommitContext): {overlay: Map<string, ParsedDocument | Problem | null>; removedIds: Set<string>} {
  const {ws, git, prefix, changes} = context
  const toWorkspace = (repoPath: string) => repoPath.slice(prefix.length)
  const differing = [
    ...git.list(['diff', '--name-only', '-z', '--no-renames', '--', literal(prefix, LAYOUT.data)]),
    ...git.list(['ls-files', '--others', '-z', '--', literal(prefix, LAYOUT.data), literal(prefix, LAYOUT.cache, 'exclude,literal')]),
  ].map(toWorkspace)
  const paths = [...new Set([...changes.map((c) => c.path), ...differing])].filter(isDocumentPath).sort()
  const deleted = changes.filter((c) => c.status === 'D' && isDocumentPath(c.path)).map((c) => c.path)
  const objects = git.readObjects([...paths.map((p) => `:${prefix}${p}`), ...deleted.map((p) => `HEAD:${prefix}${p}`)])
  const overlay = new Map<string, ParsedDocument | Problem | null>()
  for (const rel of paths) {
    const bytes = objects.get(`:${prefix}${rel}`)
    overlay.set(rel, bytes === undefined ? null : parseStaged(ws, rel, bytes))
  }
  const removedIds = new Set<string>()
  for (const rel of deleted) {
    const bytes = objects.get(`HEAD:${prefix}${rel}`)
    const before = bytes === undefined ? undefined : parseStaged(ws, rel, bytes)
    if (before !== undefined && 'record' in before) removedIds.add(before.record.id)
  }
  return {overlay, removedIds}
}

/**
 * Validates the staged documents as `psp validate` would, against the rest of the workspace as
 * the commit will hold it: a reference to a document that is not staged fails, a problem only in
 * the working tree does not. Documents that refer to a deleted document are checked too.
 */
export const documentsCheck: PreCommitCheck = {
  name: 'documents',
  applies: (changes) => changes.some((c) => isDocumentPath(c.path)),
  run(context) {
    const {overlay, removedIds} = stagedDocuments(context)
    const files = context.changes.filter((c) => c.status !== 'D' && isDocumentPath(c.path)).map((c) => c.path)
    const report = validateWorkspace(context.ws, files, {overlay, referencing: removedIds})
    const n = report.problems.length
    const summary = `psp: ${report.checked} staged document${report.checked === 1 ? '' : 's'} checked, ${n === 0 ? 'no' : n} problem${n === 1 ? '' : 's'}`
    return {check: 'documents', ok: n === 0, lines: [...report.problems.map(formatProblem), ...(n === 0 ? [] : [summary])]}
  },
}

/**
 * The checks the pre-commit hook runs, in order. A check joins by being added here; it runs
 * only when its `applies` says the commit concerns it.
 */
export const PRE_COMMIT_CHECKS: readonly PreCommitCheck[] = [documentsCheck, openSpecCheck]

/** The commit's changes inside the workspace (workspace-relative paths). */
export function stagedChanges(git: GitCli, prefix: string): StagedChange[] {
  const fields = git.list(['diff', '--cached', '--name-status', '-z', '--no-renames', '--', prefix === '' ? '.' : literal(prefix, '')])
  const out: StagedChange[] = []
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const repoPath = fields[i + 1] as string
    if (repoPath.startsWith(prefix)) out.push({status: (fields[i] as string).slice(0, 1), path: repoPath.slice(prefix.length)})
  }
  return out
}

/** What the pre-commit hook decided. */
export interface PreCommitResult {
  ok: boolean
  reports: CheckReport[]
}

/** Runs every check that concerns the commit (all of them, so that one commit attempt shows every problem). */
export async function runPreCommitChecks(context: PreCommitContext, checks: readonly PreCommitCheck[] = PRE_COMMIT_CHECKS): Promise<PreCommitResult> {
  const reports: CheckReport[] = []
  for (const check of checks) if (check.applies(context.changes)) reports.push(await check.run(context))
  return {ok: reports.every((r) => r.ok), reports}
}
