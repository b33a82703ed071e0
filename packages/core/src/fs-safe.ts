/**
 * File-system primitives every write goes through: atomic replace (temp file + rename), exclusive
 * create (temp file + link, which fails if the target exists) and per-file locks so that two psp
 * processes editing one record never lose an update.
 */
import {nodeCrypto} from './builtins.js'
import fs from 'node:fs'
import path from 'node:path'
import {ConflictError, IoError, UnsafeInputError} from './errors.js'

function tempPathFor(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${nodeCrypto().randomBytes(4).toString('hex')}.tmp`)
}

function writeTemp(target: string, data: string | Uint8Array, durable = true): string {
  const temp = tempPathFor(target)
  let fd: number
  try {
    fs.mkdirSync(path.dirname(target), {recursive: true})
    fd = fs.openSync(temp, 'wx')
  } catch (error) {
    // A file where a folder should be (ENOTDIR, EEXIST), a read-only disk: one typed line.
    throw new IoError(`cannot write ${target}: ${(error as Error).message}`, {cause: error})
  }
  try {
    fs.writeFileSync(fd, data)
    if (durable) fs.fsyncSync(fd)
  } finally {
    fs.closeSync(fd)
  }
  return temp
}

/**
 * Replaces `target` atomically: readers see the old or the new file, never half of one.
 * `durable: false` skips the fsync, for caches that are rebuilt when found damaged after a crash.
 */
export function writeFileAtomic(target: string, data: string | Uint8Array, options: {durable?: boolean} = {}): void {
  const temp = writeTemp(target, data, options.durable ?? true)
  try {
    fs.renameSync(temp, target)
  } catch (error) {
    fs.rmSync(temp, {force: true})
    throw new IoError(`cannot write ${target}: ${(error as Error).message}`, {cause: error})
  }
}

/** Creates `target` atomically and only if it does not exist yet (never overwrites). */
export function createFileExclusive(target: string, data: string | Uint8Array, displayPath = target): void {
  const temp = writeTemp(target, data)
  try {
    fs.linkSync(temp, target)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new ConflictError(`${displayPath} already exists: psp never overwrites a file`, {path: displayPath})
    }
    throw new IoError(`cannot create ${displayPath}: ${(error as Error).message}`, {cause: error})
  } finally {
    fs.rmSync(temp, {force: true})
  }
}

/**
 * Resolves a user-supplied relative path inside `root`, refusing anything that escapes it
 * (`..`, absolute paths, symlinks pointing out). Errors name `shown`: the path as the user typed it.
 */
export function resolveInside(root: string, relative: string, shown = relative): string {
  if (relative.includes('\0')) throw new UnsafeInputError(`path "${shown}" contains a NUL byte`)
  const absolute = path.resolve(root, relative)
  const rel = path.relative(root, absolute)
  if (isOutside(rel)) {
    throw new UnsafeInputError(`path "${shown}" is outside the workspace`)
  }
  let real: string
  try {
    real = fs.realpathSync(absolute)
  } catch {
    return absolute
  }
  const realRoot = fs.realpathSync(root)
  const realRel = path.relative(realRoot, real)
  if (isOutside(realRel)) {
    throw new UnsafeInputError(`path "${shown}" leads outside the workspace through a symbolic link`)
  }
  return absolute
}

/**
 * True when a path.relative() result leads out of its base: `..` or `../…`, or absolute (another
 * drive). A name that merely starts with two dots (`..notes`) is inside.
 */
export function isOutside(rel: string): boolean {
  return rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)
}

/** Converts an absolute path to a workspace-relative one with forward slashes on every platform. */
export function toPosixRelative(root: string, absolute: string): string {
  return path.relative(root, absolute).split(path.sep).join('/')
}

/**
 * Runs `fn` holding a lock on `file` (a `<file>.lock` folder, proper-lockfile's kind, which every
 * psp process honours), waiting a little while for another holder. `rel` names the file in the
 * IoError thrown when the lock cannot be had.
 */
export async function withFileLock<T>(file: string, rel: string, fn: () => T): Promise<T> {
  const {lock} = await import('proper-lockfile')
  let release: (() => Promise<void>) | undefined
  try {
    release = await lock(file, {realpath: false, stale: 10_000, retries: {retries: 100, minTimeout: 5, maxTimeout: 100, randomize: true}})
  } catch (error) {
    throw new IoError(`cannot lock ${rel}: ${(error as Error).message}`, {path: rel, cause: error})
  }
  try {
    return fn()
  } finally {
    await release()
  }
}
