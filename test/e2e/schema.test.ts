/**
 * `psp schema list|show`: the built-in types, a type a workspace adds in config/schemas/, a
 * built-in a workspace extends, and settings-driven enums.
 */
import fs from 'node:fs'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {cleanup, json, makeWorkspace, psp, tempDir, writeDocument} from '../helpers/cli.js'
import {add, expectError, expectJsonError, ok, pspJson, show, unchanged} from './support.js'

interface TypeEntry {
  name: string
  source: string
  description: string
  files: string[]
}

const BUILTIN = ['decision', 'milestone', 'note', 'project', 'task']

describe('psp schema', () => {
  let ws: string
  beforeAll(() => {
    ws = makeWorkspace()
  })
  afterAll(() => cleanup(ws))

  it('list shows the built-in types, also outside a workspace', () => {
    const outside = tempDir()
    try {
      const human = ok(psp(['schema', 'list'], {cwd: outside})).stdout.split('\n').filter(Boolean)
      expect(human.map((l) => l.split(/\s+/)[0])).toEqual(BUILTIN)
      expect(human.every((l) => /^\w+\s+builtin\s+\S/.test(l))).toBe(true)
    } finally {
      cleanup(outside)
    }
    const types = pspJson<TypeEntry[]>(ws, ['schema', 'list'])
    expect(types.map((t) => t.name)).toEqual(BUILTIN)
    for (const t of types) expect(t).toEqual({name: t.name, source: 'builtin', description: expect.any(String), files: []})
  })

  it('show prints the effective JSON Schema, with the workflow statuses folded in', () => {
    const human = ok(psp(['schema', 'show', 'task'], {cwd: ws}))
    const schema = JSON.parse(human.stdout) as Record<string, unknown>
    expect(schema['$id']).toBe('https://psp.dev/schemas/task.json')
    expect(human.stdout).toContain('"todo"')
    const info = pspJson<{name: string; source: string; files: string[]; schema: Record<string, unknown>}>(ws, ['schema', 'show', 'task'])
    expect(info).toMatchObject({name: 'task', source: 'builtin', files: []})
    expect(info.schema).toEqual(schema)
    unchanged(ws, () => {
      expectError(psp(['schema', 'show', 'nope'], {cwd: ws}), 4, /unknown document type "nope" \(known: decision, milestone, note, project, task\)/)
      expectJsonError(psp(['schema', 'show', 'nope', '--json'], {cwd: ws}), 4, 'NOT_FOUND')
      expectError(psp(['schema', 'show'], {cwd: ws}), 2, /Missing 1 required arg/)
    })
  })

  it('a type added in config/schemas/ is listed, shown and used by validate', () => {
    fs.mkdirSync(path.join(ws, 'config', 'schemas'), {recursive: true})
    fs.writeFileSync(
      path.join(ws, 'config', 'schemas', 'bug.yaml'),
      'description: A defect report.\ntype: object\nrequired: [severity]\nproperties:\n  severity:\n    enum: [low, high]\n',
    )
    const types = pspJson<TypeEntry[]>(ws, ['schema', 'list'])
    expect(types.map((t) => t.name)).toEqual(['bug', ...BUILTIN])
    expect(types[0]).toEqual({name: 'bug', source: 'workspace', description: 'A defect report.', files: ['config/schemas/bug.yaml']})
    expect(ok(psp(['schema', 'list'], {cwd: ws})).stdout.split('\n')[0]).toMatch(/^bug\s+workspace\s+A defect report\.$/)
    const info = pspJson<{source: string; schema: Record<string, unknown>}>(ws, ['schema', 'show', 'bug'])
    expect(info.source).toBe('workspace')
    expect(JSON.stringify(info.schema)).toContain('"severity"')

    writeDocument(ws, 'data/bugs/crash.md', {id: 'bug-crash', type: 'bug', title: 'Crash on start', severity: 'high'})
    expect(ok(psp(['validate'], {cwd: ws})).stderr).toBe('1 document checked, no problems\n')
    writeDocument(ws, 'data/bugs/typo.md', {id: 'bug-typo', type: 'bug', title: 'Typo', severity: 'urgent'})
    writeDocument(ws, 'data/bugs/vague.md', {id: 'bug-vague', type: 'bug', title: 'Something'})
    const result = psp(['validate'], {cwd: ws})
    expect(result.code, show(result)).toBe(1)
    expect(result.stdout).toBe(
      'data/bugs/typo.md:5:1: severity: "urgent" is not allowed (expected one of: low, high)\n' +
        'data/bugs/vague.md:1:1: severity: required field is missing\n',
    )
    fs.rmSync(path.join(ws, 'data', 'bugs'), {recursive: true})
    fs.rmSync(path.join(ws, 'config', 'schemas', 'bug.yaml'))
  })

  it('a built-in type extended in config/schemas/ applies to add and edit', () => {
    fs.writeFileSync(
      path.join(ws, 'config', 'schemas', 'task.json'),
      JSON.stringify({description: 'Our tasks need an owner.', required: ['assignee'], properties: {assignee: {type: 'string', minLength: 2}}}),
    )
    const task = pspJson<{source: string; files: string[]; description: string}>(ws, ['schema', 'show', 'task'])
    expect(task).toMatchObject({source: 'extended', files: ['config/schemas/task.json']})
    expect(pspJson<TypeEntry[]>(ws, ['schema', 'list']).find((t) => t.name === 'task')).toMatchObject({source: 'extended', description: 'Our tasks need an owner.'})
    unchanged(ws, () => expectError(psp(['task', 'add', 'No owner'], {cwd: ws}), 6, /assignee: required field is missing/))
    const created = add(ws, 'task', 'Owned', ['--assignee', 'ada'])
    unchanged(ws, () => expectError(psp(['task', 'edit', created.id, '--unset', 'assignee'], {cwd: ws}), 6, /assignee/))
    fs.rmSync(path.join(ws, 'config', 'schemas', 'task.json'))
    ok(psp(['task', 'rm', created.id, '--force'], {cwd: ws}))
  })

  it('the workflow in settings drives task statuses', () => {
    const settingsFile = path.join(ws, 'config', 'settings.yaml')
    const original = fs.readFileSync(settingsFile, 'utf8')
    fs.writeFileSync(
      settingsFile,
      original.replace(/^ {2}statuses: .*$/m, '  statuses: [backlog, doing, shipped]').replace(/^ {2}default: .*$/m, '  default: backlog').replace(/^ {2}done: .*$/m, '  done: [shipped]'),
    )
    try {
      const info = pspJson<{schema: Record<string, unknown>}>(ws, ['schema', 'show', 'task'])
      expect(JSON.stringify(info.schema)).toContain('["backlog","doing","shipped"]')
      expect(add(ws, 'task', 'New style').status).toBe('backlog')
      unchanged(ws, () => expectError(psp(['task', 'add', 'Old style', '--status', 'todo'], {cwd: ws}), 6, /expected one of: backlog, doing, shipped/))
    } finally {
      fs.writeFileSync(settingsFile, original)
    }
  })

  it('a broken workspace schema is reported with its path', () => {
    fs.writeFileSync(path.join(ws, 'config', 'schemas', 'broken.yaml'), 'properties: [unclosed\n')
    try {
      unchanged(ws, () => {
        const line = expectError(psp(['schema', 'list'], {cwd: ws}), 6)
        expect(line).toContain('config/schemas/broken.yaml')
      })
    } finally {
      fs.rmSync(path.join(ws, 'config', 'schemas', 'broken.yaml'))
    }
    expect(json<TypeEntry[]>(ok(psp(['schema', 'list', '--json'], {cwd: ws}))).map((t) => t.name)).toEqual(BUILTIN)
  })
})
