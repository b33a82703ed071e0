/**
 * Bulk edits in the core (planEdits, applyEdits): every change is checked against the workspace
 * as the whole batch leaves it before anything is written; then only the fields being set change.
 * Also the command side's decision (apply, dry run, ask, refuse) with the prompt injected.
 */
import fs from 'node:fs'
import path from 'node:path'
import {beforeEach, describe, expect, it} from 'vitest'
import {
  applyEdits,
  ConflictError,
  DocumentStore,
  InvalidDocumentError,
  planEdits,
  SETTINGS_PATH,
  UsageError,
  Workspace,
  type DocumentRecord,
  type EditOperations,
} from '@psp/core'
import {decide, mayApply, planJson, planText, type Choice} from '../../src/bulk-edit-support.js'
import {doc, readFile, snapshotFiles, thrown, useWorkspaces, writeFile} from './_helpers.js'

const newWorkspace = useWorkspaces()

let root: string

beforeEach(async () => {
  root = await newWorkspace()
})

const open = () => new DocumentStore(Workspace.open(root))

/** Writes a task by hand; `extra` are more frontmatter lines (comments allowed). */
function task(id: string, extra: string[] = [], body = '\nNotes.\n'): string {
  const rel = `data/tasks/${id}.md`
  writeFile(root, rel, doc([`id: ${id}`, 'type: task', `title: Task ${id.slice(5)}`, ...extra], body))
  return rel
}

/** The live tasks of a fresh store whose id is in `ids`, sorted by id. */
function pick(store: DocumentStore, ids: string[]): DocumentRecord[] {
  return store.list('task').filter((r) => ids.includes(r.id))
}

function plan(ids: string[], ops: EditOperations) {
  const store = open()
  return {store, plan: planEdits(store, pick(store, ids), ops)}
}

function setWorkflow(lines: string[]): void {
  const text = readFile(root, SETTINGS_PATH).replace(/^workflow:\n(?: {2}.*\n|\n)*?(?=\S)/m, `workflow:\n${lines.map((l) => `  ${l}\n`).join('')}\n`)
  writeFile(root, SETTINGS_PATH, text)
}

describe('planEdits', () => {
  it('lists each changed field with its old and new value, and writes nothing', () => {
    task('task-aaaaaaaa', ['status: todo', 'tags: [ui]'])
    task('task-bbbbbbbb', ['status: review'])
    const files = snapshotFiles(root, ['data/cache'])
    const {plan: p} = plan(['task-aaaaaaaa', 'task-bbbbbbbb'], {set: {status: 'done'}, add: {tags: ['api']}})
    expect(p.matched).toBe(2)
    expect(p.unchanged).toBe(0)
    expect(p.edits.map((e) => [e.record.id, e.changes])).toEqual([
      ['task-aaaaaaaa', [{field: 'status', from: 'todo', to: 'done'}, {field: 'tags', from: ['ui'], to: ['ui', 'api']}]],
      ['task-bbbbbbbb', [{field: 'status', from: 'review', to: 'done'}, {field: 'tags', from: undefined, to: ['api']}]],
    ])
    expect(snapshotFiles(root, ['data/cache'])).toEqual(files)
  })

  it('skips records already as asked, and counts them', () => {
    task('task-aaaaaaaa', ['status: done'])
    task('task-bbbbbbbb', ['status: todo'])
    task('task-cccccccc', ['status: done', 'priority: high'])
    const {plan: p} = plan(['task-aaaaaaaa', 'task-bbbbbbbb', 'task-cccccccc'], {set: {status: 'done'}})
    expect(p).toMatchObject({matched: 3, unchanged: 2})
    expect(p.edits.map((e) => e.record.id)).toEqual(['task-bbbbbbbb'])
  })

  it('plans nothing for no records', () => {
    expect(plan([], {set: {status: 'done'}}).plan).toMatchObject({matched: 0, unchanged: 0, edits: [], warnings: []})
  })

  it('refuses to touch ids and types, or to remove titles, before reading any file', () => {
    task('task-aaaaaaaa')
    for (const ops of [{set: {id: 'task-zzzzzzzz'}}, {set: {type: 'project'}}, {unset: ['type']}, {unset: ['title']}] as EditOperations[]) {
      const error = thrown(() => plan(['task-aaaaaaaa'], ops))
      expect(error).toBeInstanceOf(UsageError)
    }
  })

  it('names the file of the first record an operation cannot apply to', () => {
    task('task-aaaaaaaa', ['tags: [ui]'])
    const rel = task('task-bbbbbbbb', ['tags: ui'])
    const error = thrown(() => plan(['task-aaaaaaaa', 'task-bbbbbbbb'], {add: {tags: ['api']}}))
    expect(error).toBeInstanceOf(UsageError)
    expect(error.toLine()).toBe(`${rel}: tags: cannot add to it: it is not a list`)
  })

  it('refuses the whole batch when one record would break its schema, naming record and field', () => {
    task('task-aaaaaaaa', ['priority: low'])
    const rel = task('task-bbbbbbbb', ['priority: low'])
    const error = thrown(() => plan(['task-aaaaaaaa', 'task-bbbbbbbb'], {set: {priority: 'urgent'}}))
    expect(error).toBeInstanceOf(InvalidDocumentError)
    expect(error.location).toMatchObject({path: 'data/tasks/task-aaaaaaaa.md', line: 5, field: 'priority'})
    expect(error.message).toMatch(/^"urgent" is not allowed .*\(and 1 more problem in 2 files\)$/)
    expect((error.data['problems'] as {path: string}[]).map((p) => p.path)).toEqual(['data/tasks/task-aaaaaaaa.md', rel])
  })

  it('refuses references to records that do not exist or are of the wrong type', () => {
    task('task-aaaaaaaa')
    const unknown = thrown(() => plan(['task-aaaaaaaa'], {set: {milestone: 'ms-nothere00'}}))
    expect(unknown.toLine()).toMatch(/milestone: unknown id "ms-nothere00"$/)
    task('task-bbbbbbbb')
    const wrong = thrown(() => plan(['task-aaaaaaaa'], {set: {project: 'task-bbbbbbbb'}}))
    expect(wrong.toLine()).toMatch(/project: "task-bbbbbbbb" is a task, not a project$/)
  })

  it('refuses a dependency cycle the batch closes, though the records before it were fine', () => {
    task('task-xxxxxxxx', ['depends_on: [task-bbbbbbbb]'])
    task('task-aaaaaaaa')
    task('task-bbbbbbbb')
    const files = snapshotFiles(root, ['data/cache'])
    const error = thrown(() => plan(['task-aaaaaaaa', 'task-bbbbbbbb'], {add: {depends_on: ['task-xxxxxxxx']}}))
    expect(error).toBeInstanceOf(ConflictError)
    expect(error.toLine()).toMatch(/^data\/tasks\/task-bbbbbbbb\.md:\d+:1: depends_on: dependency cycle: task-bbbbbbbb → task-xxxxxxxx → task-bbbbbbbb$/)
    expect(snapshotFiles(root, ['data/cache'])).toEqual(files)
  })

  it('reports every record of the batch that would close a cycle', () => {
    task('task-aaaaaaaa', ['depends_on: [task-cccccccc]'])
    task('task-bbbbbbbb', ['depends_on: [task-dddddddd]'])
    task('task-cccccccc')
    task('task-dddddddd')
    const error = thrown(() => plan(['task-cccccccc', 'task-dddddddd'], {add: {depends_on: ['task-aaaaaaaa', 'task-bbbbbbbb']}}))
    expect(error).toBeInstanceOf(ConflictError)
    expect(error.message).toBe('dependency cycle: task-cccccccc → task-aaaaaaaa → task-cccccccc (and 1 more problem in 2 files)')
    expect((error.data['problems'] as {code: string; path: string}[]).map((p) => [p.code, p.path])).toEqual([
      ['CYCLE', 'data/tasks/task-cccccccc.md'],
      ['CYCLE', 'data/tasks/task-dddddddd.md'],
    ])
  })

  it('removing dependencies that made a cycle is allowed', () => {
    task('task-aaaaaaaa', ['depends_on: [task-bbbbbbbb]'])
    task('task-bbbbbbbb', ['depends_on: [task-aaaaaaaa]'])
    const {plan: p} = plan(['task-aaaaaaaa', 'task-bbbbbbbb'], {unset: ['depends_on']})
    expect(p.edits).toHaveLength(2)
  })

  it('finds a cycle through a long dependency chain without recursion', () => {
    const n = 3000
    const id = (i: number) => `task-${String(i).padStart(8, '0').replace(/\d/g, (d) => 'abcdefghjk'[Number(d)] as string)}`
    fs.mkdirSync(path.join(root, 'data/tasks'), {recursive: true})
    for (let i = 0; i < n; i++) task(id(i), i + 1 < n ? [`depends_on: [${id(i + 1)}]`] : [])
    const error = thrown(() => plan([id(n - 1)], {set: {depends_on: [id(0)]}}))
    expect(error).toBeInstanceOf(ConflictError)
    expect(error.message.split(' → ')).toHaveLength(n + 1)
  })

  it('refuses a self-dependency', () => {
    task('task-aaaaaaaa')
    expect(thrown(() => plan(['task-aaaaaaaa'], {add: {depends_on: ['task-aaaaaaaa']}})).message).toBe('a record cannot depend on itself')
  })

  it('refuses a record whose id another file also uses', () => {
    task('task-aaaaaaaa')
    writeFile(root, 'data/tasks/copy.md', doc(['id: task-aaaaaaaa', 'type: task', 'title: Copy']))
    const store = open()
    const records = store.load().records.filter((r) => r.path === 'data/tasks/task-aaaaaaaa.md')
    const error = thrown(() => planEdits(store, records, {set: {priority: 'high'}}))
    expect(error).toBeInstanceOf(ConflictError)
    expect(error.message).toBe('duplicate id: task-aaaaaaaa is also used by data/tasks/copy.md')
  })
})

describe('WIP limits', () => {
  const ids = ['task-aaaaaaaa', 'task-bbbbbbbb', 'task-cccccccc']

  beforeEach(() => {
    task('task-aaaaaaaa', ['status: todo'])
    task('task-bbbbbbbb', ['status: todo'])
    task('task-cccccccc', ['status: todo'])
    task('task-dddddddd', ['status: in-progress'])
  })

  it('refuses a batch that puts more tasks in a status than its limit (refuse)', () => {
    setWorkflow(['statuses: [todo, in-progress, review, done]', 'wip: {in-progress: 3}', 'wip_policy: refuse'])
    const error = thrown(() => plan(ids, {set: {status: 'in-progress'}}))
    expect(error).toBeInstanceOf(ConflictError)
    expect(error.toLine()).toBe('status: in-progress: 4 tasks after this edit, over its WIP limit of 3; nothing changed')
    expect(error.data).toEqual({status: 'in-progress', count: 4, limit: 3})
  })

  it('allows a batch that fills a status exactly to its limit', () => {
    setWorkflow(['statuses: [todo, in-progress, review, done]', 'wip: {in-progress: 3}', 'wip_policy: refuse'])
    expect(plan(ids.slice(0, 2), {set: {status: 'in-progress'}}).plan.warnings).toEqual([])
  })

  it('does not count a task twice that already has the status', () => {
    setWorkflow(['statuses: [todo, in-progress, review, done]', 'wip: {in-progress: 2}', 'wip_policy: refuse'])
    const {plan: p} = plan(['task-aaaaaaaa', 'task-dddddddd'], {set: {status: 'in-progress'}})
    expect(p).toMatchObject({matched: 2, unchanged: 1, warnings: []})
  })

  it('warns and goes ahead under wip_policy: warn', () => {
    setWorkflow(['statuses: [todo, in-progress, review, done]', 'wip: {in-progress: 2}', 'wip_policy: warn'])
    const {plan: p} = plan(ids, {set: {status: 'in-progress'}})
    expect(p.warnings).toEqual(['in-progress: 4 tasks after this edit, over its WIP limit of 2'])
    expect(p.edits).toHaveLength(3)
  })

  it('does not count tasks moved into a status with no limit', () => {
    setWorkflow(['statuses: [todo, in-progress, review, done]', 'wip: {in-progress: 1}', 'wip_policy: refuse'])
    expect(plan(ids, {set: {status: 'review'}}).plan.warnings).toEqual([])
  })
})

describe('applyEdits', () => {
  it('rewrites only the set fields\' lines: comments, other fields and the body stay', async () => {
    const rel = task('task-aaaaaaaa', ['# the owner decides', 'status: todo   # still open', 'priority: "low"', 'tags: [ui]'], '\nBody *kept*.\n')
    task('task-bbbbbbbb', ['status: todo'])
    const before = readFile(root, rel)
    const {store, plan: p} = plan(['task-aaaaaaaa'], {set: {priority: 'high'}})
    const written = await applyEdits(store, p)
    expect(written.map((r) => r.id)).toEqual(['task-aaaaaaaa'])
    const after = readFile(root, rel)
    const changed = before.split('\n').map((line, i) => [line, after.split('\n')[i]]).filter(([a, b]) => a !== b)
    expect(changed).toHaveLength(1)
    expect(changed[0]?.[1]).toMatch(/^priority: "?high"?$/)
    expect(after.endsWith('\nBody *kept*.\n')).toBe(true)
    expect(readFile(root, 'data/tasks/task-bbbbbbbb.md')).toContain('status: todo')
  })

  it('edits a file that changed since the plan from its new content, keeping the other change', async () => {
    const rel = task('task-aaaaaaaa', ['status: todo', 'priority: low'])
    const {store, plan: p} = plan(['task-aaaaaaaa'], {set: {status: 'done'}})
    writeFile(root, rel, readFile(root, rel).replace('priority: low', 'priority: high'))
    await applyEdits(store, p)
    const text = readFile(root, rel)
    expect(text).toContain('status: done')
    expect(text).toContain('priority: high')
  })

  it('says how many files were written when a later write fails', async () => {
    task('task-aaaaaaaa', ['status: todo'])
    const rel = task('task-bbbbbbbb', ['status: todo'])
    const {store, plan: p} = plan(['task-aaaaaaaa', 'task-bbbbbbbb'], {set: {status: 'done'}})
    fs.rmSync(path.join(root, rel))
    let error: unknown
    try {
      await applyEdits(store, p)
    } catch (error_) {
      error = error_
    }
    expect(error).toMatchObject({code: 'NOT_FOUND', hint: '1 of 2 files were already changed (git diff shows them)'})
    expect(readFile(root, 'data/tasks/task-aaaaaaaa.md')).toContain('status: done')
  })
})

describe('deciding whether to apply', () => {
  const never = async (): Promise<boolean> => {
    throw new Error('must not ask')
  }
  const cases: [Choice, Awaited<ReturnType<typeof decide>>][] = [
    [{dryRun: true, canAsk: true}, 'dry-run'],
    [{yes: true, canAsk: false}, 'apply'],
    [{yes: true, canAsk: true}, 'apply'],
    [{canAsk: false}, 'cannot-ask'],
  ]
  for (const [choice, expected] of cases) {
    it(`${JSON.stringify(choice)} → ${expected}, without asking`, async () => {
      expect(await decide(choice, never)).toBe(expected)
    })
  }

  it('asks on a terminal: yes applies, no declines, an interrupted prompt cancels', async () => {
    const asked: string[] = []
    const answer = (value: boolean | undefined) => async () => {
      asked.push(String(value))
      return value
    }
    expect(await decide({canAsk: true}, answer(true))).toBe('apply')
    expect(await decide({canAsk: true}, answer(false))).toBe('declined')
    expect(await decide({canAsk: true}, answer(undefined))).toBe('cancelled')
    expect(asked).toEqual(['true', 'false', 'undefined'])
  })

  it('says "will change" only when the plan is applied or asked about', () => {
    expect(mayApply({yes: true, canAsk: false})).toBe(true)
    expect(mayApply({canAsk: true})).toBe(true)
    expect(mayApply({canAsk: false})).toBe(false)
    expect(mayApply({dryRun: true, canAsk: true})).toBe(false)
  })
})

describe('showing a plan', () => {
  it('prints one line per record, cut after the limit, then the summary', () => {
    for (const c of 'abcd') task(`task-${c.repeat(8)}`, ['status: todo'])
    task('task-eeeeeeee', ['status: done'])
    const ids = ['a', 'b', 'c', 'd', 'e'].map((c) => `task-${c.repeat(8)}`)
    const {plan: p} = plan(ids, {set: {status: 'done'}, add: {tags: ['x']}})
    expect(planText(p, 'task', {applying: true, limit: 2})).toBe(
      [
        'task-aaaaaaaa  Task aaaaaaaa  status: todo → done; tags: (none) → [x]',
        'task-bbbbbbbb  Task bbbbbbbb  status: todo → done; tags: (none) → [x]',
        '… and 3 more (--verbose lists them all)',
        '5 tasks will change (5 match, 0 already as asked)',
        '',
      ].join('\n'),
    )
    const {plan: q} = plan(ids, {set: {status: 'done'}})
    expect(planText(q, 'task', {applying: false}).split('\n').at(-2)).toBe('4 tasks would change (5 match, 1 already as asked)')
  })

  it('gives JSON with each record\'s changes; an absent value has no key', () => {
    task('task-aaaaaaaa', ['priority: low'])
    const {plan: p} = plan(['task-aaaaaaaa'], {unset: ['priority'], set: {due: '2027-01-01'}})
    expect(JSON.parse(JSON.stringify(planJson(p, false)))).toEqual({
      applied: false,
      matched: 1,
      unchanged: 0,
      records: [
        {
          id: 'task-aaaaaaaa',
          path: 'data/tasks/task-aaaaaaaa.md',
          title: 'Task aaaaaaaa',
          changes: [
            {field: 'due', to: '2027-01-01'},
            {field: 'priority', from: 'low'},
          ],
        },
      ],
      warnings: [],
    })
  })
})
