/**
 * Path containment for archive: every file it reads or writes must stay inside the folder it
 * belongs to, judged both by the path as written and by where symbolic links really lead. The
 * messages are openspec's, so a refusal reads the same from either tool.
 */
import fs from 'node:fs'
import path from 'node:path'
import {UnsafeInputError} from '../errors.js'
import {assertPathWithin} from './discovery.js'
import {realpathNative} from './path-memo.js'

/** True when `target` is `dir` itself or below it, comparing the paths as written (no links followed). */
export function isLexicallyWithin(dir: string, target: string): boolean {
  const rel = path.relative(path.resolve(dir), path.resolve(target))
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel))
}

/** The real path of an existing file or folder; the resolved path when it cannot be read. */
export function canonicalPath(target: string): string {
  try {
    return realpathNative(target)
  } catch {
    try {
      return fs.realpathSync(target)
    } catch {
      return path.resolve(target)
    }
  }
}

/** A spec file and the real folder it is confined to. */
export interface TrustedSpecPath {
  root: string
  file: string
}

/**
 * Where a spec under `specsRoot` really lives. A spec inside the specs tree is rebased onto the
 * tree's real path; a capability folder that is itself a link (a monorepo sharing specs) is
 * allowed, and then the link's real target becomes the folder the spec may not leave.
 * `external` names that target when it lies outside `projectRoot`, so the caller can say where
 * the write really goes.
 */
export function resolveTrustedSpecPath(specsRoot: string, specPath: string, projectRoot?: string): TrustedSpecPath & {external?: string} {
  if (!isLexicallyWithin(specsRoot, specPath)) throw new UnsafeInputError(`Path is outside the allowed directory: ${specPath}`)
  try {
    assertPathWithin(specsRoot, specPath)
    const root = canonicalPath(specsRoot)
    return {root, file: path.join(root, path.relative(path.resolve(specsRoot), path.resolve(specPath)))}
  } catch {
    const root = canonicalPath(path.dirname(specPath))
    const file = path.join(root, path.basename(specPath))
    assertPathWithin(root, file)
    const external = projectRoot !== undefined && !isLexicallyWithin(canonicalPath(projectRoot), root)
    return external ? {root, file, external: root} : {root, file}
  }
}

/** Refuses a spec path whose confining folder has moved (is no longer its own real path) or that left it. */
export function assertTrustedSpecPath(root: string, specPath: string): void {
  if (canonicalPath(root) !== path.resolve(root)) throw new UnsafeInputError(`Path is outside the allowed directory: ${specPath}`)
  assertPathWithin(root, specPath)
}
