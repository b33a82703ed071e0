/**
 * `--at`: the workspace as it was at a revision, tag, branch or date, read from git objects. The
 * yardstick is the real thing: the same command run in a checkout of that revision (a git
 * worktree) must print the same. Nothing in the working tree may change.
 */
import fs from 'node:fs'
import path from 'node:path'
import {spawnSync} from 'node:child_process'
import {beforeAll, describe, expect, it} from 'vitest'
import {cleanup, git, psp, snapshotFiles, tempDir} from '../helpers/cli.js'
import {add, expectError, ok, setWorkflow, useWorkspaces} from './support.js'

const workspace = useWorkspaces()

/** git with a fixed commit date, so that `--at <date>` has something to find. */
function commitAt(dir: string, message: string, date: string): void {
  git(['add', '-A'], dir)
  const env = {...process.env, GIT_AUTHOR_NAME: 'T', GIT_AUTHOR_EMAIL: 't@e.x', GIT_COMMITTER_NAME: 'T', GIT_COMMITTER_EMAIL: 't@e.x', GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date}
  const result = spawnSync('git', ['commit', '-q', '-m', message], {cwd: dir, env, encoding: 'utf8'})
  if (result.status !== 0) throw new Error(result.stderr)
}

let ws: string
let then: string
let first: {a: string; b: string}

beforeAll(() => {
  ws = workspace()
  const a = add(ws, 'task', 'Write the plan', ['--priority', 'high'])
  const b = add(ws, 'task', 'Ship it', ['--depends-on', a.id])
  first = {a: a.id, b: b.id}
  commitAt(ws, 'first', '2026-03-01T12:00:00Z')
  git(['tag', 'v1'], ws)
  // Then the world moves on: a status change, a new task, a removed one, new settings.
  ok(psp(['task', 'done', a.id], {cwd: ws}))
  add(ws, 'task', 'Celebrate')
  ok(psp(['task', 'rm', b.id, '--force'], {cwd: ws}))
  setWorkflow(ws, ['wip: {in-progress: 1}'])
  commitAt(ws, 'second', '2026-03-10T12:00:00Z')
  // A checkout of the first commit, where commands run as they did then.
  then = path.join(tempDir(), 'then')
  git(['worktree', 'add', '-q', '--detach', then, 'v1'], ws)
  return () => cleanup(path.dirname(then))
})

const commands: string[][] = [
  ['task', 'list', '--json'],
  ['task', 'list', '--where', 'priority = high', '--json'],
  ['query', 'not done', '--json'],
  ['board', '--json'],
  ['board', '--format', 'md'],
  ['next', '--json'],
  ['task', 'blocked', '--json'],
  ['validate', '--json'],
]

describe('--at', () => {
  it.each(commands)('%s … prints what a checkout of the tag prints', (...args) => {
    const before = snapshotFiles(ws)
    const at = ok(psp([...args, '--at', 'v1'], {cwd: ws}))
    const there = ok(psp(args, {cwd: then}))
    expect(at.stdout).toBe(there.stdout)
    expect(snapshotFiles(ws)).toEqual(before)
  })

  it('takes a date (the newest commit at or before it), a commit id and HEAD~n alike', () => {
    const list = (at: string) => ok(psp(['task', 'list', '--format', 'ids', '--at', at], {cwd: ws})).stdout
    const expected = ok(psp(['task', 'list', '--format', 'ids'], {cwd: then})).stdout
    const commit = git(['rev-parse', 'v1'], ws).trim()
    for (const at of ['2026-03-05', 'HEAD~1', 'HEAD^', commit, commit.slice(0, 7)]) expect(list(at)).toBe(expected)
    expect(list('HEAD')).toBe(ok(psp(['task', 'list', '--format', 'ids'], {cwd: ws})).stdout)
  })

  it('shows a record as it was, even one removed since', () => {
    const shown = ok(psp(['task', 'show', first.b, '--at', 'v1', '--json'], {cwd: ws}))
    expect(shown.stdout).toBe(ok(psp(['task', 'show', first.b, '--json'], {cwd: then})).stdout)
    expectError(psp(['task', 'show', first.b], {cwd: ws}), 4)
  })

  it('refuses unknown revisions, dates before the first commit and writes, changing nothing', () => {
    const before = snapshotFiles(ws)
    expectError(psp(['task', 'list', '--at', 'no-such-branch'], {cwd: ws}), 4, /no-such-branch/)
    expectError(psp(['task', 'list', '--at', '2020-01-01'], {cwd: ws}), 4)
    expectError(psp(['task', 'list', '--at', ''], {cwd: ws}), 2)
    expect(snapshotFiles(ws)).toEqual(before)
  })

  it('outside a git repository says that --at needs history', () => {
    const dir = workspace()
    fs.rmSync(path.join(dir, '.git'), {recursive: true, force: true})
    expectError(psp(['task', 'list', '--at', 'HEAD'], {cwd: dir}), 4, /not a git repository/)
  })
})
