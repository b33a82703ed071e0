/**
 * Line-based files psp adds to but does not own (.gitignore, .gitattributes): lines are appended
 * under a `# psp` comment when missing, and nothing already there is touched.
 */
import fs from 'node:fs'

/** The trimmed lines of a file; empty when there is no file. */
function linesOf(file: string): Set<string> {
  try {
    return new Set(fs.readFileSync(file, 'utf8').split(/\r?\n/).map((l) => l.trim()))
  } catch {
    return new Set()
  }
}

/** True when the file has this line (surrounding blanks ignored). */
export function hasLine(file: string, line: string): boolean {
  return linesOf(file).has(line.trim())
}

/** Appends the missing lines to a line-based file, keeping everything already there; returns them. */
export function ensureLines(file: string, lines: readonly string[]): string[] {
  const existing = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined
  const have = new Set((existing ?? '').split(/\r?\n/).map((l) => l.trim()))
  const missing = lines.filter((l) => !have.has(l))
  if (missing.length === 0) return []
  const eol = existing?.includes('\r\n') ? '\r\n' : '\n'
  const prefix = existing === undefined || existing === '' || existing.endsWith('\n') ? '' : eol
  const header = existing === undefined ? `# psp${eol}` : `${eol}# psp${eol}`
  fs.appendFileSync(file, prefix + header + missing.join(eol) + eol)
  return missing
}
