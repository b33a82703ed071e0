/**
 * The pre-commit check of OpenSpec files: when a commit stages anything under openspec/, the
 * openspec/ folder as the commit will hold it is validated as `psp openspec validate --all
 * --strict` validates a working tree, and a failure blocks the commit with the validator's lines.
 * The staged files are written to a scratch folder first, so that what is checked is exactly what
 * is committed (a file staged and then edited again is checked as staged, an untracked file not at
 * all). The OpenSpec code is loaded only when the check applies.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type {GitCli} from './git-cli.js'
import type {CheckReport, PreCommitCheck, PreCommitContext, StagedChange} from './pre-commit.js'

/** The folder the check looks after, relative to the workspace root. */
const OPENSPEC_DIR = 'openspec'

/** True for a workspace-relative path inside openspec/. */
export function isOpenSpecPath(rel: string): boolean {
  return rel.startsWith(`${OPENSPEC_DIR}/`)
}

/** Git's file modes of what can be written as a plain file (a symlink or submodule cannot). */
const REGULAR_MODES = new Set(['100644', '100755'])

/**
 * Writes the index's openspec/ files under `target` (as `target/openspec/…`), with the bytes git
 * will commit. Returns how many files were written.
 */
export function writeStagedOpenSpec(git: GitCli, prefix: string, target: string): number {
  // `ls-files -s`: `<mode> <object> <stage>\t<path>` per entry; stage 0 only (no conflict halves).
  const entries = git
    .list(['ls-files', '-s', '-z', '--', `:(literal)${prefix}${OPENSPEC_DIR}/`])
    .map((line) => {
      const tab = line.indexOf('\t')
      const [mode, object, stage] = line.slice(0, tab).split(' ')
      return {mode: mode as string, object: object as string, stage, path: line.slice(tab + 1)}
    })
    .filter((e) => e.stage === '0' && REGULAR_MODES.has(e.mode) && e.path.startsWith(prefix))
  const objects = git.readObjects([...new Set(entries.map((e) => e.object))])
  for (const entry of entries) {
    const bytes = objects.get(entry.object)
    if (bytes === undefined) continue
    const file = path.join(target, ...entry.path.slice(prefix.length).split('/'))
    fs.mkdirSync(path.dirname(file), {recursive: true})
    fs.writeFileSync(file, bytes)
  }
  return entries.length
}

/** What validating a tree found: whether it passed, and the lines to show when it did not. */
export interface TreeVerdict {
  ok: boolean
  lines: string[]
}

const LEVEL_MARK = {ERROR: '✗', WARNING: '⚠', INFO: 'ℹ'} as const

/**
 * Validates every change and spec under `root/openspec/` as `validate --all --strict` does.
 * The lines are openspec's bulk output for the items that fail, then a totals line.
 */
export async function validateOpenSpecTree(root: string): Promise<TreeVerdict> {
  // Loaded here, not at the top: a commit that stages no openspec file never pays for it.
  const [{makeOpenSpecRoot}, {validateBulk}] = await Promise.all([import('../openspec/root.js'), import('../openspec/validate-report.js')])
  const {payload, failed} = validateBulk(makeOpenSpecRoot(root, 'nearest'), {changes: true, specs: true, strict: true})
  if (!failed || !('items' in payload)) return {ok: !failed, lines: []}
  const lines: string[] = []
  for (const item of payload.items) {
    if (item.valid) continue
    lines.push(`✗ ${item.type}/${item.id}`)
    for (const issue of item.issues) lines.push(`  ${LEVEL_MARK[issue.level]} [${issue.level}] ${issue.path}: ${issue.message}`)
  }
  const {passed, failed: failures, items} = payload.summary.totals
  lines.push(`psp: openspec validate --all --strict (staged): ${passed} passed, ${failures} failed (${items} items)`)
  return {ok: false, lines}
}

/**
 * Validates the staged openspec/ folder (see the module comment). Strict, as psp's CI runs it:
 * a warning blocks the commit too, since a commit that passes here should pass there.
 */
export async function checkStagedOpenSpec(context: PreCommitContext): Promise<CheckReport> {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'psp-openspec-staged-'))
  try {
    writeStagedOpenSpec(context.git, context.prefix, scratch)
    const verdict = await validateOpenSpecTree(scratch)
    return {check: 'openspec', ok: verdict.ok, lines: verdict.ok ? [] : verdict.lines}
  } finally {
    fs.rmSync(scratch, {recursive: true, force: true})
  }
}

/** The pre-commit check of openspec/ (see the module comment). */
export const openSpecCheck: PreCommitCheck = {
  name: 'openspec',
  applies: (changes: readonly StagedChange[]) => changes.some((c) => isOpenSpecPath(c.path)),
  run: checkStagedOpenSpec,
}
