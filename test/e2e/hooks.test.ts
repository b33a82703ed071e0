/**
 * psp's git hooks with the real git CLI making real commits: pre-commit blocks a commit whose
 * staged documents are invalid, commit-msg rejects ids that name no task, post-commit follows a
 * closing commit with `psp: close <id>`, hooks that were there run first and come back on
 * uninstall, and core.hooksPath is respected. The hooks call this repository's built bin/run.js.
 */
import {spawnSync} from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import {describe, expect, it} from 'vitest'
import {cleanup, git, json, psp, tempDir, type RunResult} from '../helpers/cli.js'
import {add, ok, read, show, useIsolatedGitConfig, useWorkspaces, type Rec} from './support.js'

const workspace = useWorkspaces()
useIsolatedGitConfig('psp-hooks-config-')

/** Runs git without throwing: a commit a hook blocks is an expected answer. */
function gitRun(args: string[], cwd: string): RunResult {
  const result = spawnSync('git', args, {cwd, encoding: 'utf8'})
  if (result.error) throw result.error
  return {code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr}
}

const head = (cwd: string) => git(['rev-parse', 'HEAD'], cwd).trim()
const subjects = (cwd: string, n: number) => git(['log', `-${n}`, '--format=%s'], cwd).trim().split('\n')
const status = (cwd: string) => git(['status', '--porcelain', '--untracked-files=all'], cwd).split('\n').filter((l) => l !== '' && !l.includes('data/cache'))
const shortId = (rec: Rec) => rec.id.slice(rec.id.indexOf('-') + 1, rec.id.indexOf('-') + 5)

/** A committed workspace with psp's hooks installed. */
function hookedWorkspace(): string {
  const ws = workspace(true)
  ok(psp(['hooks', 'install'], {cwd: ws}))
  return ws
}

/** Adds a task through psp and commits it (hooks included). */
function committedTask(ws: string, title: string, flags: string[] = []): Rec {
  const task = add(ws, 'task', title, flags)
  git(['add', task.path], ws)
  git(['commit', '-qm', `Add ${title}`], ws)
  return task
}

describe('pre-commit', () => {
  it('blocks a commit with an invalid document, with validate’s message, and lets the fix through', () => {
    const ws = hookedWorkspace()
    const task = committedTask(ws, 'Write docs')
    const file = path.join(ws, task.path)
    fs.writeFileSync(file, read(ws, task.path).replace('status: todo', 'status: bogus'))
    git(['add', task.path], ws)
    const before = head(ws)
    const blocked = gitRun(['commit', '-m', 'Break it'], ws)
    expect(blocked.code, show(blocked)).not.toBe(0)
    expect(blocked.stderr).toContain(`${task.path}:5:1: status: "bogus" is not allowed (expected one of: todo, in-progress, review, done)`)
    expect(blocked.stderr).toContain('psp: commit blocked')
    expect(blocked.stderr).not.toMatch(/^\s+at /m)
    expect(head(ws)).toBe(before)
    // The same message as `psp validate` gives for the file.
    expect(psp(['validate', task.path], {cwd: ws}).stdout.trim()).toBe(`${task.path}:5:1: status: "bogus" is not allowed (expected one of: todo, in-progress, review, done)`)
    fs.writeFileSync(file, read(ws, task.path).replace('status: bogus', 'status: review'))
    git(['add', task.path], ws)
    const fixed = gitRun(['commit', '-m', 'Review it'], ws)
    expect(fixed.code, show(fixed)).toBe(0)
    expect(subjects(ws, 1)).toEqual(['Review it'])
  })

  it('checks a partially staged file as staged, not as in the working tree', () => {
    const ws = hookedWorkspace()
    const task = committedTask(ws, 'Partial')
    const file = path.join(ws, task.path)
    const good = read(ws, task.path)
    fs.writeFileSync(file, good.replace('status: todo', 'status: bogus'))
    git(['add', task.path], ws)
    fs.writeFileSync(file, good.replace('status: todo', 'status: review'))
    const blocked = gitRun(['commit', '-m', 'Staged is bad'], ws)
    expect(blocked.code, show(blocked)).not.toBe(0)
    expect(blocked.stderr).toContain('"bogus" is not allowed')
    // And the other way round: the staged content is fine, the working tree is not.
    git(['add', task.path], ws)
    fs.writeFileSync(file, good.replace('status: todo', 'status: bogus'))
    const passed = gitRun(['commit', '-m', 'Staged is good'], ws)
    expect(passed.code, show(passed)).toBe(0)
    expect(git(['show', `HEAD:${task.path}`], ws)).toContain('status: review')
  })

  it('resolves references against what the commit holds: an untracked or deleted target fails', () => {
    const ws = hookedWorkspace()
    const target = add(ws, 'task', 'Not committed')
    const dependent = add(ws, 'task', 'Dependent', ['--depends-on', target.id])
    git(['add', dependent.path], ws)
    const untracked = gitRun(['commit', '-m', 'Only the dependent'], ws)
    expect(untracked.code, show(untracked)).not.toBe(0)
    expect(untracked.stderr).toContain(`${dependent.path}:`)
    expect(untracked.stderr).toContain(`depends_on: unknown id "${target.id}"`)
    git(['add', target.path], ws)
    ok(gitRun(['commit', '-m', 'Both'], ws))
    git(['rm', '-q', target.path], ws)
    const deleted = gitRun(['commit', '-m', 'Delete the target'], ws)
    expect(deleted.code, show(deleted)).not.toBe(0)
    expect(deleted.stderr).toContain(`${dependent.path}:`)
    expect(deleted.stderr).toContain(`unknown id "${target.id}"`)
  })

  it('stays silent for a commit that touches no document', () => {
    const ws = hookedWorkspace()
    fs.writeFileSync(path.join(ws, 'notes.txt'), 'hello\n')
    git(['add', 'notes.txt'], ws)
    const result = ok(gitRun(['commit', '-qm', 'Notes'], ws))
    expect(result.stderr).toBe('')
  })
})

describe('commit-msg and post-commit', () => {
  it('follows `closes <prefix>` with a `psp: close <id>` commit that leaves the task done, and nothing else', () => {
    const ws = hookedWorkspace()
    const task = committedTask(ws, 'Ship it')
    const other = committedTask(ws, 'Other task')
    // Unrelated changes that must stay where they are: a modified tracked file (the other task),
    // a staged file left out of the commit, an untracked file.
    fs.appendFileSync(path.join(ws, other.path), '\nMore notes.\n')
    fs.writeFileSync(path.join(ws, 'staged.txt'), 'staged\n')
    git(['add', 'staged.txt'], ws)
    fs.writeFileSync(path.join(ws, 'code.txt'), 'the fix\n')
    fs.writeFileSync(path.join(ws, 'scratch.txt'), 'untracked\n')
    git(['add', 'code.txt'], ws)
    const result = gitRun(['commit', '-m', `Fix it, closes ${shortId(task)}`, '--', 'code.txt'], ws)
    expect(result.code, show(result)).toBe(0)
    expect(subjects(ws, 2)).toEqual([`psp: close ${task.id}`, `Fix it, closes ${shortId(task)}`])
    const closing = git(['rev-parse', 'HEAD~1'], ws).trim()
    expect(result.stderr).toContain(`psp: closed ${task.id} (Ship it) in ${head(ws).slice(0, 7)}`)
    expect(git(['log', '-1', '--format=%b'], ws)).toContain(`Closed by ${closing} (Fix it, closes ${shortId(task)}).`)
    expect(git(['show', '--name-only', '--format=', 'HEAD'], ws).trim()).toBe(task.path)
    expect(git(['show', `HEAD:${task.path}`], ws)).toContain('status: done')
    expect(git(['diff', 'HEAD~1', 'HEAD', '-U0'], ws).split('\n').filter((l) => /^[-+](?![-+]{2} )/.test(l))).toEqual(['-status: todo', '+status: done'])
    expect(read(ws, task.path)).toBe(git(['show', `HEAD:${task.path}`], ws))
    expect(status(ws).sort()).toEqual([` M ${other.path}`, 'A  staged.txt', '?? scratch.txt'].sort())
  })

  it('closes several tasks, one follow-up commit each, and nothing for a task already done', () => {
    const ws = hookedWorkspace()
    const a = committedTask(ws, 'First')
    const b = committedTask(ws, 'Second')
    const c = committedTask(ws, 'Third', ['--status', 'done'])
    fs.writeFileSync(path.join(ws, 'code.txt'), 'x\n')
    git(['add', 'code.txt'], ws)
    // An edit of b's own file that is not part of the commit stays out of psp's too.
    fs.appendFileSync(path.join(ws, b.path), '\nDraft notes.\n')
    ok(gitRun(['commit', '-m', `Work\n\nCloses: ${a.id}, ${shortId(b)} and #${shortId(c)}`], ws))
    expect(subjects(ws, 3)).toEqual([`psp: close ${b.id}`, `psp: close ${a.id}`, 'Work'])
    for (const t of [a, b, c]) expect(read(ws, t.path)).toContain('status: done')
    expect(git(['show', `HEAD:${b.path}`], ws)).not.toContain('Draft notes.')
    expect(git(['diff', '-U0', '--', b.path], ws).split('\n').filter((l) => /^[-+](?![-+]{2} )/.test(l))).toEqual(['+', '+Draft notes.'])
    expect(status(ws)).toEqual([` M ${b.path}`])
    expect(fs.existsSync(path.join(ws, '.git', 'psp'))).toBe(false)
  })

  it('rejects a message whose id names no task, or several, and commits nothing', () => {
    const ws = hookedWorkspace()
    committedTask(ws, 'Alpha')
    committedTask(ws, 'Beta')
    fs.writeFileSync(path.join(ws, 'code.txt'), 'x\n')
    git(['add', 'code.txt'], ws)
    const before = head(ws)
    const unknown = gitRun(['commit', '-m', 'Fix it, closes zzz9'], ws)
    expect(unknown.code, show(unknown)).not.toBe(0)
    expect(unknown.stderr).toContain('psp: commit message line 1: "closes zzz9": no task matches "zzz9"')
    expect(unknown.stderr).toContain('psp: commit blocked')
    const ambiguous = gitRun(['commit', '-m', 'Fix it, closes #task'], ws)
    expect(ambiguous.code, show(ambiguous)).not.toBe(0)
    expect(ambiguous.stderr).toMatch(/"closes task": "task" is ambiguous: it matches task-/)
    expect(head(ws)).toBe(before)
    // Prose is not a reference: the commit goes through and closes nothing.
    ok(gitRun(['commit', '-m', 'Fix typo in the e2e tests'], ws))
    expect(subjects(ws, 1)).toEqual(['Fix typo in the e2e tests'])
  })

  it('adds no follow-up commits while a rebase replays a closing commit', () => {
    const ws = hookedWorkspace()
    const task = committedTask(ws, 'Rebased')
    git(['checkout', '-qb', 'topic'], ws)
    fs.writeFileSync(path.join(ws, 'code.txt'), 'x\n')
    git(['add', 'code.txt'], ws)
    ok(gitRun(['commit', '-m', `Fix it, closes ${shortId(task)}`], ws))
    git(['checkout', '-q', 'main'], ws)
    fs.writeFileSync(path.join(ws, 'main.txt'), 'y\n')
    git(['add', 'main.txt'], ws)
    git(['commit', '-qm', 'Meanwhile on main'], ws)
    git(['checkout', '-q', 'topic'], ws)
    ok(gitRun(['rebase', '-q', 'main'], ws))
    expect(subjects(ws, 4)).toEqual([`psp: close ${task.id}`, `Fix it, closes ${shortId(task)}`, 'Meanwhile on main', 'Add Rebased'])
    expect(read(ws, task.path)).toContain('status: done')
  })
})

describe('chained hooks, uninstall and core.hooksPath', () => {
  it('runs a hook that was there first, stops when it fails, and restores it byte for byte', () => {
    const ws = workspace(true)
    const hooks = path.join(ws, '.git', 'hooks')
    fs.mkdirSync(hooks, {recursive: true})
    const original = '#!/bin/sh\n# the team\'s own check\nif [ -f "$(git rev-parse --show-toplevel)/STOP" ]; then echo "team check failed" >&2; exit 1; fi\necho "team check ran" >&2\n'
    fs.writeFileSync(path.join(hooks, 'pre-commit'), original, {mode: 0o750})
    const mode = fs.statSync(path.join(hooks, 'pre-commit')).mode
    const installed = json<{hooks: Array<{name: string; action: string; chained?: string}>}>(ok(psp(['hooks', 'install', '--json'], {cwd: ws})))
    expect(installed.hooks[0]).toMatchObject({name: 'pre-commit', action: 'installed', chained: path.join(hooks, 'pre-commit.psp-chained')})
    const task = add(ws, 'task', 'Chained')
    git(['add', task.path], ws)
    const passed = ok(gitRun(['commit', '-m', 'Add'], ws))
    expect(passed.stderr).toContain('team check ran')
    fs.writeFileSync(path.join(ws, 'STOP'), '')
    git(['add', 'STOP'], ws)
    const blocked = gitRun(['commit', '-m', 'Stop'], ws)
    expect(blocked.code, show(blocked)).not.toBe(0)
    expect(blocked.stderr).toContain('team check failed')
    // A second install leaves the chain alone.
    ok(psp(['hooks', 'install'], {cwd: ws}))
    const removed = ok(psp(['hooks', 'uninstall'], {cwd: ws}))
    expect(removed.stdout).toContain('pre-commit    removed; the hook it chained is back')
    expect(fs.readFileSync(path.join(hooks, 'pre-commit'), 'utf8')).toBe(original)
    expect(fs.statSync(path.join(hooks, 'pre-commit')).mode).toBe(mode)
    expect(fs.readdirSync(hooks).filter((n) => !n.endsWith('.sample'))).toEqual(['pre-commit'])
  })

  it('installs where core.hooksPath points, which is where git runs hooks from', () => {
    const ws = workspace(true)
    git(['config', 'core.hooksPath', '.githooks'], ws)
    const installed = json<{hooksDir: string}>(ok(psp(['hooks', 'install', '--json'], {cwd: ws})))
    expect(installed.hooksDir).toBe(path.join(ws, '.githooks'))
    expect(path.resolve(ws, git(['rev-parse', '--git-path', 'hooks'], ws).trim())).toBe(installed.hooksDir)
    const task = committedTask(ws, 'Via hooksPath')
    fs.writeFileSync(path.join(ws, 'code.txt'), 'x\n')
    git(['add', 'code.txt'], ws)
    ok(gitRun(['commit', '-m', `Work, closes ${shortId(task)}`], ws))
    expect(subjects(ws, 1)).toEqual([`psp: close ${task.id}`])
  })

  it('works for a workspace in a folder below the repository’s top', () => {
    const top = tempDir()
    try {
      git(['init', '-q', '-b', 'main'], top)
      const ws = path.join(top, 'pm')
      ok(psp(['init', 'pm'], {cwd: top}))
      git(['add', '-A'], top)
      git(['commit', '-qm', 'init'], top)
      ok(psp(['hooks', 'install'], {cwd: ws}))
      const task = add(ws, 'task', 'Nested')
      git(['add', '-A'], top)
      git(['commit', '-qm', 'Add nested'], top)
      fs.writeFileSync(path.join(top, 'code.txt'), 'x\n')
      git(['add', 'code.txt'], top)
      ok(gitRun(['commit', '-m', `Work, closes ${shortId(task)}`], top))
      expect(subjects(top, 1)).toEqual([`psp: close ${task.id}`])
      expect(git(['show', `HEAD:pm/${task.path}`], top)).toContain('status: done')
      fs.writeFileSync(path.join(ws, task.path), read(ws, task.path).replace('status: done', 'status: bogus'))
      git(['add', '-A'], top)
      const blocked = gitRun(['commit', '-m', 'Break'], top)
      expect(blocked.code, show(blocked)).not.toBe(0)
      expect(blocked.stderr).toContain(`${task.path}:5:1: status: "bogus" is not allowed`)
    } finally {
      cleanup(top)
    }
  })
})

describe('post-checkout and post-merge', () => {
  it('rebuild the document index after git changes the working tree', () => {
    const ws = hookedWorkspace()
    committedTask(ws, 'Indexed')
    const index = path.join(ws, 'data', 'cache', 'index')
    fs.rmSync(index, {recursive: true, force: true})
    const result = ok(gitRun(['checkout', '-qb', 'other'], ws))
    expect(result.stderr).toBe('')
    expect(fs.existsSync(index)).toBe(true)
    fs.writeFileSync(path.join(ws, 'other.txt'), 'x\n')
    git(['add', 'other.txt'], ws)
    git(['commit', '-qm', 'On other'], ws)
    git(['checkout', '-q', 'main'], ws)
    fs.rmSync(index, {recursive: true, force: true})
    ok(gitRun(['merge', '-q', 'other'], ws))
    expect(fs.existsSync(index)).toBe(true)
  })
})

describe('psp hooks status / install errors', () => {
  it('lists each hook, what it chains, and stale paths', () => {
    const ws = workspace(true)
    const none = ok(psp(['hooks', 'status'], {cwd: ws}))
    expect(none.stdout).toBe(
      [
        'Hooks folder: .git/hooks',
        '  pre-commit    not installed',
        '  commit-msg    not installed',
        '  post-commit   not installed',
        '  post-merge    not installed',
        '  post-checkout not installed',
        // psp init registered the merge driver; the hooks are install's.
        'Merge driver: registered in .git/config',
        'Run psp hooks install to install them.',
        '',
      ].join('\n'),
    )
    ok(psp(['hooks', 'install'], {cwd: ws}))
    const installed = json<{ok: boolean; hooks: Array<{name: string; state: string; script: string; problems: string[]}>}>(ok(psp(['hooks', 'status', '--json'], {cwd: ws})))
    expect(installed.ok).toBe(true)
    expect(installed.hooks.map((h) => h.state)).toEqual(['installed', 'installed', 'installed', 'installed', 'installed'])
    // psp moved: the recorded path no longer exists.
    const file = path.join(ws, '.git', 'hooks', 'commit-msg')
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/^psp='.*'$/m, "psp='/nowhere/bin/run.js'"))
    const stale = ok(psp(['hooks', 'status'], {cwd: ws}))
    expect(stale.stdout).toContain('  commit-msg    installed\n    psp is no longer at /nowhere/bin/run.js: run psp hooks install again\n')
    fs.writeFileSync(path.join(ws, 'code.txt'), 'x\n')
    git(['add', 'code.txt'], ws)
    const commit = ok(gitRun(['commit', '-m', 'Still commits'], ws))
    expect(commit.stderr).toContain('psp: the commit-msg hook cannot find psp at /nowhere/bin/run.js (moved or uninstalled?): run psp hooks install again, or psp hooks uninstall')
  })

  it('refuses to install outside a git repository', () => {
    const dir = tempDir()
    try {
      ok(psp(['init', '.'], {cwd: dir}))
      fs.rmSync(path.join(dir, '.git'), {recursive: true})
      const result = psp(['hooks', 'install'], {cwd: dir})
      expect(result.code, show(result)).toBe(4)
      expect(result.stderr).toMatch(/^Error: not a git repository/)
    } finally {
      cleanup(dir)
    }
  })
})
