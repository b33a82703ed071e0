/**
 * `psp validate [paths…]`: exit 0 when clean, 1 with one `path:line:col: field: message` line per
 * problem on stdout and a summary on stderr; --json; only the given paths; path tricks refused.
 */
import fs from 'node:fs'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {cleanup, json, makeWorkspace, psp, tempDir, writeDocument} from '../helpers/cli.js'
import {expectError, expectJsonError, ok, show, unchanged} from './support.js'

interface Report {
  ok: boolean
  checked: number
  problems: {path: string; line: number; col: number; field?: string; message: string; code: string}[]
}

describe('psp validate', () => {
  let ws: string
  let outside: string
  beforeAll(() => {
    ws = makeWorkspace()
    outside = tempDir()
    fs.writeFileSync(path.join(outside, 'secret.md'), '---\nid: x\ntype: task\ntitle: Secret\n---\n')
    writeDocument(ws, 'data/projects/p/project.md', {id: 'proj-p', type: 'project', title: 'P', status: 'active'})
    writeDocument(ws, 'data/tasks/good.md', {id: 'task-good', type: 'task', title: 'Good', status: 'todo', project: 'proj-p'})
  })
  afterAll(() => {
    cleanup(ws)
    cleanup(outside)
  })

  it('a clean workspace exits 0, prints nothing on stdout and a summary on stderr', () => {
    const result = ok(psp(['validate'], {cwd: ws}))
    expect(result.stdout).toBe('')
    expect(result.stderr).toBe('2 documents checked, no problems\n')
    expect(json<Report>(ok(psp(['validate', '--json'], {cwd: ws})))).toEqual({ok: true, checked: 2, problems: []})
  })

  it('problems exit 1 with one line each, sorted by path, and --json lists them', () => {
    writeDocument(ws, 'data/tasks/bad-status.md', {id: 'task-bad1', type: 'task', title: 'Bad status', status: 'someday'})
    writeDocument(ws, 'data/tasks/dangling.md', {id: 'task-bad2', type: 'task', title: 'Dangling', status: 'todo', project: 'proj-missing'})
    writeDocument(ws, 'data/tasks/cycle-a.md', {id: 'task-cya', type: 'task', title: 'A', depends_on: ['task-cyb']})
    writeDocument(ws, 'data/tasks/cycle-b.md', {id: 'task-cyb', type: 'task', title: 'B', depends_on: ['task-cya']})
    const result = psp(['validate'], {cwd: ws})
    expect(result.code, show(result)).toBe(1)
    expect(result.stdout.split('\n')).toEqual([
      'data/tasks/bad-status.md:5:1: status: "someday" is not allowed (expected one of: todo, in-progress, review, done)',
      'data/tasks/cycle-a.md:5:1: depends_on: dependency cycle: task-cya → task-cyb → task-cya',
      'data/tasks/dangling.md:6:1: project: unknown id "proj-missing"',
      '',
    ])
    expect(result.stderr).toBe('6 documents checked, 3 problems\n')

    const asJson = psp(['validate', '--json'], {cwd: ws})
    expect(asJson.code).toBe(1)
    const report = json<Report>(asJson)
    expect(report.ok).toBe(false)
    expect(report.checked).toBe(6)
    expect(report.problems).toEqual([
      {path: 'data/tasks/bad-status.md', line: 5, col: 1, field: 'status', message: expect.stringContaining('"someday" is not allowed'), code: 'SCHEMA'},
      {path: 'data/tasks/cycle-a.md', line: 5, col: 1, field: 'depends_on', message: expect.stringContaining('dependency cycle'), code: 'CYCLE'},
      {path: 'data/tasks/dangling.md', line: 6, col: 1, field: 'project', message: 'unknown id "proj-missing"', code: 'REFERENCE'},
    ])
  })

  it('checks only the given files and folders (relative to the current folder)', () => {
    const one = ok(psp(['validate', 'data/tasks/good.md'], {cwd: ws}))
    expect(one.stdout).toBe('')
    expect(one.stderr).toBe('1 document checked, no problems\n')
    expect(ok(psp(['validate', 'good.md', '../projects'], {cwd: path.join(ws, 'data', 'tasks')})).stderr).toBe('2 documents checked, no problems\n')
    const some = psp(['validate', 'data/tasks/dangling.md', 'data/projects', '--json'], {cwd: ws})
    expect(some.code).toBe(1)
    const report = json<Report>(some)
    expect(report.checked).toBe(2)
    expect(report.problems.map((p) => p.path)).toEqual(['data/tasks/dangling.md'])
    const folder = psp(['validate', 'data/tasks'], {cwd: ws})
    expect(folder.code).toBe(1)
    expect(folder.stdout.trim().split('\n')).toHaveLength(3)
    expect(folder.stderr).toBe('5 documents checked, 3 problems\n')
  })

  it('refuses paths outside the workspace and unknown paths, touching nothing', () => {
    fs.symlinkSync(path.join(outside, 'secret.md'), path.join(ws, 'data', 'escape.md'))
    try {
      unchanged(ws, () => {
        expectError(psp(['validate', '../outside'], {cwd: ws}), 8, /path "\.\.\/outside" is outside the workspace/)
        expectError(psp(['validate', path.join(outside, 'secret.md')], {cwd: ws}), 8, /is outside the workspace/)
        expectError(psp(['validate', '../../..'], {cwd: path.join(ws, 'data', 'tasks')}), 8, /outside the workspace/)
        expectError(psp(['validate', 'data/escape.md'], {cwd: ws}), 8, /symbolic link/)
        expectError(psp(['validate', 'data/tasks/nope.md'], {cwd: ws}), 4, /data\/tasks\/nope\.md: no such file or folder/)
        expectJsonError(psp(['validate', '../outside', '--json'], {cwd: ws}), 8, 'UNSAFE_INPUT')
      })
    } finally {
      fs.unlinkSync(path.join(ws, 'data', 'escape.md'))
    }
  })

  it('names the path as the user typed it when refusing it', () => {
    const line = expectError(psp(['validate', path.join(outside, 'secret.md')], {cwd: ws}), 8)
    expect(line).toContain(`"${path.join(outside, 'secret.md')}"`)
  })
})
