/**
 * Generated main specs and deltas (seeded, so a failure reproduces): psp's buildUpdatedSpec and
 * openspec's must agree on every one — the same rebuilt text, counts, warnings and audit, or the
 * same refusal. The generator favours the shapes that trip merges up: fences holding headings,
 * stray headings, blank-line runs, CRLF, BOMs, lists and near-miss names.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {afterAll, expect, it} from 'vitest'
import * as theirs from '../../../node_modules/@fission-ai/openspec/dist/core/specs-apply.js'
import {buildUpdatedSpec, findSpecUpdates} from '../../../packages/core/src/openspec/apply.js'
import {seededRandom} from '../../helpers/seeded-random.js'

const tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'psp-apply-fuzz-')))
afterAll(() => fs.rmSync(tmp, {recursive: true, force: true}))

const rng = seededRandom

const NAMES = ['Login', 'login', 'Logout', 'Sign out', 'Reset', 'Déjà vu', 'C#', 'A  B', 'a b']

function generator(random: () => number) {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T
  const chance = (p: number) => random() < p
  const noise = (): string =>
    pick([
      '',
      '',
      'Some prose.',
      '- a bullet',
      '  indented continuation',
      '```\n## REMOVED Requirements\n### Requirement: Login\n\n\n```',
      '~~~\n#### Scenario: fenced\n~~~',
      '# Appendix',
      '### Notes',
      '| a | b |',
      '<!-- comment -->',
      'Heading\n---',
      '1. ordered',
    ])
  const block = (name: string): string => {
    const lines = [`### Requirement: ${name}${chance(0.1) ? ' ##' : ''}`, `The system SHALL ${name}.`]
    if (chance(0.3)) lines.push(noise())
    const scenarios = Math.floor(random() * 3)
    for (let i = 0; i < scenarios; i++) lines.push('', `#### Scenario: ${pick(['One', 'Two', 'Three'])}`, '- **WHEN** x', '- **THEN** y')
    if (chance(0.2)) lines.push('', noise())
    return lines.join('\n')
  }
  const main = (): string | undefined => {
    if (chance(0.15)) return undefined
    const parts = [`# spec`, '', '## Purpose', pick(['A purpose long enough for the strict validator to accept it.', 'Short.', '']), '']
    if (chance(0.2)) parts.push(noise(), '')
    if (chance(0.9)) parts.push('## Requirements')
    if (chance(0.2)) parts.push(noise())
    const count = Math.floor(random() * 4)
    const used = new Set<string>()
    for (let i = 0; i < count; i++) {
      const name = pick(NAMES)
      if (used.has(name)) continue
      used.add(name)
      parts.push(block(name), ...(chance(0.3) ? ['', '', ''] : ['']))
    }
    if (chance(0.2)) parts.push('## Notes', noise())
    return parts.join('\n')
  }
  const delta = (): string => {
    const parts: string[] = []
    if (chance(0.2)) parts.push('## Purpose', pick(['A carried purpose long enough for the strict validator.', 'Tiny.', '<!-- x -->']), '')
    if (chance(0.5)) parts.push('## ADDED Requirements', block(pick(NAMES)), '')
    if (chance(0.4)) parts.push('## MODIFIED Requirements', block(pick(NAMES)), '')
    if (chance(0.4)) parts.push('## REMOVED Requirements', `### Requirement: ${pick(NAMES)}`, ...(chance(0.3) ? [`### Requirement: ${pick(NAMES)}`] : []), '')
    if (chance(0.3)) parts.push('## RENAMED Requirements', `- FROM: \`### Requirement: ${pick(NAMES)}\``, `- TO: \`### Requirement: ${pick(NAMES)}\``, '')
    if (chance(0.1)) parts.push(noise())
    return parts.join('\n')
  }
  const dress = (text: string): string => {
    let out = text
    if (chance(0.2)) out = out.replace(/\n/g, '\r\n')
    if (chance(0.1)) out = `\uFEFF${out}`
    return out
  }
  return {main, delta, dress}
}

async function outcome<T>(fn: () => T | Promise<T>): Promise<{ok: T} | {error: string}> {
  try {
    return {ok: await fn()}
  } catch (error) {
    return {error: (error as Error).message}
  }
}

it('agrees with openspec on 300 generated cases', async () => {
  for (let seed = 1; seed <= 300; seed++) {
    const g = generator(rng(seed))
    const root = path.join(tmp, `s${seed}`)
    const specsDir = path.join(root, 'openspec', 'specs')
    const changeDir = path.join(root, 'openspec', 'changes', 'c')
    fs.mkdirSync(path.join(changeDir, 'specs', 'cap'), {recursive: true})
    fs.mkdirSync(specsDir, {recursive: true})
    const main = g.main()
    const delta = g.delta()
    fs.writeFileSync(path.join(changeDir, 'specs', 'cap', 'spec.md'), g.dress(delta))
    if (main !== undefined) {
      fs.mkdirSync(path.join(specsDir, 'cap'))
      fs.writeFileSync(path.join(specsDir, 'cap', 'spec.md'), g.dress(main))
    }
    const ours = await outcome(() => findSpecUpdates(changeDir, specsDir).map((u) => buildUpdatedSpec(u, 'c')))
    const reference = await outcome(async () => {
      const out = []
      for (const u of await theirs.findSpecUpdates(changeDir, specsDir)) out.push(await theirs.buildUpdatedSpec(u, 'c', {silent: true}))
      return out
    })
    expect(ours, `seed ${seed}`).toEqual(reference)
  }
})
