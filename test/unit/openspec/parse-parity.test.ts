/**
 * Generated Markdown (seeded, so a failure reproduces) read by psp's parsers and by openspec's: the
 * results must be identical — fence masks, requirement sections, delta plans, structure issues,
 * parsed specs and changes, task lines, Purpose placeholders, and whole spec validation reports.
 * The generator favours what trips readers up: fences holding headings, stray and closed headings,
 * CRLF, BOMs, bullets of every kind, FROM/TO pairs, metadata lines and near-miss names.
 */
import {describe, expect, it} from 'vitest'
import * as theirCodeFence from '../../../node_modules/@fission-ai/openspec/dist/core/parsers/code-fence.js'
import * as theirBlocks from '../../../node_modules/@fission-ai/openspec/dist/core/parsers/requirement-blocks.js'
import * as theirText from '../../../node_modules/@fission-ai/openspec/dist/core/parsers/requirement-text.js'
import * as theirStructure from '../../../node_modules/@fission-ai/openspec/dist/core/parsers/spec-structure.js'
import {MarkdownParser} from '../../../node_modules/@fission-ai/openspec/dist/core/parsers/markdown-parser.js'
import * as theirProgress from '../../../node_modules/@fission-ai/openspec/dist/utils/task-progress.js'
import * as theirPlaceholder from '../../../node_modules/@fission-ai/openspec/dist/core/validation/purpose-placeholder.js'
import * as theirCheckboxes from '../../../node_modules/@fission-ai/openspec/dist/core/validation/task-checkboxes.js'
import * as theirNumbering from '../../../node_modules/@fission-ai/openspec/dist/core/validation/task-numbering.js'
import {Validator as TheirValidator} from '../../../node_modules/@fission-ai/openspec/dist/core/validation/validator.js'
import {buildCodeFenceMask} from '../../../packages/core/src/openspec/code-fence.js'
import {diffScenarioNames, extractRequirementsSection, parseDeltaSpec} from '../../../packages/core/src/openspec/requirement-blocks.js'
import {countEmptyScenarios, countScenarios, extractRequirementBody} from '../../../packages/core/src/openspec/requirement-text.js'
import {findMainSpecStructureIssues} from '../../../packages/core/src/openspec/spec-structure.js'
import {parseChangeContent, parseSpecContent} from '../../../packages/core/src/openspec/markdown.js'
import {parseTaskLines} from '../../../packages/core/src/openspec/task-progress.js'
import {findPurposePlaceholderIssue} from '../../../packages/core/src/openspec/purpose-placeholder.js'
import {findMissingTaskCheckboxIssues, findTaskNumberingIssues} from '../../../packages/core/src/openspec/task-rules.js'
import {Validator} from '../../../packages/core/src/openspec/validator.js'
import {seededRandom} from '../../helpers/seeded-random.js'

const rng = seededRandom

const NAMES = ['Login', 'login', 'Sign out', 'Déjà vu', 'C#', 'A  B', 'The system SHALL log', 'Reset ##', '']

/** Lines that exercise every reader; joined at random into documents. */
const PIECES = [
  '',
  '',
  'Prose line.',
  'The system SHALL do it.',
  'The system MUST do it.',
  'shall lower case',
  '**ID**: REQ-1',
  '**Constraint**: The system MUST hold.',
  '- a bullet',
  '* star bullet',
  '+ plus bullet',
  '1. ordered',
  '  indented',
  '    - code-indented item',
  '# Title',
  '## Purpose',
  '## purpose',
  '## Requirements',
  '## Requirements ##',
  '## ADDED Requirements',
  '## Added Requirements',
  '## MODIFIED Requirements',
  '## REMOVED Requirements',
  '## RENAMED Requirements',
  '## ADDED  Requirements',
  '## Why',
  '## What Changes',
  '## Notes',
  '## ',
  '##  ',
  '#',
  '#hashtag',
  '### Notes',
  '### Documentation Requirements',
  '### Requirement:',
  '### Requirement: ',
  '###Requirement: Tight',
  '#### Scenario: One',
  '#### Scenario: Two ####',
  '#### Edge case',
  '#### ',
  '####  ',
  '   # indented heading',
  '\t## tabbed',
  ' \u00a0',
  '##### Deep',
  '- **WHEN** a',
  '- **THEN** b',
  '```',
  '```md',
  '````',
  '~~~',
  '  ```',
  '- FROM: `### Requirement: Login`',
  '- TO: `### Requirement: Sign in`',
  '* FROM: ### Requirement: Reset',
  'TO: ### Requirement: Reset all',
  '- `### Requirement: Login`',
  '+ ### Requirement: Sign out',
  '- **auth:** Add login support',
  '- **billing**: Remove invoices',
  '- **core:** rename the thing',
  '- [ ] 1.1 Task',
  '- [x] 1.2 Done',
  '- [X] 2.1 Done',
  '* [~] 1.1 Dup',
  '1. [ ] 3.1 Numbered',
  '- [](x)',
  '- [A](https://example.com)',
  '## 1. Group',
  '## 2. Other',
  '## 02. Padded',
  '<!-- comment',
  '-->',
  '<!-- one line -->',
  '---',
  'TBD - created by archiving change x. Update Purpose after archive.',
  'TODO: write it',
  'Todo el sistema funciona bien y se entiende claramente sin dudas.',
  'A purpose long enough for the strict validator to accept it without complaint.',
  'x'.repeat(520),
]

function generator(random: () => number) {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T
  const chance = (p: number) => random() < p
  const requirement = () => {
    const lines = [`### Requirement: ${pick(NAMES)}`]
    if (chance(0.8)) lines.push(pick(['The system SHALL work.', 'It works.', '**ID**: R1', '']))
    for (let i = Math.floor(random() * 3); i > 0; i--) lines.push('', pick(['#### Scenario: One', '#### Scenario: Two', '#### Edge']), ...(chance(0.8) ? ['- **WHEN** a', '- **THEN** b'] : []))
    if (chance(0.2)) lines.push(pick(PIECES))
    return lines.join('\n')
  }
  return (): string => {
    const parts: string[] = []
    for (let n = 3 + Math.floor(random() * 25); n > 0; n--) parts.push(chance(0.35) ? requirement() : pick(PIECES))
    let text = parts.join('\n')
    if (chance(0.15)) text = text.replace(/\n/g, '\r\n')
    if (chance(0.05)) text = text.replace(/\n/g, '\r')
    if (chance(0.1)) text = `\uFEFF${text}`
    if (chance(0.5)) text += '\n'
    return text
  }
}

/** A well-formed spec skeleton with generated noise, so that parseSpec often succeeds. */
function specGenerator(random: () => number) {
  const noise = generator(random)
  return (): string => {
    const head = ['# spec', '', '## Purpose', random() < 0.5 ? 'A purpose long enough for the strict validator to accept it.' : noise(), '', '## Requirements', '']
    return head.join('\n') + noise()
  }
}

const RUNS = Number(process.env.PARITY_RUNS ?? 400)

const reqSection = (s: ReturnType<typeof extractRequirementsSection>) => s

function theirSpec(content: string, name: string) {
  try {
    return new MarkdownParser(content).parseSpec(name)
  } catch (error) {
    return {error: (error as Error).message}
  }
}

function mySpec(content: string, name: string) {
  try {
    return parseSpecContent(content, name)
  } catch (error) {
    return {error: (error as Error).message}
  }
}

function theirChange(content: string) {
  try {
    return new MarkdownParser(content).parseChange('c')
  } catch (error) {
    return {error: (error as Error).message}
  }
}

function myChange(content: string) {
  try {
    return parseChangeContent(content, 'c')
  } catch (error) {
    return {error: (error as Error).message}
  }
}

describe('psp reads OpenSpec Markdown exactly as openspec 1.13.2 does', () => {
  it('fence masks, requirement sections, delta plans and structure issues', () => {
    const next = generator(rng(1))
    for (let i = 0; i < RUNS; i++) {
      const doc = next()
      const lines = doc.replace(/\r\n?/g, '\n').split('\n')
      expect(buildCodeFenceMask(lines), doc).toEqual(theirCodeFence.buildCodeFenceMask(lines))
      expect(reqSection(extractRequirementsSection(doc)), doc).toEqual(theirBlocks.extractRequirementsSection(doc))
      expect(parseDeltaSpec(doc), doc).toEqual(theirBlocks.parseDeltaSpec(doc))
      expect(findMainSpecStructureIssues(doc), doc).toEqual(theirStructure.findMainSpecStructureIssues(doc))
    }
  })

  it('requirement bodies, scenario counts and scenario-name diffs', () => {
    const next = generator(rng(2))
    for (let i = 0; i < RUNS; i++) {
      const doc = next()
      const lines = doc.replace(/\r\n?/g, '\n').split('\n')
      expect(extractRequirementBody(lines), doc).toBe(theirText.extractRequirementBody(lines))
      expect(countScenarios(lines), doc).toBe(theirText.countScenarios(lines))
      expect(countEmptyScenarios(lines), doc).toBe(theirText.countEmptyScenarios(lines))
      const other = next()
      const a = {headerLine: '', name: 'x', raw: doc}
      const b = {headerLine: '', name: 'x', raw: other}
      expect(diffScenarioNames(a, b)).toEqual(theirBlocks.diffScenarioNames(a, b))
    }
  })

  it('main specs and change proposals', () => {
    const nextSpec = specGenerator(rng(3))
    const next = generator(rng(4))
    for (let i = 0; i < RUNS; i++) {
      const spec = nextSpec()
      expect(mySpec(spec, 'auth'), spec).toEqual(theirSpec(spec, 'auth'))
      const doc = next()
      expect(mySpec(doc, 'auth'), doc).toEqual(theirSpec(doc, 'auth'))
      const proposal = `## Why\n${doc}\n## What Changes\n${next()}`
      expect(myChange(proposal), proposal).toEqual(theirChange(proposal))
    }
  })

  it('task lines, checkbox and numbering lint, Purpose placeholders', () => {
    const next = generator(rng(5))
    for (let i = 0; i < RUNS; i++) {
      const doc = next()
      expect(parseTaskLines(doc), doc).toEqual(theirProgress.parseTaskLines(doc))
      const docs = [{path: 'tasks.md', content: doc}]
      expect(findMissingTaskCheckboxIssues(docs), doc).toEqual(theirCheckboxes.findMissingTaskCheckboxIssues(docs))
      expect(findTaskNumberingIssues(docs), doc).toEqual(theirNumbering.findTaskNumberingIssues(docs))
      const overview = doc.trim()
      expect(findPurposePlaceholderIssue(overview, doc), doc).toEqual(theirPlaceholder.findPurposePlaceholderIssue(overview, doc))
      const purposeDoc = `# s\n\n## Purpose\n${doc}\n## Requirements\n`
      expect(findPurposePlaceholderIssue(overview, purposeDoc), doc).toEqual(theirPlaceholder.findPurposePlaceholderIssue(overview, purposeDoc))
    }
  })

  it('whole spec validation reports, normal and strict', async () => {
    const nextSpec = specGenerator(rng(6))
    for (let i = 0; i < RUNS; i++) {
      const spec = nextSpec()
      for (const strict of [false, true]) {
        expect(new Validator(strict).validateSpecContent('auth', spec), spec).toEqual(await new TheirValidator(strict).validateSpecContent('auth', spec))
      }
    }
  })
})
