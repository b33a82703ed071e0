/**
 * `psp openspec archive` end to end: in a bare folder (no psp workspace, no git), from a
 * subfolder, in human and JSON modes, with bad input — and against the real openspec CLI: for each
 * case both archive a copy of the same project, and the JSON (paths aside), the failing-or-not
 * exit and the resulting trees, byte for byte, must be the same.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {BIN, psp, REPO_ROOT, spawnAsync, type RunResult} from '../helpers/cli.js'
import {
  added,
  copyProject,
  makeProject,
  MAIN_AUTH,
  PROPOSAL,
  removed,
  RENAME_MODIFY_ADD,
  requirement,
  RETIRE_MARKER,
  snapshotTree,
  withChange,
  type Entry,
} from '../unit/openspec/archive-fixtures.js'

const parent = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'psp-archive-e2e-')))
afterAll(() => fs.rmSync(parent, {recursive: true, force: true}))

const OPENSPEC = path.join(REPO_ROOT, 'node_modules', '.bin', 'openspec')
const today = (() => {
  const d = new Date()
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`
})()

const runAsync = (command: string, args: string[], cwd: string): Promise<RunResult> =>
  spawnAsync(command, args, {cwd, env: {OPENSPEC_TELEMETRY: '0', DO_NOT_TRACK: '1'}})

const archive = (cwd: string, args: string[]) => psp(['openspec', 'archive', ...args], {cwd})

describe('psp openspec archive', () => {
  it('works in a folder with only openspec/ in it, from a subfolder, and reports like openspec', () => {
    const root = makeProject({...withChange({'auth/spec.md': RENAME_MODIFY_ADD}), 'src/deep/.keep': ''}, parent)
    const result = archive(path.join(root, 'src', 'deep'), ['c1', '-y'])
    expect(result.code, result.stderr).toBe(0)
    expect(result.stderr).toBe('')
    expect(result.stdout).toBe(
      [
        'Task status: ✓ Complete',
        '',
        'Specs to update:',
        '  auth: update',
        'Applying changes to openspec/specs/auth/spec.md:',
        '  + 1 added',
        '  ~ 1 modified',
        '  → 1 renamed',
        'Totals: + 1, ~ 1, - 0, → 1',
        'Specs updated successfully.',
        `Change 'c1' archived as '${today}-c1'.`,
        '',
      ].join('\n'),
    )
    expect(fs.existsSync(path.join(root, 'openspec', 'changes', 'archive', `${today}-c1`, 'proposal.md'))).toBe(true)
    expect(fs.existsSync(path.join(root, '.git'))).toBe(false)
    expect(fs.existsSync(path.join(root, 'config'))).toBe(false)
  })

  it('prints openspec payloads under --json, refusals included, and changes nothing when it refuses', () => {
    const root = makeProject(withChange({'auth/spec.md': added('X')}, {'openspec/changes/c1/tasks.md': '- [ ] open\n'}), parent)
    const before = snapshotTree(root)
    const result = archive(root, ['c1', '--json'])
    expect(result.code).not.toBe(0)
    expect(result.stderr).toBe('')
    expect(JSON.parse(result.stdout)).toEqual({
      archive: null,
      root: {path: root, source: 'nearest'},
      status: [{severity: 'error', code: 'archive_tasks_incomplete', message: "1 incomplete task(s) found for change 'c1'.", fix: 'Complete the tasks or rerun with --yes.'}],
    })
    expect(snapshotTree(root)).toEqual(before)
  })

  it('refuses in human mode with one error line and the fix as a hint', () => {
    const root = makeProject(withChange({'auth/spec.md': added('X')}), parent)
    const before = snapshotTree(root)
    const result = archive(root, ['c1'])
    expect(result.code).toBe(2)
    expect(result.stdout).toBe('')
    expect(result.stderr).toBe('Error: Updating 1 spec(s) requires confirmation, and no answer could be read from stdin.\nHint: psp openspec archive c1 --yes\n')
    expect(snapshotTree(root).filter((e) => e !== 'dir  openspec/changes/archive')).toEqual(before)
  })

  it('lists validation errors before refusing', () => {
    const root = makeProject(withChange({'auth/spec.md': '## ADDED Requirements\n### Requirement: Bare\nThe system SHALL x.\n'}), parent)
    const before = snapshotTree(root)
    const result = archive(root, ['c1', '--yes'])
    expect(result.code).toBe(6)
    expect(result.stderr).toBe(
      'Validation errors in change delta specs:\n  ✗ ADDED "Bare" must include at least one scenario\n' +
        "Error: Validation failed for change 'c1'.\nHint: Run psp openspec validate c1 for details, fix the errors, or rerun with --no-validate.\n",
    )
    expect(snapshotTree(root)).toEqual(before)
  })

  it('bad input: unknown change, path tricks, unknown flags', () => {
    const root = makeProject(withChange({'auth/spec.md': added('X')}), parent)
    const before = snapshotTree(root)
    const unknown = archive(root, ['nope', '--yes'])
    expect(unknown.code).toBe(4)
    expect(unknown.stderr).toBe("Error: Change 'nope' not found. Available changes: c1\n")
    for (const name of ['..', '../../etc', 'c1/specs', '.']) {
      const tricked = archive(root, [name, '--yes', '--json'])
      expect(tricked.code).toBe(8)
      expect(JSON.parse(tricked.stdout).status[0].code).toBe('archive_change_name_invalid')
    }
    const flag = archive(root, ['c1', '--yes', '--force'])
    expect(flag.code).toBe(2)
    expect(flag.stderr).toMatch(/^Error: .*--force/)
    expect(snapshotTree(root)).toEqual(before)
  })

  it('--skip-specs and --no-validate --yes', () => {
    const root = makeProject(withChange({'auth/spec.md': '## ADDED Requirements\n### Requirement: Bare\nThe system SHALL x.\n'}), parent)
    const result = archive(root, ['c1', '--skip-specs', '--no-validate', '--yes'])
    expect(result.code, result.stderr).toBe(0)
    expect(result.stderr).toBe('Warning: Skipping validation may archive invalid specs.\n')
    expect(result.stdout).toContain('Skipping spec updates (--skip-specs flag provided).')
    expect(fs.readFileSync(path.join(root, 'openspec/specs/auth/spec.md'), 'utf8')).toBe(MAIN_AUTH)
  })
})

/** One differential case: a project, and the arguments after `archive`. */
interface Case {
  name: string
  files: Record<string, Entry>
  args: string[]
}

const renamedChange = (files: Record<string, Entry>, to: string) => Object.fromEntries(Object.entries(files).map(([k, v]) => [k.replace('changes/c1/', `changes/${to}/`), v]))
const crlf = (s: string) => s.replace(/\n/g, '\r\n')
const BOM = '\uFEFF'
const retiring = withChange({'auth/spec.md': removed('Login', 'Logout')}, {'openspec/changes/c1/.openspec.yaml': RETIRE_MARKER})
const fenced = `${MAIN_AUTH}\n### Requirement: Docs\nThe system SHALL document.\n\n\`\`\`md\n## REMOVED Requirements\n### Requirement: Login\n\n\n#### Scenario: fake\n\`\`\`\n\n#### Scenario: Real\n- **WHEN** x\n- **THEN** y\n\n\n\n## Notes\nTrailing.\n`

const CASES: Case[] = [
  {name: 'rename, modify, add', files: withChange({'auth/spec.md': RENAME_MODIFY_ADD}), args: ['c1', '--yes']},
  {name: 'remove', files: withChange({'auth/spec.md': removed('Logout')}), args: ['c1', '--yes']},
  {name: 'new and nested unicode capabilities', files: withChange({'billing/spec.md': added('Invoice'), 'platform/ünï-cödé/spec.md': `## Purpose\nUnicode capability handles names like 名前 across the platform well.\n\n${added('名前 ✓')}`}), args: ['c1', '--yes']},
  {name: 'CRLF and BOM main spec, CRLF delta', files: withChange({'auth/spec.md': crlf(RENAME_MODIFY_ADD)}, {'openspec/specs/auth/spec.md': BOM + crlf(MAIN_AUTH)}), args: ['c1', '--yes']},
  {name: 'BOM delta', files: withChange({'auth/spec.md': BOM + added('X')}), args: ['c1', '--yes']},
  {name: 'fences holding headings, blank runs', files: withChange({'auth/spec.md': removed('Logout')}, {'openspec/specs/auth/spec.md': fenced}), args: ['c1', '--yes']},
  {name: 'retire a capability', files: retiring, args: ['c1', '--yes']},
  {name: 'retire without the marker', files: {...retiring, 'openspec/changes/c1/.openspec.yaml': 'schema: spec-driven\n'}, args: ['c1', '--yes']},
  {name: 'retire blocked by a note', files: {...retiring, 'openspec/specs/auth/spec.md': `${MAIN_AUTH}\n## Notes\nkeep\n`}, args: ['c1', '--yes']},
  {name: 'early-synced change', files: withChange({'auth/spec.md': `## REMOVED Requirements\n### Requirement: Gone\n`}), args: ['c1', '--yes']},
  {name: 'dated change name', files: renamedChange(withChange({'auth/spec.md': added('X')}), '2024-01-02-c1'), args: ['2024-01-02-c1', '--yes']},
  {name: 'skip specs', files: withChange({'auth/spec.md': added('X')}), args: ['c1', '--skip-specs']},
  {name: 'no validate needs yes', files: withChange({'auth/spec.md': added('X')}), args: ['c1', '--no-validate']},
  {name: 'incomplete tasks', files: withChange({'auth/spec.md': added('X')}, {'openspec/changes/c1/tasks.md': '- [ ] a\n'}), args: ['c1']},
  {name: 'spec update needs yes', files: withChange({'auth/spec.md': added('X')}), args: ['c1']},
  {name: 'invalid delta', files: withChange({'auth/spec.md': '## ADDED Requirements\n### Requirement: Bare\nThe system SHALL x.\n'}), args: ['c1', '--yes']},
  {name: 'delta that cannot apply', files: withChange({'auth/spec.md': `## MODIFIED Requirements\n${requirement('Login', 'Other')}`}), args: ['c1', '--yes']},
  {name: 'unknown change', files: withChange({}), args: ['nope', '--yes']},
  {name: 'path trick', files: withChange({}), args: ['../c1', '--yes']},
  {name: 'missing name', files: withChange({}), args: []},
  {name: 'namespace folder', files: renamedChange(withChange({'auth/spec.md': added('X')}), 'mobile/c1'), args: ['mobile', '--yes']},
  {name: 'symlinked change', files: {...renamedChange(withChange({}), 'real'), 'openspec/changes/c1': {link: 'real'}}, args: ['c1', '--yes']},
  {name: 'archive exists', files: withChange({'auth/spec.md': added('X')}, {[`openspec/changes/archive/${today}-c1/x.md`]: 'x'}), args: ['c1', '--yes']},
  {name: 'rollback after writes', files: {'openspec/specs/auth/spec.md': MAIN_AUTH, 'openspec/changes/archive/proposal.md': PROPOSAL, 'openspec/changes/archive/specs/auth/spec.md': added('X'), 'openspec/changes/archive/specs/new/spec.md': added('Y')}, args: ['archive', '--yes']},
]

describe('psp openspec archive agrees with openspec archive', () => {
  it.concurrent.for(CASES)('$name', async ({files, args}, {expect}) => {
    const original = makeProject(files, parent)
    const theirs = copyProject(original, parent)
    const ours = copyProject(original, parent)
    const [a, b] = await Promise.all([runAsync(OPENSPEC, ['archive', ...args, '--json'], theirs), runAsync(process.execPath, [BIN, 'openspec', 'archive', ...args, '--json'], ours)])
    const normal = (text: string, dir: string) => text.split(dir).join('<ROOT>')
    expect(normal(b.stdout, ours), b.stderr).toBe(normal(a.stdout, theirs))
    expect(b.code === 0, b.stderr).toBe(a.code === 0)
    expect(snapshotTree(ours)).toEqual(snapshotTree(theirs))
  })
})
