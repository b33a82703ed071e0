/**
 * The benchmark's workspace generator (bench/generate.mjs), run the way `npm run bench:generate`
 * runs it, on a small workspace: a git repository with a clean status, valid for `psp validate`,
 * every task listed, every dependency resolving to a task of the same project, bodies of 1–3 KB,
 * and the same bytes for the same seed.
 */
import {spawnSync} from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {cleanup, git, json, psp, REPO_ROOT, tempDir} from '../helpers/cli.js'
import {ok, show, type Rec} from './support.js'

const GENERATOR = path.join(REPO_ROOT, 'bench', 'generate.mjs')
const TASKS = 50

function generate(out: string, ...extra: string[]) {
  const result = spawnSync(process.execPath, [GENERATOR, '--tasks', String(TASKS), '--out', out, ...extra], {encoding: 'utf8'})
  expect(result.status, `${result.stdout}\n${result.stderr}`).toBe(0)
  return result
}

/** The bytes after the frontmatter, without the blank line that separates them. */
function body(file: string): Buffer {
  const text = fs.readFileSync(file)
  const end = text.indexOf('\n---\n', 4)
  return text.subarray(end + '\n---\n\n'.length)
}

let dir: string
let ws: string
beforeAll(() => {
  dir = tempDir()
  ws = path.join(dir, 'ws')
  generate(ws, '--seed', 'test')
})
afterAll(() => cleanup(dir))

describe('bench/generate.mjs', () => {
  it('makes a git repository with everything committed', () => {
    expect(fs.existsSync(path.join(ws, '.git'))).toBe(true)
    expect(git(['status', '--porcelain'], ws)).toBe('')
    expect(git(['log', '--oneline'], ws).trim().split('\n')).toHaveLength(1)
  })

  it('lays the workspace out as psp init does', () => {
    for (const file of ['config/settings.yaml', 'config/.env.sample', '.gitignore', '.augment/state.json']) {
      expect(fs.existsSync(path.join(ws, file)), file).toBe(true)
    }
  })

  it('writes only valid documents', () => {
    const result = psp(['validate'], {cwd: ws})
    expect(result.code, show(result)).toBe(0)
  })

  it('writes the number of tasks asked for', () => {
    const ids = ok(psp(['task', 'list', '--format', 'ids'], {cwd: ws})).stdout.trim().split('\n')
    expect(ids).toHaveLength(TASKS)
    for (const id of ids) expect(id).toMatch(/^task-[0-9a-hjkmnp-tv-z]{10}$/)
  })

  it('makes dependencies that resolve within the same project (psp validate rules out cycles), and 1–3 KB bodies', () => {
    const tasks = json<Rec[]>(ok(psp(['task', 'list', '--json'], {cwd: ws})))
    const byId = new Map(tasks.map((t) => [t.id, t]))
    let edges = 0
    for (const task of tasks) {
      for (const dep of (task['depends_on'] as string[] | undefined) ?? []) {
        const target = byId.get(dep)
        expect(target, `${task.id} depends on ${dep}`).toBeDefined()
        expect(target?.['project']).toBe(task['project'])
        edges++
      }
      const size = body(path.join(ws, task.path)).length
      expect(size, task.path).toBeGreaterThanOrEqual(1024)
      expect(size, task.path).toBeLessThanOrEqual(3072)
      expect(task.path).toMatch(new RegExp(`^data/projects/proj-[0-9a-z]{10}-[a-z0-9-]+/tasks/${task.id}-[a-z0-9-]+\\.md$`))
    }
    expect(edges).toBeGreaterThan(0)
  })

  it('writes the same documents for the same seed', () => {
    const again = path.join(dir, 'again')
    generate(again, '--seed', 'test', '--no-commit')
    expect(fs.existsSync(path.join(again, '.git'))).toBe(true)
    const documents = (root: string) => ok(psp(['task', 'list', '--format', 'ids'], {cwd: root})).stdout
    expect(documents(again)).toBe(documents(ws))
    const first = json<Rec[]>(ok(psp(['task', 'list', '--json'], {cwd: ws})))[0] as Rec
    expect(fs.readFileSync(path.join(again, first.path), 'utf8')).toBe(fs.readFileSync(path.join(ws, first.path), 'utf8'))
  })
})
