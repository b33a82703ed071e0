/**
 * The file-system steps of an archive that must be all-or-nothing: claiming the destination,
 * moving the change folder, and snapshots of the main specs so that a failure after the first
 * write puts every spec back as it was.
 */
import {randomUUID} from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import {pruneEmptyDirs} from './apply.js'
import {archiveRefusal} from './archive-errors.js'

const errnoOf = (error: unknown): string | undefined => (error as NodeJS.ErrnoException | null)?.code

/** Refuses when anything (even a dangling link) already sits at the archive destination. */
export function assertArchiveDestinationAvailable(archivePath: string, archiveName: string): void {
  if (fs.lstatSync(archivePath, {throwIfNoEntry: false}) !== undefined) {
    throw archiveRefusal('archive_target_exists', `Archive '${archiveName}' already exists.`)
  }
}

/** An exclusive claim on the archive folder, so two archives cannot race for one destination. */
export interface ArchiveClaim {
  path: string
  contents: string
}

/**
 * Takes the claim file `.openspec-archive.lock` in the archive folder (openspec's name, so the
 * two tools exclude each other). A claim left by a crashed run is reported, never broken.
 */
export function claimArchiveDestination(archivePath: string, archiveName: string): ArchiveClaim {
  const claimPath = path.join(path.dirname(archivePath), '.openspec-archive.lock')
  const contents = JSON.stringify({pid: process.pid, nonce: randomUUID()})
  let fd: number
  try {
    fd = fs.openSync(claimPath, 'wx')
  } catch (error) {
    if (errnoOf(error) === 'EEXIST') {
      throw archiveRefusal(
        'archive_target_exists',
        `Archive '${archiveName}' is already being created. If no archive process is running, remove the stale claim at ${claimPath} and rerun.`,
      )
    }
    throw error
  }
  try {
    fs.writeFileSync(fd, contents)
    fs.fsyncSync(fd)
  } catch (error) {
    fs.closeSync(fd)
    fs.rmSync(claimPath, {force: true})
    throw error
  }
  fs.closeSync(fd)
  return {path: claimPath, contents}
}

/** Removes the claim, if it is still ours. */
export function releaseArchiveClaim(claim: ArchiveClaim): void {
  try {
    if (fs.readFileSync(claim.path, 'utf8') === claim.contents) fs.unlinkSync(claim.path)
  } catch {
    // gone already: nothing to release
  }
}

/**
 * Moves the change folder to the archive. A rename is atomic; where it is not allowed (another
 * device, a Windows lock) the folder is copied, compared and only then removed.
 */
export function moveDirectory(source: string, destination: string): void {
  try {
    fs.renameSync(source, destination)
    return
  } catch (error) {
    const code = errnoOf(error)
    if (code === 'ENOTEMPTY' || code === 'EEXIST') throw archiveRefusal('archive_target_exists', `Archive '${path.basename(destination)}' already exists.`)
    if (code !== 'EPERM' && code !== 'EXDEV') throw error
  }
  try {
    fs.cpSync(source, destination, {recursive: true, errorOnExist: true, force: false, verbatimSymlinks: true, preserveTimestamps: true})
    if (treeFingerprint(source) !== treeFingerprint(destination)) {
      throw new Error(`Change directory contents changed during the fallback copy from ${source} to ${destination}.`)
    }
  } catch (error) {
    fs.rmSync(destination, {recursive: true, force: true})
    if (errnoOf(error) === 'EEXIST' || errnoOf(error) === 'ERR_FS_CP_EEXIST') {
      throw archiveRefusal('archive_target_exists', `Archive '${path.basename(destination)}' already exists.`)
    }
    throw error
  }
  fs.rmSync(source, {recursive: true})
}

/** Names, kinds, link targets and bytes of a tree, to tell a faithful copy from a changed one. */
function treeFingerprint(root: string): string {
  const parts: string[] = []
  const visit = (dir: string, rel: string) => {
    for (const entry of fs.readdirSync(dir, {withFileTypes: true}).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const full = path.join(dir, entry.name)
      const relative = `${rel}/${entry.name}`
      if (entry.isDirectory()) {
        parts.push(`d:${relative}`)
        visit(full, relative)
      } else if (entry.isSymbolicLink()) parts.push(`l:${relative}:${fs.readlinkSync(full)}`)
      else parts.push(`f:${relative}:${fs.readFileSync(full).toString('base64')}`)
    }
  }
  visit(root, '')
  return parts.join('\n')
}

/** A main spec as it was before archive touched it. */
export interface SpecSnapshot {
  target: string
  outcome: 'write' | 'retire'
  existed: boolean
  content?: Buffer
  mode?: number
  /** The spec was a link: its target text. */
  link?: string
  /** For a spec that did not exist: the deepest folder that did (rollback prunes up to it). */
  pruneBoundary?: string
  /** Where a retired spec waits until the archive is complete. */
  displacedPath?: string
}

/** The deepest existing folder at or above `dir`, never above `boundary`. */
function deepestExisting(dir: string, boundary: string): string {
  for (let current = dir; ; current = path.dirname(current)) {
    if (current === boundary || !current.startsWith(boundary + path.sep)) return boundary
    if (fs.lstatSync(current, {throwIfNoEntry: false}) !== undefined) return current
  }
}

/** Snapshots of every spec an archive is about to write or retire. */
export function captureSpecSnapshots(mutations: ReadonlyArray<{target: string; outcome: 'write' | 'retire'}>, mainSpecsDir: string): SpecSnapshot[] {
  return mutations.map(({target, outcome}) => {
    const stat = fs.lstatSync(target, {throwIfNoEntry: false})
    if (stat === undefined) {
      return {target, outcome, existed: false, pruneBoundary: deepestExisting(path.dirname(target), mainSpecsDir)}
    }
    if (stat.isSymbolicLink()) {
      let content: Buffer | undefined
      try {
        content = fs.readFileSync(target)
      } catch (error) {
        if (errnoOf(error) !== 'ENOENT') throw error
      }
      return {target, outcome, existed: true, link: fs.readlinkSync(target), ...(content === undefined ? {} : {content})}
    }
    return {target, outcome, existed: true, ...(stat.isFile() ? {content: fs.readFileSync(target), mode: stat.mode} : {})}
  })
}

/**
 * Puts the snapshotted specs back, last first: a written spec gets its old bytes (or goes, if
 * archive created it, with the folders it created), a retired one comes back from where it
 * waited. Failures are collected so one cannot stop the others from being restored.
 */
export function restoreSpecSnapshots(snapshots: readonly SpecSnapshot[], mainSpecsDir: string): void {
  const errors: string[] = []
  for (const snapshot of [...snapshots].reverse()) {
    try {
      if (snapshot.outcome === 'retire') {
        if (snapshot.displacedPath !== undefined) {
          fs.renameSync(snapshot.displacedPath, snapshot.target)
          snapshot.displacedPath = undefined
        }
        continue
      }
      if (!snapshot.existed) {
        fs.rmSync(snapshot.target, {force: true})
        pruneEmptyDirs(path.dirname(snapshot.target), snapshot.pruneBoundary ?? mainSpecsDir)
        continue
      }
      if (snapshot.content !== undefined) {
        fs.writeFileSync(snapshot.target, snapshot.content)
        if (snapshot.mode !== undefined && snapshot.link === undefined) fs.chmodSync(snapshot.target, snapshot.mode)
      }
    } catch (error) {
      errors.push(error instanceof Error ? error.message : String(error))
    }
  }
  if (errors.length > 0) throw new Error(errors.join(' '))
}
