/**
 * `psp openspec link` through the real CLI: open items of a change's tasks.md become psp tasks,
 * `psp task done` ticks the box (one bracket, CRLF kept) and `psp task move` back clears it,
 * `openspec list` (the real CLI) sees the same progress, `psp task list --where` finds the linked
 * tasks, and bad input fails with one line and changes nothing. Then the pre-commit hook: a commit
 * staging openspec/ files is validated as staged and blocked when the validation fails.
 */
import {spawnSync} from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import {describe, expect, it} from 'vitest'
import {git, psp, REPO_ROOT, type RunResult} from '../helpers/cli.js'
import {expectError, expectJsonError, ok, pspJson, read, show, unchanged, useIsolatedGitConfig, useWorkspaces, type Rec} from './support.js'
import {SIGN_IN_SPEC} from '../helpers/openspec-texts.js'

const workspace = useWorkspaces()
useIsolatedGitConfig('psp-openspec-link-config-')

const TASKS = 'openspec/changes/add-auth/tasks.md'
const LINES = ['## 1. Setup', '- [ ] 1.1 Create the schema', '- [x] 1.2 Write the API', '- [ ] 1.3 Add tests', '', '## 2. Docs', '- [ ] Write the guide', '']

interface Link {
  change: string
  created: Array<{key: string; id: string; title: string}>
  markedDone: Array<{key: string; id: string}>
  ticked: Array<{key: string; id: string}>
  progress: {psp: {done: number; total: number}; checkboxes: {done: number; total: number}}
}

/** A workspace with a change whose tasks.md has CRLF line ends. */
function withChange(commit = false): string {
  const ws = workspace(commit)
  fs.mkdirSync(path.join(ws, 'openspec/changes/add-auth'), {recursive: true})
  fs.writeFileSync(path.join(ws, TASKS), LINES.join('\r\n'))
  return ws
}

/** `openspec list --json` from the real CLI: each change's task counts. */
function openspecList(cwd: string): Array<{name: string; completedTasks: number; totalTasks: number}> {
  const result = spawnSync(process.execPath, [path.join(REPO_ROOT, 'node_modules/@fission-ai/openspec/bin/openspec.js'), 'list', '--json'], {
    cwd,
    encoding: 'utf8',
    env: {...process.env, OPENSPEC_TELEMETRY: '0', DO_NOT_TRACK: '1', NO_COLOR: '1'},
  })
  expect(result.status, result.stderr).toBe(0)
  return (JSON.parse(result.stdout) as {changes: Array<{name: string; completedTasks: number; totalTasks: number}>}).changes
}

describe('psp openspec link', () => {
  it('creates tasks for the open items, keeps the boxes in step, and openspec agrees on progress', () => {
    const ws = withChange()
    const dry = unchanged(ws, () => ok(psp(['openspec', 'link', 'add-auth', '--dry-run'], {cwd: ws})))
    expect(dry.stdout).toBe(
      [
        'Would create 1.1  Create the schema',
        'Would create 1.3  Add tests',
        'Would create Write the guide',
        `Progress: psp 0/3 tasks done, ${TASKS} 1/4 checked (dry run: nothing changed)`,
        '',
      ].join('\n'),
    )
    const linked = pspJson<Link>(ws, ['openspec', 'link', 'add-auth'])
    expect(linked.created.map((c) => [c.key, c.title])).toEqual([['1.1', 'Create the schema'], ['1.3', 'Add tests'], ['Write the guide', 'Write the guide']])
    expect(linked.progress).toEqual({psp: {done: 0, total: 3}, checkboxes: {done: 1, total: 4}})
    const id = (key: string) => linked.created.find((c) => c.key === key)!.id

    // Finishing a task ticks its box, and only that bracket changes.
    ok(psp(['task', 'done', id('1.1')], {cwd: ws}))
    expect(read(ws, TASKS)).toBe(LINES.join('\r\n').replace('- [ ] 1.1', '- [x] 1.1'))
    expect(openspecList(ws)).toEqual([expect.objectContaining({name: 'add-auth', completedTasks: 2, totalTasks: 4})])
    ok(psp(['task', 'move', id('1.1'), 'in-progress'], {cwd: ws}))
    expect(read(ws, TASKS)).toBe(LINES.join('\r\n'))
    ok(psp(['task', 'edit', id('1.3'), '--set', 'status=done'], {cwd: ws}))
    expect(read(ws, TASKS)).toContain('- [x] 1.3 Add tests\r\n')

    // A box ticked by hand marks its task done on the next link.
    fs.writeFileSync(path.join(ws, TASKS), read(ws, TASKS).replace('- [ ] Write', '- [x] Write'))
    const again = ok(psp(['openspec', 'link', 'add-auth'], {cwd: ws}))
    expect(again.stdout).toBe(`Marked done ${id('Write the guide')}  Write the guide: its box is ticked\nProgress: psp 2/3 tasks done, ${TASKS} 3/4 checked\n`)
    expect(ok(psp(['openspec', 'link', 'add-auth'], {cwd: ws})).stdout).toBe(`add-auth: in step, nothing to do\nProgress: psp 2/3 tasks done, ${TASKS} 3/4 checked\n`)

    // The link is plain frontmatter: the query language finds it.
    const listed = pspJson<Rec[]>(ws, ['task', 'list', '--where', 'openspec_change = add-auth and not done'])
    expect(listed.map((r) => [r['openspec_task'], r.title])).toEqual([['1.1', 'Create the schema']])
  })

  it('puts new tasks in --project', () => {
    const ws = withChange()
    const project = pspJson(ws, ['project', 'add', 'Web'])
    const linked = pspJson<Link & {project: string}>(ws, ['openspec', 'link', 'add-auth', '--project', project.id.slice(0, 9)])
    expect(linked.project).toBe(project.id)
    expect(pspJson<Rec[]>(ws, ['task', 'list', '--project', project.id]).map((r) => r['openspec_task'])).toHaveLength(3)
  })

  it('fails with one line, a documented exit code and nothing changed', () => {
    const ws = withChange()
    fs.mkdirSync(path.join(ws, 'openspec/changes/empty'))
    unchanged(ws, () => {
      expectError(psp(['openspec', 'link', 'nope'], {cwd: ws}), 4, /^Error: no change "nope" in openspec\/changes\/$/)
      expectError(psp(['openspec', 'link', 'empty'], {cwd: ws}), 4, /^Error: openspec\/changes\/empty\/tasks\.md: change "empty" has no tasks\.md$/)
      expectError(psp(['openspec', 'link', '../add-auth'], {cwd: ws}), 8, /is not a folder name under openspec\/changes\//)
      expectError(psp(['openspec', 'link', 'add-auth', '--project', 'zzz'], {cwd: ws}), 4)
      expectJsonError(psp(['openspec', 'link', 'nope', '--json'], {cwd: ws}), 4, 'NOT_FOUND')
    })
    const outside = fs.mkdtempSync(path.join(path.dirname(ws), 'psp-no-workspace-'))
    try {
      fs.mkdirSync(path.join(outside, 'openspec/changes/add-auth'), {recursive: true})
      fs.writeFileSync(path.join(outside, TASKS), '- [ ] 1.1 x\n')
      expectError(psp(['openspec', 'link', 'add-auth'], {cwd: outside}), 3, /not inside a psp workspace/)
    } finally {
      fs.rmSync(outside, {recursive: true, force: true})
    }
  })
})

/** Runs git without throwing: a commit a hook blocks is an expected answer. */
function gitRun(args: string[], cwd: string): RunResult {
  const result = spawnSync('git', args, {cwd, encoding: 'utf8'})
  if (result.error) throw result.error
  return {code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr}
}

const PROPOSAL = ['## Why', 'Users need to sign out when they are done, for safety on machines that several people share.', '', '## What Changes', '- Add sign out', ''].join('\n')
const delta = (body: string) => ['## ADDED Requirements', '### Requirement: Sign out', body, '', '#### Scenario: Sign out', '- **WHEN** the user signs out', '- **THEN** the session ends', ''].join('\n')
const GOOD = delta('The system SHALL let a user sign out.')
const WEAK = delta('The user can sign out.')
const DELTA = 'openspec/changes/add-auth/specs/auth/spec.md'
const WARNING = '  ⚠ [WARNING] auth/spec.md: ADDED "Sign out" should contain SHALL or MUST (RFC 2119 best practice for English specs)'

/** A committed workspace with hooks, a valid spec and the add-auth change (proposal, tasks, no delta yet). */
function hookedOpenSpec(): string {
  const ws = withChange(true)
  fs.mkdirSync(path.join(ws, 'openspec/specs/auth'), {recursive: true})
  fs.writeFileSync(path.join(ws, 'openspec/specs/auth/spec.md'), SIGN_IN_SPEC)
  fs.writeFileSync(path.join(ws, 'openspec/changes/add-auth/proposal.md'), PROPOSAL)
  fs.mkdirSync(path.join(ws, 'openspec/changes/add-auth/specs/auth'), {recursive: true})
  fs.writeFileSync(path.join(ws, DELTA), GOOD)
  ok(psp(['hooks', 'install'], {cwd: ws}))
  git(['add', '-A'], ws)
  ok(gitRun(['commit', '-qm', 'OpenSpec'], ws))
  return ws
}

const head = (cwd: string) => git(['rev-parse', 'HEAD'], cwd).trim()

describe('the pre-commit hook and openspec/', () => {
  it('validates the staged openspec/ folder strictly and blocks a failing commit with the validator\'s lines', () => {
    const ws = hookedOpenSpec()
    fs.writeFileSync(path.join(ws, DELTA), WEAK)
    git(['add', DELTA], ws)
    const before = head(ws)
    const blocked = gitRun(['commit', '-m', 'Weaker wording'], ws)
    expect(blocked.code, show(blocked)).toBe(1)
    expect(blocked.stderr.split('\n').filter((l) => l !== '')).toEqual([
      '✗ change/add-auth',
      WARNING,
      'psp: openspec validate --all --strict (staged): 1 passed, 1 failed (2 items)',
      'psp: commit blocked: fix the problems above, stage the fixes and commit again (git commit --no-verify skips the checks)',
    ])
    expect(head(ws)).toBe(before)
    fs.writeFileSync(path.join(ws, DELTA), delta('The system SHALL let a user sign out at any time.'))
    git(['add', DELTA], ws)
    const fixed = gitRun(['commit', '-m', 'SHALL'], ws)
    expect(fixed.code, show(fixed)).toBe(0)
    expect(fixed.stderr).toBe('')
  })

  it('checks what is staged, not the working tree', () => {
    const ws = hookedOpenSpec()
    // Staged weak, then fixed in the working tree only: still blocked.
    fs.writeFileSync(path.join(ws, DELTA), WEAK)
    git(['add', DELTA], ws)
    fs.writeFileSync(path.join(ws, DELTA), GOOD)
    const blocked = gitRun(['commit', '-m', 'Staged is weak'], ws)
    expect(blocked.code, show(blocked)).toBe(1)
    expect(blocked.stderr).toContain(WARNING)
    // Staged good, broken in the working tree, an untracked broken change beside it: commits.
    git(['add', DELTA], ws)
    fs.writeFileSync(path.join(ws, DELTA), WEAK)
    fs.mkdirSync(path.join(ws, 'openspec/changes/untracked'), {recursive: true})
    fs.writeFileSync(path.join(ws, 'openspec/changes/untracked/proposal.md'), 'no sections\n')
    fs.writeFileSync(path.join(ws, TASKS), read(ws, TASKS).replace('- [ ] 1.1', '- [x] 1.1'))
    git(['add', TASKS], ws)
    const passed = gitRun(['commit', '-m', 'Staged is good'], ws)
    expect(passed.code, show(passed)).toBe(0)
    expect(passed.stderr).toBe('')
  })

  it('reports the documents and openspec/ together when both fail', () => {
    const ws = hookedOpenSpec()
    const task = pspJson(ws, ['task', 'add', 'Broken'])
    fs.writeFileSync(path.join(ws, task.path), read(ws, task.path).replace('status: todo', 'status: bogus'))
    fs.writeFileSync(path.join(ws, DELTA), WEAK)
    git(['add', '-A'], ws)
    const blocked = gitRun(['commit', '-m', 'Both'], ws)
    expect(blocked.code, show(blocked)).toBe(1)
    expect(blocked.stderr).toContain(`${task.path}:5:1: status: "bogus" is not allowed`)
    expect(blocked.stderr).toContain(WARNING)
  })

  it('lets a commit that stages no openspec file through without validating', () => {
    const ws = hookedOpenSpec()
    // openspec/ is broken in the working tree, but the commit does not touch it.
    fs.writeFileSync(path.join(ws, DELTA), WEAK)
    fs.writeFileSync(path.join(ws, 'notes.txt'), 'hi\n')
    git(['add', 'notes.txt'], ws)
    const result = gitRun(['commit', '-qm', 'Notes'], ws)
    expect(result.code, show(result)).toBe(0)
    expect(result.stderr).toBe('')
  })
})
