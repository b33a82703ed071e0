/**
 * A sync that stopped on conflicts leaves its state in the git folder, the way `git merge` does,
 * so that the git CLI sees a merge in progress too (`git status`: "you are still merging";
 * `git commit` concludes it with both parents):
 *
 * - `MERGE_HEAD`: the remote commit being merged;
 * - `MERGE_MSG`: the merge commit's message;
 * - `ORIG_HEAD`: the local commit before the merge;
 * - `psp-sync.json`: psp's own record (this file's SyncState): remote, branch, both commits, the
 *   merge base, every path the merge wrote and which of them hold conflicts. `psp sync
 *   --continue` reads it; a stale one (the merge was concluded or aborted with git) is dropped.
 */
import fs from 'node:fs'
import path from 'node:path'
import {writeFileAtomic} from '../fs-safe.js'
import type {SyncMergedFile, SyncMergedRecord, SyncConflict} from './tree-merge.js'

export const SYNC_STATE_FILE = 'psp-sync.json'
const STATE_FORMAT = 1

export interface SyncState {
  format: number
  remote: string
  branch: string
  /** The local ref the sync moves: `refs/heads/<name>`, or `HEAD` when detached. */
  localRef: string
  ours: string
  theirs: string
  base: string | null
  /** Repository paths the merge changed relative to ours (written or deleted). */
  paths: string[]
  /** Repository paths that hold conflicts. */
  conflictPaths: string[]
  message: string
  records: SyncMergedRecord[]
  files: SyncMergedFile[]
  conflicts: SyncConflict[]
  /** When the sync stopped (ISO). */
  stoppedAt: string
}

export function readSyncState(gitDir: string): SyncState | undefined {
  let text: string
  try {
    text = fs.readFileSync(path.join(gitDir, SYNC_STATE_FILE), 'utf8')
  } catch {
    return undefined
  }
  try {
    const state = JSON.parse(text) as SyncState
    if (state.format !== STATE_FORMAT || typeof state.ours !== 'string' || typeof state.theirs !== 'string' || !Array.isArray(state.paths)) return undefined
    return state
  } catch {
    return undefined
  }
}

/** Writes the state and git's own merge-in-progress files. */
export function writeSyncState(gitDir: string, state: Omit<SyncState, 'format'>): void {
  writeFileAtomic(path.join(gitDir, 'ORIG_HEAD'), `${state.ours}\n`, {durable: false})
  writeFileAtomic(path.join(gitDir, 'MERGE_MSG'), state.message.endsWith('\n') ? state.message : `${state.message}\n`, {durable: false})
  writeFileAtomic(path.join(gitDir, SYNC_STATE_FILE), `${JSON.stringify({format: STATE_FORMAT, ...state}, null, 2)}\n`)
  // Last: MERGE_HEAD is what makes git (and psp) see a merge in progress.
  writeFileAtomic(path.join(gitDir, 'MERGE_HEAD'), `${state.theirs}\n`)
}

/** Removes the state and git's merge files (MERGE_HEAD first). */
export function clearSyncState(gitDir: string): void {
  for (const name of ['MERGE_HEAD', 'MERGE_MSG', 'MERGE_MODE', SYNC_STATE_FILE]) fs.rmSync(path.join(gitDir, name), {force: true})
}

/** What is in progress in a git folder that a sync must not run over. */
export function operationInProgress(gitDir: string): 'merge' | 'rebase' | 'cherry-pick' | 'revert' | undefined {
  const has = (name: string) => fs.existsSync(path.join(gitDir, name))
  if (has('rebase-merge') || has('rebase-apply')) return 'rebase'
  if (has('MERGE_HEAD')) return 'merge'
  if (has('CHERRY_PICK_HEAD')) return 'cherry-pick'
  if (has('REVERT_HEAD')) return 'revert'
  return undefined
}

/** The commit MERGE_HEAD names, if any. */
export function mergeHead(gitDir: string): string | undefined {
  try {
    const text = fs.readFileSync(path.join(gitDir, 'MERGE_HEAD'), 'utf8').trim().split(/\s/)[0]
    return text === undefined || text === '' ? undefined : text
  } catch {
    return undefined
  }
}
