/**
 * The OpenSpec readers on hand-written cases: code fences, CRLF and CR line endings, byte-order
 * marks, closed headings, the section tree, requirement text and scenarios, delta plans, structure
 * issues and the change reader (nested capabilities, bullet REMOVED, RENAMED pairs).
 */
import fs from 'node:fs'
import path from 'node:path'
import {describe, expect, it} from 'vitest'
import {buildCodeFenceMask} from '../../../packages/core/src/openspec/code-fence.js'
import {parseChangeWithDeltas} from '../../../packages/core/src/openspec/change-parser.js'
import {findSection, parseSections, parseSpecContent, parseSimpleDeltas} from '../../../packages/core/src/openspec/markdown.js'
import {
  describeScenarioBalance,
  diffScenarioNames,
  extractRequirementsSection,
  foldRequirementName,
  normalizeRequirementName,
  parseDeltaSpec,
} from '../../../packages/core/src/openspec/requirement-blocks.js'
import {containsShallOrMust, countEmptyScenarios, countScenarios, extractRequirementBody, extractRequirementText} from '../../../packages/core/src/openspec/requirement-text.js'
import {findMainSpecStructureIssues, stripFencedCodeBlocksPreservingLines} from '../../../packages/core/src/openspec/spec-structure.js'
import {useTempDirs} from '../_helpers.js'

const SPEC = `# auth

## Purpose
Authentication for every user of the product, done carefully.

## Requirements
### Requirement: Login
The system SHALL let users log in.

#### Scenario: Good password
- **WHEN** the password is right
- **THEN** the user is in

### Requirement: Logout ###
The system MUST end the session.

\`\`\`md
### Requirement: Not real
#### Scenario: Not real either
\`\`\`

#### Scenario: Explicit
- **WHEN** the user logs out
`

describe('code fences', () => {
  it('masks fence lines and their content, backticks and tildes, closing only on a long enough bare run', () => {
    const lines = ['a', '```js', '# no', '~~~', '```', 'b', '~~~~', '```', '~~~', '~~~~', 'c', '````', 'x']
    expect(buildCodeFenceMask(lines)).toEqual([false, true, true, true, true, false, true, true, true, true, false, true, true])
  })

  it('an indented opener counts; a closer with an info string does not close', () => {
    expect(buildCodeFenceMask(['  ```', '``` js', '```'])).toEqual([true, true, true])
  })

  it('strips fenced blocks but keeps the line count', () => {
    expect(stripFencedCodeBlocksPreservingLines('a\n```\nb\n```\nc')).toBe('a\n\n\n\nc')
  })
})

describe('sections and main specs', () => {
  it('reads Purpose and requirements, ignoring headings inside fences and a closing # run', () => {
    const spec = parseSpecContent(SPEC, 'auth')
    expect(spec.overview).toBe('Authentication for every user of the product, done carefully.')
    expect(spec.requirements.map((r) => r.text)).toEqual(['The system SHALL let users log in.', 'The system MUST end the session.'])
    expect(spec.requirements.map((r) => r.scenarios.length)).toEqual([1, 1])
    expect(spec.requirements[0]?.scenarios[0]?.rawText).toBe('- **WHEN** the password is right\n- **THEN** the user is in')
  })

  it('reads CRLF, CR and a byte-order mark the same as LF', () => {
    const lf = parseSpecContent(SPEC, 'auth')
    expect(parseSpecContent(SPEC.replace(/\n/g, '\r\n'), 'auth')).toEqual(lf)
    expect(parseSpecContent(SPEC.replace(/\n/g, '\r'), 'auth')).toEqual(lf)
    expect(parseSpecContent(`\uFEFF${SPEC}`, 'auth')).toEqual(lf)
  })

  it("throws openspec's messages for a missing Purpose or Requirements section", () => {
    expect(() => parseSpecContent('## Requirements\n', 'x')).toThrow('Spec must have a Purpose section')
    expect(() => parseSpecContent('## Purpose\nWhy.\n', 'x')).toThrow('Spec must have a Requirements section')
    expect(() => parseSpecContent('## Purpose\n\n## Requirements\n', 'x')).toThrow('Spec must have a Purpose section')
  })

  it('a bare "## " line ends a section without opening one', () => {
    const sections = parseSections('## Purpose\nText\n## \nmore')
    expect(findSection(sections, 'purpose')?.content).toBe('Text')
  })

  it('a requirement heading with no body reads its title as text; empty scenarios do not count', () => {
    const spec = parseSpecContent('## Purpose\nP\n## Requirements\n### The system SHALL work\n#### Scenario: empty\n', 'x')
    expect(spec.requirements).toEqual([{text: 'The system SHALL work', scenarios: []}])
  })

  it('simple deltas in What Changes guess their operation from the wording', () => {
    expect(parseSimpleDeltas('- **auth:** Add login\n- **billing**: Remove invoices\n- **core:** Rename x\n- **ui:** Tweak colours\n- **x:** address it')).toEqual([
      {spec: 'auth', operation: 'ADDED', description: 'Add login'},
      {spec: 'billing', operation: 'REMOVED', description: 'Remove invoices'},
      {spec: 'core', operation: 'RENAMED', description: 'Rename x'},
      {spec: 'ui', operation: 'MODIFIED', description: 'Tweak colours'},
      {spec: 'x', operation: 'MODIFIED', description: 'address it'},
    ])
  })
})

describe('requirement text', () => {
  it('joins wrapped text, skips metadata unless it is all there is, stops at the first heading', () => {
    expect(extractRequirementBody(['**ID**: R1', 'The system', 'SHALL wrap.', '#### Scenario: x', 'after'])).toBe('The system\nSHALL wrap.')
    expect(extractRequirementBody(['**Constraint**: The system MUST hold.'])).toBe('**Constraint**: The system MUST hold.')
    expect(extractRequirementBody(['```', '# not a heading', '```', 'Text'])).toBe('Text')
    expect(extractRequirementText('Title', [''])).toBe('Title')
  })

  it('SHALL and MUST count only as whole upper-case words', () => {
    expect(containsShallOrMust('It SHALL')).toBe(true)
    expect(containsShallOrMust('MUSTARD shall')).toBe(false)
  })

  it('counts scenarios with a body, any level-4 heading, not inside fences', () => {
    const body = ['#### Scenario: a', '- x', '#### Edge', '- y', '#### Scenario: empty', '```', '#### Scenario: fenced', '```']
    expect(countScenarios(body)).toBe(3)
    expect(countEmptyScenarios(['#### Scenario: a', '', '#### b', 'x'])).toBe(1)
  })
})

describe('requirement blocks', () => {
  it('names drop a closing # run (after a space) but keep C#; the fold ignores case and spacing', () => {
    expect(normalizeRequirementName('Logout ###')).toBe('Logout')
    expect(normalizeRequirementName('C#')).toBe('C#')
    expect(foldRequirementName('  Sign   In ')).toBe('sign in')
  })

  it('cuts a main spec around its Requirements section', () => {
    const parts = extractRequirementsSection(SPEC)
    expect(parts.headerLine).toBe('## Requirements')
    expect(parts.bodyBlocks.map((b) => b.name)).toEqual(['Login', 'Logout'])
    expect(parts.before.startsWith('# auth')).toBe(true)
    expect(extractRequirementsSection('# x\n').bodyBlocks).toEqual([])
  })

  it('reads every delta section, repeated and in any case, with line numbers of what it skipped', () => {
    const delta = [
      '\uFEFF## ADDED Requirements',
      '### Requirement: A',
      'The system SHALL a.',
      '### Notes',
      '## Added Requirements',
      '###Requirement: B',
      'The system SHALL b.',
      '## REMOVED Requirements',
      '- `### Requirement: C`',
      '* ### Requirement: D',
      '### Requirement: E',
      '## RENAMED Requirements',
      '- FROM: `### Requirement: F`',
      '- TO: `### Requirement: G`',
      '+ TO: `### Requirement: H`',
      '## Notes',
      '### Requirement: Orphan',
      '```',
      '## MODIFIED Requirements',
      '```',
    ].join('\r\n')
    const plan = parseDeltaSpec(delta)
    expect(plan.added.map((b) => b.name)).toEqual(['A', 'B'])
    expect(plan.removed).toEqual(['C', 'D', 'E'])
    expect(plan.removedBlocks.map((b) => b.name)).toEqual(['E'])
    expect(plan.renamed).toEqual([{from: 'F', to: 'G'}])
    expect(plan.unpairedRenames).toEqual([{side: 'TO', name: 'H', line: 15}])
    expect(plan.skippedHeaders).toEqual([{header: 'Notes', section: 'ADDED Requirements', line: 4}])
    expect(plan.orphanedRequirements).toEqual([{name: 'Orphan', section: 'Notes', line: 17}])
    expect(plan.sectionPresence).toEqual({added: true, modified: false, removed: true, renamed: true})
  })

  it('compares scenario names with multiplicity and describes the balance', () => {
    const current = {headerLine: '', name: 'x', raw: '### Requirement: x\n#### Scenario: A\n#### Scenario: A\n#### B ##'}
    const incoming = {headerLine: '', name: 'x', raw: '### Requirement: x\n#### Scenario: A\n#### C'}
    const diff = diffScenarioNames(current, incoming)
    expect(diff).toEqual({missing: ['A', 'B'], added: ['C'], currentCount: 3, incomingCount: 2})
    expect(describeScenarioBalance(diff)).toBe('The modified block has 2 scenarios; the current spec has 3 scenarios. It adds 1 scenario not in the current spec: "C".')
  })
})

describe('structure issues', () => {
  it('reports delta headers, requirements outside ## Requirements and duplicates, with lines', () => {
    const content = '## Purpose\n### Requirement: Early\n## Requirements\n### Requirement: A\n### Requirement: A ##\n```\n## ADDED Requirements\n```\n## ADDED Requirements\n'
    const issues = findMainSpecStructureIssues(content)
    expect(issues.map((i) => [i.kind, i.line])).toEqual([
      ['requirement-outside-requirements', 2],
      ['duplicate-requirement', 5],
      ['delta-header', 9],
    ])
  })
})

describe('the change reader', () => {
  const tempDir = useTempDirs()

  it('reads deltas from nested capability paths, bullet REMOVED and RENAMED, in openspec order', () => {
    const dir = tempDir()
    const write = (rel: string, text: string) => {
      fs.mkdirSync(path.dirname(path.join(dir, rel)), {recursive: true})
      fs.writeFileSync(path.join(dir, rel), text)
    }
    write('specs/area/auth/spec.md', '## REMOVED Requirements\n- `### Requirement: Old`\n## ADDED Requirements\n### Requirement: New\nThe system SHALL x.\n#### Scenario: s\n- y\n')
    write('specs/billing/spec.md', '## RENAMED Requirements\n- FROM: `### Requirement: A`\n- TO: `### Requirement: B`\n')
    write('specs/.hidden/spec.md', '## ADDED Requirements\n### Requirement: Hidden\n')
    const change = parseChangeWithDeltas('## Why\nBecause.\n## What Changes\n- **x:** Add y\n', dir, 'c')
    expect(change.deltas).toEqual([
      {
        spec: 'area/auth',
        operation: 'ADDED',
        description: 'Add requirement: The system SHALL x.',
        requirement: {text: 'The system SHALL x.', scenarios: [{rawText: '- y'}]},
        requirements: [{text: 'The system SHALL x.', scenarios: [{rawText: '- y'}]}],
      },
      {
        spec: 'area/auth',
        operation: 'REMOVED',
        description: 'Remove requirement: Requirement: Old',
        requirement: {text: 'Requirement: Old', scenarios: []},
        requirements: [{text: 'Requirement: Old', scenarios: []}],
      },
      {spec: 'billing', operation: 'RENAMED', description: 'Rename requirement from "A" to "B"', rename: {from: 'A', to: 'B'}},
    ])
  })

  it('falls back to the What Changes bullets when no delta spec has a delta section', () => {
    const dir = tempDir()
    const change = parseChangeWithDeltas('## Why\nBecause.\n## What Changes\n- **auth:** Add login\n', dir, 'c')
    expect(change.deltas).toEqual([{spec: 'auth', operation: 'ADDED', description: 'Add login'}])
    expect(() => parseChangeWithDeltas('## Why\nBecause.\n', dir, 'c')).toThrow('Change must have a What Changes section')
  })
})
