import {describe, expect, it} from 'vitest'
import {InvalidDocumentError, parseFieldValue, parseYamlData, splitAssignment, UnsafeInputError, UsageError} from '@psp/core'
import {thrown} from './_helpers.js'

describe('parseYamlData', () => {
  it('reads YAML 1.2 core data: dates stay strings, no YAML 1.1 booleans', () => {
    expect(parseYamlData('a: 1\nb: [x, y]\nc: 2024-01-31\nd: yes\ne: ~\nf: 0x10\n')).toEqual({
      a: 1,
      b: ['x', 'y'],
      c: '2024-01-31',
      d: 'yes',
      e: null,
      f: 16,
    })
    expect(parseYamlData('')).toBeUndefined()
  })

  it('refuses tags as unsafe, with the file and line', () => {
    const error = thrown(() => parseYamlData('a: 1\nb: !!js/function "x"\n', 'config/x.yaml'))
    expect(error).toBeInstanceOf(UnsafeInputError)
    expect(error.location).toMatchObject({path: 'config/x.yaml', line: 2})
  })

  it('refuses invalid YAML and duplicate keys with a line and column', () => {
    const error = thrown(() => parseYamlData('a: 1\n  b: 2\n', 'c.yaml'))
    expect(error).toBeInstanceOf(InvalidDocumentError)
    expect(error.location).toMatchObject({path: 'c.yaml', line: 2, col: 4})
    expect(thrown(() => parseYamlData('a: 1\na: 2\n')).location).toMatchObject({line: 2, col: 1})
  })
})

describe('parseFieldValue', () => {
  it.each([
    ['3', 3],
    ['2.5', 2.5],
    ['true', true],
    ['null', null],
    ['[ui, api]', ['ui', 'api']],
    ['[]', []],
    ['', ''],
    ['plain words', 'plain words'],
    ['2024-01-31', '2024-01-31'],
    ['"3"', '3'],
    ['Fix: crash', 'Fix: crash'],
    ['{a: 1}', '{a: 1}'],
    ['a [b', 'a [b'],
    ['[unclosed', '[unclosed'],
    ['!foo x', '!foo x'],
    ['# just a comment', '# just a comment'],
    ['Issue #42', 'Issue #42'],
    ['3 # three', '3 # three'],
    ['"quoted #hash"', 'quoted #hash'],
    ['x#y', 'x#y'],
    ['[a, "#b"]', ['a', '#b']],
  ])('reads %j as %j', (raw, value) => {
    expect(parseFieldValue(raw)).toEqual(value)
  })
})

describe('splitAssignment', () => {
  it('splits at the first =', () => {
    expect(splitAssignment('status=done', '--set')).toEqual(['status', 'done'])
    expect(splitAssignment('expr=a=b', '--set')).toEqual(['expr', 'a=b'])
    expect(splitAssignment(' title = x', '--set')).toEqual(['title', ' x'])
    expect(splitAssignment('k=', '--set')).toEqual(['k', ''])
  })

  it('refuses a missing key or =', () => {
    for (const input of ['=x', 'novalue', '']) {
      const error = thrown(() => splitAssignment(input, '--set'))
      expect(error).toBeInstanceOf(UsageError)
      expect(error.message).toContain('--set')
    }
  })
})
