/**
 * Runs before every command: notes the start time for the run log and loads the workspace's
 * git-ignored `.env` (variables already set in the environment win), noting which variables it
 * set so that `psp config … --show-origin` can tell them from real ones.
 */
import type {Hook} from '@oclif/core'
import {applyEnvFile, findWorkspaceRoot} from '@psp/core/runtime'
import {runContext} from '@psp/command/runtime'

const hook: Hook.Init = async function () {
  runContext.started = Date.now()
  const root = findWorkspaceRoot(process.cwd())
  if (root === undefined) return
  runContext.envFileNames = applyEnvFile(root, process.env)
}

export default hook
