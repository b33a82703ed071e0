import fs from 'node:fs'
import path from 'node:path'
import {describe, expect, it} from 'vitest'
import {openSearchIndex, SEARCH_INDEX_FORMAT, type SearchIndex} from '@psp/core'
import {age, cacheFile, entriesOf, listDocs, newCounter, useRoots, writeDoc, writeRel} from './_search-helpers.js'

const newRoot = useRoots()

/** A small workspace whose files are a minute old (so none is "racy" against the cache). */
function seeded(): string {
  const root = newRoot()
  writeDoc(root, 'data/projects/p1/project.md', {id: 'p1', type: 'project', title: 'Website relaunch'}, 'Relaunch the marketing website.\n')
  writeDoc(root, 'data/projects/p1/tasks/t1.md', {id: 't1', title: 'Deploy pipeline', tags: ['ci']}, 'Build the deploy pipeline with caching.\n')
  writeDoc(root, 'data/projects/p1/tasks/t2.md', {id: 't2', title: 'Write copy'}, 'Draft the landing page copy.\n')
  writeDoc(root, 'data/projects/p1/notes/n1.md', {id: 'n1', type: 'note', title: 'Hosting options'}, 'Compare static hosting for the website.\n')
  listDocs(root).forEach((rel, i) => age(root, rel, 60 + i))
  return root
}

async function open(root: string, counter = newCounter(), extra: {save?: boolean; rebuild?: boolean} = {}): Promise<SearchIndex> {
  return openSearchIndex({root, entries: entriesOf(root, counter), ...extra})
}

const ids = (index: SearchIndex, query: string) =>
  index
    .search(query, {limit: 100})
    .map((h) => h.id)
    .sort()

describe('the persisted search index', () => {
  it('is built and saved on first use, then opened warm without reading a single document', async () => {
    const root = seeded()
    const first = newCounter()
    const cold = await open(root, first)
    expect(cold.stats).toMatchObject({rebuilt: 'missing', added: 4, loaded: 4, documents: 4, saved: true})
    expect(first.count).toBe(4)
    expect(fs.existsSync(cacheFile(root))).toBe(true)
    const before = fs.readFileSync(cacheFile(root), 'utf8')
    const saved = JSON.parse(before) as {format: string}
    expect(saved.format).toBe(SEARCH_INDEX_FORMAT)

    const second = newCounter()
    const warm = await open(root, second)
    expect(second.count).toBe(0)
    expect(warm.stats).toEqual({
      documents: 4,
      added: 0,
      updated: 0,
      removed: 0,
      unchanged: 4,
      unreadable: 0,
      loaded: 0,
      rebuilt: null,
      saved: false,
    })
    expect(fs.readFileSync(cacheFile(root), 'utf8')).toBe(before)
    // The restored index answers exactly as the freshly built one did.
    for (const query of ['website', 'deploy pipeline', 'pipl', 'hostng', 'ci', 'the', 'compare website']) {
      expect(warm.search(query, {match: 'any'})).toEqual(cold.search(query, {match: 'any'}))
    }
    expect(ids(warm, 'website')).toEqual(['n1', 'p1'])
    expect(ids(warm, 'pipline')).toEqual(['t1'])
    expect(ids(warm, 'ci')).toEqual(['t1'])
  })

  it('sees an edit on the very next open, reading only the edited file', async () => {
    const root = seeded()
    await open(root)
    writeDoc(root, 'data/projects/p1/tasks/t2.md', {id: 't2', title: 'Write copy'}, 'Translate the landing page into Italian.\n')
    // (Aged so that the final warm open below cannot meet it as a racy file; see the racy tests.)
    age(root, 'data/projects/p1/tasks/t2.md', 5)
    const counter = newCounter()
    const index = await open(root, counter)
    expect(counter.paths).toEqual(['data/projects/p1/tasks/t2.md'])
    expect(index.stats).toMatchObject({updated: 1, added: 0, removed: 0, unchanged: 3, saved: true})
    expect(ids(index, 'italian')).toEqual(['t2'])
    expect(ids(index, 'draft')).toEqual([])
    expect(index.search('italian')[0]?.snippet.marked).toBe('Translate the landing page into **Italian**.')
    // And the saved cache carries the edit.
    const again = newCounter()
    const warm = await open(root, again)
    expect(again.count).toBe(0)
    expect(ids(warm, 'italian')).toEqual(['t2'])
    // Snippets read the bodies of the hits without parsing them (no load()).
    expect(again.paths).toEqual([])
  })

  it('sees a title or type change, a deletion, an addition and an archived file', async () => {
    const root = seeded()
    await open(root)
    const t1 = {id: 't1', type: 'decision', title: 'Deploy with rsync'}
    writeDoc(root, 'data/projects/p1/tasks/t1.md', t1, 'Build the deploy pipeline with caching.\n')
    fs.rmSync(path.join(root, 'data/projects/p1/notes/n1.md'))
    writeDoc(root, 'data/projects/p2/tasks/t9.md', {id: 't9', title: 'Hosting costs'}, 'Estimate the hosting bill.\n')
    fs.mkdirSync(path.join(root, 'data/archive/tasks'), {recursive: true})
    fs.renameSync(path.join(root, 'data/projects/p1/tasks/t2.md'), path.join(root, 'data/archive/tasks/t2.md'))
    const counter = newCounter()
    const index = await open(root, counter)
    expect(counter.paths.sort()).toEqual(['data/projects/p1/tasks/t1.md', 'data/projects/p2/tasks/t9.md'])
    expect(index.stats).toMatchObject({updated: 1, added: 1, removed: 2, unchanged: 1, documents: 3})
    expect(index.search('rsync')[0]).toMatchObject({id: 't1', type: 'decision', title: 'Deploy with rsync'})
    expect(ids(index, 'hosting')).toEqual(['t9'])
    expect(ids(index, 'landing')).toEqual([])
  })

  it('gives the same results after incremental updates as after a rebuild from scratch', async () => {
    const root = seeded()
    await open(root)
    for (let i = 0; i < 30; i++) {
      writeDoc(root, `data/projects/p3/tasks/x${i}.md`, {id: `x${i}`, title: `Website task ${i}`}, `Deploy ${'website '.repeat(i % 4)}part ${i}.\n`)
    }
    await open(root)
    for (let i = 0; i < 30; i += 3) fs.rmSync(path.join(root, `data/projects/p3/tasks/x${i}.md`))
    for (let i = 1; i < 30; i += 3) {
      writeDoc(root, `data/projects/p3/tasks/x${i}.md`, {id: `x${i}`, title: `Changed ${i}`}, `Deploy the pipeline ${i}.\n`)
    }
    const incremental = await open(root)
    const rebuilt = await open(root, newCounter(), {rebuild: true})
    expect(rebuilt.stats.rebuilt).toBe('forced')
    for (const query of ['website', 'deploy', 'pipeline', 'deploy website', 'changed']) {
      const a = incremental.search(query, {limit: 100})
      const b = rebuilt.search(query, {limit: 100})
      expect(a.map((h) => h.id)).toEqual(b.map((h) => h.id))
      a.forEach((hit, i) => expect(hit.score).toBeCloseTo((b[i] as {score: number}).score, 5))
    }
  })

  it('re-checks a file whose mtime is not older than the cache (same clock tick), by content', async () => {
    const root = seeded()
    const rel = 'data/projects/p1/tasks/t2.md'
    const future = new Date(Date.now() + 60_000)
    fs.utimesSync(path.join(root, rel), future, future)
    await open(root)
    // Unchanged but racy: read again, found identical, nothing rewritten.
    const check = newCounter()
    const same = await open(root, check)
    expect(check.paths).toEqual([rel])
    expect(same.stats).toMatchObject({unchanged: 4, updated: 0, saved: false})
    // Same size, same mtime, different words: only the racy check can see it.
    const text = fs.readFileSync(path.join(root, rel), 'utf8')
    fs.writeFileSync(path.join(root, rel), text.replace('Draft the landing', 'Ships the fancier'))
    expect(fs.statSync(path.join(root, rel)).size).toBe(text.length)
    fs.utimesSync(path.join(root, rel), future, future)
    const index = await open(root)
    expect(index.stats.updated).toBe(1)
    expect(ids(index, 'fancier')).toEqual(['t2'])
  })

  it('re-saves once after a racy file proved unchanged, so later opens trust it again', async () => {
    const root = seeded()
    await open(root)
    const rel = 'data/projects/p1/notes/n1.md' // the newest file
    const mtime = fs.statSync(path.join(root, rel)).mtime
    // The cache written in the same clock tick as the file was last changed.
    fs.utimesSync(cacheFile(root), mtime, mtime)
    const check = newCounter()
    const verified = await open(root, check)
    expect(check.paths).toEqual([rel])
    expect(verified.stats).toMatchObject({unchanged: 4, updated: 0, saved: true})
    const next = newCounter()
    await open(root, next)
    expect(next.count).toBe(0)
  })

  it('sees an edit made right after the cache was written, whatever the clock granularity', async () => {
    const root = seeded()
    const rel = 'data/projects/p1/tasks/t2.md'
    for (let round = 0; round < 5; round++) {
      await open(root)
      writeDoc(root, rel, {id: 't2', title: 'Write copy'}, `Round word${round} here.\n`)
      expect(ids(await open(root), `word${round}`)).toEqual(['t2'])
    }
  })

  it('updates only the stat when a file is touched without changing its content', async () => {
    const root = seeded()
    await open(root)
    const rel = 'data/projects/p1/tasks/t1.md'
    fs.utimesSync(path.join(root, rel), new Date(Date.now() - 30_000), new Date(Date.now() - 30_000))
    const touched = newCounter()
    const index = await open(root, touched)
    expect(touched.paths).toEqual([rel])
    expect(index.stats).toMatchObject({unchanged: 4, updated: 0, saved: true})
    const next = newCounter()
    await open(root, next)
    expect(next.count).toBe(0)
  })

  it('skips an unreadable document without reading it again until it changes', async () => {
    const root = seeded()
    writeRel(root, 'data/projects/p1/tasks/bad.md', '---\nid: bad\ntitle: [unclosed\n---\nbroken pipeline\n')
    age(root, 'data/projects/p1/tasks/bad.md')
    const first = await open(root)
    expect(first.stats).toMatchObject({unreadable: 1, documents: 4})
    expect(ids(first, 'broken')).toEqual([])
    const counter = newCounter()
    const warm = await open(root, counter)
    expect(counter.count).toBe(0)
    expect(warm.stats).toMatchObject({unreadable: 1, saved: false})
    writeDoc(root, 'data/projects/p1/tasks/bad.md', {id: 'bad', title: 'Fixed'}, 'broken pipeline, fixed\n')
    const fixed = await open(root)
    expect(fixed.stats).toMatchObject({added: 1, unreadable: 0, documents: 5})
    expect(ids(fixed, 'broken')).toEqual(['bad'])
  })

  it('falls back to the title for a snippet when the file vanished after opening', async () => {
    const root = seeded()
    const index = await open(root)
    fs.rmSync(path.join(root, 'data/projects/p1/tasks/t2.md'))
    expect(index.search('landing')[0]?.snippet).toMatchObject({source: 'title', text: 'Write copy'})
  })

  it('vacuums discarded documents out of the saved index once enough have piled up', async () => {
    const root = seeded()
    for (let i = 0; i < 25; i++) writeDoc(root, `data/projects/p4/tasks/y${i}.md`, {id: `y${i}`, title: `Gone ${i}`}, `ephemeral${i} words\n`)
    await open(root)
    for (let i = 0; i < 25; i++) fs.rmSync(path.join(root, `data/projects/p4/tasks/y${i}.md`))
    const index = await open(root)
    expect(index.stats).toMatchObject({removed: 25, documents: 4})
    const saved = JSON.parse(fs.readFileSync(cacheFile(root), 'utf8')) as {engine: {dirtCount: number; terms: string[][]}}
    expect(saved.engine.dirtCount).toBe(0)
    expect(saved.engine.terms.some((row) => String(row[0]).startsWith('ephemeral'))).toBe(false)
    expect(ids(index, 'ephemeral3')).toEqual([])
  })

  it('writes nothing with save: false, and still searches when the cache cannot be written', async () => {
    const root = seeded()
    const readOnly = await open(root, newCounter(), {save: false})
    expect(readOnly.stats.saved).toBe(false)
    expect(fs.existsSync(cacheFile(root))).toBe(false)
    // A file where the cache folder should be: the write fails, the search does not.
    writeRel(root, 'data/cache/search', 'not a folder')
    const blocked = await open(root)
    expect(blocked.stats.saved).toBe(false)
    expect(blocked.stats.saveError).toEqual(expect.any(String))
    expect(ids(blocked, 'website')).toEqual(['n1', 'p1'])
  })

  it('takes each path once when the caller lists it twice', async () => {
    const root = seeded()
    const entries = entriesOf(root)
    const index = await openSearchIndex({root, entries: [...entries, ...entries]})
    expect(index.size).toBe(4)
  })
})

describe('a damaged cache', () => {
  const damage: Array<[string, (text: string) => string, string]> = [
    ['truncated JSON', (text) => text.slice(0, Math.floor(text.length / 2)), 'corrupt'],
    ['an empty file', () => '', 'corrupt'],
    ['binary garbage', () => '\u0000\u0001\u0002garbage', 'corrupt'],
    ['a JSON array', () => '[1, 2, 3]', 'corrupt'],
    ['another format version', (text) => text.replace(SEARCH_INDEX_FORMAT, 'psp-search/0'), 'version'],
    ['no engine', (text) => JSON.stringify({...JSON.parse(text), engine: undefined}), 'corrupt'],
    [
      'a manifest entry of the wrong shape',
      (text) => text.replace(/"data\/projects\/p1\/tasks\/t1\.md":\[[^\]]*\]/, '"data/projects/p1/tasks/t1.md":"x"'),
      'corrupt',
    ],
    [
      'a bad document row',
      (text) => {
        const data = JSON.parse(text) as {files: Record<string, unknown[]>}
        data.files['data/projects/p1/tasks/t1.md'] = [1, 2, 'hash', 'not a short id', 'x', 'task', 'T', 1, 1, 1]
        return JSON.stringify(data)
      },
      'corrupt',
    ],
    [
      'a short id out of range',
      (text) => {
        const data = JSON.parse(text) as {files: Record<string, unknown[]>}
        const row = data.files['data/projects/p1/tasks/t1.md'] as unknown[]
        row[3] = 10_000
        return JSON.stringify(data)
      },
      'corrupt',
    ],
    [
      'a bad term row',
      (text) => {
        const data = JSON.parse(text) as {engine: {terms: unknown[]}}
        data.engine.terms.push([42, 'x'])
        return JSON.stringify(data)
      },
      'corrupt',
    ],
  ]

  it.each(damage)('is rebuilt silently from %s', async (_name, spoil, reason) => {
    const root = seeded()
    const fresh = await open(root)
    const expected = ['website', 'pipeline', 'copy', 'hosting'].map((q) => ids(fresh, q))
    fs.writeFileSync(cacheFile(root), spoil(fs.readFileSync(cacheFile(root), 'utf8')))
    const counter = newCounter()
    const rebuilt = await open(root, counter)
    expect(rebuilt.stats).toMatchObject({rebuilt: reason, added: 4, saved: true})
    expect(counter.count).toBe(4)
    expect(['website', 'pipeline', 'copy', 'hosting'].map((q) => ids(rebuilt, q))).toEqual(expected)
    // The rewritten cache is good again.
    const next = newCounter()
    expect((await open(root, next)).stats.rebuilt).toBeNull()
    expect(next.count).toBe(0)
  })

  it('re-indexes a file whose row went missing from the cache, and nothing else', async () => {
    const root = seeded()
    const fresh = await open(root)
    const expected = ['website', 'pipeline', 'deploy', 'ci'].map((q) => fresh.search(q))
    const data = JSON.parse(fs.readFileSync(cacheFile(root), 'utf8')) as {files: Record<string, unknown>}
    delete data.files['data/projects/p1/tasks/t1.md']
    fs.writeFileSync(cacheFile(root), JSON.stringify(data))
    const counter = newCounter()
    const index = await open(root, counter)
    expect(counter.paths).toEqual(['data/projects/p1/tasks/t1.md'])
    expect(index.stats).toMatchObject({rebuilt: null, added: 1, unchanged: 3, documents: 4})
    const after = ['website', 'pipeline', 'deploy', 'ci'].map((q) => index.search(q))
    expect(after.map((hits) => hits.map((h) => h.id))).toEqual(expected.map((hits) => hits.map((h) => h.id)))
  })

  it('survives posting lists mangled inside valid JSON (no crash, the rest still searches)', async () => {
    const root = seeded()
    await open(root)
    const data = JSON.parse(fs.readFileSync(cacheFile(root), 'utf8')) as {engine: {terms: Array<Array<string | number>>}}
    for (const row of data.engine.terms) if (row[0] === 'pipeline') row[2] = '!!,:,zz:0,-'
    fs.writeFileSync(cacheFile(root), JSON.stringify(data))
    const index = await open(root)
    expect(() => index.search('pipeline')).not.toThrow()
    expect(ids(index, 'website')).toEqual(['n1', 'p1'])
  })

  it('loses nothing when data/cache is deleted', async () => {
    const root = seeded()
    const before = await open(root)
    const queries = ['website', 'deploy', 'copy', 'hosting options', 'pipline']
    const expected = queries.map((q) => before.search(q))
    fs.rmSync(path.join(root, 'data/cache'), {recursive: true, force: true})
    const after = await open(root)
    expect(after.stats.rebuilt).toBe('missing')
    expect(queries.map((q) => after.search(q))).toEqual(expected)
    expect(fs.existsSync(cacheFile(root))).toBe(true)
  })
})
