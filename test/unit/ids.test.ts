import {describe, expect, it} from 'vitest'
import {
  AmbiguousIdError,
  assertValidId,
  DEFAULT_ID_LENGTH,
  ID_PATTERN,
  newId,
  NotFoundError,
  randomPart,
  resolveId,
  slugify,
  UnsafeInputError,
} from '@psp/core'
import {thrown} from './_helpers.js'

const CROCKFORD = '0123456789abcdefghjkmnpqrstvwxyz'

describe('randomPart', () => {
  it('is 10 characters of lower-case Crockford base32 by default', () => {
    expect(DEFAULT_ID_LENGTH).toBe(10)
    for (let i = 0; i < 200; i++) expect(randomPart()).toMatch(/^[0-9abcdefghjkmnpqrstvwxyz]{10}$/)
  })

  it('honours the requested length', () => {
    for (const length of [1, 6, 16, 26]) expect(randomPart(length)).toHaveLength(length)
    expect(randomPart(0)).toBe('')
  })

  it('never uses i, l, o or u, and uses all 32 symbols about equally', () => {
    const counts = new Map<string, number>()
    const sample = Array.from({length: 1000}, () => randomPart(32)).join('')
    for (const c of sample) counts.set(c, (counts.get(c) ?? 0) + 1)
    expect([...counts.keys()].sort().join('')).toBe(CROCKFORD)
    // 32,000 draws: each symbol is expected 1,000 times; 800..1200 is > 6 standard deviations.
    for (const n of counts.values()) {
      expect(n).toBeGreaterThan(800)
      expect(n).toBeLessThan(1200)
    }
  })
})

describe('newId', () => {
  it('is the prefix, a dash and a random part', () => {
    expect(newId('task')).toMatch(/^task-[0-9a-hjkmnp-tv-z]{10}$/)
    expect(newId('ms', () => false, 6)).toMatch(/^ms-[0-9a-hjkmnp-tv-z]{6}$/)
  })

  it('retries until the id is not taken', () => {
    const tried: string[] = []
    const id = newId('task', (candidate) => {
      tried.push(candidate)
      return tried.length <= 3
    })
    expect(tried).toHaveLength(4)
    expect(id).toBe(tried[3])
    expect(tried.slice(0, 3)).not.toContain(id)
  })

  it('mints 100,000 distinct valid ids', () => {
    const ids = new Set<string>()
    for (let i = 0; i < 100_000; i++) ids.add(newId('task'))
    expect(ids.size).toBe(100_000)
    for (const id of ids) {
      if (!ID_PATTERN.test(id)) expect(id).toMatch(ID_PATTERN)
    }
  })
})

describe('assertValidId', () => {
  it('accepts safe ids', () => {
    for (const id of ['task-7kq3m9x2ab', 'a', 'A.b_c-9']) expect(() => assertValidId(id)).not.toThrow()
  })

  it.each([['../x'], ['a/b'], ['a\\b'], ['.hidden'], ['a..b'], ['a b'], [''], ['x'.repeat(65)], ['a\u0000b']])(
    'refuses %j as UnsafeInputError on the id field',
    (id) => {
      const error = thrown(() => assertValidId(id, {path: 'p.md', line: 2, col: 1}))
      expect(error).toBeInstanceOf(UnsafeInputError)
      expect(error.code).toBe('UNSAFE_INPUT')
      expect(error.location).toEqual({path: 'p.md', line: 2, col: 1, field: 'id'})
    },
  )

  it('refuses non-strings', () => {
    for (const id of [undefined, null, 3, ['a'], {}]) expect(() => assertValidId(id)).toThrow(UnsafeInputError)
  })
})

describe('resolveId', () => {
  const ids = ['task-7kq3m9x2ab', 'task-7kz0000000', 'task-8aaaaaaaaa', 'proj-7kq1111111', 'ms-abc']

  it('resolves an exact id', () => {
    expect(resolveId('task-7kq3m9x2ab', ids)).toBe('task-7kq3m9x2ab')
  })

  it('lets an exact match win over longer ids it is a prefix of', () => {
    expect(resolveId('task-ab', ['task-abc', 'task-ab', 'task-abd'])).toBe('task-ab')
  })

  it('resolves a unique prefix including the type prefix', () => {
    expect(resolveId('task-7kq', ids)).toBe('task-7kq3m9x2ab')
    expect(resolveId('task-8', ids)).toBe('task-8aaaaaaaaa')
  })

  it('resolves a unique prefix of the part after the type prefix', () => {
    expect(resolveId('7kq3', ids)).toBe('task-7kq3m9x2ab')
    expect(resolveId('abc', ids)).toBe('ms-abc')
  })

  it('is case-insensitive and ignores surrounding spaces', () => {
    expect(resolveId('TASK-7KQ3', ids)).toBe('task-7kq3m9x2ab')
    expect(resolveId('  8AA ', ids)).toBe('task-8aaaaaaaaa')
    expect(resolveId('MS-ABC', ids)).toBe('ms-abc')
  })

  it('reports an ambiguous prefix with every candidate, sorted', () => {
    const error = thrown(() => resolveId('7k', ids))
    expect(error).toBeInstanceOf(AmbiguousIdError)
    expect(error.code).toBe('AMBIGUOUS_ID')
    expect(error.exitCode).toBe(5)
    expect(error.data['candidates']).toEqual(['proj-7kq1111111', 'task-7kq3m9x2ab', 'task-7kz0000000'])
    expect(error.data['query']).toBe('7k')
    expect(error.message).toContain('proj-7kq1111111, task-7kq3m9x2ab, task-7kz0000000')
    expect(error.hint).toBeDefined()
  })

  it('shows at most ten candidates in the message but lists all in data', () => {
    const many = Array.from({length: 15}, (_, i) => `task-x${String(i).padStart(2, '0')}`)
    const error = thrown(() => resolveId('x', many))
    expect(error).toBeInstanceOf(AmbiguousIdError)
    expect(error.data['candidates']).toHaveLength(15)
    expect(error.message).toContain('15 in all')
  })

  it('reports an unknown id as NotFoundError', () => {
    const error = thrown(() => resolveId('zzz', ids, 'task'))
    expect(error).toBeInstanceOf(NotFoundError)
    expect(error.code).toBe('NOT_FOUND')
    expect(error.exitCode).toBe(4)
    expect(error.message).toContain('task')
    expect(error.data['query']).toBe('zzz')
  })

  it('reports an empty query as NotFoundError', () => {
    expect(() => resolveId('   ', ids)).toThrow(NotFoundError)
  })

  it('does not match in the middle of an id', () => {
    expect(() => resolveId('q3m9', ids)).toThrow(NotFoundError)
  })

  it('accepts any iterable', () => {
    expect(resolveId('8a', new Set(ids).keys())).toBe('task-8aaaaaaaaa')
  })
})

describe('slugify', () => {
  it.each([
    ['Hello, World!', 'hello-world'],
    ['  Fix: the login   crash ', 'fix-the-login-crash'],
    ['Crème brûlée à la carte', 'creme-brulee-a-la-carte'],
    ['ﬁle №1', 'file-no1'],
    ['日本語のタイトル', ''],
    ['---', ''],
    ['v2.0 release', 'v2-0-release'],
    ['a/b\\c..d', 'a-b-c-d'],
  ])('slugifies %j as %j', (title, slug) => {
    expect(slugify(title)).toBe(slug)
  })

  it('keeps at most 40 characters and never ends with a dash', () => {
    const slug = slugify('word '.repeat(30))
    expect(slug.length).toBeLessThanOrEqual(40)
    expect(slug).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*$/)
    expect(slugify(`${'a'.repeat(39)} b`)).toBe('a'.repeat(39))
  })

  it('always gives a safe file-name part', () => {
    for (const title of ['../../etc/passwd', 'CON', 'a\u0000b', '🚀🚀', 'ÀÉÎÕÜ']) {
      expect(slugify(title)).toMatch(/^(?:[a-z0-9]+(?:-[a-z0-9]+)*)?$/)
    }
  })
})
