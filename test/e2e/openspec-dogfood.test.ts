/**
 * psp's own openspec/ folder describes psp's capabilities; CI holds it to
 * `psp openspec validate --all --strict`, warnings included, and to the real openspec's verdict.
 */
import {spawnSync} from 'node:child_process'
import path from 'node:path'
import {expect, it} from 'vitest'
import {psp, REPO_ROOT} from '../helpers/cli.js'
import {show} from './support.js'

it('psp validates its own specs strictly, and openspec agrees', () => {
  const ours = psp(['openspec', 'validate', '--all', '--strict', '--json'], {cwd: REPO_ROOT})
  expect(ours.code, show(ours)).toBe(0)
  const report = JSON.parse(ours.stdout) as {summary: {totals: {items: number; failed: number}}}
  expect(report.summary.totals.failed).toBe(0)
  expect(report.summary.totals.items).toBeGreaterThanOrEqual(14)
  const bin = path.join(REPO_ROOT, 'node_modules', '@fission-ai', 'openspec', 'bin', 'openspec.js')
  const theirs = spawnSync(process.execPath, [bin, 'validate', '--all', '--strict', '--json'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    env: {...process.env, OPENSPEC_TELEMETRY: '0', DO_NOT_TRACK: '1', NO_COLOR: '1'},
  })
  expect(theirs.status, theirs.stderr).toBe(0)
})
