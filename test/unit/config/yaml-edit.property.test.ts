/**
 * Property test of the settings file editor: random settings-like files (sections as block or
 * flow maps, leaves as scalars, flow or block lists and maps, comments and blank lines between
 * and after pairs, two or four spaces of indentation) and random sequences of sets and unsets.
 * The result always holds exactly the intended data, and every line of the original that no
 * operation concerns is still there, in order.
 */
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {parseYamlData, renderYamlValue, setYamlValue, unsetYamlValue} from '@psp/core'

// PSP_PROPERTY_RUNS=5000 explores further (slower); the default keeps the unit suite fast.
const RUNS = Number(process.env['PSP_PROPERTY_RUNS'] ?? 200)
// PSP_PROPERTY_SEED=<seed printed with a failure> replays that run.
const SEED = process.env['PSP_PROPERTY_SEED'] === undefined ? {} : {seed: Number(process.env['PSP_PROPERTY_SEED'])}

const TRICKY = ['', 'true', 'no', 'null', '~', '0', '1.5', '0x1F', '0o17', '2024-01-31', '12:30', 'a: b', '- a', '#x', 'a #b', "it's", '"q"', '[a]', '{a: 1}', '*x', '&y', '!t', '|', '>', '---', '...', ' lead', 'trail ', 'two\nlines', 'tab\there', 'ünï', '🚀']

const KEYS = ['a', 'b', 'c', 'name', 'level', 'statuses', 'wip', 'in-progress', 'my key', 'true', '1']
const key = fc.constantFrom(...KEYS)
const word = fc.stringMatching(/^[a-z][a-z-]{0,8}$/)
const text = fc.oneof({weight: 3, arbitrary: word}, {weight: 2, arbitrary: fc.constantFrom(...TRICKY)}, {weight: 1, arbitrary: fc.string({maxLength: 10})})
const scalar = fc.oneof({weight: 4, arbitrary: text}, {weight: 2, arbitrary: fc.integer({min: -1000, max: 100000})}, fc.boolean())
const list = fc.array(scalar, {minLength: 1, maxLength: 4})
const map = fc.dictionary(key, scalar, {minKeys: 1, maxKeys: 3, noNullPrototype: true})
const value = fc.oneof({weight: 4, arbitrary: scalar}, {weight: 2, arbitrary: list}, {weight: 1, arbitrary: map}, {weight: 1, arbitrary: fc.constantFrom([], {})})
const comment = fc.stringMatching(/^[a-z][a-z ]{0,12}$/)

type Style = 'inline' | 'block'
interface LeafSpec {
  key: string
  value: unknown
  style: Style
  comment: string | null
}
interface SectionSpec {
  key: string
  flow: boolean
  children: LeafSpec[]
  gaps: ('comment' | 'blank' | 'none')[]
}

const leaf: fc.Arbitrary<LeafSpec> = fc.record({key, value, style: fc.constantFrom<Style>('inline', 'block'), comment: fc.option(comment)})
const section: fc.Arbitrary<SectionSpec> = fc.record({
  key: fc.constantFrom('workflow', 'ids', 'log', 'limits', 'sec'),
  flow: fc.boolean(),
  children: fc.uniqueArray(leaf, {minLength: 1, maxLength: 4, selector: (l) => l.key}),
  gaps: fc.array(fc.constantFrom<'comment' | 'blank' | 'none'>('comment', 'blank', 'none'), {minLength: 5, maxLength: 5}),
})
const top = fc.oneof(leaf.map((l) => ({leaf: l})), section.map((s) => ({section: s})))
const file = fc.record({
  items: fc.uniqueArray(top, {minLength: 1, maxLength: 5, selector: (t) => ('leaf' in t ? t.leaf.key : t.section.key)}),
  unit: fc.constantFrom(2, 4),
  header: fc.boolean(),
  trailer: fc.boolean(),
})

/** A rendered line and the path of the pair it belongs to (for a comment or blank line: the map it sits in). */
interface Line {
  text: string
  path: string[]
  pair: boolean
}

const renderKey = (name: string) => (/^[a-z][a-z-]*$/.test(name) && name !== 'true' ? name : JSON.stringify(name))

function renderLeaf(spec: LeafSpec, column: number, unit: number, parent: string[]): Line[] {
  const pad = ' '.repeat(column)
  const path = [...parent, spec.key]
  const tail = spec.comment === null ? '' : `  # ${spec.comment}`
  const v = spec.value
  const blockList = spec.style === 'block' && Array.isArray(v) && v.length > 0
  const blockMap = spec.style === 'block' && typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length > 0
  if (blockList) {
    return [
      {text: `${pad}${renderKey(spec.key)}:${tail}`, path, pair: true},
      ...(v as unknown[]).map((item) => ({text: `${pad}${' '.repeat(unit)}- ${renderYamlValue(item)}`, path, pair: true})),
    ]
  }
  if (blockMap) {
    return [
      {text: `${pad}${renderKey(spec.key)}:${tail}`, path, pair: true},
      ...Object.entries(v as Record<string, unknown>).map(([k, item]) => ({text: `${pad}${' '.repeat(unit)}${renderKey(k)}: ${renderYamlValue(item)}`, path: [...path, k], pair: true})),
    ]
  }
  return [{text: `${pad}${renderKey(spec.key)}: ${renderYamlValue(v)}${tail}`, path, pair: true}]
}

function render(spec: {items: {leaf?: LeafSpec; section?: SectionSpec}[]; unit: number; header: boolean; trailer: boolean}): Line[] {
  const lines: Line[] = []
  if (spec.header) lines.push({text: '# settings', path: [], pair: false}, {text: '', path: [], pair: false})
  for (const item of spec.items) {
    if (item.leaf !== undefined) {
      lines.push(...renderLeaf(item.leaf, 0, spec.unit, []))
      continue
    }
    const s = item.section as SectionSpec
    if (s.flow) {
      const value = Object.fromEntries(s.children.map((c) => [c.key, c.value]))
      lines.push({text: `${s.key}: ${renderYamlValue(value)}`, path: [s.key], pair: true})
      continue
    }
    lines.push({text: `${s.key}:`, path: [s.key], pair: true})
    s.children.forEach((child, i) => {
      const gap = s.gaps[i]
      if (gap === 'comment' && i > 0) lines.push({text: `${' '.repeat(spec.unit)}# about ${child.key}`, path: [s.key], pair: false})
      if (gap === 'blank' && i > 0) lines.push({text: '', path: [s.key], pair: false})
      lines.push(...renderLeaf(child, spec.unit, spec.unit, [s.key]))
    })
    lines.push({text: '', path: [], pair: false})
  }
  if (spec.trailer) lines.push({text: '# end', path: [], pair: false})
  return lines
}

const opPath = fc.oneof(
  fc.tuple(fc.constantFrom('workflow', 'ids', 'log', 'git', ...KEYS)).map((p) => [...p]),
  fc.tuple(fc.constantFrom('workflow', 'ids', 'log', 'git', 'sec'), key).map((p) => [...p]),
  fc.tuple(fc.constantFrom('workflow', 'sec'), key, key).map((p) => [...p]),
)
const op = fc.oneof(
  fc.record({kind: fc.constant<'set'>('set'), path: opPath, value}),
  fc.record({kind: fc.constant<'unset'>('unset'), path: opPath}),
)

const isPrefix = (a: readonly string[], b: readonly string[]) => a.length <= b.length && a.every((s, i) => b[i] === s)

/** Applies an operation to plain data, as the editor should. */
function apply(data: Record<string, unknown>, o: {kind: 'set' | 'unset'; path: string[]; value?: unknown}): Record<string, unknown> {
  const copy = structuredClone(data)
  let node: Record<string, unknown> = copy
  for (const name of o.path.slice(0, -1)) {
    const next = Object.hasOwn(node, name) ? node[name] : undefined
    if (typeof next !== 'object' || next === null || Array.isArray(next)) {
      if (o.kind === 'unset') return copy
      const made: Record<string, unknown> = {}
      Object.defineProperty(node, name, {value: made, enumerable: true, writable: true, configurable: true})
      node = made
    } else node = next as Record<string, unknown>
  }
  const last = o.path[o.path.length - 1] as string
  if (o.kind === 'unset') delete node[last]
  else Object.defineProperty(node, last, {value: structuredClone(o.value), enumerable: true, writable: true, configurable: true})
  return copy
}

describe('setYamlValue and unsetYamlValue: property', () => {
  it('give the intended data and keep every line no operation concerns', () => {
    fc.assert(
      fc.property(file, fc.array(op, {minLength: 1, maxLength: 5}), (spec, ops) => {
        const lines = render(spec)
        const original = `${lines.map((l) => l.text).join('\n')}\n`
        let text = original
        let data = (parseYamlData(original) ?? {}) as Record<string, unknown>
        for (const o of ops) {
          text = o.kind === 'set' ? setYamlValue(text, o.path, o.value) : unsetYamlValue(text, o.path)
          data = apply(data, o)
          expect(parseYamlData(text) ?? {}).toEqual(data)
        }
        // Lines no operation concerns: a pair outside every operation's path (and not above
        // one), a comment or blank line in a map no operation replaces or removes.
        const kept = lines.filter((l) => ops.every((o) => (l.pair ? !isPrefix(o.path, l.path) && !isPrefix(l.path, o.path) : !isPrefix(o.path, l.path) || l.path.length === 0)))
        const result = text.split('\n')
        let at = 0
        for (const line of kept) {
          while (at < result.length && result[at] !== line.text) at++
          expect(at, `line ${JSON.stringify(line.text)} kept, in order, in:\n${text}`).toBeLessThan(result.length)
          at++
        }
      }),
      {numRuns: RUNS, ...SEED},
    )
  })
})
