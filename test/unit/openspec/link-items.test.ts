/**
 * Reading a tasks.md's checkbox items with their positions (what `psp openspec link` ties psp tasks
 * to), and setting boxes by rewriting only their brackets. Which lines are items must agree with
 * openspec's own task counter, which `openspec list` and archive use.
 */
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
// openspec's own counter, to agree with it line for line.
import {countTasksFromContent as openspecCount, parseTaskLines as openspecLines} from '../../../node_modules/@fission-ai/openspec/dist/utils/task-progress.js'
import {countBoxes, itemKey, parseTaskItems, setBoxes} from '../../../packages/core/src/openspec/link-items.js'
import {parseTaskLines} from '../../../packages/core/src/openspec/task-progress.js'

/** Lines openspec does and does not read as tasks, and marks it reads as done or not. */
const CORPUS = [
  '- [ ] 1.1 Create the schema',
  '- [x] 1.2 Write the API',
  '- [X] 1.3 Capital X',
  '* [ ] star bullet',
  '+ [ ] plus bullet',
  '1. [ ] ordered',
  '12) [ ] ordered with a parenthesis',
  '  - [ ] 2.1.1 nested',
  '\t- [x] tab-indented',
  '- [] empty box',
  '- [~] tilde is open work',
  '- [ x ] padded x',
  '- [1] a digit reads as open',
  '-[ ] no space after the bullet',
  '- [x]done without a space',
  '- [ ](./link) blank box before a link',
  '- [x](https://example.com) a link, not a task',
  '- [A][ref] a reference link',
  '- [WIP] too wide',
  '- [ ]',
  'not a list [ ] item',
  '- plain bullet',
  '```',
  '- [ ] inside a fence still counts',
  '```',
  '1234567890. [ ] ten digits is not a list marker',
]

describe('parseTaskItems', () => {
  it('reads the same items, done or not, as openspec, in LF, CRLF and with a BOM', async () => {
    for (const eol of ['\n', '\r\n']) {
      for (const bom of ['', '\uFEFF']) {
        const text = bom + CORPUS.join(eol) + eol
        const items = parseTaskItems(text)
        expect(countBoxes(items)).toEqual({done: openspecCount(text).completed, total: openspecCount(text).total})
        const theirs = openspecLines(text)
        expect(items.map((i) => ({done: i.done, description: i.text}))).toEqual(theirs)
        expect(items.map((i) => ({done: i.done, description: i.text}))).toEqual(parseTaskLines(text))
      }
    }
  })

  it('agrees with openspec on random lines built from the characters that matter', () => {
    const piece = fc.constantFrom('-', '*', '+', '1.', '2)', ' ', '  ', '\t', '[', ']', ' ', 'x', 'X', '~', '(', ')', 'a', 'b', '1.2', '\r', '\uFEFF', '\u00a0')
    fc.assert(
      fc.property(fc.array(fc.array(piece, {maxLength: 10}).map((p) => p.join('')), {maxLength: 8}), (lines) => {
        const text = lines.join('\n')
        const items = parseTaskItems(text)
        expect(items.map((i) => ({done: i.done, description: i.text}))).toEqual(openspecLines(text))
        // Every box found is a bracket pair on its line.
        for (const item of items) {
          expect(text[item.boxStart]).toBe('[')
          expect(text[item.boxEnd - 1]).toBe(']')
        }
      }),
      {numRuns: 2000},
    )
  })

  it('gives each item its line, its key (the number when it has one, else the text) and a title', () => {
    const items = parseTaskItems('# Tasks\n\n## 1. Setup\n- [ ] 1.1 Create the schema\n- [x] 1.2. Write the API\n- [ ] Write the guide\n  - [ ] 2.1.3 nested\n')
    expect(items.map(({line, key, title, done}) => ({line, key, title, done}))).toEqual([
      {line: 4, key: '1.1', title: 'Create the schema', done: false},
      {line: 5, key: '1.2', title: 'Write the API', done: true},
      {line: 6, key: 'Write the guide', title: 'Write the guide', done: false},
      {line: 7, key: '2.1.3', title: 'nested', done: false},
    ])
  })

  it('splits keys from text', () => {
    expect(itemKey('1.2 Do it')).toEqual({key: '1.2', title: 'Do it'})
    expect(itemKey('3) Do it')).toEqual({key: '3', title: 'Do it'})
    expect(itemKey('10.4: Do it')).toEqual({key: '10.4', title: 'Do it'})
    expect(itemKey('1.2')).toEqual({key: '1.2', title: '1.2'})
    expect(itemKey('2024 was a year')).toEqual({key: '2024', title: 'was a year'})
    expect(itemKey('v1.2 is out')).toEqual({key: 'v1.2 is out', title: 'v1.2 is out'})
    expect(itemKey('')).toEqual({key: '', title: ''})
  })
})

describe('setBoxes', () => {
  it('rewrites only the brackets asked for, keeping CRLF, BOM and every other byte', () => {
    const text = '\uFEFF## 1. Work\r\n- [ ] 1.1 one\r\n- [~] 1.2 two\r\n  * [x] 1.3 three\r\n- [ ] 1.4 four'
    const items = parseTaskItems(text)
    const byKey = new Map(items.map((i) => [i.key, i]))
    const out = setBoxes(text, [
      {item: byKey.get('1.4')!, done: true},
      {item: byKey.get('1.2')!, done: true},
      {item: byKey.get('1.3')!, done: false},
    ])
    expect(out).toBe('\uFEFF## 1. Work\r\n- [ ] 1.1 one\r\n- [x] 1.2 two\r\n  * [ ] 1.3 three\r\n- [x] 1.4 four')
    expect(countBoxes(parseTaskItems(out))).toEqual({done: 2, total: 4})
  })

  it('normalises an odd box to [x] or [ ]', () => {
    const text = '- [] a\n- [ x ] b\n'
    const [a, b] = parseTaskItems(text)
    expect(setBoxes(text, [{item: a!, done: true}, {item: b!, done: false}])).toBe('- [x] a\n- [ ] b\n')
  })

  it('changes nothing outside the boxes, and the items stay the same items (property)', () => {
    const line = fc.constantFrom('- [ ] 1.1 a', '- [x] 1.2 b', '  * [~] c', '1. [] d', 'prose', '', '- [x](link)', '\t+ [X] 2.1 e')
    fc.assert(
      fc.property(fc.array(line, {maxLength: 12}), fc.constantFrom('\n', '\r\n'), fc.boolean(), (lines, eol, done) => {
        const text = lines.join(eol)
        const items = parseTaskItems(text)
        const out = setBoxes(text, items.map((item) => ({item, done})))
        const after = parseTaskItems(out)
        expect(after.map((i) => [i.line, i.key])).toEqual(items.map((i) => [i.line, i.key]))
        expect(after.every((i) => i.done === done)).toBe(true)
        expect(out.split(eol).length).toBe(text.split(eol).length)
        // With every box blanked out, the two texts are the same.
        const blank = (t: string) => parseTaskItems(t).reduceRight((acc, i) => acc.slice(0, i.boxStart) + acc.slice(i.boxEnd), t)
        expect(blank(out)).toBe(blank(text))
      }),
      {numRuns: 500},
    )
  })
})
