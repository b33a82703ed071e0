/**
 * Workspaces with real git history for the history tests: documents written as a person would
 * write them, committed by the git CLI with fixed authors and dates.
 */
import fs from 'node:fs'
import path from 'node:path'
import {Workspace} from '@psp/core'
import {documentText} from '../../helpers/cli.js'
import {commit, initRepo, T0, type Committer} from '../git/_git.js'

export {documentText, T0}
export const HOUR = 3600
export const DAY = 86_400

/** A git repository holding a bare-bones workspace (settings and .gitignore committed first). */
export function historyWorkspace(dir: string, sub = ''): {repo: string; root: string; open: () => Workspace} {
  initRepo(dir)
  const root = sub === '' ? dir : path.join(dir, ...sub.split('/'))
  fs.mkdirSync(root, {recursive: true})
  const prefix = sub === '' ? '' : `${sub}/`
  commit(dir, 'Workspace', {[`${prefix}config/settings.yaml`]: 'schemaVersion: 1\nname: history\n', [`${prefix}.gitignore`]: 'data/cache/\n'}, {time: T0 - DAY})
  return {repo: dir, root, open: () => Workspace.open(root)}
}

/** A task document's text. */
export function task(id: string, fields: Record<string, unknown> = {}, body = ''): string {
  return documentText({id, type: 'task', title: `Task ${id}`, status: 'todo', ...fields}, body)
}

/** Commits documents (workspace-relative path → text, null deletes). */
export function commitDocs(repo: string, sub: string, message: string, files: Record<string, string | null>, who?: Committer): string {
  const prefix = sub === '' ? '' : `${sub}/`
  return commit(repo, message, Object.fromEntries(Object.entries(files).map(([p, t]) => [prefix + p, t])), who)
}
