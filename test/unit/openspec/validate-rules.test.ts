/**
 * Every validation rule, one hand-written case each: psp's report must fire the rule (level, path,
 * line and message as asserted) and equal openspec 1.13.2's report for the same folder.
 */
import fs from 'node:fs'
import path from 'node:path'
import {describe, expect, it} from 'vitest'
import {Validator as TheirValidator} from '../../../node_modules/@fission-ai/openspec/dist/core/validation/validator.js'
import {Validator, type ValidationIssue} from '../../../packages/core/src/openspec/validator.js'
import {useTempDirs} from '../_helpers.js'

const tempDir = useTempDirs()

const PURPOSE = 'A purpose long enough for the strict validator to accept it.'
const spec = (requirements: string, purpose = PURPOSE) => `# s\n\n## Purpose\n${purpose}\n\n## Requirements\n${requirements}`
const req = (name: string, body = 'The system SHALL work.', scenario = '#### Scenario: s\n- **WHEN** a\n- **THEN** b') => `### Requirement: ${name}\n${body}\n\n${scenario}\n`

type Files = Record<string, string>

function project(files: Files): string {
  const root = tempDir()
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), {recursive: true})
    fs.writeFileSync(path.join(root, rel), text)
  }
  return root
}

async function specReport(text: string, strict = false) {
  const root = project({'openspec/specs/s/spec.md': text})
  const file = path.join(root, 'openspec/specs/s/spec.md')
  const mine = new Validator(strict).validateSpec(file)
  expect(mine).toEqual(await new TheirValidator(strict).validateSpec(file))
  return mine
}

async function changeReport(files: Files, strict = false) {
  const root = project(files)
  const changeDir = path.join(root, 'openspec/changes/c')
  fs.mkdirSync(changeDir, {recursive: true})
  const options = {mainSpecsDir: path.join(root, 'openspec/specs'), projectRoot: root}
  const mine = new Validator(strict).validateChangeDeltaSpecs(changeDir, options)
  expect(mine).toEqual(await new TheirValidator(strict).validateChangeDeltaSpecs(changeDir, options))
  return mine
}

const find = (issues: ValidationIssue[], text: string) => issues.find((i) => i.message.includes(text))

describe('main spec rules', () => {
  it('a clean spec is valid, also in strict mode', async () => {
    const r = await specReport(spec(req('A')), true)
    expect(r).toEqual({valid: true, issues: [], summary: {errors: 0, warnings: 0, info: 0}})
  })

  it('missing sections are errors on `file` with the guide appended', async () => {
    const r = await specReport('# s\n\n## Requirements\n')
    expect(r.issues).toHaveLength(1)
    expect(r.issues[0]).toMatchObject({level: 'ERROR', path: 'file'})
    expect(r.issues[0]?.message).toMatch(/^Spec must have a Purpose section\. Missing required sections\./)
  })

  it('no requirements, no scenarios, brief Purpose, long text', async () => {
    expect(find((await specReport(spec(''))).issues, 'Spec must have at least one requirement')).toMatchObject({level: 'ERROR', path: 'requirements'})
    const noScenario = await specReport(spec(req('A', 'The system SHALL work.', '')))
    expect(noScenario.issues.map((i) => [i.level, i.path])).toEqual([
      ['ERROR', 'requirements.0.scenarios'],
      ['WARNING', 'requirements[0].scenarios'],
    ])
    const brief = await specReport(spec(req('A'), 'Short.'), true)
    expect(brief.valid).toBe(false)
    expect(find(brief.issues, 'Purpose section is too brief')).toMatchObject({level: 'WARNING', path: 'overview'})
    const long = await specReport(spec(req('A', `The system SHALL ${'x'.repeat(500)}`)))
    expect(find(long.issues, 'very long')).toMatchObject({level: 'INFO', path: 'requirements[0]'})
  })

  it('SHALL/MUST: guidance when missing from the body, an error when the body is empty, a hint when only in the header', async () => {
    expect(find((await specReport(spec(req('A', 'It works.')))).issues, 'should contain SHALL or MUST')).toMatchObject({level: 'WARNING', path: 'requirements[0]'})
    const headerOnly = await specReport(spec(req('The system SHALL work', '')))
    expect(find(headerOnly.issues, 'not only in the header')).toMatchObject({level: 'ERROR', path: 'requirements[0]'})
  })

  it('placeholder Purpose (archive sentence or TBD) is a warning on its line', async () => {
    const r = await specReport(spec(req('A'), 'TBD - created by archiving change x. Update Purpose after archive.'))
    expect(find(r.issues, 'still a placeholder')).toMatchObject({level: 'WARNING', path: 'overview', line: 4})
    expect(find((await specReport(spec(req('A'), 'TODO: write this'))).issues, 'still a placeholder')).toMatchObject({line: 4})
  })

  it('structure: delta headers, requirements outside the section, duplicates (with lines)', async () => {
    const r = await specReport(`${spec(`${req('A')}${req('A')}`)}\n## ADDED Requirements\n${req('B')}`)
    expect(r.issues.filter((i) => i.path === "file").map((i) => i.line)).toEqual([13, 20, 21])
  })

  it('CRLF and a byte-order mark give the same report as LF', async () => {
    const text = spec(`${req('A', 'It works.')}`, 'Short.')
    const lf = await specReport(text)
    expect(await specReport(text.replace(/\n/g, '\r\n'))).toEqual(lf)
    expect(await specReport(`\uFEFF${text}`)).toEqual(lf)
  })

  it('a missing file is an error on `file`', async () => {
    const root = tempDir()
    const r = new Validator().validateSpec(path.join(root, 'openspec/specs/x/spec.md'))
    expect(r.valid).toBe(false)
    expect(r.issues[0]).toMatchObject({level: 'ERROR', path: 'file'})
  })
})

const delta = (body: string) => ({'openspec/changes/c/specs/auth/spec.md': body})

describe('change delta rules', () => {
  it('a change without deltas fails; skip_specs accepts it (INFO); skip_specs with files conflicts', async () => {
    const none = await changeReport({'openspec/changes/c/proposal.md': '# c\n'})
    expect(none.issues[0]?.message).toMatch(/^Change must have at least one delta\. No deltas found\./)
    const skip = await changeReport({'openspec/changes/c/.openspec.yaml': 'schema: spec-driven\nskip_specs: true\n'})
    expect(skip).toMatchObject({valid: true, issues: [{level: 'INFO', path: 'file'}]})
    const conflict = await changeReport({'openspec/changes/c/.openspec.yaml': 'schema: spec-driven\nskip_specs: true\n', ...delta('x')})
    expect(find(conflict.issues, 'skip_specs is set in .openspec.yaml but spec files exist')).toMatchObject({level: 'ERROR', path: 'file'})
  })

  it('an unhonourable marker names the reason', async () => {
    const r = await changeReport({'openspec/changes/c/.openspec.yaml': 'schema: nope\nskip_specs: true\n'})
    expect(find(r.issues, "(schema: unknown schema 'nope')")).toMatchObject({level: 'ERROR', path: '.openspec.yaml'})
    const typed = await changeReport({'openspec/changes/c/.openspec.yaml': 'schema: spec-driven\nskip_specs: "yes"\n'})
    expect(find(typed.issues, '(skip_specs: Invalid input: expected boolean, received string)')).toBeDefined()
  })

  it('ADDED and MODIFIED need text and a scenario; duplicates and conflicts are errors', async () => {
    const r = await changeReport(
      delta(
        `## ADDED Requirements\n${req('A', '', '#### Scenario: empty')}${req('A')}\n## MODIFIED Requirements\n${req('A', 'It works.')}\n## REMOVED Requirements\n### Requirement: A\n`,
      ),
    )
    const messages = r.issues.map((i) => `${i.level} ${i.message.slice(0, 60)}`)
    expect(messages).toContain('ERROR ADDED "A" is missing requirement text')
    expect(find(r.issues, 'must include at least one scenario (a scenario header with no body')).toBeDefined()
    expect(messages).toContain('ERROR Duplicate requirement in ADDED: "A"')
    expect(find(r.issues, 'MODIFIED "A" should contain SHALL or MUST')).toMatchObject({level: 'WARNING', path: 'auth/spec.md'})
    expect(messages).toContain('ERROR Requirement present in both MODIFIED and REMOVED: "A"')
    expect(messages).toContain('ERROR Requirement present in both MODIFIED and ADDED: "A"')
    expect(messages).toContain('ERROR Requirement present in both ADDED and REMOVED: "A"')
  })

  it('RENAMED: unpaired lines, duplicates, collisions and a REMOVED spelled differently', async () => {
    const r = await changeReport(
      delta(
        '## RENAMED Requirements\n- FROM: `### Requirement: A`\n- TO: `### Requirement: B`\n- FROM: `### Requirement: A`\n- TO: `### Requirement: B`\n- TO: `### Requirement: Z`\n## ADDED Requirements\n' +
          req('B') +
          '## REMOVED Requirements\n### Requirement: a\n',
      ),
    )
    expect(find(r.issues, 'RENAMED TO: "Z" has no matching FROM: line')).toMatchObject({line: 6})
    expect(find(r.issues, 'Duplicate FROM in RENAMED: "A"')).toBeDefined()
    expect(find(r.issues, 'RENAMED TO collides with ADDED for "B"')).toBeDefined()
    expect(find(r.issues, 'Requirement present in both RENAMED and REMOVED: "A" (REMOVED spells it "a")')).toBeDefined()
  })

  it('stray headings are INFO, orphaned requirements WARNING, empty sections and headerless files ERROR', async () => {
    const r = await changeReport({
      'openspec/changes/c/specs/auth/spec.md': `${req('Orphan')}## ADDED Requirements\n${req('A')}### Requirement:\n### Notes\n`,
      'openspec/changes/c/specs/billing/spec.md': '## REMOVED Requirements\n\nnothing\n',
      'openspec/changes/c/specs/notes/spec.md': 'Just notes.\n',
    })
    expect(find(r.issues, 'Header "### Notes" in ADDED Requirements is not a "### Requirement:" header')).toMatchObject({level: "INFO", line: 15})
    expect(find(r.issues, 'is missing a requirement name')).toMatchObject({level: 'INFO'})
    expect(find(r.issues, 'Requirement "Orphan" is above the first "## " section')).toMatchObject({level: 'WARNING', line: 1})
    expect(find(r.issues, 'Delta sections ## REMOVED Requirements were found')).toMatchObject({level: 'ERROR', path: 'billing/spec.md'})
    expect(find(r.issues, 'No delta sections found')).toMatchObject({level: 'ERROR', path: 'notes/spec.md'})
  })

  it('delta files archive never reads: specs/spec.md and other .md files with delta sections', async () => {
    const r = await changeReport({
      'openspec/changes/c/specs/spec.md': `## ADDED Requirements\n${req('A')}`,
      'openspec/changes/c/specs/auth.md': `## ADDED Requirements\n${req('A')}`,
    })
    expect(find(r.issues, 'Delta spec found at specs/spec.md')).toMatchObject({path: 'spec.md'})
    expect(find(r.issues, 'Move its requirements into specs/auth/spec.md')).toMatchObject({path: 'auth.md'})
    expect(find(r.issues, 'Change must have at least one delta')).toBeUndefined()
  })

  it('MODIFIED dropping a scenario of the main spec, and what archive would refuse (INFO)', async () => {
    const r = await changeReport({
      'openspec/specs/auth/spec.md': spec(`${req('A', 'The system SHALL a.', '#### Scenario: One\n- x\n\n#### Scenario: Two\n- y')}`),
      ...delta(`## MODIFIED Requirements\n${req('A', 'The system SHALL a.', '#### Scenario: One\n- x')}\n${req('Missing')}`),
    })
    expect(find(r.issues, 'MODIFIED "A" omits scenario(s) the current spec still has: "Two".')).toMatchObject({level: 'ERROR'})
    const nested = await changeReport({
      'openspec/specs/area/auth/spec.md': spec(req('A')),
      'openspec/changes/c/specs/area/auth/spec.md': `## ADDED Requirements\n${req('A', 'The system SHALL differ.')}`,
    })
    expect(find(nested.issues, 'Archive would refuse this delta:')).toMatchObject({level: 'INFO', path: 'area/auth/spec.md'})
    expect(nested.valid).toBe(true)
  })

  it('task files: no checkboxes, misplaced and duplicated task ids (warnings, so strict fails)', async () => {
    const plain = await changeReport({...delta(`## ADDED Requirements\n${req('A')}`), 'openspec/changes/c/tasks.md': '## Tasks\n- do this\n'}, true)
    expect(plain.valid).toBe(false)
    expect(find(plain.issues, 'This change counts as 0 tasks')).toMatchObject({level: 'WARNING', path: 'tasks.md', line: 2})
    const numbered = await changeReport({
      ...delta(`## ADDED Requirements\n${req('A')}`),
      'openspec/changes/c/tasks.md': '## 1. Work\n- [ ] 1.1 a\n- [ ] 2.1 b\n- [x] 1.1 c\n',
    })
    expect(find(numbered.issues, 'Task "2.1" is under group 1')).toMatchObject({line: 3})
    expect(find(numbered.issues, 'Task ID "1.1" is duplicated; it was first declared on line 2.')).toMatchObject({line: 4})
  })
})
