/**
 * `psp init`: makes a folder (new, existing, or an existing git repository) a psp workspace.
 * It only ever creates what is missing: a second run changes nothing outside data/cache/.
 */
import {spawnSync} from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import {envSample} from './config/env-sample.js'
import {createFileExclusive} from './fs-safe.js'
import {discoverRepository} from './git/repository.js'
import type {HookProgram} from './hooks/install.js'
import {ensureLines} from './line-files.js'
import {MERGE_ATTRIBUTES_LINE, registerMergeDriver, type MergeDriverRegistration} from './merge/register.js'
import {BUILTIN_TYPES} from './schemas.js'
import {defaultSettings} from './settings.js'
import {initOpenSpec} from './openspec/init.js'
import {LAYOUT} from './workspace.js'

/** What `psp init` did. */
export interface InitReport {
  root: string
  /** Workspace-relative paths created by this run. */
  created: string[]
  /** Files that already existed and were left alone. */
  kept: string[]
  /** Lines appended to .gitignore / .gitattributes. */
  appended: {file: string; lines: string[]}[]
  /** True when this run created the git repository. */
  gitInitialised: boolean
  /** The git merge driver's registration, when psp's program was given (docs/sync.md). */
  mergeDriver?: MergeDriverRegistration
  /** True when nothing needed doing (outside data/cache/). */
  alreadyInitialised: boolean
}

export interface InitOptions {
  /** Workspace name written into settings (default: the folder's name). */
  name?: string
  /** psp's own version, recorded in .augment/versions.txt and state.json. */
  pspVersion: string
  /** This psp as git should run it: given, the repository's config registers psp's merge driver. */
  mergeDriver?: HookProgram
}

/** The commented settings file `psp init` writes. Every key is optional. */
export function settingsTemplate(name: string): string {
  const d = defaultSettings(name)
  return `# psp workspace settings. Edit freely: psp keeps your comments and key order.
# Every key but schemaVersion is optional; docs/configuration.md lists them all with their defaults.
schemaVersion: 1
name: ${JSON.stringify(name)}

workflow:
  # Task statuses in board order; new tasks start in \`default\`.
  statuses: [${d.workflow.statuses.join(', ')}]
  default: ${d.workflow.default}
  # Statuses that count as finished.
  done: [${d.workflow.done.join(', ')}]
  # Work-in-progress limits: status: most tasks (none by default), e.g. {in-progress: 3}.
  wip: {}
  # At a WIP limit, \`psp task move\` warns and moves anyway (warn) or refuses (refuse).
  wip_policy: ${d.workflow.wip_policy}

# Task priorities, lowest first.
priorities: [${d.priorities.join(', ')}]

ids:
  # Characters in the random part of new ids (10 = 50 bits; see docs/ids.md).
  length: ${d.ids.length}

limits:
  # Documents larger than this are refused instead of parsed.
  max_document_bytes: ${d.limits.max_document_bytes}

log:
  # JSON-lines log in data/cache/logs/psp.log: trace, debug, info, warn, error, fatal or silent.
  level: ${d.log.level}

git:
  # Commit after every psp write. Off: you (or psp sync) commit.
  auto_commit: ${d.git.auto_commit}
`
}

const GITIGNORE_LINES = ['data/cache/', '.env']
const GITATTRIBUTES_LINES = ['data/**/*.md diff=markdown', MERGE_ATTRIBUTES_LINE, '.augment/run.log merge=union']

function findGitDir(from: string): string | undefined {
  let dir = from
  for (;;) {
    if (fs.existsSync(path.join(dir, '.git'))) return dir
    const parent = path.dirname(dir)
    if (parent === dir) return undefined
    dir = parent
  }
}

/** The installed git's version, or undefined when there is no git binary (psp does not need one). */
export function gitVersion(): string | undefined {
  const result = spawnSync('git', ['--version'], {encoding: 'utf8', timeout: 5000})
  if (result.status !== 0) return undefined
  return /(\d+\.\d+[\w.]*)/.exec(result.stdout)?.[1]
}

/** Makes `dir` a psp workspace, creating only what is missing. */
export async function initWorkspace(dir: string, options: InitOptions): Promise<InitReport> {
  const root = path.resolve(dir)
  fs.mkdirSync(root, {recursive: true})
  const name = options.name ?? path.basename(root)
  const created: string[] = []
  const kept: string[] = []
  const file = (rel: string, content: string) => {
    const target = path.join(root, ...rel.split('/'))
    if (fs.existsSync(target)) {
      kept.push(rel)
      return
    }
    createFileExclusive(target, content, rel)
    created.push(rel)
  }
  const folder = (rel: string) => {
    // Empty folders are invisible to git, so each gets a .gitkeep.
    const dir = path.join(root, ...rel.split('/'))
    if (fs.existsSync(dir) && fs.readdirSync(dir).length > 0) return
    file(`${rel}/.gitkeep`, '')
  }

  let gitInitialised = false
  if (findGitDir(root) === undefined) {
    const git = await import('isomorphic-git')
    await git.init({fs, dir: root, defaultBranch: 'main'})
    gitInitialised = true
    created.push('.git/')
  }

  file(LAYOUT.settings, settingsTemplate(name))
  file(LAYOUT.envSample, envSample())
  for (const rel of [LAYOUT.projects, LAYOUT.templates]) folder(rel)
  // openspec/ as `openspec init` makes it, so the openspec CLI finds a complete root.
  for (const rel of initOpenSpec(root).created) if (!rel.endsWith('/')) created.push(rel)
  fs.mkdirSync(path.join(root, ...LAYOUT.cache.split('/')), {recursive: true})
  const git = gitVersion()
  const state = {
    schemaVersion: 1,
    workspace: {
      name,
      createdWith: `psp ${options.pspVersion}`,
      types: [...BUILTIN_TYPES],
      statuses: defaultSettings().workflow.statuses,
      layout: {data: LAYOUT.data, projects: LAYOUT.projects, specs: LAYOUT.specs, changes: LAYOUT.changes},
    },
  }
  file(`${LAYOUT.augment}/state.json`, `${JSON.stringify(state, null, 2)}\n`)
  file(`${LAYOUT.augment}/run.log`, '')
  file(
    `${LAYOUT.augment}/versions.txt`,
    `psp ${options.pspVersion}\nnode ${process.version.replace(/^v/, '')}\ngit ${git ?? 'not installed'}\n`,
  )
  const appended: {file: string; lines: string[]}[] = []
  for (const [rel, lines] of [
    ['.gitignore', GITIGNORE_LINES],
    ['.gitattributes', GITATTRIBUTES_LINES],
  ] as const) {
    const existed = fs.existsSync(path.join(root, rel))
    const added = ensureLines(path.join(root, rel), [...lines])
    if (added.length > 0) {
      appended.push({file: rel, lines: added})
      if (!existed) created.push(rel)
    }
  }
  const repo = options.mergeDriver === undefined ? undefined : discoverRepository(root)
  const mergeDriver = repo === undefined ? undefined : registerMergeDriver(repo, {program: options.mergeDriver as HookProgram, workspace: root})
  return {
    root,
    created,
    kept,
    appended,
    gitInitialised,
    ...(mergeDriver === undefined ? {} : {mergeDriver}),
    alreadyInitialised: created.length === 0 && appended.length === 0 && (mergeDriver === undefined || mergeDriver.action === 'unchanged'),
  }
}
