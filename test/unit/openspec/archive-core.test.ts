/**
 * archiveChange in-process, on real temp folders: what it writes (spec text, archive folder,
 * retirements), what it returns, and every refusal — each one leaving the tree exactly as it was
 * (openspec itself creates an empty changes/archive/ before the later refusals, and so does psp).
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {archiveChange, type ArchiveOptions, type ArchiveResult} from '../../../packages/core/src/openspec/archive.js'
import {archiveDiagnosticOf} from '../../../packages/core/src/openspec/archive-errors.js'
import {resolveOpenSpecRoot} from '../../../packages/core/src/openspec/root.js'
import {PspError} from '../../../packages/core/src/errors.js'
import {added, makeProject, MAIN_AUTH, PURPOSE, RENAME_MODIFY_ADD, requirement, RETIRE_MARKER, removed, snapshotTree, withChange, type Entry} from './archive-fixtures.js'

const parent = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'psp-archive-core-')))
afterAll(() => fs.rmSync(parent, {recursive: true, force: true}))

const NOW = new Date(2026, 0, 2, 12)
const ARCHIVED = 'openspec/changes/archive/2026-01-02-c1'

function run(files: Record<string, Entry>, change: string | undefined = 'c1', options: ArchiveOptions = {}): {root: string; result: ArchiveResult} {
  const root = makeProject(files, parent)
  const result = archiveChange(resolveOpenSpecRoot({startPath: root}), change, {yes: true, json: true, now: NOW, ...options})
  return {root, result}
}

const read = (root: string, rel: string) => fs.readFileSync(path.join(root, rel), 'utf8')

/** Runs a refused archive; asserts nothing changed (but the archive folder openspec creates) and returns the error. */
function refused(files: Record<string, Entry>, change: string | undefined, options: ArchiveOptions, createsArchiveDir: boolean): PspError {
  const root = makeProject(files, parent)
  const before = snapshotTree(root)
  let caught: unknown
  try {
    archiveChange(resolveOpenSpecRoot({startPath: root}), change, {json: true, now: NOW, ...options})
  } catch (error) {
    caught = error
  }
  expect(caught).toBeInstanceOf(PspError)
  const after = snapshotTree(root)
  const expected = createsArchiveDir && !before.includes('dir  openspec/changes/archive') ? [...before, 'dir  openspec/changes/archive'].sort() : before
  expect(after.sort()).toEqual([...expected].sort())
  return caught as PspError
}

const diag = (error: unknown) => archiveDiagnosticOf(error)

describe('archiving', () => {
  it('applies RENAMED, MODIFIED and ADDED and moves the change, dated by the local day', () => {
    const {root, result} = run(withChange({'auth/spec.md': RENAME_MODIFY_ADD}))
    expect(result).toMatchObject({
      change: 'c1',
      archivedAs: '2026-01-02-c1',
      path: path.join(root, ARCHIVED),
      specsUpdated: true,
      totals: {added: 1, modified: 1, removed: 0, renamed: 1},
      tasks: {total: 1, completed: 1},
      specs: [{id: 'auth', status: 'update', outcome: 'written', counts: {added: 1, modified: 1, removed: 0, renamed: 1}, path: 'openspec/specs/auth/spec.md'}],
    })
    expect(result.warnings).toBeUndefined()
    expect(read(root, 'openspec/specs/auth/spec.md')).toBe(
      `# auth Specification\n\n## Purpose\n${PURPOSE}\n\n## Requirements\n\n### Requirement: Login\nThe system SHALL let a user log in.\n\n#### Scenario: Valid credentials\n- **WHEN** a user submits valid credentials\n- **THEN** a session starts\n\n` +
        '### Requirement: Sign out\nThe system SHALL let a user sign out quickly.\n\n#### Scenario: Logout\n- **WHEN** a user signs out\n- **THEN** the session ends\n\n' +
        '### Requirement: Reset password\nThe system SHALL do Reset password.\n\n#### Scenario: Reset\n- **WHEN** it happens\n- **THEN** it works\n',
    )
    expect(fs.existsSync(path.join(root, 'openspec/changes/c1'))).toBe(false)
    expect(read(root, `${ARCHIVED}/specs/auth/spec.md`)).toBe(RENAME_MODIFY_ADD)
    expect(fs.existsSync(path.join(root, 'openspec/changes/archive/.openspec-archive.lock'))).toBe(false)
  })

  it('keeps a date prefix the change name already has', () => {
    const files = withChange({'auth/spec.md': added('X')})
    const renamed = Object.fromEntries(Object.entries(files).map(([k, v]) => [k.replace('changes/c1/', 'changes/2024-05-06-c1/'), v]))
    const {root, result} = run(renamed, '2024-05-06-c1')
    expect(result.archivedAs).toBe('2024-05-06-c1')
    expect(fs.existsSync(path.join(root, 'openspec/changes/archive/2024-05-06-c1/proposal.md'))).toBe(true)
  })

  it('--skip-specs and a change without deltas leave the specs alone and report no totals', () => {
    const skipped = run(withChange({'auth/spec.md': added('X')}), 'c1', {skipSpecs: true})
    expect(skipped.result).toMatchObject({specsUpdated: false, skippedSpecs: true, specs: []})
    expect(skipped.result.totals).toBeUndefined()
    expect(read(skipped.root, 'openspec/specs/auth/spec.md')).toBe(MAIN_AUTH)
    const bare = run(withChange({}))
    expect(bare.result.totals).toBeUndefined()
    expect(bare.result.specsUpdated).toBe(false)
  })

  it('an already-synced change writes nothing and says so', () => {
    const delta = `## ADDED Requirements\n### Requirement: Login\nThe system SHALL let a user log in.\n\n#### Scenario: Valid credentials\n- **WHEN** a user submits valid credentials\n- **THEN** a session starts\n`
    const {root, result} = run(withChange({'auth/spec.md': delta}))
    expect(result).toMatchObject({specsUpdated: false, totals: {added: 0, modified: 0, removed: 0, renamed: 0}, specs: [{outcome: 'unchanged'}]})
    expect(read(root, 'openspec/specs/auth/spec.md')).toBe(MAIN_AUTH)
  })

  it('creates new capabilities, nested ones included, with a skeleton spec', () => {
    const {root, result} = run(
      withChange({
        'billing/spec.md': added('Invoice'),
        'platform/ünï-cödé/spec.md': `## Purpose\nUnicode capability handles names like 名前 across the whole platform.\n\n${added('名前')}`,
      }),
    )
    expect(result.specs.map((s) => [s.id, s.status, s.outcome])).toEqual([
      ['billing', 'create', 'written'],
      ['platform/ünï-cödé', 'create', 'written'],
    ])
    expect(read(root, 'openspec/specs/billing/spec.md')).toBe(
      `# billing Specification\n\n## Purpose\nTBD - created by archiving change c1. Update Purpose after archive.\n\n## Requirements\n\n${requirement('Invoice')}`,
    )
    expect(read(root, 'openspec/specs/platform/ünï-cödé/spec.md')).toContain('## Purpose\nUnicode capability handles names like 名前 across the whole platform.\n')
  })

  it('keeps CRLF line endings and drops a BOM, as openspec does', () => {
    const crlf = MAIN_AUTH.replace(/\n/g, '\r\n')
    const {root} = run(withChange({'auth/spec.md': added('X')}, {'openspec/specs/auth/spec.md': `\uFEFF${crlf}`}))
    const text = read(root, 'openspec/specs/auth/spec.md')
    expect(text.startsWith('# auth Specification\r\n')).toBe(true)
    expect(text).not.toMatch(/(?<!\r)\n/)
    expect(text).toContain('### Requirement: X\r\n')
  })

  it('retires a capability whose last requirement goes, when the change declares it', () => {
    const files = withChange({'area/deep/auth/spec.md': removed('Login', 'Logout')}, {'openspec/changes/c1/.openspec.yaml': RETIRE_MARKER, 'openspec/specs/area/deep/auth/spec.md': MAIN_AUTH, 'openspec/specs/keep/spec.md': MAIN_AUTH})
    delete files['openspec/specs/auth/spec.md']
    const {root, result} = run(files)
    expect(result.specs).toMatchObject([{id: 'area/deep/auth', outcome: 'retired', counts: {removed: 2}}])
    expect(result.totals).toEqual({added: 0, modified: 0, removed: 2, renamed: 0})
    expect(result.warnings).toEqual([
      'area/deep/auth - capability retired; deleted the main spec (all requirements removed, declared by retire_capabilities) at openspec/specs/area/deep/auth/spec.md. Its section(s) went with it: Purpose. If it was committed, restore it with: git checkout HEAD -- ":(top)openspec/specs/area/deep/auth/spec.md"',
    ])
    expect(fs.existsSync(path.join(root, 'openspec/specs/area'))).toBe(false)
    expect(fs.existsSync(path.join(root, 'openspec/specs/keep/spec.md'))).toBe(true)
  })

  it('puts every spec back when the move fails after the writes', () => {
    // A change named `archive` is the archive folder itself: moving it into itself fails (EINVAL)
    // only after the specs were written.
    const files: Record<string, Entry> = {
      'openspec/specs/auth/spec.md': MAIN_AUTH,
      'openspec/changes/archive/proposal.md': 'x',
      'openspec/changes/archive/specs/auth/spec.md': added('X'),
      'openspec/changes/archive/specs/new/deep/spec.md': added('Y'),
    }
    const error = refused(files, 'archive', {yes: true}, true)
    expect(diag(error)).toMatchObject({code: 'archive_error', message: expect.stringMatching(/^EINVAL/)})
  })
})

describe('refusals change nothing', () => {
  const base = withChange({'auth/spec.md': added('X')})

  it('no change name', () => {
    expect(diag(refused(base, undefined, {}, false))).toEqual({
      severity: 'error',
      code: 'archive_change_name_required',
      message: 'A change name is required: archive --json is non-interactive.',
      fix: 'openspec archive <change-name> --json',
    })
    expect(diag(refused(base, '', {json: false, rerunPrefix: 'psp openspec'}, false))).toMatchObject({
      message: 'A change name is required: no terminal is available to choose one from a list.',
      fix: 'psp openspec archive <change-name> --yes',
    })
  })

  it('path tricks in the change name', () => {
    for (const [name, message] of [
      ['..', "Change name must not be '..'"],
      ['.', "Change name must not be '.'"],
      ['../c1', 'Change name must not contain path separators'],
      ['a\\b', 'Change name must not contain path separators'],
    ] as const) {
      const error = refused(base, name, {yes: true}, false)
      expect(diag(error)).toEqual({severity: 'error', code: 'archive_change_name_invalid', message})
      expect(error.exitCode).toBe(8)
    }
  })

  it('an unknown change lists the active ones', () => {
    const error = refused({...base, 'openspec/changes/zeta/proposal.md': 'x', 'openspec/changes/archive/old/x.md': 'x'}, 'nope', {yes: true}, false)
    expect(diag(error)).toEqual({severity: 'error', code: 'archive_change_not_found', message: "Change 'nope' not found. Available changes: c1, zeta"})
    expect(error.exitCode).toBe(4)
    expect(diag(refused({'openspec/specs/auth/spec.md': MAIN_AUTH}, 'nope', {yes: true}, false)).message).toBe("Change 'nope' not found. No active changes exist in this root.")
    expect(diag(refused({...base, 'openspec/changes/file': 'x'}, 'file', {yes: true}, false)).code).toBe('archive_change_not_found')
  })

  it('a change that is a symbolic link, and a changes/ folder that leads outside', () => {
    const linked = {...base, 'elsewhere/proposal.md': 'x', 'openspec/changes/c2': {link: '../../elsewhere'}}
    expect(diag(refused(linked, 'c2', {yes: true}, false))).toMatchObject({code: 'archive_change_symlink', message: "Change 'c2' is a symbolic link. Replace it with a real directory before archiving."})
    const outside = makeProject({'changes/c1/proposal.md': PURPOSE}, parent)
    const error = refused({'openspec/specs/auth/spec.md': MAIN_AUTH, 'openspec/changes': {link: path.join(outside, 'changes')}}, 'c1', {yes: true}, false)
    expect(diag(error)).toMatchObject({code: 'archive_path_outside_root', message: expect.stringMatching(/^Refusing to archive through a path outside the OpenSpec root: /)})
  })

  it('a namespace folder wrapping changes', () => {
    const files = Object.fromEntries(Object.entries(base).map(([k, v]) => [k.replace('changes/c1/', 'changes/mobile/c1/'), v]))
    expect(diag(refused(files, 'mobile', {yes: true}, false))).toMatchObject({code: 'archive_change_is_namespace_folder', fix: 'Rename openspec/changes/mobile/c1/ to a flat change directory, then archive it.'})
  })

  it('invalid deltas', () => {
    const error = refused(withChange({'auth/spec.md': '## ADDED Requirements\n### Requirement: Bare\nThe system SHALL x.\n'}), 'c1', {yes: true}, false)
    expect(diag(error)).toEqual({
      severity: 'error',
      code: 'archive_validation_failed',
      message: "Validation failed for change 'c1'.",
      fix: 'Run openspec validate c1 for details, fix the errors, or rerun with --no-validate.',
    })
    expect(error.data['details']).toEqual(['Validation errors in change delta specs:', '  ✗ ADDED "Bare" must include at least one scenario'])
    expect(diag(refused(withChange({'spec.md': added('X')}), 'c1', {yes: true}, false)).code).toBe('archive_validation_failed')
  })

  it('confirmations need yes: skipped validation, incomplete tasks, spec updates', () => {
    expect(diag(refused(base, 'c1', {noValidate: true}, false))).toEqual({
      severity: 'error',
      code: 'archive_confirmation_required',
      message: 'Skipping validation requires confirmation: rerun with --yes.',
      fix: 'openspec archive <change-name> --json --no-validate --yes',
    })
    expect(diag(refused(base, 'c1', {noValidate: true, skipSpecs: true, json: false, rerunPrefix: 'psp openspec'}, false))).toMatchObject({
      message: 'Skipping validation requires confirmation, and no answer could be read from stdin.',
      fix: 'psp openspec archive c1 --skip-specs --no-validate --yes',
    })
    const tasks = {...base, 'openspec/changes/c1/tasks.md': '- [x] a\n- [ ] b\n- [ ] c\n'}
    expect(diag(refused(tasks, 'c1', {}, false))).toEqual({
      severity: 'error',
      code: 'archive_tasks_incomplete',
      message: "2 incomplete task(s) found for change 'c1'.",
      fix: 'Complete the tasks or rerun with --yes.',
    })
    const spaced = Object.fromEntries(Object.entries(tasks).map(([k, v]) => [k.replace('changes/c1/', 'changes/my change/'), v]))
    expect(diag(refused(spaced, 'my change', {json: false}, false))).toMatchObject({
      message: "2 incomplete task(s) found for change 'my change', and no answer could be read from stdin.",
      fix: 'Complete the tasks or rerun with openspec archive "my change" --yes',
    })
    expect(diag(refused(base, 'c1', {}, true))).toEqual({
      severity: 'error',
      code: 'archive_confirmation_required',
      message: 'Updating 1 spec(s) requires confirmation: rerun with --yes.',
      fix: 'openspec archive <change-name> --json --yes',
    })
  })

  it('a delta that cannot be applied', () => {
    const error = refused(withChange({'auth/spec.md': added('X'), 'zz/spec.md': '## MODIFIED Requirements\n' + requirement('Nope')}), 'c1', {yes: true}, true)
    expect(diag(error)).toEqual({
      severity: 'error',
      code: 'archive_spec_update_failed',
      message: 'zz: target spec does not exist; only ADDED requirements are allowed for new specs. MODIFIED and RENAMED operations require an existing spec.',
      fix: 'Fix the change delta specs and rerun. No files were changed.',
    })
  })

  it('a rebuilt spec that fails validation, with the retirement hints', () => {
    const emptied = withChange({'auth/spec.md': removed('Login', 'Logout')})
    const hint = diag(refused(emptied, 'c1', {yes: true}, true))
    expect(hint).toMatchObject({code: 'archive_spec_validation_failed', message: "Rebuilt spec for 'auth' failed validation. No files were changed."})
    expect(hint.fix).toMatch(/^This change removes the last requirement 'auth' has\. To retire the capability and delete its spec, add `retire_capabilities: true`/)
    const noted = {...emptied, 'openspec/specs/auth/spec.md': `${MAIN_AUTH}\n## Notes\nkeep me\n`}
    expect(diag(refused(noted, 'c1', {yes: true}, true)).fix).toMatch(/refused while the spec holds content .*: "## Notes", "keep me"\. Move it into/)
    const declared = {...noted, 'openspec/changes/c1/.openspec.yaml': RETIRE_MARKER}
    expect(diag(refused(declared, 'c1', {yes: true}, true)).fix).toBe(
      `'auth' declares retire_capabilities, but the spec holds content the merge cannot safely account for and deleting the file would take with it: "## Notes", "keep me". Move it into \`## Purpose\` or a canonical requirement, or delete the spec by hand.`,
    )
  })

  it('an archive that already exists, or is being created', () => {
    const taken = {...base, 'openspec/changes/archive/2026-01-02-c1': {dir: true} as Entry}
    expect(diag(refused(taken, 'c1', {yes: true}, false))).toEqual({severity: 'error', code: 'archive_target_exists', message: "Archive '2026-01-02-c1' already exists."})
    const locked = {...base, 'openspec/changes/archive/.openspec-archive.lock': '{}'}
    expect(diag(refused(locked, 'c1', {yes: true}, false)).message).toMatch(/^Archive '2026-01-02-c1' is already being created\. If no archive process is running, remove the stale claim at .*\.openspec-archive\.lock and rerun\.$/)
  })
})
