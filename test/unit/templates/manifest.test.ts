/**
 * template.yaml: what parseManifest accepts and how it refuses the rest (a message and a field a
 * template author can act on), and how coerceVariable types a value given for a variable.
 */
import {describe, expect, it} from 'vitest'
import {InvalidDocumentError, UsageError} from '@psp/core'
import {BUILTIN_VARIABLES, coerceVariable, defaultValue, kindOf, parseManifest, variableKinds, type VariableDefinition} from '@psp/core/templates'
import {thrown} from '../_helpers.js'
import {manifest, TODAY} from './_templates.js'

const SHOWN = 'tpl/template.yaml'

/** The error parseManifest throws for `text`. */
function refusal(text: string): InvalidDocumentError {
  const error = thrown(() => parseManifest(text, SHOWN))
  expect(error).toBeInstanceOf(InvalidDocumentError)
  expect(error.location.path).toBe(SHOWN)
  return error as InvalidDocumentError
}

/** A manifest named `t` declaring the `variables:` lines. */
const withVariables = (...lines: string[]) => manifest('t', lines)

describe('parseManifest', () => {
  it('accepts a manifest without variables, and gives it an empty set', () => {
    const parsed = parseManifest(manifest('blank', [], 'Nothing but a name'), SHOWN)
    expect(parsed).toEqual({schema: 1, name: 'blank', description: 'Nothing but a name', variables: {}})
  })

  it('accepts every variable type with its options, in declaration order', () => {
    const parsed = parseManifest(
      withVariables(
        '  start: {type: date, description: First day, default: today}',
        '  launch: {type: date, default: "{{ start + 10w }}"}',
        '  team: {type: string, pattern: "[a-z]+", default: core}',
        '  size: {type: integer, min: 1, max: 9, default: 3}',
        '  ratio: {type: number, min: 0.5}',
        '  public: {type: boolean, default: false}',
        '  tier: {type: choice, choices: [gold, silver]}',
        '  owner: {type: string, default: ""}',
        '  label: {type: string, default: "{{ name | upper }}-{{ team }}"}',
      ),
      SHOWN,
    )
    expect(Object.keys(parsed.variables)).toEqual(['start', 'launch', 'team', 'size', 'ratio', 'public', 'tier', 'owner', 'label'])
    expect(parsed.variables['size']).toEqual({type: 'integer', min: 1, max: 9, default: 3})
    expect(parsed.variables['tier']).toEqual({type: 'choice', choices: ['gold', 'silver']})
    expect(variableKinds(parsed)).toEqual({...BUILTIN_VARIABLES, start: 'date', launch: 'date', team: 'string', size: 'number', ratio: 'number', public: 'boolean', tier: 'string', owner: 'string', label: 'string'})
  })

  it('accepts comments and an empty variables mapping', () => {
    expect(parseManifest('# hello\nschema: 1 # the format\nname: x\ndescription: d\nvariables: {}\n', SHOWN).variables).toEqual({})
  })

  it('refuses a manifest missing a required key', () => {
    expect(refusal('schema: 1\ndescription: d\n').message).toContain("required property 'name'")
    expect(refusal('schema: 1\nname: x\n').message).toContain("required property 'description'")
    expect(refusal('name: x\ndescription: d\n').message).toContain("required property 'schema'")
  })

  it('refuses an unknown key, naming it and its line', () => {
    const error = refusal('schema: 1\nname: x\ndescription: d\nauthor: me\n')
    expect(error.message).toBe('unknown key (docs/templates.md lists them)')
    expect(error.location).toMatchObject({field: 'author', line: 4})
  })

  it('refuses an unknown key of a variable', () => {
    const error = refusal(withVariables('  a: {type: string, required: true}'))
    expect(error.message).toContain('unknown key')
    expect(error.location.field).toBe('variables.a.required')
  })

  it('refuses another schema version, a bad name, an empty or missing description', () => {
    expect(refusal(manifest('x').replace('schema: 1', 'schema: 2')).location.field).toBe('schema')
    for (const bad of ['Bad', 'has space', '-dash', 'under_score', 'x'.repeat(65)]) {
      const error = refusal(manifest('placeholder').replace('name: placeholder', `name: ${JSON.stringify(bad)}`))
      expect(error.location.field, bad).toBe('name')
      expect(error.message, bad).toContain('pattern')
    }
    expect(refusal('schema: 1\nname: x\ndescription: ""\n').location.field).toBe('description')
    expect(refusal('schema: 1\nname: x\ndescription: [a]\n').location.field).toBe('description')
  })

  it('refuses what is not a mapping, or not YAML', () => {
    expect(refusal('- a\n- b\n').message).toContain('must be object')
    expect(refusal('').message).toContain('must be object')
    expect(refusal('a: [\n').message).toContain('invalid YAML')
  })

  it('refuses a bad variable name and the built-in names', () => {
    for (const bad of ['Start', '1st', '_x', 'with-dash', 'name', 'slug', 'today']) {
      const error = refusal(withVariables(`  ${bad}: {type: string}`))
      expect(error.location.field, bad).toMatch(/^variables/)
    }
  })

  it('says what a variable name may be, and which name is wrong', () => {
    for (const bad of ['Start', 'slug']) {
      const error = refusal(withVariables(`  ${bad}: {type: string}`))
      expect(error.message).toContain('variable names are lower-case letters, digits and _')
      expect(error.location.field).toBe(`variables.${bad}`)
    }
  })

  it('refuses an unknown type', () => {
    expect(refusal(withVariables('  a: {type: text}')).location.field).toBe('variables.a.type')
    expect(refusal(withVariables('  a: {description: no type}')).message).toContain("required property 'type'")
  })

  it('refuses a choice without choices, and choices on anything else', () => {
    let error = refusal(withVariables('  tier: {type: choice}'))
    expect(error.message).toBe('a choice needs choices')
    expect(error.location.field).toBe('variables.tier')
    error = refusal(withVariables('  tier: {type: string, choices: [a]}'))
    expect(error.message).toBe('only a choice has choices')
    expect(refusal(withVariables('  tier: {type: choice, choices: []}')).location.field).toBe('variables.tier.choices')
    expect(refusal(withVariables('  tier: {type: choice, choices: [a, a]}')).location.field).toBe('variables.tier.choices')
  })

  it('refuses a pattern on anything but a string, and a pattern that is not a regular expression', () => {
    let error = refusal(withVariables('  n: {type: integer, pattern: "\\\\d+"}'))
    expect(error.message).toBe('only a string has a pattern')
    expect(error.location.field).toBe('variables.n')
    error = refusal(withVariables('  code: {type: string, pattern: "([a-z"}'))
    expect(error.message).toMatch(/^pattern is not a regular expression: /)
    expect(error.location.field).toBe('variables.code')
  })

  it('refuses min and max on anything but numbers, and min larger than max', () => {
    expect(refusal(withVariables('  s: {type: string, min: 1}')).message).toBe('only an integer or a number has min and max')
    expect(refusal(withVariables('  d: {type: date, max: 1}')).message).toBe('only an integer or a number has min and max')
    const error = refusal(withVariables('  n: {type: integer, min: 5, max: 4}'))
    expect(error.message).toBe('min is larger than max')
    expect(error.location.field).toBe('variables.n')
    expect(parseManifest(withVariables('  n: {type: number, min: 4, max: 4}'), SHOWN).variables['n']).toEqual({type: 'number', min: 4, max: 4})
  })

  it('refuses a default that uses an unknown variable, or one declared after it', () => {
    let error = refusal(withVariables('  a: {type: string, default: "{{ nope }}"}'))
    expect(error.message).toBe('default: {{nope}}: unknown variable "nope"')
    expect(error.location.field).toBe('variables.a')
    error = refusal(withVariables('  end: {type: date, default: "{{ start + 1w }}"}', '  start: {type: date}'))
    expect(error.message).toContain('unknown variable "start"')
    expect(error.location.field).toBe('variables.end')
  })

  it('refuses a default with bad date arithmetic or a broken expression', () => {
    expect(refusal(withVariables('  a: {type: string}', '  b: {type: date, default: "{{ a + 1d }}"}')).message).toContain('"a" is not a date')
    expect(refusal(withVariables('  a: {type: string, default: "{{ name | title }}"}')).message).toContain('unknown filter')
    expect(refusal(withVariables('  a: {type: string, default: "{{ name"}')).message).toContain('without "}}"')
  })

  it('lets a default use the built-ins and earlier variables', () => {
    const parsed = parseManifest(withVariables('  start: {type: date, default: "{{ today }}"}', '  code: {type: string, default: "{{ slug }}-{{ start + 1y }}"}'), SHOWN)
    expect(defaultValue(parsed.variables['code'] as VariableDefinition, {slug: 'x', start: '2025-01-01', today: TODAY})).toBe('x-2026-01-01')
  })
})

describe('kindOf', () => {
  it('maps variable types to expression kinds', () => {
    expect(['string', 'integer', 'number', 'boolean', 'date', 'choice'].map((t) => kindOf(t as never))).toEqual(['string', 'number', 'number', 'boolean', 'date', 'string'])
  })
})

describe('coerceVariable', () => {
  const coerce = (def: VariableDefinition, given: unknown) => coerceVariable('v', def, given, TODAY)
  const refused = (def: VariableDefinition, given: unknown): string => {
    const error = thrown(() => coerce(def, given))
    expect(error).toBeInstanceOf(UsageError)
    expect(error.message.startsWith(`variable v: ${JSON.stringify(given)} `)).toBe(true)
    return error.message
  }

  it('types integers, refusing fractions, words and empty values', () => {
    const def: VariableDefinition = {type: 'integer'}
    expect(coerce(def, '42')).toBe(42)
    expect(coerce(def, ' -7 ')).toBe(-7)
    expect(coerce(def, 5)).toBe(5)
    expect(refused(def, '2.5')).toContain('a whole number')
    expect(refused(def, 2.5)).toContain('a whole number')
    expect(refused(def, 'ten')).toContain('a whole number')
    expect(refused(def, '')).toContain('a whole number')
    expect(refused(def, 'Infinity')).toContain('a whole number')
  })

  it('types numbers', () => {
    const def: VariableDefinition = {type: 'number'}
    expect(coerce(def, '2.5')).toBe(2.5)
    expect(coerce(def, '-0.25')).toBe(-0.25)
    expect(refused(def, 'abc')).toContain('a number')
    expect(refused(def, '   ')).toContain('a number')
  })

  it('keeps numbers within min and max, both ends included', () => {
    const def: VariableDefinition = {type: 'integer', min: 1, max: 10}
    expect(coerce(def, '1')).toBe(1)
    expect(coerce(def, '10')).toBe(10)
    expect(refused(def, '0')).toContain('is less than 1')
    expect(refused(def, '11')).toContain('is more than 10')
    expect(refused({type: 'number', min: 0.5}, '0.4')).toContain('is less than 0.5')
    expect(refused({type: 'number', max: -1}, 0)).toContain('is more than -1')
  })

  it('reads yes/no words as booleans, in any case', () => {
    const def: VariableDefinition = {type: 'boolean'}
    for (const word of ['true', 'TRUE', 'yes', 'Y', 'y', '1', 'on', ' On ']) expect(coerce(def, word), word).toBe(true)
    for (const word of ['false', 'False', 'no', 'N', 'n', '0', 'off', 'OFF']) expect(coerce(def, word), word).toBe(false)
    expect(coerce(def, true)).toBe(true)
    expect(coerce(def, false)).toBe(false)
    expect(refused(def, 'maybe')).toContain('true or false')
    expect(refused(def, '')).toContain('true or false')
  })

  it('takes dates as YYYY-MM-DD, and today as today', () => {
    const def: VariableDefinition = {type: 'date'}
    expect(coerce(def, '2024-02-29')).toBe('2024-02-29')
    expect(coerce(def, ' 2025-12-31 ')).toBe('2025-12-31')
    expect(coerce(def, 'today')).toBe(TODAY)
    for (const bad of ['2023-02-29', '2025-13-01', '2025-1-1', '2025-01-01T10:00', 'tomorrow', '']) expect(refused(def, bad), bad).toContain('a date (YYYY-MM-DD or today)')
  })

  it('takes one of the choices only', () => {
    const def: VariableDefinition = {type: 'choice', choices: ['gold', 'silver']}
    expect(coerce(def, 'silver')).toBe('silver')
    expect(refused(def, 'Gold')).toContain('one of gold, silver')
    expect(refused(def, 'bronze')).toContain('one of gold, silver')
  })

  it('takes any string, trimmed, or one matching the whole pattern', () => {
    expect(coerce({type: 'string'}, '  anything at all ')).toBe('anything at all')
    expect(coerce({type: 'string'}, '')).toBe('')
    expect(coerce({type: 'string'}, 12)).toBe('12')
    const def: VariableDefinition = {type: 'string', pattern: 'v\\d+'}
    expect(coerce(def, 'v12')).toBe('v12')
    expect(refused(def, 'xv12')).toContain('does not match v\\d+')
    expect(refused(def, 'v12x')).toContain('does not match v\\d+')
    // The whole value: an alternation does not match a part of it.
    const either: VariableDefinition = {type: 'string', pattern: 'a|b'}
    expect(coerce(either, 'b')).toBe('b')
    expect(refused(either, 'ab')).toContain('does not match a|b')
    // Unicode-aware.
    expect(coerce({type: 'string', pattern: '\\p{L}+'}, 'Łódź')).toBe('Łódź')
  })
})
