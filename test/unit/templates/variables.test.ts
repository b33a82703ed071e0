/**
 * resolveVariables: the built-ins, defaults (also built on earlier variables), given values,
 * answers from an ask callback, and the usage errors that name what is unknown or missing.
 */
import {describe, expect, it} from 'vitest'
import {UsageError} from '@psp/core'
import {parseManifest, resolveVariables, todayString, type AskVariable, type VariableDefinition} from '@psp/core/templates'
import {rejected} from '../_helpers.js'
import {manifest, TODAY} from './_templates.js'

const RELEASE = parseManifest(
  manifest('release', [
    '  start: {type: date, default: today}',
    '  launch: {type: date, default: "{{ start + 10w }}"}',
    '  code: {type: string, default: "{{ slug }}-{{ launch | slug }}"}',
    '  owner: {type: string, default: ""}',
    '  size: {type: integer, min: 1, default: 3}',
    '  public: {type: boolean, default: false}',
  ]),
  'release/template.yaml',
)

const REQUIRED = parseManifest(
  manifest('required', ['  client: {type: string}', '  tier: {type: choice, choices: [gold, silver]}', '  start: {type: date, default: today}', '  budget: {type: number}']),
  'required/template.yaml',
)

describe('resolveVariables', () => {
  it('gives the built-ins and every default', async () => {
    const values = await resolveVariables(RELEASE, {name: '  Apollo Two ', today: TODAY})
    expect(values).toEqual({
      name: 'Apollo Two',
      slug: 'apollo-two',
      today: TODAY,
      start: TODAY,
      launch: '2025-03-26',
      code: 'apollo-two-2025-03-26',
      owner: '',
      size: 3,
      public: false,
    })
    // In declaration order, built-ins first.
    expect(Object.keys(values)).toEqual(['name', 'slug', 'today', 'start', 'launch', 'code', 'owner', 'size', 'public'])
  })

  it('builds defaults on the values given for earlier variables', async () => {
    const values = await resolveVariables(RELEASE, {name: 'X', today: TODAY, given: {start: '2024-12-30'}})
    expect(values['launch']).toBe('2025-03-10')
    expect(values['code']).toBe('x-2025-03-10')
  })

  it('lets given values override defaults, typed', async () => {
    const values = await resolveVariables(RELEASE, {name: 'X', today: TODAY, given: {launch: '2025-06-01', owner: ' ada ', size: '7', public: 'yes', code: 'c'}})
    expect(values).toMatchObject({start: TODAY, launch: '2025-06-01', owner: 'ada', size: 7, public: true, code: 'c'})
  })

  it('uses the local date when no today is given', async () => {
    const values = await resolveVariables(RELEASE, {name: 'X'})
    expect(values['today']).toBe(todayString())
    expect(values['start']).toBe(todayString())
    expect(todayString(new Date(2024, 1, 29, 23, 59))).toBe('2024-02-29')
  })

  it('refuses unknown given names, naming them and the declared ones', async () => {
    let error = await rejected(resolveVariables(RELEASE, {name: 'X', today: TODAY, given: {lunch: '2025-01-01'}}))
    expect(error).toBeInstanceOf(UsageError)
    expect(error.message).toBe('unknown variable lunch for template release: it declares start, launch, code, owner, size, public')
    error = await rejected(resolveVariables(RELEASE, {name: 'X', today: TODAY, given: {a: '1', b: '2'}}))
    expect(error.message).toContain('unknown variables a, b')
    const blank = parseManifest(manifest('blank'), 'blank/template.yaml')
    error = await rejected(resolveVariables(blank, {name: 'X', given: {start: 'today'}}))
    expect(error.message).toContain('it declares none')
  })

  it('does not take the built-ins as given variables', async () => {
    const error = await rejected(resolveVariables(RELEASE, {name: 'X', today: TODAY, given: {slug: 'other'}}))
    expect(error.message).toContain('unknown variable slug')
  })

  it('refuses a given value of the wrong kind', async () => {
    const error = await rejected(resolveVariables(RELEASE, {name: 'X', today: TODAY, given: {size: '0'}}))
    expect(error).toBeInstanceOf(UsageError)
    expect(error.message).toBe('variable size: "0" is less than 1')
  })

  it('refuses an empty name', async () => {
    expect((await rejected(resolveVariables(RELEASE, {name: '  ', today: TODAY}))).message).toBe('the project needs a name')
  })

  it('lists every missing required variable in the error and its data', async () => {
    const error = await rejected(resolveVariables(REQUIRED, {name: 'X', today: TODAY, given: {tier: 'gold'}}))
    expect(error).toBeInstanceOf(UsageError)
    expect(error.data['missing']).toEqual(['client', 'budget'])
    expect(error.message).toBe('template required needs variables client, budget: give --var client=… --var budget=…')
    expect(error.hint).toBe('psp template show required describes them')
    const one = await rejected(resolveVariables(REQUIRED, {name: 'X', today: TODAY, given: {tier: 'gold', client: 'ACME'}}))
    expect(one.message).toBe('template required needs variable budget: give --var budget=…')
  })

  it('lists a required variable that a default builds on', async () => {
    const chained = parseManifest(manifest('chained', ['  start: {type: date}', '  launch: {type: date, default: "{{ start + 1w }}"}']), 'chained/template.yaml')
    const error = await rejected(resolveVariables(chained, {name: 'X', today: TODAY}))
    expect(error.data['missing']).toContain('start')
    const values = await resolveVariables(chained, {name: 'X', today: TODAY, given: {start: '2025-02-24'}})
    expect(values['launch']).toBe('2025-03-03')
  })

  it('asks for every variable not given, in order, with its rendered default', async () => {
    const calls: [string, VariableDefinition, unknown][] = []
    const ask: AskVariable = async (name, definition, suggested) => {
      calls.push([name, definition, suggested])
      return name === 'start' ? '2025-02-03' : undefined
    }
    const values = await resolveVariables(RELEASE, {name: 'Moon', today: TODAY, given: {owner: 'ada'}, ask})
    expect(calls.map(([name]) => name)).toEqual(['start', 'launch', 'code', 'size', 'public'])
    expect(calls[0]).toEqual(['start', RELEASE.variables['start'], 'today'])
    // The suggestion for launch is built on the answer for start.
    expect(calls[1]?.[2]).toBe('2025-04-14')
    expect(calls[2]?.[2]).toBe('moon-2025-04-14')
    expect(calls[3]?.[2]).toBe(3)
    expect(calls[4]?.[2]).toBe(false)
    expect(values).toMatchObject({start: '2025-02-03', launch: '2025-04-14', owner: 'ada', size: 3, public: false})
  })

  it('takes the default for an answer of undefined or "", and checks other answers', async () => {
    const answers: Record<string, unknown> = {start: '', launch: undefined, code: 'mine', size: '5', public: 'y', owner: ''}
    const values = await resolveVariables(RELEASE, {name: 'Moon', today: TODAY, ask: async (name) => answers[name]})
    expect(values).toMatchObject({start: TODAY, launch: '2025-03-26', code: 'mine', owner: '', size: 5, public: true})
    const error = await rejected(resolveVariables(RELEASE, {name: 'Moon', today: TODAY, ask: async (name) => (name === 'size' ? 'lots' : undefined)}))
    expect(error.message).toBe('variable size: "lots" is not a whole number')
  })

  it('asks for required variables too, and reports those still unanswered', async () => {
    const asked: unknown[] = []
    const error = await rejected(
      resolveVariables(REQUIRED, {
        name: 'X',
        today: TODAY,
        ask: async (name, _def, suggested) => {
          asked.push([name, suggested])
          return name === 'tier' ? 'silver' : ''
        },
      }),
    )
    expect(asked).toEqual([
      ['client', undefined],
      ['tier', undefined],
      ['start', 'today'],
      ['budget', undefined],
    ])
    expect(error.data['missing']).toEqual(['client', 'budget'])
  })

  it('passes typed answers through', async () => {
    const values = await resolveVariables(REQUIRED, {name: 'X', today: TODAY, ask: async (name) => ({client: 'ACME', tier: 'gold', budget: 12.5})[name]})
    expect(values).toMatchObject({client: 'ACME', tier: 'gold', start: TODAY, budget: 12.5})
  })
})
