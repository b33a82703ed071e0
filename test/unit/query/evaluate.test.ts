// Relative dates are local: pin the zone before anything reads a date.
process.env.TZ = 'Europe/Berlin'

import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {afterEach, describe, expect, it} from 'vitest'
import type {DocumentRecord} from '@psp/core'
import {defaultSettings} from '@psp/core'
import {compileQuery, makeQueryContext, parseQuery, QueryError, type QueryContext} from '@psp/core'

/** 2026-03-10 12:00 in Berlin. */
const NOW = new Date('2026-03-10T11:00:00Z')

function rec(id: string, data: Record<string, unknown> = {}, extra: Partial<DocumentRecord> = {}): DocumentRecord {
  return {
    id,
    type: 'task',
    title: typeof data['title'] === 'string' ? data['title'] : '',
    path: `data/projects/p/tasks/${id}.md`,
    archived: false,
    data: {id, type: 'task', ...data},
    body: '',
    ...extra,
  }
}

function ctx(records: DocumentRecord[] = [], options: Parameters<typeof makeQueryContext>[2] = {}): QueryContext {
  return makeQueryContext(defaultSettings(), records, {now: () => NOW, ...options})
}

/** The ids of the records matching a query. */
function ids(query: string, records: DocumentRecord[], context = ctx(records)): string[] {
  const match = compileQuery(query, context)
  return records.filter(match).map((r) => r.id)
}

function compileError(query: string, context = ctx()): QueryError {
  try {
    compileQuery(query, context)
  } catch (error) {
    expect(error).toBeInstanceOf(QueryError)
    return error as QueryError
  }
  throw new Error(`expected ${query} to fail`)
}

const tasks = [
  rec('t-a', {title: 'Fix login bug', status: 'todo', priority: 'high', estimate: 3, tags: ['ui', 'auth'], due: '2026-03-12', assignee: 'ana'}),
  rec('t-b', {title: 'Write docs', status: 'in-progress', priority: 'low', estimate: '5', tags: ['docs'], due: '2026-04-01'}),
  rec('t-c', {title: 'Release', status: 'done', priority: 'critical', estimate: 8, tags: 'ui', due: '2026-03-01', assignee: null}),
  rec('t-d', {title: 'Triage', status: 'review', priority: 'medium', tags: [], billable: true}),
  rec('t-e', {title: 'Untriaged idea'}),
]
const all = (q: string) => ids(q, tasks)

describe('equality', () => {
  it('= compares text exactly, case-sensitively', () => {
    expect(all('status = todo')).toEqual(['t-a'])
    expect(all('status = Todo')).toEqual([])
    expect(all("title = 'Write docs'")).toEqual(['t-b'])
  })

  it('= compares numbers with numbers and numeric strings', () => {
    expect(all('estimate = 3')).toEqual(['t-a'])
    expect(all('estimate = 5')).toEqual(['t-b'])
    expect(all('estimate = 5.0')).toEqual(['t-b'])
    expect(all('estimate = "8"')).toEqual(['t-c'])
  })

  it('= compares booleans and dates', () => {
    expect(all('billable = true')).toEqual(['t-d'])
    expect(all('billable = false')).toEqual([])
    expect(all('due = 2026-03-12')).toEqual(['t-a'])
    expect(all('due = today+2d')).toEqual(['t-a'])
  })

  it('= on a list means "contains that element"; a scalar is a list of one', () => {
    expect(all('tags = ui')).toEqual(['t-a', 't-c'])
    expect(all('tags = docs')).toEqual(['t-b'])
  })

  it('a missing field never matches =, and always matches !=', () => {
    expect(all('assignee = ana')).toEqual(['t-a'])
    expect(all('assignee != ana')).toEqual(['t-b', 't-c', 't-d', 't-e'])
    expect(all('status != todo')).toEqual(['t-b', 't-c', 't-d', 't-e'])
  })

  it('!= on a list means "does not contain"', () => {
    expect(all('tags != ui')).toEqual(['t-b', 't-d', 't-e'])
  })

  it('= null matches an absent or null field, != null a present one', () => {
    expect(all('assignee = null')).toEqual(['t-b', 't-c', 't-d', 't-e'])
    expect(all('assignee != null')).toEqual(['t-a'])
  })
})

describe('ordering', () => {
  it('orders numbers as numbers (numeric strings too)', () => {
    expect(all('estimate < 5')).toEqual(['t-a'])
    expect(all('estimate <= 5')).toEqual(['t-a', 't-b'])
    expect(all('estimate > 5')).toEqual(['t-c'])
    expect(all('estimate >= 3')).toEqual(['t-a', 't-b', 't-c'])
    expect(all('estimate > 10')).toEqual([])
  })

  it('orders status by the workflow and priority by the priority list', () => {
    expect(all('status < done')).toEqual(['t-a', 't-b', 't-d'])
    expect(all('status >= review')).toEqual(['t-c', 't-d'])
    expect(all('status > todo and status < review')).toEqual(['t-b'])
    expect(all('priority >= high')).toEqual(['t-a', 't-c'])
    expect(all('priority < medium')).toEqual(['t-b'])
    expect(all('priority <= medium')).toEqual(['t-b', 't-d'])
  })

  it('uses a custom workflow from the settings', () => {
    const settings = defaultSettings()
    settings.workflow = {...settings.workflow, statuses: ['backlog', 'doing', 'shipped'], default: 'backlog', done: ['shipped']}
    settings.priorities = ['p3', 'p2', 'p1', 'p0']
    const records = [rec('x', {status: 'doing', priority: 'p0'}), rec('y', {status: 'backlog', priority: 'p2'})]
    const context = makeQueryContext(settings, records, {now: () => NOW})
    expect(ids('status < shipped and priority > p2', records, context)).toEqual(['x'])
    expect(ids('status <= backlog', records, context)).toEqual(['y'])
  })

  it('refuses to order by a status or priority that does not exist, with its column', () => {
    const error = compileError('status < doen')
    expect(error.message).toBe('"doen" is not a workflow status at column 10: "status <" compares in this order: todo, in-progress, review, done')
    expect(error.col).toBe(10)
    expect(error.code).toBe('QUERY_SYNTAX')
    expect(compileError('a = 1 and priority >= urgent').col).toBe(23)
  })

  it('does not order a status outside the workflow (a project status)', () => {
    const records = [rec('p', {status: 'active'}, {type: 'project'}), rec('t', {status: 'todo'})]
    expect(ids('status < done', records)).toEqual(['t'])
  })

  it('refuses to order by true, false or null', () => {
    expect(compileError('x < true').message).toContain('"<" needs a number, a date or text to compare with, found true at column 5')
    expect(compileError('x >= null').col).toBe(6)
  })

  it('orders dates as dates, relative dates from the clock', () => {
    expect(all('due < 2026-03-12')).toEqual(['t-c'])
    expect(all('due <= 2026-03-12')).toEqual(['t-a', 't-c'])
    expect(all('due < today')).toEqual(['t-c'])
    expect(all('due < today+7d')).toEqual(['t-a', 't-c'])
    expect(all('due > today+2w')).toEqual(['t-b'])
    expect(all('due >= today+1m')).toEqual([])
    expect(all('due > today-2w and due < today')).toEqual(['t-c'])
  })

  it('reads dates with a time, and Date objects, as their calendar day', () => {
    const records = [rec('x', {due: '2026-03-11T23:30:00+05:00'}), rec('y', {due: new Date('2026-03-12T00:00:00Z')}), rec('z', {due: 'soon'})]
    expect(ids('due = today+1d', records)).toEqual(['x'])
    expect(ids('due = 2026-03-12', records)).toEqual(['y'])
    expect(ids('due > today', records)).toEqual(['x', 'y'])
  })

  it('orders other text lexicographically; different kinds never compare', () => {
    expect(all('assignee < b')).toEqual(['t-a'])
    expect(all('title >= U')).toEqual(['t-e', 't-b'].sort())
    expect(all('title > 3')).toEqual([])
    expect(all('due > 3')).toEqual([])
    expect(all('estimate < today')).toEqual([])
  })

  it('a missing field never matches an order comparison', () => {
    expect(all('due < 2099-01-01')).toEqual(['t-a', 't-b', 't-c'])
    expect(all('estimate > -100')).toEqual(['t-a', 't-b', 't-c'])
  })

  it('orders a list by any of its elements', () => {
    const records = [rec('x', {scores: [1, 9]}), rec('y', {scores: [4, 5]})]
    expect(ids('scores > 8', records)).toEqual(['x'])
    expect(ids('scores < 2', records)).toEqual(['x'])
    expect(ids('scores > 4', records)).toEqual(['x', 'y'])
  })
})

describe('~ contains and matches', () => {
  it('is case-insensitive contains for text', () => {
    expect(all('title ~ FIX')).toEqual(['t-a'])
    expect(all("title ~ 'docs'")).toEqual(['t-b'])
    expect(all('title ~ i')).toEqual(['t-a', 't-b', 't-d', 't-e'])
  })

  it('looks into lists, numbers and the body', () => {
    expect(all('tags ~ UT')).toEqual(['t-a'])
    expect(all('estimate ~ 8')).toEqual(['t-c'])
    const records = [rec('x', {}, {body: 'Steps to REPRODUCE:\n1. log in'}), rec('y', {}, {body: 'nothing here'})]
    expect(ids('body ~ reproduce', records)).toEqual(['x'])
  })

  it('tests a regular expression, case-sensitive unless /i', () => {
    expect(all('title ~ /^[FW]/')).toEqual(['t-a', 't-b'])
    expect(all('title ~ /^fix/')).toEqual([])
    expect(all('title ~ /^fix/i')).toEqual(['t-a'])
    expect(all('title ~ /bug$|docs$/')).toEqual(['t-a', 't-b'])
    expect(all('tags ~ /^a/')).toEqual(['t-a'])
  })

  it('is stateless across records (no g flag)', () => {
    const records = Array.from({length: 5}, (_, i) => rec(`x${i}`, {title: 'aaa'}))
    expect(ids('title ~ /a/', records)).toHaveLength(5)
  })

  it('never matches a missing field', () => {
    expect(all('assignee ~ a')).toEqual(['t-a'])
  })

  it('refuses a regex that could take forever', () => {
    expect(() => parseQuery('body ~ /(a*)*b/')).toThrow(/nested quantifiers/)
    expect(() => parseQuery('body ~ /(x+x+)+y/')).toThrow(/nested quantifiers/)
    expect(() => parseQuery('body ~ /(ab|a)*c/')).toThrow(/overlap/)
    expect(() => parseQuery('body ~ /(A|a)+/i')).toThrow(/overlap/)
    expect(() => parseQuery(`body ~ /${'a'.repeat(300)}/`)).toThrow(/too long/)
    // Ordinary patterns pass.
    for (const ok of ['(foo|bar)+', '^\\d{4}-\\d{2}$', '(?:ab)+c', 'a+b*c?', '(?<word>\\w+)\\s', '[(a+)+]', '(a|b)?x', '(a{1})*', '(\\u{12345})+', '(\\p{L})+']) {
      expect(() => parseQuery(`body ~ /${ok}/${ok.includes('{1') || ok.includes('\\p') ? 'u' : ''}`), ok).not.toThrow()
    }
  })
})

describe('in and not in', () => {
  it('matches any listed value', () => {
    expect(all('status in [todo, review]')).toEqual(['t-a', 't-d'])
    expect(all('estimate in [3, 8]')).toEqual(['t-a', 't-c'])
    expect(all('status in []')).toEqual([])
  })

  it('matches a list field sharing an element with the values', () => {
    expect(all('tags in [auth, docs]')).toEqual(['t-a', 't-b'])
  })

  it('not in is the exact negation: missing fields match it', () => {
    expect(all('status not in [todo, review]')).toEqual(['t-b', 't-c', 't-e'])
    expect(all('tags not in [ui]')).toEqual(['t-b', 't-d', 't-e'])
  })

  it('null in the list matches a missing field', () => {
    expect(all('assignee in [ana, null]')).toEqual(['t-a', 't-b', 't-c', 't-d', 't-e'])
    expect(all('assignee not in [null]')).toEqual(['t-a'])
  })
})

describe('has', () => {
  it('has v: the list contains v (a scalar is a list of one)', () => {
    expect(all('tags has ui')).toEqual(['t-a', 't-c'])
    expect(all('tags has UI')).toEqual([])
    expect(all('status has todo')).toEqual(['t-a'])
  })

  it('has any / has all', () => {
    expect(all('tags has any [auth, docs]')).toEqual(['t-a', 't-b'])
    expect(all('tags has all [ui, auth]')).toEqual(['t-a'])
    expect(all('tags has all [ui]')).toEqual(['t-a', 't-c'])
    expect(all('tags has any []')).toEqual([])
    // Vacuously true for every record that has the field.
    expect(all('tags has all []')).toEqual(['t-a', 't-b', 't-c', 't-d'])
  })

  it('never matches a missing field', () => {
    expect(all('labels has x')).toEqual([])
    expect(all('not tags has ui')).toEqual(['t-b', 't-d', 't-e'])
  })

  it('has field / not has field test presence (null counts as missing)', () => {
    expect(all('has due')).toEqual(['t-a', 't-b', 't-c'])
    expect(all('not has due')).toEqual(['t-d', 't-e'])
    expect(all('has assignee')).toEqual(['t-a'])
    expect(all('has tags')).toEqual(['t-a', 't-b', 't-c', 't-d'])
  })
})

describe('logic', () => {
  it('and, or, not and parentheses', () => {
    expect(all('status = todo or status = done')).toEqual(['t-a', 't-c'])
    expect(all('status = todo and priority = high')).toEqual(['t-a'])
    expect(all('not status = todo')).toEqual(['t-b', 't-c', 't-d', 't-e'])
    expect(all('not (status = todo or status = done)')).toEqual(['t-b', 't-d', 't-e'])
  })

  it('and binds tighter than or', () => {
    // todo-or-(done-and-low): t-c is done but critical, so only t-a.
    expect(all('status = todo or status = done and priority = low')).toEqual(['t-a'])
    expect(all('(status = todo or status = done) and priority = critical')).toEqual(['t-c'])
    expect(all('a = 1 or b = 2 or status = review')).toEqual(['t-d'])
    expect(all('has due and has tags and has estimate and priority > low')).toEqual(['t-a', 't-c'])
  })

  it('a field on its own is true only for the value true', () => {
    expect(all('billable')).toEqual(['t-d'])
    expect(all('not billable')).toEqual(['t-a', 't-b', 't-c', 't-e'])
    expect(all('title')).toEqual([])
  })
})

describe('fields', () => {
  it('reads nested fields and list elements with dots', () => {
    const records = [
      rec('x', {links: {repo: 'github.com/a', ci: {green: true}}, steps: [{done: true}, {done: false}]}),
      rec('y', {links: 'none'}),
    ]
    expect(ids('links.repo ~ github', records)).toEqual(['x'])
    expect(ids('links.ci.green', records)).toEqual(['x'])
    expect(ids('steps.0.done and not steps.1.done', records)).toEqual(['x'])
    expect(ids('has links.repo', records)).toEqual(['x'])
    expect(ids('not has links.nope.deeper', records)).toEqual(['x', 'y'])
    expect(ids('has steps.x', records)).toEqual([])
  })

  it('never reads inherited properties', () => {
    expect(all('has constructor or has toString or has __proto__')).toEqual([])
    expect(all('has links.constructor')).toEqual([])
  })

  it('reads id, type, title, path, body and archived from the record', () => {
    const records = [rec('task-1', {}, {type: 'task', title: 'One', path: 'data/a/one.md', body: 'hello', archived: true}), rec('note-2', {}, {type: 'note'})]
    expect(ids('id = task-1', records)).toEqual(['task-1'])
    expect(ids('id ~ /^note-/', records)).toEqual(['note-2'])
    expect(ids('type = note', records)).toEqual(['note-2'])
    expect(ids('title = One and path ~ one.md and body ~ HELLO and archived', records)).toEqual(['task-1'])
  })

  it('reads extra derived fields from the context', () => {
    const records = [rec('x', {estimate: 4}), rec('y', {estimate: 1})]
    const context = ctx(records, {fields: {days: (r) => Number(r.data['estimate']) / 2}})
    expect(ids('days >= 2', records, context)).toEqual(['x'])
  })
})

describe('derived fields on a dependency graph', () => {
  // done ← ready ← blocked; unknown dependency; archived dependency; done-but-waiting.
  const graph = [
    rec('a', {status: 'done'}),
    rec('b', {status: 'in-progress', depends_on: ['a']}),
    rec('c', {status: 'todo', depends_on: ['a', 'b']}),
    rec('d', {status: 'todo', depends_on: ['missing-id']}),
    rec('e', {status: 'todo', depends_on: ['f']}),
    rec('f', {status: 'todo'}, {archived: true}),
    rec('g', {status: 'done', depends_on: ['c']}),
    rec('h', {status: 'review', depends_on: 'c'}),
    rec('n', {}, {type: 'note'}),
    rec('p', {status: 'active'}, {type: 'project'}),
    rec('s', {status: 'todo', depends_on: ['s']}),
  ]
  const q = (query: string) => ids(query, graph)

  it('done: the status is a done status', () => {
    expect(q('done')).toEqual(['a', 'g'])
    expect(q('done = false')).toEqual(['b', 'c', 'd', 'e', 'f', 'h', 'n', 'p', 's'])
  })

  it('blocked: not done, with a dependency that is neither done nor archived', () => {
    expect(q('blocked')).toEqual(['c', 'h', 's'])
  })

  it('ready: a workflow status, not done, not blocked', () => {
    expect(q('ready')).toEqual(['b', 'd', 'e', 'f'])
    expect(q('ready and not archived')).toEqual(['b', 'd', 'e'])
  })

  it('combines with other conditions', () => {
    expect(q('blocked or status = done')).toEqual(['a', 'c', 'g', 'h', 's'])
    expect(q('not blocked and not done and has status')).toEqual(['b', 'd', 'e', 'f', 'p'])
  })

  it('without the records, nothing is blocked', () => {
    const context: QueryContext = {statuses: ['todo', 'done'], priorities: [], doneStatuses: ['done'], now: () => NOW}
    expect(ids('blocked', graph, context)).toEqual([])
  })

  it('derived names shadow frontmatter fields', () => {
    const records = [rec('x', {status: 'todo', done: true, blocked: 'yes'})]
    expect(ids('done', records)).toEqual([])
    expect(ids('blocked = yes', records)).toEqual([])
  })
})

describe('age', () => {
  const records = [rec('old', {}), rec('new', {}), rec('unknown', {})]
  const created: Record<string, string | Date | number> = {
    old: '2026-02-08', // a bare date: that local day
    new: new Date('2026-03-09T23:30:00Z'), // 00:30 on March 10 in Berlin: today
  }

  it('counts whole local days since createdOf', () => {
    const context = ctx(records, {createdOf: (r) => created[r.id]})
    expect(ids('age > 29', records, context)).toEqual(['old'])
    expect(ids('age > 30', records, context)).toEqual([])
    expect(ids('age = 30', records, context)).toEqual(['old'])
    expect(ids('age = 0', records, context)).toEqual(['new'])
    expect(ids('not has age', records, context)).toEqual(['unknown'])
  })

  it('falls back to mtimeOf when createdOf knows nothing', () => {
    const context = ctx(records, {
      createdOf: (r) => created[r.id],
      mtimeOf: () => NOW.getTime() - 3 * 86_400_000,
    })
    expect(ids('age = 3', records, context)).toEqual(['unknown'])
  })

  describe('with a workspace root', () => {
    const dirs: string[] = []
    afterEach(() => {
      for (const dir of dirs.splice(0)) fs.rmSync(dir, {recursive: true, force: true})
    })

    it("falls back to the file's mtime", () => {
      const root = fs.mkdtempSync(path.join(os.tmpdir(), 'psp-query-'))
      dirs.push(root)
      const file = path.join(root, 'data/projects/p/tasks/unknown.md')
      fs.mkdirSync(path.dirname(file), {recursive: true})
      fs.writeFileSync(file, '---\nid: unknown\n---\n')
      const tenDaysAgo = new Date(NOW.getTime() - 10 * 86_400_000)
      fs.utimesSync(file, tenDaysAgo, tenDaysAgo)
      const context = ctx(records, {root})
      expect(ids('age = 10', records, context)).toEqual(['unknown'])
      // The other two have no file: no age.
      expect(ids('has age', records, context)).toEqual(['unknown'])
    })
  })
})

describe('compiling once', () => {
  it('reads the clock once per compiled query', () => {
    let calls = 0
    const context = ctx(tasks, {now: () => (calls++, NOW)})
    const match = compileQuery('due < today+7d or due > today-1y', context)
    tasks.forEach(match)
    tasks.forEach(match)
    expect(calls).toBe(1)
  })

  it('accepts a parsed tree', () => {
    const ast = parseQuery('priority >= high')
    expect(tasks.filter(compileQuery(ast, ctx(tasks))).map((r) => r.id)).toEqual(['t-a', 't-c'])
  })

  it('agrees with a hand-written predicate over 10,000 records', () => {
    const statuses = ['todo', 'in-progress', 'review', 'done']
    const priorities = ['low', 'medium', 'high', 'critical']
    const many = Array.from({length: 10_000}, (_, i) =>
      rec(`task-${i}`, {
        title: `Task number ${i}`,
        status: statuses[i % 4],
        priority: priorities[(i >> 2) % 4],
        tags: i % 3 === 0 ? ['ui', 'api'] : ['backend'],
        due: `2026-0${(i % 9) + 1}-1${i % 10}`,
        estimate: i % 13,
        depends_on: i > 0 && i % 5 === 0 ? [`task-${i - 1}`] : [],
      }),
    )
    const context = ctx(many)
    // Speed is measured by the benchmarks (npm run bench), not here.
    const match = compileQuery('(status < review and priority >= high or tags has any [ui, x]) and estimate >= 6', context)
    const order = ['todo', 'in-progress', 'review', 'done']
    const reference = (r: DocumentRecord) => {
      const d = r.data as {status: string; priority: string; tags: string[]; estimate: number}
      const early = order.indexOf(d.status) < order.indexOf('review')
      const urgent = ['high', 'critical'].includes(d.priority)
      return ((early && urgent) || d.tags.some((t) => t === 'ui' || t === 'x')) && d.estimate >= 6
    }
    const got = many.filter(match).map((r) => r.id)
    expect(got.length).toBeGreaterThan(100)
    expect(got).toEqual(many.filter(reference).map((r) => r.id))
  })
})
