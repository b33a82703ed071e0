/**
 * The document index under data/cache/index/: built on first use, trusted while a file's stat is
 * unchanged, re-checked when a file changed too close to the shard's write (racily clean), and
 * disposable: corrupt, foreign or deleted shards are rebuilt and nothing is lost.
 */
import fs from 'node:fs'
import path from 'node:path'
import {afterEach, describe, expect, it, vi} from 'vitest'
import {DocumentStore, LAYOUT, loadSnapshot, refreshIndex, statDocumentFiles, Workspace, type IndexEntry, type StatEntry} from '@psp/core'
import {doc, useTempDirs, useWorkspaces, writeFile} from './_helpers.js'

const workspace = useWorkspaces()
const tempDir = useTempDirs()

/** Sets a file's mtime well in the past, so the index trusts it (not racily clean). */
function age(root: string, rel: string, secondsAgo = 60): void {
  const when = new Date(Date.now() - secondsAgo * 1000)
  fs.utimesSync(path.join(root, rel), when, when)
}

function task(id: string, title: string, extra: string[] = []): string {
  return doc([`id: ${id}`, 'type: task', `title: ${title}`, 'status: todo', ...extra], `\nBody of ${title}.\n`)
}

function seed(root: string, n: number): string[] {
  const rels: string[] = []
  for (let i = 0; i < n; i++) {
    const rel = `data/projects/p${i % 3}/tasks/task-t${i}.md`
    writeFile(root, rel, task(`task-t${i}`, `Task ${i}`))
    age(root, rel)
    rels.push(rel)
  }
  return rels
}

describe('refreshIndex', () => {
  const stats = (dir: string, files: string[]): StatEntry[] =>
    files.map((f) => {
      const st = fs.statSync(path.join(dir, f))
      return {path: f, mtimeMs: st.mtimeMs, size: st.size}
    })

  it('parses every file once, then trusts unchanged stats', () => {
    const dir = tempDir()
    const files = ['a/x.md', 'a/y.md', 'b/z.md']
    for (const f of files) {
      fs.mkdirSync(path.join(dir, path.dirname(f)), {recursive: true})
      fs.writeFileSync(path.join(dir, f), f)
      age(dir, f)
    }
    let parses = 0
    const parse = (s: StatEntry): IndexEntry => {
      parses++
      return {...s, problem: {path: s.path, line: 1, col: 1, message: fs.readFileSync(path.join(dir, s.path), 'utf8'), code: 'X'}}
    }
    const cache = path.join(dir, 'cache')
    const first = refreshIndex(cache, 'k', stats(dir, files), (list) => list.map(parse))
    expect(first.stats).toMatchObject({files: 3, reparsed: 3, shardsWritten: 2})
    const second = refreshIndex(cache, 'k', stats(dir, files), (list) => list.map(parse))
    expect(second.stats).toMatchObject({files: 3, reparsed: 0, shardsWritten: 0})
    expect(parses).toBe(3)
    expect(second.entries.map((e) => e.problem?.message).sort()).toEqual(['a/x.md', 'a/y.md', 'b/z.md'])
  })

  it('discards shards written under another key, or corrupt ones, and drops shards of vanished folders', () => {
    const dir = tempDir()
    fs.mkdirSync(path.join(dir, 'a'))
    fs.writeFileSync(path.join(dir, 'a/x.md'), 'x')
    age(dir, 'a/x.md')
    const parse = (list: StatEntry[]): IndexEntry[] => list.map((s) => ({...s}))
    const cache = path.join(dir, 'cache')
    refreshIndex(cache, 'k1', stats(dir, ['a/x.md']), parse)
    expect(refreshIndex(cache, 'k2', stats(dir, ['a/x.md']), parse).stats.reparsed).toBe(1)
    const [shard] = fs.readdirSync(cache)
    fs.writeFileSync(path.join(cache, shard as string), '{"format": 1, "entr')
    expect(refreshIndex(cache, 'k2', stats(dir, ['a/x.md']), parse).stats.reparsed).toBe(1)
    refreshIndex(cache, 'k2', [], parse)
    expect(fs.readdirSync(cache)).toEqual([])
  })

  it('leaves out a file the parse finds gone (deleted between the walk and the read)', () => {
    const dir = tempDir()
    const files = ['a/x.md', 'a/y.md']
    for (const f of files) {
      fs.mkdirSync(path.join(dir, 'a'), {recursive: true})
      fs.writeFileSync(path.join(dir, f), f)
      age(dir, f)
    }
    const cache = path.join(dir, 'cache')
    const walked = stats(dir, files)
    const first = refreshIndex(cache, 'k', walked, (list) => list.filter((s) => s.path !== 'a/y.md').map((s) => ({...s})))
    expect(first.entries.map((e) => e.path)).toEqual(['a/x.md'])
    // The shard holds what was read, so the next refresh (y.md now really gone) has nothing to do.
    fs.rmSync(path.join(dir, 'a/y.md'))
    const second = refreshIndex(cache, 'k', stats(dir, ['a/x.md']), () => {
      throw new Error('nothing should be parsed')
    })
    expect(second.stats).toMatchObject({reparsed: 0, removed: 0, shardsWritten: 0})
    expect(second.entries.map((e) => e.path)).toEqual(['a/x.md'])
  })
})

describe('the store reads through the index', () => {
  it('builds data/cache/index on first use and sees a hand edit on the very next load', async () => {
    const root = await workspace()
    const rels = seed(root, 30)
    const ws = Workspace.open(root)
    expect(loadSnapshot(ws).records).toHaveLength(30)
    expect(fs.readdirSync(ws.resolve(LAYOUT.index)).length).toBe(3)

    // Same size, new content, new mtime: a plain hand edit.
    const rel = rels[7] as string
    writeFile(root, rel, task('task-t7', 'Task X'))
    const edited = new DocumentStore(Workspace.open(root)).get('task-t7')
    expect(edited.title).toBe('Task X')
    expect(edited.body).toBe('\nBody of Task X.\n')
  })

  it('builds from nothing without a stat walk: each entry carries its file\'s stat, so the next load trusts them all', async () => {
    const root = await workspace()
    seed(root, 9)
    const ws = Workspace.open(root)
    expect(fs.existsSync(ws.resolve(LAYOUT.index))).toBe(false)
    expect(loadSnapshot(ws).records).toHaveLength(9)
    // The shards hold exactly the stats a walk finds, so checked against one nothing is parsed.
    const walked = statDocumentFiles(ws)
    const shards = fs.readdirSync(ws.resolve(LAYOUT.index)).map((f) => JSON.parse(fs.readFileSync(path.join(ws.resolve(LAYOUT.index), f), 'utf8')) as {key: string; entries: IndexEntry[]})
    const cached = shards.flatMap((s) => s.entries).sort((a, b) => (a.path < b.path ? -1 : 1))
    expect(cached.map(({path: p, mtimeMs, size}) => ({path: p, mtimeMs, size}))).toEqual(walked)
    const key = shards[0]?.key as string
    const refreshed = refreshIndex(ws.resolve(LAYOUT.index), key, walked, () => {
      throw new Error('nothing should be parsed')
    })
    expect(refreshed.stats).toMatchObject({files: 9, reparsed: 0, shardsWritten: 0})
  })

  it('re-checks a file changed within the same timestamp tick as the index write', async () => {
    const root = await workspace()
    const [rel] = seed(root, 1) as [string]
    const ws = Workspace.open(root)
    const mtime = new Date()
    fs.utimesSync(path.join(root, rel), mtime, mtime)
    expect(loadSnapshot(ws).records[0]?.title).toBe('Task 0')
    // Rewritten with the same size and the same mtime: only "racily clean" protects this.
    writeFile(root, rel, task('task-t0', 'Task Z'))
    fs.utimesSync(path.join(root, rel), mtime, mtime)
    expect(loadSnapshot(ws).records[0]?.title).toBe('Task Z')
  })

  it('keeps unreadable files as problems, and forgets deleted files', async () => {
    const root = await workspace()
    const rels = seed(root, 3)
    writeFile(root, 'data/tasks/broken.md', '---\nid: [\n---\n')
    age(root, 'data/tasks/broken.md')
    const ws = Workspace.open(root)
    const first = loadSnapshot(ws)
    expect(first.unreadable.map((p) => p.path)).toEqual(['data/tasks/broken.md'])
    const warm = loadSnapshot(ws)
    expect(warm.unreadable).toEqual(first.unreadable)
    fs.rmSync(path.join(root, rels[0] as string))
    expect(loadSnapshot(ws).records.map((r) => r.id).sort()).toEqual(['task-t1', 'task-t2'])
  })

  it('loses nothing when data/cache is deleted or corrupted', async () => {
    const root = await workspace()
    seed(root, 12)
    const ws = Workspace.open(root)
    const before = loadSnapshot(ws).records.map((r) => ({...r}))
    for (const shard of fs.readdirSync(ws.resolve(LAYOUT.index))) fs.writeFileSync(path.join(ws.resolve(LAYOUT.index), shard), 'garbage')
    expect(loadSnapshot(ws).records.map((r) => ({...r}))).toEqual(before)
    fs.rmSync(ws.resolve(LAYOUT.cache), {recursive: true})
    expect(loadSnapshot(ws).records.map((r) => ({...r}))).toEqual(before)
  })

  it('gives records whose body is read on demand and matches the file', async () => {
    const root = await workspace()
    seed(root, 2)
    const ws = Workspace.open(root)
    loadSnapshot(ws)
    const warm = loadSnapshot(ws).records.find((r) => r.id === 'task-t1')
    expect(warm?.body).toBe('\nBody of Task 1.\n')
    expect(JSON.parse(JSON.stringify(warm))).toMatchObject({id: 'task-t1', body: '\nBody of Task 1.\n'})
  })
})

describe('racily clean entries', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it('are re-checked while fresh, then trusted for good once the window has passed', () => {
    const dir = tempDir()
    fs.mkdirSync(path.join(dir, 'a'))
    fs.writeFileSync(path.join(dir, 'a/x.md'), 'x')
    const parse = (list: StatEntry[]): IndexEntry[] => list.map((s) => ({...s}))
    const st = fs.statSync(path.join(dir, 'a/x.md'))
    const files: StatEntry[] = [{path: 'a/x.md', mtimeMs: st.mtimeMs, size: st.size}]
    const cache = path.join(dir, 'cache')
    vi.useFakeTimers({toFake: ['Date']})
    vi.setSystemTime(st.mtimeMs + 100)
    refreshIndex(cache, 'k', files, parse)
    // Written in the same tick as the file: not trusted yet.
    expect(refreshIndex(cache, 'k', files, parse).stats.reparsed).toBe(1)
    // The file has aged (its stat unchanged): one last check, which rewrites the shard...
    vi.setSystemTime(st.mtimeMs + 10_000)
    expect(refreshIndex(cache, 'k', files, parse).stats).toMatchObject({reparsed: 1, shardsWritten: 1})
    // ...and from then on it is trusted.
    expect(refreshIndex(cache, 'k', files, parse).stats).toMatchObject({reparsed: 0, shardsWritten: 0})
  })
})
