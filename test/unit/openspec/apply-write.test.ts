/**
 * Writing and retiring main specs: line endings kept (as openspec's writer keeps them, checked
 * against it), writes through a linked spec.md, retirement that deletes only inside the specs
 * folder and prunes the folders it empties, never the boundary and never through a link.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import * as theirs from '../../../node_modules/@fission-ai/openspec/dist/core/specs-apply.js'
import {buildUpdatedSpec, finalizeRetiredSpec, findSpecUpdates, pruneEmptyDirs, retireSpec, writeUpdatedSpec, type SpecUpdate} from '../../../packages/core/src/openspec/apply.js'
import {added, makeProject, MAIN_AUTH, removed, snapshotTree} from './archive-fixtures.js'

const parent = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'psp-apply-write-')))
afterAll(() => fs.rmSync(parent, {recursive: true, force: true}))

function updatesOf(root: string): SpecUpdate[] {
  return findSpecUpdates(path.join(root, 'openspec/changes/c1'), path.join(root, 'openspec/specs'))
}

/** Applies and writes the change's deltas with psp and with openspec on two copies; returns both trees. */
async function writeBoth(files: Record<string, string | {link: string}>): Promise<[string[], string[]]> {
  const ours = makeProject(files, parent)
  const reference = makeProject(files, parent)
  for (const update of updatesOf(ours)) {
    const built = buildUpdatedSpec(update, 'c1')
    writeUpdatedSpec(update, built.rebuilt, built.counts)
  }
  for (const update of await theirs.findSpecUpdates(path.join(reference, 'openspec/changes/c1'), path.join(reference, 'openspec/specs'))) {
    const built = await theirs.buildUpdatedSpec(update, 'c1', {silent: true})
    await theirs.writeUpdatedSpec(update, built.rebuilt, built.counts, {silent: true})
  }
  return [snapshotTree(ours), snapshotTree(reference)]
}

describe('writeUpdatedSpec', () => {
  it('keeps the line endings the spec used, as openspec does', async () => {
    const crlf = MAIN_AUTH.replace(/\n/g, '\r\n')
    const mixedMostlyLf = MAIN_AUTH.replace('\n', '\r\n')
    const mixedTie = MAIN_AUTH.split('\n').map((line, i) => (i % 2 ? `${line}\r` : line)).join('\n')
    for (const main of [MAIN_AUTH, crlf, mixedMostlyLf, mixedTie, `\uFEFF${crlf}`, '# auth\n\n## Purpose\nOne line.']) {
      const [ours, reference] = await writeBoth({'openspec/specs/auth/spec.md': main, 'openspec/changes/c1/specs/auth/spec.md': added('X')})
      expect(ours).toEqual(reference)
    }
  })

  it('creates new capability folders, and writes through a linked spec.md', async () => {
    const [ours, reference] = await writeBoth({
      'openspec/specs/real/auth.md': MAIN_AUTH,
      'openspec/specs/auth/spec.md': {link: '../real/auth.md'},
      'openspec/changes/c1/specs/auth/spec.md': added('X'),
      'openspec/changes/c1/specs/a/b/c/spec.md': added('Y'),
    })
    expect(ours).toEqual(reference)
    expect(ours).toContain('link openspec/specs/auth/spec.md -> ../real/auth.md')
    expect(ours).toContain('dir  openspec/specs/a/b/c')
  })
})

describe('retireSpec', () => {
  const project = () =>
    makeProject(
      {
        'openspec/specs/area/deep/auth/spec.md': MAIN_AUTH,
        'openspec/specs/area/other/spec.md': MAIN_AUTH,
        'openspec/changes/c1/specs/area/deep/auth/spec.md': removed('Login', 'Logout'),
      },
      parent,
    )

  it('deletes the spec and prunes the folders it empties, up to (not including) the specs folder', () => {
    const root = project()
    const [update] = updatesOf(root)
    const result = retireSpec(update as SpecUpdate, path.join(root, 'openspec/specs'))
    expect(result).toEqual({retired: true, resolvedPath: path.join(root, 'openspec/specs/area/deep/auth/spec.md')})
    expect(fs.existsSync(path.join(root, 'openspec/specs/area/deep'))).toBe(false)
    expect(fs.existsSync(path.join(root, 'openspec/specs/area/other/spec.md'))).toBe(true)
    expect(retireSpec(update as SpecUpdate, path.join(root, 'openspec/specs'))).toEqual({retired: false})
  })

  it('defers the deletion until finalizeRetiredSpec, and needs a check of the moved file to do so', () => {
    const root = project()
    const [update] = updatesOf(root) as [SpecUpdate]
    const specs = path.join(root, 'openspec/specs')
    expect(() => retireSpec(update, specs, {deferDelete: true})).toThrow('Deferred retirement requires displaced-file verification.')
    const checked: string[] = []
    const result = retireSpec(update, specs, {deferDelete: true, verifyDisplaced: (p) => void checked.push(p)})
    expect(result.displacedPath).toMatch(/spec\.md\.openspec-retire-[0-9a-f-]{36}$/)
    expect(checked).toEqual([result.displacedPath])
    expect(fs.existsSync(update.target)).toBe(false)
    expect(fs.existsSync(result.displacedPath as string)).toBe(true)
    finalizeRetiredSpec(update.target, result.displacedPath as string, specs)
    expect(fs.existsSync(path.join(specs, 'area/deep'))).toBe(false)
  })

  it('puts the spec back when the check of the moved file fails', () => {
    const root = project()
    const [update] = updatesOf(root) as [SpecUpdate]
    expect(() =>
      retireSpec(update, path.join(root, 'openspec/specs'), {
        deferDelete: true,
        verifyDisplaced: () => {
          throw new Error('changed meanwhile')
        },
      }),
    ).toThrow(/^Could not retire capability 'area\/deep\/auth': failed to delete .* \(changed meanwhile\)\. Remove it by hand, then rerun the archive\.$/)
    expect(fs.readFileSync(update.target, 'utf8')).toBe(MAIN_AUTH)
  })

  it('removes a linked spec.md, not what it points to, and refuses a spec that resolves outside', () => {
    const outside = makeProject({'auth/spec.md': MAIN_AUTH}, parent)
    const root = makeProject(
      {
        'openspec/specs/real/auth.md': MAIN_AUTH,
        'openspec/specs/auth/spec.md': {link: '../real/auth.md'},
        'openspec/specs/ext': {link: path.join(outside, 'auth')},
        'openspec/changes/c1/specs/auth/spec.md': removed('Login'),
        'openspec/changes/c1/specs/ext/spec.md': removed('Login'),
      },
      parent,
    )
    const specs = path.join(root, 'openspec/specs')
    const [auth, ext] = updatesOf(root) as [SpecUpdate, SpecUpdate]
    expect(retireSpec(auth, specs)).toEqual({retired: true})
    expect(fs.existsSync(path.join(specs, 'auth'))).toBe(false)
    expect(fs.readFileSync(path.join(specs, 'real/auth.md'), 'utf8')).toBe(MAIN_AUTH)
    expect(() => retireSpec(ext, specs)).toThrow(/resolves outside .*\. Remove the external file by hand, or replace the symlink and rerun\.$/)
    expect(fs.existsSync(path.join(outside, 'auth/spec.md'))).toBe(true)
  })
})

describe('pruneEmptyDirs', () => {
  it('stops at a folder with content, at a link and at the boundary', () => {
    const root = makeProject({'specs/a/b/c/.keep': '', 'specs/keep/x/y/.keep': '', 'target/.keep': ''}, parent)
    fs.rmSync(path.join(root, 'specs/a/b/c/.keep'))
    pruneEmptyDirs(path.join(root, 'specs/a/b/c'), path.join(root, 'specs'))
    expect(fs.existsSync(path.join(root, 'specs/a'))).toBe(false)
    expect(fs.existsSync(path.join(root, 'specs'))).toBe(true)

    fs.rmSync(path.join(root, 'specs/keep/x/y/.keep'))
    fs.writeFileSync(path.join(root, 'specs/keep/note.md'), 'x')
    pruneEmptyDirs(path.join(root, 'specs/keep/x/y'), path.join(root, 'specs'))
    expect(fs.existsSync(path.join(root, 'specs/keep/x'))).toBe(false)
    expect(fs.existsSync(path.join(root, 'specs/keep/note.md'))).toBe(true)

    fs.rmSync(path.join(root, 'target/.keep'))
    fs.symlinkSync(path.join(root, 'target'), path.join(root, 'specs/linked'))
    pruneEmptyDirs(path.join(root, 'specs/linked'), path.join(root, 'specs'))
    expect(fs.existsSync(path.join(root, 'target'))).toBe(true)
    pruneEmptyDirs(path.join(root, 'target'), path.join(root, 'specs'))
    expect(fs.existsSync(path.join(root, 'target'))).toBe(true)
  })
})
