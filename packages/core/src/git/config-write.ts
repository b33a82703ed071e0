/**
 * Writing one section of a git config file without the git binary: the section is replaced (or
 * removed) and every other line stays byte for byte, comments included. The file is written the
 * way git writes it — into `<file>.lock`, created exclusively, then renamed over the file — so a
 * git process changing the config at the same moment makes one of the two fail instead of one
 * silently losing the other's change.
 */
import fs from 'node:fs'
import {IoError} from '../errors.js'

/** A header line, as config.ts reads it: `[section]`, `[section "sub"]`, or the old `[section.sub]`. */
const HEADER = /^\s*\[\s*([A-Za-z0-9.-]+)(?:\s+"((?:[^"\\]|\\.)*)")?\s*\]/

/** A value as git's own writer quotes it: quoted when blanks would be trimmed or `#`/`;` start a comment. */
export function configValue(value: string): string {
  const escaped = value.replace(/[\\"\n\t]/g, (c) => (c === '\n' ? '\\n' : c === '\t' ? '\\t' : `\\${c}`))
  return /^\s|\s$|[#;]/.test(value) ? `"${escaped}"` : escaped
}

function isSection(line: string, section: string, subsection: string): boolean {
  const header = HEADER.exec(line)
  if (header === null) return false
  const name = (header[1] as string).toLowerCase()
  if (header[2] === undefined) return name === `${section}.${subsection.toLowerCase()}`
  return name === section && header[2].replace(/\\(.)/g, '$1') === subsection
}

/** Lines of a text, each with its line break. */
function linesOf(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? []
}

/**
 * Sets the keys of `[section "subsection"]` in a config file to `entries` (in that order),
 * replacing whatever that section held; `undefined` removes the section. The section is written
 * where it first was, else at the end. Returns true when the file changed. `section` is
 * lower-case (git's section names are case-insensitive, subsections are not).
 */
export function writeConfigSection(file: string, section: string, subsection: string, entries: ReadonlyArray<readonly [string, string]> | undefined): boolean {
  let text = ''
  try {
    text = fs.readFileSync(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new IoError(`cannot read ${file}: ${(error as Error).message}`, {cause: error})
  }
  const eol = text.includes('\r\n') ? '\r\n' : '\n'
  const kept: string[] = []
  let at: number | undefined
  let inside = false
  for (const line of linesOf(text)) {
    if (HEADER.test(line)) inside = isSection(line, section, subsection)
    if (!inside) {
      kept.push(line)
      continue
    }
    at ??= kept.length
  }
  let block: string[] = []
  if (entries !== undefined) {
    const sub = subsection.replace(/[\\"]/g, (c) => `\\${c}`)
    block = [`[${section} "${sub}"]${eol}`, ...entries.map(([key, value]) => `\t${key} = ${configValue(value)}${eol}`)]
  }
  if (at === undefined) {
    at = kept.length
    const last = kept[kept.length - 1]
    if (block.length > 0 && last !== undefined && !last.endsWith('\n')) kept[kept.length - 1] = last + eol
  }
  kept.splice(at, 0, ...block)
  const next = kept.join('')
  if (next === text) return false
  writeLocked(file, next)
  return true
}

/** Writes a git file through `<file>.lock`, as git does, keeping the file's mode. */
function writeLocked(file: string, text: string): void {
  const lock = `${file}.lock`
  let mode = 0o644
  try {
    mode = fs.statSync(file).mode & 0o777
  } catch {
    // a new file
  }
  let fd: number
  try {
    fd = fs.openSync(lock, 'wx', mode)
  } catch (error) {
    const busy = (error as NodeJS.ErrnoException).code === 'EEXIST'
    throw new IoError(busy ? `cannot lock ${file}: ${lock} exists (is a git command running? if not, delete it)` : `cannot lock ${file}: ${(error as Error).message}`, {
      cause: error,
    })
  }
  try {
    fs.writeFileSync(fd, text)
    fs.fsyncSync(fd)
    fs.closeSync(fd)
    fs.renameSync(lock, file)
  } catch (error) {
    try {
      fs.closeSync(fd)
    } catch {
      // already closed
    }
    fs.rmSync(lock, {force: true})
    throw new IoError(`cannot write ${file}: ${(error as Error).message}`, {cause: error})
  }
}
