import fs from 'node:fs'
import path from 'node:path'
import {describe, expect, it} from 'vitest'
import {ConflictError, createFileExclusive, resolveInside, toPosixRelative, UnsafeInputError, writeFileAtomic} from '@psp/core'
import {listFiles, thrown, useTempDirs} from './_helpers.js'

const tempDir = useTempDirs()

describe('writeFileAtomic', () => {
  it('writes a new file, creating its folders, and replaces an existing one', () => {
    const dir = tempDir()
    const file = path.join(dir, 'a', 'b', 'x.md')
    writeFileAtomic(file, 'one')
    expect(fs.readFileSync(file, 'utf8')).toBe('one')
    writeFileAtomic(file, new TextEncoder().encode('two'))
    expect(fs.readFileSync(file, 'utf8')).toBe('two')
    expect(listFiles(dir)).toEqual(['a/b/x.md'])
  })
})

describe('createFileExclusive', () => {
  it('creates a file that does not exist', () => {
    const dir = tempDir()
    createFileExclusive(path.join(dir, 'n', 'x.md'), 'hello')
    expect(fs.readFileSync(path.join(dir, 'n', 'x.md'), 'utf8')).toBe('hello')
    expect(listFiles(dir)).toEqual(['n/x.md'])
  })

  it('never overwrites an existing file and leaves no temporary file behind', () => {
    const dir = tempDir()
    const file = path.join(dir, 'x.md')
    fs.writeFileSync(file, 'original')
    const error = thrown(() => createFileExclusive(file, 'new', 'data/x.md'))
    expect(error).toBeInstanceOf(ConflictError)
    expect(error.code).toBe('CONFLICT')
    expect(error.exitCode).toBe(7)
    expect(error.location.path).toBe('data/x.md')
    expect(fs.readFileSync(file, 'utf8')).toBe('original')
    expect(listFiles(dir)).toEqual(['x.md'])
  })
})

describe('resolveInside', () => {
  it('resolves paths inside the root, existing or not', () => {
    const root = tempDir()
    fs.mkdirSync(path.join(root, 'data'))
    expect(resolveInside(root, 'data')).toBe(path.join(root, 'data'))
    expect(resolveInside(root, 'data/new/x.md')).toBe(path.join(root, 'data', 'new', 'x.md'))
    expect(resolveInside(root, 'data/../config')).toBe(path.join(root, 'config'))
    expect(resolveInside(root, '')).toBe(root)
  })

  it.each([['..'], ['../x'], ['data/../../x'], ['/etc/passwd']])('refuses %s, outside the root', (rel) => {
    const root = tempDir()
    const error = thrown(() => resolveInside(root, rel))
    expect(error).toBeInstanceOf(UnsafeInputError)
    expect(error.message).toContain(rel)
  })

  it('refuses a NUL byte', () => {
    expect(() => resolveInside(tempDir(), 'a\0b')).toThrow(UnsafeInputError)
  })

  it('names the path as the user typed it', () => {
    expect(() => resolveInside(tempDir(), '../x', 'typed/../../x')).toThrow(/typed\/\.\.\/\.\.\/x/)
  })

  it('refuses a symbolic link that points outside, and follows one that stays inside', () => {
    const root = tempDir()
    const outside = tempDir()
    fs.mkdirSync(path.join(root, 'data'))
    fs.symlinkSync(outside, path.join(root, 'out'), 'dir')
    fs.symlinkSync(path.join(root, 'data'), path.join(root, 'in'), 'dir')
    expect(() => resolveInside(root, 'out')).toThrow(UnsafeInputError)
    expect(() => resolveInside(root, 'out/x.md')).not.toThrow()
    fs.writeFileSync(path.join(outside, 'x.md'), 'secret')
    expect(() => resolveInside(root, 'out/x.md')).toThrow(/symbolic link/)
    expect(resolveInside(root, 'in')).toBe(path.join(root, 'in'))
  })
})

describe('toPosixRelative', () => {
  it('gives forward-slash paths relative to the root', () => {
    const root = tempDir()
    expect(toPosixRelative(root, path.join(root, 'data', 'tasks', 'x.md'))).toBe('data/tasks/x.md')
    expect(toPosixRelative(root, root)).toBe('')
  })
})
