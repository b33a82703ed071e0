import {describe, expect, it} from 'vitest'
import type {DocumentRecord} from '@psp/core'
import {UsageError} from '@psp/core'
import {openSearchIndex, SearchIndex} from '@psp/core'
import {entriesOf, useRoots, writeDoc} from './_search-helpers.js'

function record(id: string, title: string, body: string, extra: Partial<DocumentRecord> = {}): DocumentRecord {
  const type = extra.type ?? 'task'
  return {
    id,
    type,
    title,
    path: extra.path ?? `data/projects/p/${type}s/${id}.md`,
    archived: extra.archived ?? false,
    data: extra.data ?? {id, type, title},
    body,
  }
}

const ids = (hits: Array<{id: string}>) => hits.map((h) => h.id)

describe('SearchIndex ranking and matching', () => {
  const index = SearchIndex.fromRecords([
    record('body-hit', 'Weekly notes', 'We talked about the release and how to deploy it safely.'),
    record('title-hit', 'Deploy the website', 'Notes about the launch and the release.'),
    record('many', 'Ops log one', 'pipeline pipeline pipeline and more words about nothing much'),
    record('once', 'Ops log two', 'pipeline and some other words about nothing much at all'),
    record('mtg', 'Meeting', 'Decided to pick postgres.', {type: 'decision'}),
    record('tagged', 'Untitled', 'Nothing here.', {data: {id: 'tagged', type: 'task', tags: ['kubernetes', 'infra']}}),
    record('both', 'Deploy pipeline rework', 'Rework the deploy pipeline so it retries.'),
  ])

  it('ranks a title match above a body match', () => {
    const hits = index.search('website deploy', {match: 'any'})
    expect(ids(hits).indexOf('title-hit')).toBeLessThan(ids(hits).indexOf('body-hit'))
    expect(ids(index.search('deploy')).slice(0, 2).sort()).toEqual(['both', 'title-hit'])
    expect(ids(index.search('deploy'))).toContain('body-hit')
  })

  it('ranks more occurrences higher, all else equal', () => {
    const hits = index.search('pipeline', {type: 'task'})
    expect(ids(hits).indexOf('many')).toBeLessThan(ids(hits).indexOf('once'))
    expect(hits.every((h, i) => i === 0 || (hits[i - 1] as {score: number}).score >= h.score)).toBe(true)
  })

  it('finds a word by its prefix (3 characters or more)', () => {
    expect(ids(index.search('deplo'))).toContain('title-hit')
    expect(ids(index.search('pipel'))).toEqual(expect.arrayContaining(['many', 'once', 'both']))
    expect(() => index.search('de')).not.toThrow()
    expect(ids(index.search('de'))).toEqual([])
  })

  it('tolerates a typo in words of 5 characters or more, and reports the real term', () => {
    const hits = index.search('pipline')
    expect(ids(hits)).toEqual(expect.arrayContaining(['many', 'once', 'both']))
    expect(hits[0]?.terms).toContain('pipeline')
    expect(hits[0]?.snippet.marked).toContain('**pipeline**')
    expect(ids(index.search('kubernets'))).toEqual(['tagged'])
    // Short words are matched exactly only: "pick" must not find "pipe…" words by a typo.
    expect(ids(index.search('pock'))).toEqual([])
  })

  it('requires every word by default, any word with match: any', () => {
    expect(ids(index.search('deploy retries'))).toEqual(['both'])
    expect(ids(index.search('deploy postgres'))).toEqual([])
    expect(ids(index.search('deploy postgres', {match: 'any'}))).toEqual(expect.arrayContaining(['mtg', 'both', 'title-hit']))
  })

  it('searches tags as text', () => {
    expect(ids(index.search('infra'))).toEqual(['tagged'])
  })

  it('filters by one or several types', () => {
    expect(ids(index.search('postgres', {type: 'task'}))).toEqual([])
    expect(ids(index.search('postgres', {type: 'decision'}))).toEqual(['mtg'])
    expect(ids(index.search('postgres deploy', {type: ['decision', 'task'], match: 'any'}))).toContain('mtg')
    expect(index.search('postgres', {type: 'decision'})[0]).toMatchObject({
      id: 'mtg',
      type: 'decision',
      title: 'Meeting',
      path: 'data/projects/p/decisions/mtg.md',
    })
  })

  it('returns at most `limit` hits, the best ones', () => {
    const all = index.search('pipeline')
    expect(all.length).toBeGreaterThan(2)
    expect(index.search('pipeline', {limit: 2})).toEqual(all.slice(0, 2))
  })

  it('refuses a query without words and a bad limit with a UsageError', () => {
    expect(() => index.search('  ?! 🚀 ')).toThrow(UsageError)
    expect(() => index.search('')).toThrow(UsageError)
    for (const limit of [0, -1, 1.5, Number.NaN]) expect(() => index.search('deploy', {limit})).toThrow(UsageError)
  })

  it('returns a snippet of the body around the match, and the title matches', () => {
    const [hit] = index.search('retries')
    expect(hit?.snippet).toEqual({
      text: 'Rework the deploy pipeline so it retries.',
      marked: 'Rework the deploy pipeline so it **retries**.',
      matches: [{start: 33, end: 40}],
      source: 'body',
    })
    const [titled] = index.search('website')
    expect(titled?.titleMatches).toEqual([{start: 11, end: 18}])
  })

  it('falls back to the title for the snippet when the body is empty', () => {
    const small = SearchIndex.fromRecords([record('t', 'Deploy checklist', '\n')])
    expect(small.search('checklist')[0]?.snippet).toMatchObject({source: 'title', marked: 'Deploy **checklist**'})
  })

  it('breaks score ties by path, so results are stable', () => {
    const twins = SearchIndex.fromRecords([
      record('b', 'Same', 'identical words here', {path: 'data/b.md'}),
      record('a', 'Same', 'identical words here', {path: 'data/a.md'}),
    ])
    expect(twins.search('identical').map((h) => h.path)).toEqual(['data/a.md', 'data/b.md'])
    const triplets = SearchIndex.fromRecords(
      ['c', 'a', 'd', 'b'].map((name) => record(name, 'Same', 'identical words here', {path: `data/${name}.md`})),
    )
    expect(triplets.search('identical', {limit: 2}).map((h) => h.path)).toEqual(['data/a.md', 'data/b.md'])
  })

  it('leaves archived records out', () => {
    const withArchive = SearchIndex.fromRecords([
      record('old', 'Deploy v1', 'old', {archived: true, path: 'data/archive/tasks/old.md'}),
      record('new', 'Deploy v2', 'new'),
    ])
    expect(ids(withArchive.search('deploy'))).toEqual(['new'])
    expect(withArchive.size).toBe(1)
  })
})

describe('openSearchIndex over files', () => {
  const newRoot = useRoots()

  it('indexes every document type under data/, not the archive, and strips Markdown in snippets', async () => {
    const root = newRoot()
    const steps = '\n## Steps\n\nWrite the **deployment** [pipeline](https://ci.example.com/x).\n'
    writeDoc(root, 'data/projects/p1/tasks/t1.md', {id: 't1', title: 'Set up CI'}, steps)
    writeDoc(root, 'data/projects/p1/notes/n1.md', {id: 'n1', type: 'note', title: 'Research'}, 'Compare pipeline tools.\n')
    writeDoc(root, 'data/projects/p1/project.md', {id: 'p1', type: 'project', title: 'Pipeline project'})
    writeDoc(root, 'data/archive/tasks/t0.md', {id: 't0', title: 'Old pipeline'}, 'pipeline\n')
    const index = await openSearchIndex({root, entries: entriesOf(root)})
    expect(index.size).toBe(3)
    const hits = index.search('pipeline')
    expect(hits.map((h) => h.id).sort()).toEqual(['n1', 'p1', 't1'])
    expect(hits[0]?.id).toBe('p1')
    const t1 = hits.find((h) => h.id === 't1')
    expect(t1?.snippet.text).toBe('Steps Write the deployment pipeline.')
    expect(t1?.snippet.marked).toBe('Steps Write the deployment **pipeline**.')
    expect(index.search('pipeline', {type: 'note'}).map((h) => h.id)).toEqual(['n1'])
  })

  it('finds emoji-laden and non-Latin documents and cuts their snippets cleanly', async () => {
    const root = newRoot()
    const body = `${'🎉🚀 '.repeat(60)}Déploiement réussi 🎉 ${'👨‍👩‍👧 '.repeat(60)}`
    writeDoc(root, 'data/projects/p/tasks/e.md', {id: 'e', title: 'Fête 🎉'}, body)
    writeDoc(root, 'data/projects/p/tasks/k.md', {id: 'k', title: '배포 계획'}, '서버 배포 준비\n')
    const index = await openSearchIndex({root, entries: entriesOf(root)})
    const [hit] = index.search('deploiement')
    expect(hit?.id).toBe('e')
    expect(hit?.snippet.marked).toContain('**Déploiement**')
    expect(hit?.snippet.text).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/)
    expect(index.search('fete').map((h) => h.id)).toEqual(['e'])
    expect(index.search('배포').map((h) => h.id)).toEqual(['k'])
  })
})
