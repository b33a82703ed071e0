import fs from 'node:fs'
import path from 'node:path'
import {beforeEach, describe, expect, it} from 'vitest'
import {
  AmbiguousIdError,
  changesFor,
  ConflictError,
  DocumentStore,
  InvalidDocumentError,
  isArchivedPath,
  LAYOUT,
  listDocumentFiles,
  loadSnapshot,
  NotFoundError,
  readDocument,
  UnsafeInputError,
  UsageError,
  validateWorkspace,
  Workspace,
} from '@psp/core'
import {doc, listFiles, readFile, rejected, snapshotFiles, thrown, useTempDirs, useWorkspaces, withZeroIds, writeFile} from './_helpers.js'

const newWorkspace = useWorkspaces()
const newOutsideDir = useTempDirs()

let root: string
let store: DocumentStore

beforeEach(async () => {
  root = await newWorkspace()
  store = new DocumentStore(Workspace.open(root))
})

/** A fresh store over the same workspace (as another psp process would have). */
function otherStore(): DocumentStore {
  return new DocumentStore(Workspace.open(root))
}

const ID = /[0-9a-hjkmnp-tv-z]{10}/.source


describe('DocumentStore.create', () => {
  it('writes a project to data/projects/<id>-<slug>/project.md', () => {
    const {record, changed} = store.create({type: 'project', title: 'Website Relaunch!', fields: {status: 'active'}})
    expect(changed).toBe(true)
    expect(record.id).toMatch(new RegExp(`^proj-${ID}$`))
    expect(record.path).toBe(`data/projects/${record.id}-website-relaunch/project.md`)
    expect(readFile(root, record.path)).toBe(`---\nid: ${record.id}\ntype: project\ntitle: Website Relaunch!\nstatus: active\n---\n`)
  })

  it('puts tasks and milestones of a project inside its folder', () => {
    const project = store.create({type: 'project', title: 'P'}).record
    const dir = path.posix.dirname(project.path)
    const task = store.create({type: 'task', title: 'Fix login', fields: {project: project.id}}).record
    const ms = store.create({type: 'milestone', title: 'Beta', fields: {project: project.id}}).record
    expect(task.id).toMatch(new RegExp(`^task-${ID}$`))
    expect(task.path).toBe(`${dir}/tasks/${task.id}-fix-login.md`)
    expect(ms.id).toMatch(new RegExp(`^ms-${ID}$`))
    expect(ms.path).toBe(`${dir}/milestones/${ms.id}-beta.md`)
  })

  it('puts records without a project in data/<type>s/', () => {
    const task = store.create({type: 'task', title: 'Loose end'}).record
    const note = store.create({type: 'note', title: 'Reading'}).record
    const dec = store.create({type: 'decision', title: 'Use YAML'}).record
    expect(task.path).toBe(`data/tasks/${task.id}-loose-end.md`)
    expect(note.path).toBe(`data/notes/${note.id}-reading.md`)
    expect(dec.id).toMatch(/^dec-/)
    expect(dec.path).toBe(`data/decisions/${dec.id}-use-yaml.md`)
  })

  it('names the file after the id alone when the title has no ASCII letters', () => {
    const task = store.create({type: 'task', title: '日本語'}).record
    expect(task.path).toBe(`data/tasks/${task.id}.md`)
    expect(task.title).toBe('日本語')
  })

  it('writes fields after id, type and title in the order given, and the body after a blank line', () => {
    const {record} = store.create({
      type: 'task',
      title: 'T',
      fields: {status: 'todo', id: 'ignored', type: 'ignored', title: 'ignored', tags: ['b', 'a'], skip: undefined, estimate: 2},
      body: 'Details.',
    })
    expect(readFile(root, record.path)).toBe(
      `---\nid: ${record.id}\ntype: task\ntitle: T\nstatus: todo\ntags: [b, a]\nestimate: 2\n---\n\nDetails.\n`,
    )
    expect(record.data).toEqual({id: record.id, type: 'task', title: 'T', status: 'todo', tags: ['b', 'a'], estimate: 2})
  })

  it('uses the id length and prefixes from settings', () => {
    writeFile(root, 'config/settings.yaml', 'schemaVersion: 1\nids:\n  length: 6\n  prefixes: {task: t}\n')
    const {record} = otherStore().create({type: 'task', title: 'T'})
    expect(record.id).toMatch(/^t-[0-9a-hjkmnp-tv-z]{6}$/)
  })

  it('creates a record of a type defined in config/schemas/', () => {
    writeFile(root, 'config/schemas/bug.json', JSON.stringify({required: ['severity'], properties: {severity: {enum: ['minor', 'major']}}}))
    const s = otherStore()
    const {record} = s.create({type: 'bug', title: 'Crash', fields: {severity: 'major'}})
    expect(record.path).toBe(`data/bugs/${record.id}-crash.md`)
    expect(() => s.create({type: 'bug', title: 'No severity'})).toThrow(InvalidDocumentError)
  })

  it('refuses an unknown type and writes nothing', () => {
    const before = snapshotFiles(root, ['data/cache'])
    expect(() => store.create({type: 'bug', title: 'x'})).toThrow(NotFoundError)
    expect(snapshotFiles(root, ['data/cache'])).toEqual(before)
  })

  it('refuses invalid fields before writing anything, listing every problem', () => {
    const before = snapshotFiles(root, ['data/cache'])
    const error = thrown(() => store.create({type: 'task', title: 'T', fields: {status: 'nope', due: 'soon', project: 'proj-x'}}))
    expect(error).toBeInstanceOf(InvalidDocumentError)
    expect(error.location.field).toBe('status')
    expect(error.message).toMatch(/and 2 more problems/)
    expect(error.data['problems']).toHaveLength(3)
    expect(snapshotFiles(root, ['data/cache'])).toEqual(before)
  })

  it('refuses an empty title', () => {
    expect(() => store.create({type: 'task', title: ''})).toThrow(InvalidDocumentError)
  })

  it('writes exactly one new file and touches no other', () => {
    store.create({type: 'task', title: 'First'})
    const before = snapshotFiles(root, ['data/cache'])
    const {record} = store.create({type: 'task', title: 'Second'})
    const after = snapshotFiles(root, ['data/cache'])
    expect([...after.keys()].filter((k) => !before.has(k))).toEqual([record.path])
    for (const [rel, bytes] of before) expect(after.get(rel)).toEqual(bytes)
    expect(listFiles(root).filter((f) => f.endsWith('.tmp'))).toEqual([])
  })

  it('never overwrites a file already at the new record’s path', () => {
    // A broken file another clone wrote: its id is unknown to the store, its path is not free.
    const rel = 'data/tasks/task-0000000000-clash.md'
    writeFile(root, rel, Buffer.from([0, 1, 2]))
    // Loaded first: reading (and indexing) the workspace draws random bytes too.
    const fresh = otherStore()
    fresh.load()
    const error = thrown(() => withZeroIds(1, () => fresh.create({type: 'task', title: 'Clash'})))
    expect(error).toBeInstanceOf(ConflictError)
    expect(error.location.path).toBe(rel)
    expect(fs.readFileSync(path.join(root, rel))).toEqual(Buffer.from([0, 1, 2]))
    expect(listFiles(root).filter((f) => f.endsWith('.tmp'))).toEqual([])
  })

  it('mints another id when the first one is taken', () => {
    writeFile(root, 'data/tasks/x.md', doc(['id: task-0000000000', 'type: task', 'title: X']))
    const fresh = otherStore()
    fresh.load()
    const {record} = withZeroIds(1, () => fresh.create({type: 'task', title: 'Y'}))
    expect(record.id).not.toBe('task-0000000000')
    expect(record.id).toMatch(new RegExp(`^task-${ID}$`))
  })

  it('gives every record a distinct id', () => {
    const ids = new Set(Array.from({length: 50}, (_, i) => store.create({type: 'task', title: `T${i}`}).record.id))
    expect(ids.size).toBe(50)
  })
})

describe('DocumentStore.update', () => {
  let id: string
  let rel: string
  const body = '\n# Notes\n\nKeep   these bytes.\r\n'

  beforeEach(() => {
    writeFile(
      root,
      'data/tasks/task-0123456789-t.md',
      doc(['id: task-0123456789', 'type: task', "title: 'Quoted title' # keep", 'status: todo', 'tags:', '  - a'], body),
    )
    store = otherStore()
    id = 'task-0123456789'
    rel = 'data/tasks/task-0123456789-t.md'
  })

  it('rewrites only the changed field’s line and keeps the body', async () => {
    const {record, changed} = await store.update('task-01', {set: {status: 'done'}})
    expect(changed).toBe(true)
    expect(record.data['status']).toBe('done')
    expect(readFile(root, rel)).toBe(
      doc(['id: task-0123456789', 'type: task', "title: 'Quoted title' # keep", 'status: done', 'tags:', '  - a'], body),
    )
  })

  it('adds to and removes from lists, keeping their style', async () => {
    await store.update(id, {add: {tags: ['b', 'a']}, remove: {tags: ['a']}})
    expect(readFile(root, rel)).toBe(
      doc(['id: task-0123456789', 'type: task', "title: 'Quoted title' # keep", 'status: todo', 'tags:', '  - b'], body),
    )
  })

  it('removes a list field whose last item is removed', async () => {
    const {record} = await store.update(id, {remove: {tags: ['a']}})
    expect(record.data).not.toHaveProperty('tags')
    expect(readFile(root, rel)).toBe(doc(['id: task-0123456789', 'type: task', "title: 'Quoted title' # keep", 'status: todo'], body))
  })

  it('unsets a field and appends a new one', async () => {
    await store.update(id, {unset: ['status'], set: {assignee: 'ana'}})
    expect(readFile(root, rel)).toBe(
      doc(['id: task-0123456789', 'type: task', "title: 'Quoted title' # keep", 'tags:', '  - a', 'assignee: ana'], body),
    )
  })

  it('keeps a BOM, CRLF line ends and a missing final newline through an update', async () => {
    const crlf = '\uFEFF---\r\nid: task-crlf\r\ntype: task\r\ntitle: T\r\n---\r\nbody line 1\r\nbody line 2'
    writeFile(root, 'data/tasks/crlf.md', crlf)
    await otherStore().update('task-crlf', {set: {status: 'review'}})
    expect(readFile(root, 'data/tasks/crlf.md')).toBe(crlf.replace('title: T\r\n', 'title: T\r\nstatus: review\r\n'))
  })

  it('reports no change and leaves the file alone when values are already set', async () => {
    const before = fs.statSync(path.join(root, rel)).mtimeMs
    const bytes = readFile(root, rel)
    const {changed} = await store.update(id, {set: {status: 'todo', title: 'Quoted title'}, add: {tags: ['a']}})
    expect(changed).toBe(false)
    expect(readFile(root, rel)).toBe(bytes)
    expect(fs.statSync(path.join(root, rel)).mtimeMs).toBe(before)
  })

  it('edits a record a user changed by hand since the store loaded it, keeping the hand edit', async () => {
    store.load()
    const text = readFile(root, rel).replace('status: todo\n', 'status: todo\nassignee: bo\n')
    writeFile(root, rel, text)
    const {record} = await store.update(id, {add: {tags: ['z']}})
    expect(record.data).toMatchObject({assignee: 'bo', tags: ['a', 'z']})
    expect(readFile(root, rel)).toContain('assignee: bo\n')
  })

  it.each([
    ['id', {set: {id: 'task-other'}}],
    ['type', {set: {type: 'note'}}],
    ['id', {unset: ['id']}],
    ['type', {unset: ['type']}],
    ['title', {unset: ['title']}],
    ['title', {set: {title: ''}}],
  ])('refuses to change the identity field %s and leaves the file alone', async (field, ops) => {
    const bytes = readFile(root, rel)
    const error = await rejected(store.update(id, ops))
    expect(error).toBeInstanceOf(UsageError)
    expect(error.code).toBe('USAGE')
    expect(error.location.field).toBe(field)
    expect(readFile(root, rel)).toBe(bytes)
  })

  it('accepts setting id and type to the values they already have', async () => {
    const {changed} = await store.update(id, {set: {id, type: 'task'}})
    expect(changed).toBe(false)
  })

  it('refuses a change that breaks the schema, with the file’s location', async () => {
    const bytes = readFile(root, rel)
    const error = await rejected(store.update(id, {set: {status: 'nope'}}))
    expect(error).toBeInstanceOf(InvalidDocumentError)
    expect(error.location).toMatchObject({path: rel, line: 5, col: 1, field: 'status'})
    expect(readFile(root, rel)).toBe(bytes)
  })

  it('refuses a dependency that would close a cycle as a conflict', async () => {
    const other = store.create({type: 'task', title: 'Other', fields: {depends_on: [id]}}).record
    const error = await rejected(store.update(id, {add: {depends_on: [other.id]}}))
    expect(error).toBeInstanceOf(ConflictError)
    expect(error.code).toBe('CONFLICT')
    expect(error.message).toContain(`${id} → ${other.id} → ${id}`)
  })

  it('loses no update when 20 edits of one record run concurrently', async () => {
    const tags = Array.from({length: 20}, (_, i) => `tag-${i}`)
    const results = await Promise.all(tags.map((tag) => store.update(id, {add: {tags: [tag]}})))
    expect(results.every((r) => r.changed)).toBe(true)
    const final = readDocument(store.ws, rel).record.data['tags'] as string[]
    expect([...final].sort()).toEqual(['a', ...tags].sort())
    expect(listFiles(root).filter((f) => /\.(tmp|lock)$/.test(f))).toEqual([])
  })

  it('loses no update when 20 separate stores (as separate processes would) edit one record at once', async () => {
    const stores = Array.from({length: 20}, () => otherStore())
    for (const s of stores) s.load()
    await Promise.all(stores.map((s, i) => s.update(id, {add: {tags: [`t${i}`]}, set: {[`f${i}`]: i}})))
    const data = readDocument(store.ws, rel).record.data
    expect((data['tags'] as string[]).length).toBe(21)
    for (let i = 0; i < 20; i++) expect(data[`f${i}`]).toBe(i)
  })

  it('refuses a record whose file grew over the size limit, without parsing it', async () => {
    writeFile(root, 'config/settings.yaml', 'schemaVersion: 1\nlimits:\n  max_document_bytes: 1024\n')
    const s = otherStore()
    s.load()
    writeFile(root, rel, `---js\n${'x'.repeat(2000)}\n---\n`)
    const error = await rejected(s.update(id, {set: {status: 'done'}}))
    expect(error).toBeInstanceOf(UnsafeInputError)
    expect(error.message).toMatch(/limits\.max_document_bytes/)
    expect(error.location).toMatchObject({path: rel, line: 1})
  })
})

describe('changesFor', () => {
  const data = {id: 'a', tags: ['x', 'y'], status: 'todo', n: 3, objs: [{k: 1}]}

  it('passes sets through and turns unsets into undefined', () => {
    expect(changesFor(data, {set: {status: 'done'}, unset: ['n']})).toEqual({status: 'done', n: undefined})
    expect('n' in changesFor(data, {unset: ['n']})).toBe(true)
  })

  it('refuses a key that is both set and unset', () => {
    const error = thrown(() => changesFor(data, {set: {status: 'done'}, unset: ['status']}))
    expect(error).toBeInstanceOf(UsageError)
    expect(error.location.field).toBe('status')
  })

  it('adds values once, keeping order, and creates a missing list', () => {
    expect(changesFor(data, {add: {tags: ['y', 'z', 'z']}})).toEqual({tags: ['x', 'y', 'z']})
    expect(changesFor(data, {add: {labels: ['a']}})).toEqual({labels: ['a']})
    expect(changesFor({...data, labels: null}, {add: {labels: ['a']}})).toEqual({labels: ['a']})
    expect(changesFor(data, {add: {objs: [{k: 1}, {k: 2}]}})).toEqual({objs: [{k: 1}, {k: 2}]})
  })

  it('removes values, and the whole field with its last value', () => {
    expect(changesFor(data, {remove: {tags: ['x', 'nope']}})).toEqual({tags: ['y']})
    expect(changesFor(data, {remove: {tags: ['x', 'y']}})).toEqual({tags: undefined})
    expect(changesFor(data, {remove: {labels: ['a']}})).toEqual({labels: undefined})
  })

  it('keeps an emptied list when the same edit also adds to it', () => {
    expect(changesFor({tags: ['x']}, {add: {tags: ['x']}, remove: {tags: ['x']}})).toEqual({tags: []})
  })

  it('applies add and remove on top of a set in the same edit', () => {
    expect(changesFor(data, {set: {tags: ['q']}, add: {tags: ['r']}})).toEqual({tags: ['q', 'r']})
    expect(changesFor(data, {set: {tags: ['q', 'r']}, remove: {tags: ['q']}})).toEqual({tags: ['r']})
  })

  it('refuses to add to or remove from a field that is not a list', () => {
    expect(() => changesFor(data, {add: {status: ['x']}})).toThrow(UsageError)
    expect(() => changesFor(data, {remove: {n: [3]}})).toThrow(/not a list/)
  })

  it('does not modify the data it was given', () => {
    const copy = structuredClone(data)
    changesFor(data, {add: {tags: ['z']}, remove: {tags: ['x']}})
    expect(data).toEqual(copy)
  })
})

describe('archive, restore and delete', () => {
  it('archives a record under data/archive/ with its bytes, and it still resolves', () => {
    const {record} = store.create({type: 'task', title: 'Old', fields: {status: 'done'}})
    const bytes = readFile(root, record.path)
    const archived = store.archive(record.id.slice(0, 8))
    expect(archived.archived).toBe(true)
    expect(archived.path).toBe(`data/archive/tasks/${path.posix.basename(record.path)}`)
    expect(readFile(root, archived.path)).toBe(bytes)
    expect(fs.existsSync(path.join(root, record.path))).toBe(false)
    expect(fs.existsSync(path.join(root, 'data', 'tasks'))).toBe(false)
    expect(store.list('task')).toEqual([])
    expect(store.get(record.id).archived).toBe(true)
    const fresh = otherStore()
    expect(fresh.get(record.id)).toMatchObject({archived: true, path: archived.path})
    expect(isArchivedPath(archived.path)).toBe(true)
  })

  it('keeps references to an archived record valid', () => {
    const old = store.create({type: 'task', title: 'Old'}).record
    store.create({type: 'task', title: 'New', fields: {depends_on: [old.id]}})
    store.archive(old.id)
    expect(validateWorkspace(Workspace.open(root)).problems).toEqual([])
  })

  it('refuses to archive twice and to restore a live record', () => {
    const {record} = store.create({type: 'task', title: 'T'})
    expect(thrown(() => store.restore(record.id))).toBeInstanceOf(ConflictError)
    store.archive(record.id)
    expect(thrown(() => store.archive(record.id))).toBeInstanceOf(ConflictError)
  })

  it('restores a record to where it was', () => {
    const project = store.create({type: 'project', title: 'P'}).record
    const {record} = store.create({type: 'task', title: 'T', fields: {project: project.id}})
    store.archive(record.id)
    const back = store.restore(record.id)
    expect(back).toMatchObject({path: record.path, archived: false})
    expect(otherStore().get(record.id)).toMatchObject({path: record.path, archived: false})
  })

  it('never replaces a file already at the target path', () => {
    const {record} = store.create({type: 'task', title: 'T'})
    const target = `data/archive/tasks/${path.posix.basename(record.path)}`
    writeFile(root, target, 'someone else’s file')
    expect(thrown(() => store.archive(record.id))).toBeInstanceOf(ConflictError)
    expect(readFile(root, target)).toBe('someone else’s file')
    expect(fs.existsSync(path.join(root, record.path))).toBe(true)
  })

  it('deletes a record’s file for good', () => {
    const {record} = store.create({type: 'task', title: 'T'})
    expect(store.delete(record.id).id).toBe(record.id)
    expect(fs.existsSync(path.join(root, record.path))).toBe(false)
    expect(() => store.get(record.id)).toThrow(NotFoundError)
    expect(() => otherStore().get(record.id)).toThrow(NotFoundError)
  })

  it('keeps data/projects even when its last project is archived', () => {
    const project = store.create({type: 'project', title: 'P'}).record
    store.archive(project.id)
    expect(fs.existsSync(path.join(root, 'data', 'projects'))).toBe(true)
  })
})

describe('get, list and filter', () => {
  it('finds records by unique prefix, with or without the type prefix', () => {
    const a = store.create({type: 'task', title: 'A'}).record
    expect(store.get(a.id.slice(5, 9)).id).toBe(a.id)
    expect(store.get(a.id.toUpperCase()).id).toBe(a.id)
    expect(store.get(a.id, 'task').id).toBe(a.id)
  })

  it('reports an ambiguous prefix with its candidates', () => {
    writeFile(root, 'data/tasks/a.md', doc(['id: task-aa1', 'type: task', 'title: A']))
    writeFile(root, 'data/tasks/b.md', doc(['id: task-aa2', 'type: task', 'title: B']))
    const error = thrown(() => otherStore().get('aa'))
    expect(error).toBeInstanceOf(AmbiguousIdError)
    expect(error.data['candidates']).toEqual(['task-aa1', 'task-aa2'])
  })

  it('reports an id of another type as not found, with a hint', () => {
    const note = store.create({type: 'note', title: 'N'}).record
    const error = thrown(() => store.get(note.id, 'task'))
    expect(error).toBeInstanceOf(NotFoundError)
    expect(error.hint).toContain('note')
  })

  it('lists live records of a type sorted by id, and filters by fields', () => {
    const p = store.create({type: 'project', title: 'P'}).record
    const t1 = store.create({type: 'task', title: 'T1', fields: {project: p.id, status: 'todo'}}).record
    const t2 = store.create({type: 'task', title: 'T2', fields: {status: 'done'}}).record
    const t3 = store.create({type: 'task', title: 'T3', fields: {status: 'done'}}).record
    store.archive(t3.id)
    expect(store.list('task').map((r) => r.id)).toEqual([t1.id, t2.id].sort())
    expect(store.list().map((r) => r.id)).toEqual([p.id, t1.id, t2.id].sort())
    expect(store.filter({type: 'task', status: ['done']}).map((r) => r.id)).toEqual([t2.id])
    expect(store.filter({project: p.id}).map((r) => r.id)).toEqual([p.id, t1.id].sort())
    expect(store.filter({archived: true}).map((r) => r.id)).toEqual([t3.id])
  })
})

describe('lookups by file name', () => {
  // Lookups read the names psp gives files (`<id>-<slug>.md`) before the index; these are the
  // cases where a name says nothing certain, and the index must decide.
  it('finds a record in a file not named after its id', () => {
    writeFile(root, 'data/tasks/my-notes.md', doc(['id: task-zz9', 'type: task', 'title: Hand-made']))
    expect(otherStore().get('zz9').path).toBe('data/tasks/my-notes.md')
  })

  it('follows the id inside, not a name that no longer matches it', () => {
    writeFile(root, 'data/tasks/task-aa1-old.md', doc(['id: task-bb2', 'type: task', 'title: Renamed id']))
    expect(thrown(() => otherStore().get('aa1'))).toBeInstanceOf(NotFoundError)
    expect(otherStore().get('bb2').path).toBe('data/tasks/task-aa1-old.md')
  })

  it('still refuses a duplicated id when both files are named after it', () => {
    writeFile(root, 'data/tasks/task-dd1-a.md', doc(['id: task-dd1', 'type: task', 'title: A']))
    writeFile(root, 'data/tasks/task-dd1-b.md', doc(['id: task-dd1', 'type: task', 'title: B']))
    expect(thrown(() => otherStore().get('dd1'))).toBeInstanceOf(ConflictError)
  })

  it('reports an ambiguous prefix among named files with every candidate', () => {
    writeFile(root, 'data/tasks/task-ee1-a.md', doc(['id: task-ee1', 'type: task', 'title: A']))
    writeFile(root, 'data/tasks/task-ee2-b.md', doc(['id: task-ee2', 'type: task', 'title: B']))
    writeFile(root, 'data/tasks/other.md', doc(['id: task-ee3', 'type: task', 'title: C']))
    const error = thrown(() => otherStore().get('ee'))
    expect(error).toBeInstanceOf(AmbiguousIdError)
    expect(error.data['candidates']).toEqual(['task-ee1', 'task-ee2', 'task-ee3'])
  })

  it('prefers an exact id to a longer one it is a prefix of', () => {
    writeFile(root, 'data/tasks/task-ff1.md', doc(['id: task-ff1', 'type: task', 'title: Short']))
    writeFile(root, 'data/tasks/task-ff12-x.md', doc(['id: task-ff12', 'type: task', 'title: Long']))
    expect(otherStore().get('task-ff1').title).toBe('Short')
  })

  it('finds a project by its folder name, and a task of another type only with the right type', () => {
    const p = store.create({type: 'project', title: 'Launch'}).record
    expect(p.path).toMatch(/\/project\.md$/)
    expect(otherStore().get(p.id.slice(5, 10), 'project').id).toBe(p.id)
    expect(thrown(() => otherStore().get(p.id, 'task'))).toBeInstanceOf(NotFoundError)
  })

  it('creates records that refer to others without reading the index, placed in their project', () => {
    const p = store.create({type: 'project', title: 'P'}).record
    const dep = store.create({type: 'task', title: 'Dep'}).record
    const fresh = otherStore()
    const t = fresh.create({type: 'task', title: 'T', fields: {project: p.id, depends_on: [dep.id]}}).record
    expect(t.path.startsWith(p.path.replace(/project\.md$/, 'tasks/'))).toBe(true)
    expect(fs.existsSync(path.join(root, LAYOUT.index))).toBe(false)
    const bad = thrown(() => otherStore().create({type: 'task', title: 'U', fields: {depends_on: ['task-nope']}}))
    expect(bad.message).toContain('unknown id "task-nope"')
  })
})

describe('loadSnapshot and readDocument', () => {
  it('reads every document, archived ones flagged, and lists unreadable files with a location', () => {
    store.create({type: 'task', title: 'T'})
    writeFile(root, 'data/archive/tasks/old.md', doc(['id: task-old', 'type: task', 'title: Old']))
    writeFile(root, 'data/tasks/bad.md', doc(['id: task-bad', 'type: task', 'x: !foo y']))
    const ws = Workspace.open(root)
    const snapshot = loadSnapshot(ws)
    expect(snapshot.records).toHaveLength(2)
    expect(snapshot.records.find((r) => r.id === 'task-old')?.archived).toBe(true)
    expect(snapshot.unreadable).toEqual([
      {path: 'data/tasks/bad.md', line: 4, col: 4, field: 'x', message: expect.stringContaining('!foo'), code: 'UNSAFE_INPUT'},
    ])
    expect(listDocumentFiles(ws)).toEqual([...listDocumentFiles(ws)].sort())
  })

  it('accepts a document exactly at the size limit and refuses one byte more', () => {
    writeFile(root, 'config/settings.yaml', 'schemaVersion: 1\nlimits:\n  max_document_bytes: 1024\n')
    const ws = Workspace.open(root)
    const head = doc(['id: task-1', 'type: task', 'title: T'])
    writeFile(root, 'data/tasks/t.md', head + 'x'.repeat(1024 - head.length))
    expect(readDocument(ws, 'data/tasks/t.md').record.id).toBe('task-1')
    writeFile(root, 'data/tasks/t.md', head + 'x'.repeat(1025 - head.length))
    const error = thrown(() => readDocument(ws, 'data/tasks/t.md'))
    expect(error).toBeInstanceOf(UnsafeInputError)
    expect(error.message).toContain('1 KiB')
  })

  it('does not follow symbolic links out of data/', () => {
    const outside = newOutsideDir()
    fs.writeFileSync(path.join(outside, 'secret.md'), doc(['id: task-secret', 'type: task', 'title: S']))
    fs.symlinkSync(outside, path.join(root, 'data', 'linked'), 'dir')
    fs.symlinkSync(path.join(outside, 'secret.md'), path.join(root, 'data', 'secret.md'), 'file')
    const ws = Workspace.open(root)
    expect(listDocumentFiles(ws)).toEqual([])
    expect(loadSnapshot(ws).records).toEqual([])
  })

  it('reports a missing file as NotFoundError', () => {
    expect(() => readDocument(Workspace.open(root), 'data/tasks/nope.md')).toThrow(NotFoundError)
  })

  it('attaches the path to decoding errors', () => {
    writeFile(root, 'data/tasks/latin1.md', Buffer.from('---\nid: a\ntype: task\ntitle: caf\xe9\n---\n', 'latin1'))
    const error = thrown(() => readDocument(Workspace.open(root), 'data/tasks/latin1.md'))
    expect(error).toBeInstanceOf(InvalidDocumentError)
    expect(error.location).toMatchObject({path: 'data/tasks/latin1.md', line: 4})
  })
})
