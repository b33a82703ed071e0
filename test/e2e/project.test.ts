/**
 * `psp project add|list|show|edit|rm|restore` with good input, bad input (nothing written) and --json.
 */
import fs from 'node:fs'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {cleanup, json, makeWorkspace, psp} from '../helpers/cli.js'
import {add, expectError, expectJsonError, ok, pspJson, unchanged, type Rec} from './support.js'

const ID = /^proj-[0-9a-hjkmnp-tv-z]{10}$/

describe('psp project', () => {
  let ws: string
  let website: Rec
  let task: Rec
  beforeAll(() => {
    ws = makeWorkspace()
  })
  afterAll(() => cleanup(ws))

  it('add with every flag writes project.md in its own folder', () => {
    website = add(ws, 'project', 'Website relaunch', [
      '--status', 'active',
      '--owner', 'ada',
      '--start', '2027-01-04',
      '--due', '2027-06-30',
      '--tag', 'web',
      '--tag', 'q1',
      '--set', 'budget=12000',
      '--body', '# Goal\n\nA faster site.',
    ])
    expect(website.id).toMatch(ID)
    expect(website).toMatchObject({
      type: 'project',
      title: 'Website relaunch',
      status: 'active',
      owner: 'ada',
      start: '2027-01-04',
      due: '2027-06-30',
      tags: ['web', 'q1'],
      budget: 12000,
    })
    expect(website.path).toBe(`data/projects/${website.id}-website-relaunch/project.md`)
    const text = fs.readFileSync(path.join(ws, website.path), 'utf8')
    expect(text.startsWith(`---\nid: ${website.id}\ntype: project\ntitle: Website relaunch\n`)).toBe(true)
    expect(text.endsWith('---\n\n# Goal\n\nA faster site.\n')).toBe(true)
    task = add(ws, 'task', 'Pick a font', ['--project', website.id.slice(5, 9)])
    expect(task.path.startsWith(`data/projects/${website.id}-website-relaunch/tasks/`)).toBe(true)
  })

  it('show, list and their formats', () => {
    const plain = add(ws, 'project', 'Plain')
    const shown = pspJson(ws, ['project', 'show', website.id.slice(5, 9).toUpperCase()])
    expect(shown).toMatchObject({id: website.id, body: '\n# Goal\n\nA faster site.\n'})
    const human = ok(psp(['project', 'show', website.id], {cwd: ws})).stdout
    expect(human).toContain('Website relaunch')
    expect(human).toContain('# Goal')
    const ids = ok(psp(['project', 'list', '--format', 'ids'], {cwd: ws})).stdout
    expect(ids).toBe(`${[website.id, plain.id].sort().join('\n')}\n`)
    expect(ok(psp(['project', 'list', '--status', 'active', '--format', 'ids'], {cwd: ws})).stdout).toBe(`${website.id}\n`)
    const table = ok(psp(['project', 'list'], {cwd: ws})).stdout.split('\n')
    expect(table[0]).toMatch(/^ID\s+STATUS\s+DUE\s+TITLE$/)
    expect(table).toContain(`${website.id}  active  2027-06-30  Website relaunch`)
    expect(ok(psp(['project', 'list', '--format', 'csv'], {cwd: ws})).stdout.split('\n')[0]).toBe('id,status,due,title')
    const listed = json<Rec[]>(ok(psp(['project', 'list', '--json'], {cwd: ws})))
    expect(listed.map((p) => p.id)).toEqual([website.id, plain.id].sort())
    ok(psp(['project', 'rm', plain.id, '--force'], {cwd: ws}))
  })

  it('refuses bad input with one clear line and writes nothing', () => {
    unchanged(ws, () => {
      expectError(psp(['project', 'add', 'Bad', '--status', 'someday'], {cwd: ws}), 6, /status: "someday" is not allowed \(expected one of: planned, active, on-hold, done, cancelled\)/)
      expectError(psp(['project', 'add', 'Bad', '--start', '4 January'], {cwd: ws}), 6, /start: "4 January" is not a date/)
      expectError(psp(['project', 'add', 'Bad', '--priority', 'high'], {cwd: ws}), 2, /Nonexistent flag: --priority/)
      expectError(psp(['project', 'add'], {cwd: ws}), 2, /Missing 1 required arg/)
      expectError(psp(['project', 'add', 'Bad', '--set', 'id=proj-mine'], {cwd: ws}), 2, /\bid\b/)
      expectError(psp(['project', 'edit', website.id, '--set', 'due=2027-06-31'], {cwd: ws}), 6, /due: .*not a date/)
      expectError(psp(['project', 'edit', website.id, '--set', 'type=task'], {cwd: ws}), 2, /type: cannot be changed/)
      expectError(psp(['project', 'edit', website.id], {cwd: ws}), 2, /--set/)
      expectError(psp(['project', 'show', 'zzzzzz'], {cwd: ws}), 4, /no project matches "zzzzzz"/)
      // A task id is not a project id, even though it exists.
      expectError(psp(['project', 'show', task.id], {cwd: ws}), 4, /no project matches/)
      expectJsonError(psp(['project', 'rm', 'zzzzzz', '--json'], {cwd: ws}), 4, 'NOT_FOUND')
    })
  })

  it('edit changes only the lines of the changed fields', () => {
    const before = fs.readFileSync(path.join(ws, website.path), 'utf8').split('\n')
    const edited = pspJson(ws, ['project', 'edit', website.id, '--set', 'status=on-hold', '--add', 'tags=paused'])
    expect(edited).toMatchObject({status: 'on-hold', tags: ['web', 'q1', 'paused'], changed: true})
    const after = fs.readFileSync(path.join(ws, website.path), 'utf8').split('\n')
    expect(after.length).toBe(before.length)
    const differing = after.filter((line, i) => line !== before[i])
    expect(differing).toEqual(['status: on-hold', 'tags: [web, q1, paused]'])
  })

  it('rm archives the project; its tasks still validate; restore brings it back', () => {
    const archived = pspJson(ws, ['project', 'rm', website.id])
    expect(archived).toMatchObject({id: website.id, archived: true})
    expect(archived.path).toBe(`data/archive/projects/${website.id}-website-relaunch/project.md`)
    expect(ok(psp(['project', 'list', '--format', 'ids'], {cwd: ws})).stdout).toBe('')
    expect(ok(psp(['project', 'list', '--archived', '--format', 'ids'], {cwd: ws})).stdout).toBe(`${website.id}\n`)
    expect(pspJson(ws, ['project', 'show', website.id]).archived).toBe(true)
    // The task still points at the (archived) project: a reference to an archived record resolves.
    expect(fs.existsSync(path.join(ws, task.path))).toBe(true)
    expect(pspJson<{ok: boolean}>(ws, ['validate']).ok).toBe(true)
    const restored = pspJson(ws, ['project', 'restore', website.id])
    expect(restored.path).toBe(website.path)
    expect(ok(psp(['project', 'list', '--format', 'ids'], {cwd: ws})).stdout).toBe(`${website.id}\n`)
  })
})
