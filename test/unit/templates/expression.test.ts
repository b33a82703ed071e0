/**
 * The expression language of templates: parsing `{{ … }}`, rendering texts and frontmatter
 * values, date arithmetic at month ends and leap days, and checking expressions against the
 * variables a template declares.
 */
import {describe, expect, it} from 'vitest'
import {checkExpression, evaluate, ExpressionError, expressionsIn, parseExpression, parseText, renderText, renderValue, type VariableKind} from '@psp/core/templates'

function parseError(source: string): string {
  let error: unknown
  try {
    parseExpression(source)
  } catch (error_) {
    error = error_
  }
  expect(error, `parseExpression(${JSON.stringify(source)}) should throw`).toBeInstanceOf(ExpressionError)
  return (error as Error).message
}

/** The date `{{ d <offsets> }}` gives for d = `date`. */
function shifted(date: string, offsets: string, more: Record<string, number> = {}): string {
  return renderText(`{{ d ${offsets} }}`, {d: date, ...more})
}

describe('parseExpression', () => {
  it('reads a variable, trimming the space around it', () => {
    expect(parseExpression(' name ')).toEqual({variable: 'name', offsets: [], filters: [], source: 'name'})
    expect(parseExpression('start_2')).toMatchObject({variable: 'start_2'})
  })

  it('reads offsets with literal counts and with variable counts', () => {
    expect(parseExpression('start + 2w').offsets).toEqual([{sign: 1, count: 2, unit: 'w'}])
    expect(parseExpression('launch - 3d').offsets).toEqual([{sign: -1, count: 3, unit: 'd'}])
    expect(parseExpression('start + weeks w').offsets).toEqual([{sign: 1, count: 'weeks', unit: 'w'}])
    expect(parseExpression('start+2weeks-1day+n m').offsets).toEqual([
      {sign: 1, count: 2, unit: 'w'},
      {sign: -1, count: 1, unit: 'd'},
      {sign: 1, count: 'n', unit: 'm'},
    ])
    expect(parseExpression('start + 2 w').offsets).toEqual([{sign: 1, count: 2, unit: 'w'}])
  })

  it('knows every spelling of every unit', () => {
    const spellings: Record<string, string> = {d: 'd', day: 'd', days: 'd', w: 'w', week: 'w', weeks: 'w', m: 'm', month: 'm', months: 'm', y: 'y', year: 'y', years: 'y'}
    for (const [spelling, unit] of Object.entries(spellings)) {
      expect(parseExpression(`start + 1${spelling}`).offsets, spelling).toEqual([{sign: 1, count: 1, unit}])
      expect(parseExpression(`start - n ${spelling}`).offsets, spelling).toEqual([{sign: -1, count: 'n', unit}])
    }
  })

  it('reads filters, after the offsets, in order', () => {
    expect(parseExpression('name | slug').filters).toEqual(['slug'])
    expect(parseExpression('name|slug|upper | lower').filters).toEqual(['slug', 'upper', 'lower'])
    expect(parseExpression('start + 1d | upper')).toMatchObject({offsets: [{sign: 1, count: 1, unit: 'd'}], filters: ['upper']})
  })

  it('refuses an empty expression', () => {
    expect(parseError('')).toContain('empty expression')
    expect(parseError('   ')).toContain('empty expression')
  })

  it('refuses an expression that does not start with a variable', () => {
    expect(parseError('| slug')).toContain('starts with a variable name')
    expect(parseError('2 + start')).toContain('starts with a variable name')
  })

  it('refuses an unknown filter, naming the known ones', () => {
    expect(parseError('name | title')).toBe('{{name | title}}: unknown filter "title" (filters: slug, upper, lower)')
    expect(parseError('name |')).toContain('unknown filter ""')
  })

  it('refuses a count without a unit, and an unknown unit', () => {
    expect(parseError('start + 2')).toContain('"2" needs a unit: d, w, m or y')
    expect(parseError('start + 2x')).toContain('"2" needs a unit')
    expect(parseError('start + n')).toContain('"n" needs a unit')
    expect(parseError('start + 2 fortnights')).toContain('needs a unit')
  })

  it('refuses a sign without a count', () => {
    expect(parseError('start +')).toContain('a number or variable must follow "+"')
    expect(parseError('start - -2d')).toContain('must follow "-"')
  })

  it('refuses trailing junk and characters outside the language', () => {
    expect(parseError('name name')).toContain('unexpected "name"')
    expect(parseError('name | slug + 1d')).toContain('unexpected "+"')
    expect(parseError('name !')).toContain('unexpected "!"')
    expect(parseError('name()')).toContain('unexpected "("')
    expect(parseError('a.b')).toContain('unexpected "."')
  })
})

describe('parseText', () => {
  it('splits literal text and expressions', () => {
    const segments = parseText('Hello {{ name }}, due {{ start + 1w }}!')
    expect(segments).toHaveLength(5)
    expect(segments[0]).toBe('Hello ')
    expect(segments[1]).toMatchObject({variable: 'name'})
    expect(segments[2]).toBe(', due ')
    expect(segments[3]).toMatchObject({variable: 'start', offsets: [{sign: 1, count: 1, unit: 'w'}]})
    expect(segments[4]).toBe('!')
    expect(parseText('')).toEqual([])
  })

  it('reads \\{{ as a literal {{', () => {
    expect(parseText('\\{{ name }}')).toEqual(['{{ name }}'])
    expect(renderText('a \\{{ name }} b {{ name }}', {name: 'Ada'})).toBe('a {{ name }} b Ada')
    expect(renderText('\\{{ \\{{', {})).toBe('{{ {{')
  })

  it('refuses an unclosed {{', () => {
    expect(() => parseText('Hello {{ name')).toThrow(ExpressionError)
    expect(() => parseText('Hello {{ name')).toThrow('"{{" without "}}"')
    expect(() => renderText('{{ name }} and {{ more', {name: 'x'})).toThrow('without "}}"')
  })

  it('leaves a lone }} and single braces alone', () => {
    expect(renderText('x }} y { z }', {})).toBe('x }} y { z }')
    expect(renderText('{{ name }}}', {name: 'Ada'})).toBe('Ada}')
  })

  it('expressionsIn lists the expressions of a text', () => {
    expect(expressionsIn('{{ a }} and {{ b | upper }}').map((e) => e.variable)).toEqual(['a', 'b'])
    expect(expressionsIn('\\{{ a }}')).toEqual([])
  })
})

describe('renderText', () => {
  const variables = {name: 'Grand Opening 2', slug: 'grand-opening-2', start: '2025-03-03', n: 3, flag: true}

  it('replaces every expression by its value', () => {
    expect(renderText('# {{ name }} ({{ slug }})', variables)).toBe('# Grand Opening 2 (grand-opening-2)')
    expect(renderText('{{ n }} weeks, {{ flag }}', variables)).toBe('3 weeks, true')
    expect(renderText('{{name}}{{name}}', variables)).toBe('Grand Opening 2Grand Opening 2')
  })

  it('applies filters', () => {
    expect(renderText('{{ name | slug }}', variables)).toBe('grand-opening-2')
    expect(renderText('{{ name | upper }}', variables)).toBe('GRAND OPENING 2')
    expect(renderText('{{ name | lower }}', variables)).toBe('grand opening 2')
    expect(renderText('{{ name | slug | upper }}', variables)).toBe('GRAND-OPENING-2')
    expect(renderText('{{ name | upper | slug }}', variables)).toBe('grand-opening-2')
    expect(renderText('{{ start + 1w | slug }}', variables)).toBe('2025-03-10')
  })

  it('computes dates with literal and variable counts', () => {
    expect(renderText('{{ start + 2w }}', variables)).toBe('2025-03-17')
    expect(renderText('{{ start - 3d }}', variables)).toBe('2025-02-28')
    expect(renderText('{{ start + n w }}', variables)).toBe('2025-03-24')
    expect(renderText('{{ start + n d - 1w }}', variables)).toBe('2025-02-27')
  })

  it('refuses a variable it was not given', () => {
    expect(() => renderText('{{ nope }}', variables)).toThrow('unknown variable "nope"')
    expect(() => renderText('{{ start + nope d }}', variables)).toThrow('unknown variable "nope"')
  })

  it('refuses date arithmetic on something that is not a date, or by something that is not a whole number', () => {
    expect(() => renderText('{{ name + 1d }}', variables)).toThrow('"name" is not a date')
    expect(() => renderText('{{ n + 1d }}', variables)).toThrow('"n" is not a date')
    expect(() => renderText('{{ start + 1d }}', {start: '2025-02-30'})).toThrow('is not a date')
    expect(() => renderText('{{ start + 1d }}', {start: '2025-03-03T10:00'})).toThrow('is not a date')
    expect(() => renderText('{{ start + k d }}', {start: '2025-03-03', k: 1.5})).toThrow('"k" is not a whole number')
    expect(() => renderText('{{ start + k d }}', {start: '2025-03-03', k: '2'})).toThrow('"k" is not a whole number')
    expect(() => renderText('{{ start + k d }}', {start: '2025-03-03', k: true})).toThrow(ExpressionError)
  })

  it('returns a text without {{ unchanged', () => {
    expect(renderText('no expressions } here {', {})).toBe('no expressions } here {')
  })
})

describe('renderValue', () => {
  const variables = {name: 'Apollo', start: '2025-03-03', hours: 12, ratio: 0.5, flag: false, owner: ''}

  it('keeps the type of a string that is exactly one expression', () => {
    expect(renderValue('{{ hours }}', variables)).toBe(12)
    expect(renderValue('{{ ratio }}', variables)).toBe(0.5)
    expect(renderValue('{{ flag }}', variables)).toBe(false)
    expect(renderValue('{{ start + 1d }}', variables)).toBe('2025-03-04')
    expect(renderValue('{{ owner }}', variables)).toBe('')
    expect(renderValue(' {{hours}} ', variables)).toBe(' 12 ')
  })

  it('makes a string of mixed text, and of filtered values', () => {
    expect(renderValue('{{ hours }}h', variables)).toBe('12h')
    expect(renderValue('{{ hours }}{{ hours }}', variables)).toBe('1212')
    expect(renderValue('{{ hours | upper }}', variables)).toBe('12')
    expect(renderValue('{{ flag | lower }}', variables)).toBe('false')
    expect(renderValue('\\{{ hours }}', variables)).toBe('{{ hours }}')
  })

  it('renders lists and mappings item by item, and leaves other values alone', () => {
    const value = {
      tags: ['release', '{{ name | slug }}', '{{ hours }}'],
      nested: {when: '{{ start + 1m }}', list: [{deep: '{{ flag }}'}, 7, null], text: 'plain'},
      count: 3,
      none: null,
      yes: true,
    }
    expect(renderValue(value, variables)).toEqual({
      tags: ['release', 'apollo', 12],
      nested: {when: '2025-04-03', list: [{deep: false}, 7, null], text: 'plain'},
      count: 3,
      none: null,
      yes: true,
    })
  })
})

describe('date arithmetic', () => {
  it('clamps to the last day of a shorter month', () => {
    expect(shifted('2025-01-31', '+ 1m')).toBe('2025-02-28')
    expect(shifted('2024-01-31', '+ 1m')).toBe('2024-02-29')
    expect(shifted('2025-03-31', '- 1m')).toBe('2025-02-28')
    expect(shifted('2025-05-31', '+ 1m')).toBe('2025-06-30')
    expect(shifted('2025-08-31', '- 6m')).toBe('2025-02-28')
    // Each step clamps: two single months are not one double month.
    expect(shifted('2025-01-31', '+ 1m + 1m')).toBe('2025-03-28')
    expect(shifted('2025-01-31', '+ 2m')).toBe('2025-03-31')
  })

  it('crosses year ends both ways', () => {
    expect(shifted('2024-12-31', '+ 1d')).toBe('2025-01-01')
    expect(shifted('2025-01-01', '- 1d')).toBe('2024-12-31')
    expect(shifted('2024-11-30', '+ 3m')).toBe('2025-02-28')
    expect(shifted('2025-01-15', '- 1m')).toBe('2024-12-15')
    expect(shifted('2025-01-15', '- 13m')).toBe('2023-12-15')
    expect(shifted('2024-12-30', '+ 1w')).toBe('2025-01-06')
  })

  it('knows leap years, including the century rules', () => {
    expect(shifted('2024-02-28', '+ 1d')).toBe('2024-02-29')
    expect(shifted('2025-02-28', '+ 1d')).toBe('2025-03-01')
    expect(shifted('1900-02-28', '+ 1d')).toBe('1900-03-01')
    expect(shifted('2000-02-28', '+ 1d')).toBe('2000-02-29')
    expect(shifted('2024-03-01', '- 1d')).toBe('2024-02-29')
    expect(shifted('2024-02-29', '+ 1y')).toBe('2025-02-28')
    expect(shifted('2024-02-29', '+ 4y')).toBe('2028-02-29')
    expect(shifted('2024-02-29', '- 1year')).toBe('2023-02-28')
    expect(shifted('2024-01-01', '+ 52w + 2d')).toBe('2025-01-01')
  })

  it('takes negative counts from variables', () => {
    expect(shifted('2025-03-03', '+ k d', {k: -3})).toBe('2025-02-28')
    expect(shifted('2025-03-03', '- k w', {k: -2})).toBe('2025-03-17')
    expect(shifted('2025-03-31', '+ k m', {k: -1})).toBe('2025-02-28')
    expect(shifted('2025-03-03', '+ k y', {k: 0})).toBe('2025-03-03')
  })

  it('evaluate keeps a date a YYYY-MM-DD string', () => {
    expect(evaluate(parseExpression('d + 0d'), {d: '2025-03-03'})).toBe('2025-03-03')
    expect(evaluate(parseExpression('d'), {d: 'not a date'})).toBe('not a date')
  })
})

describe('checkExpression', () => {
  const kinds: Record<string, VariableKind> = {name: 'string', start: 'date', weeks: 'number', flag: 'boolean'}
  const check = (source: string) => () => checkExpression(parseExpression(source), kinds)

  it('accepts expressions over declared variables of the right kinds', () => {
    expect(check('name | slug')).not.toThrow()
    expect(check('start + 2w - weeks d | upper')).not.toThrow()
    expect(check('flag')).not.toThrow()
  })

  it('refuses an unknown variable, as the value or as a count', () => {
    expect(check('nope')).toThrow('{{nope}}: unknown variable "nope"')
    expect(check('start + nope d')).toThrow('unknown variable "nope"')
  })

  it('refuses offsets on a variable that is not a date', () => {
    expect(check('name + 1d')).toThrow('"name" is not a date: only dates take + and -')
    expect(check('weeks - 1w')).toThrow('"weeks" is not a date')
    expect(check('flag + 1y')).toThrow('"flag" is not a date')
  })

  it('refuses a count that is not a number', () => {
    expect(check('start + name d')).toThrow('"name" is not a number')
    expect(check('start + start d')).toThrow('"start" is not a number')
    expect(check('start + flag d')).toThrow('"flag" is not a number')
  })
})
