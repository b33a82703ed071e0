/**
 * `psp gc`: packing the loose objects isomorphic-git leaves behind, by psp itself (no git
 * binary) or by `git gc`, with every object still readable afterwards (git fsck).
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {cleanup, git, makeWorkspace, psp} from '../helpers/cli.js'
import {add, expectError, ok, pspJson} from './support.js'

function commitAll(ws: string, message: string): void {
  git(['add', '-A'], ws)
  git(['commit', '-qm', message], ws)
}

describe('psp gc', () => {
  let ws: string
  beforeAll(() => {
    ws = makeWorkspace({commit: true})
    for (let i = 0; i < 3; i++) add(ws, 'task', `Task ${i}`)
    commitAll(ws, 'Tasks')
  })
  afterAll(() => cleanup(ws))

  it('packs loose objects itself, keeping every object readable', () => {
    const before = git(['count-objects', '-v'], ws)
    expect(Number(/^count: (\d+)/m.exec(before)?.[1])).toBeGreaterThan(5)
    const report = pspJson<Record<string, number | string>>(ws, ['gc', '--builtin'])
    expect(report).toMatchObject({method: 'builtin', looseAfter: 0, packsBefore: 0, packsAfter: 1})
    expect(report['looseBefore']).toBeGreaterThan(5)
    expect(git(['count-objects', '-v'], ws)).toMatch(/^count: 0$/m)
    git(['fsck', '--strict'], ws)
    expect(git(['log', '--format=%s'], ws)).toBe('Tasks\ninit\n')
    expect(ok(psp(['gc', '--builtin'], {cwd: ws})).stdout).toBe('No loose objects: nothing to pack.\n')
  })

  it('runs git gc when asked (or by default when git is installed)', () => {
    add(ws, 'task', 'One more')
    commitAll(ws, 'One more')
    const {stdout} = ok(psp(['gc'], {cwd: ws}))
    expect(stdout).toMatch(/^Packed with git gc: \d+ loose objects .* → 0 /)
    expect(git(['count-objects', '-v'], ws)).toMatch(/^count: 0$/m)
    expectError(psp(['gc', '--git', '--builtin'], {cwd: ws}), 2)
  })
})
