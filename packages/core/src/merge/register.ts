/**
 * Registering psp's git merge driver: `.gitattributes` routes documents to the driver named
 * `psp` (a shared, committed file), and the repository's own config says what `psp` runs (local
 * to each clone, as git wants: a cloned config could run anything). Git runs the driver through
 * sh, so the command line names node and psp's bin/run.js by the absolute paths psp was
 * installed at, quoted as the hook scripts quote them, and works without psp on PATH.
 *
 * Without the config (a fresh clone, or after unregistering) the attribute names a driver git
 * does not know, and git quietly falls back to its normal text merge: that is why unregistering
 * leaves `.gitattributes` alone.
 */
import fs from 'node:fs'
import path from 'node:path'
import {configFiles, parseGitConfig, readGitConfig} from '../git/config.js'
import {writeConfigSection} from '../git/config-write.js'
import type {GitLocation} from '../git/repository.js'
import type {HookProgram} from '../hooks/install.js'
import {ensureLines, hasLine} from '../line-files.js'
import {shPath, shQuote, shWords} from '../shell.js'

/** The driver's name in `merge=<name>` and `[merge "<name>"]`. */
export const MERGE_DRIVER_NAME = 'psp'

/** The `.gitattributes` line (at the workspace's root) that sends documents to the driver. */
export const MERGE_ATTRIBUTES_LINE = `data/**/*.md merge=${MERGE_DRIVER_NAME}`

/** What git shows for the driver (`merge.psp.name`). */
const DRIVER_DESCRIPTION = 'psp: field-level merge of psp documents'

/** git 2.39's placeholders: ancestor, ours (the result goes there), theirs, and the path in the tree. */
const DRIVER_ARGS = 'merge-driver %O %A %B %P'

/** The command line git runs for the driver: this psp, by absolute paths, then the placeholders. */
export function mergeDriverCommand(program: HookProgram): string {
  return `${shQuote(shPath(program.node))} ${shQuote(shPath(program.script))} ${DRIVER_ARGS}`
}

/** The repository's own config file, where the driver is registered. */
function localConfig(repo: GitLocation): string {
  return path.join(repo.commonDir, 'config')
}

function readLocal(repo: GitLocation): Map<string, string> {
  try {
    return parseGitConfig(fs.readFileSync(localConfig(repo), 'utf8'))
  } catch {
    return new Map()
  }
}

const DRIVER_KEY = `merge.${MERGE_DRIVER_NAME}.driver`

/** What registering did. */
export interface MergeDriverRegistration {
  /** The config file written. */
  config: string
  /** `registered`: new; `updated`: another command line was there (psp moved); `unchanged`. */
  action: 'registered' | 'updated' | 'unchanged'
  /** The command line git runs. */
  driver: string
  /** The `.gitattributes` file, and whether the line had to be added. */
  attributes: {file: string; added: boolean}
}

/**
 * Registers the merge driver for the workspace at `workspace` (absolute): the attributes line in
 * its `.gitattributes` (appended once, keeping what is there) and `merge.psp.name`/`.driver` in
 * the repository's config (other lines kept byte for byte).
 */
export function registerMergeDriver(repo: GitLocation, options: {program: HookProgram; workspace: string}): MergeDriverRegistration {
  const config = localConfig(repo)
  const driver = mergeDriverCommand(options.program)
  const before = readLocal(repo).get(DRIVER_KEY)
  const attributes = path.join(options.workspace, '.gitattributes')
  const added = ensureLines(attributes, [MERGE_ATTRIBUTES_LINE]).length > 0
  const changed = writeConfigSection(config, 'merge', MERGE_DRIVER_NAME, [
    ['name', DRIVER_DESCRIPTION],
    ['driver', driver],
  ])
  const action = !changed ? 'unchanged' : before === undefined ? 'registered' : 'updated'
  return {config, action, driver, attributes: {file: attributes, added}}
}

/** What unregistering did: `removed`, or `none` when the config had no such driver. */
export interface MergeDriverRemoval {
  config: string
  action: 'removed' | 'none'
}

/** Removes `[merge "psp"]` from the repository's config; `.gitattributes` is left as it is. */
export function unregisterMergeDriver(repo: GitLocation): MergeDriverRemoval {
  const config = localConfig(repo)
  return {config, action: writeConfigSection(config, 'merge', MERGE_DRIVER_NAME, undefined) ? 'removed' : 'none'}
}

/** Whether git would run psp's driver for the workspace's documents. */
export interface MergeDriverStatus {
  /** True when `merge.psp.driver` is set (in any config file git reads) and nothing below is wrong. */
  ok: boolean
  /** The command line configured, when there is one. */
  driver?: string
  /** The config file that sets it (the last one git reads that does). */
  config?: string
  /** node and psp's entry script as the command line names them, when it is psp's. */
  node?: string
  script?: string
  /** True when the workspace's `.gitattributes` has the line (undefined: no workspace given). */
  attributes?: boolean
  /** What needs doing. */
  problems: string[]
}

/** Reports whether psp's merge driver is registered, and what is stale. */
export function mergeDriverStatus(repo: GitLocation, options: {workspace?: string; env?: NodeJS.ProcessEnv} = {}): MergeDriverStatus {
  const driver = readGitConfig(repo, options.env).get(DRIVER_KEY)
  const problems: string[] = []
  const status: MergeDriverStatus = {ok: false, problems}
  if (driver === undefined || driver === '') {
    problems.push('the merge driver is not registered: run psp hooks install')
  } else {
    status.driver = driver
    const files = configFiles(repo, options.env).filter((file) => {
      try {
        return parseGitConfig(fs.readFileSync(file, 'utf8')).get(DRIVER_KEY) === driver
      } catch {
        return false
      }
    })
    if (files.length > 0) status.config = files[files.length - 1]
    const words = shWords(driver)
    const at = words.indexOf('merge-driver')
    if (at === 2) {
      status.node = words[0]
      status.script = words[1]
      for (const [what, file] of [['node', words[0]], ['psp', words[1]]] as const) {
        if (file === undefined || !fs.existsSync(file)) problems.push(`the merge driver's ${what} is no longer at ${file ?? '(unknown)'}: run psp hooks install again`)
      }
    } else {
      problems.push(`${DRIVER_KEY} runs something other than psp's merge driver: run psp hooks install to register psp's`)
    }
  }
  if (options.workspace !== undefined) {
    status.attributes = hasLine(path.join(options.workspace, '.gitattributes'), MERGE_ATTRIBUTES_LINE)
    if (!status.attributes) problems.push(`.gitattributes has no "${MERGE_ATTRIBUTES_LINE}" line: run psp hooks install`)
  }
  status.ok = problems.length === 0
  return status
}
