/**
 * Structural mistakes in a main spec that the section parser would silently swallow: delta
 * headings (which belong in changes only), requirements outside `## Requirements`, and duplicate
 * requirement names.
 */
import {buildCodeFenceMask} from './code-fence.js'
import {normalizeRequirementName} from './requirement-blocks.js'

/** One structural mistake, with its 1-based line. */
export interface MainSpecStructureIssue {
  kind: 'delta-header' | 'requirement-outside-requirements' | 'duplicate-requirement'
  line: number
  header: string
  message: string
}

const REQUIREMENTS_HEADING = /^##\s+Requirements\s*$/i
const LEVEL_2 = /^##\s+/
const DELTA_HEADING = /^##\s+(ADDED|MODIFIED|REMOVED|RENAMED)\s+Requirements\s*$/i
const REQUIREMENT_HEADING = /^###\s+Requirement:\s*(.+)\s*$/i

/** Finds the structural mistakes of a main spec, in line order. */
export function findMainSpecStructureIssues(content: string): MainSpecStructureIssue[] {
  return structureIssuesOfLines(stripFencedCodeBlocksPreservingLines(content.replace(/\r\n?/g, '\n')).split('\n'))
}

/**
 * `findMainSpecStructureIssues` on LF lines already read, with their fence mask (fenced lines
 * count as blank). The byte-order mark, if any, must still be on the first line.
 */
export function findStructureIssuesInLines(lines: readonly string[], fenced: readonly boolean[]): MainSpecStructureIssue[] {
  return structureIssuesOfLines(lines, fenced)
}

/** The issues of `all`; a line marked in `fenced` reads as blank. */
function structureIssuesOfLines(all: readonly string[], fenced?: readonly boolean[]): MainSpecStructureIssue[] {
  const lineAt = (i: number): string => (fenced?.[i] ? '' : (all[i] as string))
  const issues: MainSpecStructureIssue[] = []
  const firstLineOf = new Map<string, number>()
  let start = -1
  for (let i = 0; i < all.length && start === -1; i++) if (REQUIREMENTS_HEADING.test(lineAt(i))) start = i
  let end = all.length
  if (start !== -1) {
    for (let i = start + 1; i < all.length; i++) {
      if (LEVEL_2.test(lineAt(i))) {
        end = i
        break
      }
    }
  }
  for (let i = 0; i < all.length; i++) {
    const line = lineAt(i)
    const header = line.trim()
    if (!header) continue
    if (DELTA_HEADING.test(line)) {
      issues.push({
        kind: 'delta-header',
        line: i + 1,
        header,
        message:
          `Main spec contains delta header "${header}". ` +
          'Delta headers are only valid inside openspec/changes/<name>/specs/<capability-path>/spec.md ' +
          'and truncate the parsed ## Requirements section.',
      })
      continue
    }
    const m = REQUIREMENT_HEADING.exec(line)
    if (!m) continue
    if (!(start !== -1 && i > start && i < end)) {
      issues.push({
        kind: 'requirement-outside-requirements',
        line: i + 1,
        header,
        message:
          `Requirement header "${header}" appears outside the main ## Requirements section. ` +
          'Main specs only parse requirements inside that section, so this requirement is currently invisible to validate, list, and archive.',
      })
      continue
    }
    const name = normalizeRequirementName(m[1] as string)
    const previous = firstLineOf.get(name)
    if (previous === undefined) {
      firstLineOf.set(name, i + 1)
    } else {
      issues.push({
        kind: 'duplicate-requirement',
        line: i + 1,
        header,
        message:
          `Requirement header "${header}" duplicates the requirement declared on line ${previous}. ` +
          'Requirement names must be unique so spec updates cannot discard one block while updating another.',
      })
    }
  }
  return issues
}

/** Blanks every line of every fenced block, keeping the line count (so line numbers stay right). */
export function stripFencedCodeBlocksPreservingLines(content: string): string {
  const lines = content.split('\n')
  const mask = buildCodeFenceMask(lines)
  return lines.map((line, i) => (mask[i] ? '' : line)).join('\n')
}
