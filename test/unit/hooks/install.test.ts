/**
 * Installing, uninstalling and inspecting psp's hooks on hand-made repositories (no git binary):
 * chaining keeps a hook that was there byte for byte and mode for mode, core.hooksPath and linked
 * worktrees are followed, and the generated sh scripts run the chained hook first with the same
 * arguments and stdin.
 */
import {spawnSync} from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import {describe, expect, it} from 'vitest'
import {CHAINED_SUFFIX, ConflictError, hookScript, hooksRepository, hooksStatus, installHooks, PSP_HOOKS, readHookFile, uninstallHooks, type HookProgram} from '@psp/core'
import {thrown, useTempDirs} from '../_helpers.js'

const tempDir = useTempDirs()

/** A config environment that ignores the machine's own git config. */
function isolated(home: string): NodeJS.ProcessEnv {
  return {HOME: home, XDG_CONFIG_HOME: path.join(home, '.config'), GIT_CONFIG_NOSYSTEM: '1'}
}

/** A repository made by hand: `.git` with HEAD and objects/, a workspace at its top. */
function makeRepo(): {root: string; env: NodeJS.ProcessEnv} {
  const root = tempDir()
  fs.mkdirSync(path.join(root, '.git', 'objects'), {recursive: true})
  fs.writeFileSync(path.join(root, '.git', 'HEAD'), 'ref: refs/heads/main\n')
  fs.writeFileSync(path.join(root, '.git', 'config'), '[core]\n\trepositoryformatversion = 0\n')
  return {root, env: isolated(tempDir())}
}

const PROGRAM: HookProgram = {node: process.execPath, script: path.resolve('bin', 'run.js')}

/** Every file of a folder with its bytes and mode. */
function listing(dir: string): Record<string, string> {
  if (!fs.existsSync(dir)) return {}
  const out: Record<string, string> = {}
  for (const name of fs.readdirSync(dir).sort()) {
    const file = path.join(dir, name)
    out[name] = `${(fs.lstatSync(file).mode & 0o777).toString(8)} ${fs.readFileSync(file).toString('base64')}`
  }
  return out
}

describe('installHooks', () => {
  it('writes one executable, marked script per hook into .git/hooks', () => {
    const {root, env} = makeRepo()
    const report = installHooks(hooksRepository(root, env), {program: PROGRAM, workspace: root, env})
    expect(report.hooksDir).toBe(path.join(root, '.git', 'hooks'))
    expect(report.hooks.map((h) => [h.name, h.action])).toEqual(PSP_HOOKS.map((h) => [h.name, 'installed']))
    for (const hook of report.hooks) {
      if (process.platform !== 'win32') expect(fs.statSync(hook.file).mode & 0o111).toBe(0o111)
      expect(readHookFile(hook.file)).toEqual({format: 1, node: PROGRAM.node, script: PROGRAM.script, workspace: '.'})
    }
  })

  it('is idempotent, and rewrites only scripts that changed', () => {
    const {root, env} = makeRepo()
    const repo = hooksRepository(root, env)
    installHooks(repo, {program: PROGRAM, workspace: root, env})
    const before = listing(path.join(root, '.git', 'hooks'))
    const again = installHooks(repo, {program: PROGRAM, workspace: root, env})
    expect(again.hooks.every((h) => h.action === 'unchanged')).toBe(true)
    expect(listing(path.join(root, '.git', 'hooks'))).toEqual(before)
    const moved = installHooks(repo, {program: {...PROGRAM, script: '/elsewhere/bin/run.js'}, workspace: root, env})
    expect(moved.hooks.every((h) => h.action === 'updated')).toBe(true)
    expect(readHookFile(path.join(root, '.git', 'hooks', 'pre-commit'))).toMatchObject({script: '/elsewhere/bin/run.js'})
  })

  it('chains a hook that was there, and uninstall puts it back byte for byte, mode included', () => {
    const {root, env} = makeRepo()
    const hooks = path.join(root, '.git', 'hooks')
    fs.mkdirSync(hooks)
    fs.writeFileSync(path.join(hooks, 'pre-commit'), '#!/bin/sh\r\necho mine \u00e9\r\n')
    fs.chmodSync(path.join(hooks, 'pre-commit'), 0o700)
    fs.writeFileSync(path.join(hooks, 'pre-push'), '#!/bin/sh\nexit 0\n', {mode: 0o755})
    fs.writeFileSync(path.join(hooks, 'commit-msg.sample'), 'sample\n', {mode: 0o644})
    const before = listing(hooks)
    const repo = hooksRepository(root, env)
    const report = installHooks(repo, {program: PROGRAM, workspace: root, env})
    expect(report.hooks.find((h) => h.name === 'pre-commit')).toMatchObject({action: 'installed', chained: path.join(hooks, `pre-commit${CHAINED_SUFFIX}`)})
    expect(report.hooks.filter((h) => h.chained !== undefined)).toHaveLength(1)
    expect(listing(hooks)[`pre-commit${CHAINED_SUFFIX}`]).toBe(before['pre-commit'])
    // A second install keeps the chain as it is.
    installHooks(repo, {program: PROGRAM, workspace: root, env})
    expect(listing(hooks)[`pre-commit${CHAINED_SUFFIX}`]).toBe(before['pre-commit'])
    const removed = uninstallHooks(repo, {env})
    expect(removed.hooks.map((h) => [h.name, h.action])).toEqual([
      ['pre-commit', 'restored'],
      ['commit-msg', 'removed'],
      ['post-commit', 'removed'],
      ['post-merge', 'removed'],
      ['post-checkout', 'removed'],
    ])
    expect(listing(hooks)).toEqual(before)
  })

  it('refuses, writing nothing, when another hook and an earlier chained one are both there', () => {
    const {root, env} = makeRepo()
    const hooks = path.join(root, '.git', 'hooks')
    fs.mkdirSync(hooks)
    fs.writeFileSync(path.join(hooks, 'commit-msg'), '#!/bin/sh\n', {mode: 0o755})
    fs.writeFileSync(path.join(hooks, `commit-msg${CHAINED_SUFFIX}`), '#!/bin/sh\n', {mode: 0o755})
    const before = listing(hooks)
    const error = thrown(() => installHooks(hooksRepository(root, env), {program: PROGRAM, workspace: root, env}))
    expect(error).toBeInstanceOf(ConflictError)
    expect(error.message).toMatch(/cannot install commit-msg: both a hook and an earlier chained one/)
    expect(listing(hooks)).toEqual(before)
  })

  it('installs where core.hooksPath points: relative to the working tree, or under ~', () => {
    const {root, env} = makeRepo()
    fs.appendFileSync(path.join(root, '.git', 'config'), '[core]\n\thooksPath = .githooks\n')
    expect(installHooks(hooksRepository(root, env), {program: PROGRAM, workspace: root, env}).hooksDir).toBe(path.join(root, '.githooks'))
    expect(fs.existsSync(path.join(root, '.githooks', 'pre-commit'))).toBe(true)
    expect(fs.existsSync(path.join(root, '.git', 'hooks'))).toBe(false)
    fs.writeFileSync(path.join(env['HOME'] as string, '.gitconfig'), '[core]\n\thooksPath = ~/my-hooks\n')
    fs.writeFileSync(path.join(root, '.git', 'config'), '[core]\n\tbare = false\n')
    expect(installHooks(hooksRepository(root, env), {program: PROGRAM, workspace: root, env}).hooksDir).toBe(path.join(env['HOME'] as string, 'my-hooks'))
  })

  it('installs into the common folder from a linked worktree, recording the workspace below the top', () => {
    const {root: main, env} = makeRepo()
    const linked = tempDir()
    const gitDir = path.join(main, '.git', 'worktrees', 'two')
    fs.mkdirSync(gitDir, {recursive: true})
    fs.writeFileSync(path.join(gitDir, 'HEAD'), 'ref: refs/heads/two\n')
    fs.writeFileSync(path.join(gitDir, 'commondir'), '../..\n')
    fs.writeFileSync(path.join(linked, '.git'), `gitdir: ${gitDir}\n`)
    const workspace = path.join(linked, 'pm')
    fs.mkdirSync(workspace)
    const report = installHooks(hooksRepository(workspace, env), {program: PROGRAM, workspace, env})
    expect(report.hooksDir).toBe(path.join(main, '.git', 'hooks'))
    expect(readHookFile(path.join(main, '.git', 'hooks', 'post-commit'))).toMatchObject({workspace: 'pm'})
  })
})

describe('uninstallHooks', () => {
  it("leaves other programs' hooks alone", () => {
    const {root, env} = makeRepo()
    const hooks = path.join(root, '.git', 'hooks')
    const repo = hooksRepository(root, env)
    installHooks(repo, {program: PROGRAM, workspace: root, env})
    // Another tool later replaced psp's pre-commit (the chained file stays from a first owner).
    fs.writeFileSync(path.join(hooks, 'pre-commit'), '#!/bin/sh\necho other\n', {mode: 0o755})
    fs.writeFileSync(path.join(hooks, `pre-commit${CHAINED_SUFFIX}`), '#!/bin/sh\necho first\n', {mode: 0o755})
    const report = uninstallHooks(repo, {env})
    expect(report.hooks[0]).toMatchObject({name: 'pre-commit', action: 'kept'})
    expect(fs.readFileSync(path.join(hooks, 'pre-commit'), 'utf8')).toBe('#!/bin/sh\necho other\n')
    expect(fs.readdirSync(hooks).sort()).toEqual(['pre-commit', `pre-commit${CHAINED_SUFFIX}`])
    expect(uninstallHooks(repo, {env}).hooks.slice(1).every((h) => h.action === 'none')).toBe(true)
  })
})

describe('hooksStatus', () => {
  it('reports absent, installed, chained and foreign hooks', () => {
    const {root, env} = makeRepo()
    const repo = hooksRepository(root, env)
    expect(hooksStatus(repo, {env})).toMatchObject({ok: false, hooks: PSP_HOOKS.map((h) => ({name: h.name, state: 'absent', problems: []}))})
    const hooks = path.join(root, '.git', 'hooks')
    fs.mkdirSync(hooks)
    fs.writeFileSync(path.join(hooks, 'post-merge'), '#!/bin/sh\n', {mode: 0o755})
    installHooks(repo, {program: PROGRAM, workspace: root, env})
    fs.writeFileSync(path.join(hooks, 'post-checkout'), '#!/bin/sh\n', {mode: 0o755})
    const status = hooksStatus(repo, {env})
    expect(status.ok).toBe(false)
    expect(status.hooksPath).toBeUndefined()
    expect(status.hooks.map((h) => [h.name, h.state, h.chained !== undefined])).toEqual([
      ['pre-commit', 'installed', false],
      ['commit-msg', 'installed', false],
      ['post-commit', 'installed', false],
      ['post-merge', 'installed', true],
      ['post-checkout', 'other', false],
    ])
    expect(status.hooks[0]).toMatchObject({node: PROGRAM.node, script: PROGRAM.script, workspace: '.', problems: []})
  })

  it('reports paths that no longer exist, old formats and stray chained hooks', () => {
    const {root, env} = makeRepo()
    const repo = hooksRepository(root, env)
    installHooks(repo, {program: {node: process.execPath, script: path.join(root, 'gone', 'run.js')}, workspace: root, env})
    const hooks = path.join(root, '.git', 'hooks')
    fs.writeFileSync(path.join(hooks, 'commit-msg'), fs.readFileSync(path.join(hooks, 'commit-msg'), 'utf8').replace('# psp-hook 1', '# psp-hook 0'))
    fs.rmSync(path.join(hooks, 'post-merge'))
    fs.writeFileSync(path.join(hooks, `post-merge${CHAINED_SUFFIX}`), '#!/bin/sh\n', {mode: 0o755})
    const status = hooksStatus(repo, {env})
    expect(status.ok).toBe(false)
    expect(status.hooks[0]?.problems).toEqual([`psp is no longer at ${path.join(root, 'gone', 'run.js')}: run psp hooks install again`])
    expect(status.hooks[1]?.problems[0]).toBe('written by an older psp: run psp hooks install')
    expect(status.hooks[3]).toMatchObject({state: 'absent', problems: [`post-merge${CHAINED_SUFFIX} is left from psp's hook: run psp hooks install (or uninstall, to put it back)`]})
  })

  it('says where core.hooksPath sends the hooks', () => {
    const {root, env} = makeRepo()
    fs.appendFileSync(path.join(root, '.git', 'config'), '[core]\n\thooksPath = "hooks dir"\n')
    const status = hooksStatus(hooksRepository(root, env), {env})
    expect(status).toMatchObject({hooksDir: path.join(root, 'hooks dir'), hooksPath: 'hooks dir'})
  })
})

describe.skipIf(process.platform === 'win32')('the hook scripts', () => {
  /**
   * Installs one hook whose "psp" is a sh script logging its arguments and stdin, beside a
   * chained hook that does the same and exits with `chainedExit`.
   */
  function setUp(spec: {name: string; blocking: boolean; stdin?: boolean}, chainedExit: number) {
    const dir = tempDir()
    const log = path.join(dir, 'log')
    const fakePsp = path.join(dir, "fake psp's run.js")
    fs.writeFileSync(fakePsp, `printf 'psp %s|' "$@" >>"${log}"; printf 'stdin=%s\\n' "$(cat)" >>"${log}"; exit 3\n`)
    const hook = path.join(dir, spec.name)
    fs.writeFileSync(hook, hookScript(spec, {node: '/bin/sh', script: fakePsp}, 'pm'), {mode: 0o755})
    fs.writeFileSync(
      `${hook}${CHAINED_SUFFIX}`,
      `#!/bin/sh\nprintf 'chained %s|' "$@" >>"${log}"\nprintf 'stdin=%s\\n' "$(cat)" >>"${log}"\nexit ${chainedExit}\n`,
      {mode: 0o755},
    )
    const run = (args: string[], input = '') => spawnSync(hook, args, {cwd: dir, input, encoding: 'utf8'})
    return {dir, log, hook, run, read: () => (fs.existsSync(log) ? fs.readFileSync(log, 'utf8') : '')}
  }

  it('runs the chained hook first with the same arguments, then psp', () => {
    const {run, read} = setUp({name: 'commit-msg', blocking: true}, 0)
    const result = run(['.git/COMMIT_EDITMSG'])
    expect(result.status).toBe(3)
    expect(read()).toBe('chained .git/COMMIT_EDITMSG|stdin=\npsp hooks|psp run|psp commit-msg|psp --workspace|psp pm|psp --|psp .git/COMMIT_EDITMSG|stdin=\n')
  })

  it('stops at a failing chained hook when git stops at the hook', () => {
    const {run, read} = setUp({name: 'pre-commit', blocking: true}, 5)
    expect(run([]).status).toBe(5)
    expect(read()).toBe('chained |stdin=\n')
  })

  it('still runs psp after a failing chained hook when git ignores the hook', () => {
    const {run, read} = setUp({name: 'post-checkout', blocking: false}, 5)
    run(['a', 'b', '1'])
    expect(read()).toMatch(/^chained a\|chained b\|chained 1\|stdin=\npsp hooks\|/)
  })

  it('gives the chained hook and psp the same stdin', () => {
    const {run, read} = setUp({name: 'pre-push', blocking: true, stdin: true}, 0)
    run(['origin', 'url'], 'refs/heads/main 1 refs/heads/main 2')
    const lines = read().split('\n')
    expect(lines[0]).toBe('chained origin|chained url|stdin=refs/heads/main 1 refs/heads/main 2')
    expect(lines[1]).toMatch(/\|psp url\|stdin=refs\/heads\/main 1 refs\/heads\/main 2$/)
  })

  it('says in one line that psp is gone, and lets git go on', () => {
    const {run, read, dir} = setUp({name: 'pre-commit', blocking: true}, 0)
    fs.rmSync(path.join(dir, "fake psp's run.js"))
    const result = run([])
    expect(result.status).toBe(0)
    expect(result.stderr).toBe(`psp: the pre-commit hook cannot find psp at ${path.join(dir, "fake psp's run.js")} (moved or uninstalled?): run psp hooks install again, or psp hooks uninstall\n`)
    expect(read()).toBe('chained |stdin=\n')
  })
})
