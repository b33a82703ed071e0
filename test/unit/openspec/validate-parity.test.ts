/**
 * Generated change folders (seeded) validated by psp and by openspec's validator: the reports of
 * `validateChangeDeltaSpecs` (deltas, main-spec scenario loss, archive dry run, skip_specs
 * markers, task files) and of `validateChange` must be identical, in normal and strict mode.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {Validator as TheirValidator} from '../../../node_modules/@fission-ai/openspec/dist/core/validation/validator.js'
import {Validator} from '../../../packages/core/src/openspec/validator.js'
import {seededRandom} from '../../helpers/seeded-random.js'

const tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'psp-validate-parity-')))
afterAll(() => fs.rmSync(tmp, {recursive: true, force: true}))

const rng = seededRandom

const NAMES = ['Login', 'login', 'Logout', 'Reset', 'Déjà vu', 'The system SHALL log']

function generator(random: () => number) {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T
  const chance = (p: number) => random() < p
  const block = (name: string) => {
    const lines = [`### Requirement: ${name}`]
    lines.push(pick(['The system SHALL work.', 'The system SHALL work.', 'It works.', '', '**ID**: R1']))
    for (let i = Math.floor(random() * 3); i > 0; i--) {
      lines.push('', `#### Scenario: ${pick(['One', 'Two', 'Three'])}`, ...(chance(0.85) ? ['- **WHEN** a', '- **THEN** b'] : []))
    }
    if (chance(0.1)) lines.push('', pick(['### Notes', '```\n### Requirement: Fenced\n```', '## Notes']))
    return lines.join('\n')
  }
  const delta = (): string => {
    const parts: string[] = []
    if (chance(0.1)) parts.push(block(pick(NAMES)))
    if (chance(0.6)) parts.push('## ADDED Requirements', ...Array.from({length: 1 + Math.floor(random() * 2)}, () => block(pick(NAMES))))
    if (chance(0.4)) parts.push('## MODIFIED Requirements', ...Array.from({length: 1 + Math.floor(random() * 2)}, () => block(pick(NAMES))))
    if (chance(0.3)) parts.push('## REMOVED Requirements', pick([`### Requirement: ${pick(NAMES)}`, `- \`### Requirement: ${pick(NAMES)}\``, '']))
    if (chance(0.25)) {
      parts.push('## RENAMED Requirements', `- FROM: \`### Requirement: ${pick(NAMES)}\``)
      if (chance(0.8)) parts.push(`- TO: \`### Requirement: ${pick(NAMES)}\``)
    }
    if (chance(0.05)) parts.push('## Notes', 'nothing here')
    let text = parts.join('\n\n')
    if (chance(0.1)) text = text.replace(/\n/g, '\r\n')
    if (chance(0.05)) text = `\uFEFF${text}`
    return `${text}\n`
  }
  const mainSpec = (): string =>
    ['# spec', '', '## Purpose', 'A purpose long enough for the strict validator to accept it.', '', '## Requirements', '', ...NAMES.filter(() => chance(0.5)).map(block)].join('\n') + '\n'
  const tasks = (): string | undefined =>
    pick([
      undefined,
      '## 1. Work\n- [ ] 1.1 Do\n- [x] 1.2 Done\n- [ ] 2.1 Misplaced\n- [ ] 1.1 Again\n',
      '## Tasks\n- plain item\n- another\n',
      '- [ ] only\n',
      '```\n- fenced\n```\n1. numbered\n',
    ])
  const metadata = (): string | undefined =>
    pick([undefined, undefined, 'schema: spec-driven\n', 'schema: spec-driven\nskip_specs: true\n', 'schema: nope\nskip_specs: true\n', 'skip_specs: yes\n', 'schema: [\n', 'schema: spec-driven\ncreated: 2020\n'])
  return {delta, mainSpec, tasks, metadata, pick, chance}
}

function write(file: string, content: string | undefined) {
  if (content === undefined) return
  fs.mkdirSync(path.dirname(file), {recursive: true})
  fs.writeFileSync(file, content)
}

describe('psp validates change folders exactly as openspec 1.13.2 does', () => {
  it('validateChangeDeltaSpecs and validateChange over generated changes', async () => {
    const g = generator(rng(7))
    for (let i = 0; i < 150; i++) {
      const root = path.join(tmp, `p${i}`)
      const specsDir = path.join(root, 'openspec', 'specs')
      const changeDir = path.join(root, 'openspec', 'changes', `change-${i}`)
      fs.mkdirSync(changeDir, {recursive: true})
      for (const cap of ['auth', 'area/billing']) {
        if (g.chance(0.7)) write(path.join(specsDir, cap, 'spec.md'), g.mainSpec())
        if (g.chance(0.6)) write(path.join(changeDir, 'specs', cap, 'spec.md'), g.delta())
      }
      if (g.chance(0.05)) write(path.join(changeDir, 'specs', 'spec.md'), g.delta())
      if (g.chance(0.05)) write(path.join(changeDir, 'specs', 'auth', 'notes.md'), g.delta())
      if (g.chance(0.05)) write(path.join(changeDir, 'specs', 'auth', 'README.txt'), 'x')
      write(path.join(changeDir, 'tasks.md'), g.tasks())
      write(path.join(changeDir, '.openspec.yaml'), g.metadata())
      write(
        path.join(changeDir, 'proposal.md'),
        g.pick([
          '# Change: X\n\n## Why\nBecause we need it for a long enough reason to pass validation.\n\n## What Changes\n- **auth:** Add login\n',
          '## Why\nshort\n## What Changes\n- x\n',
          '# nothing\n',
        ]),
      )
      for (const strict of [false, true]) {
        const options = {mainSpecsDir: specsDir, projectRoot: root}
        const mine = new Validator(strict).validateChangeDeltaSpecs(changeDir, options)
        const theirs = await new TheirValidator(strict).validateChangeDeltaSpecs(changeDir, options)
        expect(mine, `case ${i}`).toEqual(theirs)
        const proposal = path.join(changeDir, 'proposal.md')
        expect(new Validator(strict).validateChange(proposal), `case ${i}`).toEqual(await new TheirValidator(strict).validateChange(proposal))
      }
    }
  })
})
