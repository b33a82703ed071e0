/**
 * The history part of the benchmark (bench/history.mjs through bench/run.mjs), run once on a
 * small repository so that it keeps working between the full runs nobody does in CI: every row
 * measured without an error, the three acceptance checks in the table, and a `--history-only`
 * run that leaves the rest of an existing report alone.
 */
import {spawnSync} from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {cleanup, REPO_ROOT, tempDir} from '../helpers/cli.js'

const RUN = path.join(REPO_ROOT, 'bench', 'run.mjs')

/** The parts of a report a --history-only run must keep, and one acceptance row of its own. */
const EXISTING = [
  '# Performance',
  '',
  '## Results',
  '',
  '### 1,000 tasks',
  '',
  '| command | cache | median ms |',
  '|---|---|--:|',
  '| `psp task list` | warm | 123 |',
  '',
  '## Acceptance',
  '',
  '| size | threshold | measured | result |',
  '|--:|---|--:|---|',
  '| 10,000 | `psp --version` ≤ 3 × `node -e 0` | 2.56 × | PASS |',
  '',
  '## Method',
  '',
  '- Kept as it was.',
  '',
].join('\n')

function bench(...args: string[]) {
  return spawnSync(process.execPath, [RUN, ...args], {encoding: 'utf8', env: {...process.env, NODE_ENV: 'production'}})
}

let dir: string
let report: string
let stderr: string
beforeAll(() => {
  dir = tempDir()
  const out = path.join(dir, 'performance.md')
  fs.writeFileSync(out, EXISTING)
  const result = bench('--history-only', '--history-commits', '200', '--history-documents', '100', '--runs', '1', '--out', out)
  expect(result.status, result.stderr).toBe(0)
  report = fs.readFileSync(out, 'utf8')
  stderr = result.stderr
}, 90_000)
afterAll(() => cleanup(dir))

/** The rows of the markdown table that follows a heading. */
function tableAfter(heading: string): string[][] {
  const start = report.indexOf(`\n${heading}\n`)
  expect(start, heading).toBeGreaterThan(-1)
  const rest = report.slice(start + heading.length + 2)
  const section = rest.slice(0, rest.search(/\n## /) === -1 ? undefined : rest.search(/\n## /))
  return section
    .split('\n')
    .filter((l) => l.startsWith('|'))
    .slice(2)
    .map((l) => l.slice(1, -1).split(' | ').map((c) => c.trim()))
}

describe('npm run bench -- --history-only', () => {
  it('measures every row without an error', () => {
    const rows = tableAfter('## History')
    expect(rows.map((r) => r[0])).toEqual(
      expect.arrayContaining(['`git log --follow -p -- <file>`', '`psp history <id>`', '`psp history <id>` through oclif (`PSP_FAST_PATH=0`)', '`psp history <id> --patch`', '`psp task list --at HEAD~100`']),
    )
    expect(rows.filter((r) => r[0] === '`psp history <id>`').map((r) => r[1])).toEqual(['cold', 'warm', '+10 commits'])
    for (const row of rows) expect(row[2], row.join(' | ')).toMatch(/^\d+(\.\d)?$/)
  })

  it('puts the three history checks in the acceptance table', () => {
    const history = tableAfter('## Acceptance').filter((r) => r[0] === '10,000 commits')
    expect(history.map((r) => r[1])).toEqual([
      expect.stringContaining('warm `psp history <id>` ≤ 0.8 ×'),
      expect.stringContaining('built from nothing'),
      expect.stringContaining('10 new commits'),
    ])
    // Measured at 200 commits, the values are shown but not judged.
    for (const row of history) expect(row[3]).toBe('— (measured at 200 commits)')
  })

  it('keeps the rest of the existing report', () => {
    expect(report).toContain('| `psp task list` | warm | 123 |')
    expect(report).toContain('| 10,000 | `psp --version` ≤ 3 × `node -e 0` | 2.56 × | PASS |')
    expect(report).toContain('- Kept as it was.')
    expect(report.indexOf('## History')).toBeLessThan(report.indexOf('## Acceptance'))
    expect(stderr).toContain('merged the history part')
  })

  it('refuses contradicting flags before creating anything', () => {
    const result = bench('--history-only', '--no-history')
    expect(result.status).toBe(2)
    expect(result.stderr).toMatch(/contradict/)
  })
})
