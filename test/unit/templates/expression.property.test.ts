/**
 * Property tests of template rendering: values come out as they went in, literal text is never
 * touched, and day and week offsets undo each other.
 */
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {renderText, renderValue, type Variables} from '@psp/core/templates'

// PSP_PROPERTY_RUNS=5000 explores further (slower); the default keeps the unit suite fast.
const RUNS = Number(process.env['PSP_PROPERTY_RUNS'] ?? 300)
// PSP_PROPERTY_SEED=<seed printed with a failure> replays that run.
const SEED = process.env['PSP_PROPERTY_SEED'] === undefined ? {} : {seed: Number(process.env['PSP_PROPERTY_SEED'])}
const options = {numRuns: RUNS, ...SEED}

const name = fc.stringMatching(/^[a-z][a-z0-9_]{0,8}$/)
/** Any text, braces and backslashes included: values are never parsed again. */
const anyText = fc.oneof(fc.string({maxLength: 30}), fc.string({unit: 'grapheme', maxLength: 12}), fc.constantFrom('{{ x }}', '\\{{', '}}', '{', ''))
const value = fc.oneof(anyText, fc.integer(), fc.double({noNaN: true, noDefaultInfinity: true}), fc.boolean())
/** Text without a {{ anywhere (and no backslash that could escape one). */
const literal = fc.string({maxLength: 40}).map((s) => s.replace(/[{\\]/g, '_'))
/** Text that may hold single braces, }} and backslashes, but never {{. */
const bracesButNoOpening = fc.array(fc.oneof(fc.string({maxLength: 6}), fc.constantFrom('{', '}', '}}', '\\', '{ }')), {maxLength: 10}).map((parts) => parts.join('').replace(/\{(?=\{)/g, '{ '))

// 1900-01-01 .. 2199-12-31 as days since the epoch.
const MIN_DAY = Date.UTC(1900, 0, 1) / 86_400_000
const MAX_DAY = Date.UTC(2199, 11, 31) / 86_400_000
const isoDay = fc.integer({min: MIN_DAY, max: MAX_DAY}).map((day) => new Date(day * 86_400_000).toISOString().slice(0, 10))

describe('rendering, property-based', () => {
  it('a variable renders to its own value, and renderValue keeps its type', () => {
    fc.assert(
      fc.property(name, value, (key, v) => {
        const variables: Variables = {[key]: v}
        expect(renderText(`{{ ${key} }}`, variables)).toBe(String(v))
        expect(renderText(`{{${key}}}`, variables)).toBe(String(v))
        expect(renderValue(`{{ ${key} }}`, variables)).toBe(v)
      }),
      options,
    )
  })

  it('text without {{ renders to itself, whatever the variables', () => {
    fc.assert(
      fc.property(bracesButNoOpening, fc.dictionary(name, value, {maxKeys: 4}), (text, variables) => {
        expect(text.includes('{{')).toBe(false)
        expect(renderText(text, variables)).toBe(text)
        expect(renderValue(text, variables)).toBe(text)
      }),
      options,
    )
  })

  it('literal pieces around expressions are kept exactly, escaped {{ included', () => {
    const piece = fc.oneof(
      literal.map((text) => ({text, out: text})),
      fc.constant({text: '\\{{', out: '{{'}),
      fc.constantFrom('a', 'b').map((key) => ({text: `{{ ${key} }}`, out: key === 'a' ? 'A value' : '42'})),
    )
    fc.assert(
      fc.property(fc.array(piece, {maxLength: 8}), (pieces) => {
        const text = pieces.map((p) => p.text).join('')
        const expected = pieces.map((p) => p.out).join('')
        expect(renderText(text, {a: 'A value', b: 42})).toBe(expected)
      }),
      options,
    )
  })

  it('+n then -n days or weeks gives the date back, with literal and variable counts', () => {
    fc.assert(
      fc.property(isoDay, fc.integer({min: -20_000, max: 20_000}), fc.constantFrom('d', 'days', 'w', 'weeks'), (start, n, unit) => {
        const there = renderText(`{{ start + k ${unit} }}`, {start, k: n})
        expect(renderText(`{{ there - k ${unit} }}`, {there, k: n})).toBe(start)
        const literalCount = Math.abs(n)
        const sign = n < 0 ? '-' : '+'
        const back = n < 0 ? '+' : '-'
        const viaLiteral = renderText(`{{ start ${sign} ${literalCount}${unit} }}`, {start})
        expect(viaLiteral).toBe(there)
        expect(renderText(`{{ d ${back} ${literalCount}${unit} }}`, {d: viaLiteral})).toBe(start)
        expect(renderText(`{{ start + k ${unit} - k ${unit} }}`, {start, k: n})).toBe(start)
      }),
      options,
    )
  })

  it('a week is seven days', () => {
    fc.assert(
      fc.property(isoDay, fc.integer({min: -2000, max: 2000}), (start, n) => {
        expect(renderText('{{ start + k w }}', {start, k: n})).toBe(renderText('{{ start + j d }}', {start, j: 7 * n}))
      }),
      options,
    )
  })
})
