/**
 * Installing psp's git hooks: small POSIX sh scripts, marked as psp's, that run
 * `<node> <psp's bin/run.js> hooks run <hook>` by the absolute paths psp was installed at, so they
 * work without psp on PATH. A hook that was there before is kept beside psp's as
 * `<hook>.psp-chained` (renamed: same bytes, same mode) and runs first; uninstalling renames it
 * back. Installing again only rewrites psp's own scripts.
 */
import fs from 'node:fs'
import path from 'node:path'
import {ConflictError} from '../errors.js'
import {writeFileAtomic} from '../fs-safe.js'
import type {GitLocation} from '../git/repository.js'
import {shPath, shQuote, shUnquote} from '../shell.js'
import {configuredHooksPath, hooksDirectory} from './repository.js'

/** A hook psp installs. */
export interface HookSpec {
  name: string
  /** Git stops when the hook fails (pre-commit, commit-msg): a failing chained hook then stops it too. */
  blocking: boolean
  /** Git writes to the hook's stdin (pre-push, post-rewrite): the script hands the same bytes to both. */
  stdin?: boolean
}

/** The hooks psp installs. */
export const PSP_HOOKS: readonly HookSpec[] = [
  {name: 'pre-commit', blocking: true},
  {name: 'commit-msg', blocking: true},
  {name: 'post-commit', blocking: false},
  {name: 'post-merge', blocking: false},
  {name: 'post-checkout', blocking: false},
]

/** Version of the script format; a script of an older one is reported by `status`. */
export const HOOK_FORMAT = 1

/** The marker that makes a hook file psp's: `# psp-hook <format>` on a line of its own. */
const MARKER = /^# psp-hook (\d+)$/m

/** What a hook kept aside is named after. */
export const CHAINED_SUFFIX = '.psp-chained'

/** The program a hook runs: node and psp's entry script, both absolute. */
export interface HookProgram {
  node: string
  script: string
}

/**
 * The script of one hook. `workspace` is the workspace's folder relative to the working tree's
 * top (where git runs hooks), `.` at the top.
 */
export function hookScript(spec: HookSpec, program: HookProgram, workspace: string): string {
  const run = `"$node" "$psp" hooks run ${spec.name} --workspace "$workspace" -- "$@"`
  const chained = spec.blocking ? `"$chained" "$@"${spec.stdin ? ' <"$input"' : ''} || exit $?` : `"$chained" "$@"${spec.stdin ? ' <"$input"' : ''}`
  return [
    '#!/bin/sh',
    `# psp-hook ${HOOK_FORMAT}`,
    '# Installed by `psp hooks install`; `psp hooks uninstall` removes it. A hook that was here',
    `# before is kept beside it as ${spec.name}${CHAINED_SUFFIX} and runs first.`,
    `node=${shQuote(shPath(program.node))}`,
    `psp=${shQuote(shPath(program.script))}`,
    `workspace=${shQuote(workspace)}`,
    `chained="$0${CHAINED_SUFFIX}"`,
    ...(spec.stdin
      ? ['input=$(mktemp "${TMPDIR:-/tmp}/psp-hook.XXXXXX") || exit 1', `trap 'rm -f "$input"' EXIT`, 'cat >"$input"']
      : []),
    'if [ -f "$chained" ] && [ -x "$chained" ]; then',
    `  ${chained}`,
    'fi',
    'if [ ! -f "$node" ] || [ ! -f "$psp" ]; then',
    `  echo "psp: the ${spec.name} hook cannot find psp at $psp (moved or uninstalled?): run psp hooks install again, or psp hooks uninstall" >&2`,
    '  exit 0',
    'fi',
    spec.stdin ? `${run} <"$input"` : `exec ${run}`,
    '',
  ].join('\n')
}

/** What psp's marker and settings say about a hook file; undefined for a file that is not psp's. */
export interface PspHookFile {
  format: number
  node?: string
  script?: string
  workspace?: string
}

/** Reads a hook file: psp's (with what it records), another program's (`other`), or none. */
export function readHookFile(file: string): PspHookFile | 'other' | undefined {
  let text: string
  try {
    text = fs.readFileSync(file, 'utf8')
  } catch {
    // Something unreadable (a dangling symlink, a folder) is still something someone put there.
    return existsLink(file) ? 'other' : undefined
  }
  const marker = MARKER.exec(text)
  if (marker === null) return 'other'
  const value = (name: string) => {
    const line = new RegExp(`^${name}=(.*)$`, 'm').exec(text)?.[1]
    return line === undefined ? undefined : shUnquote(line)
  }
  return {format: Number(marker[1]), node: value('node'), script: value('psp'), workspace: value('workspace')}
}

function existsLink(file: string): boolean {
  try {
    fs.lstatSync(file)
    return true
  } catch {
    return false
  }
}

/** The workspace's folder as hooks see it: relative to the working tree's top, with `/`. */
function workspaceFolder(repo: GitLocation, workspaceRoot: string): string {
  const rel = path.relative(repo.workTree, workspaceRoot).split(path.sep).join('/')
  return rel === '' ? '.' : rel
}

/** Options of installHooks. */
export interface InstallHooksOptions {
  program: HookProgram
  /** The workspace's root (absolute). */
  workspace: string
  env?: NodeJS.ProcessEnv
}

/** What installing did to one hook. */
export interface HookInstallResult {
  name: string
  file: string
  /** `installed`: psp's script is new; `updated`: an older psp script was rewritten; `unchanged`. */
  action: 'installed' | 'updated' | 'unchanged'
  /** The hook kept aside and run first, when there is one. */
  chained?: string
}

/** What installing did. */
export interface InstallReport {
  hooksDir: string
  hooks: HookInstallResult[]
}

/**
 * Installs psp's hooks into the folder git runs this repository's hooks from (core.hooksPath
 * respected). Another program's hook is renamed to `<hook>.psp-chained` and chained. Nothing is
 * written when a hook cannot be installed (another program's hook and an earlier chained one
 * are both there): ConflictError names them.
 */
export function installHooks(repo: GitLocation, options: InstallHooksOptions): InstallReport {
  const hooksDir = hooksDirectory(repo, options.env)
  const workspace = workspaceFolder(repo, options.workspace)
  const plans = PSP_HOOKS.map((spec) => {
    const file = path.join(hooksDir, spec.name)
    const chained = file + CHAINED_SUFFIX
    return {spec, file, chained, current: readHookFile(file), hasChained: existsLink(chained)}
  })
  const conflicts = plans.filter((p) => p.current === 'other' && p.hasChained)
  if (conflicts.length > 0) {
    throw new ConflictError(`cannot install ${conflicts.map((c) => c.spec.name).join(', ')}: both a hook and an earlier chained one (${path.basename(conflicts[0]?.chained ?? '')}) exist`, {
      path: conflicts[0]?.file,
      hint: 'move one of them away (or merge them into one hook), then run psp hooks install again',
    })
  }
  fs.mkdirSync(hooksDir, {recursive: true})
  const hooks: HookInstallResult[] = []
  for (const {spec, file, chained, current, hasChained} of plans) {
    const script = hookScript(spec, options.program, workspace)
    let action: HookInstallResult['action'] = 'installed'
    if (current === 'other') {
      fs.renameSync(file, chained)
    } else if (current !== undefined) {
      action = fs.readFileSync(file, 'utf8') === script ? 'unchanged' : 'updated'
    }
    if (action !== 'unchanged') writeFileAtomic(file, script)
    fs.chmodSync(file, 0o755)
    hooks.push({name: spec.name, file, action, ...(current === 'other' || hasChained ? {chained} : {})})
  }
  return {hooksDir, hooks}
}

/** What uninstalling did to one hook. */
export interface HookUninstallResult {
  name: string
  file: string
  /**
   * `removed`: psp's script is gone; `restored`: the chained hook is back in its place;
   * `kept`: another program's hook stands there and a chained one too, both left alone;
   * `none`: psp had no hook there.
   */
  action: 'removed' | 'restored' | 'kept' | 'none'
}

/** What uninstalling did. */
export interface UninstallReport {
  hooksDir: string
  hooks: HookUninstallResult[]
}

/**
 * Removes psp's hooks and renames each chained hook back, so the folder is as before
 * `install` (same bytes, same mode). Hooks that are not psp's are never touched.
 */
export function uninstallHooks(repo: GitLocation, options: {env?: NodeJS.ProcessEnv} = {}): UninstallReport {
  const hooksDir = hooksDirectory(repo, options.env)
  const hooks: HookUninstallResult[] = []
  for (const spec of PSP_HOOKS) {
    const file = path.join(hooksDir, spec.name)
    const chained = file + CHAINED_SUFFIX
    const current = readHookFile(file)
    const hasChained = existsLink(chained)
    let action: HookUninstallResult['action'] = 'none'
    if (current !== undefined && current !== 'other') {
      fs.rmSync(file)
      action = 'removed'
    }
    if (hasChained) {
      if (current === 'other') {
        action = 'kept'
      } else {
        fs.renameSync(chained, file)
        action = 'restored'
      }
    }
    hooks.push({name: spec.name, file, action})
  }
  return {hooksDir, hooks}
}

/** The state of one hook. */
export interface HookStatus {
  name: string
  file: string
  /** `installed`: psp's; `other`: another program's hook; `absent`: no hook. */
  state: 'installed' | 'other' | 'absent'
  /** What psp's hook runs (installed only). */
  node?: string
  script?: string
  workspace?: string
  /** The hook psp's runs first, when there is one. */
  chained?: string
  /** What needs doing: paths that no longer exist, an old script format, a stray chained hook. */
  problems: string[]
}

/** The state of psp's hooks in a repository. */
export interface StatusReport {
  hooksDir: string
  /** core.hooksPath as configured, when it is. */
  hooksPath?: string
  /** True when every hook is psp's, current, and its paths exist. */
  ok: boolean
  hooks: HookStatus[]
}

/** Reports, for each of psp's hooks, whether it is installed, what it chains and what is stale. */
export function hooksStatus(repo: GitLocation, options: {env?: NodeJS.ProcessEnv} = {}): StatusReport {
  const hooksDir = hooksDirectory(repo, options.env)
  const hooksPath = configuredHooksPath(repo, options.env)
  const hooks = PSP_HOOKS.map((spec): HookStatus => {
    const file = path.join(hooksDir, spec.name)
    const chained = file + CHAINED_SUFFIX
    const current = readHookFile(file)
    const problems: string[] = []
    const status: HookStatus = {name: spec.name, file, state: current === undefined ? 'absent' : current === 'other' ? 'other' : 'installed', problems}
    if (existsLink(chained)) status.chained = chained
    if (current !== undefined && current !== 'other') {
      Object.assign(status, {node: current.node, script: current.script, workspace: current.workspace})
      if (current.format < HOOK_FORMAT) problems.push('written by an older psp: run psp hooks install')
      for (const [what, file] of [['node', current.node], ['psp', current.script]] as const) {
        if (file === undefined || !fs.existsSync(file)) problems.push(`${what} is no longer at ${file ?? '(unknown)'}: run psp hooks install again`)
      }
    } else if (status.chained !== undefined) {
      problems.push(`${path.basename(chained)} is left from psp's hook: run psp hooks install (or uninstall, to put it back)`)
    }
    return status
  })
  return {
    hooksDir,
    ...(hooksPath === undefined ? {} : {hooksPath}),
    ok: hooks.every((h) => h.state === 'installed' && h.problems.length === 0),
    hooks,
  }
}
