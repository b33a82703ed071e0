/**
 * buildUpdatedSpec against openspec's own (the installed @fission-ai/openspec, called in-process):
 * for each pair of main spec and delta, the rebuilt text, the counts, the warnings, the retirement
 * audit — or the refusal message — must be the same.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import * as theirs from '../../../node_modules/@fission-ai/openspec/dist/core/specs-apply.js'
import {buildUpdatedSpec, findSpecUpdates} from '../../../packages/core/src/openspec/apply.js'
import {MAIN_AUTH} from './archive-fixtures.js'

const tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'psp-apply-')))
afterAll(() => fs.rmSync(tmp, {recursive: true, force: true}))
let n = 0

/** Writes a project with one main spec (or none) and one change delta; returns its folders. */
function project(main: string | undefined, delta: string, id = 'auth'): {changeDir: string; specsDir: string} {
  const root = path.join(tmp, `p${n++}`)
  const specsDir = path.join(root, 'openspec', 'specs')
  const changeDir = path.join(root, 'openspec', 'changes', 'change-x')
  fs.mkdirSync(path.join(changeDir, 'specs', id), {recursive: true})
  fs.mkdirSync(specsDir, {recursive: true})
  fs.writeFileSync(path.join(changeDir, 'specs', id, 'spec.md'), delta)
  if (main !== undefined) {
    fs.mkdirSync(path.join(specsDir, id), {recursive: true})
    fs.writeFileSync(path.join(specsDir, id, 'spec.md'), main)
  }
  return {changeDir, specsDir}
}

async function outcome<T>(fn: () => T | Promise<T>): Promise<{ok: T} | {error: string}> {
  try {
    return {ok: await fn()}
  } catch (error) {
    return {error: (error as Error).message}
  }
}

/** Both implementations on the same input: same result or same refusal. */
async function same(main: string | undefined, delta: string, id = 'auth'): Promise<unknown> {
  const {changeDir, specsDir} = project(main, delta, id)
  const ours = await outcome(() => findSpecUpdates(changeDir, specsDir).map((u) => buildUpdatedSpec(u, 'change-x')))
  const reference = await outcome(async () => {
    const updates = await theirs.findSpecUpdates(changeDir, specsDir)
    const out = []
    for (const u of updates) out.push(await theirs.buildUpdatedSpec(u, 'change-x', {silent: true}))
    return out
  })
  expect(ours).toEqual(reference)
  return ours
}


const req = (name: string, scenario = 'Works', extra = '') =>
  `### Requirement: ${name}\nThe system SHALL do ${name}.${extra}\n\n#### Scenario: ${scenario}\n- **WHEN** it happens\n- **THEN** it works\n`

describe('buildUpdatedSpec matches openspec', () => {
  it('ADDED to an existing spec', async () => {
    const r = (await same(MAIN_AUTH, `## ADDED Requirements\n${req('Reset password')}`)) as {ok: Array<{rebuilt: string}>}
    expect(r.ok[0]?.rebuilt).toContain('### Requirement: Reset password')
  })

  it('MODIFIED, REMOVED and RENAMED together', async () => {
    await same(
      MAIN_AUTH,
      `## RENAMED Requirements\n- FROM: \`### Requirement: Logout\`\n- TO: \`### Requirement: Sign out\`\n\n## MODIFIED Requirements\n${req('Sign out', 'Logout')}\n## REMOVED Requirements\n### Requirement: Login\n**Reason**: gone\n`,
    )
  })

  it('MODIFIED that drops a scenario is refused', async () => {
    const r = await same(MAIN_AUTH, `## MODIFIED Requirements\n${req('Login', 'Other')}`)
    expect(r).toHaveProperty('error')
  })

  it('early-synced operations are no-ops', async () => {
    await same(MAIN_AUTH, `## REMOVED Requirements\n### Requirement: Gone\n\n## ADDED Requirements\n### Requirement: Login\nThe system SHALL let a user log in.\n\n#### Scenario: Valid credentials\n- **WHEN** a user submits valid credentials\n- **THEN** a session starts\n`)
    await same(MAIN_AUTH, `## RENAMED Requirements\n- FROM: \`### Requirement: Old\`\n- TO: \`### Requirement: Login\`\n`)
  })

  it('near-miss headers are refused', async () => {
    await same(MAIN_AUTH, `## REMOVED Requirements\n### Requirement: login\n`)
    await same(MAIN_AUTH, `## ADDED Requirements\n${req('LOGIN')}`)
    await same(MAIN_AUTH, `## RENAMED Requirements\n- FROM: \`### Requirement: Logout\`\n- TO: \`### Requirement: login\`\n`)
    await same(MAIN_AUTH, `## RENAMED Requirements\n- FROM: \`### Requirement: logout\`\n- TO: \`### Requirement: Login\`\n`)
    await same(MAIN_AUTH, `## RENAMED Requirements\n- FROM: \`### Requirement: Nope\`\n- TO: \`### Requirement: Other\`\n`)
    await same(MAIN_AUTH, `## RENAMED Requirements\n- FROM: \`### Requirement: Logout\`\n- TO: \`### Requirement: Login\`\n`)
    await same(MAIN_AUTH, `## MODIFIED Requirements\n${req('Nope')}`)
    await same(MAIN_AUTH, `## ADDED Requirements\n${req('Login', 'Different')}`)
  })

  it('contradictory deltas are refused', async () => {
    await same(MAIN_AUTH, `## ADDED Requirements\n${req('A')}\n${req('A')}`)
    await same(MAIN_AUTH, `## MODIFIED Requirements\n${req('Login', 'Valid credentials')}\n${req('Login', 'Valid credentials')}`)
    await same(MAIN_AUTH, `## REMOVED Requirements\n### Requirement: A\n### Requirement: A\n`)
    await same(MAIN_AUTH, `## ADDED Requirements\n${req('Login')}\n## REMOVED Requirements\n### Requirement: Login\n`)
    await same(MAIN_AUTH, `## MODIFIED Requirements\n${req('Login', 'Valid credentials')}\n## REMOVED Requirements\n### Requirement: Login\n`)
    await same(MAIN_AUTH, `## MODIFIED Requirements\n${req('Login', 'Valid credentials')}\n## ADDED Requirements\n${req('Login')}`)
    await same(MAIN_AUTH, `## RENAMED Requirements\n- FROM: \`### Requirement: Login\`\n- TO: \`### Requirement: X\`\n\n## REMOVED Requirements\n### Requirement: login\n`)
    await same(MAIN_AUTH, `## RENAMED Requirements\n- FROM: \`### Requirement: Login\`\n- TO: \`### Requirement: X\`\n\n## MODIFIED Requirements\n${req('Login', 'Valid credentials')}`)
    await same(MAIN_AUTH, `## RENAMED Requirements\n- FROM: \`### Requirement: Login\`\n- TO: \`### Requirement: X\`\n\n## ADDED Requirements\n${req('X')}`)
    await same(MAIN_AUTH, `## RENAMED Requirements\n- FROM: \`### Requirement: Login\`\n- FROM: \`### Requirement: Logout\`\n- TO: \`### Requirement: X\`\n`)
    await same(MAIN_AUTH, `## RENAMED Requirements\n- FROM: \`### Requirement: A\`\n- TO: \`### Requirement: X\`\n- FROM: \`### Requirement: A\`\n- TO: \`### Requirement: Y\`\n`)
    await same(MAIN_AUTH, `## Notes\nnothing here\n`)
  })

  it('new capabilities: skeleton, carried Purpose, placeholder fallbacks', async () => {
    await same(undefined, `## ADDED Requirements\n${req('First')}`, 'billing')
    await same(undefined, `## Purpose\nBilling handles invoices and payments for every customer account.\n\n## ADDED Requirements\n${req('First')}`, 'billing')
    await same(undefined, `## Purpose\nShort.\n\n## ADDED Requirements\n${req('First')}`, 'billing')
    await same(undefined, `## Purpose\n<!-- fill me in -->\n\n## ADDED Requirements\n${req('First')}`, 'billing')
    await same(undefined, `## Purpose\nText <!-- hidden ## x --> more text that is long enough to count here.\n\n## ADDED Requirements\n${req('First')}`, 'billing')
    await same(undefined, `## Purpose\n# Heading inside\nand text\n\n## ADDED Requirements\n${req('First')}`, 'billing')
    await same(undefined, `## Purpose\n\`\`\`\ncode only\n\`\`\`\n\n## ADDED Requirements\n${req('First')}`, 'billing')
    await same(undefined, `## ADDED Requirements\n${req('First')}\n## REMOVED Requirements\n### Requirement: Old\n`, 'billing')
    await same(undefined, `## MODIFIED Requirements\n${req('First')}`, 'billing')
    await same(undefined, `## ADDED Requirements\n${req('First')}`, 'area/sub/billing')
  })

  it('a delta Purpose on an existing spec is ignored with a warning', async () => {
    await same(MAIN_AUTH, `## Purpose\nSomething else entirely, a different purpose text.\n\n## ADDED Requirements\n${req('X')}`)
    await same(MAIN_AUTH, `## Purpose\nAuthentication for the product, long enough to pass the purpose length check.\n\n## ADDED Requirements\n${req('X')}`)
  })

  it('CRLF and BOM in the main spec and in the delta', async () => {
    const crlf = (s: string) => s.replace(/\n/g, '\r\n')
    await same(crlf(MAIN_AUTH), `## ADDED Requirements\n${req('X')}`)
    await same(MAIN_AUTH, crlf(`## ADDED Requirements\n${req('X')}`))
    await same(`\uFEFF${MAIN_AUTH}`, `\uFEFF## ADDED Requirements\n${req('X')}`)
    await same(`\uFEFF${crlf(MAIN_AUTH)}`, `## REMOVED Requirements\n### Requirement: Login\n`)
    await same(`\uFEFF# auth\n\n## Purpose\nNo requirements section here at all, just a purpose text.\n`, `## ADDED Requirements\n${req('X')}`)
    await same(crlf(`# auth\n\n## Purpose\nNo requirements section here at all, just a purpose text.\n\n\n`), `## ADDED Requirements\n${req('X')}`)
  })

  it('code fences holding headings, and blank lines inside fences', async () => {
    const fenced = `### Requirement: Docs\nThe system SHALL document.\n\n\`\`\`md\n## REMOVED Requirements\n### Requirement: Login\n\n\n#### Scenario: fake\n\`\`\`\n\n#### Scenario: Real\n- **WHEN** x\n- **THEN** y\n`
    await same(MAIN_AUTH, `## ADDED Requirements\n${fenced}`)
    await same(MAIN_AUTH.replace('## Requirements\n', `## Requirements\n${fenced}\n\n\n`), `## REMOVED Requirements\n### Requirement: Logout\n`)
  })

  it('blank-line normalisation, preamble and trailing sections', async () => {
    const messy = MAIN_AUTH.replace('## Requirements\n', '\n\n## Requirements\nSome preamble text.\n\n\n\n').replace(/\n$/, '\n\n\n## Notes\nkept\n\n\n')
    await same(messy, `## ADDED Requirements\n${req('X')}`)
    await same(`# auth\n## Purpose\nP that is long enough to pass the checks in validate strict mode.\n## Requirements\n${req('A')}`, `## ADDED Requirements\n${req('B')}`)
  })

  it('unicode names and closing hashes', async () => {
    await same(MAIN_AUTH, `## ADDED Requirements\n${req('Ünïcödé 名前 ✓')}`)
    await same(`${MAIN_AUTH}\n${req('Déjà vu')}`, `## REMOVED Requirements\n### Requirement: Déjà vu ##\n`)
    await same(MAIN_AUTH, `## ADDED Requirements\n${req('C#')}`, 'ünï/cödé')
  })

  it('structurally broken main spec is refused', async () => {
    await same(`${MAIN_AUTH}\n## ADDED Requirements\n${req('Z')}`, `## ADDED Requirements\n${req('X')}`)
    await same(MAIN_AUTH.replace('## Purpose\n', `## Purpose\n${req('Early')}`), `## ADDED Requirements\n${req('X')}`)
    await same(`${MAIN_AUTH}\n${req('Login')}`, `## ADDED Requirements\n${req('X')}`)
  })

  it('orphaned requirements and swallowed headings warn', async () => {
    await same(MAIN_AUTH, `${req('Above')}\n## Notes\n${req('Under notes')}\n## ADDED Requirements\n${req('X')}`)
    const swallowing = MAIN_AUTH.replace(/\n$/, '\n\n# Appendix\nNotes that ride along.\n')
    await same(swallowing, `## REMOVED Requirements\n### Requirement: Logout\n`)
    await same(swallowing, `## MODIFIED Requirements\n${req('Logout', 'Logout')}`)
  })

  it('removing every requirement: the retirement audit', async () => {
    const both = `## REMOVED Requirements\n### Requirement: Login\n### Requirement: Logout\n`
    await same(MAIN_AUTH, both)
    await same(MAIN_AUTH.replace('## Requirements\n', '## Notes\nA note.\n\n## Requirements\n| a | b |\n'), both)
    await same(MAIN_AUTH.replace('- **THEN** the session ends\n', '- **THEN** the session ends\n  continued line\n\nA trailing note.\n- a bullet note\n'), both)
    await same(MAIN_AUTH.replace('## Purpose\n', '## Purpose\nSetext\n---\n<h2>x</h2>\n'), both)
    await same(MAIN_AUTH.replace('The system SHALL let a user log in.', 'The system SHALL let a user log in.\n- statement bullet\n100. ordered\n     ## indented heading'), both)
  })
})
