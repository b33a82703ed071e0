/**
 * The commit-msg and post-commit hooks: a commit message's `closes`/`refs` references resolved
 * against the workspace; then, once the commit exists, each closed task marked done in a
 * follow-up commit of its own.
 */
import fs from 'node:fs'
import path from 'node:path'
import {applyChanges, parseDocumentText, type DocumentRecord} from '../document.js'
import {PspError} from '../errors.js'
import type {DocumentStore} from '../store.js'
import {doneTask} from '../workflow.js'
import type {GitCli} from './git-cli.js'
import {parseCommitMessage, type MessageReference} from './message.js'

/** A reference and the record it names. */
export interface ResolvedReference {
  reference: MessageReference
  record: DocumentRecord
}

/** A reference that names no record, or several, or the wrong kind. */
export interface ReferenceProblem {
  reference: MessageReference
  message: string
  hint?: string
}

/** What a message refers to, after resolving its ids. */
export interface MessageCheck {
  /** Tasks the commit closes (each once). */
  closes: ResolvedReference[]
  /** Records it refers to. */
  refs: ResolvedReference[]
  problems: ReferenceProblem[]
}

/** The id prefixes of the workspace's types: `task-7kq` is then read as an id. */
function typePrefixes(store: DocumentStore): string[] {
  return store.ws.schemas.list().map((t) => store.ws.prefixOf(t.name))
}

/**
 * Parses a commit message and resolves its references: a `closes` id (or prefix) must name
 * exactly one task, a `refs` id one record of any type. An id-shaped word that is only
 * `possible` (see parseCommitMessage) counts when it names exactly one record and is ignored
 * otherwise; every other unresolved id is a problem.
 */
export function checkMessage(store: DocumentStore, text: string): MessageCheck {
  const references = parseCommitMessage(text, {typePrefixes: typePrefixes(store)})
  const out: MessageCheck = {closes: [], refs: [], problems: []}
  const seen = new Set<string>()
  for (const reference of references) {
    let record: DocumentRecord
    try {
      record = store.get(reference.id, reference.kind === 'closes' ? 'task' : undefined)
    } catch (error) {
      if (!(error instanceof PspError)) throw error
      if (reference.strength !== 'possible') out.problems.push({reference, message: error.message, hint: error.hint})
      continue
    }
    const key = `${reference.kind}\0${record.id}`
    if (seen.has(key)) continue
    seen.add(key)
    out[reference.kind].push({reference, record})
  }
  return out
}

/** A problem as one line for the person committing. */
export function formatReferenceProblem(problem: ReferenceProblem): string {
  const {keyword, id, line} = problem.reference
  const hint = problem.hint === undefined ? '' : ` (${problem.hint})`
  return `commit message line ${line}: "${keyword} ${id}": ${problem.message}${hint}`
}

/** The subject of the commits the post-commit hook makes. */
export const CLOSE_SUBJECT = 'psp: close '

/** What the post-commit hook did for one closed task. */
export interface CloseOutcome {
  id: string
  title: string
  /** `closed`: a follow-up commit was made; `already-done`: the commit held the task done; `uncommitted`: the task is not in the commit, so only its file was changed; `failed`. */
  result: 'closed' | 'already-done' | 'uncommitted' | 'failed'
  /** The follow-up commit (full id), for `closed`. */
  commit?: string
  message?: string
}

/** What the post-commit hook did. */
export interface PostCommitResult {
  /** The commit whose message was read. */
  commit: string
  outcomes: CloseOutcome[]
  /** References that named nothing (a commit made with --no-verify): reported, nothing done. */
  problems: ReferenceProblem[]
}

/** The commit HEAD points at: its id and message, read with one `git cat-file`. */
export function readHeadCommit(git: GitCli): Commit | undefined {
  const out = git.run(['cat-file', '--batch'], {input: 'HEAD\n'}).stdout
  const eol = out.indexOf(0x0a)
  const header = out.subarray(0, eol).toString('utf8').split(' ')
  if (header[1] !== 'commit') return undefined
  const body = out.subarray(eol + 1, eol + 1 + Number(header[2])).toString('utf8')
  const blank = body.indexOf('\n\n')
  return {id: header[0] as string, message: blank === -1 ? '' : body.slice(blank + 2)}
}

/** Context of the post-commit hook. */
export interface PostCommitContext {
  store: DocumentStore
  git: GitCli
  /** The workspace's folder relative to the repository's top, `''` or ending in `/`. */
  prefix: string
  /** This working tree's git folder: the scratch index lives in its psp/ folder, never committed. */
  gitDir: string
}

/** A commit: its id and message. */
export interface Commit {
  id: string
  message: string
}

/**
 * Marks one task done and commits that alone on top of `parent`: the task's file as `parent`
 * holds it with only its status line changed, built in a scratch index, so that nothing else
 * staged or modified is swept in. The working tree's file is changed as `psp task done` changes
 * it; the real index gets the new file only where it held the old one.
 */
async function closeTask(context: PostCommitContext, record: DocumentRecord, done: string, closing: Commit, parent: string): Promise<CloseOutcome> {
  const {git, prefix} = context
  const repoPath = `${prefix}${record.path}`
  const objects = git.readObjects([`${parent}:${repoPath}`, `:${repoPath}`])
  const committed = objects.get(`${parent}:${repoPath}`)
  let before: ReturnType<typeof parseDocumentText> | undefined
  if (committed !== undefined) {
    before = parseDocumentText(committed.toString('utf8'), record.path)
    if (context.store.ws.settings.workflow.done.includes(String(before.record.data['status']))) {
      return {id: record.id, title: record.title, result: 'already-done'}
    }
  }
  // First the working tree, as `psp task done`: it refuses what that command refuses (a WIP limit
  // under the refuse policy, an invalid file), and then nothing is committed either.
  await doneTask(context.store, record.id)
  if (before === undefined) return {id: record.id, title: record.title, result: 'uncommitted'}
  const after = applyChanges(before.split, {status: done})
  const blob = git.text(['hash-object', '-w', '--stdin'], {input: after})
  const mode = git.text(['ls-tree', parent, '--', repoPath]).split(' ')[0] || '100644'
  const dir = path.join(context.gitDir, 'psp')
  fs.mkdirSync(dir, {recursive: true})
  const scratch = path.join(dir, `close-${process.pid}.index`)
  let tree: string
  try {
    const env = {GIT_INDEX_FILE: scratch}
    git.run(['read-tree', parent], {env})
    git.run(['update-index', '--cacheinfo', `${mode},${blob},${repoPath}`], {env})
    tree = git.text(['write-tree'], {env})
  } finally {
    fs.rmSync(scratch, {force: true})
    try {
      fs.rmdirSync(dir)
    } catch {
      // Another hook's scratch file is still there.
    }
  }
  const subject = closing.message.split('\n')[0]?.trim() ?? ''
  const message = `${CLOSE_SUBJECT}${record.id}\n\nClosed by ${closing.id}${subject === '' ? '' : ` (${subject})`}.\n`
  const commit = git.text(['commit-tree', tree, '-p', parent], {input: message})
  // The old value guards against a commit made meanwhile: then HEAD stays where it is.
  git.run(['update-ref', '-m', `${CLOSE_SUBJECT}${record.id}`, 'HEAD', commit, parent])
  const staged = objects.get(`:${repoPath}`)
  if (staged !== undefined && staged.equals(committed as Buffer)) {
    git.run(['update-index', '--cacheinfo', `${mode},${blob},${repoPath}`])
  }
  return {id: record.id, title: record.title, result: 'closed', commit}
}

/**
 * The post-commit hook: for each task HEAD's message closes, marks it done (the first of
 * workflow.done, as `psp task done`) and records that in a follow-up commit `psp: close <id>`
 * that holds only the task's file and names the closing commit (`closing`, HEAD when the hook
 * runs). Nothing is committed for a task the commit already holds done.
 */
export async function closeReferencedTasks(context: PostCommitContext, closing: Commit): Promise<PostCommitResult> {
  const check = checkMessage(context.store, closing.message)
  const result: PostCommitResult = {commit: closing.id, outcomes: [], problems: check.problems}
  const [done] = context.store.ws.settings.workflow.done
  let parent = closing.id
  for (const {record} of check.closes) {
    if (done === undefined) {
      result.outcomes.push({id: record.id, title: record.title, result: 'failed', message: 'no status counts as done: workflow.done is empty'})
      continue
    }
    try {
      const outcome = await closeTask(context, record, done, closing, parent)
      result.outcomes.push(outcome)
      if (outcome.commit !== undefined) parent = outcome.commit
    } catch (error) {
      if (!(error instanceof PspError)) throw error
      result.outcomes.push({id: record.id, title: record.title, result: 'failed', message: error.message})
    }
  }
  return result
}
