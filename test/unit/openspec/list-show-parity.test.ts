/**
 * `list` and `show` payloads next to openspec's own commands run in-process on the same folder
 * (their console output captured): changes with progress, nested-change warnings, specs with
 * requirement counts, a change's parsed deltas and a spec's filtered requirements.
 */
import fs from 'node:fs'
import path from 'node:path'
import {afterEach, describe, expect, it, vi} from 'vitest'
import {ListCommand} from '../../../node_modules/@fission-ai/openspec/dist/core/list.js'
import {ChangeCommand} from '../../../node_modules/@fission-ai/openspec/dist/commands/change.js'
import {SpecCommand} from '../../../node_modules/@fission-ai/openspec/dist/commands/spec.js'
import {listChanges, listSpecs} from '../../../packages/core/src/openspec/list.js'
import {makeOpenSpecRoot, rootOutput} from '../../../packages/core/src/openspec/root.js'
import {changeText, showChange, showSpec, specText} from '../../../packages/core/src/openspec/show.js'
import {useTempDirs} from '../_helpers.js'

const tempDir = useTempDirs()
afterEach(() => vi.restoreAllMocks())

/** What openspec's command printed with console.log, parsed as JSON. */
async function captured(run: () => Promise<void>): Promise<unknown> {
  const out: string[] = []
  vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void out.push(args.map(String).join(' ')))
  await run()
  vi.restoreAllMocks()
  return JSON.parse(out.join('\n'))
}

function project(files: Record<string, string>): string {
  const root = tempDir()
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), {recursive: true})
    fs.writeFileSync(path.join(root, rel), text)
  }
  return root
}

const SPEC = '# auth\n\n## Purpose\nWhy auth exists, in enough words.\n\n## Requirements\n### Requirement: Login\nThe system SHALL log in.\n\n#### Scenario: ok\n- yes\n\n### Requirement: Logout\nThe system SHALL log out.\n'

const FILES = {
  'openspec/specs/auth/spec.md': SPEC,
  'openspec/specs/area/billing/spec.md': SPEC.replace(/\n/g, '\r\n'),
  'openspec/specs/broken/spec.md': '# nothing here\n',
  'openspec/changes/add-login/proposal.md': '# Change: Add login\n\n## Why\nBecause.\n\n## What Changes\n- **auth:** Add login\n',
  'openspec/changes/add-login/tasks.md': '- [ ] 1.1 a\n- [x] 1.2 b\n  - [X] 1.3 nested\n',
  'openspec/changes/add-login/specs/auth/spec.md':
    '## ADDED Requirements\n### Requirement: Remember\nThe system SHALL remember.\n\n#### Scenario: r\n- ok\n\n## REMOVED Requirements\n- `### Requirement: Logout`\n\n## RENAMED Requirements\n- FROM: `### Requirement: Login`\n- TO: `### Requirement: Sign in`\n',
  'openspec/changes/done/tasks.md': '- [x] all\n',
  'openspec/changes/proposal-only/proposal.md': '# Proposal\n\n## Why\nx\n\n## What Changes\n- **auth:** Remove logout\n',
  'openspec/changes/wrap/inner/.openspec.yaml': 'schema: spec-driven\n',
  'openspec/changes/.hidden/tasks.md': '- [ ] x\n',
  'openspec/changes/archive/2024-01-01-old/tasks.md': '- [ ] x\n',
}

describe('list and show give openspec’s payloads', () => {
  it('list (changes, by name and by recency) and list --specs', async () => {
    const root = makeOpenSpecRoot(project(FILES), 'nearest')
    const out = rootOutput(root)
    for (const sort of ['name', 'recent'] as const) {
      const theirs = await captured(() => new ListCommand().execute(root.path, 'changes', {sort, json: true, root: out}))
      expect(listChanges(root, sort).payload).toEqual(theirs)
    }
    const theirSpecs = await captured(() => new ListCommand().execute(root.path, 'specs', {json: true, root: out}))
    expect(listSpecs(root).payload).toEqual(theirSpecs)
  })

  it('the text of list', () => {
    const root = makeOpenSpecRoot(project(FILES), 'nearest')
    const lines = listChanges(root, 'name').lines
    expect(lines[0]).toBe('Changes:')
    expect(lines.slice(1, 6)).toEqual([
      '  .hidden           0/1 tasks     just now',
      '  add-login         2/3 tasks     just now',
      '  done              ✓ Complete    just now',
      '  proposal-only     No tasks      just now',
      '  wrap              not a change  just now',
    ])
    expect(lines.at(-1)).toMatch(/^Warning: "wrap" is not a change: it is a folder wrapping openspec\/changes\/wrap\/inner\/\./)
    expect(listSpecs(root).lines).toEqual(['Specs:', '  area/billing     requirements 2', '  auth             requirements 2', '  broken           requirements 0'])
  })

  it('no changes, no specs', () => {
    const root = makeOpenSpecRoot(project({'openspec/config.yaml': 'schema: spec-driven\n'}), 'nearest')
    expect(listChanges(root).payload).toEqual({changes: [], root: rootOutput(root)})
    expect(listChanges(root).lines).toEqual(['No active changes found.'])
    expect(listSpecs(root)).toEqual({payload: {specs: [], root: rootOutput(root)}, lines: ['No specs found.']})
  })

  it('show <change> --json and its text', async () => {
    const root = makeOpenSpecRoot(project(FILES), 'nearest')
    const out = rootOutput(root)
    for (const name of ['add-login', 'proposal-only']) {
      const theirs = await captured(() => new ChangeCommand(root.path).show(name, {json: true, rootOutput: out}))
      expect(showChange(root, name)).toEqual(theirs)
    }
    expect(changeText(root, 'add-login')).toBe(FILES['openspec/changes/add-login/proposal.md'])
  })

  it('show <change> refuses what is not a change, with openspec messages', async () => {
    const root = makeOpenSpecRoot(project(FILES), 'nearest')
    for (const name of ['done', 'wrap', 'missing', '../x']) {
      let theirs = ''
      try {
        await new ChangeCommand(root.path).show(name, {json: true})
      } catch (error) {
        theirs = (error as Error).message
      }
      expect(() => showChange(root, name)).toThrow(theirs)
    }
  })

  it('show <spec> --json with every filter, and its text', async () => {
    const root = makeOpenSpecRoot(project(FILES), 'nearest')
    const out = rootOutput(root)
    const variants = [{}, {requirements: true}, {scenarios: false}, {requirement: '2'}, {requirement: '1', scenarios: false}]
    for (const id of ['auth', 'area/billing']) {
      for (const options of variants) {
        const theirs = await captured(() => new SpecCommand(root.path).show(id, {json: true, rootOutput: out, ...options}))
        expect(showSpec(root, id, options)).toEqual(theirs)
      }
    }
    expect(() => showSpec(root, 'auth', {requirement: '3'})).toThrow('Requirement 3 not found')
    expect(() => showSpec(root, 'auth', {requirement: '1', requirements: true})).toThrow('Options --requirements and --requirement cannot be used together')
    expect(() => showSpec(root, 'broken', {})).toThrow('Spec must have a Purpose section')
    expect(() => showSpec(root, '../x', {})).toThrow(/^Path is outside the allowed directory: /)
    expect(() => showSpec(root, 'nope', {})).toThrow(`Spec 'nope' not found at ${path.join(root.specsDir, 'nope', 'spec.md')}`)
    expect(specText(root, 'broken')).toBe('# nothing here\n')
  })
})
