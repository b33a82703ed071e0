/**
 * The path guard every OpenSpec read and write goes through (`assertPathWithin`): for lexical
 * escapes, links inside and outside the folder, dangling links, missing tails and files in the
 * way, it must accept and refuse exactly what openspec's guard accepts and refuses, with the
 * same message.
 */
import fs from 'node:fs'
import path from 'node:path'
import {expect, it} from 'vitest'
import {FileSystemUtils} from '../../../node_modules/@fission-ai/openspec/dist/utils/file-system.js'
import {assertPathWithin} from '../../../packages/core/src/openspec/discovery.js'
import {useTempDirs} from '../_helpers.js'

const tempDir = useTempDirs()

const outcome = (fn: () => void): string => {
  try {
    fn()
    return 'ok'
  } catch (error) {
    return (error as Error).message
  }
}

it('accepts and refuses exactly what openspec does', () => {
  const root = tempDir()
  const at = (rel: string) => path.join(root, rel)
  fs.mkdirSync(at('specs/auth'), {recursive: true})
  fs.mkdirSync(at('outside/cap'), {recursive: true})
  fs.writeFileSync(at('specs/auth/spec.md'), 'x')
  fs.writeFileSync(at('outside/cap/spec.md'), 'x')
  fs.writeFileSync(at('specs/file'), 'x')
  fs.symlinkSync(at('outside/cap'), at('specs/linked'))
  fs.symlinkSync(at('specs/auth'), at('specs/inner-link'))
  fs.symlinkSync(at('nowhere'), at('specs/dangling'))
  fs.symlinkSync(at('outside/cap/spec.md'), at('specs/auth/out.md'))
  fs.symlinkSync(at('specs'), at('specs-link'))
  fs.symlinkSync(at('specs/file'), at('file-link'))
  const dirs = ['specs', 'specs-link', 'specs/auth', 'specs/missing', 'specs/dangling', 'specs/file', 'file-link', 'outside']
  const targets = [
    'specs',
    'specs/auth/spec.md',
    'specs/auth/new/deeper.md',
    'specs/linked/spec.md',
    'specs/inner-link/spec.md',
    'specs/dangling/spec.md',
    'specs/dangling',
    'specs/auth/out.md',
    'specs/file/x',
    'specs/../outside/cap/spec.md',
    'specs-link/auth/spec.md',
    'outside/cap/spec.md',
    'file-link/x',
  ]
  for (const dir of dirs) {
    for (const target of targets) {
      expect(outcome(() => assertPathWithin(at(dir), at(target))), `${dir} ⊇ ${target}`).toBe(outcome(() => FileSystemUtils.assertPathWithin(at(dir), at(target))))
    }
  }
})
