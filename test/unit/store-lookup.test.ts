/**
 * DocumentStore.get by file name: the cached file names (data/cache/names.json) point at the files
 * named after the id, and each is taken from the index when the index holds it for the file's
 * current stat, else parsed. Whatever the caches hold, the record is the one a full parse gives;
 * edits, deletions and new files are seen; `create` never reuses an id whose file exists.
 */
import fs from 'node:fs'
import path from 'node:path'
import {beforeEach, describe, expect, it} from 'vitest'
import {
  AmbiguousIdError,
  DocumentStore,
  LAYOUT,
  NotFoundError,
  readDocument,
  Workspace,
  type DocumentRecord,
} from '@psp/core'
import {doc, thrown, useWorkspaces, withZeroIds, writeFile} from './_helpers.js'

const newWorkspace = useWorkspaces()

let root: string

/** A fresh store, as the next psp command would have. */
const store = () => new DocumentStore(Workspace.open(root))

/** Builds the index (and nothing else) as another command would. */
const warm = () => void store().load()

/** Removes every cache: the next lookup parses. */
const cold = () => fs.rmSync(path.join(root, LAYOUT.cache), {recursive: true, force: true})

/** A record as plain data, its body included (an index record reads it on demand). */
function plain(r: DocumentRecord): DocumentRecord {
  return {id: r.id, type: r.type, title: r.title, path: r.path, archived: r.archived, data: r.data, body: r.body}
}

/** What a full parse of the record's file gives. */
const parsed = (rel: string) => plain(readDocument(Workspace.open(root), rel).record)

/** Sets the times of every file and folder under data/ (not data/cache) `secondsAgo` in the past. */
function ageAll(secondsAgo = 60): Date {
  const when = new Date(Math.round(Date.now() - secondsAgo * 1000))
  const walk = (rel: string) => {
    for (const entry of fs.readdirSync(path.join(root, rel), {withFileTypes: true})) {
      const child = `${rel}/${entry.name}`
      if (child === LAYOUT.cache) continue
      if (entry.isDirectory()) walk(child)
      fs.utimesSync(path.join(root, child), when, when)
    }
  }
  walk(LAYOUT.data)
  fs.utimesSync(path.join(root, LAYOUT.data), when, when)
  return when
}

function setTime(rel: string, when: Date): void {
  fs.utimesSync(path.join(root, rel), when, when)
}

const PROJECT = 'data/projects/proj-ppp111-site/project.md'
const LOGIN = 'data/projects/proj-ppp111-site/tasks/task-abc111-login.md'
const OTHER = 'data/tasks/task-abc222-other.md'
const CRLF = 'data/tasks/task-xyz999.md'
const BOM = 'data/tasks/task-bom123-bom.md'
const ARCHIVED = 'data/archive/tasks/task-old111-gone.md'
const NOTE = 'data/notes/note-nnn111.md'
const UNNAMED = 'data/tasks/custom-name.md'

beforeEach(async () => {
  root = await newWorkspace()
  writeFile(root, PROJECT, doc(['id: proj-ppp111', 'type: project', 'title: Site', 'status: active'], '\nThe site.\n'))
  writeFile(
    root,
    LOGIN,
    doc(
      ['id: task-abc111', 'type: task', 'title: Fix login', 'status: todo', 'project: proj-ppp111', 'priority: high', 'tags: [auth, "a: b"]', 'estimate: 2.5'],
      '\n# Fix login\n\n---\n\nDetails.\n',
    ),
  )
  writeFile(root, OTHER, doc(['id: task-abc222', 'type: task', 'title: Other', 'status: todo'], 'Old body\n'))
  writeFile(root, CRLF, '---\r\nid: task-xyz999\r\ntype: task\r\ntitle: Windows\r\nstatus: todo\r\n---\r\n\r\nLine one\r\nLine two\r\n')
  writeFile(root, BOM, '\uFEFF---\nid: task-bom123\ntype: task\ntitle: With BOM\nstatus: todo\n---\nBOM body\n')
  writeFile(root, ARCHIVED, doc(['id: task-old111', 'type: task', 'title: Gone', 'status: done'], 'Archived.\n'))
  writeFile(root, NOTE, doc(['id: note-nnn111', 'type: note', 'title: Note', 'meta:', '  nested: {a: 1, b: [x, y]}', "  quoted: '2024-01-01'"], 'A note.\n'))
  writeFile(root, UNNAMED, doc(['id: task-cus777', 'type: task', 'title: Named otherwise', 'status: todo'], 'Unnamed.\n'))
  ageAll()
})

/** Every query and the file it must find. */
const LOOKUPS: Array<[string, string]> = [
  ['task-abc111', LOGIN],
  ['abc1', LOGIN],
  ['task-abc1', LOGIN],
  ['TASK-ABC111', LOGIN],
  ['  abc11 ', LOGIN],
  ['abc222', OTHER],
  ['proj-ppp111', PROJECT],
  ['ppp', PROJECT],
  ['xyz', CRLF],
  ['task-bom123', BOM],
  ['old1', ARCHIVED],
  ['note-nnn111', NOTE],
  ['nnn', NOTE],
  ['task-cus777', UNNAMED],
  ['cus', UNNAMED],
]

/** The shard of the index that holds `rel`, and its parsed content. */
function shardOf(rel: string): {file: string; shard: {entries: Array<{path: string; data?: Record<string, unknown>}>}} {
  const dir = path.join(root, LAYOUT.index)
  for (const name of fs.readdirSync(dir)) {
    const file = path.join(dir, name)
    const shard = JSON.parse(fs.readFileSync(file, 'utf8')) as {entries: Array<{path: string; data?: Record<string, unknown>}>}
    if (shard.entries.some((e) => e.path === rel)) return {file, shard}
  }
  throw new Error(`no shard holds ${rel}`)
}

describe('DocumentStore.get by file name', () => {
  it('returns the same record with a warm index, without caches, and from a full parse', () => {
    for (const [query, rel] of LOOKUPS) {
      const expected = parsed(rel)
      cold()
      expect(plain(store().get(query)), `cold ${query}`).toEqual(expected)
      // The names cache written by that lookup is used by the next one.
      expect(plain(store().get(query)), `names cached ${query}`).toEqual(expected)
      warm()
      expect(plain(store().get(query)), `warm ${query}`).toEqual(expected)
      expect(plain(store().get(query)), `warm again ${query}`).toEqual(expected)
    }
  })

  it('serializes a record from the index like a parsed one (body included)', () => {
    warm()
    for (const [query, rel] of LOOKUPS) {
      expect(JSON.parse(JSON.stringify(store().get(query))), query).toEqual(parsed(rel))
    }
  })

  it('takes the record from the index while the file is unchanged', () => {
    warm()
    const {file, shard} = shardOf(OTHER)
    const entry = shard.entries.find((e) => e.path === OTHER) as {data: Record<string, unknown>}
    entry.data['title'] = 'From the index'
    fs.writeFileSync(file, JSON.stringify(shard))
    expect(store().get('task-abc222').title).toBe('From the index')
    // Its body still comes from the file.
    expect(store().get('task-abc222').body).toBe('Old body\n')
    // The file's stat changed (even to an old time): parsed again.
    setTime(OTHER, new Date(Date.now() - 30_000))
    expect(store().get('task-abc222').title).toBe('Other')
  })

  it('sees a hand edit made after the index was built: fields and body', () => {
    warm()
    store().get('abc222')
    // Same size, new mtime.
    const sameSize = doc(['id: task-abc222', 'type: task', 'title: Other', 'status: done'], 'New body\n')
    expect(sameSize.length).toBe(fs.statSync(path.join(root, OTHER)).size)
    writeFile(root, OTHER, sameSize)
    let got = store().get('abc222')
    expect(got.data['status']).toBe('done')
    expect(got.body).toBe('New body\n')
    // Another size, the old mtime given back.
    const when = new Date(fs.statSync(path.join(root, LOGIN)).mtimeMs)
    writeFile(root, LOGIN, doc(['id: task-abc111', 'type: task', 'title: Fix login now', 'status: review'], 'Shorter.\n'))
    setTime(LOGIN, when)
    got = store().get('task-abc111')
    expect(plain(got)).toEqual(parsed(LOGIN))
    expect(got.title).toBe('Fix login now')
    expect(got.data['project']).toBeUndefined()
    expect(got.body).toBe('Shorter.\n')
  })

  it('parses again a file changed within the racy window of the index’s write', () => {
    // Changed 0.5 s before the index took it in: it may change again without its stat changing.
    const racy = new Date(Date.now() - 500)
    setTime(OTHER, racy)
    warm()
    expect(store().get('abc222').data['status']).toBe('todo')
    writeFile(root, OTHER, doc(['id: task-abc222', 'type: task', 'title: Other', 'status: done'], 'New body\n'))
    setTime(OTHER, racy)
    const got = store().get('abc222')
    expect(got.data['status']).toBe('done')
    expect(got.body).toBe('New body\n')
  })

  it('reports a file named after the id that does not parse, warm or cold', () => {
    writeFile(root, 'data/tasks/task-bad111.md', doc(['id: task-bad111', 'type: task', 'title: [broken']))
    ageAll()
    for (const state of ['cold', 'warm']) {
      if (state === 'cold') cold()
      else warm()
      const error = thrown(() => store().get('task-bad111'))
      expect(error, state).toBeInstanceOf(NotFoundError)
      expect(error.hint, state).toMatch(/could not be read; run psp validate/)
      // The other records are found as before.
      expect(store().get('abc1').path).toBe(LOGIN)
    }
  })

  it('still throws the ambiguity error for an ambiguous prefix, warm or cold', () => {
    for (const state of ['cold', 'warm']) {
      if (state === 'cold') cold()
      else warm()
      for (const query of ['abc', 'task-abc', 'task-', 'ABC']) {
        const error = thrown(() => store().get(query))
        expect(error, `${state} ${query}`).toBeInstanceOf(AmbiguousIdError)
        expect(error.data['candidates'], `${state} ${query}`).toEqual(expect.arrayContaining(['task-abc111', 'task-abc222']))
      }
    }
  })

  it('throws the ambiguity error when more files match than a lookup reads', () => {
    for (let i = 0; i < 10; i++) writeFile(root, `data/tasks/task-q${i}zz.md`, doc([`id: task-q${i}zz`, 'type: task', `title: Q${i}`, 'status: todo']))
    ageAll()
    warm()
    const error = thrown(() => store().get('q'))
    expect(error).toBeInstanceOf(AmbiguousIdError)
    expect(error.data['candidates']).toHaveLength(10)
    expect(store().get('q7').id).toBe('task-q7zz')
  })

  it('finds a record by type, and explains a record of another type', () => {
    warm()
    expect(store().get('ppp', 'project').path).toBe(PROJECT)
    expect(store().get('abc1', 'task').path).toBe(LOGIN)
    const error = thrown(() => store().get('ppp', 'task'))
    expect(error).toBeInstanceOf(NotFoundError)
    expect(error.hint).toMatch(/proj-ppp111 is a project/)
  })

  it('does not return a file deleted after the names cache was written', () => {
    warm()
    expect(store().get('task-abc222').path).toBe(OTHER)
    expect(fs.existsSync(path.join(root, LAYOUT.cache, 'names.json'))).toBe(true)
    const folder = path.posix.dirname(OTHER)
    const when = new Date(fs.statSync(path.join(root, folder)).mtimeMs)
    fs.rmSync(path.join(root, OTHER))
    // The folder's old mtime given back: the cached names still list the file.
    setTime(folder, when)
    expect(thrown(() => store().get('task-abc222'))).toBeInstanceOf(NotFoundError)
    expect(thrown(() => store().get('abc222'))).toBeInstanceOf(NotFoundError)
    // A prefix that matched both: now only the other one.
    expect(store().get('abc').id).toBe('task-abc111')
    // Without the trick (the folder's mtime changes as it does): not found either.
    fs.rmSync(path.join(root, LOGIN))
    expect(thrown(() => store().get('task-abc111'))).toBeInstanceOf(NotFoundError)
  })

  it('finds a file added to a folder after the caches were written', () => {
    warm()
    store().get('abc1')
    writeFile(root, 'data/tasks/task-new555-fresh.md', doc(['id: task-new555', 'type: task', 'title: Fresh', 'status: todo'], 'New.\n'))
    expect(store().get('task-new555').title).toBe('Fresh')
    expect(store().get('new5').body).toBe('New.\n')
    // With the folder's old mtime given back, the names cache misses it; the index finds it.
    const folder = 'data/projects/proj-ppp111-site/tasks'
    const when = new Date(fs.statSync(path.join(root, folder)).mtimeMs)
    writeFile(root, `${folder}/task-hid666.md`, doc(['id: task-hid666', 'type: task', 'title: Hidden', 'status: todo']))
    setTime(folder, when)
    expect(store().get('task-hid666').title).toBe('Hidden')
    expect(store().get('hid').title).toBe('Hidden')
  })

  it('exposes the body a full parse gives, for LF, CRLF and BOM documents', () => {
    for (const state of ['cold', 'warm']) {
      if (state === 'cold') cold()
      else warm()
      for (const [query, rel, body] of [
        ['xyz', CRLF, '\r\nLine one\r\nLine two\r\n'],
        ['bom', BOM, 'BOM body\n'],
        ['abc1', LOGIN, '\n# Fix login\n\n---\n\nDetails.\n'],
        ['ppp', PROJECT, '\nThe site.\n'],
      ] as const) {
        const got = store().get(query)
        expect(got.body, `${state} ${query}`).toBe(body)
        expect(got.body, `${state} ${query}`).toBe(readDocument(Workspace.open(root), rel).record.body)
      }
    }
  })

  // The index stores frontmatter as JSON, which has no .inf or .nan: the shard notes where they
  // are, so a warm lookup (and load()) gives the same data as a parse.
  it('gives the same data warm and cold for values JSON cannot hold (.inf, .nan)', () => {
    const rel = 'data/tasks/task-inf111.md'
    writeFile(root, rel, doc(['id: task-inf111', 'type: task', 'title: Inf', 'status: todo', 'x_big: .inf', 'x_nan: .nan']))
    ageAll()
    cold()
    const coldData = store().get('task-inf111').data
    expect(coldData['x_big']).toBe(Infinity)
    warm()
    expect(store().get('task-inf111').data).toEqual(coldData)
  })
})


const ZERO = '0000000000'

describe('DocumentStore.create: ids in use, from file names', () => {
  for (const [what, rel, type] of [
    ['<id>-<slug>.md', `data/tasks/task-${ZERO}-existing.md`, 'task'],
    ['<id>.md', `data/tasks/task-${ZERO}.md`, 'task'],
    ['an upper-case name', `data/tasks/TASK-${ZERO}-Existing.md`, 'task'],
    ['a file in another folder', `data/projects/proj-ppp111-site/tasks/task-${ZERO}-deep.md`, 'task'],
    ['a project folder', `data/projects/proj-${ZERO}-old/project.md`, 'project'],
    ['a file whose id is different', `data/tasks/task-${ZERO}-mislabelled.md`, 'task'],
  ] as const) {
    it(`never reuses an id named by ${what}`, () => {
      const id = `${type === 'task' ? 'task' : 'proj'}-${ZERO}`
      writeFile(root, rel, doc([`id: ${what.includes('different') ? 'task-other' : id}`, `type: ${type}`, 'title: Existing', ...(type === 'task' ? ['status: todo'] : [])]))
      const {record} = withZeroIds(1, () => store().create({type, title: 'New one'}))
      expect(record.id).not.toBe(id)
      expect(record.id.startsWith(`${id.split('-')[0]}-`)).toBe(true)
    })
  }

  it('sees a file added after the names cache was written (its folder has a new mtime)', () => {
    warm()
    store().get('abc1')
    writeFile(root, `data/tasks/task-${ZERO}-late.md`, doc([`id: task-${ZERO}`, 'type: task', 'title: Late', 'status: todo']))
    const {record} = withZeroIds(1, () => store().create({type: 'task', title: 'New one'}))
    expect(record.id).not.toBe(`task-${ZERO}`)
  })

  it('takes an id that only a longer id or a slug word starts with', () => {
    writeFile(root, `data/tasks/task-${ZERO}0-longer.md`, doc([`id: task-${ZERO}0`, 'type: task', 'title: Longer', 'status: todo']))
    writeFile(root, `data/tasks/task-abc-${ZERO}.md`, doc(['id: task-abc', 'type: task', 'title: Slug', 'status: todo']))
    const {record} = withZeroIds(1, () => store().create({type: 'task', title: 'New one'}))
    expect(record.id).toBe(`task-${ZERO}`)
    expect(record.path).toBe(`data/tasks/task-${ZERO}-new-one.md`)
    expect(store().get(`task-${ZERO}`).title).toBe('New one')
  })
})
