/**
 * The document file names behind lookups by id: `filesNamedLike` (which files could hold an id a
 * query resolves to), `fileNamedAfter` (is a file named after exactly this id) and
 * `documentFileNames` (every folder's names, cached in data/cache/names.json and trusted while the
 * folder's mtime is unchanged and was not changed within the racy window of the listing).
 */
import fs from 'node:fs'
import path from 'node:path'
import fc from 'fast-check'
import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest'
import {documentFileNames, fileNamedAfter, filesNamedLike, LAYOUT, listDocumentFiles, walkDocumentFiles, Workspace} from '@psp/core'
import {doc, useWorkspaces, writeFile} from './_helpers.js'

// PSP_PROPERTY_RUNS=5000 explores further (slower); the default keeps the unit suite fast.
const RUNS = Number(process.env['PSP_PROPERTY_RUNS'] ?? 300)
// PSP_PROPERTY_SEED=<seed printed with a failure> replays that run.
const SEED = process.env['PSP_PROPERTY_SEED'] === undefined ? {} : {seed: Number(process.env['PSP_PROPERTY_SEED'])}

/** No limit worth the name: every match. */
const ALL = 1_000_000

/** A folder map as documentFileNames returns it: each folder's names written `\nname\n…\n`. */
function folders(spec: Record<string, string[]>): Map<string, string> {
  return new Map(Object.entries(spec).map(([folder, names]) => [folder, names.length === 0 ? '\n' : `\n${names.join('\n')}\n`]))
}

/** Every path a folder map lists (sorted). */
function flatten(map: Map<string, string>): string[] {
  const out: string[] = []
  for (const [folder, names] of map) {
    for (const name of names.split('\n')) if (name !== '') out.push(`${folder}/${name}`)
  }
  return out.sort()
}

const like = (map: Map<string, string>, query: string, limit = ALL) => filesNamedLike(map, query, limit).sort()

/**
 * The rule filesNamedLike implements, checked name by name: the lower-cased name (a project
 * file's folder name) starts with the query, or its part after the first dash does.
 */
function reference(spec: Record<string, string[]>, query: string): string[] {
  if (query === '' || /[\n\r]/.test(query)) return []
  const out: string[] = []
  for (const [folder, names] of Object.entries(spec)) {
    for (const name of names) {
      const key = (name === 'project.md' ? path.posix.basename(folder) : name).toLowerCase()
      const dash = key.indexOf('-')
      if (key.startsWith(query) || (dash !== -1 && key.slice(dash + 1).startsWith(query))) out.push(`${folder}/${name}`)
    }
  }
  return out.sort()
}

describe('filesNamedLike', () => {
  const map = folders({
    'data/tasks': ['task-abc123-fix-login.md', 'task-abd999.md', 'task-zzz111-about-abc.md', 'note-q1w2e3.md'],
    'data/projects/proj-abx777-website': ['project.md'],
    'data/projects/proj-abx777-website/tasks': ['task-k9k9k9-deploy.md'],
    'data/empty': [],
  })

  it('matches a query at the start of a name', () => {
    expect(like(map, 'task-abc')).toEqual(['data/tasks/task-abc123-fix-login.md'])
    expect(like(map, 'task-ab')).toEqual(['data/tasks/task-abc123-fix-login.md', 'data/tasks/task-abd999.md'])
    expect(like(map, 'note')).toEqual(['data/tasks/note-q1w2e3.md'])
  })

  it('matches a query right after the first dash (an id without its type prefix)', () => {
    expect(like(map, 'abc')).toEqual(['data/tasks/task-abc123-fix-login.md'])
    expect(like(map, 'ab')).toEqual(['data/projects/proj-abx777-website/project.md', 'data/tasks/task-abc123-fix-login.md', 'data/tasks/task-abd999.md'])
    expect(like(map, 'q1w')).toEqual(['data/tasks/note-q1w2e3.md'])
  })

  it('does not match in the middle of a slug or after a later dash', () => {
    // `abc` and `about` are in task-zzz111-about-abc.md, but only after its second dash.
    expect(like(map, 'about')).toEqual([])
    expect(like(map, 'login')).toEqual([])
    expect(like(map, 'fix')).toEqual([])
    expect(like(map, 'website')).toEqual([])
    expect(like(map, 'bc1')).toEqual([])
  })

  it('checks a line after the dash when the first occurrence of the query is elsewhere in it', () => {
    const m = folders({'data/x': ['xab-ab.md', 'yab-cd.md', 'ab.md', 'zz-zab.md']})
    expect(like(m, 'ab')).toEqual(['data/x/ab.md', 'data/x/xab-ab.md'])
    // The occurrence in the first line is not a match, the next line's is.
    const n = folders({'data/x': ['qab-zz.md', 'zz-abq.md']})
    expect(like(n, 'ab')).toEqual(['data/x/zz-abq.md'])
    // A name without a dash is not matched by the dash of the name after it.
    const o = folders({'data/x': ['zab.md', 'x-ab.md', 'yab.md']})
    expect(like(o, 'ab')).toEqual(['data/x/x-ab.md'])
  })

  it('finds a query that holds a dash, and one that starts with a dash', () => {
    expect(like(map, 'task-k9k')).toEqual(['data/projects/proj-abx777-website/tasks/task-k9k9k9-deploy.md'])
    const m = folders({'data/x': ['a--b.md', 'a-b.md', '-b.md']})
    expect(like(m, '-b')).toEqual(['data/x/-b.md', 'data/x/a--b.md'])
    expect(like(m, 'b')).toEqual(['data/x/-b.md', 'data/x/a-b.md'])
  })

  it('finds a project by its folder name, never project.md by its own name', () => {
    expect(like(map, 'proj-abx')).toEqual(['data/projects/proj-abx777-website/project.md'])
    expect(like(map, 'abx777')).toEqual(['data/projects/proj-abx777-website/project.md'])
    expect(like(map, 'project')).toEqual([])
    expect(like(map, 'p')).toEqual(['data/projects/proj-abx777-website/project.md'])
    // A folder holding project.md among other files: both the folder and the other names count.
    const m = folders({'data/projects/proj-q1': ['project.md', 'proj-q2.md', 'project-plan.md']})
    expect(like(m, 'proj-q')).toEqual(['data/projects/proj-q1/proj-q2.md', 'data/projects/proj-q1/project.md'])
    expect(like(m, 'plan')).toEqual(['data/projects/proj-q1/project-plan.md'])
  })

  it('compares upper-case names lower-cased (the slow path), with the answers of the fast path', () => {
    const lower = {'data/tasks': ['task-abc123-fix.md', 'task-abd999.md', 'xab-ab.md', 'note-q1.md', 'ab.md']}
    const upper = {'data/tasks': ['TASK-ABC123-Fix.md', 'Task-Abd999.md', 'XAB-AB.md', 'NOTE-Q1.md', 'AB.md']}
    // The same lower-case names plus one that matches nothing but sends the folder down the slow path.
    const mixed = {'data/tasks': [...lower['data/tasks'], 'ZZZ.md']}
    for (const query of ['task', 'task-ab', 'task-abc1', 'ab', 'abc', 'abd9', 'q1', 'note-', 'fix', 'xab', 'zzz', '.md', 'b']) {
      const fast = like(folders(lower), query)
      expect(fast, query).toEqual(reference(lower, query))
      expect(like(folders(mixed), query).filter((p) => !p.endsWith('/ZZZ.md')), query).toEqual(fast)
      expect(like(folders(upper), query).map((p) => p.toLowerCase()), query).toEqual(fast)
    }
    expect(like(folders(upper), 'zzz')).toEqual([])
    expect(like(folders(mixed), 'zzz')).toEqual(['data/tasks/ZZZ.md'])
  })

  it('handles non-ASCII names (the slow path) like any other', () => {
    const spec = {'data/notes': ['note-é1-café.md', 'note-ab-日本.md', 'ünï-ab.md', 'note-zz.md'], 'data/projects/proj-ü1': ['project.md']}
    const m = folders(spec)
    for (const query of ['note-', 'é1', 'ab', 'ünï', 'ü1', 'proj-ü', 'café', 'zz', 'note-zz']) {
      expect(like(m, query), query).toEqual(reference(spec, query))
    }
    expect(like(m, 'ab')).toEqual(['data/notes/note-ab-日本.md', 'data/notes/ünï-ab.md'])
  })

  it('finds upper-case project folders lower-cased', () => {
    const m = folders({'data/projects/PROJ-Abc-Site': ['project.md']})
    expect(like(m, 'proj-abc')).toEqual(['data/projects/PROJ-Abc-Site/project.md'])
    expect(like(m, 'abc')).toEqual(['data/projects/PROJ-Abc-Site/project.md'])
    expect(like(m, 'site')).toEqual([])
  })

  it('returns every match up to the limit, and more than the limit once there are more', () => {
    const spec: Record<string, string[]> = {}
    for (let f = 0; f < 5; f++) spec[`data/f${f}`] = Array.from({length: 4}, (_, i) => `task-a${f}${i}.md`)
    const m = folders(spec)
    const every = reference(spec, 'a')
    expect(every).toHaveLength(20)
    expect(like(m, 'a', 20)).toEqual(every)
    expect(like(m, 'a', 100)).toEqual(every)
    for (const limit of [0, 1, 3, 8, 19]) {
      const some = like(m, 'a', limit)
      // More than `limit` tells the caller there are too many: it need not collect them all.
      expect(some.length, `limit ${limit}`).toBeGreaterThan(limit)
      for (const p of some) expect(every).toContain(p)
    }
    expect(like(m, 'a00', 0)).toEqual(['data/f0/task-a00.md'])
  })

  it('matches nothing for an empty query or one holding a line break', () => {
    const m = folders({'data/x': ['ab.md', 'cd.md', 'ab-cd.md']})
    expect(like(m, '')).toEqual([])
    expect(like(m, 'ab\ncd')).toEqual([])
    expect(like(m, 'ab.md\ncd')).toEqual([])
    expect(like(m, 'md\n')).toEqual([])
    expect(like(m, '\nab')).toEqual([])
    expect(like(m, 'ab\r')).toEqual([])
    expect(like(m, '\n')).toEqual([])
  })

  it('finds nothing in empty folders or an empty map', () => {
    expect(like(new Map(), 'a')).toEqual([])
    expect(like(folders({'data/x': []}), 'a')).toEqual([])
  })
})

describe('fileNamedAfter', () => {
  it('takes <id>.md and <id>-<slug>.md', () => {
    const m = folders({'data/tasks': ['task-abc123.md', 'task-def456-fix-it.md']})
    expect(fileNamedAfter(m, 'task-abc123')).toBe(true)
    expect(fileNamedAfter(m, 'task-def456')).toBe(true)
    expect(fileNamedAfter(m, 'task-xyz')).toBe(false)
  })

  it('takes a project folder named <id> or <id>-<slug> holding project.md', () => {
    const m = folders({
      'data/projects/proj-aaa111-site': ['project.md'],
      'data/projects/proj-bbb222': ['project.md'],
      'data/projects/proj-ccc333-nothing-here': ['notes.md'],
    })
    expect(fileNamedAfter(m, 'proj-aaa111')).toBe(true)
    expect(fileNamedAfter(m, 'proj-bbb222')).toBe(true)
    // No project.md: the folder's name is nobody's id.
    expect(fileNamedAfter(m, 'proj-ccc333')).toBe(false)
  })

  it('does not take a mere prefix of a name', () => {
    const m = folders({
      'data/tasks': ['task-abc123.md', 'task-def456-fix.md'],
      'data/projects/proj-aaa111-site': ['project.md'],
    })
    for (const id of ['task-abc12', 'task-abc', 'task-def45', 'proj-aaa11', 'proj-aaa111-s', 'abc123', 'def456', 'ask-abc123']) {
      expect(fileNamedAfter(m, id), id).toBe(false)
    }
    // A name's part before a dash is taken, as `<id>-<slug>.md` reads it (a conservative answer:
    // newId only asks about <prefix>-<random> ids, and a taken one is simply minted again).
    expect(fileNamedAfter(m, 'task')).toBe(true)
    expect(fileNamedAfter(m, 'proj')).toBe(true)
  })

  it('takes upper-case names and folders (ids are compared lower-case)', () => {
    const m = folders({'data/tasks': ['TASK-ABC123-Fix.md', 'Task-Def456.md'], 'data/projects/PROJ-Q1-Site': ['project.md']})
    expect(fileNamedAfter(m, 'task-abc123')).toBe(true)
    expect(fileNamedAfter(m, 'task-def456')).toBe(true)
    expect(fileNamedAfter(m, 'proj-q1')).toBe(true)
    expect(fileNamedAfter(m, 'task-abc12')).toBe(false)
  })

  it('is false on an empty map', () => {
    expect(fileNamedAfter(new Map(), 'task-a')).toBe(false)
  })
})

describe('filesNamedLike and fileNamedAfter (property)', () => {
  // A small alphabet, so that names share prefixes and queries hit in many places at once.
  const lowerChar = fc.constantFrom('a', 'b', 'k', 't', 'x', '0', '1')
  // Mostly lower case (a folder of such names takes the fast path), now and then upper case or
  // non-ASCII (the folder then takes the slow path).
  const anyChar = fc.oneof({weight: 15, arbitrary: lowerChar}, {weight: 1, arbitrary: fc.constantFrom('A', 'B', 'X', 'Z', 'é', 'ü', '日')})
  const word = (chars: fc.Arbitrary<string>, max: number) => fc.array(chars, {minLength: 1, maxLength: max}).map((a) => a.join(''))
  const prefix = fc.oneof(
    {weight: 4, arbitrary: fc.constantFrom('task', 'proj', 'ms', 'note', 'x', 'ab')},
    {weight: 1, arbitrary: fc.constantFrom('Task', 'TASK')},
    {weight: 3, arbitrary: word(anyChar, 3)},
  )
  /** An id: a prefix and one or two dash-separated parts, now and then with upper case. */
  const id = fc.tuple(prefix, word(anyChar, 3), fc.option(word(lowerChar, 2), {nil: undefined})).map(([p, r, extra]) => (extra === undefined ? `${p}-${r}` : `${p}-${r}-${extra}`))
  const slug = fc.option(word(fc.constantFrom('a', 'b', 'x', '-', 'é', '1'), 6), {nil: undefined})
  const fileName = fc.oneof(
    {weight: 6, arbitrary: fc.tuple(id, slug).map(([i, s]) => (s === undefined ? `${i}.md` : `${i}-${s}.md`))},
    {weight: 1, arbitrary: word(fc.constantFrom('a', 'b', '-', 'A', '.', 'é'), 6).map((w) => `${w}.md`)},
    {weight: 3, arbitrary: word(lowerChar, 4).map((w) => `${w}.md`)},
    {weight: 1, arbitrary: fc.constant('project.md')},
  )
  const spec = fc
    .uniqueArray(fc.tuple(fc.oneof(id, word(lowerChar, 3)), fc.uniqueArray(fileName, {maxLength: 10})), {maxLength: 5, selector: ([f]) => f})
    .map((list) => Object.fromEntries(list.map(([folder, names], i) => [`data/d${i}/${folder}`, names])))

  /** Queries that hit: prefixes of names and of their parts after the first dash; and random ones. */
  function queriesFor(s: Record<string, string[]>): fc.Arbitrary<string> {
    const keys = Object.entries(s).flatMap(([folder, names]) => names.map((n) => (n === 'project.md' ? path.posix.basename(folder) : n).toLowerCase()))
    const hits = keys.flatMap((k) => [k, k.slice(k.indexOf('-') + 1)]).filter((k) => k !== '')
    const random = word(fc.constantFrom('a', 'b', 't', 'x', '-', '1', '.', 'é', 'k'), 4)
    if (hits.length === 0) return random
    const cut = fc.tuple(fc.constantFrom(...hits), fc.oneof(fc.integer({min: 1, max: 3}), fc.nat(12))).map(([k, n]) => k.slice(0, Math.max(1, n)))
    return fc.oneof(cut, random)
  }

  it('filesNamedLike finds exactly the names the rule matches', () => {
    fc.assert(
      fc.property(
        spec.chain((s) => fc.tuple(fc.constant(s), fc.array(queriesFor(s), {minLength: 1, maxLength: 6}), fc.nat(6))),
        ([s, queries, limit]) => {
          const m = folders(s)
          for (const query of queries) {
            const expected = reference(s, query)
            expect(like(m, query), query).toEqual(expected)
            const limited = like(m, query, limit)
            if (expected.length <= limit) expect(limited, `${query} limit ${limit}`).toEqual(expected)
            else expect(limited.length).toBeGreaterThan(limit)
            for (const p of limited) expect(expected).toContain(p)
          }
        },
      ),
      {numRuns: RUNS, ...SEED},
    )
  })

  it('fileNamedAfter is true exactly when a file is named <id>.md, <id>-… or a project folder <id>[-…]', () => {
    fc.assert(
      fc.property(
        spec.chain((s) => fc.tuple(fc.constant(s), fc.array(queriesFor(s), {minLength: 1, maxLength: 6}))),
        ([s, candidates]) => {
          const m = folders(s)
          for (const candidate of candidates) {
            // Ids never end in a dash or a dot; `project` is nobody's id (psp's ids are <prefix>-<random>).
            if (/[-.]$/.test(candidate) || candidate === 'project' || candidate.includes('.md')) continue
            const expected = Object.entries(s).some(([folder, names]) =>
              names.some((name) => {
                const key = name === 'project.md' ? path.posix.basename(folder).toLowerCase() : name.toLowerCase()
                return name === 'project.md'
                  ? key === candidate || key.startsWith(`${candidate}-`)
                  : key === `${candidate}.md` || key.startsWith(`${candidate}-`)
              }),
            )
            expect(fileNamedAfter(m, candidate), candidate).toBe(expected)
          }
        },
      ),
      {numRuns: RUNS, ...SEED},
    )
  })
})

const newWorkspace = useWorkspaces()

/** Sets a file's or folder's times; `secondsAgo` may be negative (the future). */
function setTime(root: string, rel: string, secondsAgo: number): Date {
  const when = new Date(Math.round(Date.now() - secondsAgo * 1000))
  fs.utimesSync(path.join(root, rel), when, when)
  return when
}

function restoreTime(root: string, rel: string, when: Date): void {
  fs.utimesSync(path.join(root, rel), when, when)
}

/** Every folder under data/ that the walk enters (workspace-relative). */
function dataFolders(root: string): string[] {
  const out: string[] = []
  const walk = (rel: string) => {
    out.push(rel)
    for (const entry of fs.readdirSync(path.join(root, rel), {withFileTypes: true})) {
      const child = `${rel}/${entry.name}`
      if (entry.isDirectory() && !entry.name.startsWith('.') && child !== LAYOUT.cache && child !== LAYOUT.templates) walk(child)
    }
  }
  walk(LAYOUT.data)
  return out
}

/** Backdates every data folder (not the files) so that their listings are trusted. */
function ageFolders(root: string, secondsAgo = 60): Date {
  const when = new Date(Math.round(Date.now() - secondsAgo * 1000))
  // Deepest first: setting a folder's times does not touch its parent's mtime anyway.
  for (const rel of dataFolders(root).reverse()) fs.utimesSync(path.join(root, rel), when, when)
  return when
}

const NAMES = `${LAYOUT.cache}/names.json`

function task(id: string): string {
  return doc([`id: ${id}`, 'type: task', `title: ${id}`, 'status: todo'], '\nbody\n')
}

describe('documentFileNames', () => {
  let root: string
  const names = () => flatten(documentFileNames(Workspace.open(root)))
  /** The data folders that readdirSync was called on (workspace-relative). */
  const listedFolders = (calls: unknown[][]) =>
    calls.map(([p]) => path.relative(root, String(p)).split(path.sep).join('/')).filter((rel) => rel === 'data' || rel.startsWith('data/'))

  beforeEach(async () => {
    root = await newWorkspace()
    writeFile(root, 'data/tasks/task-aaa111-one.md', task('task-aaa111'))
    writeFile(root, 'data/tasks/task-bbb222.md', task('task-bbb222'))
    writeFile(root, 'data/projects/proj-ppp111-site/project.md', doc(['id: proj-ppp111', 'type: project', 'title: Site']))
    writeFile(root, 'data/projects/proj-ppp111-site/tasks/task-ccc333-deep.md', task('task-ccc333'))
    writeFile(root, 'data/projects/proj-ppp111-site/milestones/ms-mmm111.md', doc(['id: ms-mmm111', 'type: milestone', 'title: M']))
    writeFile(root, 'data/archive/tasks/task-ddd444.md', task('task-ddd444'))
  })

  afterEach(() => {
    vi.restoreAllMocks()
  })

  it('gives the same files as the walk, and writes its cache', () => {
    expect(fs.existsSync(path.join(root, NAMES))).toBe(false)
    const map = documentFileNames(Workspace.open(root))
    const walked: string[] = []
    walkDocumentFiles(Workspace.open(root), (folder, _absolute, name) => walked.push(`${folder}/${name}`))
    expect(flatten(map)).toEqual(walked.sort())
    expect(flatten(map)).toEqual(listDocumentFiles(Workspace.open(root)))
    // Every folder the walk enters is in the map, empty ones too.
    expect([...map.keys()].sort()).toEqual(dataFolders(root).sort())
    expect(map.get('data/projects/proj-ppp111-site/tasks')).toBe('\ntask-ccc333-deep.md\n')
    expect(map.get('data/projects')).toBe('\n')
    const cache = JSON.parse(fs.readFileSync(path.join(root, NAMES), 'utf8')) as {format: number; listedAt: number; folders: Record<string, unknown>}
    expect(cache.format).toBeTypeOf('number')
    expect(cache.listedAt).toBeTypeOf('number')
    expect(Object.keys(cache.folders).sort()).toEqual([...map.keys()].sort())
    // A second call gives the same answer.
    expect(names()).toEqual(flatten(map))
  })

  it('skips data/cache, data/templates, hidden folders and files, READMEs and non-Markdown files', () => {
    writeFile(root, 'data/cache/task-x1.md', task('task-x1'))
    writeFile(root, 'data/templates/task-x2.md', task('task-x2'))
    writeFile(root, 'data/.hidden/task-x3.md', task('task-x3'))
    writeFile(root, 'data/tasks/.task-x4.md', task('task-x4'))
    writeFile(root, 'data/tasks/README.md', '# read me\n')
    writeFile(root, 'data/tasks/notes.txt', 'x')
    writeFile(root, 'data/projects/proj-ppp111-site/templates/task-x5.md', task('task-x5'))
    const map = documentFileNames(Workspace.open(root))
    const all = flatten(map)
    expect(all).toEqual(listDocumentFiles(Workspace.open(root)))
    expect(all.filter((p) => /x[1-4]|README|notes/.test(p))).toEqual([])
    // Only data/templates is skipped, not a templates folder deeper down.
    expect(all).toContain('data/projects/proj-ppp111-site/templates/task-x5.md')
    expect([...map.keys()].filter((k) => k.startsWith('data/cache') || k === 'data/templates' || k.includes('/.'))).toEqual([])
  })

  it('trusts a backdated folder without listing it again, until its mtime changes', () => {
    ageFolders(root)
    const before = names()
    const readdir = vi.spyOn(fs, 'readdirSync')
    expect(names()).toEqual(before)
    expect(listedFolders(readdir.mock.calls)).toEqual([])
    readdir.mockRestore()
    // A file added behind the cache's back, the folder's old mtime restored: the cached listing stands.
    const old = fs.statSync(path.join(root, 'data/tasks')).mtime
    writeFile(root, 'data/tasks/task-eee555.md', task('task-eee555'))
    restoreTime(root, 'data/tasks', old)
    expect(names()).toEqual(before)
    expect(names()).not.toContain('data/tasks/task-eee555.md')
    // A new mtime (even an old one): listed again.
    setTime(root, 'data/tasks', 30)
    expect(names()).toEqual([...before, 'data/tasks/task-eee555.md'].sort())
    expect(names()).toEqual(listDocumentFiles(Workspace.open(root)))
  })

  it('sees a file added or removed the usual way (the folder gets a new mtime)', () => {
    ageFolders(root)
    names()
    writeFile(root, 'data/projects/proj-ppp111-site/tasks/task-fff666.md', task('task-fff666'))
    fs.rmSync(path.join(root, 'data/tasks/task-bbb222.md'))
    const after = names()
    expect(after).toContain('data/projects/proj-ppp111-site/tasks/task-fff666.md')
    expect(after).not.toContain('data/tasks/task-bbb222.md')
    expect(after).toEqual(listDocumentFiles(Workspace.open(root)))
  })

  it('lists a folder changed within the racy window again on every call', () => {
    ageFolders(root)
    // Changed 0.5 s ago: a change within the same timestamp tick would leave this mtime as it is.
    const racy = setTime(root, 'data/tasks', 0.5)
    const before = names()
    writeFile(root, 'data/tasks/task-ggg777.md', task('task-ggg777'))
    restoreTime(root, 'data/tasks', racy)
    expect(names()).toContain('data/tasks/task-ggg777.md')
    fs.rmSync(path.join(root, 'data/tasks/task-ggg777.md'))
    restoreTime(root, 'data/tasks', racy)
    expect(names()).toEqual(before)
    const readdir = vi.spyOn(fs, 'readdirSync')
    names()
    expect(listedFolders(readdir.mock.calls)).toEqual(['data/tasks'])
  })

  it('lists a folder whose mtime is in the future (clock skew) again on every call', () => {
    ageFolders(root)
    const future = setTime(root, 'data/tasks', -60)
    names()
    writeFile(root, 'data/tasks/task-hhh888.md', task('task-hhh888'))
    restoreTime(root, 'data/tasks', future)
    expect(names()).toContain('data/tasks/task-hhh888.md')
  })

  it('sees new and removed subfolders', () => {
    ageFolders(root)
    names()
    writeFile(root, 'data/projects/proj-ppp111-site/notes/sub/note-n1.md', doc(['id: note-n1', 'type: note', 'title: N']))
    fs.rmSync(path.join(root, 'data/projects/proj-ppp111-site/milestones'), {recursive: true})
    let after = documentFileNames(Workspace.open(root))
    expect(flatten(after)).toContain('data/projects/proj-ppp111-site/notes/sub/note-n1.md')
    expect(after.has('data/projects/proj-ppp111-site/milestones')).toBe(false)
    expect(flatten(after)).toEqual(listDocumentFiles(Workspace.open(root)))
    // A folder removed while its parent's listing is still trusted (old mtime restored) is not reported either.
    const older = ageFolders(root, 90)
    names()
    fs.rmSync(path.join(root, 'data/projects/proj-ppp111-site/notes'), {recursive: true})
    restoreTime(root, 'data/projects/proj-ppp111-site', older)
    after = documentFileNames(Workspace.open(root))
    expect([...after.keys()].filter((k) => k.includes('/notes'))).toEqual([])
    expect(flatten(after)).toEqual(listDocumentFiles(Workspace.open(root)))
  })

  it('ignores a corrupt or foreign cache file and rewrites it', () => {
    ageFolders(root)
    const expected = listDocumentFiles(Workspace.open(root))
    const good = () => {
      const cache = JSON.parse(fs.readFileSync(path.join(root, NAMES), 'utf8')) as {format: unknown; folders: Record<string, unknown>}
      expect(Object.keys(cache.folders)).toContain('data/tasks')
      return cache.format
    }
    names()
    const format = good()
    const listedAt = Date.now()
    const wrongFolder = {mtimeMs: fs.statSync(path.join(root, 'data/tasks')).mtimeMs, names: '\nbogus.md\n', dirs: []}
    for (const bad of [
      '',
      '{"format": 1, "listedAt": 1, "fold',
      'null',
      '[]',
      '"names"',
      JSON.stringify({format: 999, listedAt, folders: {'data/tasks': wrongFolder}}),
      JSON.stringify({format, listedAt: String(listedAt), folders: {'data/tasks': wrongFolder}}),
      JSON.stringify({format, listedAt, folders: null}),
      JSON.stringify({format, listedAt}),
    ]) {
      writeFile(root, NAMES, bad)
      expect(names(), bad).toEqual(expected)
      expect(good(), bad).toBe(format)
    }
  })

  // A cache of the right format whose folder entries have the wrong shape (a hand edit, a bug)
  // must be listed again, never trusted: a bad entry used to make every lookup throw.
  it('ignores a cache whose folder entries are malformed', () => {
    ageFolders(root)
    const expected = listDocumentFiles(Workspace.open(root))
    names()
    const cache = JSON.parse(fs.readFileSync(path.join(root, NAMES), 'utf8')) as {folders: Record<string, Record<string, unknown>>}
    const data = cache.folders['data'] as Record<string, unknown>
    cache.folders['data'] = {...data, names: 5, dirs: null}
    writeFile(root, NAMES, JSON.stringify(cache))
    expect(names()).toEqual(expected)
  })

  it('leaves out names holding a line break (they are found through the index)', () => {
    writeFile(root, 'data/tasks/task-nl1\nx.md', task('task-nl1'))
    writeFile(root, 'data/tasks/task-cr1\rx.md', task('task-cr1'))
    const map = documentFileNames(Workspace.open(root))
    const walked = listDocumentFiles(Workspace.open(root))
    expect(walked).toContain('data/tasks/task-nl1\nx.md')
    expect(flatten(map)).toEqual(walked.filter((p) => !/[\n\r]/.test(p)))
    expect((map.get('data/tasks') ?? '').split('\n').filter((n) => n !== '').sort()).toEqual(['task-aaa111-one.md', 'task-bbb222.md'])
    // Cached and read back, the folder's list is still well-formed.
    ageFolders(root)
    names()
    expect(flatten(documentFileNames(Workspace.open(root)))).toEqual(walked.filter((p) => !/[\n\r]/.test(p)))
  })

  it('still answers when the cache cannot be written (data/cache is a file)', () => {
    fs.rmSync(path.join(root, LAYOUT.cache), {recursive: true, force: true})
    writeFile(root, LAYOUT.cache, 'not a folder')
    ageFolders(root)
    const expected = listDocumentFiles(Workspace.open(root))
    expect(names()).toEqual(expected)
    writeFile(root, 'data/tasks/task-iii999.md', task('task-iii999'))
    expect(names()).toEqual([...expected, 'data/tasks/task-iii999.md'].sort())
    expect(fs.readFileSync(path.join(root, LAYOUT.cache), 'utf8')).toBe('not a folder')
  })

  it.skipIf(process.getuid?.() === 0)('still answers when data/cache is read-only', () => {
    ageFolders(root)
    const cache = path.join(root, LAYOUT.cache)
    fs.mkdirSync(cache, {recursive: true})
    fs.chmodSync(cache, 0o555)
    try {
      expect(names()).toEqual(listDocumentFiles(Workspace.open(root)))
      writeFile(root, 'data/tasks/task-jjj000.md', task('task-jjj000'))
      expect(names()).toContain('data/tasks/task-jjj000.md')
    } finally {
      fs.chmodSync(cache, 0o755)
    }
  })

  it('answers for a workspace without documents', async () => {
    root = await newWorkspace()
    expect(names()).toEqual([])
    expect(documentFileNames(Workspace.open(root)).get('data')).toBe('\n')
  })
})
