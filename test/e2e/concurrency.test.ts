/**
 * Two psp processes at once: no central counter and no lock server, yet two loops adding tasks
 * never mint the same id or overwrite a file, and concurrent edits of one record lose nothing.
 */
import {spawn} from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {BIN, cleanup, cliEnv, makeWorkspace, psp, REPO_ROOT} from '../helpers/cli.js'
import {add, ok, pspJson} from './support.js'

const LOOP = path.join(REPO_ROOT, 'test', 'fixtures', 'e2e', 'psp-loop.mjs')

interface LoopResult {
  failures: {run: number; exit: number | null; stderr: string}[]
  outputs: string[]
}

/** Starts `psp-loop.mjs`: `count` sequential runs of `psp <args>` beginning at `startAt`. */
function loop(cwd: string, count: number, startAt: number, args: string[]): Promise<LoopResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [LOOP, BIN, String(count), String(startAt), ...args], {cwd, env: cliEnv()})
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
    child.on('error', reject)
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`psp-loop exited with ${code}: ${stderr}`))
      else resolve(JSON.parse(stdout) as LoopResult)
    })
  })
}

describe('two psp processes at the same moment', () => {
  let ws: string
  beforeAll(() => {
    ws = makeWorkspace()
  })
  afterAll(() => cleanup(ws))

  it('each adding 100 tasks: 200 files, 200 distinct ids, and validate is clean', {timeout: 400_000}, async () => {
    const startAt = Date.now() + 1000
    const [a, b] = await Promise.all([
      loop(ws, 100, startAt, ['task', 'add', 'Task a{i}', '--json']),
      loop(ws, 100, startAt, ['task', 'add', 'Task b{i}', '--json']),
    ])
    expect(a.failures).toEqual([])
    expect(b.failures).toEqual([])
    const created = [...a.outputs, ...b.outputs].map((o) => JSON.parse(o) as {id: string; path: string; title: string})
    expect(created).toHaveLength(200)
    expect(new Set(created.map((r) => r.id)).size).toBe(200)
    expect(new Set(created.map((r) => r.path)).size).toBe(200)

    const files = fs.readdirSync(path.join(ws, 'data', 'tasks'))
    expect(files.filter((f) => f.endsWith('.md'))).toHaveLength(200)
    expect(files.filter((f) => !f.endsWith('.md')), 'temp or lock files left behind').toEqual([])
    const ids = new Set<string>()
    for (const file of files) {
      const id = /^id: (\S+)$/m.exec(fs.readFileSync(path.join(ws, 'data', 'tasks', file), 'utf8'))?.[1]
      expect(id).toBeDefined()
      ids.add(id as string)
    }
    expect(ids.size).toBe(200)
    expect([...ids].sort()).toEqual(created.map((r) => r.id).sort())

    const titles = pspJson<{title: string}[]>(ws, ['task', 'list']).map((t) => t.title).sort()
    const expected = [...Array.from({length: 100}, (_, i) => `Task a${i}`), ...Array.from({length: 100}, (_, i) => `Task b${i}`)].sort()
    expect(titles).toEqual(expected)
    const validated = ok(psp(['validate'], {cwd: ws}))
    expect(validated.stdout).toBe('')
    expect(validated.stderr).toBe('200 documents checked, no problems\n')
  })

  it('each running 20 edits of the same task: all 40 tags survive', {timeout: 240_000}, async () => {
    const target = add(ws, 'task', 'Shared')
    const startAt = Date.now() + 1000
    const [a, b] = await Promise.all([
      loop(ws, 20, startAt, ['task', 'edit', target.id, '--add', 'tags=a{i}']),
      loop(ws, 20, startAt, ['task', 'edit', target.id, '--add', 'tags=b{i}']),
    ])
    expect(a.failures).toEqual([])
    expect(b.failures).toEqual([])
    const tags = pspJson<{tags: string[]}>(ws, ['task', 'show', target.id]).tags
    const expected = [...Array.from({length: 20}, (_, i) => `a${i}`), ...Array.from({length: 20}, (_, i) => `b${i}`)]
    expect([...tags].sort()).toEqual([...expected].sort())
    // Each process's own tags stay in the order it added them.
    expect(tags.filter((t) => t.startsWith('a'))).toEqual(expected.slice(0, 20))
    expect(tags.filter((t) => t.startsWith('b'))).toEqual(expected.slice(20))
    const leftovers = fs.readdirSync(path.dirname(path.join(ws, target.path))).filter((f) => !f.endsWith('.md'))
    expect(leftovers, 'temp or lock files left behind').toEqual([])
    expect(ok(psp(['validate', target.path], {cwd: ws})).stderr).toBe('1 document checked, no problems\n')
  })
})
