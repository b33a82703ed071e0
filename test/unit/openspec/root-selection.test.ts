/**
 * Finding the OpenSpec root as openspec does: the nearest ancestor whose openspec/ folder has
 * specs/, changes/ or a config file; the start folder itself when none is found (unless a real
 * root is required); store pointers refused. No psp workspace or git repository involved.
 */
import fs from 'node:fs'
import path from 'node:path'
import {describe, expect, it} from 'vitest'
import {NotFoundError, UsageError} from '../../../packages/core/src/errors.js'
import {diagnosticOf, findOpenSpecRoot, resolveOpenSpecRoot, rootOutput, statusOf} from '../../../packages/core/src/openspec/root.js'
import {useTempDirs} from '../_helpers.js'

const tempDir = useTempDirs()

function mkdirs(root: string, ...dirs: string[]): void {
  for (const d of dirs) fs.mkdirSync(path.join(root, d), {recursive: true})
}

describe('the OpenSpec root', () => {
  it('is the nearest ancestor with openspec/specs or openspec/changes', () => {
    const root = tempDir()
    mkdirs(root, 'openspec/changes', 'a/b/c')
    const found = resolveOpenSpecRoot({startPath: path.join(root, 'a/b/c')})
    expect(found).toEqual({
      path: root,
      changesDir: path.join(root, 'openspec/changes'),
      specsDir: path.join(root, 'openspec/specs'),
      archiveDir: path.join(root, 'openspec/changes/archive'),
      source: 'nearest',
    })
    expect(rootOutput(found)).toEqual({path: root, source: 'nearest'})
  })

  it('skips an openspec/ folder with neither specs/, changes/ nor a config file', () => {
    const root = tempDir()
    mkdirs(root, 'openspec/specs', 'inner/openspec/other')
    expect(findOpenSpecRoot(path.join(root, 'inner'))).toBe(root)
    fs.writeFileSync(path.join(root, 'inner/openspec/config.yaml'), 'schema: spec-driven\n')
    expect(findOpenSpecRoot(path.join(root, 'inner'))).toBe(path.join(root, 'inner'))
  })

  it('a specs/ folder that is itself a registered store does not make a root', () => {
    const root = tempDir()
    mkdirs(root, 'openspec/specs/.openspec-store', 'sub')
    fs.writeFileSync(path.join(root, 'openspec/specs/.openspec-store/store.yaml'), 'id: specs\n')
    expect(findOpenSpecRoot(path.join(root, 'sub'))).toBeUndefined()
  })

  it('resolves links: the root is reported by its real path', () => {
    const root = tempDir()
    mkdirs(root, 'real/openspec/specs')
    fs.symlinkSync(path.join(root, 'real'), path.join(root, 'link'))
    expect(resolveOpenSpecRoot({startPath: path.join(root, 'link')}).path).toBe(path.join(root, 'real'))
  })

  it('without a root: the start folder stands in, or NotFoundError carries openspec diagnostic', () => {
    const root = tempDir()
    expect(resolveOpenSpecRoot({startPath: root})).toMatchObject({path: root, source: 'implicit'})
    let error: unknown
    try {
      resolveOpenSpecRoot({startPath: root, allowImplicitRoot: false})
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(NotFoundError)
    expect(diagnosticOf(error)).toEqual({
      severity: 'error',
      code: 'no_openspec_root',
      message: 'No OpenSpec root found from the current directory.',
      target: 'openspec.root',
      fix: 'Run openspec init to create a root here.',
    })
    expect(statusOf(new Error('boom'), 'list_error')).toEqual({severity: 'error', code: 'list_error', message: 'boom'})
  })

  it('refuses a config-only root that points at a store, and a config that is not YAML', () => {
    const root = tempDir()
    mkdirs(root, 'openspec')
    fs.writeFileSync(path.join(root, 'openspec/config.yaml'), 'store: team\n')
    expect(() => resolveOpenSpecRoot({startPath: root})).toThrow(UsageError)
    fs.writeFileSync(path.join(root, 'openspec/config.yaml'), 'store: [\n')
    expect(() => resolveOpenSpecRoot({startPath: root})).toThrow(/Invalid store declaration in .*config\.yaml: the config file could not be read as YAML\./)
    // A real planning shape wins over the pointer, as in openspec.
    mkdirs(root, 'openspec/specs')
    fs.writeFileSync(path.join(root, 'openspec/config.yaml'), 'store: team\n')
    expect(resolveOpenSpecRoot({startPath: root}).source).toBe('nearest')
  })
})
