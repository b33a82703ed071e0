/**
 * The pre-commit check of openspec/: when it applies, and that what it validates is the openspec/
 * folder exactly as the commit will hold it — staged bytes, not the working tree's — for a
 * workspace at the repository's top or in a folder below it. (The hook blocking a real commit is
 * tested end to end in test/e2e/openspec-link.test.ts.)
 */
import {spawnSync} from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import {beforeAll, describe, expect, it} from 'vitest'
import {GitCli} from '../../../packages/core/src/hooks/git-cli.js'
import {checkStagedOpenSpec, isOpenSpecPath, openSpecCheck, validateOpenSpecTree, writeStagedOpenSpec} from '../../../packages/core/src/hooks/openspec-check.js'
import {PRE_COMMIT_CHECKS, runPreCommitChecks, type PreCommitCheck, type PreCommitContext} from '../../../packages/core/src/hooks/pre-commit.js'
import {listFiles, useTempDirs, writeFile} from '../_helpers.js'
import {SIGN_IN_SPEC} from '../../helpers/openspec-texts.js'

const tempDir = useTempDirs()

beforeAll(() => {
  const config = path.join(tempDir(), 'gitconfig')
  fs.writeFileSync(config, '')
  Object.assign(process.env, {GIT_CONFIG_GLOBAL: config, GIT_CONFIG_NOSYSTEM: '1'})
})

function git(cwd: string, ...args: string[]): void {
  const result = spawnSync('git', args, {cwd, encoding: 'utf8'})
  expect(result.status, result.stderr).toBe(0)
}


describe('isOpenSpecPath and applies', () => {
  it('applies to a commit that stages anything under openspec/', () => {
    expect(isOpenSpecPath('openspec/specs/auth/spec.md')).toBe(true)
    expect(isOpenSpecPath('openspec/config.yaml')).toBe(true)
    for (const rel of ['openspec', 'openspec.md', 'docs/openspec/x.md', 'data/tasks/a.md']) expect(isOpenSpecPath(rel), rel).toBe(false)
    expect(openSpecCheck.applies([{status: 'D', path: 'openspec/changes/x/tasks.md'}])).toBe(true)
    expect(openSpecCheck.applies([{status: 'M', path: 'data/tasks/a.md'}, {status: 'A', path: 'README.md'}])).toBe(false)
    expect(PRE_COMMIT_CHECKS.map((c) => c.name)).toEqual(['documents', 'openspec'])
  })
})

describe('writeStagedOpenSpec', () => {
  for (const sub of ['', 'team/']) {
    it(`writes the index's openspec/ files with their staged bytes (workspace at "${sub || '.'}")`, () => {
      const top = tempDir()
      git(top, 'init', '-q')
      const ws = path.join(top, sub)
      writeFile(ws, 'openspec/specs/auth/spec.md', SIGN_IN_SPEC)
      writeFile(ws, 'openspec/changes/add-x/tasks.md', '\uFEFF- [ ] 1.1 CRLF kept\r\n')
      writeFile(ws, 'openspec/changes/add-x/proposal.md', 'staged version\n')
      writeFile(ws, 'openspec/changes/gone/proposal.md', 'deleted in the index\n')
      writeFile(ws, 'outside/openspec/not-ours.md', 'not under the workspace openspec/\n')
      git(top, 'add', '-A')
      git(top, 'rm', '-q', '--cached', `${sub}openspec/changes/gone/proposal.md`)
      writeFile(ws, 'openspec/changes/add-x/proposal.md', 'edited after staging\n')
      writeFile(ws, 'openspec/changes/add-x/untracked.md', 'never staged\n')
      fs.symlinkSync('spec.md', path.join(ws, 'openspec/specs/auth/link.md'))
      git(top, 'add', `${sub}openspec/specs/auth/link.md`)
      const target = tempDir()
      const n = writeStagedOpenSpec(new GitCli(top), sub, target)
      expect(n).toBe(3)
      expect(listFiles(target)).toEqual(['openspec/changes/add-x/proposal.md', 'openspec/changes/add-x/tasks.md', 'openspec/specs/auth/spec.md'])
      expect(fs.readFileSync(path.join(target, 'openspec/changes/add-x/proposal.md'), 'utf8')).toBe('staged version\n')
      expect(fs.readFileSync(path.join(target, 'openspec/changes/add-x/tasks.md'), 'utf8')).toBe('\uFEFF- [ ] 1.1 CRLF kept\r\n')
    })
  }
})

describe('runPreCommitChecks', () => {
  it('awaits checks that are async and runs synchronous ones as before, reporting all of them', async () => {
    const sync: PreCommitCheck = {name: 'sync', applies: () => true, run: () => ({check: 'sync', ok: false, lines: ['sync line']})}
    const async: PreCommitCheck = {name: 'async', applies: () => true, run: async () => ({check: 'async', ok: true, lines: []})}
    const skipped: PreCommitCheck = {name: 'skipped', applies: () => false, run: () => ({check: 'skipped', ok: false, lines: ['never']})}
    const result = await runPreCommitChecks({changes: []} as unknown as PreCommitContext, [sync, async, skipped])
    expect(result).toEqual({ok: false, reports: [{check: 'sync', ok: false, lines: ['sync line']}, {check: 'async', ok: true, lines: []}]})
  })
})

const PROPOSAL = ['## Why', 'Users need to sign out when they are done, for safety on machines that several people share.', '', '## What Changes', '- Add sign out', ''].join('\n')
const delta = (body: string) => ['## ADDED Requirements', '### Requirement: Sign out', body, '', '#### Scenario: Sign out', '- **WHEN** the user signs out', '- **THEN** the session ends', ''].join('\n')

/** Runs the real openspec CLI's `validate --all --strict` in `cwd`: its exit code. */
function openspecStrict(cwd: string): number {
  const bin = path.join(process.cwd(), 'node_modules/@fission-ai/openspec/bin/openspec.js')
  const result = spawnSync(process.execPath, [bin, 'validate', '--all', '--strict', '--no-interactive'], {
    cwd,
    encoding: 'utf8',
    env: {...process.env, OPENSPEC_TELEMETRY: '0', DO_NOT_TRACK: '1', NO_COLOR: '1'},
  })
  return result.status ?? -1
}

describe('validateOpenSpecTree', () => {
  it('gives the verdict of openspec validate --all --strict, with its lines for the failing items', async () => {
    const root = tempDir()
    writeFile(root, 'openspec/specs/auth/spec.md', SIGN_IN_SPEC)
    writeFile(root, 'openspec/changes/add-x/proposal.md', PROPOSAL)
    writeFile(root, 'openspec/changes/add-x/specs/auth/spec.md', delta('The system SHALL let a user sign out.'))
    expect(await validateOpenSpecTree(root)).toEqual({ok: true, lines: []})
    expect(openspecStrict(root)).toBe(0)
    // A warning: openspec passes it without --strict, the hook (strict) does not.
    writeFile(root, 'openspec/changes/add-x/specs/auth/spec.md', delta('The user can sign out.'))
    expect(await validateOpenSpecTree(root)).toEqual({
      ok: false,
      lines: [
        '✗ change/add-x',
        '  ⚠ [WARNING] auth/spec.md: ADDED "Sign out" should contain SHALL or MUST (RFC 2119 best practice for English specs)',
        'psp: openspec validate --all --strict (staged): 1 passed, 1 failed (2 items)',
      ],
    })
    expect(openspecStrict(root)).toBe(1)
  })

  it('passes an empty tree (a commit that deletes the whole openspec/ folder)', async () => {
    expect(await validateOpenSpecTree(tempDir())).toEqual({ok: true, lines: []})
  })
})

describe('checkStagedOpenSpec', () => {
  it('leaves no scratch folder behind', async () => {
    const top = tempDir()
    git(top, 'init', '-q')
    writeFile(top, 'openspec/specs/auth/spec.md', SIGN_IN_SPEC)
    git(top, 'add', '-A')
    const scratch = () => fs.readdirSync(fs.realpathSync(process.env['TMPDIR'] ?? '/tmp')).filter((n) => n.startsWith('psp-openspec-staged-'))
    const before = scratch()
    const report = await checkStagedOpenSpec({git: new GitCli(top), prefix: '', changes: [{status: 'A', path: 'openspec/specs/auth/spec.md'}]} as unknown as PreCommitContext)
    expect(report).toEqual({check: 'openspec', ok: true, lines: []})
    expect(scratch()).toEqual(before)
  })
})
