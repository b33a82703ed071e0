/**
 * What happens before every command, under oclif (the `init` hook) and on the fast path alike:
 * the start time for the run log, and the workspace's git-ignored `.env` loaded (variables
 * already set in the environment win), noting which variables it set so that
 * `psp config … --show-origin` can tell them from real ones.
 */
import {applyEnvFile, findWorkspaceRoot} from '@psp/core/runtime'
import {runContext} from './run-context.js'

/** Starts a run; returns the workspace root around the current folder, if any. */
export function startRun(): string | undefined {
  runContext.started = Date.now()
  const root = findWorkspaceRoot(process.cwd())
  if (root !== undefined) runContext.envFileNames = applyEnvFile(root, process.env)
  return root
}
