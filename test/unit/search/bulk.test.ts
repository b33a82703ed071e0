import {describe, expect, it} from 'vitest'
import {openSearchIndex} from '@psp/core'
import {entriesOf, newCounter, useRoots, writeDoc} from './_search-helpers.js'

const COUNT = 5000

/** A deterministic vocabulary of 400 made-up words. */
const SYLLABLES = ['ka', 'lo', 'mi', 'ne', 'ta', 'ro', 'su', 'vi', 'de', 'pla', 'gro', 'sto', 'tri', 'en', 'al', 'or']
const VOCABULARY = Array.from({length: 400}, (_, i) => {
  const a = SYLLABLES[i % 16] as string
  const b = SYLLABLES[Math.floor(i / 16) % 16] as string
  const c = SYLLABLES[(i * 7) % 16] as string
  return `${a}${b}${c}x`
})
const word = (n: number) => VOCABULARY[((n % 400) + 400) % 400] as string

function bodyOf(i: number): string {
  const sentences: string[] = []
  for (let s = 0; s < 4; s++) {
    sentences.push(Array.from({length: 12}, (_, k) => word(i * 31 + s * 17 + k * 7)).join(' '))
  }
  if (i % 10 === 0) sentences.push('The zeppelin landed.')
  return `\n## Notes ${i}\n\n${sentences.join('.\n\n')} serial${i}x.\n`
}

describe('5,000 documents', () => {
  const newRoot = useRoots()

  it('are indexed, searched, reopened warm without re-indexing, and updated one by one', async () => {
    const root = newRoot()
    for (let i = 0; i < COUNT; i++) {
      const type = i % 7 === 0 ? 'note' : 'task'
      const folder = `data/projects/p${Math.floor(i / 500)}/${type}s`
      const title = i % 100 === 0 ? `Quokka census ${i}` : `Item ${i} ${word(i)}`
      writeDoc(root, `${folder}/doc-${i}.md`, {id: `doc-${i}`, type, title}, bodyOf(i))
    }

    const cold = await openSearchIndex({root, entries: entriesOf(root)})
    expect(cold.stats).toMatchObject({rebuilt: 'missing', added: COUNT, documents: COUNT, unreadable: 0, saved: true})

    const zeppelins = cold.search('zeppelin', {limit: COUNT})
    expect(zeppelins).toHaveLength(COUNT / 10)
    expect(new Set(zeppelins.map((h) => h.id))).toEqual(new Set(Array.from({length: COUNT / 10}, (_, k) => `doc-${k * 10}`)))
    for (const hit of zeppelins.slice(0, 20)) expect(hit.snippet.marked).toContain('**zeppelin**')

    const notes = cold.search('zeppelin', {type: 'note', limit: COUNT})
    expect(notes.map((h) => h.id).sort()).toEqual(
      Array.from({length: COUNT}, (_, i) => i)
        .filter((i) => i % 70 === 0)
        .map((i) => `doc-${i}`)
        .sort(),
    )
    expect(notes.every((h) => h.type === 'note')).toBe(true)

    // A unique word, exactly and with a typo: the document that has it comes first.
    expect(cold.search('serial4242x')[0]?.id).toBe('doc-4242')
    expect(cold.search('serial4242y')[0]?.id).toBe('doc-4242')
    expect(cold.search('quokka census', {limit: 100}).map((h) => h.id)).toHaveLength(50)
    expect(cold.search(word(5), {limit: 7})).toHaveLength(7)

    const counter = newCounter()
    const warm = await openSearchIndex({root, entries: entriesOf(root, counter)})
    expect(counter.count).toBe(0)
    expect(warm.stats).toMatchObject({rebuilt: null, unchanged: COUNT, loaded: 0, added: 0, updated: 0, saved: false})
    expect(warm.search('zeppelin', {limit: COUNT})).toEqual(zeppelins)

    writeDoc(root, 'data/projects/p3/tasks/doc-1501.md', {id: 'doc-1501', title: 'Renamed'}, 'Now about a zeppelin too.\n')
    const edited = newCounter()
    const updated = await openSearchIndex({root, entries: entriesOf(root, edited)})
    expect(edited.paths).toEqual(['data/projects/p3/tasks/doc-1501.md'])
    expect(updated.stats).toMatchObject({updated: 1, unchanged: COUNT - 1, saved: true})
    expect(updated.search('zeppelin', {limit: COUNT})).toHaveLength(COUNT / 10 + 1)
    // Its old words are gone (typo tolerance still finds the neighbours' serials).
    expect(updated.search('serial1501x', {limit: COUNT}).map((h) => h.id)).not.toContain('doc-1501')
    expect(updated.search('renamed')[0]?.id).toBe('doc-1501')
  })
})
