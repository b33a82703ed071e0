/**
 * `psp milestone add|list|show|edit|rm|restore` with good input, bad input (nothing written) and --json.
 */
import fs from 'node:fs'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {cleanup, makeWorkspace, psp} from '../helpers/cli.js'
import {add, expectError, expectJsonError, ok, pspJson, unchanged, type Rec} from './support.js'

const ID = /^ms-[0-9a-hjkmnp-tv-z]{10}$/

describe('psp milestone', () => {
  let ws: string
  let alpha: Rec
  let beta: Rec
  let beta1: Rec
  let loose: Rec
  let task: Rec
  beforeAll(() => {
    ws = makeWorkspace()
    alpha = add(ws, 'project', 'Alpha')
    beta = add(ws, 'project', 'Beta')
  })
  afterAll(() => cleanup(ws))

  it('add with every flag, the project given by prefix, lives in the project folder', () => {
    beta1 = add(ws, 'milestone', 'Beta 1', ['--project', beta.id.slice(5, 9), '--status', 'open', '--due', '2027-05-01', '--tag', 'release', '--set', 'goal=ship it', '--body', 'Done when the beta ships.'])
    expect(beta1.id).toMatch(ID)
    expect(beta1).toMatchObject({type: 'milestone', title: 'Beta 1', project: beta.id, status: 'open', due: '2027-05-01', tags: ['release'], goal: 'ship it'})
    expect(beta1.path).toBe(`${path.posix.dirname(beta.path)}/milestones/${beta1.id}-beta-1.md`)
    expect(fs.readFileSync(path.join(ws, beta1.path), 'utf8').endsWith('\nDone when the beta ships.\n')).toBe(true)
    loose = add(ws, 'milestone', 'No project')
    expect(loose.path).toBe(`data/milestones/${loose.id}-no-project.md`)
    task = add(ws, 'task', 'Release notes', ['--milestone', beta1.id.slice(3, 8).toUpperCase()])
    expect(task.milestone).toBe(beta1.id)
  })

  it('list filters by --project and --status, sorted by id', () => {
    const a1 = add(ws, 'milestone', 'Alpha 1', ['--project', alpha.id, '--status', 'done'])
    const ids = (args: string[]) => ok(psp(['milestone', 'list', ...args, '--format', 'ids'], {cwd: ws})).stdout
    expect(ids([])).toBe(`${[beta1.id, loose.id, a1.id].sort().join('\n')}\n`)
    expect(ids(['--project', beta.id])).toBe(`${beta1.id}\n`)
    expect(ids(['--status', 'done'])).toBe(`${a1.id}\n`)
    const table = ok(psp(['milestone', 'list', '--project', alpha.id], {cwd: ws})).stdout.split('\n')
    expect(table[0]).toMatch(/^ID\s+STATUS\s+DUE\s+PROJECT\s+TITLE$/)
    expect(table[1]).toMatch(new RegExp(`^${a1.id}\\s+done\\s+${alpha.id}\\s+Alpha 1$`))
    const md = ok(psp(['milestone', 'list', '--project', beta.id, '--format', 'md'], {cwd: ws})).stdout
    expect(md).toBe(`| id | status | due | project | title |\n| --- | --- | --- | --- | --- |\n| ${beta1.id} | open | 2027-05-01 | ${beta.id} | Beta 1 |\n`)
    ok(psp(['milestone', 'rm', a1.id, '--force'], {cwd: ws}))
  })

  it('refuses bad input with one clear line and writes nothing', () => {
    unchanged(ws, () => {
      expectError(psp(['milestone', 'add', 'Bad', '--status', 'todo'], {cwd: ws}), 6, /status: "todo" is not allowed \(expected one of: open, done, cancelled\)/)
      expectError(psp(['milestone', 'add', 'Bad', '--project', 'zzzzzz'], {cwd: ws}), 4, /no project matches "zzzzzz"/)
      expectError(psp(['milestone', 'add', 'Bad', '--project', task.id], {cwd: ws}), 4, /no project matches/)
      expectError(psp(['milestone', 'add', 'Bad', '--due', '2027-5-1'], {cwd: ws}), 6, /due: "2027-5-1" is not a date/)
      expectError(psp(['milestone', 'edit', beta1.id, '--set', 'project=zzzzzz'], {cwd: ws}), 4, /no project matches/)
      expectError(psp(['milestone', 'edit', beta1.id, '--set', 'id=ms-0000000000'], {cwd: ws}), 2, /id: cannot be changed/)
      expectError(psp(['milestone', 'edit', beta1.id, '--bogus'], {cwd: ws}), 2, /Nonexistent flag: --bogus/)
      expectError(psp(['milestone', 'show', alpha.id], {cwd: ws}), 4, /no milestone matches/)
      expectJsonError(psp(['milestone', 'add', 'Bad', '--status', 'todo', '--json'], {cwd: ws}), 6, 'INVALID_DOCUMENT')
    })
  })

  it('edit moves a milestone to another project by prefix (the reference changes, the file stays)', () => {
    const edited = pspJson(ws, ['milestone', 'edit', beta1.id, '--set', `project=${alpha.id.slice(5, 10)}`, '--set', 'status=done'])
    expect(edited).toMatchObject({project: alpha.id, status: 'done', path: beta1.path, changed: true})
    expect(pspJson<{ok: boolean}>(ws, ['validate']).ok).toBe(true)
  })

  it('rm archives (references from tasks still resolve), restore brings it back, --force deletes', () => {
    const archived = pspJson(ws, ['milestone', 'rm', beta1.id])
    expect(archived).toMatchObject({archived: true})
    expect(archived.path.startsWith('data/archive/projects/')).toBe(true)
    expect(ok(psp(['milestone', 'list', '--format', 'ids'], {cwd: ws})).stdout).toBe(`${loose.id}\n`)
    expect(ok(psp(['milestone', 'list', '--archived', '--format', 'ids'], {cwd: ws})).stdout).toBe(`${beta1.id}\n`)
    expect(pspJson(ws, ['task', 'show', task.id]).milestone).toBe(beta1.id)
    expect(pspJson<{ok: boolean}>(ws, ['validate']).ok).toBe(true)
    expect(pspJson(ws, ['milestone', 'restore', beta1.id]).path).toBe(beta1.path)
    const deleted = pspJson(ws, ['milestone', 'rm', loose.id, '--force'])
    expect(deleted).toMatchObject({id: loose.id, deleted: true})
    expect(fs.existsSync(path.join(ws, loose.path))).toBe(false)
    unchanged(ws, () => expectError(psp(['milestone', 'restore', loose.id], {cwd: ws}), 4))
  })
})
