/**
 * psp's git merge driver: what `psp merge-driver %O %A %B %P` does when git merges a document
 * both sides changed. It reads the three versions git wrote into temporary files, merges them
 * with `mergeRecordText` (a file that is not a psp document merges as text), writes the result
 * over the ours file, and says whether a conflict remains: git takes that file as the merge's
 * result and marks the path conflicted when the driver exits non-zero.
 *
 * Git runs the driver once per file, so this module keeps to the merge code and node's own
 * modules: the rest of the core (settings, schemas, the index) is never loaded.
 */
import {isUtf8} from 'node:buffer'
import fs from 'node:fs'
import path from 'node:path'
import {NotFoundError, UnsafeInputError, UsageError} from '../errors.js'
import {writeFileAtomic} from '../fs-safe.js'
import {formatValue} from '../history/field-diff.js'
import {DEFAULT_MERGE_LABELS, type ConflictHunk, type MergeLabels} from './diff3.js'
import {mergeRecordText, type FieldConflict} from './record-merge.js'

/**
 * The largest version the driver merges. Documents are small (1 MiB by default); a bigger file
 * under data/ is not one, and a line diff of it could take long enough to stall git.
 */
export const MAX_DRIVER_BYTES = 16 * 1024 * 1024

/** The files git passes, as given (relative to `cwd`, where git runs the driver). */
export interface MergeDriverOptions {
  /** %O: the common ancestor's version (empty when there is none). */
  base: string
  /** %A: ours; the merged result is written here. */
  ours: string
  /** %B: theirs. */
  theirs: string
  /** %P: the path in the tree, for messages only (it is never opened). */
  path?: string
  cwd: string
  /** Where git's names for the sides come from (`GITHEAD_<oid>=<branch>` during `git merge`). */
  env?: Readonly<Record<string, string | undefined>>
}

/** What the driver did. */
export interface MergeDriverResult {
  /** The path the messages name: %P, else the ours file. */
  path: string
  /** True when no conflict remains (exit 0); false: git marks the path conflicted (exit 1). */
  clean: boolean
  /**
   * `record`: merged field by field; `text`: merged line by line as plain text (a version is not
   * a readable psp document: see `reason`); `kept-ours`: not merged at all (not UTF-8 text, or
   * too large), ours left as it was.
   */
  merge: 'record' | 'text' | 'kept-ours'
  reason?: string
  /** Field conflicts recorded in `merge_conflicts`. */
  conflicts: FieldConflict[]
  /** Conflict blocks written into the file, with their lines in the merged file. */
  blocks: Array<Pick<ConflictHunk, 'line' | 'endLine'>>
  /** True when the ours file was rewritten. */
  written: boolean
  /** One line per conflict (and a closing hint) for the person running git. */
  lines: string[]
}

function isInside(parent: string, child: string): boolean {
  const rel = path.relative(parent, child)
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel)
}

/**
 * One of git's temporary files. Git writes them into the folder it runs the driver in, so a
 * path elsewhere (`..`, an absolute path, a symbolic link out) is refused: the driver overwrites
 * the ours file and must not be pointed at anything else.
 */
function gitFile(cwd: string, given: string, role: string): string {
  if (given === '') throw new UsageError(`the ${role} file is empty: psp merge-driver takes the files git passes as %O %A %B`)
  if (given.includes('\0')) throw new UnsafeInputError(`the ${role} file name contains a NUL byte`)
  const absolute = path.resolve(cwd, given)
  const realCwd = fs.realpathSync(cwd)
  let realParent: string
  try {
    realParent = fs.realpathSync(path.dirname(absolute))
  } catch {
    throw new NotFoundError(`the ${role} file does not exist`, {path: given})
  }
  if (!isInside(realCwd, path.join(realParent, path.basename(absolute)))) {
    throw new UnsafeInputError(`the ${role} file is outside the current folder, where git puts the files it merges`, {path: given})
  }
  const stat = fs.lstatSync(absolute, {throwIfNoEntry: false})
  if (stat === undefined) throw new NotFoundError(`the ${role} file does not exist`, {path: given})
  if (!stat.isFile()) throw new UnsafeInputError(`the ${role} file is not a regular file`, {path: given})
  return absolute
}

/** A text safe to print on one line of a terminal. */
function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are what it removes
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?')
}

/** The theirs label: git's name for the branch being merged, when it gives exactly one. */
function labelsFrom(env: Readonly<Record<string, string | undefined>>): MergeLabels {
  const names = Object.entries(env).filter(([key, value]) => key.startsWith('GITHEAD_') && value !== undefined && value !== '')
  const name = names.length === 1 ? oneLine(names[0]?.[1] ?? '') : undefined
  return {...DEFAULT_MERGE_LABELS, ...(name === undefined ? {} : {theirs: `${DEFAULT_MERGE_LABELS.theirs} (${name})`})}
}

const shown = (value: unknown) => (value === null ? '(none)' : oneLine(formatValue(value, 40)))

/** The lines git's user sees for a merge's conflicts. */
function conflictLines(where: string, conflicts: readonly FieldConflict[], blocks: MergeDriverResult['blocks'], textReason: string | undefined): string[] {
  const text = textReason !== undefined
  const lines = conflicts.map((c) => `psp: ${where}: ${oneLine(c.field)}: conflict: ours ${shown(c.ours)}, theirs ${shown(c.theirs)} (base ${shown(c.base)})`)
  for (const block of blocks) {
    lines.push(`psp: ${where}:${block.line}: ${text ? 'conflict' : 'body: conflict'} (lines ${block.line}–${block.endLine})`)
  }
  if (text && lines.length > 0) lines.unshift(`psp: ${where}: merged as plain text: ${oneLine(textReason)}`)
  if (lines.length > 0) lines.push(`psp: ${where}: list the conflicts with psp conflicts, settle them with psp resolve or by hand (docs/sync.md)`)
  return lines
}

/**
 * Merges git's three versions of a file into the ours file. Throws UsageError, NotFoundError or
 * UnsafeInputError (nothing written) when the files are not what git passes.
 */
export function runMergeDriver(options: MergeDriverOptions): MergeDriverResult {
  const {cwd} = options
  const files = {
    base: gitFile(cwd, options.base, 'base'),
    ours: gitFile(cwd, options.ours, 'ours'),
    theirs: gitFile(cwd, options.theirs, 'theirs'),
  }
  const where = oneLine(options.path === undefined || options.path === '' ? options.ours : options.path)
  const keep = (reason: string): MergeDriverResult => ({
    path: where,
    clean: false,
    merge: 'kept-ours',
    reason,
    conflicts: [],
    blocks: [],
    written: false,
    lines: [`psp: ${where}: not merged (${reason}): ours is kept; merge it by hand`],
  })
  const bytes = {base: Buffer.alloc(0), ours: Buffer.alloc(0), theirs: Buffer.alloc(0)}
  for (const side of ['base', 'ours', 'theirs'] as const) {
    if (fs.statSync(files[side]).size > MAX_DRIVER_BYTES) return keep(`${side} is over ${MAX_DRIVER_BYTES / 1024 / 1024} MiB`)
    bytes[side] = fs.readFileSync(files[side])
    if (!isUtf8(bytes[side]) || bytes[side].includes(0)) return keep(`${side} is binary, not UTF-8 text`)
  }
  const ours = bytes.ours.toString('utf8')
  const base = bytes.base.toString('utf8')
  const merged = mergeRecordText({
    // An empty ancestor is git's way of saying there is none (both sides added the file).
    base: base === '' ? undefined : base,
    ours,
    theirs: bytes.theirs.toString('utf8'),
    labels: labelsFrom(options.env ?? process.env),
  })
  const written = merged.text !== ours
  // The ours file is git's temporary copy, read back at once and deleted: atomic, not durable.
  if (written) writeFileAtomic(files.ours, merged.text, {durable: false})
  const blocks = merged.bodyHunks.map(({line, endLine}) => ({line, endLine}))
  return {
    path: where,
    clean: merged.clean,
    merge: merged.fallback === undefined ? 'record' : 'text',
    ...(merged.fallback === undefined ? {} : {reason: merged.fallback.reason}),
    conflicts: merged.conflicts,
    blocks,
    written,
    lines: conflictLines(where, merged.conflicts, blocks, merged.fallback?.reason),
  }
}
