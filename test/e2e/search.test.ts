/**
 * `psp search`: ranked hits across every type with snippets, prefix and typo matching, --type,
 * --limit, --any, the --json shape, no hits, a hand edit seen by the very next search, the
 * archive and unreadable files left out, bad input, and NO_COLOR (also on a terminal).
 */
import {spawnSync} from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import type {SearchHit} from '@psp/core'
import {BIN, cleanup, cliEnv, json, makeWorkspace, psp, writeDocument, type RunResult} from '../helpers/cli.js'
import {expectError, expectJsonError, ok, show, unchanged} from './support.js'

const TASK = 'task-deploy0001'
const NOTE = 'note-vendors01'
const DECISION = 'decision-tags0001'
const PROJECT = 'proj-site000001'
const TASK_PATH = `data/tasks/${TASK}.md`
const NOTE_PATH = `data/notes/${NOTE}.md`
const ESC = '\u001b'

let ws: string
beforeAll(() => {
  ws = makeWorkspace()
  writeDocument(ws, TASK_PATH, {id: TASK, type: 'task', title: 'Deploy pipeline rework', status: 'todo'},
    'The CI job fails at night. Rework the *deploy* pipeline so that it retries a failed step before it gives up.\n')
  writeDocument(ws, NOTE_PATH, {id: NOTE, type: 'note', title: 'CI vendors compared', tags: ['ci']},
    "# Vendors\n\nHosted runners are cheaper than our own. Each vendor's pipeline syntax differs.\n")
  writeDocument(ws, `data/decisions/${DECISION}.md`, {id: DECISION, type: 'decision', title: 'Deploy from tags only', status: 'accepted'},
    'We deploy only what a release tag points at, never a branch head.\n')
  writeDocument(ws, `data/projects/${PROJECT}-site/project.md`, {id: PROJECT, type: 'project', title: 'Website relaunch'}, 'New pages for the shop.\n')
  writeDocument(ws, 'data/archive/tasks/task-archived01.md', {id: 'task-archived01', type: 'task', title: 'Deploy by hand', status: 'done'}, 'Deploy the pipeline manually.\n')
})
afterAll(() => cleanup(ws))

const run = (args: string[], env?: Record<string, string | undefined>) => psp(['search', ...args], {cwd: ws, env})
// The --json shape of a hit is the core's SearchHit.
type Hit = SearchHit
const hits = (args: string[]) => json<Hit[]>(ok(run([...args, '--json'])))

describe('psp search', () => {
  it('prints one block per hit: `id  title  (type, path)`, then the snippet with the matches marked', () => {
    // A prefix (deplo) and a typo (pipline); every word must match, so only the task is a hit.
    const result = ok(run(['deplo pipline']))
    expect(result.stdout).toBe(
      `${TASK}  Deploy pipeline rework  (task, ${TASK_PATH})\n` +
        '  The CI job fails at night. Rework the **deploy** **pipeline** so that it retries a failed step before it gives up.\n',
    )
    expect(result.stderr).toBe('')
    const more = ok(run(['deploy pipeline', '--any'])).stdout.split('\n')
    expect(more.filter((l) => !l.startsWith('  ') && l !== '').map((l) => l.split('  ')[0])).toEqual([TASK, DECISION, NOTE])
    expect(more).toContain(`${NOTE}  CI vendors compared  (note, ${NOTE_PATH})`)
    expect(more).toContain("  Vendors Hosted runners are cheaper than our own. Each vendor's **pipeline** syntax differs.")
    // The title alone matched (an empty body's snippet is the title).
    expect(ok(run(['relaunch'])).stdout).toBe(`${PROJECT}  Website relaunch  (project, data/projects/${PROJECT}-site/project.md)\n  New pages for the shop.\n`)
  })

  it('--json prints the hits; --type (repeatable), --limit and --any narrow or widen them', () => {
    const [decision, ...rest] = hits(['deploy', '--type', 'decision', '--limit', '1'])
    expect(rest).toEqual([])
    expect(decision).toEqual({
      id: DECISION,
      type: 'decision',
      title: 'Deploy from tags only',
      path: `data/decisions/${DECISION}.md`,
      score: expect.any(Number),
      terms: ['deploy'],
      titleMatches: [{start: 0, end: 6}],
      snippet: {
        text: 'We deploy only what a release tag points at, never a branch head.',
        marked: 'We **deploy** only what a release tag points at, never a branch head.',
        matches: [{start: 3, end: 9}],
        source: 'body',
      },
    })
    const typed = hits(['pipeline', '--type', 'task', '--type', 'note'])
    expect(typed.map((h) => h.id)).toEqual([TASK, NOTE])
    expect(typed[0]?.score).toBeGreaterThan(typed[1]?.score ?? Infinity)
    expect(hits(['deploy']).map((h) => h.id)).toEqual([TASK, DECISION])
    expect(hits(['deploy', '--limit', '1']).map((h) => h.id)).toEqual([TASK])
    expect(hits(['deploy vendors', '--any']).map((h) => h.id).sort()).toEqual([DECISION, NOTE, TASK].sort())
    expect(hits(['deploy vendors'])).toEqual([])
  })

  it('no hits: exit 0, nothing on stdout, a note on stderr; --json prints []', () => {
    const none = run(['zebra'])
    expect([none.code, none.stdout, none.stderr], show(none)).toEqual([0, '', 'No matches for "zebra".\n'])
    const asJson = run(['zebra', '--json'])
    expect([asJson.code, asJson.stdout, asJson.stderr], show(asJson)).toEqual([0, '[]\n', ''])
  })

  it('sees a hand edit at the very next search, keeps its index under data/cache/search/, and rebuilds it when deleted', () => {
    expect(hits(['kumquat'])).toEqual([])
    expect(fs.existsSync(path.join(ws, 'data', 'cache', 'search', 'index.json'))).toBe(true)
    const file = path.join(ws, ...NOTE_PATH.split('/'))
    const original = fs.readFileSync(file, 'utf8')
    // Same size, same second: only a content check can see this edit.
    fs.writeFileSync(file, original.replace('cheaper', 'kumquat').replace('CI vendors', 'CI kumquat'))
    const [found] = hits(['kumquat'])
    expect(found).toMatchObject({id: NOTE, title: 'CI kumquat compared', snippet: {marked: expect.stringContaining('our own') as unknown}})
    expect(found?.snippet.marked).toContain('are **kumquat** than')
    fs.writeFileSync(file, original)
    expect(hits(['kumquat'])).toEqual([])
    // A new file, written by hand, and a file moved into the archive.
    writeDocument(ws, 'data/notes/note-kumquat001.md', {id: 'note-kumquat001', type: 'note', title: 'Kumquat trees'}, 'Small citrus.\n')
    fs.mkdirSync(path.join(ws, 'data', 'archive', 'decisions'), {recursive: true})
    fs.renameSync(path.join(ws, 'data', 'decisions', `${DECISION}.md`), path.join(ws, 'data', 'archive', 'decisions', `${DECISION}.md`))
    expect(hits(['kumquat release']).map((h) => h.id)).toEqual([])
    expect(hits(['kumquat release', '--any']).map((h) => h.id)).toEqual(['note-kumquat001'])
    fs.rmSync(path.join(ws, 'data', 'cache'), {recursive: true})
    expect(hits(['citrus']).map((h) => h.id)).toEqual(['note-kumquat001'])
    fs.renameSync(path.join(ws, 'data', 'archive', 'decisions', `${DECISION}.md`), path.join(ws, 'data', 'decisions', `${DECISION}.md`))
    fs.rmSync(path.join(ws, 'data', 'notes', 'note-kumquat001.md'))
    expect(hits(['release']).map((h) => h.id)).toEqual([DECISION])
  })

  it('a document that cannot be read is left out, with a warning', () => {
    const broken = path.join(ws, 'data', 'notes', 'broken.md')
    fs.writeFileSync(broken, '---\nid: note-broken0001\ntype: note\ntitle: [unclosed\n---\npipeline\n')
    try {
      const result = ok(run(['pipeline', '--type', 'note']))
      expect(result.stdout).toContain(`${NOTE}  CI vendors compared`)
      expect(result.stdout).not.toContain('broken')
      expect(result.stderr).toBe('Warning: 1 document could not be read and is not searched (run psp validate)\n')
    } finally {
      fs.rmSync(broken)
    }
  })

  it('bad input: no words, a limit that is not a positive whole number, an unknown type, no argument', () => {
    unchanged(ws, () => {
      expectError(run(['?!']), 2, /^Error: the search query has no words to look for$/)
      expectError(run(['deploy', '--limit', '0']), 2, /^Error: --limit must be a positive whole number, got "0"$/)
      expectError(run(['deploy', '--limit', '-1']), 2, /^Error: --limit must be a positive whole number, got "-1"$/)
      expectError(run(['deploy', '--type', 'tsk']), 4, /^Error: unknown document type "tsk" \(known: decision, milestone, note, project, task\)$/)
      expectError(run([]), 2, /^Error: Missing 1 required arg: words/)
      expectJsonError(run(['deploy', '--limit', 'ten', '--json']), 2, 'USAGE')
      expectJsonError(run(['?!', '--json']), 2, 'USAGE')
    })
  })
})

describe('colour', () => {
  const plain = (result: RunResult) => {
    expect(result.stdout + result.stderr).not.toContain(ESC)
    expect(result.stdout).toContain('**pipeline**')
  }

  it('piped output is plain text, matches wrapped in **', () => {
    plain(ok(run(['pipeline'], {NO_COLOR: '1', FORCE_COLOR: undefined})))
    plain(ok(run(['pipeline'], {NO_COLOR: undefined, FORCE_COLOR: undefined})))
  })

  // On a terminal (a pseudo-terminal from util-linux `script`), matches are bold unless NO_COLOR is set.
  const hasScript = process.platform === 'linux' && spawnSync('script', ['--version']).status === 0
  it.skipIf(!hasScript)('on a terminal the matches are bold, and NO_COLOR turns that off', () => {
    const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`
    const command = [process.execPath, BIN, 'search', 'pipeline', '--type', 'note'].map(quote).join(' ')
    const onTerminal = (env: Record<string, string | undefined>): RunResult => {
      const result = spawnSync('bash', ['-c', `script -qec ${quote(command)} /dev/null < /dev/null`], {cwd: ws, env: cliEnv({FORCE_COLOR: undefined, TERM: 'xterm', ...env}), encoding: 'utf8'})
      return {code: result.status ?? -1, stdout: result.stdout.replace(/\r\n/g, '\n'), stderr: result.stderr}
    }
    const coloured = onTerminal({NO_COLOR: undefined})
    expect(coloured.stdout, show(coloured)).toContain(`${ESC}[1mpipeline${ESC}[22m`)
    expect(coloured.stdout).not.toContain('**')
    const noColour = onTerminal({NO_COLOR: '1'})
    expect(noColour.stdout, show(noColour)).toBe(`${NOTE}  CI vendors compared  (note, ${NOTE_PATH})\n  Vendors Hosted runners are cheaper than our own. Each vendor's **pipeline** syntax differs.\n`)
  })
})
