/**
 * `psp openspec list | show | validate | view` through the built CLI, in a plain folder (no psp
 * workspace, no git): openspec's JSON on stdout alone, text output, exit codes, and bad input —
 * unknown items, malformed specs, unknown flags, path tricks — failing in one clear line with
 * nothing touched.
 */
import fs from 'node:fs'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {cleanup, json, psp, tempDir} from '../helpers/cli.js'
import {expectError, ok, show, unchanged} from './support.js'

let dir: string
let outside: string

const SPEC = `# auth

## Purpose
Authentication for every user of the product, done carefully.

## Requirements
### Requirement: Login
The system SHALL let users log in.

#### Scenario: Good password
- **WHEN** the password is right
- **THEN** the user is in
`

function write(rel: string, text: string): void {
  const file = path.join(dir, rel)
  fs.mkdirSync(path.dirname(file), {recursive: true})
  fs.writeFileSync(file, text)
}

beforeAll(() => {
  dir = tempDir('psp-openspec-read-')
  outside = tempDir('psp-openspec-none-')
  write('openspec/specs/auth/spec.md', SPEC)
  write('openspec/specs/area/billing/spec.md', SPEC.replace(/\n/g, '\r\n'))
  write('openspec/specs/broken/spec.md', '# broken\n\nNo sections.\n')
  write('openspec/changes/add-login/proposal.md', '# Change: Add login\n\n## Why\nUsers need to sign in.\n\n## What Changes\n- **auth:** Add remember-me\n')
  write('openspec/changes/add-login/tasks.md', '## 1. Work\n- [x] 1.1 Write it\n- [ ] 1.2 Test it\n')
  write(
    'openspec/changes/add-login/specs/auth/spec.md',
    '## ADDED Requirements\n### Requirement: Remember me\nThe system SHALL remember the user.\n\n#### Scenario: Checkbox\n- **WHEN** ticked\n- **THEN** remembered\n',
  )
  write('openspec/changes/auth/proposal.md', '# Auth\n\n## Why\nA change named like a spec.\n\n## What Changes\n- **auth:** Tweak\n')
})

afterAll(() => {
  cleanup(dir)
  cleanup(outside)
})

const run = (args: string[], cwd = dir) => psp(['openspec', ...args], {cwd})

describe('psp openspec list', () => {
  it('lists changes with progress as openspec JSON, from a subfolder too', () => {
    fs.mkdirSync(path.join(dir, 'deep/er'), {recursive: true})
    const result = ok(run(['list', '--json', '--sort', 'name'], path.join(dir, 'deep/er')))
    expect(result.stderr).toBe('')
    const payload = json<{changes: Array<Record<string, unknown>>; root: unknown}>(result)
    expect(payload.changes.map((c) => [c.name, c.completedTasks, c.totalTasks, c.status])).toEqual([
      ['add-login', 1, 2, 'in-progress'],
      ['auth', 0, 0, 'no-tasks'],
    ])
    expect(payload.root).toEqual({path: dir, source: 'nearest'})
  })

  it('lists specs with requirement counts, and as text', () => {
    expect(json(ok(run(['list', '--specs', '--json'])))).toEqual({
      specs: [
        {id: 'area/billing', requirementCount: 1},
        {id: 'auth', requirementCount: 1},
        {id: 'broken', requirementCount: 0},
      ],
      root: {path: dir, source: 'nearest'},
    })
    expect(ok(run(['list', '--specs'])).stdout).toBe('Specs:\n  area/billing     requirements 1\n  auth             requirements 1\n  broken           requirements 0\n')
    expect(ok(run(['list'])).stdout).toMatch(/^Changes:\n {2}(add-login {5}1\/2 tasks|auth {10}No tasks)/)
  })

  it('outside any OpenSpec root: one error line, or the openspec failure payload under --json', () => {
    expectError(run(['list'], outside), 4, /No OpenSpec root found from the current directory\./)
    const result = run(['list', '--json'], outside)
    // openspec's payload, psp's exit code (docs/exit-codes.md): 4, nothing found.
    expect(result.code, show(result)).toBe(4)
    expect(JSON.parse(result.stdout)).toEqual({
      changes: [],
      root: null,
      status: [
        {
          severity: 'error',
          code: 'no_openspec_root',
          message: 'No OpenSpec root found from the current directory.',
          target: 'openspec.root',
          fix: 'Run openspec init to create a root here.',
        },
      ],
    })
  })
})

describe('psp openspec show', () => {
  it('shows a change as deltas (JSON) and as its proposal (text)', () => {
    const payload = json<{id: string; title: string; deltaCount: number; deltas: Array<{spec: string; operation: string}>}>(ok(run(['show', 'add-login', '--json', '--deltas-only'])))
    expect(payload).toMatchObject({id: 'add-login', title: 'Add login', deltaCount: 1})
    expect(payload.deltas[0]).toMatchObject({spec: 'auth', operation: 'ADDED', description: 'Add requirement: The system SHALL remember the user.'})
    expect(ok(run(['show', 'add-login'])).stdout).toBe(`${fs.readFileSync(path.join(dir, 'openspec/changes/add-login/proposal.md'), 'utf8')}\n`)
  })

  it('shows a nested spec with filters, warning about flags that do not apply', () => {
    const result = ok(run(['show', 'area/billing', '--json', '--no-scenarios', '-r', '1']))
    expect(json(result)).toMatchObject({id: 'area/billing', requirementCount: 1, requirements: [{text: 'The system SHALL let users log in.', scenarios: []}]})
    const warned = ok(run(['show', 'area/billing', '--json', '--deltas-only']))
    expect(warned.stderr).toBe('Warning: Ignoring flags not applicable to spec: deltasOnly\n')
  })

  it('an ambiguous name needs --type', () => {
    expectError(run(['show', 'auth']), 5, /^Error: Ambiguous item 'auth' matches both a change and a spec\.$/)
    expect(ok(run(['show', 'auth', '--type', 'spec'])).stdout).toBe(`${SPEC}\n`)
  })

  it('unknown items, path tricks and malformed specs fail in one line and change nothing', () => {
    unchanged(dir, () => {
      expectError(run(['show', 'ad-login']), 4, /^Error: Unknown item 'ad-login'\. Did you mean: add-login, broken, auth, auth, area\/billing\?$/)
      expectError(run(['show', '../x']), 4, /Unknown item '\.\.\/x'/)
      expectError(run(['show', '../x', '--type', 'spec']), 8, /Path is outside the allowed directory/)
      expectError(run(['show', '../../etc', '--type', 'change']), 4, /not found at/)
      expectError(run(['show', 'broken', '--bogus']), 2)
    })
    const malformed = run(['show', 'broken', '--json'])
    expect(malformed.code, show(malformed)).toBe(1)
    expect(JSON.parse(malformed.stdout)).toEqual({status: [{severity: 'error', code: 'show_error', message: 'Spec must have a Purpose section'}]})
  })

  it('without an item it explains instead of prompting', () => {
    expectError(run(['show']), 2, /^Error: Nothing to show\.$/)
    expectError(run(['show', '--no-interactive']), 2, /Nothing to show/)
  })
})

describe('psp openspec validate', () => {
  it('validates everything as openspec JSON, sorted by id, exit 1 when something is invalid', () => {
    const result = run(['validate', '--all', '--json'])
    expect(result.code, show(result)).toBe(1)
    expect(result.stderr).toBe('')
    const payload = JSON.parse(result.stdout) as {items: Array<{id: string; type: string; valid: boolean}>; summary: unknown; version: string}
    expect(payload.items.map((i) => [i.type, i.id, i.valid])).toEqual([
      ['change', 'add-login', true],
      ['spec', 'area/billing', true],
      ['change', 'auth', false],
      ['spec', 'auth', true],
      ['spec', 'broken', false],
    ])
    expect(payload.summary).toEqual({totals: {items: 5, passed: 3, failed: 2}, byType: {change: {items: 2, passed: 1, failed: 1}, spec: {items: 3, passed: 2, failed: 1}}})
    expect(payload.version).toBe('1.0')
  })

  it('one item: text report, strict mode, and the next steps on failure', () => {
    const good = ok(run(['validate', 'add-login']))
    expect(good.stdout).toBe("Change 'add-login' is valid\n")
    const strict = run(['validate', 'area/billing', '--strict'])
    expect(strict.code, show(strict)).toBe(0)
    const bad = run(['validate', 'broken'])
    expect(bad.code, show(bad)).toBe(1)
    expect(bad.stdout).toBe('')
    expect(bad.stderr).toMatch(/^Specification 'broken' has issues\n✗ \[ERROR\] file: Spec must have a Purpose section\./)
    expect(bad.stderr).toMatch(/Next steps:\n {2}- Ensure spec includes ## Purpose and ## Requirements sections\n/)
  })

  it('bulk text output and the details hint', () => {
    const result = run(['validate', '--specs'])
    expect(result.code).toBe(1)
    expect(result.stdout).toBe('✓ spec/area/billing\n✓ spec/auth\nTotals: 2 passed, 1 failed (3 items)\nDetails: openspec validate broken --type spec\n')
    expect(result.stderr).toMatch(/^✗ spec\/broken\n {2}✗ \[ERROR\] file: Spec must have a Purpose section/)
  })

  it('bad input: unknown item, path tricks, bad report requests, no scope — nothing touched', () => {
    unchanged(dir, () => {
      expectError(run(['validate', 'nope']), 4, /^Error: Unknown item 'nope'\./)
      expectError(run(['validate', '../x', '--type', 'change']), 8, /^Error: Change name must not contain path separators$/)
      expectError(run(['validate', '..', '--type', 'spec']), 8, /^Error: Spec id must not be '\.\.'$/)
      expectError(run(['validate', '--all', '--report', 'fancy']), 2, /Unknown validation report 'fancy'\./)
      expectError(run(['validate']), 2, /Nothing to validate/)
      expectError(run(['validate', '--all', '--bogus']), 2)
      const unknown = run(['validate', 'nope', '--json'])
      expect(unknown.code).toBe(4)
      expect(JSON.parse(unknown.stdout)).toMatchObject({status: [{severity: 'error', code: 'unknown_item'}]})
      const trick = run(['validate', '../x', '--type', 'change', '--json'])
      expect(JSON.parse(trick.stdout)).toEqual({status: [{severity: 'error', code: 'invalid_item', message: 'Change name must not contain path separators'}]})
    })
  })

  it('a bulk run needs a real root; --archived and --report findings work', () => {
    const none = run(['validate', '--all', '--json'], outside)
    expect(none.code).toBe(4)
    expect(JSON.parse(none.stdout)).toMatchObject({status: [{code: 'no_openspec_root'}]})
    expect(json(ok(run(['validate', '--archived', '--json'])))).toMatchObject({items: [], summary: {totals: {items: 0}}})
    const findings = run(['validate', '--specs', '--report', 'findings', '--json'])
    expect(JSON.parse(findings.stdout)).toMatchObject({report: {kind: 'validation-findings', scope: 'specs', returnedItems: 1, totalItems: 3}})
  })
})

describe('psp openspec view', () => {
  it('prints a plain dashboard without a terminal', () => {
    const result = ok(run(['view']))
    expect(result.stdout).toContain('OpenSpec Dashboard')
    expect(result.stdout).toContain('Specifications: 3 specs, 2 requirements')
    expect(result.stdout).toContain('◉ add-login')
    expect(result.stdout).not.toContain('\u001b[')
  })

  it('fails clearly where there is no openspec/ folder', () => {
    expectError(run(['view'], outside), 4, /No openspec directory found/)
  })
})
