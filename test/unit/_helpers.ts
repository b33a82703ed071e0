/**
 * Shared helpers of the core's unit tests: throw-away folders (removed after each test), a
 * freshly initialised workspace, raw file writes that bypass the store, and error capture.
 */
import crypto from 'node:crypto'
import fs from 'node:fs'
import {syncBuiltinESMExports} from 'node:module'
import os from 'node:os'
import path from 'node:path'
import {afterAll, afterEach, expect} from 'vitest'
import {initWorkspace, PspError, Workspace} from '@psp/core'

/** The version written by `initWorkspace` in these tests. */
export const TEST_VERSION = '0.0.0-test'

/**
 * Returns a function that makes a new empty temporary folder; every folder it made is removed
 * after each test of the calling file.
 */
export function useTempDirs(): () => string {
  const made: string[] = []
  afterEach(() => {
    for (const dir of made.splice(0)) fs.rmSync(dir, {recursive: true, force: true})
  })
  return () => {
    const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'psp-unit-')))
    made.push(dir)
    return dir
  }
}

/** Initialises `dir` as a workspace and opens it. */
export async function makeWorkspace(dir: string): Promise<Workspace> {
  await initWorkspace(dir, {pspVersion: TEST_VERSION})
  return Workspace.open(dir)
}

/**
 * Returns a function that makes a fresh initialised workspace in a new temporary folder and
 * returns its root. `initWorkspace` runs once per test file; each workspace is a copy of that
 * one (much faster than initialising every time). Every folder is removed after each test.
 */
export function useWorkspaces(): () => Promise<string> {
  const tempDir = useTempDirs()
  let template: string | undefined
  afterAll(() => {
    if (template !== undefined) fs.rmSync(template, {recursive: true, force: true})
  })
  return async () => {
    if (template === undefined) {
      template = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'psp-unit-template-')))
      await initWorkspace(template, {pspVersion: TEST_VERSION})
    }
    const root = tempDir()
    fs.cpSync(template, root, {recursive: true})
    return root
  }
}

/** Writes a workspace-relative file directly (as a user's editor would), creating folders. */
export function writeFile(root: string, rel: string, content: string | Uint8Array): string {
  const file = path.join(root, ...rel.split('/'))
  fs.mkdirSync(path.dirname(file), {recursive: true})
  fs.writeFileSync(file, content)
  return file
}

/** Reads a workspace-relative file as UTF-8 text. */
export function readFile(root: string, rel: string): string {
  return fs.readFileSync(path.join(root, ...rel.split('/')), 'utf8')
}

/** Builds a Markdown document from frontmatter lines and a body (LF line ends). */
export function doc(frontmatter: string[], body = ''): string {
  return `---\n${frontmatter.map((l) => `${l}\n`).join('')}---\n${body}`
}

/** Runs `fn` and returns what it threw; fails the test when it throws nothing. */
export function thrown(fn: () => unknown): PspError {
  let error: unknown
  try {
    fn()
  } catch (error_) {
    error = error_
  }
  expect(error, 'expected an error to be thrown').toBeDefined()
  expect(error).toBeInstanceOf(PspError)
  return error as PspError
}

/** Awaits `promise` and returns what it rejected with; fails the test when it resolves. */
export async function rejected(promise: Promise<unknown>): Promise<PspError> {
  let error: unknown
  try {
    await promise
  } catch (error_) {
    error = error_
  }
  expect(error, 'expected a rejection').toBeDefined()
  expect(error).toBeInstanceOf(PspError)
  return error as PspError
}

/** Every file under `root` (relative, posix), optionally skipping some top-level prefixes. */
export function listFiles(root: string, skip: string[] = []): string[] {
  const out: string[] = []
  const walk = (rel: string) => {
    for (const entry of fs.readdirSync(path.join(root, rel), {withFileTypes: true})) {
      const child = rel === '' ? entry.name : `${rel}/${entry.name}`
      if (skip.some((s) => child === s || child.startsWith(`${s}/`))) continue
      if (entry.isDirectory()) walk(child)
      else out.push(child)
    }
  }
  walk('')
  return out.sort()
}

/** A map of every file's bytes under `root` (see listFiles). */
export function snapshotFiles(root: string, skip: string[] = []): Map<string, Buffer> {
  return new Map(listFiles(root, skip).map((rel) => [rel, fs.readFileSync(path.join(root, rel))]))
}

/**
 * Runs `fn` while node:crypto's randomBytes returns zero bytes for its first `zeroCalls` calls,
 * so that the store mints a predictable id (`<prefix>-0000000000`).
 */
export function withZeroIds<T>(zeroCalls: number, fn: () => T): T {
  const real = crypto.randomBytes
  let calls = 0
  const fake = (size: number) => (calls++ < zeroCalls ? Buffer.alloc(size) : real(size))
  ;(crypto as {randomBytes: unknown}).randomBytes = fake
  syncBuiltinESMExports()
  try {
    return fn()
  } finally {
    ;(crypto as {randomBytes: unknown}).randomBytes = real
    syncBuiltinESMExports()
  }
}
