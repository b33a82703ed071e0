/**
 * Runs before every command: notes the start time for the run log and loads the workspace's
 * git-ignored `.env` (variables already set in the environment win).
 */
import fs from 'node:fs'
import path from 'node:path'
import util from 'node:util'
import type {Hook} from '@oclif/core'
import {findWorkspaceRoot} from '@psp/core/runtime'
import {runContext} from '@psp/command/runtime'

const hook: Hook.Init = async function () {
  runContext.started = Date.now()
  const root = findWorkspaceRoot(process.cwd())
  if (root === undefined) return
  const file = path.join(root, '.env')
  // util.parseEnv arrived in Node 20.12; older 20.x simply skip .env.
  const parseEnv = (util as unknown as {parseEnv?: (text: string) => Record<string, string>}).parseEnv
  if (parseEnv === undefined || !fs.existsSync(file)) return
  for (const [key, value] of Object.entries(parseEnv(fs.readFileSync(file, 'utf8')))) {
    if (process.env[key] === undefined) process.env[key] = value
  }
}

export default hook
